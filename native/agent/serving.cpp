#include "agent/serving.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <memory>

#include "common/log.h"
#include "http/endpoints.h"
#include "http/server.h"

namespace nj::agent {
namespace {

// Prometheus sends its scrape timeout; answering at that very moment would be too late for
// it, so the deadline leaves a margin of a tenth (at least 100 ms).
std::optional<std::chrono::milliseconds> deadlineFrom(const http::Request& request) {
    auto header = request.header("X-Prometheus-Scrape-Timeout-Seconds");
    if (!header) return std::nullopt;
    double seconds = 0;
    auto [end, ec] = std::from_chars(header->data(), header->data() + header->size(), seconds);
    if (ec != std::errc() || !std::isfinite(seconds) || seconds <= 0) return std::nullopt;
    double margin = std::max(0.1, seconds * 0.1);
    auto ms = static_cast<int64_t>(std::max(0.1, seconds - margin) * 1000);
    return std::chrono::milliseconds(ms);
}

http::ScrapeFailure failureOf(const ScrapeOutcome& outcome) {
    auto kind = outcome.status == 503 ? http::ScrapeFailure::Kind::NotConfigured : http::ScrapeFailure::Kind::ScrapeFailed;
    return http::ScrapeFailure{kind, outcome.message};
}

// One request's view of the scraper: it carries that request's deadline.
class RequestSource : public http::MetricsSource {
public:
    RequestSource(Scraper& scraper, std::optional<std::chrono::milliseconds> deadline)
        : scraper_(scraper), deadline_(deadline) {}

    http::ScrapeOutcome scrape() override {
        std::shared_ptr<const ScrapeOutcome> outcome = scraper_.scrape(deadline_);
        if (outcome->status == 200 && !outcome->collectors.empty()) return outcome->collectors;  // a rare case: copied
        if (outcome->status == 200) return http::SharedFamilies(outcome, &outcome->families);  // no copy
        return failureOf(*outcome);
    }

    http::BeanDumpOutcome beanDump() override {
        std::shared_ptr<const ScrapeOutcome> outcome = scraper_.scrape(deadline_);
        if (outcome->beanDump) return *outcome->beanDump;
        if (outcome->status == 200) {
            return http::ScrapeFailure{http::ScrapeFailure::Kind::NotConfigured,
                                       "nativejmx.beanDump.endpoint is not set in the current config"};
        }
        return failureOf(*outcome);
    }

private:
    Scraper& scraper_;
    std::optional<std::chrono::milliseconds> deadline_;
};

}  // namespace

class Serving {
public:
    std::unique_ptr<http::Server> server;
};

Result<Serving*> startServing(const AgentOptions& options, const rules::HttpServerConfig& config, bool beansEndpoint,
                              Scraper& scraper, std::shared_ptr<const http::TlsContext> tls) {
    http::ServerOptions serverOptions;
    serverOptions.host = options.host;
    serverOptions.port = options.port.value_or(0);
    serverOptions.threads = config.threads.maximum;
    serverOptions.maximumRequestSeconds = config.maximumRequestSeconds
                                              ? std::optional(std::chrono::seconds(*config.maximumRequestSeconds))
                                              : std::nullopt;
    serverOptions.headersOnEveryResponse = http::securityHeaders(config.ssl.has_value());
    serverOptions.tls = std::move(tls);

    http::EndpointOptions endpoints;
    endpoints.customMetricsPath = config.metricsPath.value_or("");
    if (config.basicAuth) endpoints.authenticator = std::make_shared<http::BasicAuthenticator>(*config.basicAuth);
    if (beansEndpoint) {
        endpoints.beans = config.basicAuth ? http::EndpointOptions::Beans::Served : http::EndpointOptions::Beans::Refused;
        if (!config.basicAuth) {
            logLine("nativejmx.beanDump.endpoint: /beans answers 403: the bean dump holds the String values of every "
                    "MBean, so it is served only with httpServer.authentication; /metrics is served as usual");
        }
    }

    // The server pointer is known only once start() returns, but requests may come before.
    auto bound = std::make_shared<std::atomic<http::Server*>>(nullptr);
    http::Handler handler = [&scraper, endpoints, bound](const http::Request& request) {
        // 429s of a saturated server, and of PBKDF2 checks that were all busy.
        if (http::Server* server = bound->load()) {
            const auto& authenticator = endpoints.authenticator;
            scraper.noteRejectedRequests(server->rejectedRequests() + (authenticator ? authenticator->busyRefusals() : 0));
        }
        RequestSource source(scraper, deadlineFrom(request));
        return http::handleRequest(request, endpoints, source);
    };
    Result<std::unique_ptr<http::Server>> server = http::Server::start(std::move(serverOptions), std::move(handler));
    if (!server) return server.error();
    auto* serving = new Serving{std::move(server).value()};
    bound->store(serving->server.get());
    return serving;
}

void replaceTls(Serving& serving, std::shared_ptr<const http::TlsContext> tls) { serving.server->replaceTls(std::move(tls)); }

}  // namespace nj::agent
