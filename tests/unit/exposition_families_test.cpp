// Expected families, orders and messages come from the spec (§6.4, §7) and from Java's
// String.compareTo (Temurin 25 sorted the strings of JavaStringOrder).
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "exposition/families.h"
#include "exposition/text_arena.h"
#include "exposition/text_writer.h"

namespace {

using nj::expo::assembleJmxFamilies;
using nj::expo::compareJavaStrings;
using nj::expo::Family;
using nj::expo::Label;
using nj::expo::Labels;
using nj::expo::MetricType;
using nj::expo::mergeCollectors;
using nj::expo::namesCollide;
using nj::expo::RawSample;
using nj::expo::Sample;

// name, help and objectName: literals, or texts that outlive the sample (RawSample views them).
RawSample raw(std::string_view name, MetricType type, Labels labels, double value, std::string_view help = "help",
              std::string_view objectName = "") {
    return RawSample{name, type, help, std::move(labels), value, objectName};
}

Family family(std::string name, MetricType type, std::vector<Labels> labelSets, std::string help = "") {
    Family f{std::move(name), type, std::move(help), "", {}};
    for (auto& labels : labelSets) f.samples.push_back(Sample{"", std::move(labels), 1, nj::expo::ValueStyle::Double});
    return f;
}

std::string text004(const std::vector<Family>& families) {
    std::string out;
    nj::expo::writeText004(families, out);
    return out;
}

std::vector<std::string> names(const std::vector<Family>& families) {
    std::vector<std::string> result;
    for (const Family& f : families) result.push_back(f.name);
    return result;
}

TEST(JavaStringOrder, OrdersLikeUtf16CodeUnits) {
    // Java sorted these as: "" Z _ a ab b z é U+1F600 U+E000 U+FFFF
    const std::vector<std::string> sorted = {"",  "Z", "_", "a", "ab", "b", "z", "\u00e9", "\U0001F600", "\ue000",
                                             "\uffff"};
    for (size_t i = 0; i < sorted.size(); ++i) {
        for (size_t j = 0; j < sorted.size(); ++j) {
            int order = compareJavaStrings(sorted[i], sorted[j]);
            EXPECT_EQ(order < 0, i < j) << i << " " << j;
            EXPECT_EQ(order == 0, i == j) << i << " " << j;
        }
    }
}

TEST(AssembleJmxFamilies, DuplicateLabelSetsGetObjectNameOnEverySample) {
    // Spec §7.3: two beans that sanitise to the same name and labels.
    std::vector<RawSample> samples;
    samples.push_back(raw("io_prometheus_jmx_test_Total_Value_Total", MetricType::Unknown, {}, 1, "h",
                          "io.prometheus.jmx.test<type=Total.Value><>Total"));
    samples.push_back(raw("io_prometheus_jmx_test_Total_Value_Total", MetricType::Unknown, {}, 2, "h",
                          "io.prometheus.jmx.test<type=Total-Value><>Total"));
    auto families = assembleJmxFamilies(std::move(samples));
    ASSERT_TRUE(families.ok()) << families.error().message;
    EXPECT_EQ(text004(*families),
              "# HELP io_prometheus_jmx_test_Total_Value_Total h\n"
              "# TYPE io_prometheus_jmx_test_Total_Value_Total untyped\n"
              "io_prometheus_jmx_test_Total_Value_Total{_objectname=\"io.prometheus.jmx.test<type=Total-Value><>Total\"} 2.0\n"
              "io_prometheus_jmx_test_Total_Value_Total{_objectname=\"io.prometheus.jmx.test<type=Total.Value><>Total\"} 1.0\n");
}

TEST(AssembleJmxFamilies, ObjectNameOnlyWhereTheFamilyHasDuplicates) {
    std::vector<RawSample> samples;
    samples.push_back(raw("dup", MetricType::Gauge, {{"a", "1"}}, 1, "h", "d<x=1><>A"));
    samples.push_back(raw("dup", MetricType::Gauge, {{"a", "1"}}, 2, "h", "d<x=2><>A"));
    samples.push_back(raw("dup", MetricType::Gauge, {{"a", "2"}}, 3, "h", "d<x=3><>A"));
    samples.push_back(raw("single", MetricType::Gauge, {{"a", "1"}}, 4, "h", "d<x=1><>B"));
    auto families = assembleJmxFamilies(std::move(samples));
    ASSERT_TRUE(families.ok()) << families.error().message;
    EXPECT_EQ(text004(*families),
              "# HELP dup h\n# TYPE dup gauge\n"
              "dup{_objectname=\"d<x=1><>A\",a=\"1\"} 1.0\n"
              "dup{_objectname=\"d<x=2><>A\",a=\"1\"} 2.0\n"
              "dup{_objectname=\"d<x=3><>A\",a=\"2\"} 3.0\n"
              "# HELP single h\n# TYPE single gauge\n"
              "single{a=\"1\"} 4.0\n");
}

TEST(AssembleJmxFamilies, RemainingDuplicatesFailTheScrape) {
    std::vector<RawSample> samples;
    samples.push_back(raw("dup", MetricType::Gauge, {{"a", "1"}}, 1, "h", "same"));
    samples.push_back(raw("dup", MetricType::Gauge, {{"a", "1"}}, 2, "h", "same"));
    auto families = assembleJmxFamilies(std::move(samples));
    ASSERT_FALSE(families.ok());
    EXPECT_EQ(families.error().message, "Duplicate labels for metric \"dup\": {_objectname=\"same\",a=\"1\"}");
}

TEST(AssembleJmxFamilies, ObjectNameLabelThatAlreadyExistsFailsTheScrape) {
    std::vector<RawSample> samples;
    samples.push_back(raw("dup", MetricType::Gauge, {{"_objectname", "x"}}, 1, "h", "a"));
    samples.push_back(raw("dup", MetricType::Gauge, {{"_objectname", "x"}}, 2, "h", "b"));
    auto families = assembleJmxFamilies(std::move(samples));
    ASSERT_FALSE(families.ok());
    EXPECT_NE(families.error().message.find("_objectname"), std::string::npos);
}

TEST(AssembleJmxFamilies, NegativeCounterFailsTheScrapeButNaNDoesNot) {
    std::vector<RawSample> negative;
    negative.push_back(raw("c_total", MetricType::Counter, {{"a", "1"}}, -1));
    auto failed = assembleJmxFamilies(std::move(negative));
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.error().message.find("-1.0: counters cannot have a negative value"), std::string::npos)
        << failed.error().message;

