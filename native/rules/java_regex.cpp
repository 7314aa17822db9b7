#include "rules/java_regex.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/utf8.h"
#include "rules/regex_properties.h"

namespace nj::rules::javaregex {

// ---------------------------------------------------------------------------------------------
// CodePointSet

CodePointSet CodePointSet::range(char32_t first, char32_t last) {
    CodePointSet s;
    s.add(first, last);
    return s;
}

void CodePointSet::add(char32_t first, char32_t last) {
    if (first > last) return;
    // Find the ranges that overlap or touch [first, last] and merge them into one.
    auto begin = std::lower_bound(ranges_.begin(), ranges_.end(), first,
                                  [](const Range& r, char32_t c) { return r.last + 1 < c; });
    auto end = begin;
    while (end != ranges_.end() && end->first <= last + 1) {
        first = std::min(first, end->first);
        last = std::max(last, end->last);
        ++end;
    }
    begin = ranges_.erase(begin, end);
    ranges_.insert(begin, Range{first, last});
}

void CodePointSet::add(const CodePointSet& other) {
    for (const Range& r : other.ranges_) add(r.first, r.last);
}

CodePointSet CodePointSet::complement() const {
    CodePointSet out;
    char32_t next = 0;
    for (const Range& r : ranges_) {
        if (r.first > next) out.ranges_.push_back({next, r.first - 1});
        next = r.last + 1;
    }
    if (next <= kMaxCodePoint) out.ranges_.push_back({next, kMaxCodePoint});
    return out;
}

CodePointSet CodePointSet::intersection(const CodePointSet& other) const {
    CodePointSet out;
    size_t i = 0, j = 0;
    while (i < ranges_.size() && j < other.ranges_.size()) {
        const Range& a = ranges_[i];
        const Range& b = other.ranges_[j];
        char32_t first = std::max(a.first, b.first);
        char32_t last = std::min(a.last, b.last);
        if (first <= last) out.ranges_.push_back({first, last});
        (a.last < b.last) ? ++i : ++j;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// ClassExpr

ClassExpr ClassExpr::of(CodePointSet s, bool unicodeCaseless) {
    ClassExpr e;
    e.kind = Kind::Set;
    e.set = std::move(s);
    e.unicodeCaseless = unicodeCaseless;
    return e;
}

ClassExpr ClassExpr::of(EngineProperty p) {
    ClassExpr e;
    e.kind = Kind::Property;
    e.property = std::move(p);
    return e;
}

ClassExpr ClassExpr::unite(ClassExpr a, ClassExpr b) {
    if (a.kind == Kind::Set && b.kind == Kind::Set && a.unicodeCaseless == b.unicodeCaseless) {
        a.set.add(b.set);
        return a;
    }
    if (a.isExactSet() && a.set.empty()) return b;
    if (b.isExactSet() && b.set.empty()) return a;
    ClassExpr e;
    e.kind = Kind::Union;
    for (ClassExpr* part : {&a, &b}) {
        if (part->kind == Kind::Union) {
            for (ClassExpr& operand : part->operands) e.operands.push_back(std::move(operand));
        } else {
            e.operands.push_back(std::move(*part));
        }
    }
    return e;
}

ClassExpr ClassExpr::intersect(ClassExpr a, ClassExpr b) {
    if (a.isExactSet() && b.isExactSet()) return of(a.set.intersection(b.set));
    if (a.isExactSet() && a.set.empty()) return a;
    if (b.isExactSet() && b.set.empty()) return b;
    if (a.isExactSet() && a.set == CodePointSet::all()) return b;
    if (b.isExactSet() && b.set == CodePointSet::all()) return a;
    ClassExpr e;
    e.kind = Kind::Intersection;
    e.operands.push_back(std::move(a));
    e.operands.push_back(std::move(b));
    return e;
}

ClassExpr ClassExpr::complement(ClassExpr a) {
    if (a.isExactSet()) return of(a.set.complement());
    if (a.kind == Kind::Complement) return std::move(a.operands[0]);
    ClassExpr e;
    e.kind = Kind::Complement;
    e.operands.push_back(std::move(a));
    return e;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Characters as java.util.regex.ASCII sees them

bool isAscii(char32_t c) { return c < 0x80; }
bool isAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool isAsciiUpper(char32_t c) { return c >= 'A' && c <= 'Z'; }
bool isAsciiLower(char32_t c) { return c >= 'a' && c <= 'z'; }
bool isAsciiAlpha(char32_t c) { return isAsciiUpper(c) || isAsciiLower(c); }
bool isAsciiAlnum(char32_t c) { return isAsciiAlpha(c) || isAsciiDigit(c); }
bool isAsciiHexDigit(char32_t c) { return isAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool isAsciiSpace(char32_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
int hexValue(char32_t c) {
    if (isAsciiDigit(c)) return static_cast<int>(c - '0');
    return static_cast<int>((c | 0x20) - 'a' + 10);
}
char32_t asciiSwapCase(char32_t c) { return isAsciiAlpha(c) ? (c ^ 0x20) : c; }

// Java's Character.toUpperCase/toLowerCase on the code points whose case partners lie in
// Latin-1 (ASCII, Latin-1 letters, and the few outside Latin-1 that fold into it: the JDK's
// own list in Pattern.bitsOrSingle plus U+1E9E and the Greek mu). For these, Java's Unicode
// case-insensitive matching is computed exactly; for other characters the engine's Unicode
// caseless matching stands in (ClassExpr::unicodeCaseless).
constexpr char32_t kFoldingOutsideLatin1[] = {0x130, 0x131, 0x178, 0x17F, 0x1E9E, 0x212A, 0x212B, 0x39C, 0x3BC};

bool inCaseModel(char32_t c) {
    return c < 0x100 || std::find(std::begin(kFoldingOutsideLatin1), std::end(kFoldingOutsideLatin1), c) !=
                            std::end(kFoldingOutsideLatin1);
}
char32_t modelUpper(char32_t c) {
    if (isAsciiLower(c)) return c - 0x20;
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 0x20;
    switch (c) {
        case 0xFF: return 0x178;
        case 0xB5: return 0x39C;
        case 0x131: return 'I';
        case 0x17F: return 'S';
        case 0x3BC: return 0x39C;
        default: return c;
    }
}
char32_t modelLower(char32_t c) {
    if (isAsciiUpper(c)) return c + 0x20;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
    switch (c) {
        case 0x178: return 0xFF;
        case 0x130: return 'i';
        case 0x1E9E: return 0xDF;
        case 0x212A: return 'k';
        case 0x212B: return 0xE5;
        case 0x39C: return 0x3BC;
        default: return c;
    }
}

template <class Predicate>
CodePointSet caseModelWhere(Predicate matches) {
    CodePointSet out;
    for (char32_t c = 0; c < 0x100; c++) {
        if (matches(c)) out.add(c);
    }
    for (char32_t c : kFoldingOutsideLatin1) {
        if (matches(c)) out.add(c);
    }
    return out;
}

// Invalid UTF-8 (which a Java string cannot hold) decodes as U+FFFD per byte.
std::vector<char32_t> decodeUtf8(std::string_view s) {
    std::vector<char32_t> out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        const auto lead = static_cast<unsigned char>(s[i]);
        const size_t extra = lead < 0x80           ? 0
                             : (lead >> 5) == 0x6  ? 1
                             : (lead >> 4) == 0xE  ? 2
                             : (lead >> 3) == 0x1E ? 3
                                                   : 4;
        char32_t c = extra == 0 ? lead : extra == 1 ? (lead & 0x1F) : extra == 2 ? (lead & 0x0F) : (lead & 0x07);
        bool valid = extra < 4 && i + extra < s.size();
        for (size_t k = 1; valid && k <= extra; k++) {
            const auto cont = static_cast<unsigned char>(s[i + k]);
            valid = (cont & 0xC0) == 0x80;
            c = (c << 6) | (cont & 0x3F);
        }
        static constexpr char32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};
        valid = valid && c >= kSmallest[extra] && c <= kMaxCodePoint && !(c >= 0xD800 && c <= 0xDFFF);
        out.push_back(valid ? c : 0xFFFD);
        i += valid ? 1 + extra : 1;
    }
    return out;
}

// Java's RemoveQEQuoting: before parsing, \Q...\E is rewritten into escaped characters, over
// the whole pattern (so an unterminated \Q quotes everything after it).
std::vector<char32_t> removeQuoting(const std::vector<char32_t>& p) {
    const size_t len = p.size();
    auto at = [&](size_t i) -> char32_t { return i < len ? p[i] : 0; };
    size_t i = 0;
    while (i + 1 < len) {
        if (p[i] != '\\') {
            i += 1;
        } else if (p[i + 1] != 'Q') {
            i += 2;
        } else {
            break;
        }
    }
    if (i + 1 >= len) return p;
    std::vector<char32_t> out(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(i));
    i += 2;
    bool inQuote = true;
    bool beginQuote = true;
    while (i < len) {
        char32_t c = p[i++];
        if (!isAscii(c) || isAsciiAlpha(c)) {
            out.push_back(c);
        } else if (isAsciiDigit(c)) {
            if (beginQuote) {   // keep a preceding \0, \x or \u from taking this digit
                out.insert(out.end(), {'\\', 'x', '3'});
            }
            out.push_back(c);
        } else if (c != '\\') {
            if (inQuote) out.push_back('\\');
            out.push_back(c);
        } else if (inQuote) {
            if (at(i) == 'E') {
                i++;
                inQuote = false;
            } else {
                out.insert(out.end(), {'\\', '\\'});
            }
        } else if (at(i) == 'Q') {
            i++;
            inQuote = true;
            beginQuote = true;
            continue;
        } else {
            out.push_back(c);
            if (i != len) out.push_back(p[i++]);
        }
        beginQuote = false;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Look-behind length analysis: Java's TreeInfo/study, which decides "obvious maximum length"
// with 32-bit wrapping arithmetic exactly as below.

constexpr int32_t kMaxReps = 0x7FFFFFFF;

struct TreeInfo {
    int32_t minLength = 0;
    int32_t maxLength = 0;
    bool maxValid = true;
    bool deterministic = true;
};

int32_t wrapAdd(int32_t a, int32_t b) {
    return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
int32_t wrapMul(int32_t a, int32_t b) {
    return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}

void study(const Node& n, TreeInfo& info);

bool isDeterministic(const Node& body) {
    TreeInfo info;
    study(body, info);
    return info.deterministic;
}

// Curly and GroupCurly: the child's lengths times the counts, overflow invalidates the maximum.
void studyCounted(const Node& child, int32_t cmin, int32_t cmax, TreeInfo& info) {
    const TreeInfo before = info;
    info = TreeInfo{};
    study(child, info);
    int32_t minimum = wrapAdd(wrapMul(info.minLength, cmin), before.minLength);
    info.minLength = minimum < before.minLength ? 0xFFFFFFF : minimum;
    if (before.maxValid && info.maxValid) {
        int32_t maximum = wrapAdd(wrapMul(info.maxLength, cmax), before.maxLength);
        info.maxLength = maximum;
        if (maximum < before.maxLength) info.maxValid = false;
    } else {
        info.maxValid = false;
    }
    info.deterministic = info.deterministic && cmin == cmax ? before.deterministic : false;
}

void studyRepeat(const Node& n, TreeInfo& info) {
    const Node& child = n.children[0];
    const int32_t cmin = static_cast<int32_t>(n.min);
    const int32_t cmax = static_cast<int32_t>(n.max);
    if (n.min == 0 && n.max == 1) {   // Ques (or a Branch with an empty alternative)
        int32_t minimum = info.minLength;
        study(child, info);
        info.minLength = minimum;
        info.deterministic = false;
        return;
    }
    if (child.kind == NodeKind::Class && n.repeat == RepeatKind::Greedy && n.max == kUnbounded) {
        info.minLength = wrapAdd(info.minLength, cmin);   // CharPropertyGreedy
        if (info.maxValid) info.maxLength = wrapAdd(info.maxLength, kMaxReps);
        info.deterministic = false;
        return;
    }
    const bool plainGroup = child.kind == NodeKind::Group && !child.lineBreak &&
                            (child.group == GroupKind::Capturing || child.group == GroupKind::NonCapturing);
    if (plainGroup && n.repeat != RepeatKind::Possessive && !isDeterministic(child.children[0])) {
        info.maxValid = false;   // Loop
        info.deterministic = false;
        return;
    }
    studyCounted(child, cmin, cmax, info);
}

void study(const Node& n, TreeInfo& info) {
    switch (n.kind) {
        case NodeKind::Empty:
        case NodeKind::Assertion:
            return;
        case NodeKind::Class:
            info.minLength = wrapAdd(info.minLength, 1);
            info.maxLength = wrapAdd(info.maxLength, 1);
            return;
        case NodeKind::Sequence:
            for (const Node& child : n.children) study(child, info);
            return;
        case NodeKind::Alternation: {
            const TreeInfo before = info;
            int32_t minimum = INT32_MAX;
            int32_t maximum = -1;
            bool maxValid = before.maxValid;
            for (const Node& child : n.children) {
                info = TreeInfo{};
                study(child, info);
                minimum = std::min(minimum, info.minLength);
                maximum = std::max(maximum, info.maxLength);
                maxValid = maxValid && info.maxValid;
            }
            info.minLength = wrapAdd(before.minLength, minimum);
            info.maxLength = wrapAdd(before.maxLength, maximum);
            info.maxValid = maxValid;
            info.deterministic = false;
            return;
        }
        case NodeKind::Group:
            if (n.lineBreak) {   // Java's LineEnding node
                info.minLength = wrapAdd(info.minLength, 1);
                info.maxLength = wrapAdd(info.maxLength, 2);
                return;
            }
            // Look-around nodes do not study their bodies (zero width).
            if (n.group == GroupKind::Capturing || n.group == GroupKind::NonCapturing || n.group == GroupKind::Atomic) {
                study(n.children[0], info);
            }
            return;
        case NodeKind::Repeat:
            studyRepeat(n, info);
            return;
        case NodeKind::BackReference:
            info.maxValid = false;
            return;
        case NodeKind::Grapheme:
            info.minLength = wrapAdd(info.minLength, 1);
            info.deterministic = false;
            return;
    }
}

// ---------------------------------------------------------------------------------------------
// The parser: java.util.regex.Pattern's recursive descent, cursor move for cursor move.

enum Flag : int {
    kUnixLines = 0x01,
    kCaseInsensitive = 0x02,
    kComments = 0x04,
    kMultiline = 0x08,
    kDotAll = 0x20,
    kUnicodeCase = 0x40,
    kCanonEq = 0x80,
    kUnicodeCharacterClass = 0x100,
};

struct SyntaxError {
    std::string message;
};

// Deeper nesting than this is refused rather than risking the native stack (Java itself
// overflows its stack on deep enough nesting).
constexpr int kMaxNesting = 200;

Node makeNode(NodeKind kind) {
    Node n;
    n.kind = kind;
    return n;
}

Node classNode(ClassExpr cls) {
    Node n = makeNode(NodeKind::Class);
    n.cls = std::move(cls);
    return n;
}

Node assertionNode(AssertionKind kind) {
    Node n = makeNode(NodeKind::Assertion);
    n.assertion = kind;
    return n;
}

Node groupNode(GroupKind kind, Node body, int captureIndex = 0) {
    Node n = makeNode(NodeKind::Group);
    n.group = kind;
    n.captureIndex = captureIndex;
    n.children.push_back(std::move(body));
    return n;
}

Node sequenceOf(std::vector<Node> items) {
    if (items.empty()) return makeNode(NodeKind::Empty);
    if (items.size() == 1) return std::move(items[0]);
    Node n = makeNode(NodeKind::Sequence);
    n.children = std::move(items);
    return n;
}

class Parser {
public:
    explicit Parser(std::vector<char32_t> pattern) : temp_(std::move(pattern)) {
        length_ = static_cast<int>(temp_.size());
        temp_.push_back(0);   // Java terminates the pattern with two zeros
        temp_.push_back(0);
    }

    ParsedPattern parse() {
        ParsedPattern out;
        out.root = expr();
        if (cursor_ != length_) {
            if (peek() == ')') error("Unmatched closing ')'");
            if (cursor_ == length_ + 1 && temp_[length_ - 1] == '\\') error("Unescaped trailing backslash");
            error("Unexpected internal error");
        }
        out.groupCount = capturingGroupCount_ - 1;
        out.namedGroups = std::move(names_);
        return out;
    }

private:
    // An escape sequence: a character, a predefined class, or a node (\b, \1, \R, ...).
    struct Escape {
        enum class Kind { Char, Class, Node } kind = Kind::Char;
        char32_t ch = 0;
        ClassExpr cls;
        Node node;
    };

    std::vector<char32_t> temp_;
    int length_ = 0;
    int cursor_ = 0;
    int flags_ = 0;
    int capturingGroupCount_ = 1;
    int nesting_ = 0;
    std::vector<std::pair<std::string, int>> names_;

    bool has(int flag) const { return (flags_ & flag) != 0; }

    [[noreturn]] void error(const std::string& description) const {
        throw SyntaxError{description + " near index " + std::to_string(cursor_ - 1)};
    }
    [[noreturn]] void unsupported(const std::string& what) const {
        throw SyntaxError{"nativejmx does not support " + what + " (Java accepts it) near index " +
                          std::to_string(cursor_ - 1)};
    }

    // Cursor primitives, with Java's handling of COMMENTS mode.
    char32_t peek() {
        char32_t ch = temp_[cursor_];
        if (has(kComments)) ch = peekPastWhitespace(ch);
        return ch;
    }
    char32_t read() {
        char32_t ch = temp_[cursor_++];
        if (has(kComments)) ch = parsePastWhitespace(ch);
        return ch;
    }
    char32_t next() {
        char32_t ch = temp_[++cursor_];
        if (has(kComments)) ch = peekPastWhitespace(ch);
        return ch;
    }
    char32_t nextEscaped() { return temp_[++cursor_]; }
    char32_t skip() {
        char32_t ch = temp_[cursor_ + 1];
        cursor_ += 2;
        return ch;
    }
    void unread() { cursor_--; }
    void accept(char32_t ch, const char* description) {
        char32_t test = temp_[cursor_++];
        if (has(kComments)) test = parsePastWhitespace(test);
        if (ch != test) error(description);
    }

    bool isLineSeparator(char32_t ch) const {
        if (has(kUnixLines)) return ch == '\n';
        return ch == '\n' || ch == '\r' || (ch | 1) == 0x2029 || ch == 0x85;
    }
    char32_t peekPastWhitespace(char32_t ch) {
        while (isAsciiSpace(ch) || ch == '#') {
            while (isAsciiSpace(ch)) ch = temp_[++cursor_];
            if (ch == '#') ch = peekPastLine();
        }
        return ch;
    }
    char32_t parsePastWhitespace(char32_t ch) {
        while (isAsciiSpace(ch) || ch == '#') {
            while (isAsciiSpace(ch)) ch = temp_[cursor_++];
            if (ch == '#') ch = parsePastLine();
        }
        return ch;
    }
    char32_t parsePastLine() {
        char32_t ch = temp_[cursor_++];
        while (ch != 0 && !isLineSeparator(ch)) ch = temp_[cursor_++];
        if (ch == 0 && cursor_ > length_) {
            cursor_ = length_;
            ch = temp_[cursor_++];
        }
        return ch;
    }
    char32_t peekPastLine() {
        char32_t ch = temp_[++cursor_];
        while (ch != 0 && !isLineSeparator(ch)) ch = temp_[++cursor_];
        if (ch == 0 && cursor_ > length_) {
            cursor_ = length_;
            ch = temp_[cursor_];
        }
        return ch;
    }

    struct NestingGuard {
        Parser& parser;
        explicit NestingGuard(Parser& p) : parser(p) {
            if (++parser.nesting_ > kMaxNesting) parser.unsupported("groups or classes nested this deeply");
        }
        ~NestingGuard() { parser.nesting_--; }
    };

    // --- literals under the current flags (Java's single(), BitClass.add(), ranges) ---

    // One literal character: Java's single() outside classes and for a slice's characters.
    ClassExpr literal(char32_t c) const {
        if (has(kCaseInsensitive)) {
            if (has(kUnicodeCase)) {
                if (!inCaseModel(c)) return ClassExpr::of(CodePointSet::of(c), true);
                const char32_t lower = modelLower(modelUpper(c));
                if (modelUpper(c) != lower) {
                    return ClassExpr::of(
                        caseModelWhere([&](char32_t x) { return x == lower || modelLower(modelUpper(x)) == lower; }));
                }
            } else if (isAsciiAlpha(c)) {
                CodePointSet s = CodePointSet::of(c);
                s.add(asciiSwapCase(c));
                return ClassExpr::of(std::move(s));
            }
        }
        return ClassExpr::of(CodePointSet::of(c));
    }

    // Java's BitClass.add: a character below 256 inside a class.
    void addBit(CodePointSet& bits, char32_t c) const {
        if (has(kCaseInsensitive)) {
            if (isAscii(c)) {
                bits.add(asciiSwapCase(c));
            } else if (has(kUnicodeCase)) {
                bits.add(modelLower(c));
                bits.add(modelUpper(c));
            }
        }
        bits.add(c);
    }

    // Java's bitsOrSingle: nullopt when the character went into `bits`.
    std::optional<ClassExpr> bitsOrSingle(CodePointSet& bits, char32_t c) const {
        static constexpr char32_t kUnicodeFolded[] = {0xFF, 0xB5, 0x49, 0x69, 0x53, 0x73, 0x4B, 0x6B, 0xC5, 0xE5};
        const bool special =
            has(kCaseInsensitive) && has(kUnicodeCase) &&
            std::find(std::begin(kUnicodeFolded), std::end(kUnicodeFolded), c) != std::end(kUnicodeFolded);
        if (c < 0x100 && !special) {
            addBit(bits, c);
            return std::nullopt;
        }
        return literal(c);
    }

    ClassExpr characterRange(char32_t lower, char32_t upper) const {
        auto inRange = [&](char32_t x) { return lower <= x && x <= upper; };
        CodePointSet s = CodePointSet::range(lower, upper);
        if (!has(kCaseInsensitive)) return ClassExpr::of(std::move(s));
        if (!has(kUnicodeCase)) {   // CIRange: an ASCII character whose other case is in range
            for (char32_t c = 'A'; c <= 'z'; c++) {
                if (isAsciiAlpha(c) && inRange(asciiSwapCase(c))) s.add(c);
            }
            return ClassExpr::of(std::move(s));
        }
        if (upper >= 0x100) return ClassExpr::of(std::move(s), true);
        // CIRangeU: in range, or its upper case, or the lower case of that, is.
        s.add(caseModelWhere(
            [&](char32_t x) { return inRange(x) || inRange(modelUpper(x)) || inRange(modelLower(modelUpper(x))); }));
        return ClassExpr::of(std::move(s));
    }

    ClassExpr dot() const {
        if (has(kDotAll)) return ClassExpr::of(CodePointSet::all());
        return ClassExpr::of((has(kUnixLines) ? CodePointSet::of('\n') : lineTerminators()).complement());
    }

    void checkCanonEq() const {
        if (has(kCanonEq)) unsupported("character classes under canonical equivalence (?c)");
    }

    // --- grammar ---

    Node expr() {
        std::vector<Node> branches;
        for (;;) {
            branches.push_back(sequence());
            if (peek() != '|') break;
            next();
        }
        if (branches.size() == 1) return std::move(branches[0]);
        Node n = makeNode(NodeKind::Alternation);
        n.children = std::move(branches);
        return n;
    }

    Node sequence() {
        std::vector<Node> items;
        for (;;) {
            char32_t ch = peek();
            Node node;
            switch (ch) {
                case '(': {
                    std::optional<Node> group = group0();
                    if (group) items.push_back(std::move(*group));
                    continue;   // a group takes its own quantifier
                }
                case '[':
                    checkCanonEq();
                    node = classNode(clazz(true));
                    break;
                case '\\':
                    ch = nextEscaped();
                    if (ch == 'p' || ch == 'P') {
                        node = classNode(propertyAfterP(ch == 'P'));
                    } else {
                        unread();
                        node = atom();
                    }
                    break;
                case '^':
                    next();
                    node = assertionNode(!has(kMultiline) ? AssertionKind::InputStart
                                         : has(kUnixLines) ? AssertionKind::UnixLineStart
                                                           : AssertionKind::LineStart);
                    break;
                case '$':
                    next();
                    node = assertionNode(
                        has(kUnixLines)
                            ? (has(kMultiline) ? AssertionKind::UnixLineEnd : AssertionKind::EndOrBeforeFinalNewline)
                            : (has(kMultiline) ? AssertionKind::LineEnd : AssertionKind::EndOrBeforeFinalTerminator));
                    break;
                case '.':
                    next();
                    node = classNode(dot());
                    break;
                case '|':
                case ')':
                    return sequenceOf(std::move(items));
                case '?':
                case '*':
                case '+':
                    next();
                    error(std::string("Dangling meta character '") + static_cast<char>(ch) + "'");
                case 0:
                    if (cursor_ >= length_) return sequenceOf(std::move(items));
                    [[fallthrough]];
                default:   // includes dangling ] and }, which are literals
                    node = atom();
                    break;
            }
            items.push_back(closure(std::move(node)));
        }
    }

    // After "\p" or "\P" (cursor on the letter): the property, braced or one letter.
    ClassExpr propertyAfterP(bool complement) {
        checkCanonEq();
        bool oneLetter = true;
        if (next() != '{') {
            unread();
        } else {
            oneLetter = false;
        }
        return family(oneLetter, complement);
    }

    // A run of literal characters, or one escape that is not a character.
    Node atom() {
        std::vector<char32_t> buffer;
        int prev = -1;
        char32_t ch = peek();
        for (;;) {
            switch (ch) {
                case '*':
                case '+':
                case '?':
                case '{':
                    if (buffer.size() > 1) {   // the quantifier takes only the last character
                        cursor_ = prev;
                        buffer.pop_back();
                    }
                    break;
                case '$':
                case '.':
                case '^':
                case '(':
                case '[':
                case '|':
                case ')':
                    break;
                case '\\': {
                    ch = nextEscaped();
                    if (ch == 'p' || ch == 'P') {
                        if (!buffer.empty()) {
                            unread();
                            break;
                        }
                        return classNode(propertyAfterP(ch == 'P'));
                    }
                    unread();
                    prev = cursor_;
                    Escape e = escape(false, buffer.empty(), false);
                    if (e.kind == Escape::Kind::Char) {
                        buffer.push_back(e.ch);
                        ch = peek();
                        continue;
                    }
                    if (buffer.empty()) {
                        return e.kind == Escape::Kind::Class ? classNode(std::move(e.cls)) : std::move(e.node);
                    }
                    cursor_ = prev;   // leave the escape for the next atom
                    break;
                }
                case 0:
                    if (cursor_ >= length_) break;
                    [[fallthrough]];
                default:
                    prev = cursor_;
                    buffer.push_back(ch);
                    ch = next();
                    continue;
            }
            break;
        }
        std::vector<Node> chars;
        for (char32_t c : buffer) chars.push_back(classNode(literal(c)));
        return sequenceOf(std::move(chars));
    }

    Node backReference(int group) const {
        Node n = makeNode(NodeKind::BackReference);
        n.reference = group;
        n.caseInsensitive = has(kCaseInsensitive);
        n.unicodeCase = has(kUnicodeCase);
        return n;
    }

    // Java's ref(): more digits join while the number stays a group opened so far.
    Node numberedReference(int group) {
        for (;;) {
            char32_t ch = peek();
            if (!isAsciiDigit(ch)) break;
            int longer = group * 10 + static_cast<int>(ch - '0');
            if (capturingGroupCount_ - 1 < longer) break;
            group = longer;
            read();
        }
        return backReference(group);
    }

    static Escape character(char32_t c) {
        Escape e;
        e.ch = c;
        return e;
    }
    static Escape predefined(ClassExpr cls) {
        Escape e;
        e.kind = Escape::Kind::Class;
        e.cls = std::move(cls);
        return e;
    }
    static Escape nodeEscape(Node node) {
        Escape e;
        e.kind = Escape::Kind::Node;
        e.node = std::move(node);
        return e;
    }

    Escape escape(bool inClass, bool create, bool isRange) {
        const bool unicodeClasses = has(kUnicodeCharacterClass);
        char32_t ch = skip();
        switch (ch) {
            case '0':
                return character(octal());
            case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
                if (inClass) break;
                return nodeEscape(create ? numberedReference(static_cast<int>(ch - '0')) : Node{});
            case 'A':
                if (inClass) break;
                return nodeEscape(assertionNode(AssertionKind::InputStart));
            case 'B':
                if (inClass) break;
                return nodeEscape(assertionNode(unicodeClasses ? AssertionKind::NotUnicodeWordBoundary
                                                               : AssertionKind::NotWordBoundary));
            case 'D':
                return predefined(ClassExpr::complement(unicodeClasses ? unicodeDigit() : asciiDigit()));
            case 'G':   // where the previous match ended: a fresh matcher's \G is the input start
                if (inClass) break;
                return nodeEscape(assertionNode(AssertionKind::InputStart));
            case 'H':
                return predefined(ClassExpr::complement(horizontalSpace()));
            case 'N':
                characterName();
            case 'R':
                if (inClass) break;
                return nodeEscape(lineBreak());
            case 'S':
                return predefined(ClassExpr::complement(unicodeClasses ? whiteSpace() : asciiSpace()));
            case 'V':
                return predefined(ClassExpr::complement(verticalSpace()));
            case 'W':
                return predefined(ClassExpr::complement(unicodeClasses ? unicodeWord() : asciiWord()));
            case 'X':
                if (inClass) break;
                return nodeEscape(makeNode(NodeKind::Grapheme));
            case 'Z':
                if (inClass) break;
                return nodeEscape(assertionNode(has(kUnixLines) ? AssertionKind::EndOrBeforeFinalNewline
                                                                : AssertionKind::EndOrBeforeFinalTerminator));
            case 'a':
                return character(0x07);
            case 'b':
                if (inClass) break;
                if (create && peek() == '{') {
                    if (skip() == 'g') {
                        if (read() == '}') unsupported("the grapheme cluster boundary \\b{g}");
                        break;   // "\b{g" without '}'
                    }
                    unread();
                    unread();
                }
                return nodeEscape(assertionNode(unicodeClasses ? AssertionKind::UnicodeWordBoundary
                                                               : AssertionKind::WordBoundary));
            case 'c':
                if (cursor_ < length_) return character(read() ^ 64);
                error("Illegal control escape sequence");
            case 'd':
                return predefined(unicodeClasses ? unicodeDigit() : asciiDigit());
            case 'e':
                return character(0x1B);
            case 'f':
                return character('\f');
            case 'h':
                return predefined(horizontalSpace());
            case 'k': {
                if (inClass) break;
                if (read() != '<') error("\\k is not followed by '<' for named capturing group");
                std::string name = groupName(read());
                auto it = std::find_if(names_.begin(), names_.end(), [&](const auto& e) { return e.first == name; });
                if (it == names_.end()) error("named capturing group <" + name + "> does not exist");
                return nodeEscape(backReference(it->second));
            }
            case 'n':
                return character('\n');
            case 'r':
                return character('\r');
            case 's':
                return predefined(unicodeClasses ? whiteSpace() : asciiSpace());
            case 't':
                return character('\t');
            case 'u':
                return character(unicodeEscape());
            case 'v':   // vertical whitespace, but VT as a range end point (Java's compatibility rule)
                if (isRange) return character(0x0B);
                return predefined(verticalSpace());
            case 'w':
                return predefined(unicodeClasses ? unicodeWord() : asciiWord());
            case 'x':
                return character(hexEscape());
            case 'z':
                if (inClass) break;
                return nodeEscape(assertionNode(AssertionKind::InputEnd));
            default:
                if (isAsciiAlpha(ch)) break;   // every other letter is reserved
                return character(ch);
        }
        error("Illegal/unsupported escape sequence");
    }

    // \R: Java 9+ backtracks into it, so it is this alternation (atomic once quantified).
    static Node lineBreak() {
        Node crlf = makeNode(NodeKind::Sequence);
        crlf.children.push_back(classNode(ClassExpr::of(CodePointSet::of('\r'))));
        crlf.children.push_back(classNode(ClassExpr::of(CodePointSet::of('\n'))));
        Node n = makeNode(NodeKind::Alternation);
        n.children.push_back(std::move(crlf));
        n.children.push_back(classNode(verticalSpace()));
        Node group = groupNode(GroupKind::NonCapturing, std::move(n));
        group.lineBreak = true;
        return group;
    }

    char32_t octal() {
        auto isOctal = [](char32_t c) { return c >= '0' && c <= '7'; };
        char32_t n = read();
        if (!isOctal(n)) error("Illegal octal escape sequence");
        char32_t m = read();
        if (!isOctal(m)) {
            unread();
            return n - '0';
        }
        char32_t o = read();
        if (isOctal(o) && n <= '3') return (n - '0') * 64 + (m - '0') * 8 + (o - '0');
        unread();
        return (n - '0') * 8 + (m - '0');
    }

    char32_t hexEscape() {
        char32_t n = read();
        if (isAsciiHexDigit(n)) {
            char32_t m = read();
            if (isAsciiHexDigit(m)) return static_cast<char32_t>(hexValue(n) * 16 + hexValue(m));
        } else if (n == '{' && isAsciiHexDigit(peek())) {
            char32_t value = 0;
            while (isAsciiHexDigit(n = read())) {
                value = (value << 4) + static_cast<char32_t>(hexValue(n));
                if (value > kMaxCodePoint) error("Hexadecimal codepoint is too big");
            }
            if (n != '}') error("Unclosed hexadecimal escape sequence");
            return value;
        }
        error("Illegal hexadecimal escape sequence");
    }

    char32_t fourHexDigits() {
        char32_t n = 0;
        for (int i = 0; i < 4; i++) {
            char32_t ch = read();
            if (!isAsciiHexDigit(ch)) error("Illegal Unicode escape sequence");
            n = n * 16 + static_cast<char32_t>(hexValue(ch));
        }
        return n;
    }

    // \uXXXX, joining an escaped surrogate pair into one code point.
    char32_t unicodeEscape() {
        char32_t n = fourHexDigits();
        if (n >= 0xD800 && n <= 0xDBFF) {
            int saved = cursor_;
            if (read() == '\\' && read() == 'u') {
                char32_t low = fourHexDigits();
                if (low >= 0xDC00 && low <= 0xDFFF) return 0x10000 + ((n - 0xD800) << 10) + (low - 0xDC00);
            }
            cursor_ = saved;
        }
        return n;
    }

    // \N{name}: the syntax is Java's; resolving names needs the Unicode name table.
    [[noreturn]] void characterName() {
        if (read() != '{') error("Illegal character name escape sequence");
        while (read() != '}') {
            if (cursor_ >= length_) error("Unclosed character name escape sequence");
        }
        unsupported("\\N{...} character names");
    }

    std::string groupName(char32_t ch) {
        if (!isAsciiAlpha(ch)) error("capturing group name does not start with a Latin letter");
        std::string name;
        do {
            name.push_back(static_cast<char>(ch));
        } while (isAsciiAlnum(ch = read()));
        if (ch != '>') error("named capturing group is missing trailing '>'");
        return name;
    }

    // A character class; with consume=false the closing ']' is left for the caller
    // ([abc&&def]: the right-hand side has "understood" brackets).
    ClassExpr clazz(bool consume) {
        NestingGuard guard(*this);
        std::optional<ClassExpr> prev;
        std::optional<ClassExpr> curr;
        CodePointSet bits;
        bool hasBits = false;
        bool negated = false;
        char32_t ch = next();
        if (ch == '^' && temp_[cursor_ - 1] == '[') {   // negates only right after '['
            ch = next();
            negated = true;
        }
        auto unite = [](std::optional<ClassExpr>& into, ClassExpr e) {
            into = into ? ClassExpr::unite(std::move(*into), std::move(e)) : std::move(e);
        };
        for (;;) {
            switch (ch) {
                case '[':
                    curr = clazz(true);
                    unite(prev, *curr);
                    ch = peek();
                    continue;
                case '&':
                    ch = next();
                    if (ch == '&') {
                        ch = next();
                        std::optional<ClassExpr> right;
                        while (ch != ']' && ch != '&') {
                            if (ch == '[') {
                                unite(right, clazz(true));
                            } else {   // abc&&def
                                unread();
                                unite(right, clazz(false));
                            }
                            ch = peek();
                        }
                        if (hasBits) {   // the characters so far bind tighter than &&
                            if (!prev) {
                                prev = curr = ClassExpr::of(bits);
                            } else {
                                prev = ClassExpr::unite(std::move(*prev), ClassExpr::of(bits));
                            }
                            hasBits = false;
                        }
                        if (right) curr = right;
                        if (!prev) {
                            if (!right) error("Bad class syntax");
                            prev = right;
                        } else {
                            if (!curr) error("Bad intersection syntax");
                            prev = ClassExpr::intersect(std::move(*prev), *curr);
                        }
                    } else {   // a literal '&'
                        unread();
                        break;
                    }
                    continue;
                case 0:
                    if (cursor_ >= length_) error("Unclosed character class");
                    break;
                case ']':
                    if (prev || hasBits) {
                        if (consume) next();
                        ClassExpr result = !prev ? ClassExpr::of(bits)
                                                 : hasBits ? ClassExpr::unite(std::move(*prev), ClassExpr::of(bits))
                                                           : std::move(*prev);
                        return negated ? ClassExpr::complement(std::move(result)) : result;
                    }
                    break;   // a ']' right after '[' or '[^' is a literal
                default:
                    break;
            }
            curr = range(bits);
            if (!curr) {
                hasBits = true;
            } else {
                unite(prev, *curr);
            }
            ch = peek();
        }
    }

    // One member of a class: a character (into bits), a range, an escape class or a property.
    std::optional<ClassExpr> range(CodePointSet& bits) {
        char32_t ch = peek();
        if (ch == '\\') {
            ch = nextEscaped();
            if (ch == 'p' || ch == 'P') return propertyAfterP(ch == 'P');
            const bool isRange = temp_[cursor_ + 1] == '-';
            unread();
            Escape e = escape(true, true, isRange);
            if (e.kind == Escape::Kind::Class) return std::move(e.cls);
            ch = e.ch;
        } else {
            next();
        }
        if (peek() == '-') {
            char32_t endRange = temp_[cursor_ + 1];
            if (endRange == '[') return bitsOrSingle(bits, ch);
            if (endRange != ']') {
                next();
                char32_t m = peek();
                bool valid = true;
                if (m == '\\') {
                    Escape e = escape(true, false, true);
                    valid = e.kind == Escape::Kind::Char;
                    m = e.ch;
                } else {
                    next();
                }
                if (!valid || m < ch) error("Illegal character range");
                return characterRange(ch, m);
            }
        }
        return bitsOrSingle(bits, ch);
    }

    // \p{name}, \pL and their \P complements (cursor on '{' or the letter).
    ClassExpr family(bool singleLetter, bool complement) {
        next();
        std::u32string name;
        if (singleLetter) {
            name.push_back(temp_[cursor_]);
            read();
        } else {
            int start = cursor_;
            temp_[length_] = '}';   // Java's mark('}'): the scan below stops at the end
            while (read() != '}') {
            }
            temp_[length_] = 0;
            int end = cursor_;
            if (end > length_) error("Unclosed character family");
            if (start + 1 >= end) error("Empty character family");
            name.assign(temp_.begin() + start, temp_.begin() + end - 1);
        }
        std::optional<ClassExpr> p = propertyNamed(name);
        return complement ? ClassExpr::complement(std::move(*p)) : std::move(*p);
    }

    std::optional<ClassExpr> propertyNamed(const std::u32string& wide) {
        const std::string name = encodeUtf8(wide);
        const bool ci = has(kCaseInsensitive);
        std::optional<ClassExpr> p;
        if (size_t eq = name.find('='); eq != std::string::npos) {
            std::string key = name.substr(0, eq);
            std::string value = name.substr(eq + 1);
            for (char& c : key) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            if (key == "sc" || key == "script") {
                p = scriptClass(value);
            } else if (key == "blk" || key == "block") {
                unsupported("Unicode blocks (\\p{" + name + "})");
            } else if (key == "gc" || key == "general_category") {
                p = propertyClass(value, ci);
            }
            if (!p) error("Unknown Unicode property {name=<" + key + ">, value=<" + value + ">}");
            return p;
        }
        if (name.starts_with("In")) {
            unsupported("Unicode blocks (\\p{" + name + "})");
        } else if (name.starts_with("Is")) {
            std::string shortName = name.substr(2);
            p = unicodePropertyClass(shortName, ci);
            if (!p) p = propertyClass(shortName, ci);
            if (!p) p = scriptClass(shortName);
        } else {
            if (has(kUnicodeCharacterClass)) p = unicodePosixClass(name, ci);
            if (!p) p = propertyClass(name, ci);
        }
        if (!p) error("Unknown character property name {" + name + "}");
        return p;
    }

    // Inline flags (?idmsuxU-idmsuxU) and (?flags:...).
    void addFlag() {
        char32_t ch = peek();
        for (;;) {
            int flag = flagFor(ch);
            if (flag != 0) {
                flags_ |= flag;
            } else if (ch == '-') {
                next();
                subFlag();
                return;
            } else {
                return;
            }
            ch = next();
        }
    }
    void subFlag() {
        char32_t ch = peek();
        for (int flag; (flag = flagFor(ch)) != 0; ch = next()) flags_ &= ~flag;
    }
    static int flagFor(char32_t ch) {
        switch (ch) {
            case 'i': return kCaseInsensitive;
            case 'm': return kMultiline;
            case 's': return kDotAll;
            case 'd': return kUnixLines;
            case 'u': return kUnicodeCase;
            case 'c': return kCanonEq;
            case 'x': return kComments;
            case 'U': return kUnicodeCharacterClass | kUnicodeCase;
            default: return 0;
        }
    }

    // A group; nullopt for a flags-only group "(?i)", whose flags last to the enclosing group's end.
    std::optional<Node> group0() {
        NestingGuard guard(*this);
        const int savedFlags = flags_;
        Node group;
        char32_t ch = next();
        if (ch == '?') {
            ch = skip();
            switch (ch) {
                case ':':
                    group = groupNode(GroupKind::NonCapturing, expr());
                    break;
                case '=':
                case '!':
                    group = groupNode(ch == '=' ? GroupKind::LookAhead : GroupKind::NegativeLookAhead, expr());
                    break;
                case '>':
                    group = groupNode(GroupKind::Atomic, expr());
                    break;
                case '<': {
                    ch = read();
                    if (ch != '=' && ch != '!') {
                        std::string name = groupName(ch);
                        if (std::any_of(names_.begin(), names_.end(), [&](const auto& e) { return e.first == name; })) {
                            error("Named capturing group <" + name + "> is already defined");
                        }
                        const int index = capturingGroupCount_++;
                        names_.emplace_back(std::move(name), index);
                        group = groupNode(GroupKind::Capturing, expr(), index);
                        break;
                    }
                    Node body = expr();
                    TreeInfo info;
                    study(body, info);
                    if (!info.maxValid) error("Look-behind group does not have an obvious maximum length");
                    group =
                        groupNode(ch == '=' ? GroupKind::LookBehind : GroupKind::NegativeLookBehind, std::move(body));
                    break;
                }
                case '$':
                case '@':
                    error("Unknown group type");
                default:
                    unread();
                    addFlag();
                    ch = read();
                    if (ch == ')') return std::nullopt;
                    if (ch != ':') error("Unknown inline modifier");
                    group = groupNode(GroupKind::NonCapturing, expr());
                    break;
            }
        } else {
            const int index = capturingGroupCount_++;
            group = groupNode(GroupKind::Capturing, expr(), index);
        }
        accept(')', "Unclosed group");
        flags_ = savedFlags;
        return closure(std::move(group));
    }

    RepeatKind repeatKind() {
        char32_t ch = next();
        if (ch == '?') {
            next();
            return RepeatKind::Lazy;
        }
        if (ch == '+') {
            next();
            return RepeatKind::Possessive;
        }
        return RepeatKind::Greedy;
    }

    static Node repeatNode(Node child, int64_t min, int64_t max, RepeatKind kind) {
        // Java's quantifiers never backtrack into one \R: "\r\n" stays one iteration.
        if (child.lineBreak) child.group = GroupKind::Atomic;
        Node n = makeNode(NodeKind::Repeat);
        n.min = min;
        n.max = max;
        n.repeat = kind;
        n.groupCurly = child.kind == NodeKind::Group && !child.lineBreak && kind != RepeatKind::Possessive &&
                       (child.group == GroupKind::Capturing || child.group == GroupKind::NonCapturing) &&
                       !(min == 0 && max == 1) && isDeterministic(child.children[0]);
        n.children.push_back(std::move(child));
        return n;
    }

    Node closure(Node prev) {
        switch (peek()) {
            case '?':
                return repeatNode(std::move(prev), 0, 1, repeatKind());
            case '*':
                return repeatNode(std::move(prev), 0, kUnbounded, repeatKind());
            case '+':
                return repeatNode(std::move(prev), 1, kUnbounded, repeatKind());
            case '{': {
                char32_t ch = skip();
                if (!isAsciiDigit(ch)) error("Illegal repetition");
                int64_t cmin = 0;
                int64_t cmax = 0;
                do {
                    cmin = cmin * 10 + (ch - '0');
                    if (cmin > INT32_MAX) error("Illegal repetition range");
                } while (isAsciiDigit(ch = read()));
                if (ch == ',') {
                    ch = read();
                    if (ch == '}') {
                        unread();
                        return repeatNode(std::move(prev), cmin, kUnbounded, repeatKind());
                    }
                    while (isAsciiDigit(ch)) {
                        cmax = cmax * 10 + (ch - '0');
                        if (cmax > INT32_MAX) error("Illegal repetition range");
                        ch = read();
                    }
                } else {
                    cmax = cmin;
                }
                if (ch != '}') error("Unclosed counted closure");
                if (cmax < cmin) error("Illegal repetition range");
                unread();
                return repeatNode(std::move(prev), cmin, cmax, repeatKind());
            }
            default:
                return prev;
        }
    }
};

}  // namespace

Result<ParsedPattern> parseJavaPattern(std::string_view pattern) {
    try {
        Parser parser(removeQuoting(decodeUtf8(pattern)));
        return parser.parse();
    } catch (const SyntaxError& e) {
        return makeError(e.message);
    }
}

}  // namespace nj::rules::javaregex
