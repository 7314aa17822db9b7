// The rule engine on in-memory snapshots (no JVM). Expected names, labels, HELP and values
// come from the spec's rules and examples (§4.5, §4.7, §5, §6, §12).
#include <gtest/gtest.h>

#include <cmath>

#include "rules_test_support.h"

namespace nj::rules {
namespace {

using namespace enginetest;

TEST(RulesEngine, DefaultFormatUsesTheFirstKeyPropertyAndLabelsTheRest) {
    SnapshotBuilder b;
    Bean& bean = b.bean("java.lang", "name=G1 Young Generation,type=GarbageCollector");
    b.attribute(bean, "CollectionCount", b.longValue(5), "CollectionCount");
    auto out = engineFor(Config{})->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 1u);
    const auto& s = out.samples[0];
    EXPECT_EQ(s.name, "java_lang_G1_Young_Generation_CollectionCount");
    EXPECT_EQ(labelsOf(s), "type=GarbageCollector;");
    EXPECT_EQ(s.help, "java.lang:name=G1 Young Generation,type=GarbageCollector,attribute=CollectionCount");
    EXPECT_EQ(s.value, 5);
    EXPECT_EQ(s.type, expo::MetricType::Unknown);
}

TEST(RulesEngine, DefaultHelpHasTheDescriptionPrefixAndNullForMissingProperties) {
    SnapshotBuilder b;
    Bean& bean = b.bean("nativejmx.test", "type=Values");
    b.attribute(bean, "Float", b.floatValue(0.2f), "Attribute exposed for management");
    auto out = engineFor(Config{})->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(out.samples[0].help, "Attribute exposed for management nativejmx.test:name=null,type=Values,attribute=Float");
    EXPECT_EQ(out.samples[0].value, static_cast<double>(0.2f));
}

TEST(RulesEngine, QuotedPropertyValuesKeepTheirQuotes) {
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T,name=\"a,b=c\"");
    b.attribute(bean, "A", b.longValue(1));
    auto out = engineFor(Config{})->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(out.samples[0].name, "d_T_A");
    EXPECT_EQ(labelsOf(out.samples[0]), "name=\"a,b=c\";");
}

// Upstream's property regex ([^,=:\*\?]+)=("(?:[^\\"]*(?:\\.)?)*"|[^,=:"]*), applied with
// lookingAt until it fails (spec §4.3): '*' and '?' end a key but not a value, and the first
// property that does not parse ends the list.
TEST(RulesEngine, KeyPropertiesStopWhereUpstreamsRegexStops) {
    auto labelsFor = [](std::string keyProperties) {
        SnapshotBuilder b;
        b.attribute(b.bean("d", std::move(keyProperties)), "A", b.longValue(1));
        auto out = engineFor(Config{})->collect(b.snapshot);
        return out.samples.size() == 1 ? labelsOf(out.samples[0]) : "no sample";
    };
    EXPECT_EQ(labelsFor("type=T,k=x*y?z,m=\"q\\\"r\""), "k=x*y?z;m=\"q\\\"r\";");
    EXPECT_EQ(labelsFor("type=T,k=v,a?b=1,late=2"), "k=v;");
    EXPECT_EQ(labelsFor("type=T,k=v,a*b=1,late=2"), "k=v;");
    EXPECT_EQ(labelsFor("type=T,k=v:w,late=2"), "k=v;");
}

TEST(RulesEngine, BooleansAreOneOrZeroAndStringsProduceNothing) {
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T");
    b.attribute(bean, "Yes", b.boolValue(true));
    b.attribute(bean, "No", b.boolValue(false));
    b.attribute(bean, "Name", b.text("hello"));
    auto out = engineFor(Config{})->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 2u);
    EXPECT_EQ(find(out, "d_T_Yes")->value, 1.0);
    EXPECT_EQ(find(out, "d_T_No")->value, 0.0);
}

