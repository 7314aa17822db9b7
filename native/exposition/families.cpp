#include "exposition/families.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "exposition/java_double.h"
#include "exposition/text_writer.h"

namespace nj::expo {
namespace {

constexpr std::array<std::string_view, 8> kReservedSuffixes = {
    "_total", "_created", "_bucket", "_info", ".total", ".created", ".bucket", ".info"};

bool isContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// UTF-8 lead bytes of U+E000..U+FFFF, which UTF-16 sorts after every supplementary char.
bool leadsHighBmpChar(unsigned char lead) { return lead == 0xEE || lead == 0xEF; }

bool leadsSupplementaryChar(unsigned char lead) { return lead >= 0xF0; }

// ---- Messages as client_java words them --------------------------------------------------

// Labels.toString: {a="1",b="x\"y"}
std::string describeLabels(const Labels& labels) {
    std::string text = "{";
    for (const Label& label : labels) {
        if (text.size() > 1) text += ',';
        text += label.name;
        text += "=\"";
        appendEscaped(text, label.value, true);
        text += '"';
    }
    text += '}';
    return text;
}

std::string_view snapshotClassName(MetricType type) {
    switch (type) {
        case MetricType::Gauge: return "GaugeSnapshot";
        case MetricType::Counter: return "CounterSnapshot";
        case MetricType::Summary: return "SummarySnapshot";
        case MetricType::Info: return "InfoSnapshot";
        case MetricType::Histogram: return "HistogramSnapshot";
        case MetricType::Unknown: break;
    }
    return "UnknownSnapshot";
}

Error duplicateLabelsError(const Family& family, const Sample& sample) {
    return makeError("Duplicate labels for metric \"" + family.name + "\": " + describeLabels(sample.labels));
}

Error negativeCounterError(const Family& family, const Sample& sample) {
    std::string message = family.name + "=" + formatJavaDouble(sample.value) + ": counters cannot have a negative value";
    if (!sample.labels.empty()) message += " (labels=" + describeLabels(sample.labels) + ")";
    return makeError(std::move(message));
}

// ---- Ordering (§7.5) --------------------------------------------------------------------

bool labelNameLess(const Label& a, const Label& b) { return compareJavaStrings(a.name, b.name) < 0; }

int compareField(const Labels& a, const Labels& b, std::string Label::*field) {
    size_t common = std::min(a.size(), b.size());
    for (size_t i = 0; i < common; ++i) {
        if (int order = compareJavaStrings(a[i].*field, b[i].*field)) return order;
    }
    return (a.size() > b.size()) - (a.size() < b.size());
}

// Labels.compareTo on sorted labels: all names first (a prefix sorts first), then all values.
int compareLabelSets(const Labels& a, const Labels& b) {
    if (int order = compareField(a, b, &Label::name)) return order;
    return compareField(a, b, &Label::value);
}

// Within a label set the order Java writes: a histogram's buckets by bound, then "_count", then
// "_sum" (which the suffixes' byte order gives).
bool sampleLess(const Sample& a, const Sample& b) {
    if (int order = compareLabelSets(a.labels, b.labels)) return order < 0;
    if (a.suffix != b.suffix) return a.suffix < b.suffix;
    return a.upperBound < b.upperBound;
}

bool sameSeries(const Sample& a, const Sample& b) {
    return a.suffix == b.suffix && a.labels == b.labels && a.upperBound == b.upperBound;
}

void sortByName(std::vector<Family>& families) {
    std::stable_sort(families.begin(), families.end(),
                     [](const Family& a, const Family& b) { return compareJavaStrings(a.name, b.name) < 0; });
}

// What the snapshot constructors enforce: labels sorted, counters not negative (NaN is
// allowed), samples sorted and no series twice.
Status checkCounterValues(const Family& family) {
    if (family.type == MetricType::Counter) {
        for (const Sample& sample : family.samples) {
            if (sample.value < 0) return negativeCounterError(family, sample);
        }
    }
    return Ok{};
}

Status finishFamily(Family& family) {
    for (Sample& sample : family.samples) sortLabels(sample.labels);
    if (Status counters = checkCounterValues(family); !counters) return counters;
    if (!std::is_sorted(family.samples.begin(), family.samples.end(), sampleLess)) {
        std::stable_sort(family.samples.begin(), family.samples.end(), sampleLess);
    }
    auto duplicate = std::adjacent_find(family.samples.begin(), family.samples.end(), sameSeries);
    if (duplicate != family.samples.end()) return duplicateLabelsError(family, *duplicate);
    family.finished = true;
    return Ok{};
}

// ---- JMX samples to families (§7.1-§7.3) ------------------------------------------------

using SampleGroup = std::vector<RawSample*>;

// Groups in first-seen order; the order is irrelevant once sorted.
std::vector<SampleGroup> groupByStrippedName(std::vector<RawSample>& samples) {
    std::vector<SampleGroup> groups;
    std::unordered_map<std::string_view, size_t> groupOfName;
    for (RawSample& sample : samples) {
        auto [entry, isNew] = groupOfName.try_emplace(stripReservedSuffixes(sample.name), groups.size());
        if (isNew) groups.emplace_back();
        groups[entry->second].push_back(&sample);
    }
    return groups;
}

MetricType commonType(const SampleGroup& group) {
    MetricType type = group.front()->type;
    bool allSame = std::all_of(group.begin(), group.end(), [type](const RawSample* s) { return s->type == type; });
    return allSame ? type : MetricType::Unknown;
}

bool sameLabelNames(const Labels& a, const Labels& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const Label& x, const Label& y) { return x.name == y.name; });
}

