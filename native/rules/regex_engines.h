// The Pattern behind rules::Pattern::compile, with what nativejmx-check and the tests need
// beyond the interface: the engine's own pattern text, the prefilter, and a way to run an
// RE2-eligible pattern on PCRE2 alone (so a test can hold both engines to Java's answer).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/regex.h"
#include "rules/value_automaton.h"

namespace re2 {
class RE2;
}

namespace nj::rules {

enum class EngineChoice {
    Automatic,    // RE2 where it means the same as Java (PCRE2 finds a match's groups), else PCRE2
    Re2Groups,    // as Automatic, but RE2 also finds an RE2 match's groups (tests: the fallback)
    ForcePcre2,   // PCRE2 alone, without the prefilter, even when RE2 could run it (tests)
};

class Pcre2Program;

class JavaPattern final : public Pattern {
public:
    // PCRE2 gives up (no match, limitHit) after this many backtracking steps: a pathological
    // pattern costs a few milliseconds per input instead of hanging the scrape. Real rules need
    // a few hundred to a few thousand (Strimzi's on a 340-byte name: under 2,000).
    static constexpr uint32_t kMatchLimit = 1'000'000;
    // Depth limit for PCRE2's interpreter, used only where JIT is unavailable.
    static constexpr uint32_t kDepthLimit = 100'000;

    static Result<std::unique_ptr<JavaPattern>> compile(std::string_view javaPattern,
                                                        EngineChoice choice = EngineChoice::Automatic);
    ~JavaPattern() override;

    bool match(std::string_view input, MatchGroups& groups) const override;
    int groupCount() const override { return groupCount_; }
    std::optional<int> namedGroup(std::string_view name) const override;
    RegexEngine engine() const override { return re2_ ? RegexEngine::RE2 : RegexEngine::PCRE2; }
    const std::string& source() const override { return source_; }
    bool limitHit() const override { return limitHit_.load(std::memory_order_relaxed); }
    const std::string& pcre2Reason() const override { return pcre2Reason_; }
    const std::string& re2Superset() const override { return re2_ ? enginePattern_ : prefilterPattern_; }

    const ByteSet* valueBytes() const override;
    bool groupsHoldForAnyValue(std::string_view input, size_t valueStart) const override;
    bool neverMatchesForAnyValue(std::string_view fixed) const override;
    bool matchesForAnyValue(std::string_view fixed) const override;

    const std::string& enginePattern() const { return enginePattern_; }       // what decides the match
    const std::string& prefilterPattern() const { return prefilterPattern_; } // RE2 superset, or empty

private:
    JavaPattern();
    bool re2Groups(std::string_view input, MatchGroups& groups) const;
    const Pcre2Program* captureProgram() const;

    std::string source_;
    int groupCount_ = 0;
    std::vector<std::pair<std::string, int>> namedGroups_;
    std::string enginePattern_;
    std::string pcre2Reason_;
    std::string prefilterPattern_;
    std::string pcre2Pattern_;                 // the PCRE2 form (also for an RE2 pattern's groups)
    std::unique_ptr<re2::RE2> re2_;            // RE2 engine: decides the match in linear time
    std::unique_ptr<Pcre2Program> pcre2_;      // PCRE2 engine
    std::unique_ptr<re2::RE2> prefilter_;      // PCRE2 engine: rejects most non-matching inputs first
    // RE2 engine: PCRE2 (JIT) finds the groups of a match RE2 found, several times faster than
    // RE2's own submatch search on short inputs; compiled on first use.
    bool pcre2FindsGroups_ = true;
    mutable std::once_flag groupFinderOnce_;
    mutable std::unique_ptr<Pcre2Program> groupFinder_;
    mutable std::atomic<bool> limitHit_{false};
    std::unique_ptr<ValueAutomaton> valueAutomaton_;   // the value memo's proof, or null
    std::unique_ptr<ValueAutomaton> supersetAutomaton_;   // for "never matches" where the above is null
};

}  // namespace nj::rules
