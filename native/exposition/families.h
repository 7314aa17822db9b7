// From samples to metric families, as jmx_exporter's collector and client_java's registry do
// it (spec §6.4, §7): grouping, types, HELP, `_objectname`, validation, merging and ordering.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "exposition/metric_model.h"

namespace nj::expo {

// client_java PrometheusNaming.sanitizeMetricName's suffix stripping (§6.4): removes trailing
// "_total", "_created", "_bucket", "_info" (or their '.' variants) until none is left; a name
// that is exactly one of them loses only its separator ("_total" -> "total"). Returns a view
// into `name`.
std::string_view stripReservedSuffixes(std::string_view name);

// Java String.compareTo on UTF-8 text: the order of UTF-16 code units (U+E000..U+FFFF sort
// after supplementary chars). Negative, zero or positive.
int compareJavaStrings(std::string_view a, std::string_view b);

// Labels in the order of their names (compareJavaStrings), as every finished sample has them.
void sortLabels(Labels& labels);

// The JMX collector's samples as families (§7.1-§7.4): grouped by stripped name, type common to
// all samples or Unknown, HELP of the first sample, `_objectname` added to every sample of a
// family with duplicate label sets. Sorted as mergeCollectors sorts. Fails, with client_java's
// message, on remaining duplicates or a negative counter value: the scrape answers 500.
//
// sampleOrders (optional): each family's sample order at the last scrape, by name, updated here.
// Beans come in the same order scrape after scrape, so checking the last order first (one
// comparison per sample) usually saves the sort; the result is the same either way.
using SampleOrders = std::unordered_map<std::string, std::vector<size_t>>;
Result<std::vector<Family>> assembleJmxFamilies(std::vector<RawSample> samples, SampleOrders* sampleOrders = nullptr);

// All collectors' families as the registry exposes them (§7.4, §7.5): families of the same
// name are merged (HELP, type and unit of the earliest collector) when their types agree and
// no series repeats; families sorted by name, samples by label set, labels by name.
Result<std::vector<Family>> mergeCollectors(std::vector<std::vector<Family>> collectorsInRegistrationOrder);

// True when a family name is in more than one collector: only then can a conflict between
// collectors (types, the same series twice) fail mergeCollectors, so only then does filtering by
// name before the merge differ from filtering after it.
bool namesCollide(const std::vector<std::vector<Family>>& collectors);

}  // namespace nj::expo