// The samples' positions ordered by label set (stable, as finishFamily sorts them). `last` is
// the order of the family at the last scrape: taken when it orders these samples strictly, for
// then it is the only order there is.
std::vector<size_t> orderByLabelSet(const SampleGroup& group, const std::vector<size_t>* last) {
    auto labels = [&](size_t i) -> const Labels& { return group[i]->labels; };
    // Usually every sample of a family has the same label names (one rule made them all): then
    // the values alone decide, and the comparisons need not look at the names again and again.
    const bool sameNames = std::all_of(group.begin(), group.end(), [&](const RawSample* sample) {
        return sameLabelNames(sample->labels, labels(0));
    });
    auto less = [&](size_t a, size_t b) {
        return (sameNames ? compareField(labels(a), labels(b), &Label::value) : compareLabelSets(labels(a), labels(b))) < 0;
    };
    if (last != nullptr && last->size() == group.size()) {
        bool strictlyOrdered = true;
        for (size_t i = 1; i < last->size() && strictlyOrdered; ++i) strictlyOrdered = less((*last)[i - 1], (*last)[i]);
        if (strictlyOrdered) return *last;
    }
    std::vector<size_t> order(group.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), less);
    return order;
}

Status addObjectNameLabel(Sample& sample, std::string_view objectName) {
    constexpr std::string_view kObjectName = "_objectname";
    bool taken = std::any_of(sample.labels.begin(), sample.labels.end(),
                             [&](const Label& label) { return label.name == kObjectName; });
    if (taken) return makeError("Duplicate label name: '_objectname'.");  // Labels.merge
    sample.labels.push_back(Label{std::string(kObjectName), std::string(objectName)});
    return Ok{};
}

Result<Family> familyOfGroup(const SampleGroup& group, const SampleOrders& lastOrders, SampleOrders& orders) {
    const RawSample& first = *group.front();
    Family family{std::string(stripReservedSuffixes(first.name)), commonType(group), std::string(first.help), "", {}};
    for (RawSample* raw : group) {
        if (!raw->labelsSorted) sortLabels(raw->labels);
    }
    auto last = lastOrders.find(family.name);
    const std::vector<size_t>& order = orders[family.name] =
        orderByLabelSet(group, last != lastOrders.end() ? &last->second : nullptr);
    const bool duplicates = std::adjacent_find(order.begin(), order.end(), [&](size_t a, size_t b) {
                                return group[a]->labels == group[b]->labels;
                            }) != order.end();
    family.samples.reserve(group.size());
    if (duplicates) {
        for (RawSample* raw : group) {
            family.samples.push_back(Sample{"", std::move(raw->labels), raw->value, ValueStyle::Double});
            Status added = addObjectNameLabel(family.samples.back(), raw->objectName);
            if (!added) return added.error();
        }
        Status finished = finishFamily(family);
        if (!finished) return finished.error();
        return family;
    }
    // Labels and samples sorted, no series twice: of finishFamily only the counter check is left.
    for (size_t i : order) family.samples.push_back(Sample{"", std::move(group[i]->labels), group[i]->value, ValueStyle::Double});
    Status counters = checkCounterValues(family);
    if (!counters) return counters.error();
    family.finished = true;
    return family;
}

}  // namespace

