// Java java.util.regex.Pattern syntax parsed into a small AST (spec §5.2, §16).
//
// The parser follows Java's own recursive descent (JDK 17 to 25): the same cursor moves, so
// the same patterns are accepted and rejected, with Java's reason and index ("Illegal
// repetition near index 8"). What the AST means is Java's meaning, spelled out: flags are
// applied while parsing (ASCII case folding expands the character sets, `.` becomes the set it
// matches, `$` becomes the assertion Java evaluates), so a back end never needs Java's flags.
//
// Java works on UTF-16 and the pattern input is UTF-8 here; a non-BMP character is one code
// point on both sides, which only differs from Java for lone surrogates (never in UTF-8).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace nj::rules::javaregex {

constexpr char32_t kMaxCodePoint = 0x10FFFF;

// A set of code points as sorted, disjoint, non-adjacent closed ranges.
class CodePointSet {
public:
    struct Range {
        char32_t first;
        char32_t last;
        bool operator==(const Range&) const = default;
    };

    CodePointSet() = default;
    static CodePointSet of(char32_t c) { return range(c, c); }
    static CodePointSet range(char32_t first, char32_t last);
    static CodePointSet all() { return range(0, kMaxCodePoint); }

    void add(char32_t first, char32_t last);
    void add(char32_t c) { add(c, c); }
    void add(const CodePointSet& other);

    CodePointSet complement() const;
    CodePointSet intersection(const CodePointSet& other) const;
    bool empty() const { return ranges_.empty(); }
    bool isSingle() const { return ranges_.size() == 1 && ranges_[0].first == ranges_[0].last; }
    const std::vector<Range>& ranges() const { return ranges_; }
    bool operator==(const CodePointSet&) const = default;

private:
    std::vector<Range> ranges_;
};

// A Unicode property that needs the engine's tables (everything ASCII is a CodePointSet).
struct EngineProperty {
    std::string pcre2;   // the text inside PCRE2's \p{...}
    std::string re2;     // the text inside RE2's \p{...}; empty when RE2 has no such property
    bool operator==(const EngineProperty&) const = default;
};

// What one Java character class (or single character) matches: exactly one code point.
struct ClassExpr {
    enum class Kind { Set, Property, Union, Intersection, Complement };
    Kind kind = Kind::Set;
    CodePointSet set;               // Set
    bool unicodeCaseless = false;   // Set: also its case variants by Unicode rules ((?iu), non-ASCII)
    EngineProperty property;        // Property
    std::vector<ClassExpr> operands;

    static ClassExpr of(CodePointSet s, bool unicodeCaseless = false);
    static ClassExpr of(EngineProperty p);
    // These fold exact sets as they go, so an expression without properties is one Set.
    static ClassExpr unite(ClassExpr a, ClassExpr b);
    static ClassExpr intersect(ClassExpr a, ClassExpr b);
    static ClassExpr complement(ClassExpr a);

    bool isExactSet() const { return kind == Kind::Set && !unicodeCaseless; }
};

enum class NodeKind {
    Empty,          // matches the empty string
    Class,          // one code point
    Sequence,       // children in order
    Alternation,    // children, first match preferred
    Group,          // one child
    Repeat,         // one child
    Assertion,      // zero-width test
    BackReference,  // the text a group captured
    Grapheme,       // \X
};

enum class GroupKind { Capturing, NonCapturing, Atomic, LookAhead, NegativeLookAhead, LookBehind, NegativeLookBehind };
enum class RepeatKind { Greedy, Lazy, Possessive };

enum class AssertionKind {
    InputStart,                    // ^ without MULTILINE, \A, \G (a fresh matcher's \G is the start)
    InputEnd,                      // \z
    EndOrBeforeFinalTerminator,    // $ without MULTILINE, \Z: at the end or before one final
                                   // line terminator (\r\n counts as one; never between \r and \n)
    EndOrBeforeFinalNewline,       // the same under UNIX_LINES (only \n)
    LineStart,                     // ^ with MULTILINE: after a line terminator, never at the end
    UnixLineStart,                 // the same under UNIX_LINES
    LineEnd,                       // $ with MULTILINE: before a line terminator or at the end
    UnixLineEnd,                   // the same under UNIX_LINES
    WordBoundary,                  // \b: ASCII words (JDK 19+; see regex_translate.cpp)
    NotWordBoundary,               // \B
    UnicodeWordBoundary,           // \b under UNICODE_CHARACTER_CLASS
    NotUnicodeWordBoundary,        // \B under UNICODE_CHARACTER_CLASS
};

// Java's "unbounded" repetition count (MAX_REPS): {n,} and {n,2147483647} are the same.
constexpr int64_t kUnbounded = 0x7FFFFFFF;

struct Node {
    NodeKind kind = NodeKind::Empty;
    std::vector<Node> children;
    ClassExpr cls;                              // Class
    GroupKind group = GroupKind::NonCapturing;  // Group
    int captureIndex = 0;                       // Group (Capturing): 1-based
    int64_t min = 0, max = 0;                   // Repeat
    RepeatKind repeat = RepeatKind::Greedy;     // Repeat
    bool groupCurly = false;                    // Repeat of a group Java runs as GroupCurly (its body
                                                // has one way to match): an empty iteration is not captured
    AssertionKind assertion = AssertionKind::InputStart;  // Assertion
    bool lineBreak = false;                     // Group: this is \R (Java repeats it atomically)
    int reference = 0;                          // BackReference: group number (may not exist)
    bool caseInsensitive = false;               // BackReference
    bool unicodeCase = false;                   // BackReference
};

struct ParsedPattern {
    Node root;
    int groupCount = 0;
    std::vector<std::pair<std::string, int>> namedGroups;   // in definition order
};

// Parses a complete Java pattern (UTF-8). Errors read like Java's PatternSyntaxException
// ("Unclosed group near index 17"), or say which Java feature nativejmx does not support.
Result<ParsedPattern> parseJavaPattern(std::string_view pattern);

}  // namespace nj::rules::javaregex
