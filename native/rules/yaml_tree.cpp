// Loads YAML with yaml-cpp's event parser and builds the objects SnakeYAML's SafeConstructor
// would build (spec §2). yaml-cpp tells plain scalars (tag "?") from quoted or block ones (tag
// "!"); the YAML 1.1 resolution of plain scalars, the explicit standard tags, merge keys and
// duplicate keys are done here, following SnakeYAML's Resolver and SafeConstructor.
#include "rules/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>
#include <deque>
#include <limits>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "exposition/java_double.h"

namespace nj::rules::yaml {
namespace {

// SnakeYAML's default LoaderOptions (the javaagent does not change them).
constexpr size_t kCodePointLimit = size_t{3} * 1024 * 1024;
constexpr int kMaxAliasesForCollections = 50;
constexpr int kNestingDepthLimit = 50;          // counts nested maps only, as SnakeYAML does
constexpr size_t kMaxNonDecimalDigits = 4096;   // ours: see javaIntegerToDecimal

constexpr std::string_view kStandardTagPrefix = "tag:yaml.org,2002:";

// A node as the parser delivered it, before typing. Aliases point at the anchored node.
struct RawNode {
    enum class Type : uint8_t { Null, Scalar, Sequence, Map } type = Type::Null;
    std::string tag;                        // "?" plain, "!" quoted or block, else the resolved tag
    std::string value;                      // Scalar
    int line = 0;                           // 1-based
    int column = 0;                         // 1-based
    std::vector<const RawNode*> children;   // Sequence: items; Map: key, value, key, value, ...
    bool open = false;                      // a collection still being read
};

// Thrown while building; parse() turns it into an Error.
struct LoadError {
    int line;
    int column;   // 0: unknown
    std::string message;
};

// Collects the events of one document into RawNodes, enforcing SnakeYAML's loader limits.
class RawTreeBuilder : public YAML::EventHandler {
public:
    explicit RawTreeBuilder(std::string_view text) : text_(text) {}

    const RawNode* root() const { return root_; }
    int documentLine() const { return documentLine_; }

    void OnDocumentStart(const YAML::Mark& mark) override { documentLine_ = mark.line + 1; }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        RawNode* node = newNode(RawNode::Type::Null, mark, "?", "");
        node->line = emptyValueLine(mark);
        add(node, anchor);
    }
    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        add(newNode(RawNode::Type::Scalar, mark, tag, value), anchor);
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        auto it = anchors_.find(anchor);
        if (it == anchors_.end()) throw LoadError{mark.line + 1, mark.column + 1, "the alias refers to no anchor"};
        RawNode* target = it->second;
        if (target->open) {
            throw LoadError{mark.line + 1, mark.column + 1,
                            "an alias inside the node its anchor names (a recursive structure) is not supported"};
        }
        bool collection = target->type == RawNode::Type::Sequence || target->type == RawNode::Type::Map;
        if (collection && ++collectionAliases_ > kMaxAliasesForCollections) {
            throw LoadError{mark.line + 1, mark.column + 1,
                            "Number of aliases for non-scalar nodes exceeds the specified max=" +
                                std::to_string(kMaxAliasesForCollections)};
        }
        attach(target);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(newNode(RawNode::Type::Sequence, mark, tag, ""), anchor);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        if (++openMaps_ > kNestingDepthLimit) {
            throw LoadError{mark.line + 1, mark.column + 1,
                            "Nesting Depth exceeded max " + std::to_string(kNestingDepthLimit)};
        }
        open(newNode(RawNode::Type::Map, mark, tag, ""), anchor);
    }
    void OnMapEnd() override {
        openMaps_--;
        close();
    }

private:
    // The parser marks an empty value (`key:`, `-`) at the token after it, possibly lines
    // later; the line of the last character before that token is where the value was left out.
    // (`~` and `null` are marked where they are.)
    int emptyValueLine(const YAML::Mark& mark) const {
        size_t pos = std::min(static_cast<size_t>(std::max(mark.pos, 0)), text_.size());
        std::string_view at = text_.substr(pos);
        for (std::string_view word : {"~", "null", "Null", "NULL"}) {
            if (at.substr(0, word.size()) == word) return mark.line + 1;
        }
        while (pos > 0) {
            size_t last = text_.find_last_not_of(" \t\r\n", pos - 1);
            if (last == std::string_view::npos) break;
            size_t lineStart = text_.rfind('\n', last) + 1;   // npos + 1 == 0
            size_t first = text_.find_first_not_of(" \t", lineStart);
            if (text_[first] != '#') {
                return static_cast<int>(std::count(text_.begin(), text_.begin() + static_cast<ptrdiff_t>(last), '\n')) +
                       1;
            }
            pos = lineStart;   // a comment line: look above it
        }
        return mark.line + 1;
    }

