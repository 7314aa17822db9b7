#include "rules/regex_translate.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/regex_properties.h"

namespace nj::rules::javaregex {
namespace {

enum class Target { RE2, PCRE2, RE2Superset };

// PCRE2's largest repetition count.
constexpr int64_t kPcre2MaxCount = 65535;

// Code points a UTF-8 input can hold (no surrogates); neither engine accepts the others.
const CodePointSet& scalarValues() {
    static const CodePointSet set = CodePointSet::range(0xD800, 0xDFFF).complement();
    return set;
}

bool mayMatchTerminator(const ClassExpr& e) {
    // Sets are exact (case variants of the terminators are themselves); anything with an
    // engine property is assumed to.
    return e.kind != ClassExpr::Kind::Set || !e.set.intersection(lineTerminators()).empty();
}

bool canConsumeTerminator(const Node& n) {
    switch (n.kind) {
        case NodeKind::Empty:
        case NodeKind::Assertion:
            return false;
        case NodeKind::Class:
            return mayMatchTerminator(n.cls);
        case NodeKind::Group:
            if (n.group != GroupKind::Capturing && n.group != GroupKind::NonCapturing && n.group != GroupKind::Atomic) {
                return false;   // look-arounds consume nothing
            }
            return canConsumeTerminator(n.children[0]);
        case NodeKind::Repeat:
            return n.max > 0 && canConsumeTerminator(n.children[0]);
        case NodeKind::Sequence:
        case NodeKind::Alternation:
            return std::any_of(n.children.begin(), n.children.end(), canConsumeTerminator);
        case NodeKind::BackReference:
        case NodeKind::Grapheme:
            return true;
    }
    return true;
}

bool isZeroWidth(const Node& n) {
    return n.kind == NodeKind::Empty || n.kind == NodeKind::Assertion ||
           (n.kind == NodeKind::Group && n.group != GroupKind::Capturing && n.group != GroupKind::NonCapturing &&
            n.group != GroupKind::Atomic);
}

bool canMatchEmpty(const Node& n) {
    switch (n.kind) {
        case NodeKind::Empty:
        case NodeKind::Assertion:
        case NodeKind::BackReference:
            return true;
        case NodeKind::Class:
        case NodeKind::Grapheme:
            return false;
        case NodeKind::Group:
            return isZeroWidth(n) || canMatchEmpty(n.children[0]);
        case NodeKind::Repeat:
            return n.min == 0 || canMatchEmpty(n.children[0]);
        case NodeKind::Sequence:
            return std::all_of(n.children.begin(), n.children.end(), canMatchEmpty);
        case NodeKind::Alternation:
            return std::any_of(n.children.begin(), n.children.end(), canMatchEmpty);
    }
    return true;
}

// Matches only the empty string: assertions, look-arounds, empty groups.
bool alwaysEmpty(const Node& n) {
    switch (n.kind) {
        case NodeKind::Empty:
        case NodeKind::Assertion:
            return true;
        case NodeKind::Class:
        case NodeKind::BackReference:
        case NodeKind::Grapheme:
            return false;
        case NodeKind::Group:
            return isZeroWidth(n) || alwaysEmpty(n.children[0]);
        case NodeKind::Repeat:
            return n.max == 0 || alwaysEmpty(n.children[0]);
        case NodeKind::Sequence:
        case NodeKind::Alternation:
            return std::all_of(n.children.begin(), n.children.end(), alwaysEmpty);
    }
    return false;
}

bool hasAssertion(const Node& n) {
    if (n.kind == NodeKind::Assertion || (n.kind == NodeKind::Group && isZeroWidth(n))) return true;
    return std::any_of(n.children.begin(), n.children.end(), hasAssertion);
}

bool hasCapture(const Node& n) {
    if (n.kind == NodeKind::Group && n.group == GroupKind::Capturing) return true;
    return std::any_of(n.children.begin(), n.children.end(), hasCapture);
}

std::string hex(char32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "\\x{%X}", static_cast<unsigned>(c));
    return buf;
}

// One code point, escaped so that it means itself inside or outside brackets in both engines
// (neither runs in extended mode, so a space is a space).
std::string literalText(char32_t c) {
    static constexpr std::string_view kSpecial = "\\^$.|?*+()[]{}-";
    if (c < 0x20 || c >= 0x7F) return hex(c);
    if (kSpecial.find(static_cast<char>(c)) != std::string_view::npos) return std::string{'\\', static_cast<char>(c)};
    return std::string(1, static_cast<char>(c));
}

std::string rangesText(const CodePointSet& s) {
    std::string out;
    for (const CodePointSet::Range& r : s.ranges()) {
        out += literalText(r.first);
        if (r.last != r.first) {
            if (r.last != r.first + 1) out += '-';
            out += literalText(r.last);
        }
    }
    return out;
}

// A class as one bracket expression, when it is one: sets and (negated) properties, united,
// possibly complemented as a whole.
struct FlatClass {
    CodePointSet set;
    std::vector<std::pair<const EngineProperty*, bool>> properties;   // property, negated
    bool negated = false;
};

bool addFlat(const ClassExpr& e, FlatClass& into) {
    switch (e.kind) {
        case ClassExpr::Kind::Set:
            if (e.unicodeCaseless) return false;
            into.set.add(e.set);
            return true;
        case ClassExpr::Kind::Property:
            into.properties.emplace_back(&e.property, false);
            return true;
        case ClassExpr::Kind::Complement:
            if (e.operands[0].kind != ClassExpr::Kind::Property) return false;
            into.properties.emplace_back(&e.operands[0].property, true);
            return true;
        case ClassExpr::Kind::Union:
            for (const ClassExpr& operand : e.operands) {
                if (!addFlat(operand, into)) return false;
            }
            return true;
        case ClassExpr::Kind::Intersection:
            return false;
    }
    return false;
}

std::optional<FlatClass> flatten(const ClassExpr& e) {
    FlatClass flat;
    if (e.kind == ClassExpr::Kind::Complement && e.operands[0].kind == ClassExpr::Kind::Union) {
        if (!addFlat(e.operands[0], flat)) return std::nullopt;
        flat.negated = true;
        return flat;
    }
    if (!addFlat(e, flat)) return std::nullopt;
    return flat;
}

// --- look-behind bodies ---
//
// PCRE2 10.42 needs every top-level branch of a look-behind to have a fixed length; Java
// accepts any body with a bounded maximum (and unbounded single-character repeats). Rewrites
// that keep the meaning:
//  - a leading X{n,} becomes X{n}: if X{k}Y ends at the current position (k >= n), so does
//    its suffix X{n}Y, and Java, which tries the shortest candidate first, binds that one;
//  - without capture groups, bounded repeats and alternatives expand into fixed-length branches.
// A body that still varies in length is left for PCRE2 to reject.

constexpr size_t kMaxLookBehindBranches = 64;

std::optional<int64_t> fixedLength(const Node& n) {
    switch (n.kind) {
        case NodeKind::Empty:
        case NodeKind::Assertion:
            return 0;
        case NodeKind::Class:
            return 1;
        case NodeKind::Group:
            if (isZeroWidth(n)) return 0;
            return fixedLength(n.children[0]);
        case NodeKind::Repeat: {
            if (n.min != n.max) return std::nullopt;
            std::optional<int64_t> child = fixedLength(n.children[0]);
            if (!child) return std::nullopt;
            return *child * n.min;
        }
        case NodeKind::Sequence: {
            int64_t total = 0;
            for (const Node& child : n.children) {
                std::optional<int64_t> length = fixedLength(child);
                if (!length) return std::nullopt;
                total += *length;
            }
            return total;
        }
        case NodeKind::Alternation: {
            std::optional<int64_t> common;
            for (const Node& child : n.children) {
                std::optional<int64_t> length = fixedLength(child);
                if (!length || (common && *common != *length)) return std::nullopt;
                common = length;
            }
            return common;
        }
        case NodeKind::BackReference:
        case NodeKind::Grapheme:
            return std::nullopt;
    }
    return std::nullopt;
}

void shortenLeadingRepeat(Node& n) {
    switch (n.kind) {
        case NodeKind::Repeat:
            if (n.max == kUnbounded && n.repeat != RepeatKind::Possessive) n.max = n.min;
            return;
        case NodeKind::Sequence:
            shortenLeadingRepeat(n.children[0]);
            return;
        case NodeKind::Alternation:
            for (Node& child : n.children) shortenLeadingRepeat(child);
            return;
        case NodeKind::Group:
            if (n.group == GroupKind::Capturing || n.group == GroupKind::NonCapturing)
                shortenLeadingRepeat(n.children[0]);
            return;
        default:
            return;
    }
}

Node sequenceOfNodes(std::vector<Node> items) {
    Node n;
    n.kind = NodeKind::Sequence;
    n.children = std::move(items);
    return n;
}

// Every way through `n` as a fixed-length branch, or nullopt.
std::optional<std::vector<Node>> expandFixed(const Node& n) {
    auto product = [](const std::vector<Node>& prefixes,
                      const std::vector<Node>& suffixes) -> std::optional<std::vector<Node>> {
        if (prefixes.size() * suffixes.size() > kMaxLookBehindBranches) return std::nullopt;
        std::vector<Node> out;
        for (const Node& p : prefixes) {
            for (const Node& s : suffixes) out.push_back(sequenceOfNodes({p, s}));
        }
        return out;
    };
    switch (n.kind) {
        case NodeKind::Sequence: {
            std::vector<Node> out{Node{}};
            for (const Node& child : n.children) {
                std::optional<std::vector<Node>> ways = expandFixed(child);
                if (!ways) return std::nullopt;
                std::optional<std::vector<Node>> joined = product(out, *ways);
                if (!joined) return std::nullopt;
                out = std::move(*joined);
            }
            return out;
        }
        case NodeKind::Alternation: {
            std::vector<Node> out;
            for (const Node& child : n.children) {
                std::optional<std::vector<Node>> ways = expandFixed(child);
                if (!ways || out.size() + ways->size() > kMaxLookBehindBranches) return std::nullopt;
                for (Node& way : *ways) out.push_back(std::move(way));
            }
            return out;
        }
        case NodeKind::Group:
            if (n.group == GroupKind::NonCapturing) return expandFixed(n.children[0]);
            break;
        case NodeKind::Repeat: {
            if (n.repeat == RepeatKind::Possessive || n.max == kUnbounded || fixedLength(n)) break;
            std::optional<std::vector<Node>> once = expandFixed(n.children[0]);
            if (!once) return std::nullopt;
            std::vector<Node> out;
            std::vector<Node> k{Node{}};   // the ways through k repetitions
            for (int64_t count = 0; count <= n.max; count++) {
                if (count >= n.min) {
                    if (out.size() + k.size() > kMaxLookBehindBranches) return std::nullopt;
                    out.insert(out.end(), k.begin(), k.end());
                }
                if (count == n.max) break;
                std::optional<std::vector<Node>> next = product(k, *once);
                if (!next) return std::nullopt;
                k = std::move(*next);
            }
            return out;
        }
        default:
            break;
    }
    if (!fixedLength(n)) return std::nullopt;
    return std::vector<Node>{n};
}

std::vector<Node> lookBehindBranches(const Node& body) {
    Node shortened = body;
    shortenLeadingRepeat(shortened);
    std::vector<Node> branches;
    if (shortened.kind == NodeKind::Alternation) {
        branches = shortened.children;
    } else {
        branches.push_back(shortened);
    }
    const bool allFixed =
        std::all_of(branches.begin(), branches.end(), [](const Node& b) { return fixedLength(b).has_value(); });
    if (allFixed || hasCapture(shortened)) return branches;
    std::optional<std::vector<Node>> expanded = expandFixed(shortened);
    return expanded ? std::move(*expanded) : branches;
}

class Emitter {
public:
    explicit Emitter(Target target, int groupCount) : target_(target), groupCount_(groupCount) {}