    std::vector<RawSample> notANumber;
    notANumber.push_back(raw("c_total", MetricType::Counter, {}, std::numeric_limits<double>::quiet_NaN()));
    notANumber.push_back(raw("g", MetricType::Gauge, {}, -1));
    auto fine = assembleJmxFamilies(std::move(notANumber));
    ASSERT_TRUE(fine.ok()) << fine.error().message;
    EXPECT_EQ(text004(*fine), "# HELP c_total help\n# TYPE c_total counter\nc_total NaN\n"
                              "# HELP g help\n# TYPE g gauge\ng -1.0\n");
}

TEST(AssembleJmxFamilies, GroupsByStrippedNameWithCommonTypeAndFirstHelp) {
    std::vector<RawSample> samples;
    samples.push_back(raw("foo_total", MetricType::Gauge, {{"k", "b"}}, 1, "first"));
    samples.push_back(raw("foo", MetricType::Gauge, {{"k", "a"}}, 2, "second"));
    samples.push_back(raw("mixed", MetricType::Gauge, {{"k", "a"}}, 3));
    samples.push_back(raw("mixed", MetricType::Counter, {{"k", "b"}}, 4));
    samples.push_back(raw("f_total", MetricType::Counter, {}, 5, "f help"));
    samples.push_back(raw("e_count", MetricType::Counter, {}, 6, "e help"));
    samples.push_back(raw("b_info", MetricType::Gauge, {}, 7, "b help"));
    samples.push_back(raw("a_total", MetricType::Unknown, {}, 8, "a help"));
    auto families = assembleJmxFamilies(std::move(samples));
    ASSERT_TRUE(families.ok()) << families.error().message;
    EXPECT_EQ(text004(*families),
              "# HELP a a help\n# TYPE a untyped\na 8.0\n"
              "# HELP b b help\n# TYPE b gauge\nb 7.0\n"
              "# HELP e_count_total e help\n# TYPE e_count_total counter\ne_count_total 6.0\n"
              "# HELP f_total f help\n# TYPE f_total counter\nf_total 5.0\n"
              "# HELP foo first\n# TYPE foo gauge\nfoo{k=\"a\"} 2.0\nfoo{k=\"b\"} 1.0\n"
              "# HELP mixed help\n# TYPE mixed untyped\nmixed{k=\"a\"} 3.0\nmixed{k=\"b\"} 4.0\n");
}

