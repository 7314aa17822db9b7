// Reads the java-shim's walk buffer (java-shim/src/nativejmx/shim/Walker.java) into a
// BeanSnapshot and the JVM metric families. Pure C++: no JNI, unit-tested on made-up bytes.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "exposition/metric_model.h"
#include "rules/snapshot.h"

namespace nj::jvm {

struct DecodedWalk {
    rules::Snapshot snapshot;
    std::vector<expo::Family> jvmFamilies;   // empty unless the walk was asked for them
};

// Takes ownership of the buffer (the snapshot's strings point into it). A malformed buffer
// (which would be our bug) is an error, never a crash. expectedBeans: room made at once for that
// many beans (the last walk's count), so the bean list is not copied as it grows.
Result<DecodedWalk> decodeWalk(std::string buffer, size_t expectedBeans = 0);

}  // namespace nj::jvm
