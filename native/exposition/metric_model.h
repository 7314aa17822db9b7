// The metric model between collectors (JMX rules, JVM/process metrics, self metrics)
// and the writers. Plain data: no JNI, no HTTP.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/small_vector.h"

namespace nj::expo {

enum class MetricType { Unknown, Gauge, Counter, Summary, Info, Histogram };

struct Label {
    std::string name;
    std::string value;
    bool operator==(const Label&) const = default;
};

// A sample's labels: most samples have one or two, kept inside the sample without an allocation.
using Labels = SmallVector<Label, 2>;

// How a sample value is printed. Java prints the `_count` of summaries and histograms, bucket
// counts and info values as integers ("2", "1"); everything else goes through Double.toString.
enum class ValueStyle { Double, Integer };

struct Sample {
    std::string suffix;          // "" or "_count" / "_sum" (summaries, histograms) or "_bucket"
    Labels labels;               // sorted by name once the family is finished
    double value = 0;
    ValueStyle style = ValueStyle::Double;
    double upperBound = 0;       // a "_bucket" sample's `le`, written after the labels as client_java does
};

struct Family {
    std::string name;   // base name: a counter's "_total" / an info's "_info" is added by the writer
    MetricType type = MetricType::Unknown;
    std::string help;   // empty: no HELP line
    std::string unit;   // OpenMetrics UNIT ("seconds", "bytes"); empty for none
    std::vector<Sample> samples;
    // Labels and samples sorted, no series twice, counters not negative: merging checks the
    // family again only when it adds samples from another collector.
    bool finished = false;
};

// A sample as the JMX rule engine produces it, before grouping into families. name, help and
// objectName view texts the producer owns (the rule engine: Engine::Output::texts and its value
// memo), which must outlive the sample: they are the same in many samples, or rarely needed.
struct RawSample {
    std::string_view name;       // sanitised (and lower-cased) name, reserved suffixes not yet stripped
    MetricType type = MetricType::Unknown;  // Gauge, Counter or Unknown
    std::string_view help;
    Labels labels;               // in the order the rule produced them
    double value = 0;
    std::string_view objectName; // the `_objectname` label value if the family has duplicates (spec §7.3)
    bool labelsSorted = false;   // labels already in the order of their names (compareJavaStrings)
};

}  // namespace nj::expo
