#include "jvm/shim.h"

#include <cstdint>
#include <string_view>
#include <vector>

#include "jvm/shim_bytes.h"
#include "jvm/vm.h"

namespace nj::jvm {
namespace {

constexpr const char* kWalker = "nativejmx/shim/Walker";
constexpr std::string_view kKeyStoreReader = "nativejmx/shim/KeyStoreReader";

jclass defineOrFind(JNIEnv* env, const ShimClass& c) {
    jclass cls = env->DefineClass(c.binaryName, nullptr, reinterpret_cast<const jbyte*>(c.bytes),
                                  static_cast<jsize>(c.size));
    if (cls != nullptr) return cls;
    // Already defined by an earlier load of the agent (e.g. a second jcmd JVMTI.agent_load).
    env->ExceptionClear();
    cls = env->FindClass(c.binaryName);
    if (cls == nullptr) env->ExceptionClear();
    return cls;
}

jobjectArray stringArray(JNIEnv* env, const std::vector<std::string>& values) {
    jclass stringClass = env->FindClass("java/lang/String");
    if (stringClass == nullptr) return nullptr;
    jobjectArray array = env->NewObjectArray(static_cast<jsize>(values.size()), stringClass, nullptr);
    env->DeleteLocalRef(stringClass);
    if (array == nullptr) return nullptr;
    for (size_t i = 0; i < values.size(); i++) {
        jstring s = env->NewStringUTF(values[i].c_str());
        if (s == nullptr) return nullptr;
        env->SetObjectArrayElement(array, static_cast<jsize>(i), s);
        env->DeleteLocalRef(s);
    }
    return array;
}

// name, count, attribute... for each entry (the shim's flattened map form)
std::vector<std::string> flatten(const rules::ObjectNameAttributes& map) {
    std::vector<std::string> flat;
    for (const auto& [name, attributes] : map) {
        flat.push_back(name);
        flat.push_back(std::to_string(attributes.size()));
        flat.insert(flat.end(), attributes.begin(), attributes.end());
    }
    return flat;
}

std::vector<std::string> flatten(const std::vector<rules::MetricCustomizer>& customizers) {
    std::vector<std::string> flat;
    for (const auto& c : customizers) {
        flat.push_back(c.domain);
        flat.push_back(std::to_string(c.properties.size()));
        for (const auto& [k, v] : c.properties) {
            flat.push_back(k);
            flat.push_back(v);
        }
        flat.push_back(std::to_string(c.attributesAsLabels.size()));
        flat.insert(flat.end(), c.attributesAsLabels.begin(), c.attributesAsLabels.end());
    }
    return flat;
}

}  // namespace

Shim::Shim(JNIEnv* env, jclass walker, jmethodID configure, jmethodID walk)
    : owner_(env), walker_(walker), configure_(configure), walk_(walk) {}

Shim::~Shim() {
    // Only the thread that owns the shim deletes it, while still attached.
    if (owner_ != nullptr && walker_ != nullptr) owner_->DeleteGlobalRef(walker_);
}

Result<jclass> shimClass(JNIEnv* env, const char* binaryName) {
    jclass wanted = nullptr;
    for (size_t i = 0; i < kShimClassCount; i++) {
        // The key store reader is only for HTTPS: defined when asked for, and then alone.
        const bool keyStore = std::string_view(kShimClasses[i].binaryName) == kKeyStoreReader;
        if (keyStore != (std::string_view(binaryName) == kKeyStoreReader)) continue;
        jclass cls = defineOrFind(env, kShimClasses[i]);
        if (cls == nullptr) {
            return makeError(std::string("cannot define the java-shim class ") + kShimClasses[i].binaryName);
        }
        if (std::string_view(kShimClasses[i].binaryName) == binaryName) wanted = cls;
        else env->DeleteLocalRef(cls);
    }
    if (wanted == nullptr) return makeError(std::string("the java-shim has no class ") + binaryName);
    return wanted;
}

Result<std::unique_ptr<Shim>> Shim::load(JNIEnv* env) {
    LocalFrame frame(env, 16);
    Result<jclass> found = shimClass(env, kWalker);
    if (!found) return found.error();
    jclass walker = found.value();
    jmethodID configure = env->GetStaticMethodID(
        walker, "configure",
        "([Ljava/lang/String;[Ljava/lang/String;Z[Ljava/lang/String;[Ljava/lang/String;Z[Ljava/lang/String;)"
        "Ljava/lang/String;");
    jmethodID walk = env->GetStaticMethodID(walker, "walk", "(Z)[[B");
    if (configure == nullptr || walk == nullptr) {
        return makeError("the java-shim does not have the expected methods: " + takeException(env));
    }
    auto global = static_cast<jclass>(env->NewGlobalRef(walker));
    if (global == nullptr) return makeError("out of memory defining the java-shim");
    return std::unique_ptr<Shim>(new Shim(env, global, configure, walk));
}

Status Shim::configure(JNIEnv* env, const rules::Config& config) {
    LocalFrame frame(env, 16);
    if (!frame.ok()) return makeError("out of memory: " + takeException(env));
    // null: every bean (no include list); an empty array: none (`includeObjectNames: []`)
    jobjectArray includes = config.includeAllBeans ? nullptr : stringArray(env, config.includeObjectNames);
    jobjectArray excludes = stringArray(env, config.excludeObjectNames);
    jobjectArray includeAttributes = stringArray(env, flatten(config.includeObjectNameAttributes));
    jobjectArray excludeAttributes = stringArray(env, flatten(config.excludeObjectNameAttributes));
    jobjectArray customizers = stringArray(env, flatten(config.metricCustomizers));
    if ((includes == nullptr && !config.includeAllBeans) || excludes == nullptr || includeAttributes == nullptr || excludeAttributes == nullptr ||
        customizers == nullptr) {
        return makeError("cannot pass the config to the java-shim: " + takeException(env));
    }
    auto problem = static_cast<jstring>(env->CallStaticObjectMethod(
        walker_, configure_, includes, excludes, static_cast<jboolean>(config.excludeJvmMetrics), includeAttributes,
        excludeAttributes, static_cast<jboolean>(config.autoExcludeObjectNameAttributes), customizers));
    if (std::string thrown = takeException(env); !thrown.empty()) return makeError(thrown);
    if (problem != nullptr) return makeError(toStdString(env, problem));
    return Ok{};
}

Result<std::string> Shim::walk(JNIEnv* env, bool jvmMetrics) {
    LocalFrame frame(env, 8);
    if (!frame.ok()) return makeError("out of memory: " + takeException(env));
    auto chunks = static_cast<jobjectArray>(
        env->CallStaticObjectMethod(walker_, walk_, static_cast<jboolean>(jvmMetrics)));
    if (std::string thrown = takeException(env); !thrown.empty()) return makeError(thrown);
    if (chunks == nullptr) return makeError("the java-shim returned no data");
    // Each chunk: its used length (4 bytes, little-endian, header included), then the data.
    constexpr jsize kHeader = 4;
    std::string buffer;
    for (jsize i = 0, count = env->GetArrayLength(chunks); i < count; i++) {
        auto chunk = static_cast<jbyteArray>(env->GetObjectArrayElement(chunks, i));
        if (chunk == nullptr) return makeError("the java-shim returned a null chunk");
        const jsize capacity = env->GetArrayLength(chunk);
        uint8_t header[kHeader] = {};
        if (capacity >= kHeader) env->GetByteArrayRegion(chunk, 0, kHeader, reinterpret_cast<jbyte*>(header));
        const uint32_t used = header[0] | header[1] << 8 | header[2] << 16 | static_cast<uint32_t>(header[3]) << 24;
        if (capacity < kHeader || used < kHeader || used > static_cast<uint32_t>(capacity)) {
            return makeError("the java-shim returned a malformed chunk");
        }
        const size_t at = buffer.size();
        buffer.resize(at + used - kHeader);
        env->GetByteArrayRegion(chunk, kHeader, static_cast<jsize>(used) - kHeader,
                                reinterpret_cast<jbyte*>(buffer.data() + at));
        env->DeleteLocalRef(chunk);
        if (std::string thrown = takeException(env); !thrown.empty()) return makeError(thrown);
    }
    return buffer;
}

}  // namespace nj::jvm