    RawNode* newNode(RawNode::Type type, const YAML::Mark& mark, const std::string& tag, const std::string& value) {
        RawNode& node = nodes_.emplace_back();
        node.type = type;
        node.tag = tag;
        node.value = value;
        node.line = mark.line + 1;
        node.column = mark.column + 1;
        return &node;
    }
    void add(RawNode* node, YAML::anchor_t anchor) {
        if (anchor != YAML::NullAnchor) anchors_[anchor] = node;
        attach(node);
    }
    void open(RawNode* node, YAML::anchor_t anchor) {
        add(node, anchor);
        node->open = true;
        stack_.push_back(node);
    }
    void close() {
        stack_.back()->open = false;
        stack_.pop_back();
    }
    void attach(const RawNode* node) {
        if (stack_.empty()) {
            root_ = node;
        } else {
            stack_.back()->children.push_back(node);
        }
    }

    std::string_view text_;
    std::deque<RawNode> nodes_;
    std::vector<RawNode*> stack_;
    std::unordered_map<YAML::anchor_t, RawNode*> anchors_;
    const RawNode* root_ = nullptr;
    int collectionAliases_ = 0;
    int openMaps_ = 0;
    int documentLine_ = 0;
};

// ---- Java number parsing --------------------------------------------------------------------

// Multiplies-and-adds decimal digits held little-endian in base 1e9.
void bigMultiplyAdd(std::vector<uint32_t>& limbs, uint32_t factor, uint32_t addend) {
    uint64_t carry = addend;
    for (uint32_t& limb : limbs) {
        uint64_t v = static_cast<uint64_t>(limb) * factor + carry;
        limb = static_cast<uint32_t>(v % 1000000000u);
        carry = v / 1000000000u;
    }
    while (carry != 0) {
        limbs.push_back(static_cast<uint32_t>(carry % 1000000000u));
        carry /= 1000000000u;
    }
}

int digitValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

// What Integer.valueOf(s, radix) / Long.valueOf / new BigInteger(s, radix) accept: an optional
// sign, then one or more digits of the radix. Returns the value in decimal, or nullopt.
std::optional<std::string> javaIntegerToDecimal(std::string_view s, int radix) {
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty() || !std::all_of(s.begin(), s.end(), [&](char c) { return digitValue(c) < radix; }))
        return std::nullopt;
    std::string out;
    if (radix == 10) {
        size_t first = s.find_first_not_of('0');
        out = first == std::string_view::npos ? "0" : std::string(s.substr(first));
    } else {
        // The conversion is quadratic: refuse what no config needs rather than stall.
        if (s.size() > kMaxNonDecimalDigits) {
            throw LoadError{0, 0,
                            "an integer of more than " + std::to_string(kMaxNonDecimalDigits) +
                                " binary, octal or hex digits is not supported"};
        }
        std::vector<uint32_t> limbs{0};
        for (char c : s) bigMultiplyAdd(limbs, static_cast<uint32_t>(radix), static_cast<uint32_t>(digitValue(c)));
        while (limbs.size() > 1 && limbs.back() == 0) limbs.pop_back();
        out = std::to_string(limbs.back());
        for (size_t i = limbs.size() - 1; i-- > 0;) {
            std::string part = std::to_string(limbs[i]);
            out += std::string(9 - part.size(), '0') + part;
        }
    }
    if (negative && out != "0") out.insert(out.begin(), '-');
    return out;
}

std::optional<int64_t> toInt64(std::string_view decimal) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(decimal.data(), decimal.data() + decimal.size(), v);
    if (ec != std::errc() || end != decimal.data() + decimal.size()) return std::nullopt;
    return v;
}

Node makeIntegral(const std::string& decimal, bool allowInteger, bool allowLong) {
    Node node;
    std::optional<int64_t> v = toInt64(decimal);
    bool fitsInt = v && *v >= std::numeric_limits<int32_t>::min() && *v <= std::numeric_limits<int32_t>::max();
    if (allowInteger && fitsInt) {
        node.kind = Kind::Integer;
    } else if (allowLong && v) {
        node.kind = Kind::Long;
    } else {
        node.kind = Kind::BigInteger;
        node.decimal = decimal;
        return node;
    }
    node.integer = *v;
    return node;
}

