#include "rules/value_automaton.h"

#include <algorithm>
#include <map>
#include <optional>

namespace nj::rules {
namespace {

bool takes(const std::array<uint64_t, 2>& bytes, unsigned char c) {
    return c < 128 && (bytes[c / 64] >> (c % 64) & 1) != 0;
}

std::array<uint64_t, 2> asciiOf(const javaregex::CodePointSet& set) {
    std::array<uint64_t, 2> out{};
    for (const auto& range : set.ranges()) {
        for (char32_t c = range.first; c <= range.last && c < 128; c++) out[c / 64] |= uint64_t{1} << (c % 64);
    }
    return out;
}

}  // namespace

const ValueAutomaton::ByteSet& ValueAutomaton::valueBytes() {
    static const ByteSet bytes = [] {
        ByteSet b{};
        for (unsigned char c : std::string_view("0123456789.-+ENaInfitytruefals")) b[c] = true;
        return b;
    }();
    return bytes;
}

class ValueAutomaton::Builder {
public:
    // superset: build a language that holds every match of the pattern where the exact build
    // would give up (look-arounds and assertions pass, back-references and \X take anything).
    Builder(std::vector<State>& states, bool superset) : states_(states), superset_(superset) {}

    // A fragment: entry state and the (state, which-out) pairs to patch.
    struct Frag {
        uint32_t start;
        std::vector<std::pair<uint32_t, int>> exits;
    };

    std::optional<Frag> build(const javaregex::Node& node) {
        using javaregex::NodeKind;
        if (states_.size() > kMaxStates) return std::nullopt;
        switch (node.kind) {
            case NodeKind::Empty: return jump();
            case NodeKind::Class: {
                if (!node.cls.isExactSet()) {   // properties, Unicode folding
                    if (!superset_) return std::nullopt;
                    return anyByte();
                }
                uint32_t s = add(State::Kind::Byte);
                states_[s].bytes = asciiOf(node.cls.set);
                return Frag{s, {{s, 1}}};
            }
            case NodeKind::Sequence: {
                std::optional<Frag> whole = jump();
                for (const auto& child : node.children) {
                    std::optional<Frag> next = build(child);
                    if (!next) return std::nullopt;
                    whole = concat(*whole, *next);
                }
                return whole;
            }
            case NodeKind::Alternation: {
                if (node.children.empty()) return jump();
                std::optional<Frag> result = build(node.children.back());
                if (!result) return std::nullopt;
                for (size_t i = node.children.size() - 1; i-- > 0;) {
                    std::optional<Frag> left = build(node.children[i]);
                    if (!left) return std::nullopt;
                    uint32_t split = add(State::Kind::Split);
                    states_[split].out = left->start;
                    states_[split].out2 = result->start;
                    Frag joined{split, left->exits};
                    joined.exits.insert(joined.exits.end(), result->exits.begin(), result->exits.end());
                    result = joined;
                }
                return result;
            }
            case NodeKind::Group: {
                const bool plain = node.group == javaregex::GroupKind::Capturing ||
                                   node.group == javaregex::GroupKind::NonCapturing;
                const bool lookAround = node.group != javaregex::GroupKind::Atomic && !plain;
                if (superset_ && lookAround) return jump();   // it only ever removes matches
                if ((!plain && !superset_) || node.children.size() != 1) return std::nullopt;
                if (node.lineBreak && !superset_) return std::nullopt;
                return build(node.children[0]);   // an atomic group's matches are among its body's
            }
            case NodeKind::Assertion:
                if (!superset_) return std::nullopt;
                return jump();
            case NodeKind::BackReference:
            case NodeKind::Grapheme: {
                if (!superset_) return std::nullopt;
                std::optional<Frag> any = anyByte();   // any text at all, the empty one too
                uint32_t split = add(State::Kind::Split);
                states_[split].out = any->start;
                patch(any->exits, split);
                return Frag{split, {{split, 2}}};
            }
            case NodeKind::Repeat: {
                if (node.children.size() != 1) return std::nullopt;
                if (node.repeat == javaregex::RepeatKind::Possessive && !superset_) return std::nullopt;
                if (node.min > kMaxCopies || (node.max != javaregex::kUnbounded && node.max > kMaxCopies)) {
                    if (!superset_) return std::nullopt;
                    javaregex::Node wider = node;   // any count: a superset of the counts asked for
                    wider.min = 0;
                    wider.max = javaregex::kUnbounded;
                    return build(wider);
                }
                std::optional<Frag> whole = jump();
                for (int64_t i = 0; i < node.min; i++) {
                    std::optional<Frag> copy = build(node.children[0]);
                    if (!copy) return std::nullopt;
                    whole = concat(*whole, *copy);
                }
                if (node.max == javaregex::kUnbounded) {
                    std::optional<Frag> body = build(node.children[0]);
                    if (!body) return std::nullopt;
                    uint32_t split = add(State::Kind::Split);   // loop: body again, or leave
                    states_[split].out = body->start;
                    patch(body->exits, split);
                    return concat(*whole, Frag{split, {{split, 2}}});
                }
                for (int64_t i = node.min; i < node.max; i++) {
                    std::optional<Frag> body = build(node.children[0]);
                    if (!body) return std::nullopt;
                    uint32_t split = add(State::Kind::Split);   // optional copy
                    states_[split].out = body->start;
                    Frag optional{split, body->exits};
                    optional.exits.push_back({split, 2});
                    whole = concat(*whole, optional);
                }
                return whole;
            }
        }
        return std::nullopt;
    }