TEST(RulesEngine, CompositeItemsExtendTheNameAndUseTheCompositeDescription) {
    SnapshotBuilder b;
    Bean& bean = b.bean("java.lang", "type=Memory");
    Node& usage = b.composite("java.lang.management.MemoryUsage");
    b.item(usage, "committed", b.longValue(10));
    b.item(usage, "used", b.longValue(7));
    b.attribute(bean, "HeapMemoryUsage", &usage, "HeapMemoryUsage");
    auto out = engineFor(Config{})->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 2u);
    const auto* used = find(out, "java_lang_Memory_HeapMemoryUsage_used");
    ASSERT_NE(used, nullptr);
    EXPECT_EQ(used->help, "java.lang.management.MemoryUsage java.lang:name=null,type=Memory,attribute=used");
    EXPECT_EQ(used->value, 7);
}

TEST(RulesEngine, TabularRowsBecomeLabelsAndTheValueColumnIsElided) {
    // spec §4.7: Hadoop<name=DataNodeInfo, service=DataNode, key=1.2.3.4, key_=networkErrors>
    SnapshotBuilder b;
    Bean& bean = b.bean("Hadoop", "name=DataNodeInfo,service=DataNode");
    Node& outer = b.snapshot.newNode();
    outer.kind = Node::Kind::Tabular;
    Node& inner = b.snapshot.newNode();
    inner.kind = Node::Kind::Tabular;
    Row& innerRow = inner.rows.emplace_back();
    innerRow.index.push_back({b.snapshot.keep("key"), IndexEntry::Kind::Text, b.snapshot.keep("networkErrors"), {}});
    innerRow.values.push_back({b.snapshot.keep("value"), b.longValue(338)});
    Row& outerRow = outer.rows.emplace_back();
    outerRow.index.push_back({b.snapshot.keep("key"), IndexEntry::Kind::Text, b.snapshot.keep("1.2.3.4"), {}});
    outerRow.values.push_back({b.snapshot.keep("value"), &inner});
    b.attribute(bean, "DatanodeNetworkCounts", &outer);
    auto out = engineFor(Config{})->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(out.samples[0].name, "Hadoop_DataNodeInfo_DatanodeNetworkCounts");
    EXPECT_EQ(labelsOf(out.samples[0]), "key=1.2.3.4;key_=networkErrors;service=DataNode;");
    EXPECT_EQ(out.samples[0].value, 338);
}

TEST(RulesEngine, CaptureGroupsBindRightmostAndTemplatesExpand) {
    SnapshotBuilder b;
    Bean& bean = b.bean("kafka.server", "type=BrokerTopicMetrics,name=BytesInPerSec,topic=orders");
    b.attribute(bean, "Count", b.longValue(12345));
    Rule r = rule("kafka.server<type=(.+), name=(.+)PerSec, topic=(.+)><>Count: (\\d+)", "kafka_server_$1_$2_total");
    r.labels = {{"topic", "$3"}, {"digit", "$4"}};
    r.type = expo::MetricType::Counter;
    r.help = "Rate of $2";
    auto out = engineFor(withRules({r}))->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 1u);
    const auto& s = out.samples[0];
    EXPECT_EQ(s.name, "kafka_server_BrokerTopicMetrics_BytesIn_total");
    EXPECT_EQ(labelsOf(s), "digit=12345;topic=orders;");
    EXPECT_EQ(s.help, "Rate of BytesIn");
    EXPECT_EQ(s.type, expo::MetricType::Counter);
    EXPECT_EQ(s.objectName, "kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec, topic=orders><>Count");
}

TEST(RulesEngine, AnUnanchoredGroupBindsAtTheRightmostPosition) {
    // spec §5.2: the wrapper's leading greedy .* leaves (\d+) only the last digit
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T");
    b.attribute(bean, "Count", b.longValue(12345));
    Rule r = rule("(\\d+)", "n");
    r.labels = {{"g", "$1"}};
    auto out = engineFor(withRules({r}))->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(labelsOf(out.samples[0]), "g=5;");
}

