// Statements of spec §4.4, §4.7, §5.3–§5.5, §7.3 and §12.1 that rules_engine_test.cpp does not
// show: the rule cache across scrapes, label dropping, value overrides, types on the default
// format, composite TabularData indexes, customizer labels, and the PCRE2 match limit.
// Expected values come from the spec's text, worked by hand.
#include <gtest/gtest.h>

#include "rules_test_support.h"

namespace nj::rules {
namespace {

using namespace enginetest;

// One bean d:type=T with one Long attribute X.
Snapshot withX(int64_t x) {
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T");
    b.attribute(bean, "X", b.longValue(x));
    return std::move(b.snapshot);
}

TEST(RulesCache, AMatchedEntryShortCircuitsEarlierRulesButTakesTheCurrentValue) {
    Rule valueDependent = rule("d<type=T><>X: 42", "uncached");
    Rule cached = rule("d<type=T><>X", "cached");
    cached.cache = true;
    auto engine = engineFor(withRules({valueDependent, cached}));
    auto first = engine->collect(withX(1));
    ASSERT_EQ(first.samples.size(), 1u);
    EXPECT_EQ(first.samples[0].name, "cached");
    EXPECT_EQ(first.cachedBeans, 1u);
    // Now the earlier, uncached rule would match; the cached result is used without trying it.
    auto second = engine->collect(withX(42));
    ASSERT_EQ(second.samples.size(), 1u);
    EXPECT_EQ(second.samples[0].name, "cached");
    EXPECT_EQ(second.samples[0].value, 42.0);
    EXPECT_EQ(second.cachedBeans, 1u);
}

TEST(RulesCache, AnUnmatchedMarkerStillLetsUncachedRulesMatch) {
    Rule cachedOther = rule("d<type=T><>Y", "y");
    cachedOther.cache = true;
    Rule valueDependent = rule("d<type=T><>X: 42", "uncached");
    auto engine = engineFor(withRules({cachedOther, valueDependent}));
    auto first = engine->collect(withX(1));
    EXPECT_TRUE(first.samples.empty());
    EXPECT_EQ(first.cachedBeans, 1u) << "no rule matched: the unmatched marker is stored";
    auto second = engine->collect(withX(42));
    ASSERT_EQ(second.samples.size(), 1u);
    EXPECT_EQ(second.samples[0].name, "uncached");
    EXPECT_EQ(second.cachedBeans, 1u) << "the marker was hit";
}

TEST(RulesCache, ObjectNameIsTheInputVariantThatMatched) {
    // spec §7.3: the match name of the rule that matched, i.e. snake-cased and with <cache>, cut at
    // its last ':'.
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T");
    b.attribute(bean, "requestCount", b.longValue(3));
    Rule r = rule("d<type=T><>request_count: <cache>", "n");
    r.attrNameSnakeCase = true;
    r.cache = true;
    auto out = engineFor(withRules({r}))->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(out.samples[0].objectName, "d<type=T><>request_count");
}

TEST(RulesCache, SamplesKeepTheirHelpAndObjectNameAfterTheSnapshotAndLaterScrapes) {
    // The texts live in each Output, not in the snapshot or the engine's scratch buffers.
    auto twoBeans = [] {
        SnapshotBuilder b;
        b.attribute(b.bean("d", "type=T"), "X", b.longValue(1));
        b.attribute(b.bean("d", "type=U"), "X", b.longValue(2));
        return std::move(b.snapshot);
    };
    Rule cached = rule("d<type=T><>X", "cached");
    cached.cache = true;
    Rule uncached = rule("d<type=U><>X", "uncached");
    auto engine = engineFor(withRules({cached, uncached}));
    auto first = engine->collect(twoBeans());
    auto second = engine->collect(twoBeans());   // the first bean from the cache
    for (const auto* out : {&first, &second}) {
        ASSERT_EQ(out->samples.size(), 2u);
        EXPECT_EQ(out->samples[0].help, "d:name=null,type=T,attribute=X");
        EXPECT_EQ(out->samples[0].objectName, "d<type=T><>X");
        EXPECT_EQ(out->samples[1].help, "d:name=null,type=U,attribute=X");
        EXPECT_EQ(out->samples[1].objectName, "d<type=U><>X");
    }
}

TEST(RulesConformance, LabelsWithAnEmptyNameOrValueAreDropped) {
    Rule r = rule("d<type=T><>(X)(Y)?", "n");
    r.labels = {{"$2", "v"}, {"k", "$2"}, {"kept", "$1"}};
    auto out = engineFor(withRules({r}))->collect(withX(1));
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(labelsOf(out.samples[0]), "kept=X;");
}

TEST(RulesConformance, ALabelJavaFailsOnAbortsTheScrapeWhereTheRuleMatches) {
    Snapshot beans = threeBeansInOrder();
    Rule failing = rule("b<type=T><>X", "x");
    failing.labels = {{"env", ""}};
    failing.labelFailure = "/etc/x.yaml: rules[0].labels.env (line 5): a label value must be a string";
    auto out = engineFor(withRules({failing, rule(".*")}))->collect(beans);
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(out.samples[0].name, "a_T_X");
    EXPECT_EQ(out.abortReason, failing.labelFailure);
    // An empty name drops the attribute before the labels are read: no abort (spec §5.3 e).
    Rule emptyName = rule("b<type=T><>X", "");
    emptyName.labels = failing.labels;
    emptyName.labelFailure = failing.labelFailure;
    EXPECT_FALSE(engineFor(withRules({emptyName, rule(".*")}))->collect(beans).abortReason.has_value());
}

TEST(RulesConformance, ValueOverridesAreMultipliedByTheValueFactor) {
    Rule constant = rule("d<type=T><>X", "constant");
    constant.value = "2";
    constant.valueFactor = 3;
    auto out = engineFor(withRules({constant}))->collect(withX(7));
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(out.samples[0].value, 6.0);

    Rule captured = rule("d<type=T><>X: (\\d+)", "captured");
    captured.value = "$1";   // "47": the literal ": " fixes where the group starts
    captured.valueFactor = 0.5;
    auto fromGroup = engineFor(withRules({captured}))->collect(withX(47));
    ASSERT_EQ(fromGroup.samples.size(), 1u);
    EXPECT_EQ(fromGroup.samples[0].value, 23.5);
}

TEST(RulesConformance, NullValueDropsTheAttributeWithoutTryingLaterRules) {
    Rule nullValue = rule("d<type=T><>X", "n");
    nullValue.value = "null";   // `value:` with no YAML value is the text "null" (spec §3.2)
    EXPECT_TRUE(engineFor(withRules({nullValue, rule(".*")}))->collect(withX(1)).samples.empty());
}

TEST(RulesConformance, AValueWithoutAPatternAbortsTheScrape) {
    // spec §5.3 c: no pattern means no matcher to expand `value` with; Java throws, the scrape aborts.
    Rule noPattern;
    noPattern.value = "1";
    EXPECT_TRUE(engineFor(withRules({noPattern}))->collect(withX(5)).abortReason.has_value());
    noPattern.value = "";   // empty: ignored, the attribute's own value is used
    auto out = engineFor(withRules({noPattern}))->collect(withX(5));
    EXPECT_FALSE(out.abortReason.has_value());
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(out.samples[0].value, 5.0);
}

TEST(RulesConformance, TypeAndValueFactorApplyToTheDefaultFormat) {
    Rule typed;
    typed.type = expo::MetricType::Gauge;
    typed.valueFactor = 2;
    auto out = engineFor(withRules({typed}))->collect(withX(5));
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(out.samples[0].name, "d_T_X");
    EXPECT_EQ(out.samples[0].type, expo::MetricType::Gauge);
    EXPECT_EQ(out.samples[0].value, 10.0);
}

TEST(RulesConformance, CounterInferenceOverridesTheRuleTypeAndCoversTheDefaultFormat) {
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T");
    b.attribute(bean, "requests_total", b.longValue(5));
    b.attribute(bean, "requests", b.longValue(6));
    Rule gauge = rule("d<type=T><>requests: ", "named_total");
    gauge.type = expo::MetricType::Gauge;
    Config config = withRules({gauge, Rule{}});
    config.inferCounterTypeFromName = true;
    auto out = engineFor(config)->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 2u);
    EXPECT_EQ(find(out, "d_T_requests_total")->type, expo::MetricType::Counter);
    EXPECT_EQ(find(out, "named_total")->type, expo::MetricType::Counter);
    config.inferCounterTypeFromName = false;
    auto plain = engineFor(config)->collect(b.snapshot);
    EXPECT_EQ(find(plain, "d_T_requests_total")->type, expo::MetricType::Unknown);
    EXPECT_EQ(find(plain, "named_total")->type, expo::MetricType::Gauge);
}

TEST(RulesConformance, CompositeTabularIndexesBecomeNameItemLabels) {
    // spec §4.7: a CompositeData index value gives one entry <name>_<item> per item; a column
    // other than `value` extends the attribute path; HELP has the row type's description.
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T");
    Node& table = b.snapshot.newNode();
    table.kind = Node::Kind::Tabular;
    table.hasDescription = true;
    table.description = b.snapshot.keep("row type");
    Row& row = table.rows.emplace_back();
    IndexEntry index{b.snapshot.keep("key"), IndexEntry::Kind::Composite, {}, {}};
    index.items = {{b.snapshot.keep("a"), b.snapshot.keep("1")}, {b.snapshot.keep("b"), b.snapshot.keep("2")}};
    row.index.push_back(index);
    row.values.push_back({b.snapshot.keep("count"), b.longValue(5)});
    b.attribute(bean, "Table", &table);
    Rule seeInput = rule("^(.*)$", "input");
    seeInput.labels = {{"in", "$1"}};
    auto out = engineFor(withRules({seeInput, Rule{}}))->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(labelsOf(out.samples[0]), "in=d<type=T, key_a=1, key_b=2><Table>count: 5;");
    auto defaults = engineFor(Config{})->collect(b.snapshot);
    ASSERT_EQ(defaults.samples.size(), 1u);
    EXPECT_EQ(defaults.samples[0].name, "d_T_Table_count");
    EXPECT_EQ(labelsOf(defaults.samples[0]), "key_a=1;key_b=2;");
    EXPECT_EQ(defaults.samples[0].help, "row type d:name=null,type=T,attribute=count");
}

TEST(RulesConformance, CustomizerLabelsAreSanitisedAndLowercasedButNotTheirValues) {
    SnapshotBuilder b;
    Bean& bean = b.bean("D", "type=T");
    bean.customizer = 0;
    bean.attributeTexts.emplace_back(b.snapshot.keep("Text-Name"), b.snapshot.keep("MiXed"));
    b.attribute(bean, "X", b.longValue(1));
    Config config;
    MetricCustomizer customizer;
    customizer.domain = "D";
    customizer.attributesAsLabels = {"Text-Name"};
    config.metricCustomizers = {customizer};
    config.lowercaseOutputName = true;
    config.lowercaseOutputLabelNames = true;
    auto out = engineFor(config)->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(out.samples[0].name, "d_t_x");
    EXPECT_EQ(labelsOf(out.samples[0]), "text_name=MiXed;");
    // A rule label of the same name is a duplicate label name: the scrape aborts (spec §7.4).
    Rule clash = rule("D<type=T><>X", "x");
    clash.labels = {{"TEXT_name", "v"}};
    config.rules = {clash};
    EXPECT_TRUE(engineFor(config)->collect(b.snapshot).abortReason.has_value());
}

TEST(RulesConformance, ExtraMetricValuesAsJavaHoldsThem) {
    SnapshotBuilder b;
    Bean& bean = b.bean("d", "type=T");
    bean.customizer = 0;
    Config config;
    MetricCustomizer customizer;
    customizer.domain = "d";
    customizer.extraMetrics = {ExtraMetric{"ratio", 0.25, std::nullopt}, ExtraMetric{"label", std::string("on"), {}},
                               ExtraMetric{"count", int64_t{3}, std::string("Things")}};
    config.metricCustomizers = {customizer};
    auto out = engineFor(config)->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 2u) << "a String extra metric is recorded but gives no sample";
    EXPECT_EQ(find(out, "d_T_ratio")->value, 0.25);
    EXPECT_EQ(find(out, "d_T_ratio")->help, "d:name=null,type=T,attribute=ratio") << "no description: no prefix";
    EXPECT_EQ(find(out, "d_T_count")->help, "Things d:name=null,type=T,attribute=count");
}

