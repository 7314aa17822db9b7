// The writers against what the real javaagent serves: the oracle files are read back into
// families (by a parser that lives only here), scrambled, merged and written again, and must
// come out byte for byte. The smaller cases quote the oracle files and the spec (§8).
#include <gtest/gtest.h>

#include "exposition_test_support.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "exposition/families.h"
#include "exposition/text_arena.h"
#include "exposition/text_writer.h"

namespace {

using nj::expo::Family;
using nj::expo::familyMatchesNameFilter;
using nj::expo::Label;
using nj::expo::Labels;
using nj::expo::MetricType;
using nj::expo::RawSample;
using nj::expo::Sample;
using nj::expo::ValueStyle;

// ---- Reading an exposition back (test only) ----------------------------------------------

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

std::string unescape(std::string_view text) {
    std::string plain;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            ++i;
            plain += text[i] == 'n' ? '\n' : text[i];
        } else {
            plain += text[i];
        }
    }
    return plain;
}

MetricType typeNamed(std::string_view name) {
    if (name == "counter") return MetricType::Counter;
    if (name == "gauge") return MetricType::Gauge;
    if (name == "summary") return MetricType::Summary;
    if (name == "info") return MetricType::Info;
    return MetricType::Unknown;  // "untyped", "unknown"
}

Labels parseLabels(std::string_view& rest) {
    Labels labels;
    if (rest.empty() || rest.front() != '{') return labels;
    rest.remove_prefix(1);
    while (rest.front() != '}') {
        if (rest.front() == ',') rest.remove_prefix(1);
        size_t equals = rest.find("=\"");
        Label label{std::string(rest.substr(0, equals)), ""};
        size_t end = equals + 2;
        while (rest[end] != '"') end += rest[end] == '\\' ? 2 : 1;
        label.value = unescape(rest.substr(equals + 2, end - equals - 2));
        labels.push_back(std::move(label));
        rest.remove_prefix(end + 1);
    }
    rest.remove_prefix(1);
    return labels;
}

Sample parseSampleLine(std::string_view line, std::string_view samplePrefix) {
    size_t nameEnd = line.find_first_of("{ ");
    std::string_view name = line.substr(0, nameEnd);
    std::string_view rest = line.substr(nameEnd);
    Sample sample;
    sample.suffix = std::string(name.substr(samplePrefix.size()));
    sample.labels = parseLabels(rest);
    std::string value(rest.substr(1));
    bool integral = value.find_first_not_of("-0123456789") == std::string::npos;
    sample.style = integral ? ValueStyle::Integer : ValueStyle::Double;
    sample.value = std::strtod(value.c_str(), nullptr);  // reads "NaN", "+Inf", "-Inf" too
    return sample;
}

// Text 0.0.4 names HELP and TYPE like the samples: a counter's base name loses "_total"; an
// info is a gauge whose samples print as integers under "<base>_info".
void toBaseName(Family& family) {
    auto strip = [&](std::string_view suffix) {
        if (family.name.ends_with(suffix)) family.name.resize(family.name.size() - suffix.size());
    };
    bool integral = std::all_of(family.samples.begin(), family.samples.end(),
                                [](const Sample& s) { return s.style == ValueStyle::Integer; });
    if (family.type == MetricType::Counter) strip("_total");
    if (family.type == MetricType::Gauge && integral && family.name.ends_with("_info")) {
        family.type = MetricType::Info;
        strip("_info");
    }
}

std::string_view sampleNameSuffix(MetricType type) {
    return type == MetricType::Counter ? "_total" : type == MetricType::Info ? "_info" : "";
}