    std::string run(const Node& root) {
        emit(root, false);
        return std::move(out_);
    }
    const std::string& obstacle() const { return obstacle_; }

private:
    Target target_;
    int groupCount_;
    std::string out_;
    std::string obstacle_;   // RE2: the first construct it cannot run; PCRE2: what it cannot express

    void refuse(std::string why) {
        if (obstacle_.empty()) obstacle_ = std::move(why);
    }

    // `follow`: whether what comes after this node (to the end of the whole pattern) can
    // consume a line terminator. When it cannot, `$` is the same as \z: `$` leaves at most one
    // terminator, and nothing after it could take that terminator before the match's end.
    void emit(const Node& n, bool follow) {
        switch (n.kind) {
            case NodeKind::Empty:
                return;
            case NodeKind::Class:
                out_ += classText(n.cls);
                return;
            case NodeKind::Sequence: {
                std::vector<bool> followAfter(n.children.size() + 1, follow);
                for (size_t i = n.children.size(); i-- > 0;) {
                    followAfter[i] = followAfter[i + 1] || canConsumeTerminator(n.children[i]);
                }
                for (size_t i = 0; i < n.children.size(); i++) emit(n.children[i], followAfter[i + 1]);
                return;
            }
            case NodeKind::Alternation:
                out_ += "(?:";
                for (size_t i = 0; i < n.children.size(); i++) {
                    if (i > 0) out_ += '|';
                    emit(n.children[i], follow);
                }
                out_ += ')';
                return;
            case NodeKind::Group:
                group(n, follow);
                return;
            case NodeKind::Repeat:
                repeat(n, follow);
                return;
            case NodeKind::Assertion:
                assertion(n.assertion, follow);
                return;
            case NodeKind::BackReference:
                backReference(n);
                return;
            case NodeKind::Grapheme:
                if (target_ == Target::RE2) refuse("the grapheme cluster \\X");
                out_ += target_ == Target::PCRE2 ? "\\X" : "[\\x00-\\x{10FFFF}]+";
                return;
        }
    }

