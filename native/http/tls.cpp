#include "http/tls.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include <boost/asio/ssl/context.hpp>

namespace nj::http {
namespace {

namespace ssl = boost::asio::ssl;

// Java protocol names (case-sensitive, as SSLParameters.setProtocols takes them).
constexpr std::pair<std::string_view, int> kServedProtocols[] = {{"TLSv1.2", TLS1_2_VERSION}, {"TLSv1.3", TLS1_3_VERSION}};
constexpr std::string_view kLegacyProtocols[] = {"SSLv2Hello", "SSLv3", "TLSv1", "TLSv1.1"};
// A signalling value the JDK lists among its cipher suites; OpenSSL always signals it.
constexpr std::string_view kRenegotiationSignal = "TLS_EMPTY_RENEGOTIATION_INFO_SCSV";

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
    std::string text;
    for (const std::string& item : items) text.append(text.empty() ? "" : separator).append(item);
    return text;
}

// Drains this thread's OpenSSL error queue into one line.
std::string openSslErrors() {
    std::string text;
    while (unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        text.append(text.empty() ? "" : "; ").append(buffer);
    }
    return text.empty() ? "unknown OpenSSL error" : text;
}

// Before any other OpenSSL call: no atexit cleanup (it would free what our server threads may
// still use while the JVM exits), and no host openssl.cnf (it could load modules into someone
// else's process; our settings come from the config alone). Later calls change nothing.
bool initOpenSsl() { return OPENSSL_init_ssl(OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_NO_LOAD_CONFIG, nullptr) == 1; }

struct ProtocolRange {
    int minimum = 0;
    int maximum = 0;
    std::vector<std::string> legacy;  // asked for, not served
};

Result<ProtocolRange> protocolRange(const std::vector<std::string>& names) {
    if (names.empty()) return ProtocolRange{TLS1_2_VERSION, TLS1_3_VERSION, {}};
    ProtocolRange range;
    for (const std::string& name : names) {
        auto served = std::find_if(std::begin(kServedProtocols), std::end(kServedProtocols),
                                   [&](const auto& p) { return p.first == name; });
        if (served != std::end(kServedProtocols)) {
            range.minimum = range.minimum == 0 ? served->second : std::min(range.minimum, served->second);
            range.maximum = std::max(range.maximum, served->second);
        } else if (std::find(std::begin(kLegacyProtocols), std::end(kLegacyProtocols), name) != std::end(kLegacyProtocols)) {
            range.legacy.push_back(name);
        } else {
            return makeError("httpServer.ssl.protocols: unknown protocol " + name + " (nativejmx serves TLSv1.2 and TLSv1.3)");
        }
    }
    if (range.minimum == 0) {
        return makeError("httpServer.ssl.protocols: " + joined(names, ",") +
                         " leaves nothing to serve (nativejmx serves TLSv1.2 and TLSv1.3 only)");
    }
    return range;
}

struct CipherSelection {
    std::vector<std::string> tls12;  // OpenSSL names, for SSL_CTX_set_cipher_list
    std::vector<std::string> tls13;  // for SSL_CTX_set_ciphersuites (the names are the same)
};

// Every cipher suite this OpenSSL knows, by its standard (IANA, Java) name.
Result<std::map<std::string, const SSL_CIPHER*, std::less<>>> knownCipherSuites() {
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
    if (!context || SSL_CTX_set_cipher_list(context.get(), "ALL:COMPLEMENTOFALL") != 1) return makeError(openSslErrors());
    std::unique_ptr<SSL, decltype(&SSL_free)> connection(SSL_new(context.get()), SSL_free);
    if (!connection) return makeError(openSslErrors());
    std::map<std::string, const SSL_CIPHER*, std::less<>> known;
    STACK_OF(SSL_CIPHER)* ciphers = SSL_get_ciphers(connection.get());
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++) {
        const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(ciphers, i);
        if (const char* standard = SSL_CIPHER_standard_name(cipher)) known.emplace(standard, cipher);
    }
    return known;
}

