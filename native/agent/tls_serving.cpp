#include "agent/tls_serving.h"

#include <pthread.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "agent/serving.h"
#include "common/log.h"
#include "http/tls.h"
#include "jvm/key_store.h"
#include "jvm/vm.h"

namespace nj::agent {
namespace {

// How often the store files are compared with what was last read. Reading two small files
// costs next to nothing; the javaagent checks hourly, which is too slow to wait for.
constexpr auto kStoreCheckInterval = std::chrono::seconds(5);

// The whole file, or "" when it cannot be read (reading the store then says why).
std::string fileContents(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

jvm::StoreLocation locationOf(const rules::StoreConfig& store) {
    return {store.filename.value_or(""), store.type, store.password.value_or("")};
}

struct Stores {
    rules::StoreConfig key;
    std::optional<rules::StoreConfig> trust;  // mutualTLS only

    std::string contents() const { return fileContents(*key.filename) + '\0' + (trust ? fileContents(*trust->filename) : ""); }
};

Result<Stores> completeStores(const rules::TlsConfig& tls) {
    auto property = [](const std::string& name) { return jvm::VM::systemProperty(name.c_str()); };
    Result<rules::StoreConfig> key = rules::completeStore(tls.keyStore, rules::StoreKind::Key, property);
    if (!key) return key.error();
    Stores stores{std::move(key).value(), std::nullopt};
    if (tls.mutualTLS) {
        Result<rules::StoreConfig> trust = rules::completeStore(tls.trustStore, rules::StoreKind::Trust, property);
        if (!trust) return trust.error();
        stores.trust = std::move(trust).value();
    }
    return stores;
}

struct LoadedKeyEntry {
    std::shared_ptr<const http::TlsContext> context;
    std::string alias;  // the key entry in use
};

// Reads the stores inside the JVM, on this thread attached for the purpose.
Result<LoadedKeyEntry> loadContext(const Stores& stores, const rules::TlsConfig& tls) {
    jvm::AttachedThread attached("nativejmx-tls");
    if (attached.env() == nullptr) return makeError("cannot attach to the JVM to read the key store");
    Result<jvm::KeyEntry> entry = jvm::readKeyEntry(attached.env(), locationOf(stores.key), tls.certificateAlias);
    if (!entry) return makeError("cannot read the key store " + *stores.key.filename + ": " + entry.error().message);
    http::TlsMaterial material{std::move(entry->privateKeyPkcs8), std::move(entry->certificateChain), {}};
    if (stores.trust) {
        auto trusted = jvm::readTrustedCertificates(attached.env(), locationOf(*stores.trust));
        if (!trusted) return makeError("cannot read the trust store " + *stores.trust->filename + ": " + trusted.error().message);
        material.trustedCertificates = std::move(trusted).value();
    }
    auto context = http::TlsContext::create(std::move(material), {tls.mutualTLS, tls.protocols, tls.ciphers});
    if (!context) return makeError("the key store " + *stores.key.filename + ": " + context.error().message);
    return LoadedKeyEntry{std::move(context).value(), std::move(entry->alias)};
}

}  // namespace

void serveOverTls(const AgentOptions& options, const rules::HttpServerConfig& http, bool beansEndpoint,
                  Scraper& scraper) {
    pthread_setname_np(pthread_self(), "nativejmx-tls");  // this start-up thread now watches the stores
    const rules::TlsConfig& tls = *http.ssl;
    const std::string& file = options.configFile;
    Result<Stores> stores = [&] {
        jvm::AttachedThread attached("nativejmx-tls");  // JVMTI answers attached threads only
        return completeStores(tls);
    }();
    if (!stores) {
        logLine(file + ": " + stores.error().message + "; HTTPS cannot start, so nothing is served");
        return;
    }
    // Read once, as all of httpServer: an error here is not mended by fixing the store.
    auto warnings = http::checkTlsSettings({tls.mutualTLS, tls.protocols, tls.ciphers});
    if (!warnings) {
        logLine(file + ": " + warnings.error().message + "; HTTPS cannot start, so nothing is served");
        return;
    }
    for (const std::string& warning : *warnings) logLine(file + ": " + warning);

    Serving* serving = nullptr;
    std::string attempted;  // the store files as they were at the last read, good or bad
    std::string aliasInUse = tls.certificateAlias;
    for (;; std::this_thread::sleep_for(kStoreCheckInterval)) {
        std::string contents = stores->contents();
        if (!attempted.empty() && contents == attempted) continue;
        attempted = std::move(contents);
        Result<LoadedKeyEntry> loaded = loadContext(*stores, tls);
        if (!loaded) {
            logLine(file + ": httpServer.ssl: " + loaded.error().message +
                    (serving ? "; the key material read before stays in use"
                             : "; HTTPS is not served (nor plain HTTP) until the store is fixed"));
            continue;
        }
        if (loaded->alias != aliasInUse) {  // said once per change, not at every reload
            if (loaded->alias != tls.certificateAlias) {
                logLine(file + ": httpServer.ssl.certificate.alias '" + tls.certificateAlias + "' names no key entry of " +
                        *stores->key.filename + "; serving its key entry '" + loaded->alias +
                        "' (the javaagent does not use the alias either)");
            }
            aliasInUse = loaded->alias;
        }
        if (serving != nullptr) {
            replaceTls(*serving, std::move(loaded->context));
            continue;
        }
        Result<Serving*> started = startServing(options, http, beansEndpoint, scraper, std::move(loaded->context));
        if (!started) {
            logLine(started.error().message + "; the agent stays inactive and the application runs on");
            return;
        }
        serving = started.value();
    }
}

}  // namespace nj::agent