std::vector<Family> parseExposition(std::string_view text, bool openMetrics) {
    std::vector<Family> families;
    std::string metadataName;
    std::istringstream lines{std::string(text)};
    for (std::string line; std::getline(lines, line) && line != "# EOF";) {
        if (line.starts_with("# ")) {
            std::istringstream words(line.substr(2));
            std::string keyword, name;
            words >> keyword >> name;
            std::string rest = line.substr(2 + keyword.size() + 1 + name.size() + 1);
            if (families.empty() || name != metadataName) {
                families.push_back(Family{name, MetricType::Unknown, "", "", {}});
                metadataName = name;
            }
            if (keyword == "HELP") families.back().help = unescape(rest);
            if (keyword == "TYPE") families.back().type = typeNamed(rest);
            if (keyword == "UNIT") families.back().unit = rest;
            continue;
        }
        std::string samplePrefix = metadataName;
        if (openMetrics) samplePrefix += sampleNameSuffix(families.back().type);
        families.back().samples.push_back(parseSampleLine(line, samplePrefix));
    }
    if (!openMetrics) std::for_each(families.begin(), families.end(), toBaseName);
    return families;
}

// ---- Putting the families back together as the agent would --------------------------------

// The javaagent's untyped families are the JMX collector's: they go back to raw samples and
// through assembleJmxFamilies; the rest is dealt out to two more collectors. Everything is
// shuffled and every sample's labels reversed, so all the order comes from our code.
std::vector<std::vector<Family>> scrambleIntoCollectors(std::vector<Family> families, std::vector<RawSample>& jmx,
                                                       nj::expo::TextArena& texts) {
    std::mt19937 random(20261121);
    std::vector<std::vector<Family>> collectors(2);
    for (Family& family : families) {
        for (Sample& sample : family.samples) std::reverse(sample.labels.begin(), sample.labels.end());
        std::shuffle(family.samples.begin(), family.samples.end(), random);
        if (family.type != MetricType::Unknown) {
            collectors[random() % 2].push_back(std::move(family));
            continue;
        }
        for (Sample& sample : family.samples) {
            jmx.push_back(RawSample{texts.intern(family.name), MetricType::Unknown, texts.intern(family.help), sample.labels, sample.value, ""});
        }
    }
    for (auto& collector : collectors) std::shuffle(collector.begin(), collector.end(), random);
    std::shuffle(jmx.begin(), jmx.end(), random);
    return collectors;
}

std::vector<Family> reassemble(std::vector<Family> parsed) {
    std::vector<RawSample> jmxSamples;
    nj::expo::TextArena texts;
    std::vector<std::vector<Family>> collectors = scrambleIntoCollectors(std::move(parsed), jmxSamples, texts);
    auto jmx = nj::expo::assembleJmxFamilies(std::move(jmxSamples));
    EXPECT_TRUE(jmx.ok()) << jmx.error().message;
    collectors.push_back(std::move(jmx).value());
    auto merged = nj::expo::mergeCollectors(std::move(collectors));
    EXPECT_TRUE(merged.ok()) << merged.error().message;
    return std::move(merged).value();
}

std::string firstDifferentLine(const std::string& actual, const std::string& expected) {
    std::istringstream a(actual), e(expected);
    std::string lineA, lineE;
    for (int number = 1;; ++number) {
        bool moreA = static_cast<bool>(std::getline(a, lineA));
        bool moreE = static_cast<bool>(std::getline(e, lineE));
        if (!moreA && !moreE) return "no line differs";
        if (lineA != lineE || moreA != moreE) {
            return "line " + std::to_string(number) + ":\n  ours:   " + lineA + "\n  oracle: " + lineE;
        }
    }
}

const std::string kOracleDir = NJ_SHARED_DIR "/oracle-samples/";

TEST(OracleSamples, Text004ByteForByte) {
    for (const char* file : {"plain-jvm17-catchall.prom", "plain-jvm17-empty.prom"}) {
        std::string oracle = readFile(kOracleDir + file);
        ASSERT_GT(oracle.size(), 10000u) << file;
        std::vector<Family> families = reassemble(parseExposition(oracle, false));
        std::string ours;
        nj::expo::writeText004(families, ours);
        EXPECT_TRUE(ours == oracle) << file << " " << firstDifferentLine(ours, oracle);
    }
}