    void group(const Node& n, bool follow) {
        const Node& body = n.children[0];
        switch (n.group) {
            case GroupKind::Capturing:
                out_ += '(';
                emit(body, follow);
                out_ += ')';
                return;
            case GroupKind::NonCapturing:
                out_ += "(?:";
                emit(body, follow);
                out_ += ')';
                return;
            case GroupKind::Atomic:
                if (target_ == Target::RE2) refuse(n.lineBreak ? "a quantified \\R" : "an atomic group (?>...)");
                out_ += target_ == Target::PCRE2 ? "(?>" : "(?:";
                emit(body, follow);
                out_ += ')';
                return;
            default:
                break;
        }
        // Look-arounds. Inside one, text after the assertion is not consumed by the rest of
        // the pattern, so `$` there keeps its full meaning (follow = true).
        if (target_ == Target::RE2Superset) return;   // an assertion dropped only widens
        if (target_ == Target::RE2) refuse("look-ahead/look-behind");
        static constexpr const char* kOpen[] = {"", "", "", "(?=", "(?!", "(?<=", "(?<!"};
        out_ += kOpen[static_cast<int>(n.group)];
        if (n.group == GroupKind::LookBehind || n.group == GroupKind::NegativeLookBehind) {
            std::vector<Node> branches = lookBehindBranches(body);
            for (size_t i = 0; i < branches.size(); i++) {
                if (i > 0) out_ += '|';
                emit(branches[i], true);
            }
        } else {
            emit(body, true);
        }
        out_ += ')';
    }

