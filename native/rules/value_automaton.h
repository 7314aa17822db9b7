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

    // Null when P uses a construct outside the language subset, can match the empty string,
    // or is too large to expand (a repeat count over kMaxCopies).
    static std::unique_ptr<ValueAutomaton> build(const javaregex::Node& pattern);

    // True when no match of P can end past `fixed` (nor start there), for any value of
    // valueBytes() appended. `fixed` must be ASCII without line breaks (false otherwise).
    bool valueCannotMatter(std::string_view fixed) const;

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

    std::vector<State> states_;
    uint32_t start_ = 0;
    std::vector<bool> live_;   // acceptance reachable through value bytes only (or none)

    // Subset construction on demand, shared by every input: one lookup per character. A state
    // is the set of NFA states some match of P can be in at that point, starts included.
    struct DfaState {
        std::vector<uint32_t> nfa;            // sorted
        std::array<int32_t, 128> next;        // -2: not computed yet
        bool valueCanMatter = false;          // one value byte can lead to a match
    };
    static constexpr size_t kMaxDfaStates = 512;   // at most ~300 kB a pattern
    mutable std::mutex mu_;
    mutable std::vector<DfaState> dfa_;
    mutable std::map<std::vector<uint32_t>, int32_t> dfaIndex_;
};

}  // namespace nj::rules