// SafeConstructor's createNumber: Integer, else Long, else BigInteger; a text longer than the
// widest Integer (or Long) of its radix skips straight to the wider type, zeros or not.
Node createNumber(bool negative, const std::string& number, int radix) {
    struct Widths {
        int integer, longer;
    };
    Widths widths = radix == 2    ? Widths{31, 63}
                    : radix == 8  ? Widths{11, 21}
                    : radix == 16 ? Widths{8, 16}
                                  : Widths{10, 19};
    std::string signed_ = (negative ? "-" : "") + number;
    std::optional<std::string> decimal = javaIntegerToDecimal(signed_, radix);
    if (!decimal) throw LoadError{0, 0, "For input string: \"" + signed_ + "\""};
    int length = static_cast<int>(number.size());
    return makeIntegral(*decimal, length <= widths.integer, length <= widths.longer);
}

std::string withoutUnderscores(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c != '_') out += c;
    }
    return out;
}

// Java's String.split(":"): trailing empty parts are dropped.
std::vector<std::string> splitOnColons(const std::string& s) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        size_t colon = s.find(':', start);
        parts.push_back(s.substr(start, colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    while (!parts.empty() && parts.back().empty()) parts.pop_back();
    return parts;
}

int64_t javaParseLong(const std::string& s) {
    std::optional<std::string> decimal = javaIntegerToDecimal(s, 10);
    std::optional<int64_t> v = decimal ? toInt64(*decimal) : std::nullopt;
    if (!v) throw LoadError{0, 0, "For input string: \"" + s + "\""};
    return *v;
}

double javaParseDouble(const std::string& s) {
    std::optional<double> v = expo::parseJavaDouble(s);
    if (!v) throw LoadError{0, 0, "For input string: \"" + s + "\""};
    return *v;
}

// Strips the sign SnakeYAML strips before reading digits.
bool takeSign(std::string& value) {
    if (value[0] == '-') {
        value.erase(0, 1);
        return true;
    }
    if (value[0] == '+') value.erase(0, 1);
    return false;
}

Node constructInteger(std::string_view text) {
    std::string value = withoutUnderscores(text);
    if (value.empty()) throw LoadError{0, 0, "found empty value while constructing an int"};
    bool negative = takeSign(value);
    if (value == "0") return makeIntegral("0", true, true);
    if (value.rfind("0b", 0) == 0) return createNumber(negative, value.substr(2), 2);
    if (value.rfind("0x", 0) == 0) return createNumber(negative, value.substr(2), 16);
    if (value[0] == '0') return createNumber(negative, value.substr(1), 8);
    if (value.find(':') != std::string::npos) {
        // Base 60, summed in Java int arithmetic: overflow wraps as it does there.
        std::vector<std::string> digits = splitOnColons(value);
        int32_t sum = 0;
        int32_t weight = 1;
        for (size_t i = digits.size(); i-- > 0;) {
            uint64_t product =
                static_cast<uint64_t>(javaParseLong(digits[i])) * static_cast<uint64_t>(static_cast<int64_t>(weight));
            sum =
                static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(static_cast<int64_t>(sum)) + product));
            weight = static_cast<int32_t>(static_cast<uint32_t>(weight) * 60u);
        }
        return createNumber(negative, std::to_string(sum), 10);
    }
    return createNumber(negative, value, 10);
}

Node constructFloat(std::string_view text) {
    std::string value = withoutUnderscores(text);
    if (value.empty()) throw LoadError{0, 0, "found empty value while constructing a float"};
    bool negative = takeSign(value);
    double sign = negative ? -1.0 : 1.0;
    std::string lower = value;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    Node node;
    node.kind = Kind::Double;
    if (lower == ".inf") {
        node.number = sign * std::numeric_limits<double>::infinity();
    } else if (lower == ".nan") {
        node.number = std::numeric_limits<double>::quiet_NaN();
    } else if (value.find(':') != std::string::npos) {
        std::vector<std::string> digits = splitOnColons(value);
        double sum = 0;
        int32_t weight = 1;
        for (size_t i = digits.size(); i-- > 0;) {
            sum += javaParseDouble(digits[i]) * weight;
            weight = static_cast<int32_t>(static_cast<uint32_t>(weight) * 60u);
        }
        node.number = sign * sum;
    } else {
        node.number = javaParseDouble(value) * sign;
    }
    return node;
}

std::optional<bool> yamlBoolean(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "yes" || lower == "true" || lower == "on") return true;
    if (lower == "no" || lower == "false" || lower == "off") return false;
    return std::nullopt;
}

