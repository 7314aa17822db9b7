#include "jvm/key_store.h"

#include "jvm/shim.h"
#include "jvm/vm.h"

namespace nj::jvm {
namespace {

constexpr const char* kKeyStoreReader = "nativejmx/shim/KeyStoreReader";
constexpr const char* kStoreArguments = "Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;";

// byte[][] from the shim, each element as a string of bytes.
Result<std::vector<std::string>> toByteStrings(JNIEnv* env, jobjectArray array) {
    std::vector<std::string> out;
    jsize count = env->GetArrayLength(array);
    for (jsize i = 0; i < count; i++) {
        auto bytes = static_cast<jbyteArray>(env->GetObjectArrayElement(array, i));
        if (std::string thrown = takeException(env); !thrown.empty()) return makeError(thrown);
        if (bytes == nullptr) return makeError("the java-shim returned an empty element");
        std::string& element = out.emplace_back(static_cast<size_t>(env->GetArrayLength(bytes)), '\0');
        env->GetByteArrayRegion(bytes, 0, static_cast<jsize>(element.size()), reinterpret_cast<jbyte*>(element.data()));
        env->DeleteLocalRef(bytes);
        if (std::string thrown = takeException(env); !thrown.empty()) return makeError(thrown);
    }
    return out;
}

// Calls KeyStoreReader.<method>(file, type, password[, extra]) -> byte[][].
Result<std::vector<std::string>> callReader(JNIEnv* env, const char* method, const StoreLocation& store,
                                            const std::string* extra) {
    LocalFrame frame(env, 16);
    if (!frame.ok()) return makeError("out of memory: " + takeException(env));
    Result<jclass> reader = shimClass(env, kKeyStoreReader);
    if (!reader) return reader.error();
    std::string signature = std::string("(") + kStoreArguments + (extra ? "Ljava/lang/String;" : "") + ")[[B";
    jmethodID id = env->GetStaticMethodID(reader.value(), method, signature.c_str());
    if (id == nullptr) return makeError("the java-shim has no " + std::string(method) + ": " + takeException(env));
    jstring file = env->NewStringUTF(store.file.c_str());
    jstring type = store.type ? env->NewStringUTF(store.type->c_str()) : nullptr;
    jstring password = env->NewStringUTF(store.password.c_str());
    jstring extraText = extra ? env->NewStringUTF(extra->c_str()) : nullptr;
    if (file == nullptr || (store.type && type == nullptr) || password == nullptr || (extra && extraText == nullptr))
        return makeError("out of memory: " + takeException(env));
    auto result = static_cast<jobjectArray>(extra ? env->CallStaticObjectMethod(reader.value(), id, file, type, password, extraText)
                                                  : env->CallStaticObjectMethod(reader.value(), id, file, type, password));
    if (std::string thrown = takeException(env); !thrown.empty()) return makeError(thrown);
    if (result == nullptr) return makeError("the java-shim returned nothing");
    return toByteStrings(env, result);
}

}  // namespace

Result<KeyEntry> readKeyEntry(JNIEnv* env, const StoreLocation& store, const std::string& requestedAlias) {
    Result<std::vector<std::string>> parts = callReader(env, "readKeyEntry", store, &requestedAlias);
    if (!parts) return parts.error();
    std::vector<std::string>& p = parts.value();
    if (p.size() < 3) return makeError("the java-shim returned an incomplete key entry");
    KeyEntry entry{std::move(p[0]), std::move(p[1]), {}};
    entry.certificateChain.assign(std::make_move_iterator(p.begin() + 2), std::make_move_iterator(p.end()));
    return entry;
}

Result<std::vector<std::string>> readTrustedCertificates(JNIEnv* env, const StoreLocation& store) {
    return callReader(env, "readTrustedCertificates", store, nullptr);
}

}  // namespace nj::jvm
