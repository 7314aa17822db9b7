// TLS for the HTTP server (spec §11.7): an OpenSSL context built from DER key material (the
// agent reads it from Java key stores) and the httpServer.ssl settings. TLS 1.2 and 1.3 only.
// Boost and OpenSSL stay behind this header.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace boost::asio::ssl {
class context;
}

namespace nj::http {

struct TlsMaterial {
    std::string privateKeyPkcs8;                   // DER
    std::vector<std::string> certificateChain;     // DER, the server's certificate first
    std::vector<std::string> trustedCertificates;  // DER; used when client certificates are required
};

struct TlsSettings {
    bool requireClientCertificate = false;  // httpServer.ssl.mutualTLS
    std::vector<std::string> protocols;     // Java names ("TLSv1.3"); empty: TLS 1.2 and 1.3
    std::vector<std::string> ciphers;       // Java (IANA) names; empty: OpenSSL's defaults
};

// The settings alone, before any key material: an error for what cannot be served at all (an
// unknown protocol or cipher suite, nothing left to serve), else warnings, as log lines, for what
// is left out (protocols older than TLS 1.2). TlsContext::create checks the same.
Result<std::vector<std::string>> checkTlsSettings(const TlsSettings& settings);

class TlsContext {
public:
    // Errors name the setting or the material at fault, e.g. "httpServer.ssl.ciphers: unknown
    // cipher suite TLS_FOO" or "the private key does not match the certificate". The material's
    // private key bytes are wiped before it returns.
    static Result<std::shared_ptr<const TlsContext>> create(TlsMaterial material, const TlsSettings& settings);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    // For the server's streams: each connection's SSL object takes its own reference to it.
    boost::asio::ssl::context& native() const { return *context_; }

private:
    explicit TlsContext(std::unique_ptr<boost::asio::ssl::context> context);
    std::unique_ptr<boost::asio::ssl::context> context_;
};

}  // namespace nj::http