// Days since 1970-01-01 of a proleptic Gregorian date (any month/day: Calendar is lenient).
int64_t daysFromCivil(int64_t year, int64_t month, int64_t day) {
    year += (month - 1) / 12;
    month = (month - 1) % 12 + 1;
    if (month <= 0) {
        month += 12;
        year -= 1;
    }
    year -= month <= 2;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const int64_t yoe = year - era * 400;
    const int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// A left-to-right reader for the YAML 1.1 scalar grammars below (SnakeYAML's Resolver
// regexes, written out so that no input length can exhaust the stack).
class Scanner {
public:
    explicit Scanner(std::string_view s) : s_(s) {}
    bool done() const { return i_ == s_.size(); }
    char peek() const { return done() ? '\0' : s_[i_]; }
    bool take(char c) {
        if (done() || s_[i_] != c) return false;
        i_++;
        return true;
    }
    bool takeOneOf(std::string_view set) {
        if (done() || set.find(s_[i_]) == std::string_view::npos) return false;
        i_++;
        return true;
    }
    // Characters of `set`; how many were taken.
    size_t takeWhile(std::string_view set) {
        size_t start = i_;
        while (!done() && set.find(s_[i_]) != std::string_view::npos) i_++;
        return i_ - start;
    }
    // Up to `most` decimal digits as a number; nullopt if there is none.
    std::optional<int64_t> takeNumber(size_t most) {
        size_t start = i_;
        int64_t value = 0;
        while (i_ - start < most && !done() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
            value = value * 10 + (s_[i_++] - '0');
        }
        if (i_ == start) return std::nullopt;
        return value;
    }
    size_t position() const { return i_; }
    void rewind(size_t position) { i_ = position; }
    std::string_view rest() const { return s_.substr(i_); }

private:
    std::string_view s_;
    size_t i_ = 0;
};

constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kDigitsOrUnderscore = "0123456789_";

// One or more of `digits` mixed with underscores, to the end: 0b_*[0-1][0-1_]* and the like.
bool digitsToEnd(Scanner& in, std::string_view digits) {
    bool anyDigit = false;
    while (!in.done()) {
        char c = in.peek();
        if (c != '_' && digits.find(c) == std::string_view::npos) return false;
        anyDigit = anyDigit || c != '_';
        in.take(c);
    }
    return anyDigit;
}

// (?::[0-5]?[0-9])+ : base-60 groups after the first one.
bool sexagesimalGroups(Scanner& in) {
    bool any = false;
    while (in.take(':')) {
        // Taking two digits when the first is 0-5 never loses a match: a digit cannot follow.
        size_t at = in.position();
        if (in.takeOneOf("012345") && in.takeOneOf(kDigits)) {
            any = true;
            continue;
        }
        in.rewind(at);
        if (!in.takeOneOf(kDigits)) return false;
        any = true;
    }
    return any;
}

// [eE][-+]?[0-9]+
bool exponent(Scanner& in) {
    if (!in.takeOneOf("eE")) return false;
    in.takeOneOf("-+");
    return in.takeWhile(kDigits) > 0;
}

bool isYamlInt(std::string_view s) {
    Scanner in(s);
    in.takeOneOf("-+");
    std::string_view body = in.rest();
    if (body == "0") return true;
    if (body.substr(0, 2) == "0b") return in.take('0') && in.take('b') && digitsToEnd(in, "01");
    if (body.substr(0, 2) == "0x") return in.take('0') && in.take('x') && digitsToEnd(in, "0123456789abcdefABCDEF");
    if (in.take('0')) return digitsToEnd(in, "01234567");
    if (!in.takeOneOf("123456789")) return false;
    in.takeWhile(kDigitsOrUnderscore);
    return in.done() || (sexagesimalGroups(in) && in.done());
}

bool isYamlFloat(std::string_view s) {
    if (s == ".nan" || s == ".NaN" || s == ".NAN") return true;
    Scanner in(s);
    in.takeOneOf("-+");
    std::string_view body = in.rest();
    if (body == ".inf" || body == ".Inf" || body == ".INF") return true;
    if (in.take('.')) {   // \.[0-9_]+(?:[eE][-+]?[0-9]+)?
        if (in.takeWhile(kDigitsOrUnderscore) == 0) return false;
        return in.done() || (exponent(in) && in.done());
    }
    if (!in.takeOneOf(kDigits)) return false;
    in.takeWhile(kDigitsOrUnderscore);
    bool sexagesimal = in.peek() == ':';   // base 60: a fraction must follow, no exponent
    if (sexagesimal && !sexagesimalGroups(in)) return false;
    if (in.take('.')) {
        in.takeWhile(kDigitsOrUnderscore);
        return in.done() || (!sexagesimal && exponent(in) && in.done());
    }
    return !sexagesimal && exponent(in) && in.done();
}

struct TimestampParts {
    int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    std::string_view fraction;   // the digits after '.', if any
    bool hasZone = false;
    int zoneSign = 1;
    int64_t zoneHours = 0, zoneMinutes = 0;
};

// YYYY-MM-DD, or YYYY-M-D followed by a time, an optional fraction and zone (the resolver's
// grammar; SafeConstructor reads the same fields).
std::optional<TimestampParts> parseYamlTimestamp(std::string_view s) {
    Scanner in(s);
    TimestampParts t;
    std::optional<int64_t> year = in.takeNumber(4);
    if (!year || in.position() != 4 || !in.take('-')) return std::nullopt;
    size_t monthStart = in.position();
    std::optional<int64_t> month = in.takeNumber(2);
    bool twoDigitMonth = in.position() - monthStart == 2;
    if (!month || !in.take('-')) return std::nullopt;
    size_t dayStart = in.position();
    std::optional<int64_t> day = in.takeNumber(2);
    if (!day) return std::nullopt;
    t.year = *year;
    t.month = *month;
    t.day = *day;
    if (in.done()) {
        if (twoDigitMonth && in.position() - dayStart == 2) return t;
        return std::nullopt;
    }
    if (!in.takeOneOf("Tt") && in.takeWhile(" \t") == 0) return std::nullopt;
    std::optional<int64_t> hour = in.takeNumber(2);
    if (!hour || !in.take(':')) return std::nullopt;
    size_t at = in.position();
    std::optional<int64_t> minute = in.takeNumber(2);
    if (!minute || in.position() - at != 2 || !in.take(':')) return std::nullopt;
    at = in.position();
    std::optional<int64_t> second = in.takeNumber(2);
    if (!second || in.position() - at != 2) return std::nullopt;
    t.hour = *hour;
    t.minute = *minute;
    t.second = *second;
    if (in.take('.')) {
        at = in.position();
        in.takeWhile(kDigits);
        t.fraction = s.substr(at, in.position() - at);
    }
    at = in.position();
    in.takeWhile(" \t");
    if (in.take('Z')) {
        t.hasZone = true;
    } else if (in.takeOneOf("-+")) {
        t.hasZone = true;
        t.zoneSign = s[in.position() - 1] == '-' ? -1 : 1;
        std::optional<int64_t> hours = in.takeNumber(2);
        if (!hours) return std::nullopt;
        t.zoneHours = *hours;
        if (in.take(':')) {
            size_t minutesAt = in.position();
            std::optional<int64_t> minutes = in.takeNumber(2);
            if (!minutes || in.position() - minutesAt != 2) return std::nullopt;
            t.zoneMinutes = *minutes;
        }
    } else {
        in.rewind(at);
    }
    if (!in.done()) return std::nullopt;
    return t;
}

Node constructTimestamp(std::string_view text) {
    std::optional<TimestampParts> t = parseYamlTimestamp(text);
    if (!t) throw LoadError{0, 0, "Unexpected timestamp: " + std::string(text)};
    double seconds = static_cast<double>(t->second);
    if (!t->fraction.empty()) seconds = javaParseDouble(std::to_string(t->second) + "." + std::string(t->fraction));
    int64_t wholeSeconds = static_cast<int64_t>(std::floor(seconds));
    int64_t millis = std::llround((seconds - static_cast<double>(wholeSeconds)) * 1000);
    int64_t offsetMinutes = t->zoneSign * (t->zoneHours * 60 + t->zoneMinutes);
    int64_t days = daysFromCivil(t->year, t->month, t->day);
    Node node;
    node.kind = Kind::Timestamp;
    node.epochMillis = (((days * 24 + t->hour) * 60 + t->minute - offsetMinutes) * 60 + wholeSeconds) * 1000 + millis;
    return node;
}

enum class PlainType { Null, Boolean, Integer, Float, Merge, Timestamp, String };

// SnakeYAML's Resolver: the implicit resolvers registered for the first character, in the
// order they were added (bool, int, float, merge, null, timestamp).
PlainType resolvePlain(std::string_view s) {
    static constexpr std::string_view kBooleans[] = {"yes",  "Yes",  "YES",  "no",    "No",    "NO",
                                                     "true", "True", "TRUE", "false", "False", "FALSE",
                                                     "on",   "On",   "ON",   "off",   "Off",   "OFF"};
    if (s.empty()) return PlainType::Null;
    if (std::find(std::begin(kBooleans), std::end(kBooleans), s) != std::end(kBooleans)) return PlainType::Boolean;
    if (isYamlInt(s)) return PlainType::Integer;
    if (isYamlFloat(s)) return PlainType::Float;
    if (s == "<<") return PlainType::Merge;
    if (s == "~" || s == "null" || s == "Null" || s == "NULL") return PlainType::Null;
    if (parseYamlTimestamp(s)) return PlainType::Timestamp;
    return PlainType::String;
}

std::string nodeTypeName(RawNode::Type type) {
    switch (type) {
        case RawNode::Type::Sequence: return "sequence";
        case RawNode::Type::Map: return "mapping";
        default: return "scalar";
    }
}

bool isMergeKey(const RawNode& node) {
    return node.type == RawNode::Type::Scalar && node.tag == "?" && node.value == "<<";
}

// Builds typed nodes from raw ones, once per raw node (aliases share the result).
class Constructor {
public:
    NodePtr build(const RawNode& raw) {
        auto it = built_.find(&raw);
        if (it != built_.end()) return it->second;
        Node node = construct(raw);
        node.line = raw.line;
        NodePtr shared = std::make_shared<const Node>(std::move(node));
        built_.emplace(&raw, shared);
        return shared;
    }

private:
    Node construct(const RawNode& raw) {
        try {
            switch (raw.type) {
                case RawNode::Type::Null: return Node{};
                case RawNode::Type::Scalar: return constructScalar(raw);
                case RawNode::Type::Sequence: return constructSequence(raw);
                case RawNode::Type::Map: return constructMap(raw);
            }
        } catch (LoadError& error) {
            if (error.line == 0) {
                error.line = raw.line;
                error.column = raw.column;
            }
            throw;
        }
        return Node{};
    }

    static std::string standardTag(const RawNode& raw) {
        if (raw.tag.rfind(kStandardTagPrefix, 0) == 0) return raw.tag.substr(kStandardTagPrefix.size());
        throw LoadError{raw.line, raw.column, "could not determine a constructor for the tag " + raw.tag};
    }

    static Node constructScalar(const RawNode& raw) {
        std::string type;
        if (raw.tag == "?") {
            switch (resolvePlain(raw.value)) {
                case PlainType::Null: type = "null"; break;
                case PlainType::Boolean: type = "bool"; break;
                case PlainType::Integer: type = "int"; break;
                case PlainType::Float: type = "float"; break;
                case PlainType::Timestamp: type = "timestamp"; break;
                case PlainType::String: type = "str"; break;
                case PlainType::Merge: type = "merge"; break;
            }
        } else if (raw.tag == "!") {
            type = "str";
        } else {
            type = standardTag(raw);
        }
        Node node;
        if (type == "str") {
            node.kind = Kind::String;
        } else if (type == "null") {
            node.kind = Kind::Null;
        } else if (type == "bool") {
            // An explicit !!bool with another word gives null, as SafeConstructor's lookup does.
            std::optional<bool> value = yamlBoolean(raw.value);
            node.kind = value ? Kind::Boolean : Kind::Null;
            node.boolean = value.value_or(false);
        } else if (type == "int") {
            node = constructInteger(raw.value);
        } else if (type == "float") {
            node = constructFloat(raw.value);
        } else if (type == "timestamp") {
            node = constructTimestamp(raw.value);
        } else if (type == "merge") {
            throw LoadError{raw.line, raw.column, "<< (a merge key) can only be a key of a map"};
        } else {
            throw LoadError{raw.line, raw.column, "the tag !!" + type + " is not supported"};
        }
        node.text = raw.value;
        return node;
    }

    Node constructSequence(const RawNode& raw) {
        if (raw.tag != "?" && raw.tag != "!" && standardTag(raw) != "seq") {
            throw LoadError{raw.line, raw.column, "the tag " + raw.tag + " is not supported on a list"};
        }
        Node node;
        node.kind = Kind::Sequence;
        for (const RawNode* item : raw.children) node.items.push_back(build(*item));
        return node;
    }

    // SafeConstructor's flattenMapping: duplicate keys are dropped but the last, then merges are
    // applied in document order; a key written in this map wins over a merged one, and of
    // merged maps the first to give a key wins.
    Node constructMap(const RawNode& raw) {
        if (raw.tag != "?" && raw.tag != "!" && standardTag(raw) != "map") {
            throw LoadError{raw.line, raw.column, "the tag " + raw.tag + " is not supported on a map"};
        }
        struct Tuple {
            const RawNode* key;
            const RawNode* value;
            NodePtr builtKey;
        };
        std::vector<Tuple> tuples;
        for (size_t i = 0; i + 1 < raw.children.size(); i += 2) {
            Tuple tuple{raw.children[i], raw.children[i + 1], nullptr};
            if (!isMergeKey(*tuple.key)) {
                tuple.builtKey = build(*tuple.key);
                auto earlier = std::find_if(tuples.begin(), tuples.end(), [&](const Tuple& t) {
                    return t.builtKey && javaEquals(*t.builtKey, *tuple.builtKey);
                });
                if (earlier != tuples.end()) tuples.erase(earlier);
            }
            tuples.push_back(tuple);
        }

        Node node;
        node.kind = Kind::Map;
        auto indexOf = [&](const Node& key) {
            for (size_t i = 0; i < node.entries.size(); i++) {
                if (javaEquals(*node.entries[i].first, key)) return static_cast<ptrdiff_t>(i);
            }
            return static_cast<ptrdiff_t>(-1);
        };
        auto mergeFrom = [&](const RawNode& source) {
            NodePtr merged = build(source);
            for (const auto& [key, value] : merged->entries) {
                if (indexOf(*key) < 0) node.entries.emplace_back(key, value);
            }
        };
        for (const Tuple& tuple : tuples) {
            if (tuple.builtKey == nullptr) {
                const RawNode& source = *tuple.value;
                if (source.type == RawNode::Type::Map) {
                    mergeFrom(source);
                } else if (source.type == RawNode::Type::Sequence) {
                    for (const RawNode* item : source.children) {
                        if (item->type != RawNode::Type::Map) {
                            throw LoadError{item->line, item->column,
                                            "expected a mapping for merging, but found " + nodeTypeName(item->type)};
                        }
                        mergeFrom(*item);
                    }
                } else {
                    throw LoadError{
                        source.line, source.column,
                        "expected a mapping or list of mappings for merging, but found " + nodeTypeName(source.type)};
                }
                continue;
            }
            NodePtr value = build(*tuple.value);
            ptrdiff_t index = indexOf(*tuple.builtKey);
            if (index >= 0) {
                node.entries[static_cast<size_t>(index)].second = value;
            } else {
                node.entries.emplace_back(tuple.builtKey, value);
            }
        }
        return node;
    }

    std::unordered_map<const RawNode*, NodePtr> built_;
};

size_t countCodePoints(std::string_view text) {
    return static_cast<size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Error errorAt(int line, int column, const std::string& message) {
    std::string where = "line " + std::to_string(line);
    if (column > 0) where += ", column " + std::to_string(column);
    return makeError(where + ": " + message);
}

std::u16string toUtf16(std::string_view utf8) {
    std::u16string out;
    for (size_t i = 0; i < utf8.size();) {
        unsigned char c = static_cast<unsigned char>(utf8[i]);
        int length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
        if (i + static_cast<size_t>(length) > utf8.size()) length = 1;
        char32_t cp = length == 1 ? c : c & (0x7F >> length);
        for (int k = 1; k < length; k++)
            cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + static_cast<size_t>(k)]) & 0x3F);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += static_cast<char16_t>(0xD800 + (cp >> 10));
            out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
        } else {
            out += static_cast<char16_t>(cp);
        }
        i += static_cast<size_t>(length);
    }
    return out;
}

