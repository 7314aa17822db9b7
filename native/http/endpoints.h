// The exporter's endpoints (spec §11.1) with the javaagent's content negotiation (§8.1), as a
// plain function of the request: no sockets, no threads.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "exposition/metric_model.h"
#include "http/basic_auth.h"
#include "http/server.h"

namespace nj::http {

struct ScrapeFailure {
    enum class Kind {
        ScrapeFailed,   // 500 "An Exception occurred while scraping metrics: <message>", as upstream
        NotConfigured,  // 503 "<message>": no valid configuration yet (our deliberate difference)
    };
    Kind kind;
    std::string message;
};

// The families of one scrape, merged and sorted, shared by every request that joined it (a
// scrape's families are large: copying them per request would cost as much as writing them).
using SharedFamilies = std::shared_ptr<const std::vector<expo::Family>>;
// Or, when a family name appears in two collectors (so merging them may fail), each
// collector's families in registration order, not yet merged: name[] filters each collector
// before the merge, as client_java's registry does, so a conflict between families the filter
// excludes does not fail the request.
using CollectorFamilies = std::vector<std::vector<expo::Family>>;
// The families, or why there are none.
using ScrapeOutcome = std::variant<SharedFamilies, CollectorFamilies, ScrapeFailure>;

// A scrape's bean dump (JSON, docs/bean-dump.md), or why there is none.
using BeanDumpOutcome = std::variant<std::string, ScrapeFailure>;

class MetricsSource {
public:
    virtual ~MetricsSource() = default;
    // Called on the server's threads, possibly on several at once.
    virtual ScrapeOutcome scrape() = 0;
    // For /beans: scrapes and answers that walk's bean dump. Sources without one never serve it.
    virtual BeanDumpOutcome beanDump() {
        return ScrapeFailure{ScrapeFailure::Kind::NotConfigured, "this source has no bean dump"};
    }
};

struct EndpointOptions {
    // httpServer.metrics.path, e.g. "/custom/metrics": served as well as /metrics. Empty: none.
    std::string customMetricsPath;
    // /beans (nativejmx.beanDump.endpoint). Off: not a route (the landing page answers it, as
    // before). Refused: 403, since nothing protects the String values the dump holds.
    enum class Beans { Off, Refused, Served } beans = Beans::Off;
    // httpServer.authentication.basic: every context asks for credentials. Null: none.
    std::shared_ptr<BasicAuthenticator> authenticator;
};

// X-content-type-options and X-frame-options, plus Strict-transport-security with TLS (§11.2).
// Meant for ServerOptions::headersOnEveryResponse, so the server's own answers (429...) carry
// them too.
std::vector<Header> securityHeaders(bool tls);

// Routes by longest matching path prefix: /metrics and the custom path scrape, /-/healthy says
// so, anything else gets client_java's landing page. With an authenticator, every context
// answers 401 without the right credentials.
Response handleRequest(const Request& request, const EndpointOptions& options, MetricsSource& source);

}  // namespace nj::http
