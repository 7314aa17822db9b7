// The bean dump (docs/bean-dump.md): written from a snapshot and read back, the engine sees the
// identical snapshot; a bad dump is an error naming the file, the line and the field.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "rules/bean_dump.h"

namespace nj::rules {
namespace {

Node& leaf(Snapshot& s, LeafKind kind) {
    Node& n = s.newNode();
    n.leaf.kind = kind;
    return n;
}

// A snapshot with every field the engine reads, in every form it takes.
Snapshot everyShape() {
    Snapshot s;
    Bean& plain = s.beans.emplace_back();
    plain.domain = s.keep("nativejmx.test");
    plain.keyProperties = s.keep("type=Values,name=\"q,u=o\"");
    auto attribute = [&](Bean& b, const char* name, const Node& value, const char* description) {
        Attribute& a = b.attributes.emplace_back();
        a.name = s.keep(name);
        a.value = &value;
        if (description != nullptr) {
            a.hasDescription = true;
            a.description = s.keep(description);
        }
    };
    Node& longValue = leaf(s, LeafKind::Long);
    longValue.leaf.longValue = std::numeric_limits<int64_t>::min();
    longValue.leaf.doubleValue = static_cast<double>(longValue.leaf.longValue);
    attribute(plain, "Long", longValue, "Attribute exposed for management");
    for (double d : {0.1, -0.0, 1.2345678912345678e-300, std::numeric_limits<double>::quiet_NaN(),
                     -std::numeric_limits<double>::infinity()}) {
        Node& n = leaf(s, LeafKind::Double);
        n.leaf.doubleValue = d;
        attribute(plain, "Double", n, nullptr);
    }
    Node& floatValue = leaf(s, LeafKind::Float);
    floatValue.leaf.floatValue = 0.2f;
    floatValue.leaf.doubleValue = static_cast<double>(0.2f);
    attribute(plain, "Float", floatValue, "");
    Node& boolValue = leaf(s, LeafKind::Boolean);
    boolValue.leaf.boolValue = true;
    boolValue.leaf.doubleValue = 1;
    attribute(plain, "Bool", boolValue, "Bool");
    Node& text = leaf(s, LeafKind::Text);
    text.leaf.text = s.keep("line\nbreak \"quoted\" \x01 \xc3\xa5");
    attribute(plain, "Text", text, nullptr);
    Node& number = leaf(s, LeafKind::Number);
    number.leaf.text = s.keep("1E+3");
    number.leaf.doubleValue = 1000;
    attribute(plain, "BigDecimal", number, nullptr);

    Bean& nested = s.beans.emplace_back();
    nested.domain = s.keep("java.lang");
    nested.keyProperties = s.keep("type=Memory");
    nested.bulkReadFailed = true;
    nested.customizer = 1;
    nested.attributeTexts = {{s.keep("Text"), s.keep("hello")}};
    Node& composite = s.newNode();
    composite.kind = Node::Kind::Composite;
    composite.hasDescription = true;
    composite.description = s.keep("java.lang.management.MemoryUsage");
    composite.items = {{s.keep("committed"), &longValue}, {s.keep("used"), &floatValue}};
    attribute(nested, "HeapMemoryUsage", composite, "HeapMemoryUsage");
    Node& table = s.newNode();
    table.kind = Node::Kind::Tabular;
    Row& row = table.rows.emplace_back();
    IndexEntry& textIndex = row.index.emplace_back();
    textIndex.name = s.keep("key");
    textIndex.kind = IndexEntry::Kind::Text;
    textIndex.text = s.keep("k1");
    IndexEntry& nullIndex = row.index.emplace_back();
    nullIndex.name = s.keep("empty");
    IndexEntry& compositeIndex = row.index.emplace_back();
    compositeIndex.name = s.keep("pair");
    compositeIndex.kind = IndexEntry::Kind::Composite;
    compositeIndex.items = {{s.keep("a"), s.keep("1")}, {s.keep("b"), s.keep("2")}};
    row.values = {{s.keep("value"), &composite}};
    attribute(nested, "Table", table, nullptr);
    return s;
}

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void expectSameNode(const Node& a, const Node& b);

void expectSameItems(const std::vector<Item>& a, const std::vector<Item>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); i++) {
        EXPECT_EQ(a[i].name, b[i].name);
        expectSameNode(*a[i].value, *b[i].value);
    }
}