// Date.toString(): "EEE MMM dd HH:mm:ss zzz yyyy" in the default time zone.
std::string javaDateToString(int64_t epochMillis) {
    int64_t seconds = epochMillis / 1000 - (epochMillis % 1000 < 0 ? 1 : 0);
    time_t t = static_cast<time_t>(seconds);
    struct tm local {};
    localtime_r(&t, &local);
    char buffer[64];
    size_t n = strftime(buffer, sizeof buffer, "%a %b %d %H:%M:%S %Z %Y", &local);
    return std::string(buffer, n);
}

}  // namespace

const Node* Node::find(std::string_view key) const {
    for (const auto& [k, v] : entries) {
        if (k->kind == Kind::String && k->text == key) return v.get();
    }
    return nullptr;
}

Result<NodePtr> parse(std::string_view text) {
    if (countCodePoints(text) > kCodePointLimit) {
        return makeError("The incoming YAML document exceeds the limit: " + std::to_string(kCodePointLimit) +
                         " code points.");
    }
    std::istringstream in{std::string(text)};
    try {
        YAML::Parser parser(in);
        RawTreeBuilder builder(text);
        if (!parser.HandleNextDocument(builder) || builder.root() == nullptr) return NodePtr{};
        RawTreeBuilder next(text);
        if (parser.HandleNextDocument(next)) {
            return errorAt(next.documentLine(), 0,
                           "expected a single document in the stream, but found another document");
        }
        Constructor constructor;
        NodePtr root = constructor.build(*builder.root());
        if (root->kind == Kind::Null) return NodePtr{};
        return root;
    } catch (const YAML::Exception& e) {
        return errorAt(e.mark.line + 1, e.mark.column + 1, e.msg);
    } catch (const LoadError& e) {
        return errorAt(e.line, e.column, e.message);
    }
}