TEST(AssembleJmxFamilies, SortsLabelsByNameAndSamplesByLabelSets) {
    std::vector<RawSample> samples;
    samples.push_back(raw("m", MetricType::Gauge, {{"b", "1"}, {"a", "2"}}, 1));
    samples.push_back(raw("m", MetricType::Gauge, {{"a", "2"}}, 2));
    samples.push_back(raw("m", MetricType::Gauge, {{"_x", "1"}, {"a", "1"}, {"B", "1"}}, 3));
    samples.push_back(raw("m", MetricType::Gauge, {{"a", "10"}}, 4));
    auto families = assembleJmxFamilies(std::move(samples));
    ASSERT_TRUE(families.ok()) << families.error().message;
    // Label names upper case < '_' < lower case; label-name arrays compare first, a prefix first.
    EXPECT_EQ(text004(*families),
              "# HELP m help\n# TYPE m gauge\n"
              "m{B=\"1\",_x=\"1\",a=\"1\"} 3.0\n"
              "m{a=\"10\"} 4.0\n"
              "m{a=\"2\"} 2.0\n"
              "m{a=\"2\",b=\"1\"} 1.0\n");
}

TEST(AssembleJmxFamilies, SamplesWithTheSameLabelNamesSortByValuesInNameOrder) {
    std::vector<RawSample> samples;
    samples.push_back(raw("m", MetricType::Gauge, {{"topic", "a"}, {"partition", "1"}}, 1));
    samples.push_back(raw("m", MetricType::Gauge, {{"topic", "b"}, {"partition", "0"}}, 2));
    samples.push_back(raw("m", MetricType::Gauge, {{"topic", "a"}, {"partition", "10"}}, 3));
    samples.push_back(raw("m", MetricType::Gauge, {{"topic", "a"}, {"partition", "0"}}, 4));
    auto families = assembleJmxFamilies(std::move(samples));
    ASSERT_TRUE(families.ok()) << families.error().message;
    // Labels sorted by name (partition, topic), then samples by partition first.
    EXPECT_EQ(text004(*families),
              "# HELP m help\n# TYPE m gauge\n"
              "m{partition=\"0\",topic=\"a\"} 4.0\n"
              "m{partition=\"0\",topic=\"b\"} 2.0\n"
              "m{partition=\"1\",topic=\"a\"} 1.0\n"
              "m{partition=\"10\",topic=\"a\"} 3.0\n");
}

