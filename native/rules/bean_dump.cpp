#include "rules/bean_dump.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/json.h"
#include "exposition/java_double.h"

namespace nj::rules {
namespace {

using json::Value;

constexpr std::string_view kFormat = "nativejmx-bean-dump";
constexpr int kVersion = 1;

// --------------------------------------------------------------------------- writing

// Java's Double.toString / Float.toString text: a JSON number, or a string for NaN and Infinity.
Value javaNumber(std::string text) {
    bool finite = text != "NaN" && text != "Infinity" && text != "-Infinity";
    return finite ? Value::number(text) : Value::string(text);
}

void addDescription(Value& object, bool hasDescription, std::string_view description) {
    if (hasDescription) object.add("description", Value::string(description));
}

Value nodeValue(const Node& node);

Value namedValue(std::string_view name, const Node& node) {
    Value item = Value::object();
    item.add("name", Value::string(name));
    item.add("value", nodeValue(node));
    return item;
}

Value leafValue(const Leaf& leaf) {
    Value v = Value::object();
    switch (leaf.kind) {
        case LeafKind::Long:
            v.add("type", Value::string("Long"));
            v.add("value", Value::number(std::to_string(leaf.longValue)));
            break;
        case LeafKind::Double:
            v.add("type", Value::string("Double"));
            v.add("value", javaNumber(expo::formatJavaDouble(leaf.doubleValue)));
            break;
        case LeafKind::Float:
            v.add("type", Value::string("Float"));
            v.add("value", javaNumber(expo::formatJavaFloat(leaf.floatValue)));
            break;
        case LeafKind::Boolean:
            v.add("type", Value::string("Boolean"));
            v.add("value", Value::flag(leaf.boolValue));
            break;
        case LeafKind::Text:
            v.add("type", Value::string("Text"));
            v.add("value", Value::string(leaf.text));
            break;
        case LeafKind::Number:
            v.add("type", Value::string("Number"));
            v.add("text", Value::string(leaf.text));
            v.add("value", javaNumber(expo::formatJavaDouble(leaf.doubleValue)));
            break;
    }
    return v;
}

Value indexValue(const IndexEntry& entry) {
    Value v = Value::object();
    v.add("name", Value::string(entry.name));
    if (entry.kind == IndexEntry::Kind::Text) v.add("text", Value::string(entry.text));
    if (entry.kind == IndexEntry::Kind::Composite) {
        Value& items = v.add("items", Value::array());
        for (const auto& [name, text] : entry.items) {
            Value& item = items.push(Value::object());
            item.add("name", Value::string(name));
            item.add("text", Value::string(text));
        }
    }
    return v;
}

Value nodeValue(const Node& node) {
    if (node.kind == Node::Kind::Leaf) return leafValue(node.leaf);
    Value v = Value::object();
    if (node.kind == Node::Kind::Composite) {
        v.add("type", Value::string("Composite"));
        addDescription(v, node.hasDescription, node.description);
        Value& items = v.add("items", Value::array());
        for (const Item& item : node.items) items.push(namedValue(item.name, *item.value));
        return v;
    }
    v.add("type", Value::string("Tabular"));
    addDescription(v, node.hasDescription, node.description);
    Value& rows = v.add("rows", Value::array());
    for (const Row& row : node.rows) {
        Value& r = rows.push(Value::object());
        Value& index = r.add("index", Value::array());
        for (const IndexEntry& entry : row.index) index.push(indexValue(entry));
        Value& values = r.add("values", Value::array());
        for (const Item& cell : row.values) values.push(namedValue(cell.name, *cell.value));
    }
    return v;
}

Value beanValue(const Bean& bean) {
    Value v = Value::object();
    v.add("domain", Value::string(bean.domain));
    v.add("keyProperties", Value::string(bean.keyProperties));
    if (bean.bulkReadFailed) v.add("bulkReadFailed", Value::flag(true));
    if (bean.customizer >= 0) {
        v.add("customizer", Value::number(std::to_string(bean.customizer)));
        Value& texts = v.add("attributeTexts", Value::array());
        for (const auto& [name, text] : bean.attributeTexts) {
            Value& t = texts.push(Value::object());
            t.add("name", Value::string(name));
            t.add("text", Value::string(text));
        }
    }
    Value& attributes = v.add("attributes", Value::array());
    for (const Attribute& attribute : bean.attributes) {
        Value& a = attributes.push(Value::object());
        a.add("name", Value::string(attribute.name));
        addDescription(a, attribute.hasDescription, attribute.description);
        a.add("value", nodeValue(*attribute.value));
    }
    return v;
}

// --------------------------------------------------------------------------- reading

struct Malformed {
    int line;
    std::string path;
    std::string message;
};

// One field of the dump with its path, for messages.
struct At {
    const Value& value;
    std::string path;