std::string javaStringValueOf(const Node* node) {
    if (node == nullptr) return "null";
    switch (node->kind) {
        case Kind::Null: return "null";
        case Kind::Boolean: return node->boolean ? "true" : "false";
        case Kind::Integer:
        case Kind::Long: return std::to_string(node->integer);
        case Kind::BigInteger: return node->decimal;
        case Kind::Double: return expo::formatJavaDouble(node->number);
        case Kind::String: return node->text;
        case Kind::Timestamp: return javaDateToString(node->epochMillis);
        case Kind::Sequence: {
            std::string out = "[";
            for (size_t i = 0; i < node->items.size(); i++) {
                if (i > 0) out += ", ";
                out += javaStringValueOf(node->items[i].get());
            }
            return out + "]";
        }
        case Kind::Map: {
            std::string out = "{";
            for (size_t i = 0; i < node->entries.size(); i++) {
                if (i > 0) out += ", ";
                out += javaStringValueOf(node->entries[i].first.get()) + "=" +
                       javaStringValueOf(node->entries[i].second.get());
            }
            return out + "}";
        }
    }
    return "null";
}

std::string describe(const Node& node) {
    // The text as written, when YAML's reading of it may surprise (012 is 10, on is true).
    std::string value = javaStringValueOf(&node);
    std::string written = node.text != value && !node.text.empty() ? " (written " + node.text + ")" : "";
    switch (node.kind) {
        case Kind::Null: return "an empty value";
        case Kind::Boolean: return "the boolean " + value + written;
        case Kind::Integer:
        case Kind::Long:
        case Kind::BigInteger: return "the integer " + value + written;
        case Kind::Double: return "the number " + value + written;
        case Kind::String: return "the string \"" + node.text + "\"";
        case Kind::Timestamp: return "the date " + node.text;
        case Kind::Sequence: return "a list";
        case Kind::Map: return "a map";
    }
    return "a value";
}