void expectSameNode(const Node& a, const Node& b) {
    ASSERT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.hasDescription, b.hasDescription);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.leaf.kind, b.leaf.kind);
    EXPECT_EQ(a.leaf.longValue, b.leaf.longValue);
    EXPECT_TRUE(sameBits(a.leaf.doubleValue, b.leaf.doubleValue)) << a.leaf.doubleValue << " " << b.leaf.doubleValue;
    EXPECT_TRUE(sameBits(a.leaf.floatValue, b.leaf.floatValue) || a.leaf.floatValue == b.leaf.floatValue);
    EXPECT_EQ(a.leaf.boolValue, b.leaf.boolValue);
    EXPECT_EQ(a.leaf.text, b.leaf.text);
    expectSameItems(a.items, b.items);
    ASSERT_EQ(a.rows.size(), b.rows.size());
    for (size_t r = 0; r < a.rows.size(); r++) {
        const Row& x = a.rows[r];
        const Row& y = b.rows[r];
        ASSERT_EQ(x.index.size(), y.index.size());
        for (size_t i = 0; i < x.index.size(); i++) {
            EXPECT_EQ(x.index[i].name, y.index[i].name);
            EXPECT_EQ(x.index[i].kind, y.index[i].kind);
            EXPECT_EQ(x.index[i].text, y.index[i].text);
            EXPECT_EQ(x.index[i].items, y.index[i].items);
        }
        expectSameItems(x.values, y.values);
    }
}

void expectSameSnapshot(const Snapshot& a, const Snapshot& b) {
    ASSERT_EQ(a.beans.size(), b.beans.size());
    for (size_t i = 0; i < a.beans.size(); i++) {
        const Bean& x = a.beans[i];
        const Bean& y = b.beans[i];
        EXPECT_EQ(x.domain, y.domain);
        EXPECT_EQ(x.keyProperties, y.keyProperties);
        EXPECT_EQ(x.bulkReadFailed, y.bulkReadFailed);
        EXPECT_EQ(x.customizer, y.customizer);
        EXPECT_EQ(x.attributeTexts, y.attributeTexts);
        ASSERT_EQ(x.attributes.size(), y.attributes.size());
        for (size_t k = 0; k < x.attributes.size(); k++) {
            EXPECT_EQ(x.attributes[k].name, y.attributes[k].name);
            EXPECT_EQ(x.attributes[k].hasDescription, y.attributes[k].hasDescription);
            EXPECT_EQ(x.attributes[k].description, y.attributes[k].description);
            expectSameNode(*x.attributes[k].value, *y.attributes[k].value);
        }
    }
}

TEST(BeanDump, ReadingWhatWasWrittenGivesTheIdenticalSnapshot) {
    Snapshot original = everyShape();
    std::string text = writeBeanDump(original, {});
    Result<Snapshot> read = readBeanDump(text, "dump.json");
    ASSERT_TRUE(read.ok()) << read.error().message;
    expectSameSnapshot(original, read.value());
    EXPECT_EQ(writeBeanDump(read.value(), {}), text);
}

TEST(BeanDump, ValuesAreWrittenAsJavaPrintsThem) {
    std::string text = writeBeanDump(everyShape(), {});
    EXPECT_NE(text.find(R"({"type":"Long","value":-9223372036854775808})"), std::string::npos);
    EXPECT_NE(text.find(R"({"type":"Double","value":-0.0})"), std::string::npos);
    EXPECT_NE(text.find(R"({"type":"Double","value":"NaN"})"), std::string::npos);
    EXPECT_NE(text.find(R"({"type":"Double","value":"-Infinity"})"), std::string::npos);
    EXPECT_NE(text.find(R"({"type":"Float","value":0.2})"), std::string::npos);
    EXPECT_NE(text.find(R"({"type":"Number","text":"1E+3","value":1000.0})"), std::string::npos);
}

TEST(BeanDump, TheEngineProducesTheSameSamplesFromTheReadBack) {
    Snapshot original = everyShape();
    Result<Snapshot> read = readBeanDump(writeBeanDump(original, {}), "dump.json");
    ASSERT_TRUE(read.ok());
    auto config = std::make_shared<Config>();
    config->metricCustomizers.resize(2);
    config->metricCustomizers[1].attributesAsLabels = {"Text"};
    auto engine = Engine::create(config);
    ASSERT_TRUE(engine.ok());
    Engine::Output a = engine.value()->collect(original);
    Engine::Output b = engine.value()->collect(read.value());
    ASSERT_EQ(a.samples.size(), b.samples.size());
    ASSERT_GT(a.samples.size(), 5u);
    for (size_t i = 0; i < a.samples.size(); i++) {
        EXPECT_EQ(a.samples[i].name, b.samples[i].name);
        EXPECT_EQ(a.samples[i].help, b.samples[i].help);
        EXPECT_TRUE(sameBits(a.samples[i].value, b.samples[i].value));
        ASSERT_EQ(a.samples[i].labels.size(), b.samples[i].labels.size());
        for (size_t l = 0; l < a.samples[i].labels.size(); l++) {
            EXPECT_EQ(a.samples[i].labels[l].name, b.samples[i].labels[l].name);
            EXPECT_EQ(a.samples[i].labels[l].value, b.samples[i].labels[l].value);
        }
    }
}