TEST(AssembleJmxFamilies, TheLastScrapesOrderGivesTheSameResultAsSorting) {
    nj::expo::TextArena objectNames;
    auto scrape = [&objectNames](const std::vector<int>& partitions) {
        std::vector<RawSample> samples;
        for (int p : partitions) {
            samples.push_back(raw("m", MetricType::Gauge, {{"partition", std::to_string(p)}}, p));
            samples.push_back(raw("d", MetricType::Gauge, {{"k", p % 2 == 0 ? "same" : "other"}}, p, "help",
                                  objectNames.intern("bean" + std::to_string(p))));
        }
        return samples;
    };
    nj::expo::SampleOrders orders;
    // The same beans in the same order, then in another order, then fewer, then the first again:
    // with the remembered orders (right or stale) the output is what sorting gives.
    for (const std::vector<int>& partitions :
         std::vector<std::vector<int>>{{3, 1, 2, 0}, {3, 1, 2, 0}, {0, 2, 1, 3}, {2, 0, 1}, {3, 1, 2, 0}}) {
        auto remembered = assembleJmxFamilies(scrape(partitions), &orders);
        auto sorted = assembleJmxFamilies(scrape(partitions));
        ASSERT_TRUE(remembered.ok()) << remembered.error().message;
        ASSERT_TRUE(sorted.ok()) << sorted.error().message;
        EXPECT_EQ(text004(*remembered), text004(*sorted));
    }
    EXPECT_EQ(orders.size(), 2u);   // "d" has duplicate label sets (it gets _objectname), "m" does not
}

TEST(AssembleJmxFamilies, SortsNonAsciiLabelValuesAsJavaDoes) {
    std::vector<RawSample> samples;
    for (const char* value : {"\uffff", "\u00e9", "z", "\ue000", "\U0001F600", "a"}) {
        samples.push_back(raw("m", MetricType::Gauge, {{"v", value}}, 1));
    }
    auto families = assembleJmxFamilies(std::move(samples));
    ASSERT_TRUE(families.ok()) << families.error().message;
    std::vector<std::string> values;
    for (const Sample& s : families->front().samples) values.push_back(s.labels.front().value);
    EXPECT_EQ(values, (std::vector<std::string>{"a", "z", "\u00e9", "\U0001F600", "\ue000", "\uffff"}));
}

TEST(MergeCollectors, SameTypeAndDistinctLabelsMergeUnderTheFirstCollectorsMetadata) {
    Family jvm = family("jvm_threads_state", MetricType::Gauge, {{{"state", "RUNNABLE"}}}, "JVM help");
    jvm.unit = "threads";
    Family jmx = family("jvm_threads_state", MetricType::Gauge, {{{"state", "BLOCKED"}}}, "JMX help");
    auto merged = mergeCollectors({{jvm}, {jmx}});
    ASSERT_TRUE(merged.ok()) << merged.error().message;
    ASSERT_EQ(merged->size(), 1u);
    EXPECT_EQ(merged->front().help, "JVM help");
    EXPECT_EQ(merged->front().unit, "threads");
    EXPECT_EQ(text004(*merged), "# HELP jvm_threads_state JVM help\n# TYPE jvm_threads_state gauge\n"
                                "jvm_threads_state{state=\"BLOCKED\"} 1.0\njvm_threads_state{state=\"RUNNABLE\"} 1.0\n");
}

TEST(MergeCollectors, SameLabelsInTwoCollectorsAreDuplicates) {
    auto merged = mergeCollectors({{family("jvm_threads_current", MetricType::Gauge, {{}})},
                                   {family("jvm_threads_current", MetricType::Gauge, {{}})}});
    ASSERT_FALSE(merged.ok());
    EXPECT_EQ(merged.error().message, "Duplicate labels for metric \"jvm_threads_current\": {}");
}

