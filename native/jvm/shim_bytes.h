// The java-shim's class files, embedded at build time (cmake/EmbedClasses.cmake).
#pragma once

#include <cstddef>

namespace nj::jvm {

struct ShimClass {
    const char* binaryName;       // e.g. "nativejmx/shim/Walker" (slashes, as DefineClass wants)
    const unsigned char* bytes;
    size_t size;
};

extern const ShimClass kShimClasses[];
extern const size_t kShimClassCount;

}  // namespace nj::jvm