    static bool isAtom(const Node& n) {
        return n.kind == NodeKind::Class || n.kind == NodeKind::Group || n.kind == NodeKind::BackReference ||
               n.kind == NodeKind::Grapheme;
    }

    void repeat(const Node& n, bool follow) {
        const Node& child = n.children[0];
        if (target_ == Target::RE2 && n.max > 1 && canMatchEmpty(child) && (hasCapture(child) || hasAssertion(child))) {
            // Java ends a loop at its first empty iteration, even below the minimum count; RE2
            // (like PCRE2) may go on. That changes captures, and the match itself when whether
            // the body can be empty depends on the position (an assertion inside).
            refuse("a repeated group that can match the empty string and captures or asserts");
        }
        if (target_ == Target::RE2 && n.repeat == RepeatKind::Possessive) refuse("a possessive quantifier");
        if (isZeroWidth(child)) {
            // Java stops repeating a zero-width match: X{0,m} is an optional X, X{n,m} is X.
            if (child.kind == NodeKind::Empty) return;
            out_ += "(?:";
            emit(child, follow);
            out_ += ')';
            if (n.min == 0) out_ += suffix("?", n.repeat);
            return;
        }
        if (child.kind == NodeKind::Group && alwaysEmpty(child.children[0]) && !(n.min == 0 && n.max == 1)) {
            // The same for a group that only matches the empty string; and GroupCurly, unlike
            // Java's other loops, does not keep the capture of an iteration beyond the minimum.
            if (n.min == 0 && n.groupCurly) {   // keep the group (numbering) but never enter it
                out_ += "(?:";
                emit(child, follow);
                out_ += setText(CodePointSet()) + ")?";
                return;
            }
            emit(child, follow);
            if (n.min == 0) out_ += suffix("?", n.repeat);
            return;
        }
        const bool childFollow = follow || (n.max > 1 && canConsumeTerminator(child));
        if (isAtom(child)) {
            emit(child, childFollow);
        } else {
            out_ += "(?:";
            emit(child, childFollow);
            out_ += ')';
        }
        std::string count;
        if (n.min == 0 && n.max == kUnbounded) {
            count = "*";
        } else if (n.min == 1 && n.max == kUnbounded) {
            count = "+";
        } else if (n.min == 0 && n.max == 1) {
            count = "?";
        } else {
            if (target_ == Target::PCRE2 &&
                (n.min > kPcre2MaxCount || (n.max != kUnbounded && n.max > kPcre2MaxCount))) {
                refuse("a repetition count above 65535");
            }
            count = "{" + std::to_string(n.min);
            if (n.max != n.min) count += "," + (n.max == kUnbounded ? std::string() : std::to_string(n.max));
            count += "}";
        }
        out_ += suffix(count, n.repeat);
    }