void sortLabels(Labels& labels) {
    if (!std::is_sorted(labels.begin(), labels.end(), labelNameLess)) {
        std::sort(labels.begin(), labels.end(), labelNameLess);
    }
}

std::string_view stripReservedSuffixes(std::string_view name) {
    for (;;) {
        for (std::string_view suffix : kReservedSuffixes) {
            if (name == suffix) return name.substr(1);
        }
        auto suffix = std::find_if(kReservedSuffixes.begin(), kReservedSuffixes.end(),
                                   [name](std::string_view s) { return name.ends_with(s); });
        if (suffix == kReservedSuffixes.end()) return name;
        name.remove_suffix(suffix->size());
    }
}

int compareJavaStrings(std::string_view a, std::string_view b) {
    auto [differenceInA, differenceInB] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
    size_t position = differenceInA - a.begin();
    if (position == a.size() || position == b.size()) return (a.size() > b.size()) - (a.size() < b.size());
    // Byte order is code point order; UTF-16 differs only between the chars below.
    size_t charStart = position;
    while (charStart > 0 && isContinuationByte(a[charStart])) --charStart;
    auto leadA = static_cast<unsigned char>(a[charStart]);
    auto leadB = static_cast<unsigned char>(b[charStart]);
    if (leadsHighBmpChar(leadA) && leadsSupplementaryChar(leadB)) return 1;
    if (leadsSupplementaryChar(leadA) && leadsHighBmpChar(leadB)) return -1;
    return static_cast<unsigned char>(*differenceInA) < static_cast<unsigned char>(*differenceInB) ? -1 : 1;
}

Result<std::vector<Family>> assembleJmxFamilies(std::vector<RawSample> samples, SampleOrders* sampleOrders) {
    const SampleOrders none;
    SampleOrders orders;
    std::vector<Family> families;
    for (const SampleGroup& group : groupByStrippedName(samples)) {
        Result<Family> family = familyOfGroup(group, sampleOrders != nullptr ? *sampleOrders : none, orders);
        if (!family) return family.error();
        families.push_back(std::move(family).value());
    }
    if (sampleOrders != nullptr) *sampleOrders = std::move(orders);
    sortByName(families);
    return families;
}

Result<std::vector<Family>> mergeCollectors(std::vector<std::vector<Family>> collectorsInRegistrationOrder) {
    std::vector<Family> all;
    for (std::vector<Family>& collector : collectorsInRegistrationOrder) {
        std::move(collector.begin(), collector.end(), std::back_inserter(all));
    }
    sortByName(all);  // stable: the earliest collector's family of a name comes first
    std::vector<Family> merged;
    merged.reserve(all.size());
    for (Family& family : all) {
        if (merged.empty() || merged.back().name != family.name) {
            merged.push_back(std::move(family));
            continue;
        }
        Family& earlier = merged.back();
        if (earlier.type != family.type) {
            return makeError(family.name + ": conflicting metric types: " + std::string(snapshotClassName(earlier.type)) +
                             " and " + std::string(snapshotClassName(family.type)));
        }
        std::move(family.samples.begin(), family.samples.end(), std::back_inserter(earlier.samples));
        earlier.finished = false;
    }
    for (Family& family : merged) {
        if (family.finished) continue;
        Status finished = finishFamily(family);
        if (!finished) return finished.error();
    }
    return merged;
}

bool namesCollide(const std::vector<std::vector<Family>>& collectors) {
    std::unordered_set<std::string_view> earlier;   // the names of the collectors before this one
    for (const std::vector<Family>& collector : collectors) {
        for (const Family& family : collector) {
            if (earlier.count(family.name) != 0) return true;
        }
        for (const Family& family : collector) earlier.insert(family.name);
    }
    return false;
}

}  // namespace nj::expo
