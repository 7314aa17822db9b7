// httpServer.* (spec §11), read as the javaagent's HTTPServerFactory reads it: through
// MapAccessor paths (a key under something that is not a map is absent; null is absent) and
// the lenient ToString/ToInteger/ToBoolean converters. Only what can be checked without a JVM
// is checked here: key and trust stores are read by the agent, which also falls back to the
// javax.net.ssl.* system properties for what is left empty.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

#include "rules/config.h"
#include "rules/config_reader.h"

namespace nj::rules::config_detail {
namespace {

constexpr int kMaximumThreads = 256;

struct HashAlgorithm {
    std::string_view name;
    bool pbkdf2;
    int defaultIterations;   // PBKDF2 only
};
constexpr std::array<HashAlgorithm, 6> kHashAlgorithms{{
    {"SHA-1", false, 0},
    {"SHA-256", false, 0},
    {"SHA-512", false, 0},
    {"PBKDF2WithHmacSHA1", true, 1300000},
    {"PBKDF2WithHmacSHA256", true, 600000},
    {"PBKDF2WithHmacSHA512", true, 210000},
}};
constexpr int kDefaultPbkdf2KeyLength = 128;

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// An integer of at least `minimum` (and at most `maximum`), read leniently.
Result<std::optional<int>> boundedInteger(const Reader& reader, const Field& f, int minimum, int maximum) {
    std::optional<int> value;
    NJ_ASSIGN(value, reader.lenientInteger(f));
    if (value && (*value < minimum || *value > maximum)) {
        std::string range = maximum == INT32_MAX
                                ? "at least " + std::to_string(minimum)
                                : "between " + std::to_string(minimum) + " and " + std::to_string(maximum);
        return reader.error(f, "must be " + range + ", found " + std::to_string(*value));
    }
    return value;
}

Status readThreads(const Reader& reader, const Field& threads, ThreadsConfig& out) {
    if (!threads.isMap()) return Ok{};
    Field minimum = threads.child("minimum");
    NJ_ASSIGN(out.minimum,
              reader.required(boundedInteger(reader, minimum, 1, INT32_MAX), minimum, "an integer of at least 1"));
    Field maximum = threads.child("maximum");
    NJ_ASSIGN(out.maximum, reader.required(boundedInteger(reader, maximum, out.minimum, kMaximumThreads), maximum,
                                           "an integer from minimum to 256"));
    Field keepAlive = threads.child("keepAliveTime");
    NJ_ASSIGN(out.keepAliveTime,
              reader.required(boundedInteger(reader, keepAlive, 1, INT32_MAX), keepAlive, "seconds, at least 1"));
    return Ok{};
}

Result<std::string> requiredResolved(const Reader& reader, const Field& f, std::string_view what) {
    std::string value;
    NJ_ASSIGN(value, reader.required(reader.lenientString(f), f, what));
    return reader.resolve(f, value);
}

// The hash as the authenticators read it: lower-cased, ':' dropped, then hex digit pairs.
Result<std::string> normalisedHash(const Reader& reader, const Field& f, const std::string& hash) {
    std::string hex;
    for (char c : hash) {
        if (c != ':') hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (hex.size() % 2 != 0) {
        return reader.error(f, "must have an even number of hex digits (Hex string must have an even length)");
    }
    if (!std::all_of(hex.begin(), hex.end(), [](unsigned char c) { return std::isxdigit(c); })) {
        return reader.error(
            f, "must be hex digits, optionally separated by ':' (Hex string contains a non-hexadecimal character)");
    }
    return hex;
}

Status readBasicAuth(const Reader& reader, const Field& basic, BasicAuthConfig& out) {
    if (!basic.isMap()) return reader.error(basic, "must be a map with a username and a password (or passwordHash)");
    NJ_ASSIGN(out.username, requiredResolved(reader, basic.child("username"), "a string"));

    Field algorithm = basic.child("algorithm");
    std::optional<std::string> name;
    NJ_ASSIGN(name, reader.lenientString(algorithm));
    if (!name || equalsIgnoreCase(*name, "plaintext")) {
        out.algorithm = "plaintext";
        NJ_ASSIGN(out.password, requiredResolved(reader, basic.child("password"), "a string"));
        return Ok{};
    }
    auto known = std::find_if(kHashAlgorithms.begin(), kHashAlgorithms.end(),
                              [&](const HashAlgorithm& a) { return a.name == *name; });
    if (known == kHashAlgorithms.end()) {
        return reader.error(algorithm, "unsupported algorithm [" + *name +
                                           "]: use plaintext, SHA-1, SHA-256, SHA-512, PBKDF2WithHmacSHA1, "
                                           "PBKDF2WithHmacSHA256 or PBKDF2WithHmacSHA512");
    }
    out.algorithm = *name;

    Field hash = basic.child("passwordHash");
    std::string hashText;
    NJ_ASSIGN(hashText, reader.required(reader.lenientString(hash), hash, "hex digits"));
    Field salt = basic.child("salt");
    NJ_ASSIGN(out.salt, reader.required(reader.lenientString(salt), salt, "a string"));
    NJ_ASSIGN(out.passwordHash, normalisedHash(reader, hash, hashText));
    if (!known->pbkdf2) return Ok{};

    std::optional<int> iterations;
    NJ_ASSIGN(iterations, boundedInteger(reader, basic.child("iterations"), 1, INT32_MAX));
    out.iterations = iterations.value_or(known->defaultIterations);
    out.recommendedIterations = known->defaultIterations;
    Field keyLength = basic.child("keyLength");
    std::optional<int> length;
    NJ_ASSIGN(length, boundedInteger(reader, keyLength, 1, INT32_MAX));
    out.keyLength = length.value_or(kDefaultPbkdf2KeyLength);
    // The derived key is as long as the hash; keyLength must say so, in bits or (as older
    // configs do) in bytes.
    int64_t hashBytes = static_cast<int64_t>(out.passwordHash.size() / 2);
    if (out.keyLength != hashBytes * 8 && out.keyLength != hashBytes) {
        return reader.error(keyLength, "is " + std::to_string(out.keyLength) + " but the passwordHash has " +
                                           std::to_string(hashBytes * 8) + " bits (" + std::to_string(hashBytes) +
                                           " bytes): set keyLength to " + std::to_string(hashBytes * 8));
    }
    return Ok{};
}

Status readAuthentication(const Reader& reader, const Field& authentication, HttpServerConfig& out) {
    if (authentication.absent()) return Ok{};
    Field plugin = authentication.child("plugin");
    if (plugin.isNull()) {
        BasicAuthConfig basic;
        NJ_TRY(readBasicAuth(reader, authentication.child("basic"), basic));
        out.basicAuth = std::move(basic);
        return Ok{};
    }
    if (!plugin.isMap()) return reader.error(plugin, "must be a map");
    Field pluginClass = plugin.child("class");
    NJ_ASSIGN(out.authenticationPluginClass,
              reader.required(reader.lenientString(pluginClass), pluginClass, "a Java class name"));
    NJ_TRY(reader.lenientString(plugin.child("subjectAttributeName")));   // checked, not used
    out.authenticationPlugin = true;
    return Ok{};
}

// A store's settings; the password goes through ${VAR} resolution.
Status readStore(const Reader& reader, const Field& store, StoreConfig& out) {
    NJ_ASSIGN(out.filename, reader.lenientString(store.child("filename")));
    NJ_ASSIGN(out.type, reader.lenientString(store.child("type")));
    Field password = store.child("password");
    if (!password.isNull()) NJ_ASSIGN(out.password, requiredResolved(reader, password, "a string"));
    return Ok{};
}

// A comma-separated list, trimmed, empty items dropped.
Status readCommaList(const Reader& reader, const Field& f, std::vector<std::string>& out) {
    std::optional<std::string> text;
    NJ_ASSIGN(text, reader.lenientString(f));
    if (!text) return Ok{};
    size_t start = 0;
    while (start <= text->size()) {
        size_t comma = std::min(text->find(',', start), text->size());
        std::string_view item = config_detail::javaTrim(std::string_view(*text).substr(start, comma - start));
        if (!item.empty()) out.emplace_back(item);
        start = comma + 1;
    }
    return Ok{};
}

Status readTls(const Reader& reader, const Field& ssl, HttpServerConfig& out) {
    if (ssl.absent()) return Ok{};   // present, even empty: HTTPS
    TlsConfig tls;
    NJ_TRY(readStore(reader, ssl.child("keyStore"), tls.keyStore));
    Field alias = ssl.child("certificate").child("alias");
    NJ_ASSIGN(tls.certificateAlias, reader.required(reader.lenientString(alias), alias, "the javaagent requires it"));
    std::optional<bool> mutual;
    NJ_ASSIGN(mutual, reader.lenientBoolean(ssl.child("mutualTLS")));
    tls.mutualTLS = mutual.value_or(false);
    if (tls.mutualTLS) NJ_TRY(readStore(reader, ssl.child("trustStore"), tls.trustStore));
    NJ_TRY(readCommaList(reader, ssl.child("protocols"), tls.protocols));
    NJ_TRY(readCommaList(reader, ssl.child("ciphers"), tls.ciphers));
    out.ssl = std::move(tls);
    return Ok{};
}

}  // namespace

Status readHttpServer(const Reader& reader, const Field& httpServer, HttpServerConfig& out) {
    Field metrics = httpServer.child("metrics");
    if (metrics.isMap()) {
        Field path = metrics.child("path");
        std::string text;
        NJ_ASSIGN(text, reader.required(reader.lenientString(path), path, "a path such as /metrics"));
        // The JDK's HttpServer.createContext refuses a path that does not start with '/'.
        if (text[0] != '/') return reader.error(path, "must start with '/', found \"" + text + "\"");
        out.metricsPath = std::move(text);
    }
    NJ_TRY(readThreads(reader, httpServer.child("threads"), out.threads));
    NJ_ASSIGN(out.maximumRequestSeconds,
              boundedInteger(reader, httpServer.child("maximumRequestSeconds"), 1, INT32_MAX));
    NJ_TRY(readAuthentication(reader, httpServer.child("authentication"), out));
    NJ_TRY(readTls(reader, httpServer.child("ssl"), out));
    return Ok{};
}

}  // namespace nj::rules::config_detail

namespace nj::rules {

Result<StoreConfig> completeStore(const StoreConfig& configured, StoreKind kind,
                                  const std::function<std::string(const std::string&)>& systemProperty) {
    const std::string key = kind == StoreKind::Key ? "keyStore" : "trustStore";
    const std::string property = "javax.net.ssl." + key;
    auto fromProperty = [&](const std::string& name) -> std::optional<std::string> {
        std::string value = systemProperty(name);
        if (value.empty()) return std::nullopt;
        return value;
    };
    StoreConfig store = configured;
    if (!store.filename) store.filename = fromProperty(property);
    if (!store.type) store.type = fromProperty(property + "Type");
    if (!store.password) {
        if (std::optional<std::string> password = fromProperty(property + "Password")) {
            Result<std::string> resolved = resolveVariable(*password);
            if (!resolved) return makeError("system property " + property + "Password: " + resolved.error().message);
            store.password = std::move(resolved).value();
        }
    }
    auto missing = [&](const std::string& name, const std::string& fallback) {
        return makeError("httpServer.ssl." + key + "." + name + " is not set, nor is the system property " + fallback);
    };
    if (!store.filename) return missing("filename", property);
    if (!store.password) return missing("password", property + "Password");
    return store;
}

}  // namespace nj::rules
