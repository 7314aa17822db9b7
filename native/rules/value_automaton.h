// The proof behind the value memo (engine.h): whether a rule's match on a pattern input can
// depend on the value at its end. The input is FIXED + VALUE (spec §5.1: "bean<...>attr: "
// then the value's text); the javaagent's wrapper ^.*(?:P).*$ takes P's first match (in
// backtracking order) at the rightmost start where P matches. If no match of P can end inside
// the value, whatever value made of kValueBytes follows, then every path into the value fails
// for every value, the paths within FIXED do the same whatever follows, and so the match and
// its groups are FIXED's alone.
//
// That is decided on P's plain language: a Thompson NFA over ASCII, built for the patterns
// whose paths are a language (characters, sequences, alternations, groups, greedy or lazy
// repeats). Anything else (assertions, look-arounds, atomic groups, possessive repeats,
// back-references) is not covered and the rule is simply not memoised.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "rules/java_regex.h"

namespace nj::rules {

class ValueAutomaton {
public:
    using ByteSet = std::array<bool, 256>;

    // The bytes a value's text may hold for the proof to cover it: those of Java's Long,
    // Double, Float and Boolean texts (digits, . - + E, NaN, Infinity, true, false). Never a
    // line break or ':' (the wrapper's .* and the _objectname cut rely on that).
    static const ByteSet& valueBytes();

    // Exact: P's own language; null when P uses a construct outside the subset or is too large
    // to expand (a repeat count over kMaxCopies).
    // Superset: a language holding every match of P (look-arounds and assertions dropped,
    // back-references and \X as any text, large counts as any count): good for "never matches"
    // only. Null only when it would be too large.
    enum class Mode { Exact, Superset };
    static std::unique_ptr<ValueAutomaton> build(const javaregex::Node& pattern, Mode mode = Mode::Exact);

    // True when no match of P can end past `fixed` (nor start there), for any value of
    // valueBytes() appended. `fixed` must be ASCII without line breaks (false otherwise).
    bool valueCannotMatter(std::string_view fixed) const;

    // True when P matches nowhere in `fixed` + any value of valueBytes(): the wrapped pattern
    // never matches that input. The same conditions on `fixed`.
    bool neverMatches(std::string_view fixed) const;

    // True when P (Exact) matches somewhere in `fixed` itself: the wrapped pattern matches
    // `fixed` + any value of valueBytes(). The same conditions on `fixed`.
    bool matchesWithin(std::string_view fixed) const;

    bool matchesEmpty() const { return matchesEmpty_; }

    static constexpr int64_t kMaxCopies = 16;

private:
    struct State {
        enum class Kind : uint8_t { Byte, Split, Jump, Match } kind = Kind::Jump;
        std::array<uint64_t, 2> bytes{};   // Byte: the ASCII bytes it takes
        uint32_t out = 0, out2 = 0;
    };
    class Builder;

    void closure(uint32_t state, std::vector<uint32_t>& list, std::vector<uint32_t>& mark, uint32_t generation) const;
    // The DFA state (a set of NFA states, built on first use) after `from` reads c; -1: too many.
    int32_t step(int32_t from, unsigned char c) const;
    int32_t intern(std::vector<uint32_t> set) const;   // with mu_ held
    int32_t run(std::string_view fixed, bool* matched, bool stopAtMatch) const;   // with mu_ held

    std::vector<State> states_;
    uint32_t start_ = 0;
    std::vector<bool> live_;   // acceptance reachable through value bytes only (or none)
    bool matchesEmpty_ = false;

    // Subset construction on demand, shared by every input: one lookup per character. A state
    // is the set of NFA states some match of P can be in at that point, starts included. The
    // bytes are folded into the classes the pattern tells apart, so a state's row is short.
    static constexpr size_t kMaxDfaStates = 512;
    std::array<uint8_t, 128> byteClass_{};
    uint32_t classes_ = 0;
    mutable std::mutex mu_;
    mutable std::vector<int32_t> next_;     // state * classes_ + class; -2: not computed yet
    mutable std::vector<uint8_t> flags_;    // kValueCanMatter | kMatchEnds, per state
    mutable std::vector<std::vector<uint32_t>> sets_;   // the NFA states of each DFA state, sorted
    mutable std::map<std::vector<uint32_t>, int32_t> dfaIndex_;
    static constexpr uint8_t kValueCanMatter = 1;   // one value byte can lead to a match
    static constexpr uint8_t kMatchEnds = 2;        // a match of P ends here
};

}  // namespace nj::rules
