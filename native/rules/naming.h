// Metric and label names as the javaagent builds them (spec §6). Inputs are UTF-8; Java works
// on UTF-16 code units, and each function says what that means for non-ASCII text.
#pragma once

#include <string>
#include <string_view>

#include "exposition/families.h"

namespace nj::rules {

// jmx_exporter's toSafeName (§6.1), in place (a name is made once per sample, so no copy): every
// char outside [A-Za-z0-9:] and every run of them or of '_' becomes one '_'; a leading digit (Java
// Character.isDigit, so also e.g. U+0663) gets a '_' prepended. Any non-ASCII char is illegal:
// "åäö" -> "_".
void makeSafeName(std::string& name);

// jmx_exporter's attrNameSnakeCase (§6.2): lower-cases each char and puts '_' before an
// upper-case char that follows neither an upper-case char nor '_'. Upper/lower case is Java's
// Character.isUpperCase/toLowerCase per UTF-16 code unit, so chars beyond U+FFFF stay as they are.
std::string snakeCase(std::string_view attributeName);

// Java String.toLowerCase on an already sanitised (hence ASCII) name (§6.3), in place: a
// name is made once per sample, so no copy.
void lowercaseAscii(std::string& name);

// client_java's reserved-suffix stripping (§6.4) lives with the metric model, which groups by it.
using expo::stripReservedSuffixes;

}  // namespace nj::rules
