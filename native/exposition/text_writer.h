// client_java 1.8.0's text writers (spec §8.2, §8.3), byte for byte. Families come sorted and
// validated from mergeCollectors; names are legal metric names (toSafeName output or fixed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "exposition/metric_model.h"

namespace nj::expo {

// Prometheus text format 0.0.4 (text/plain; version=0.0.4): HELP then TYPE, a counter as
// `<base>_total`, an info as gauge `<base>_info` with value 1, Unknown as "untyped".
void writeText004(const std::vector<Family>& families, std::string& out);

// OpenMetrics 1.0 text: TYPE, UNIT, HELP under the base name, "unknown", "info", HELP quotes
// escaped, and the closing "# EOF".
void writeOpenMetrics(const std::vector<Family>& families, std::string& out);

// The `name[]=` query (§8.1): selected when some requested name starts with the family's base
// name (which also covers a counter asked for as `<base>_total`). No names: everything.
bool familyMatchesNameFilter(const Family& family, const std::vector<std::string>& names);

// client_java's escaping of label values and HELP: '\' and newline, and '"' when asked.
void appendEscaped(std::string& out, std::string_view text, bool escapeQuotes);

}  // namespace nj::expo
