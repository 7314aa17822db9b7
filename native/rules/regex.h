// Rule patterns with Java java.util.regex semantics (spec §5.2, §16), run on RE2 where the
// translation provably means the same and on PCRE2 (JIT, match limit) otherwise.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace nj::rules {

enum class RegexEngine { RE2, PCRE2 };

// The groups of one successful match: index 0 is the whole input; a group that did not
// take part is std::nullopt (it expands to the empty string).
struct MatchGroups {
    std::vector<std::optional<std::string_view>> groups;
};

class Pattern {
public:
    virtual ~Pattern() = default;

    // Compiles a rule pattern as the javaagent does: Java syntax (what Java rejects is
    // rejected, with Java's reason), wrapped as ^.*(?:PATTERN).*$ and matched in full.
    static Result<std::unique_ptr<Pattern>> compile(std::string_view javaPattern);

    // Full match of the wrapped pattern against input; on success fills groups.
    // A PCRE2 match that hits its match limit counts as no match (and is reported once
    // through limitHit()). The input must be valid UTF-8 (as the shim delivers Java strings);
    // PCRE2 never matches invalid UTF-8. Safe to call from several threads at once.
    virtual bool match(std::string_view input, MatchGroups& groups) const = 0;

    virtual int groupCount() const = 0;                         // the user's groups
    virtual std::optional<int> namedGroup(std::string_view name) const = 0;
    virtual RegexEngine engine() const = 0;
    virtual const std::string& source() const = 0;              // the pattern as written
    virtual bool limitHit() const = 0;                          // true once a match hit the PCRE2 limit
    // Why the pattern runs on PCRE2 (e.g. "look-ahead/look-behind"); empty on RE2.
    virtual const std::string& pcre2Reason() const = 0;
    // An RE2 pattern (default options but no error logging) that matches every input this
    // pattern matches: on RE2 the pattern itself, on PCRE2 its prefilter; empty if there is none.
    virtual const std::string& re2Superset() const = 0;

    // The value memo (engine.cpp): a pattern input is a prefix (bean, attribute) followed by a
    // value that changes from scrape to scrape. valueBytes() is null when this pattern cannot
    // prove anything about values; otherwise the bytes a value may hold for the proof to cover it.
    // groupsHoldForAnyValue: given that input matches, whether every input that differs only
    // from valueStart on, by bytes valueBytes() allows, matches with the same groups 1..n
    // (group 0, the whole input, differs of course). The proof needs the input alone.
    using ByteSet = std::array<bool, 256>;
    virtual const ByteSet* valueBytes() const { return nullptr; }
    virtual bool groupsHoldForAnyValue(std::string_view input, size_t valueStart) const {
        (void)input, (void)valueStart;
        return false;
    }
    // Whether input (a fixed part, then any value of valueBytes(), which must be non-null)
    // can never match: proven on a language holding every match of the pattern.
    virtual bool neverMatchesForAnyValue(std::string_view fixed) const {
        (void)fixed;
        return false;
    }
    // Whether input (a fixed part, then any value of valueBytes) always matches: the pattern
    // matches within the fixed part. For rules whose templates read no group.
    virtual bool matchesForAnyValue(std::string_view fixed) const {
        (void)fixed;
        return false;
    }
};

// Expands a replacement template with Java Matcher.replaceAll rules (spec §5.4) against
// a successful match: $n (digits taken while the number stays a valid group), ${name},
// backslash escapes. Errors (abort the scrape): "Illegal group reference", "No group 3",
// "No group with name {x}", "character to be escaped is missing".
Result<std::string> expandTemplate(std::string_view tmpl, const Pattern& pattern, const MatchGroups& groups);

}  // namespace nj::rules