Result<CipherSelection> cipherSelection(const std::vector<std::string>& names) {
    auto known = knownCipherSuites();
    if (!known) return known.error();
    CipherSelection selection;
    for (const std::string& name : names) {
        if (name == kRenegotiationSignal) continue;
        auto found = known->find(name);
        if (found == known->end()) return makeError("httpServer.ssl.ciphers: unknown cipher suite " + name);
        if (std::string_view(SSL_CIPHER_get_version(found->second)) == "TLSv1.3") selection.tls13.push_back(name);
        else selection.tls12.emplace_back(SSL_CIPHER_get_name(found->second));
    }
    return selection;
}

// What the settings make of TLS: the protocol range and the cipher suites by OpenSSL's names.
struct TlsPlan {
    ProtocolRange range;
    std::optional<CipherSelection> ciphers;  // absent: OpenSSL's defaults
};

// The cipher suites narrow the protocol range: without a TLS 1.3 suite there is no TLS 1.3.
Result<TlsPlan> planFor(const TlsSettings& settings) {
    auto range = protocolRange(settings.protocols);
    if (!range) return range.error();
    TlsPlan plan{std::move(range).value(), std::nullopt};
    if (settings.ciphers.empty()) return plan;
    auto selection = cipherSelection(settings.ciphers);
    if (!selection) return selection.error();
    if (selection->tls12.empty()) plan.range.minimum = std::max(plan.range.minimum, TLS1_3_VERSION);
    if (selection->tls13.empty()) plan.range.maximum = std::min(plan.range.maximum, TLS1_2_VERSION);
    if (plan.range.minimum > plan.range.maximum) {
        return makeError("httpServer.ssl.ciphers: no cipher suite of " + joined(settings.ciphers, ",") +
                         " works with the protocols served (" +
                         (settings.protocols.empty() ? "TLSv1.2,TLSv1.3" : joined(settings.protocols, ",")) + ")");
    }
    plan.ciphers = std::move(selection).value();
    return plan;
}

Status applyPlan(SSL_CTX* context, const TlsPlan& plan) {
    if (plan.ciphers) {
        // An empty TLS 1.2 list is left alone: the range excludes TLS 1.2 then.
        if (!plan.ciphers->tls12.empty() && SSL_CTX_set_cipher_list(context, joined(plan.ciphers->tls12, ":").c_str()) != 1)
            return makeError("httpServer.ssl.ciphers: " + openSslErrors());
        if (SSL_CTX_set_ciphersuites(context, joined(plan.ciphers->tls13, ":").c_str()) != 1)
            return makeError("httpServer.ssl.ciphers: " + openSslErrors());
    }
    if (SSL_CTX_set_min_proto_version(context, plan.range.minimum) != 1 ||
        SSL_CTX_set_max_proto_version(context, plan.range.maximum) != 1)
        return makeError(openSslErrors());
    return Ok{};
}

using X509Pointer = std::unique_ptr<X509, decltype(&X509_free)>;

Result<X509Pointer> parseCertificate(const std::string& der, std::string_view what) {
    auto bytes = reinterpret_cast<const unsigned char*>(der.data());
    X509Pointer certificate(d2i_X509(nullptr, &bytes, static_cast<long>(der.size())), X509_free);
    if (!certificate) return makeError("cannot parse " + std::string(what) + ": " + openSslErrors());
    return certificate;
}