    void patch(const std::vector<std::pair<uint32_t, int>>& exits, uint32_t target) {
        for (const auto& [state, which] : exits) (which == 1 ? states_[state].out : states_[state].out2) = target;
    }

private:
    static constexpr size_t kMaxStates = 4096;

    uint32_t add(State::Kind kind) {
        states_.push_back(State{});
        states_.back().kind = kind;
        return static_cast<uint32_t>(states_.size() - 1);
    }
    Frag jump() {
        uint32_t s = add(State::Kind::Jump);
        return Frag{s, {{s, 1}}};
    }
    Frag anyByte() {
        uint32_t s = add(State::Kind::Byte);
        states_[s].bytes = {~uint64_t{0}, ~uint64_t{0}};
        return Frag{s, {{s, 1}}};
    }
    Frag concat(const Frag& a, const Frag& b) {
        patch(a.exits, b.start);
        return Frag{a.start, b.exits};
    }

    std::vector<State>& states_;
    bool superset_;
};

std::unique_ptr<ValueAutomaton> ValueAutomaton::build(const javaregex::Node& pattern, Mode mode) {
    std::unique_ptr<ValueAutomaton> automaton(new ValueAutomaton());
    Builder builder(automaton->states_, mode == Mode::Superset);
    std::optional<Builder::Frag> body = builder.build(pattern);
    if (!body) return nullptr;
    automaton->states_.push_back(State{});
    automaton->states_.back().kind = State::Kind::Match;
    const uint32_t match = static_cast<uint32_t>(automaton->states_.size() - 1);
    builder.patch(body->exits, match);
    automaton->start_ = body->start;
    const size_t n = automaton->states_.size();

    // Live states: the match is reachable from them reading value bytes only (or nothing).
    std::array<uint64_t, 2> valueMask{};
    for (unsigned c = 0; c < 128; c++) {
        if (valueBytes()[c]) valueMask[c / 64] |= uint64_t{1} << (c % 64);
    }
    auto& live = automaton->live_;
    live.assign(n, false);
    live[match] = true;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < n; i++) {
            if (live[i]) continue;
            const State& s = automaton->states_[i];
            bool now = false;
            switch (s.kind) {
                case State::Kind::Jump: now = live[s.out]; break;
                case State::Kind::Split: now = live[s.out] || live[s.out2]; break;
                case State::Kind::Byte:
                    now = ((s.bytes[0] & valueMask[0]) | (s.bytes[1] & valueMask[1])) != 0 && live[s.out];
                    break;
                case State::Kind::Match: now = true; break;
            }
            if (now) {
                live[i] = true;
                changed = true;
            }
        }
    }
    // Byte classes: bytes that every Byte state takes or refuses alike step the same way.
    std::map<std::vector<bool>, uint8_t> classOf;
    for (unsigned c = 0; c < 128; c++) {
        std::vector<bool> signature;
        for (const State& st : automaton->states_) {
            if (st.kind == State::Kind::Byte) signature.push_back(takes(st.bytes, static_cast<unsigned char>(c)));
        }
        auto [it, added] = classOf.try_emplace(std::move(signature), static_cast<uint8_t>(classOf.size()));
        automaton->byteClass_[c] = it->second;
    }
    automaton->classes_ = static_cast<uint32_t>(classOf.size());

    // Whether P matches the empty string: then it matches at the very end, after any value, and
    // valueCannotMatter never holds (a superset that does simply matches everywhere).
    std::vector<uint32_t> list, mark(n, 0);
    automaton->closure(automaton->start_, list, mark, 1);
    for (uint32_t s : list) {
        if (automaton->states_[s].kind == State::Kind::Match) automaton->matchesEmpty_ = true;
    }
    return automaton;
}

