// The java-shim inside the JVM: defined from the bytes embedded in the agent, then called
// once per scrape (walk) and once per config (configure).
#pragma once

#include <jni.h>

#include <memory>
#include <string>

#include "common/result.h"
#include "rules/config.h"

namespace nj::jvm {

// Defines the java-shim classes in the bootstrap loader (no application class loader is
// touched), or finds them if an earlier load of the agent or another of our threads already
// did, and returns the one named (e.g. "nativejmx/shim/Walker") as a local reference. The
// Walker comes with every class but KeyStoreReader, which is defined only when asked for.
Result<jclass> shimClass(JNIEnv* env, const char* binaryName);

class Shim {
public:
    // The Walker, from shimClass().
    static Result<std::unique_ptr<Shim>> load(JNIEnv* env);
    ~Shim();

    // Installs the config's bean selection (include/exclude names and attributes,
    // excludeJvmMetrics, metricCustomizers). An error names the offending ObjectName.
    Status configure(JNIEnv* env, const rules::Config& config);

    // One walk of the platform MBean server: the encoded snapshot (see snapshot_decoder.h).
    Result<std::string> walk(JNIEnv* env, bool jvmMetrics);

private:
    Shim(JNIEnv* env, jclass walker, jmethodID configure, jmethodID walk);
    JNIEnv* owner_;
    jclass walker_;        // global reference
    jmethodID configure_;
    jmethodID walk_;
};

}  // namespace nj::jvm