TEST(RulesEngine, FirstMatchingRuleWinsEvenWhenItDropsTheAttribute) {
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T");
    b.attribute(bean, "A", b.longValue(1));
    Rule dropping = rule("d<type=T><>A", "x");
    dropping.value = "not a number";
    auto out = engineFor(withRules({dropping, rule(".*")}))->collect(b.snapshot);
    EXPECT_TRUE(out.samples.empty());
    auto emptyName = engineFor(withRules({rule("d<type=T><>A", "-"), rule(".*")}))->collect(b.snapshot);
    ASSERT_EQ(emptyName.samples.size(), 1u) << "'-' sanitises to '_', which is not empty";
    auto reallyEmpty = engineFor(withRules({rule("d<type=T><>A", ""), rule(".*")}))->collect(b.snapshot);
    EXPECT_TRUE(reallyEmpty.samples.empty());
}

TEST(RulesEngine, ValueAndValueFactor) {
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T");
    b.attribute(bean, "Ms", b.longValue(1500));
    b.attribute(bean, "Up", b.boolValue(true));
    b.attribute(bean, "State", b.text("RUNNING"));
    Rule ms = rule("d<type=T><>Ms", "ms_seconds");
    ms.valueFactor = 0.001;
    Rule up = rule("d<type=T><>Up", "up");
    up.valueFactor = 5;  // not applied to booleans
    Rule state = rule("d<type=T><>State: (RUNNING|STOPPED)", "state");
    state.value = "1";
    state.labels = {{"state", "$1"}};
    auto out = engineFor(withRules({ms, up, state}))->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 3u);
    EXPECT_DOUBLE_EQ(find(out, "ms_seconds")->value, 1.5);
    EXPECT_EQ(find(out, "up")->value, 1.0);
    EXPECT_EQ(find(out, "state")->value, 1.0);
    EXPECT_EQ(labelsOf(*find(out, "state")), "state=RUNNING;");
}

TEST(RulesEngine, PatternInputUsesJavaTextForEachValueKind) {
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T");
    b.attribute(bean, "F", b.floatValue(0.2f));
    b.attribute(bean, "D", b.doubleValue(1.23456789E7));
    b.attribute(bean, "B", b.boolValue(true));
    Rule f = rule("d<type=T><>F: 0\\.2$", "float_text");
    Rule d = rule("d<type=T><>D: 1\\.23456789E7$", "double_text");
    Rule bo = rule("d<type=T><>B: true$", "bool_text");
    auto out = engineFor(withRules({f, d, bo}))->collect(b.snapshot);
    EXPECT_NE(find(out, "float_text"), nullptr);
    EXPECT_NE(find(out, "double_text"), nullptr);
    EXPECT_NE(find(out, "bool_text"), nullptr);
}

TEST(RulesEngine, SnakeCaseLowercaseAndCounterInference) {
    SnapshotBuilder b;
    Bean& bean = b.bean("D", "Type=T");
    b.attribute(bean, "requestCount", b.longValue(3));
    Config c;
    Rule r;
    r.attrNameSnakeCase = true;
    c.rules = {r};
    c.lowercaseOutputName = true;
    c.lowercaseOutputLabelNames = true;
    auto out = engineFor(c)->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(out.samples[0].name, "d_t_request_count");
    EXPECT_EQ(out.samples[0].help, "D:name=null,type=null,attribute=requestCount") << "HELP keeps the raw name";

    Config infer = withRules({rule("D<Type=T><>requestCount", "requests_total")});
    infer.inferCounterTypeFromName = true;
    auto inferred = engineFor(infer)->collect(b.snapshot);
    ASSERT_EQ(inferred.samples.size(), 1u);
    EXPECT_EQ(inferred.samples[0].type, expo::MetricType::Counter);
}

TEST(RulesEngine, TemplateErrorsAbortTheScrapeButKeepEarlierSamples) {
    Snapshot beans = threeBeansInOrder();
    auto out = engineFor(withRules({rule("b<type=T><>X", "bad_$3"), rule(".*")}))->collect(beans);
    ASSERT_TRUE(out.abortReason.has_value());
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(out.samples[0].name, "a_T_X");
}

