// YAML read the way the javaagent reads it: SnakeYAML's YAML 1.1 resolution and
// SafeConstructor types (spec §2). Each node knows the Java object SnakeYAML would build, so
// the config loader can apply the javaagent's Java casts (an `(Integer)` cast fails for a
// Long), print values as Java's String.valueOf does, and name the line in messages.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace nj::rules::yaml {

enum class Kind : uint8_t {
    Null,
    Boolean,
    Integer,      // java.lang.Integer
    Long,         // java.lang.Long (beyond 32 bits)
    BigInteger,   // java.math.BigInteger (beyond 64 bits)
    Double,
    String,
    Timestamp,   // java.util.Date (a plain 2001-12-14, or !!timestamp)
    Sequence,    // java.util.List
    Map,         // java.util.Map, in LinkedHashMap order
};

struct Node;
// Aliases share their anchor's node, as SnakeYAML shares the object.
using NodePtr = std::shared_ptr<const Node>;

struct Node {
    Kind kind = Kind::Null;
    int line = 0;                 // 1-based line where the node starts
    std::string text;             // scalars: the text as written (quotes and escapes resolved)
    bool boolean = false;         // Boolean
    int64_t integer = 0;          // Integer, Long
    double number = 0;            // Double
    std::string decimal;          // BigInteger: its decimal digits, with a leading '-' if negative
    int64_t epochMillis = 0;      // Timestamp
    std::vector<NodePtr> items;   // Sequence
    // Map: merge keys (<<) applied and duplicate keys resolved (the last one wins), in the
    // order of the Java map SnakeYAML builds.
    std::vector<std::pair<NodePtr, NodePtr>> entries;

    bool isScalar() const { return kind != Kind::Sequence && kind != Kind::Map; }
    // The value of the entry whose key is the Java String `key`; nullptr if there is none.
    // (A key written with an empty value has a Null node, not nullptr.)
    const Node* find(std::string_view key) const;
};

// Parses a stream holding at most one document. An empty stream or an empty document gives
// nullptr. Errors read "line 3, column 7: <reason>" (1-based).
Result<NodePtr> parse(std::string_view text);

// String.valueOf(object) of the Java object: "null", "true", "10" for 012, "1000.0" for 1e3,
// Date.toString() for timestamps, "[a, b]" for lists, "{k=v}" for maps. nullptr prints "null".
std::string javaStringValueOf(const Node* node);

// The node for a message: "the integer 200", "the boolean true", "a list", "an empty value".
std::string describe(const Node& node);

// Java's equals() between the two objects (how SnakeYAML finds duplicate keys).
bool javaEquals(const Node& a, const Node& b);

// a.compareTo(b) < 0 for Java Strings (UTF-16 code unit order) of UTF-8 text: the order of a
// Java TreeMap<String, ...>.
bool javaStringLess(std::string_view a, std::string_view b);

}  // namespace nj::rules::yaml
