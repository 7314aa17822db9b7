// Histograms as client_java 1.8 writes them (PrometheusTextFormatWriter/OpenMetricsTextFormatWriter
// writeHistogram): cumulative `_bucket` lines with `le` after the other labels, the bound as
// Double.toString ("+Inf" last), counts as longs, then `_count` and `_sum`; no `_created`.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>

#include "exposition/families.h"
#include "exposition_test_support.h"

namespace {

using nj::expo::Family;
using nj::expo::MetricType;
using nj::expo::Sample;
using nj::expo::ValueStyle;

constexpr double kInf = std::numeric_limits<double>::infinity();

Sample bucket(double bound, double cumulative, nj::expo::Labels labels = {}) {
    return {"_bucket", std::move(labels), cumulative, ValueStyle::Integer, bound};
}

Family requestHistogram() {
    Family family{"rpc_seconds", MetricType::Histogram, "RPC \"latency\"\\n", "seconds", {}};
    nj::expo::Labels labels{{"method", "get"}};
    family.samples = {bucket(1.0E-4, 0, labels), bucket(0.005, 2, labels), bucket(10.0, 3, labels),
                      bucket(kInf, 4, labels),
                      {"_count", labels, 4, ValueStyle::Integer},
                      {"_sum", labels, 12.5, ValueStyle::Double}};
    return family;
}

TEST(HistogramWriters, Text004WritesBucketsWithLeLastThenCountAndSum) {
    EXPECT_EQ(text004({requestHistogram()}),
              "# HELP rpc_seconds RPC \"latency\"\\\\n\n"
              "# TYPE rpc_seconds histogram\n"
              "rpc_seconds_bucket{method=\"get\",le=\"1.0E-4\"} 0\n"
              "rpc_seconds_bucket{method=\"get\",le=\"0.005\"} 2\n"
              "rpc_seconds_bucket{method=\"get\",le=\"10.0\"} 3\n"
              "rpc_seconds_bucket{method=\"get\",le=\"+Inf\"} 4\n"
              "rpc_seconds_count{method=\"get\"} 4\n"
              "rpc_seconds_sum{method=\"get\"} 12.5\n");
}

TEST(HistogramWriters, OpenMetricsDeclaresHistogramWithUnitAndNoCreated) {
    EXPECT_EQ(openMetrics({requestHistogram()}),
              "# TYPE rpc_seconds histogram\n"
              "# UNIT rpc_seconds seconds\n"
              "# HELP rpc_seconds RPC \\\"latency\\\"\\\\n\n"
              "rpc_seconds_bucket{method=\"get\",le=\"1.0E-4\"} 0\n"
              "rpc_seconds_bucket{method=\"get\",le=\"0.005\"} 2\n"
              "rpc_seconds_bucket{method=\"get\",le=\"10.0\"} 3\n"
              "rpc_seconds_bucket{method=\"get\",le=\"+Inf\"} 4\n"
              "rpc_seconds_count{method=\"get\"} 4\n"
              "rpc_seconds_sum{method=\"get\"} 12.5\n"
              "# EOF\n");
}

TEST(HistogramWriters, WithoutLabelsOnlyLeIsInBraces) {
    Family family{"pause_seconds", MetricType::Histogram, "", "", {}};
    family.samples = {bucket(kInf, 0), {"_count", {}, 0, ValueStyle::Integer}, {"_sum", {}, 0, ValueStyle::Double}};
    EXPECT_EQ(text004({family}),
              "# TYPE pause_seconds histogram\n"
              "pause_seconds_bucket{le=\"+Inf\"} 0\n"
              "pause_seconds_count 0\n"
              "pause_seconds_sum 0.0\n");
}

TEST(HistogramWriters, MergeOrdersBucketsByBoundNotByText) {
    Family family = requestHistogram();
    std::vector<Sample> expected = family.samples;
    std::mt19937 random(4);
    std::shuffle(family.samples.begin(), family.samples.end(), random);
    std::swap(family.samples.front(), family.samples.back());  // never the original order
    auto merged = nj::expo::mergeCollectors({{family}});
    ASSERT_TRUE(merged) << merged.error().message;
    ASSERT_EQ(merged->size(), 1u);
    std::vector<std::pair<std::string, double>> order, wanted;
    for (const Sample& s : merged->front().samples) order.emplace_back(s.suffix, s.upperBound);
    for (const Sample& s : expected) wanted.emplace_back(s.suffix, s.upperBound);
    EXPECT_EQ(order, wanted);
}

TEST(HistogramWriters, SameBucketTwiceIsADuplicate) {
    Family family{"pause_seconds", MetricType::Histogram, "", "", {bucket(0.1, 1), bucket(0.1, 1)}};
    auto merged = nj::expo::mergeCollectors({{family}});
    ASSERT_FALSE(merged);
    EXPECT_EQ(merged.error().message, "Duplicate labels for metric \"pause_seconds\": {}");
}

TEST(HistogramWriters, ConflictWithAnotherTypeNamesHistogramSnapshot) {
    Family histogram{"pause_seconds", MetricType::Histogram, "", "", {bucket(kInf, 0)}};
    Family gauge{"pause_seconds", MetricType::Gauge, "", "", {{"", {{"a", "b"}}, 1, ValueStyle::Double}}};
    auto merged = nj::expo::mergeCollectors({{histogram}, {gauge}});
    ASSERT_FALSE(merged);
    EXPECT_EQ(merged.error().message, "pause_seconds: conflicting metric types: HistogramSnapshot and GaugeSnapshot");
}

}  // namespace
