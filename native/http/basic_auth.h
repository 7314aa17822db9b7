// HTTP basic authentication as the javaagent does it (spec §11.6): the JDK's BasicAuthenticator
// protocol (realm "/", credentials decoded as ISO-8859-1) with jmx_exporter's plaintext, SHA-x
// and PBKDF2 checks, compared in constant time. Safer than upstream in one way: a PBKDF2 check
// costs up to a second of CPU, so only a few run at once and the rest are answered 429 at once;
// correct credentials are cached, so a flood of wrong passwords does not starve real scrapes.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include "http/server.h"
#include "rules/config.h"

namespace nj::http {

class BasicAuthenticator {
public:
    // `concurrentSlowChecks`: PBKDF2 derivations allowed at the same time (at least 1).
    explicit BasicAuthenticator(const rules::BasicAuthConfig& config, int concurrentSlowChecks = 1);
    ~BasicAuthenticator();
    BasicAuthenticator(const BasicAuthenticator&) = delete;
    BasicAuthenticator& operator=(const BasicAuthenticator&) = delete;

    // Nothing when the request carries the configured credentials; otherwise the answer to
    // send: 401 (with Www-authenticate, except for a scheme other than "Basic", as the JDK), or
    // 429 when the PBKDF2 checks are all busy. Thread-safe.
    std::optional<Response> refusal(const Request& request);

    // 429 answers given because the PBKDF2 checks were all busy (jmx_http_requests_rejected_total).
    uint64_t busyRefusals() const { return busyRefusals_.load(); }

private:
    enum class Check { Match, Mismatch, Busy };
    Check check(std::string_view username, std::string_view password);

    struct Verifier;
    std::unique_ptr<Verifier> verifier_;
    std::atomic<uint64_t> busyRefusals_{0};
};

}  // namespace nj::http
