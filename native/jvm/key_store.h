// Java key stores (JKS, PKCS12) read inside the JVM by the java-shim's KeyStoreReader, handed
// over as DER bytes for OpenSSL. Call on an attached thread of ours, never from Agent_OnLoad.
#pragma once

#include <jni.h>

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace nj::jvm {

struct StoreLocation {
    std::string file;
    std::optional<std::string> type;  // absent: KeyStore.getDefaultType()
    std::string password;             // also the key's password, as the javaagent has it
};

struct KeyEntry {
    std::string alias;                          // the entry used (see requestedAlias below)
    std::string privateKeyPkcs8;                // DER
    std::vector<std::string> certificateChain;  // DER, the server's certificate first
};

// The key entry named requestedAlias or, when the store has none by that name, its first key
// entry in alias order (as the javaagent, whose key manager ignores the alias). Errors are the
// JVM's, e.g. "java.io.IOException: keystore password was incorrect".
Result<KeyEntry> readKeyEntry(JNIEnv* env, const StoreLocation& store, const std::string& requestedAlias);

// Every certificate of a trust store (certificate entries and those of key entries), DER.
Result<std::vector<std::string>> readTrustedCertificates(JNIEnv* env, const StoreLocation& store);

}  // namespace nj::jvm