bool javaEquals(const Node& a, const Node& b) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
        case Kind::Null: return true;
        case Kind::Boolean: return a.boolean == b.boolean;
        case Kind::Integer:
        case Kind::Long: return a.integer == b.integer;
        case Kind::BigInteger: return a.decimal == b.decimal;
        case Kind::Double: {
            // Double.equals compares doubleToLongBits: NaN equals NaN, 0.0 differs from -0.0.
            if (std::isnan(a.number) || std::isnan(b.number)) return std::isnan(a.number) && std::isnan(b.number);
            uint64_t x, y;
            std::memcpy(&x, &a.number, sizeof x);
            std::memcpy(&y, &b.number, sizeof y);
            return x == y;
        }
        case Kind::String: return a.text == b.text;
        case Kind::Timestamp: return a.epochMillis == b.epochMillis;
        case Kind::Sequence:
            return a.items.size() == b.items.size() &&
                   std::equal(a.items.begin(), a.items.end(), b.items.begin(),
                              [](const NodePtr& x, const NodePtr& y) { return javaEquals(*x, *y); });
        case Kind::Map:
            return a.entries.size() == b.entries.size() &&
                   std::all_of(a.entries.begin(), a.entries.end(), [&](const auto& entry) {
                       return std::any_of(b.entries.begin(), b.entries.end(), [&](const auto& other) {
                           return javaEquals(*entry.first, *other.first) && javaEquals(*entry.second, *other.second);
                       });
                   });
    }
    return false;
}

bool javaStringLess(std::string_view a, std::string_view b) { return toUtf16(a) < toUtf16(b); }

}  // namespace nj::rules::yaml