// Adds the Byte and Match states reachable from `state` without reading (a Pike VM's list).
void ValueAutomaton::closure(uint32_t state, std::vector<uint32_t>& list, std::vector<uint32_t>& mark,
                             uint32_t generation) const {
    thread_local std::vector<uint32_t> stack;   // reused: this runs for every state and character
    stack.assign(1, state);
    while (!stack.empty()) {
        uint32_t s = stack.back();
        stack.pop_back();
        if (mark[s] == generation) continue;
        mark[s] = generation;
        const State& st = states_[s];
        switch (st.kind) {
            case State::Kind::Jump: stack.push_back(st.out); break;
            case State::Kind::Split:
                stack.push_back(st.out2);
                stack.push_back(st.out);
                break;
            case State::Kind::Byte:
            case State::Kind::Match: list.push_back(s); break;
        }
    }
}

int32_t ValueAutomaton::intern(std::vector<uint32_t> set) const {
    std::sort(set.begin(), set.end());
    if (auto it = dfaIndex_.find(set); it != dfaIndex_.end()) return it->second;
    if (sets_.size() >= kMaxDfaStates) return -1;
    uint8_t flags = 0;
    for (uint32_t s : set) {
        const State& st = states_[s];
        if (st.kind == State::Kind::Match) flags |= kMatchEnds;
        if (st.kind != State::Kind::Byte || !live_[st.out]) continue;
        for (unsigned c = 0; c < 128; c++) {
            if (valueBytes()[c] && takes(st.bytes, static_cast<unsigned char>(c))) flags |= kValueCanMatter;
        }
    }
    const auto id = static_cast<int32_t>(sets_.size());
    sets_.push_back(set);
    flags_.push_back(flags);
    next_.resize(next_.size() + classes_, -2);
    dfaIndex_.emplace(std::move(set), id);
    return id;
}

int32_t ValueAutomaton::step(int32_t from, unsigned char c) const {
    int32_t& slot = next_[static_cast<size_t>(from) * classes_ + byteClass_[c]];
    if (slot != -2) return slot;
    std::vector<uint32_t> next, mark(states_.size(), 0);
    for (uint32_t s : sets_[static_cast<size_t>(from)]) {
        const State& st = states_[s];
        if (st.kind == State::Kind::Byte && takes(st.bytes, c)) closure(st.out, next, mark, 1);
    }
    closure(start_, next, mark, 1);   // a match may also start at the next character
    const int32_t to = intern(std::move(next));   // may grow next_: slot is stale now
    next_[static_cast<size_t>(from) * classes_ + byteClass_[c]] = to;
    return to;
}

// Runs the DFA over fixed: the state after it, or -1 when there is none to reason about (a
// character outside the proof's range, too many states). *matched: some match of P ended on
// the way (or at the start: P matches the empty string); stopAtMatch: return -1 then.
int32_t ValueAutomaton::run(std::string_view fixed, bool* matched, bool stopAtMatch) const {
    if (sets_.empty()) {
        std::vector<uint32_t> first, mark(states_.size(), 0);
        closure(start_, first, mark, 1);
        if (intern(std::move(first)) != 0) return -1;
    }
    int32_t state = 0;   // before the first character: only P's start
    *matched = (flags_[0] & kMatchEnds) != 0;
    for (char ch : fixed) {
        if (*matched && stopAtMatch) return -1;
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c >= 128 || c == '\n' || c == '\r') return -1;
        int32_t to = next_[static_cast<size_t>(state) * classes_ + byteClass_[c]];
        if (to == -2) to = step(state, c);
        if (to < 0) return -1;   // too many states: no proof, the rule is matched as usual
        state = to;
        *matched = *matched || (flags_[static_cast<size_t>(state)] & kMatchEnds) != 0;
    }
    return state;
}

bool ValueAutomaton::valueCannotMatter(std::string_view fixed) const {
    if (matchesEmpty_) return false;
    std::lock_guard lock(mu_);
    bool matched = false;
    const int32_t state = run(fixed, &matched, false);
    return state >= 0 && (flags_[static_cast<size_t>(state)] & kValueCanMatter) == 0;
}

bool ValueAutomaton::matchesWithin(std::string_view fixed) const {
    for (char ch : fixed) {   // all of it: the wrapper's .* must cross the whole input
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c >= 128 || c == '\n' || c == '\r') return false;
    }
    std::lock_guard lock(mu_);
    bool matched = false;
    (void)run(fixed, &matched, true);   // stops at the first match
    return matched;
}

bool ValueAutomaton::neverMatches(std::string_view fixed) const {
    std::lock_guard lock(mu_);
    bool matched = false;
    const int32_t state = run(fixed, &matched, true);
    return state >= 0 && !matched && (flags_[static_cast<size_t>(state)] & kValueCanMatter) == 0;
}

}  // namespace nj::rules
