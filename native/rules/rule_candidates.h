// The rules that may match a pattern input, found in one pass over it: an RE2::Set per input
// variant holds every rule's RE2 superset (the pattern itself on RE2, its prefilter on PCRE2).
// A rule left out cannot match, so trying only the candidates, in rule order, finds the same
// first matching rule as trying every rule — at the cost of one scan instead of one per rule.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rules/regex.h"

namespace nj::rules {

class RuleCandidates {
public:
    // The pattern input's variants (spec §5.1): +2 attribute name snake-cased, +1 value
    // replaced by "<cache>".
    static constexpr size_t kVariants = 4;
    using Inputs = std::array<std::string, kVariants>;

    // patterns[i]: rule i's pattern, or null for a rule that matches everything;
    // variants[i]: the input variant rule i matches against.
    RuleCandidates(const std::vector<const Pattern*>& patterns, const std::vector<uint8_t>& variants);
    ~RuleCandidates();
    RuleCandidates(const RuleCandidates&) = delete;
    RuleCandidates& operator=(const RuleCandidates&) = delete;

    // Whether find() reads inputs[variant]: the caller builds only those.
    bool readsVariant(size_t variant) const;

    // The rules that may match, ascending. Not thread-safe (one scrape at a time).
    void find(const Inputs& inputs, std::vector<uint32_t>& out) const;

private:
    struct VariantSet;
    std::vector<uint32_t> always_;   // rules without an RE2 superset: always candidates
    std::array<std::unique_ptr<VariantSet>, kVariants> sets_;
};

}  // namespace nj::rules