TEST(OracleSamples, OpenMetricsByteForByte) {
    for (const char* file : {"plain-jvm17-catchall.openmetrics", "plain-jvm17-empty.openmetrics"}) {
        std::string oracle = readFile(kOracleDir + file);
        ASSERT_GT(oracle.size(), 10000u) << file;
        std::vector<Family> families = reassemble(parseExposition(oracle, true));
        std::string ours;
        nj::expo::writeOpenMetrics(families, ours);
        EXPECT_TRUE(ours == oracle) << file << " " << firstDifferentLine(ours, oracle);
    }
}

// ---- Single features -----------------------------------------------------------------------

Family single(std::string name, MetricType type, std::string help, double value, Labels labels = {},
              ValueStyle style = ValueStyle::Double) {
    Family family{std::move(name), type, std::move(help), "", {}};
    family.samples.push_back(Sample{"", std::move(labels), value, style});
    return family;
}

TEST(TextWriters, CounterUnderBaseNameInOpenMetricsOnly) {
    std::vector<Family> families = {
        single("jmx_config_reload_success", MetricType::Counter,
               "Number of times configuration have successfully been reloaded.", 0)};
    EXPECT_EQ(text004(families),
              "# HELP jmx_config_reload_success_total Number of times configuration have successfully been reloaded.\n"
              "# TYPE jmx_config_reload_success_total counter\n"
              "jmx_config_reload_success_total 0.0\n");
    EXPECT_EQ(openMetrics(families),
              "# TYPE jmx_config_reload_success counter\n"
              "# HELP jmx_config_reload_success Number of times configuration have successfully been reloaded.\n"
              "jmx_config_reload_success_total 0.0\n"
              "# EOF\n");
}

TEST(TextWriters, InfoIsAGaugeInText004) {
    std::vector<Family> families = {single("jmx_exporter_build", MetricType::Info, "JMX Exporter build information", 1,
                                           {{"name", "jmx_prometheus_javaagent"}, {"version", "1.6.0"}},
                                           ValueStyle::Integer)};
    EXPECT_EQ(text004(families),
              "# HELP jmx_exporter_build_info JMX Exporter build information\n"
              "# TYPE jmx_exporter_build_info gauge\n"
              "jmx_exporter_build_info{name=\"jmx_prometheus_javaagent\",version=\"1.6.0\"} 1\n");
    EXPECT_EQ(openMetrics(families),
              "# TYPE jmx_exporter_build info\n"
              "# HELP jmx_exporter_build JMX Exporter build information\n"
              "jmx_exporter_build_info{name=\"jmx_prometheus_javaagent\",version=\"1.6.0\"} 1\n"
              "# EOF\n");
}

TEST(TextWriters, UnitOnlyInOpenMetricsAndUnknownTypeNames) {
    Family duration = single("jmx_scrape_duration_seconds", MetricType::Gauge, "Time this JMX scrape took, in seconds.", 0.07);
    duration.unit = "seconds";
    std::vector<Family> families = {
        single("java_lang_ClassLoading_Verbose", MetricType::Unknown,
               "java.lang:name=null,type=ClassLoading,attribute=Verbose", 0),
        duration};
    EXPECT_EQ(text004(families),
              "# HELP java_lang_ClassLoading_Verbose java.lang:name=null,type=ClassLoading,attribute=Verbose\n"
              "# TYPE java_lang_ClassLoading_Verbose untyped\n"
              "java_lang_ClassLoading_Verbose 0.0\n"
              "# HELP jmx_scrape_duration_seconds Time this JMX scrape took, in seconds.\n"
              "# TYPE jmx_scrape_duration_seconds gauge\n"
              "jmx_scrape_duration_seconds 0.07\n");
    EXPECT_EQ(openMetrics(families),
              "# TYPE java_lang_ClassLoading_Verbose unknown\n"
              "# HELP java_lang_ClassLoading_Verbose java.lang:name=null,type=ClassLoading,attribute=Verbose\n"
              "java_lang_ClassLoading_Verbose 0.0\n"
              "# TYPE jmx_scrape_duration_seconds gauge\n"
              "# UNIT jmx_scrape_duration_seconds seconds\n"
              "# HELP jmx_scrape_duration_seconds Time this JMX scrape took, in seconds.\n"
              "jmx_scrape_duration_seconds 0.07\n"
              "# EOF\n");
}

