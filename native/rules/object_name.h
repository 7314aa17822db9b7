// javax.management.ObjectName string syntax: what `new ObjectName(s)` accepts, with the same
// reasons when it refuses (checked against JDK 17), and the canonical name that ObjectName
// equality compares (spec §3.1: includeObjectNameAttributes keys).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace nj::rules {

struct ObjectNameInfo {
    // getCanonicalName(): the domain, then the key properties sorted by key (Java String
    // order), then ",*" (or "*" alone) for a property-list pattern.
    std::string canonicalName;
    bool isPattern = false;   // a domain pattern (* or ? in the domain), `,*`, or a value with * or ?
};

// The error message is MalformedObjectNameException's, e.g. "Key properties cannot be empty".
Result<ObjectNameInfo> parseObjectName(std::string_view name);

}  // namespace nj::rules