Status applyKeyAndChain(SSL_CTX* context, const TlsMaterial& material) {
    if (material.certificateChain.empty()) return makeError("the key entry has no certificate");
    auto keyBytes = reinterpret_cast<const unsigned char*>(material.privateKeyPkcs8.data());
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> info(
        d2i_PKCS8_PRIV_KEY_INFO(nullptr, &keyBytes, static_cast<long>(material.privateKeyPkcs8.size())),
        PKCS8_PRIV_KEY_INFO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(info ? EVP_PKCS82PKEY(info.get()) : nullptr, EVP_PKEY_free);
    if (!key) return makeError("cannot use the private key: " + openSslErrors());
    for (size_t i = 0; i < material.certificateChain.size(); i++) {
        auto certificate = parseCertificate(material.certificateChain[i], i == 0 ? "the certificate" : "a chain certificate");
        if (!certificate) return certificate.error();
        int added = i == 0 ? SSL_CTX_use_certificate(context, certificate->get())
                           : static_cast<int>(SSL_CTX_add1_chain_cert(context, certificate->get()));
        if (added != 1) return makeError("cannot use the certificate chain: " + openSslErrors());
    }
    if (SSL_CTX_use_PrivateKey(context, key.get()) != 1 || SSL_CTX_check_private_key(context) != 1)
        return makeError("the private key does not match the certificate: " + openSslErrors());
    return Ok{};
}

// As the JDK's trust managers: every trusted certificate is an anchor, a leaf too
// (X509_V_FLAG_PARTIAL_CHAIN), and clients are told which issuers are accepted.
Status requireClientCertificates(SSL_CTX* context, const TlsMaterial& material) {
    if (material.trustedCertificates.empty()) return makeError("mutualTLS needs a trust store with certificates");
    X509_STORE* store = SSL_CTX_get_cert_store(context);
    for (const std::string& der : material.trustedCertificates) {
        auto certificate = parseCertificate(der, "a trusted certificate");
        if (!certificate) return certificate.error();
        if (X509_STORE_add_cert(store, certificate->get()) != 1 || SSL_CTX_add_client_CA(context, certificate->get()) != 1)
            return makeError("cannot trust a certificate: " + openSslErrors());
    }
    X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    return Ok{};
}

}  // namespace

Result<std::vector<std::string>> checkTlsSettings(const TlsSettings& settings) {
    if (!initOpenSsl()) return makeError("cannot initialise OpenSSL: " + openSslErrors());
    auto plan = planFor(settings);
    if (!plan) return plan.error();
    if (plan->range.legacy.empty()) return std::vector<std::string>{};
    return std::vector<std::string>{"httpServer.ssl.protocols: " + joined(plan->range.legacy, ",") +
                                    " left out (nativejmx serves TLSv1.2 and TLSv1.3 only)"};
}

Result<std::shared_ptr<const TlsContext>> TlsContext::create(TlsMaterial material, const TlsSettings& settings) {
    // OpenSSL keeps its own copy of the key; ours goes as soon as it is not needed.
    struct Wiped {
        std::string& secret;
        ~Wiped() { OPENSSL_cleanse(secret.data(), secret.size()); }
    } wiped{material.privateKeyPkcs8};
    if (!initOpenSsl()) return makeError("cannot initialise OpenSSL: " + openSslErrors());
    ERR_clear_error();
    try {
        auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
        SSL_CTX* native = context->native_handle();
        SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
        // Session resumption with client certificates needs an id context.
        static constexpr unsigned char kSessionContext[] = "nativejmx";
        SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
        auto plan = planFor(settings);
        if (!plan) return plan.error();
        if (Status applied = applyPlan(native, *plan); !applied) return applied.error();
        if (Status applied = applyKeyAndChain(native, material); !applied) return applied.error();
        if (settings.requireClientCertificate) {
            if (Status applied = requireClientCertificates(native, material); !applied) return applied.error();
        }
        return std::shared_ptr<const TlsContext>(new TlsContext(std::move(context)));
    } catch (const std::exception& e) {
        return makeError(std::string("cannot set up TLS: ") + e.what());
    }
}

TlsContext::TlsContext(std::unique_ptr<ssl::context> context) : context_(std::move(context)) {}

TlsContext::~TlsContext() = default;

}  // namespace nj::http