    [[noreturn]] void fail(const std::string& message) const { throw Malformed{value.line, path, message}; }

    const Value& need(Value::Kind kind, const char* what) const {
        if (value.kind != kind) fail(std::string("must be ") + what);
        return value;
    }
    At member(std::string_view key) const {
        need(Value::Kind::Object, "an object");
        const Value* m = value.find(key);
        if (m == nullptr) fail("has no \"" + std::string(key) + "\"");
        return At{*m, path + "." + std::string(key)};
    }
    const Value* optional(std::string_view key) const { return need(Value::Kind::Object, "an object").find(key); }
    At item(size_t i) const { return At{value.items[i], path + "[" + std::to_string(i) + "]"}; }
    size_t size(const char* what) const { return need(Value::Kind::Array, what).items.size(); }
};

class DumpReader {
public:
    explicit DumpReader(Snapshot& out) : out_(out) {}

    void document(const At& root) {
        At format = root.member("format");
        if (format.need(Value::Kind::String, "a string").text != kFormat) {
            format.fail("must be \"" + std::string(kFormat) + "\"");
        }
        At version = root.member("version");
        if (integer(version) != kVersion) version.fail("must be " + std::to_string(kVersion) + " (this reader's version)");
        At beans = root.member("beans");
        for (size_t i = 0, n = beans.size("a list of beans"); i < n; i++) bean(beans.item(i));
    }

private:
    std::string_view text(const At& at) { return out_.keep(at.need(Value::Kind::String, "a string").text); }

    int64_t integer(const At& at) {
        const std::string& t = at.need(Value::Kind::Number, "an integer").text;
        int64_t v = 0;
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (ec != std::errc() || end != t.data() + t.size()) at.fail("must be an integer within 64 bits, found " + t);
        return v;
    }

    // A Java double or float: a JSON number, or the string NaN, Infinity or -Infinity.
    template <class T>
    T floating(const At& at) {
        if (at.value.kind != Value::Kind::Number && at.value.kind != Value::Kind::String) {
            at.fail("must be a number, or \"NaN\", \"Infinity\" or \"-Infinity\"");
        }
        const std::string& t = at.value.text;
        bool named = t == "NaN" || t == "Infinity" || t == "-Infinity";
        if (at.value.kind == Value::Kind::String && !named) at.fail("must be a number, or \"NaN\", \"Infinity\" or \"-Infinity\"");
        T v{};
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (ec != std::errc() || end != t.data() + t.size()) at.fail("is out of range: " + t);
        return v;
    }

    void bean(const At& at) {
        Bean& bean = out_.beans.emplace_back();
        bean.domain = text(at.member("domain"));
        bean.keyProperties = text(at.member("keyProperties"));
        if (at.optional("bulkReadFailed")) bean.bulkReadFailed = at.member("bulkReadFailed").need(Value::Kind::Boolean, "true or false").boolean;
        if (at.optional("customizer")) {
            At customizer = at.member("customizer");
            int64_t index = integer(customizer);
            if (index < 0 || index > 1'000'000) customizer.fail("must be the index of a metricCustomizer");
            bean.customizer = static_cast<int>(index);
        }
        if (at.optional("attributeTexts")) {
            At texts = at.member("attributeTexts");
            for (size_t i = 0, n = texts.size("a list"); i < n; i++) {
                At t = texts.item(i);
                bean.attributeTexts.emplace_back(text(t.member("name")), text(t.member("text")));
            }
        }
        At attributes = at.member("attributes");
        for (size_t i = 0, n = attributes.size("a list of attributes"); i < n; i++) {
            At a = attributes.item(i);
            Attribute& attribute = bean.attributes.emplace_back();
            attribute.name = text(a.member("name"));
            description(a, attribute.hasDescription, attribute.description);
            attribute.value = &node(a.member("value"));
        }
    }

    void description(const At& at, bool& has, std::string_view& out) {
        has = at.optional("description") != nullptr;
        if (has) out = text(at.member("description"));
    }

    std::vector<Item> items(const At& list) {
        std::vector<Item> out;
        for (size_t i = 0, n = list.size("a list"); i < n; i++) {
            At item = list.item(i);
            out.push_back({text(item.member("name")), &node(item.member("value"))});
        }
        return out;
    }