    std::string suffix(const std::string& count, RepeatKind kind) const {
        if (kind == RepeatKind::Lazy) return count + "?";
        if (kind == RepeatKind::Possessive && target_ == Target::PCRE2) return count + "+";
        return count;
    }

    void assertion(AssertionKind kind, bool follow) {
        const bool asEnd = !follow;   // nothing after it can take a terminator: `$` is \z
        switch (kind) {
            case AssertionKind::InputStart:
                out_ += "\\A";
                return;
            case AssertionKind::InputEnd:
                out_ += "\\z";
                return;
            case AssertionKind::EndOrBeforeFinalTerminator:
                if (asEnd) return void(out_ += "\\z");
                pcre2Assertion("`$` where a final line terminator may follow",
                               "(?=(?:\\r\\n|(?<!\\r)\\n|[\\r\\x{85}\\x{2028}\\x{2029}])?\\z)");
                return;
            case AssertionKind::EndOrBeforeFinalNewline:
                if (asEnd) return void(out_ += "\\z");
                pcre2Assertion("`$` where a final line terminator may follow", "(?=\\n?\\z)");
                return;
            case AssertionKind::LineEnd:
                if (asEnd) return void(out_ += "\\z");
                pcre2Assertion("MULTILINE `$`", "(?:\\z|(?=[\\r\\x{85}\\x{2028}\\x{2029}])|(?<!\\r)(?=\\n))");
                return;
            case AssertionKind::UnixLineEnd:
                if (asEnd) return void(out_ += "\\z");
                pcre2Assertion("MULTILINE `$`", "(?=\\n|\\z)");
                return;
            case AssertionKind::LineStart:   // Java: never at the end of the input
                pcre2Assertion("MULTILINE `^`", "(?!\\z)(?:\\A|(?<=[\\n\\x{85}\\x{2028}\\x{2029}])|(?<=\\r)(?!\\n))");
                return;
            case AssertionKind::UnixLineStart:
                pcre2Assertion("MULTILINE `^`", "(?!\\z)(?:\\A|(?<=\\n))");
                return;
            case AssertionKind::WordBoundary:
            case AssertionKind::NotWordBoundary: {
                // RE2's \b is ASCII, as Java's (JDK 19+; JDK 17 counts Unicode letters and
                // digits as word characters). Java also counts a non-spacing mark after a
                // letter or digit as a word character; neither engine can.
                const bool boundary = kind == AssertionKind::WordBoundary;
                if (target_ != Target::PCRE2) return void(out_ += boundary ? "\\b" : "\\B");
                out_ += wordBoundary("[0-9A-Z_a-z]", boundary);
                return;
            }
            case AssertionKind::UnicodeWordBoundary:
            case AssertionKind::NotUnicodeWordBoundary:
                if (target_ == Target::RE2Superset) return;
                if (target_ == Target::RE2) refuse("a Unicode word boundary (UNICODE_CHARACTER_CLASS)");
                out_ += wordBoundary(classText(unicodeWord()), kind == AssertionKind::UnicodeWordBoundary);
                return;
        }
    }

    void pcre2Assertion(const char* re2Obstacle, const char* pcre2) {
        if (target_ == Target::RE2Superset) return;
        if (target_ == Target::RE2) refuse(re2Obstacle);
        out_ += "(?:";
        out_ += pcre2;
        out_ += ')';
    }

    static std::string wordBoundary(const std::string& word, bool boundary) {
        if (boundary) {
            return "(?:(?<=" + word + ")(?!" + word + ")|(?<!" + word + ")(?=" + word + "))";
        }
        return "(?:(?<=" + word + ")(?=" + word + ")|(?<!" + word + ")(?!" + word + "))";
    }

