// BeanSnapshot: everything the rule engine reads about the MBeans of one scrape.
// Produced by native/jvm (decoded from the java-shim's buffer) or by a bean dump
// (nativejmx-check). Strings are views into storage the Snapshot owns.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace nj::rules {

// A scalar value as Java held it. The kind decides how String.valueOf prints it
// (the pattern input, spec §5.1) and how doubleValue reads it.
enum class LeafKind : uint8_t {
    Long,     // Integer, Long, Short, Byte, AtomicInteger, AtomicLong: text is decimal
    Double,   // Double (and Date, converted to seconds): text is Java Double.toString
    Float,    // Float: text is Java Float.toString, value is the widened float
    Boolean,  // text "true"/"false", value 1/0
    Text,     // String or enum constant: no numeric value
    Number,   // any other Number (BigDecimal, BigInteger, ...): text from toString, value doubleValue
};

struct Leaf {
    LeafKind kind = LeafKind::Text;
    int64_t longValue = 0;      // Long
    double doubleValue = 0;     // every numeric kind: Java's doubleValue() (Boolean: 1/0)
    float floatValue = 0;       // Float, for its Float.toString text
    bool boolValue = false;     // Boolean
    std::string_view text;      // Text, Number
};

struct Node;

struct Item {                   // a CompositeData item, or a TabularData value column
    std::string_view name;
    const Node* value = nullptr;
};

// One TabularData index column of a row (spec §4.7).
struct IndexEntry {
    std::string_view name;
    enum class Kind : uint8_t { Null, Text, Composite } kind = Kind::Null;
    std::string_view text;                       // Text: String.valueOf(value)
    std::vector<std::pair<std::string_view, std::string_view>> items;  // Composite: item -> String.valueOf, sorted
};

struct Row {
    std::vector<IndexEntry> index;   // in the TabularType's index order
    std::vector<Item> values;        // the other columns, sorted by name
};

struct Node {
    enum class Kind : uint8_t { Leaf, Composite, Tabular } kind = Kind::Leaf;
    Leaf leaf;                        // Leaf
    std::string_view description;     // Composite: CompositeType description; Tabular: row type description
    bool hasDescription = false;
    std::vector<Item> items;          // Composite: items sorted by name
    std::vector<Row> rows;            // Tabular
};

struct Attribute {
    std::string_view name;
    std::string_view description;     // MBeanAttributeInfo description
    bool hasDescription = false;
    const Node* value = nullptr;      // never null: null/array/unsupported values are not emitted
};

struct Bean {
    std::string_view domain;
    std::string_view keyProperties;   // ObjectName.getKeyPropertyListString (creation order)
    bool bulkReadFailed = false;      // getAttributes threw: attributes were read one by one
    int customizer = -1;              // index of the first matching metricCustomizer, or -1
    std::vector<Attribute> attributes;
    // attributesAsLabels values read by the java-shim for metricCustomizers (spec §4.4).
    std::vector<std::pair<std::string_view, std::string_view>> attributeTexts;
};

struct Snapshot {
    std::vector<Bean> beans;          // in the order the scrape visits them (HashSet order)
    std::deque<Node> nodes;           // storage for every Node (stable addresses)
    std::string buffer;               // storage the views point into (e.g. the shim's bytes)
    std::deque<std::string> strings;  // extra storage for views (e.g. a parsed JSON dump)

    std::string_view keep(std::string s) { return strings.emplace_back(std::move(s)); }
    Node& newNode() { return nodes.emplace_back(); }
};

}  // namespace nj::rules