TEST(TextWriters, SummaryCountIsAnInteger) {
    Family gc{"jvm_gc_collection_seconds", MetricType::Summary, "Time spent in a given JVM garbage collector in seconds.",
              "seconds", {}};
    gc.samples.push_back(Sample{"_count", {{"gc", "G1 Young Generation"}}, 2, ValueStyle::Integer});
    gc.samples.push_back(Sample{"_sum", {{"gc", "G1 Young Generation"}}, 0.017, ValueStyle::Double});
    EXPECT_EQ(text004({gc}),
              "# HELP jvm_gc_collection_seconds Time spent in a given JVM garbage collector in seconds.\n"
              "# TYPE jvm_gc_collection_seconds summary\n"
              "jvm_gc_collection_seconds_count{gc=\"G1 Young Generation\"} 2\n"
              "jvm_gc_collection_seconds_sum{gc=\"G1 Young Generation\"} 0.017\n");
}

TEST(TextWriters, EscapesHelpPerFormatAndLabelValuesAlike) {
    std::vector<Family> families = {single("x", MetricType::Gauge, "a\\b\nc\"d", 1, {{"v", "a\\b\"c\nd"}})};
    EXPECT_EQ(text004(families), "# HELP x a\\\\b\\nc\"d\n# TYPE x gauge\nx{v=\"a\\\\b\\\"c\\nd\"} 1.0\n");
    EXPECT_EQ(openMetrics(families),
              "# TYPE x gauge\n# HELP x a\\\\b\\nc\\\"d\nx{v=\"a\\\\b\\\"c\\nd\"} 1.0\n# EOF\n");
}

TEST(TextWriters, QuotesLabelNamesThatAreNotLegacyNames) {
    std::vector<Family> families = {single("x", MetricType::Gauge, "", 1, {{"a:b", "v"}, {"c", "w"}})};
    EXPECT_EQ(text004(families), "# TYPE x gauge\nx{\"a:b\"=\"v\",c=\"w\"} 1.0\n");
}

TEST(TextWriters, NonFiniteValues) {
    std::vector<Family> families = {single("a", MetricType::Gauge, "", std::numeric_limits<double>::infinity()),
                                    single("b", MetricType::Gauge, "", -std::numeric_limits<double>::infinity()),
                                    single("c", MetricType::Gauge, "", std::numeric_limits<double>::quiet_NaN())};
    EXPECT_EQ(text004(families), "# TYPE a gauge\na +Inf\n# TYPE b gauge\nb -Inf\n# TYPE c gauge\nc NaN\n");
}

TEST(TextWriters, FamiliesWithoutSamplesAreLeftOutAndOutputIsAppended) {
    Family empty{"jvm_memory_pool_allocated_bytes", MetricType::Counter, "help", "", {}};
    std::string out = "before\n";
    nj::expo::writeText004({empty}, out);
    EXPECT_EQ(out, "before\n");
    EXPECT_EQ(openMetrics({empty}), "# EOF\n");
}

TEST(NameFilter, BaseNameIsAPrefixOfARequestedName) {
    Family counter{"foo", MetricType::Counter, "", "", {}};
    Family other{"foobar", MetricType::Gauge, "", "", {}};
    Family shorter{"fo", MetricType::Gauge, "", "", {}};
    const std::vector<std::string> requested = {"foo_total"};
    EXPECT_TRUE(familyMatchesNameFilter(counter, requested));
    EXPECT_TRUE(familyMatchesNameFilter(shorter, requested));
    EXPECT_FALSE(familyMatchesNameFilter(other, requested));
    EXPECT_TRUE(familyMatchesNameFilter(counter, {"foo"}));
    EXPECT_FALSE(familyMatchesNameFilter(counter, {"fo"}));
    EXPECT_TRUE(familyMatchesNameFilter(other, {"bar", "foobar"}));
    EXPECT_TRUE(familyMatchesNameFilter(other, {}));
}

}  // namespace