TEST(MergeCollectors, AnAssembledJmxFamilyIsCheckedAgainWhenAnotherCollectorAddsSamples) {
    // assembleJmxFamilies finishes its families; a merge that adds to one sorts and validates anew.
    std::vector<RawSample> samples;
    samples.push_back(raw("m", MetricType::Gauge, {{"k", "c"}}, 1));
    samples.push_back(raw("m", MetricType::Gauge, {{"k", "a"}}, 2));
    auto jmx = assembleJmxFamilies(std::move(samples));
    ASSERT_TRUE(jmx.ok()) << jmx.error().message;
    EXPECT_TRUE(jmx->front().finished);
    auto merged = mergeCollectors({{family("m", MetricType::Gauge, {{{"k", "b"}}})}, *jmx});
    ASSERT_TRUE(merged.ok()) << merged.error().message;
    EXPECT_EQ(text004(*merged), "# TYPE m gauge\nm{k=\"a\"} 2.0\nm{k=\"b\"} 1.0\nm{k=\"c\"} 1.0\n");
    auto duplicated = mergeCollectors({{family("m", MetricType::Gauge, {{{"k", "a"}}})}, *jmx});
    ASSERT_FALSE(duplicated.ok());
    EXPECT_EQ(duplicated.error().message, "Duplicate labels for metric \"m\": {k=\"a\"}");
}

TEST(MergeCollectors, DifferentTypesConflict) {
    auto merged = mergeCollectors({{family("jvm_threads_started", MetricType::Counter, {{}})},
                                   {family("jvm_threads_started", MetricType::Gauge, {{{"a", "b"}}})}});
    ASSERT_FALSE(merged.ok());
    EXPECT_NE(merged.error().message.find("conflicting metric types"), std::string::npos) << merged.error().message;
}

TEST(NamesCollide, OnlyANameInTwoCollectorsCollides) {
    EXPECT_FALSE(namesCollide({}));
    EXPECT_FALSE(namesCollide({{family("a", MetricType::Gauge, {{}}), family("b", MetricType::Gauge, {{}})},
                               {family("c", MetricType::Gauge, {{}})}}));
    EXPECT_TRUE(namesCollide({{family("a", MetricType::Gauge, {{}})},
                              {family("b", MetricType::Gauge, {{}})},
                              {family("a", MetricType::Counter, {{}})}}));
}

TEST(MergeCollectors, SortsFamiliesAcrossCollectorsByBaseName) {
    auto merged = mergeCollectors({{family("process_open_fds", MetricType::Gauge, {{}}),
                                    family("jvm_classes_loaded", MetricType::Counter, {{}})},
                                   {family("jmx_exporter_build", MetricType::Info, {{}}),
                                    family("java_lang_Memory_Verbose", MetricType::Unknown, {{}}),
                                    family("jmx_scrape_error", MetricType::Gauge, {{}})}});
    ASSERT_TRUE(merged.ok()) << merged.error().message;
    EXPECT_EQ(names(*merged), (std::vector<std::string>{"java_lang_Memory_Verbose", "jmx_exporter_build",
                                                        "jmx_scrape_error", "jvm_classes_loaded", "process_open_fds"}));
}

TEST(MergeCollectors, KeepsCountBeforeSumInASummary) {
    Family gc{"jvm_gc_collection_seconds", MetricType::Summary, "", "seconds", {}};
    for (const char* collector : {"G1 Young Generation", "G1 Old Generation"}) {
        gc.samples.push_back(Sample{"_sum", {{"gc", collector}}, 0.5, nj::expo::ValueStyle::Double});
        gc.samples.push_back(Sample{"_count", {{"gc", collector}}, 2, nj::expo::ValueStyle::Integer});
    }
    auto merged = mergeCollectors({{gc}});
    ASSERT_TRUE(merged.ok()) << merged.error().message;
    std::vector<std::string> order;
    for (const Sample& s : merged->front().samples) order.push_back(s.labels.front().value + s.suffix);
    EXPECT_EQ(order, (std::vector<std::string>{"G1 Old Generation_count", "G1 Old Generation_sum",
                                               "G1 Young Generation_count", "G1 Young Generation_sum"}));
}

}  // namespace