TEST(RulesConformance, Pcre2RulesAreListedWithTheirLines) {
    Rule lookahead = rule("kafka.(\\w+)<type=(?!RequestMetrics)(.+)>", "n");
    lookahead.line = 12;
    Config config = withRules({rule("plain"), lookahead});
    config.rules[0].line = 3;
    auto listed = engineFor(config)->pcre2Rules();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].rfind("rules[1] (line 12): ", 0), 0u) << listed[0];
}

TEST(RulesConformance, MatchLimitMeansNoMatchAndIsReportedOncePerRule) {
    // The nested quantifier inside a look-ahead backtracks exponentially over the run of a's,
    // which is never followed by ":x" (an 'x' occurs, so PCRE2 cannot reject up front).
    SnapshotBuilder b;
    Bean& bean = b.bean("x", "type=" + std::string(40, 'a'));
    b.attribute(bean, "A", b.longValue(1));
    Rule pathological = rule("(?=([a-z]+)+:x)", "never");
    pathological.line = 3;
    auto engine = engineFor(withRules({pathological, Rule{}}));
    auto out = engine->collect(b.snapshot);
    ASSERT_EQ(out.samples.size(), 1u);
    EXPECT_EQ(out.samples[0].name, "x_" + std::string(40, 'a') + "_A") << "the next rule took the attribute";
    EXPECT_EQ(engine->rulesNewlyAtMatchLimit(), std::vector<std::string>{"rules[0] (line 3)"});
    engine->collect(b.snapshot);
    EXPECT_TRUE(engine->rulesNewlyAtMatchLimit().empty());
}

}  // namespace
}  // namespace nj::rules