TEST(RulesEngine, DuplicateLabelNamesAbortTheScrape) {
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T");
    b.attribute(bean, "X", b.longValue(1));
    Rule r = rule("d<type=T><>X", "x");
    r.labels = {{"a", "1"}, {"b", "1"}};
    Rule dup = rule("d<type=T><>X", "x");
    dup.labels = {{"$0", "v"}, {"a-", "1"}, {"a_", "2"}};
    EXPECT_FALSE(engineFor(withRules({r}))->collect(b.snapshot).abortReason.has_value());
    EXPECT_TRUE(engineFor(withRules({dup}))->collect(b.snapshot).abortReason.has_value());
}

TEST(RulesEngine, CachedRulesSeeCacheInsteadOfTheValueAndAreCounted) {
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T");
    b.attribute(bean, "X", b.longValue(42));
    b.attribute(bean, "Y", b.longValue(7));
    Rule valueRule = rule("d<type=T><>X: 42", "never");
    valueRule.cache = true;
    Rule cached = rule("d<type=T><>X: <cache>", "cached_x");
    cached.cache = true;
    auto engine = engineFor(withRules({valueRule, cached}));
    auto first = engine->collect(b.snapshot);
    ASSERT_EQ(first.samples.size(), 1u);
    EXPECT_EQ(first.samples[0].name, "cached_x");
    EXPECT_EQ(first.samples[0].value, 42);
    EXPECT_EQ(first.cachedBeans, 2u) << "X matched and Y unmatched are both cached";
    auto second = engine->collect(b.snapshot);
    ASSERT_EQ(second.samples.size(), 1u);
    EXPECT_EQ(second.cachedBeans, 2u);
}

TEST(RulesEngine, ExtraMetricsAndAttributesAsLabels) {
    SnapshotBuilder b;
    Bean& bean = b.bean("io.prometheus.jmx", "type=customValue");
    bean.customizer = 0;
    bean.attributeTexts.emplace_back(b.snapshot.keep("Text"), b.snapshot.keep("value"));
    b.attribute(bean, "Value", b.longValue(345));
    b.attribute(bean, "Text", b.text("value"));
    Config c;
    MetricCustomizer customizer;
    customizer.domain = "io.prometheus.jmx";
    customizer.attributesAsLabels = {"Text"};
    customizer.extraMetrics = {ExtraMetric{"isActive", true, std::string("This is a boolean value")}};
    c.metricCustomizers = {customizer};
    auto out = engineFor(c)->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 2u);
    EXPECT_EQ(out.samples[0].name, "io_prometheus_jmx_customValue_isActive") << "extra metrics come first";
    EXPECT_EQ(out.samples[0].value, 1.0);
    EXPECT_EQ(out.samples[0].help, "This is a boolean value io.prometheus.jmx:name=null,type=customValue,attribute=isActive");
    EXPECT_EQ(labelsOf(out.samples[0]), "Text=value;");
    EXPECT_EQ(labelsOf(out.samples[1]), "Text=value;");
}

TEST(RulesEngine, BadPatternIsAConfigErrorNamingTheRule) {
    Config c = withRules({rule(".*"), rule("a{")});
    c.rules[1].line = 7;
    c.file = "/etc/x.yaml";
    auto engine = Engine::create(std::make_shared<const Config>(c));
    ASSERT_FALSE(engine.ok());
    EXPECT_NE(engine.error().message.find("/etc/x.yaml: rules[1].pattern (line 7)"), std::string::npos)
        << engine.error().message;
}

TEST(RulesEngine, EmptyRulesExportNothing) {
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T");
    b.attribute(bean, "X", b.longValue(1));
    EXPECT_TRUE(engineFor(withRules({}))->collect(b.snapshot).samples.empty());
}

}  // namespace
}  // namespace nj::rules