TEST(BeanDump, MatchesHoldThePatternInputAndTheDecidingRule) {
    Snapshot s;
    Bean& bean = s.beans.emplace_back();
    bean.domain = s.keep("kafka.server");
    bean.keyProperties = s.keep("type=ReplicaManager,name=PartitionCount");
    Node& v = leaf(s, LeafKind::Long);
    v.leaf.longValue = 12;
    v.leaf.doubleValue = 12;
    bean.attributes.push_back({s.keep("Value"), {}, false, &v});
    bean.attributes.push_back({s.keep("Other"), {}, false, &v});
    auto config = std::make_shared<Config>();
    config->rules.resize(2);
    config->rules[0].pattern = "Nothing";
    config->rules[1].pattern = "<>value";   // the snake-cased input; the dump shows the plain one
    config->rules[1].attrNameSnakeCase = true;
    auto engine = Engine::create(config);
    ASSERT_TRUE(engine.ok());
    MatchRecorder recorder;
    engine.value()->collect(s, &recorder);
    std::string text = writeBeanDump(s, recorder.matches);
    EXPECT_NE(text.find(R"({"input":"kafka.server<type=ReplicaManager, name=PartitionCount><>Value: 12","rule":1})"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(R"({"input":"kafka.server<type=ReplicaManager, name=PartitionCount><>Other: 12","rule":null})"),
              std::string::npos)
        << text;
}

std::string refusal(const std::string& text) {
    Result<Snapshot> read = readBeanDump(text, "d.json");
    return read.ok() ? "accepted" : read.error().message;
}

TEST(BeanDump, ABadDumpNamesTheLineAndTheField) {
    const std::string head = "{\"format\": \"nativejmx-bean-dump\", \"version\": 1,\n\"beans\": [\n";
    EXPECT_EQ(refusal("{\"format\": \"x\"}"), "d.json: line 1: dump.format: must be \"nativejmx-bean-dump\"");
    EXPECT_EQ(refusal("{\"format\": \"nativejmx-bean-dump\", \"version\": 2}"),
              "d.json: line 1: dump.version: must be 1 (this reader's version)");
    EXPECT_EQ(refusal(head + "{\"domain\": \"d\"}]}"), "d.json: line 3: dump.beans[0]: has no \"keyProperties\"");
    EXPECT_EQ(refusal(head + "{\"domain\": \"d\", \"keyProperties\": \"a=b\", \"attributes\": [\n"
                             "{\"name\": \"A\", \"value\": {\"type\": \"Lng\", \"value\": 1}}]}]}"),
              "d.json: line 4: dump.beans[0].attributes[0].value.type: unknown type \"Lng\" (Long, Double, Float, "
              "Boolean, Text, Number, Composite or Tabular)");
    EXPECT_EQ(refusal(head + "{\"domain\": \"d\", \"keyProperties\": \"a=b\", \"attributes\": [\n"
                             "{\"name\": \"A\", \"value\": {\"type\": \"Long\", \"value\": 1.5}}]}]}"),
              "d.json: line 4: dump.beans[0].attributes[0].value.value: must be an integer within 64 bits, found 1.5");
    EXPECT_EQ(refusal(head + "{\"domain\": \"d\", \"keyProperties\": \"a=b\", \"attributes\": [\n"
                             "{\"name\": \"A\", \"value\": {\"type\": \"Double\", \"value\": \"inf\"}}]}]}"),
              "d.json: line 4: dump.beans[0].attributes[0].value.value: must be a number, or \"NaN\", \"Infinity\" "
              "or \"-Infinity\"");
    EXPECT_EQ(refusal(head + "{\"domain\": 5}]}"), "d.json: line 3: dump.beans[0].domain: must be a string");
    EXPECT_EQ(refusal("{\"format\": \"nativejmx-bean-dump\",\n\"version\" 1}"),
              "d.json: line 2: expected ':' after the member name \"version\"");
    EXPECT_EQ(loadBeanDumpFile("/nonexistent/d.json").error().message,
              "/nonexistent/d.json: cannot read the bean dump: No such file or directory");
}

TEST(BeanDump, EveryTruncationOfADumpIsAnErrorNamingALine) {
    std::string text = writeBeanDump(everyShape(), {});
    for (size_t length = 0; length + 1 < text.size(); length++) {
        Result<Snapshot> read = readBeanDump(std::string_view(text).substr(0, length), "d.json");
        ASSERT_FALSE(read.ok()) << length;
        EXPECT_EQ(read.error().message.rfind("d.json: line ", 0), 0u) << read.error().message;
    }
}

TEST(BeanDump, NumbersOutOfRangeAreErrors) {
    const std::string head = "{\"format\": \"nativejmx-bean-dump\", \"version\": 1, \"beans\": [{\"domain\": \"d\", "
                             "\"keyProperties\": \"a=b\", \"attributes\": [{\"name\": \"A\", \"value\": ";
    EXPECT_EQ(refusal(head + "{\"type\": \"Double\", \"value\": 1e999}}]}]}"),
              "d.json: line 1: dump.beans[0].attributes[0].value.value: is out of range: 1e999");
    EXPECT_EQ(refusal(head + "{\"type\": \"Long\", \"value\": 9223372036854775808}}]}]}"),
              "d.json: line 1: dump.beans[0].attributes[0].value.value: must be an integer within 64 bits, found "
              "9223372036854775808");
}

}  // namespace
}  // namespace nj::rules
