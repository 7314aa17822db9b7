// libFuzzer target for the request path: bytes as a client sends them -> Beast's parser with
// the server's limits -> toRequest (target and query decoding) -> the endpoints with each kind
// of authentication (Base64 and credential checks, routing, negotiation, name[] filtering, the
// merge of collectors, the writers). No sockets and no threads, so it runs fast and repeatably.
#include <cstddef>
#include <cstdint>
#include <memory>

#include <boost/beast/http.hpp>

#include "http/basic_auth.h"
#include "http/endpoints.h"
#include "http/wire_request.h"

namespace {

using nj::expo::Family;
using nj::expo::MetricType;

Family family(std::string name, MetricType type, nj::expo::Labels labels, double value) {
    Family f{std::move(name), type, "help with \\ and \n", "", {}};
    f.samples.push_back({"", std::move(labels), value, nj::expo::ValueStyle::Double});
    return f;
}

// Two collectors that clash on one family name (a 500 unless name[] leaves it out).
class FixedSource : public nj::http::MetricsSource {
public:
    nj::http::ScrapeOutcome scrape() override {
        return nj::http::CollectorFamilies{
            {family("jvm_threads_current", MetricType::Gauge, {}, 12),
             family("clash", MetricType::Gauge, {{"a", "x\"y"}}, 1)},
            {family("clash", MetricType::Counter, {{"a", "z"}}, 2),
             family("kafka_messages_in", MetricType::Counter, {{"topic", "t\\1"}}, 3.5)},
        };
    }
};

nj::rules::BasicAuthConfig authConfig(const char* algorithm) {
    nj::rules::BasicAuthConfig config;
    config.username = "prometheus";
    config.algorithm = algorithm;
    config.password = "secret";
    config.salt = "salt";
    config.iterations = 1;
    config.passwordHash = "00112233445566778899aabbccddeeff";
    return config;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace wire = boost::beast::http;
    static const std::shared_ptr<nj::http::BasicAuthenticator> authenticators[] = {
        nullptr,
        std::make_shared<nj::http::BasicAuthenticator>(authConfig("plaintext")),
        std::make_shared<nj::http::BasicAuthenticator>(authConfig("SHA-256")),
        std::make_shared<nj::http::BasicAuthenticator>(authConfig("PBKDF2WithHmacSHA512")),
    };

    wire::request_parser<wire::string_body> parser;  // the limits of http::ServerOptions' defaults
    parser.header_limit(16 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(true);
    // As the server's reads: each put() takes what it can (a header, then chunks of the body).
    boost::asio::const_buffer input(data, size);
    while (input.size() > 0 && !parser.is_done()) {
        boost::beast::error_code ec;
        const size_t used = parser.put(input, ec);
        if (ec || used == 0) return 0;  // malformed, over a limit, or cut short
        input += used;
    }
    if (!parser.is_done()) return 0;
    const nj::http::Request request = nj::http::toRequest(parser.release(), "127.0.0.1");

    FixedSource source;
    for (const auto& authenticator : authenticators) {
        nj::http::EndpointOptions options;
        options.customMetricsPath = "/custom/metrics";
        options.authenticator = authenticator;
        nj::http::handleRequest(request, options, source);
    }
    return 0;
}