    void backReference(const Node& n) {
        if (target_ == Target::RE2Superset) return void(out_ += "[\\x00-\\x{10FFFF}]*");
        if (target_ == Target::RE2) refuse("a back-reference");
        if (n.reference > groupCount_) return void(out_ += "(?:(*FAIL))");   // Java: never matches
        std::string ref = "\\g{" + std::to_string(n.reference) + "}";
        // Java folds ASCII only unless UNICODE_CASE; PCRE2 folds Unicode in UTF mode.
        out_ += n.caseInsensitive ? "(?i:" + ref + ")" : ref;
    }

    // --- character classes ---

    std::string classText(const ClassExpr& e) {
        if (e.kind == ClassExpr::Kind::Set && e.unicodeCaseless) {
            if (target_ == Target::RE2Superset) return anyCodePoint();
            if (target_ == Target::RE2) refuse("Unicode case-insensitive matching of non-ASCII characters (?iu)");
            return "(?i:" + setText(e.set) + ")";
        }
        if (std::optional<FlatClass> flat = flatten(e)) return flatText(*flat);
        if (target_ == Target::RE2Superset) return anyCodePoint();
        if (target_ == Target::RE2) refuse("a class intersection or complement involving Unicode properties");
        return composedText(e);
    }

    static std::string anyCodePoint() { return "[\\x00-\\x{10FFFF}]"; }

    std::string setText(const CodePointSet& raw) const {
        const CodePointSet s = raw.intersection(scalarValues());
        if (s.empty()) return target_ == Target::PCRE2 ? "(?:(*FAIL))" : "[^\\x00-\\x{10FFFF}]";
        if (s.isSingle()) return literalText(s.ranges()[0].first);
        const CodePointSet rest = scalarValues().intersection(s.complement());
        if (rest.empty()) return anyCodePoint();
        if (rest.ranges().size() < s.ranges().size()) return "[^" + rangesText(rest) + "]";
        return "[" + rangesText(s) + "]";
    }

    std::string flatText(const FlatClass& flat) {
        if (flat.properties.empty()) {
            return setText(flat.negated ? flat.set.complement() : flat.set);
        }
        std::string items = rangesText(flat.set.intersection(scalarValues()));
        for (const auto& [property, negated] : flat.properties) {
            std::string name = property->pcre2;
            if (target_ != Target::PCRE2) {
                if (property->re2.empty()) {
                    if (target_ == Target::RE2Superset) return anyCodePoint();
                    refuse("the Unicode property " + property->pcre2);
                }
                name = property->re2;
            }
            items += (negated ? "\\P{" : "\\p{") + name + "}";
        }
        return (flat.negated ? "[^" : "[") + items + "]";
    }

    // PCRE2 10.42 has no class set operations: one code point matched through look-aheads.
    std::string composedText(const ClassExpr& e) {
        switch (e.kind) {
            case ClassExpr::Kind::Union: {
                std::string out = "(?:";
                for (size_t i = 0; i < e.operands.size(); i++) {
                    if (i > 0) out += '|';
                    out += classText(e.operands[i]);
                }
                return out + ")";
            }
            case ClassExpr::Kind::Intersection:
                return "(?:(?=" + classText(e.operands[0]) + ")" + classText(e.operands[1]) + ")";
            case ClassExpr::Kind::Complement:
                return "(?:(?!" + classText(e.operands[0]) + ")(?s:.))";
            default:
                return classText(e);
        }
    }
};

}  // namespace

Re2Translation toRe2(const ParsedPattern& parsed) {
    Emitter emitter(Target::RE2, parsed.groupCount);
    Re2Translation out;
    out.pattern = emitter.run(parsed.root);
    out.obstacle = emitter.obstacle();
    if (!out.obstacle.empty()) out.pattern.clear();
    return out;
}

Result<std::string> toPcre2(const ParsedPattern& parsed) {
    Emitter emitter(Target::PCRE2, parsed.groupCount);
    std::string pattern = emitter.run(parsed.root);
    if (!emitter.obstacle().empty())
        return makeError("nativejmx cannot run " + emitter.obstacle() + " (Java accepts it)");
    return pattern;
}

std::string toRe2Superset(const ParsedPattern& parsed) {
    return Emitter(Target::RE2Superset, parsed.groupCount).run(parsed.root);
}

}  // namespace nj::rules::javaregex
