#include "rules/rule_candidates.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>

namespace nj::rules {

struct RuleCandidates::VariantSet {
    RE2::Set set;
    std::vector<uint32_t> ruleOfEntry;   // Set index -> rule index
    mutable std::vector<int> hits;       // reused across find() calls

    static RE2::Options options() {
        RE2::Options options;   // as JavaPattern compiles its RE2 programs
        options.set_log_errors(false);
        return options;
    }
    VariantSet() : set(options(), RE2::ANCHOR_BOTH) {}
};

RuleCandidates::RuleCandidates(const std::vector<const Pattern*>& patterns, const std::vector<uint8_t>& variants) {
    std::array<std::unique_ptr<VariantSet>, kVariants> building;
    for (uint32_t rule = 0; rule < patterns.size(); rule++) {
        const Pattern* pattern = patterns[rule];
        if (pattern == nullptr || pattern->re2Superset().empty()) {
            always_.push_back(rule);
            continue;
        }
        std::unique_ptr<VariantSet>& variant = building[variants[rule]];
        if (!variant) variant = std::make_unique<VariantSet>();
        if (variant->set.Add(pattern->re2Superset(), nullptr) < 0) {
            always_.push_back(rule);
            continue;
        }
        variant->ruleOfEntry.push_back(rule);
    }
    for (size_t v = 0; v < kVariants; v++) {
        if (!building[v]) continue;
        if (building[v]->set.Compile()) {
            sets_[v] = std::move(building[v]);
        } else {
            always_.insert(always_.end(), building[v]->ruleOfEntry.begin(), building[v]->ruleOfEntry.end());
        }
    }
    std::sort(always_.begin(), always_.end());
}

RuleCandidates::~RuleCandidates() = default;

bool RuleCandidates::readsVariant(size_t variant) const { return sets_[variant] != nullptr; }

void RuleCandidates::find(const Inputs& inputs, std::vector<uint32_t>& out) const {
    out.assign(always_.begin(), always_.end());
    for (size_t v = 0; v < kVariants; v++) {
        const VariantSet* variant = sets_[v].get();
        if (variant == nullptr) continue;
        RE2::Set::ErrorInfo error{RE2::Set::kNoError};
        variant->hits.clear();
        variant->set.Match(inputs[v], &variant->hits, &error);
        if (error.kind != RE2::Set::kNoError) {
            // The DFA ran out of memory: every rule of the variant stays a candidate.
            out.insert(out.end(), variant->ruleOfEntry.begin(), variant->ruleOfEntry.end());
            continue;
        }
        for (int hit : variant->hits) out.push_back(variant->ruleOfEntry[static_cast<size_t>(hit)]);
    }
    std::sort(out.begin(), out.end());
}

}  // namespace nj::rules