    const Node& node(const At& at) {
        Node& node = out_.newNode();
        At typeField = at.member("type");
        std::string_view type = typeField.need(Value::Kind::String, "a string").text;
        Leaf& leaf = node.leaf;
        if (type == "Long") {
            leaf.kind = LeafKind::Long;
            leaf.longValue = integer(at.member("value"));
            leaf.doubleValue = static_cast<double>(leaf.longValue);
        } else if (type == "Double") {
            leaf.kind = LeafKind::Double;
            leaf.doubleValue = floating<double>(at.member("value"));
        } else if (type == "Float") {
            leaf.kind = LeafKind::Float;
            leaf.floatValue = floating<float>(at.member("value"));
            leaf.doubleValue = static_cast<double>(leaf.floatValue);
        } else if (type == "Boolean") {
            leaf.kind = LeafKind::Boolean;
            leaf.boolValue = at.member("value").need(Value::Kind::Boolean, "true or false").boolean;
            leaf.doubleValue = leaf.boolValue ? 1.0 : 0.0;
        } else if (type == "Text") {
            leaf.kind = LeafKind::Text;
            leaf.text = text(at.member("value"));
        } else if (type == "Number") {
            leaf.kind = LeafKind::Number;
            leaf.text = text(at.member("text"));
            leaf.doubleValue = floating<double>(at.member("value"));
        } else if (type == "Composite") {
            node.kind = Node::Kind::Composite;
            description(at, node.hasDescription, node.description);
            node.items = items(at.member("items"));
        } else if (type == "Tabular") {
            node.kind = Node::Kind::Tabular;
            description(at, node.hasDescription, node.description);
            At rows = at.member("rows");
            for (size_t i = 0, n = rows.size("a list of rows"); i < n; i++) node.rows.push_back(row(rows.item(i)));
        } else {
            typeField.fail("unknown type \"" + std::string(type) +
                           "\" (Long, Double, Float, Boolean, Text, Number, Composite or Tabular)");
        }
        return node;
    }

    Row row(const At& at) {
        Row row;
        At index = at.member("index");
        for (size_t i = 0, n = index.size("a list"); i < n; i++) {
            At e = index.item(i);
            IndexEntry& entry = row.index.emplace_back();
            entry.name = text(e.member("name"));
            if (e.optional("text")) {
                entry.kind = IndexEntry::Kind::Text;
                entry.text = text(e.member("text"));
            } else if (e.optional("items")) {
                entry.kind = IndexEntry::Kind::Composite;
                At list = e.member("items");
                for (size_t k = 0, m = list.size("a list"); k < m; k++) {
                    At item = list.item(k);
                    entry.items.emplace_back(text(item.member("name")), text(item.member("text")));
                }
            }
        }
        row.values = items(at.member("values"));
        return row;
    }

    Snapshot& out_;
};

}  // namespace

std::string writeBeanDump(const Snapshot& snapshot, const std::vector<DumpMatch>& matches) {
    Value root = Value::object();
    root.add("format", Value::string(kFormat));
    root.add("version", Value::number(std::to_string(kVersion)));
    Value& beans = root.add("beans", Value::array());
    for (const Bean& bean : snapshot.beans) beans.push(beanValue(bean));
    Value& decided = root.add("matches", Value::array());
    for (const DumpMatch& match : matches) {
        Value& m = decided.push(Value::object());
        m.add("input", Value::string(match.input));
        m.add("rule", match.rule ? Value::number(std::to_string(*match.rule)) : Value());
        if (match.cached) m.add("cached", Value::flag(true));
    }
    std::string out;
    json::write(root, out, true);
    out.push_back('\n');
    return out;
}

Result<Snapshot> readBeanDump(std::string_view text, const std::string& fileForMessages) {
    Result<Value> root = json::parse(text);
    if (!root) return makeError(fileForMessages + ": " + root.error().message);
    Snapshot snapshot;
    try {
        DumpReader(snapshot).document(At{root.value(), "dump"});
    } catch (const Malformed& m) {
        return makeError(fileForMessages + ": line " + std::to_string(m.line) + ": " + m.path + ": " + m.message);
    }
    return snapshot;
}

Result<Snapshot> loadBeanDumpFile(const std::string& path) {
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(path + ": cannot read the bean dump: " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    return readBeanDump(text.str(), path);
}

}  // namespace nj::rules
