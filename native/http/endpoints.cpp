#include "http/endpoints.h"

#include <algorithm>
#include <iterator>
#include <string_view>
#include <utility>

#include "exposition/families.h"
#include "exposition/text_writer.h"

namespace nj::http {
namespace {

constexpr std::string_view kMetricsPath = "/metrics";
constexpr std::string_view kHealthyPath = "/-/healthy";
constexpr std::string_view kBeansPath = "/beans";

constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::string_view kOpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
constexpr std::string_view kPlainTextContentType = "text/plain; charset=utf-8";
constexpr std::string_view kHtmlContentType = "text/html; charset=utf-8";
constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

// client_java's landing page (DefaultHandler) for the metrics path /metrics: the javaagent
// shows it for /metrics even when httpServer.metrics.path adds another path.
constexpr std::string_view kLandingPage = R"html(<html>
<head><title>Prometheus Java Client</title></head>
<body>
<h1>Prometheus Java Client</h1>
<h2>Metrics Path</h2>
The metrics path is <a href="metrics">/metrics</a>.
<h2>Name Filter</h2>
If you want to scrape only specific metrics, use the <tt>name[]</tt> parameter like this:
<ul>
<li><a href="metrics?name[]=my_metric">/metrics?name[]=my_metric</a></li>
</ul>
You can also use multiple <tt>name[]</tt> parameters to query multiple metrics:
<ul>
<li><a href="metrics?name[]=my_metric_a&name[]=my_metric_b">/metrics?name[]=my_metric_a&amp;name[]=my_metric_b</a></li>
</ul>
The <tt>name[]</tt> parameter can be used by the Prometheus server for scraping. Add the following snippet to your scrape job configuration in <tt>prometheus.yaml</tt>:
<pre>
params:
    name[]:
        - my_metric_a
        - my_metric_b
</pre>
<h2>Debug Parameter</h2>
The Prometheus Java metrics library supports multiple exposition formats.
The Prometheus server sends the <tt>Accept</tt> header to indicate which format it accepts.
By default, the Prometheus server accepts OpenMetrics text format, unless the Prometheus server is started with feature flag <tt>--enable-feature=native-histograms</tt>,
in which case the default is Prometheus protobuf.
The Prometheus Java metrics library supports a <tt>debug</tt> query parameter for viewing the different formats in a Web browser:
<ul>
<li><a href="metrics?debug=openmetrics">/metrics?debug=openmetrics</a>: View OpenMetrics text format.</li>
<li><a href="metrics?debug=text">/metrics?debug=text</a>: View Prometheus text format (this is the default when accessing the <a href="metrics">/metrics</a> endpoint with a Web browser).</li>
<li><a href="metrics?debug=prometheus-protobuf">/metrics?debug=prometheus-protobuf</a>: View a text representation of the Prometheus protobuf format.</li>
</ul>
Note that the <tt>debug</tt> parameter is only for viewing different formats in a Web browser, it should not be used by the Prometheus server for scraping. The Prometheus server uses the <tt>Accept</tt> header for indicating which format it accepts.
</body>
</html>
)html";

enum class Route { LandingPage, Metrics, Healthy, Beans, NotFound };

// The JDK HttpServer's context matching: the longest context path that prefixes the request
// path wins, as plain string prefixes (so /metricsXYZ scrapes). Only a path not starting with
// "/" (OPTIONS *) matches none.
Route routeFor(std::string_view path, const EndpointOptions& options) {
    const std::pair<std::string_view, Route> contexts[] = {
        {"/", Route::LandingPage},
        {kMetricsPath, Route::Metrics},
        {kHealthyPath, Route::Healthy},
        {options.customMetricsPath, Route::Metrics},
        {options.beans == EndpointOptions::Beans::Off ? std::string_view() : kBeansPath, Route::Beans},
    };
    Route best = Route::NotFound;
    size_t bestLength = 0;
    for (const auto& [contextPath, route] : contexts) {
        if (!contextPath.empty() && path.starts_with(contextPath) && contextPath.size() > bestLength) {
            best = route;
            bestLength = contextPath.size();
        }
    }
    return best;
}

Response textResponse(int status, std::string_view contentType, std::string body) {
    Response response;
    response.status = status;
    response.headers.push_back({"Content-type", std::string(contentType)});
    response.body = std::move(body);
    return response;
}

std::string asLine(std::string text) {
    if (text.empty() || text.back() != '\n') text.push_back('\n');
    return text;
}

Response failureResponse(const ScrapeFailure& failure) {
    if (failure.kind == ScrapeFailure::Kind::NotConfigured)
        return textResponse(503, kPlainTextContentType, asLine(failure.message));
    return textResponse(500, kPlainTextContentType,
                        asLine("An Exception occurred while scraping metrics: " + failure.message));
}

enum class Format { Text004, OpenMetrics };

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// §8.1, from the first Accept header. Protobuf is not supported: a request for it gets text
// 0.0.4, which Prometheus reads as well.
Format negotiate(const Request& request) {
    const std::string_view accept = request.header("Accept").value_or("");
    const bool wantsProtobuf = contains(accept, "application/vnd.google.protobuf") &&
                               contains(accept, "proto=io.prometheus.client.MetricFamily");
    if (!wantsProtobuf && contains(accept, "application/openmetrics-text")) return Format::OpenMetrics;
    return Format::Text004;
}

std::string render(const std::vector<expo::Family>& families, Format format) {
    std::string body;
    if (format == Format::OpenMetrics)
        expo::writeOpenMetrics(families, body);
    else
        expo::writeText004(families, body);
    return body;
}

// ?debug=: the format named, as plain text for a browser, never compressed (as client_java).
Response debugResponse(std::string_view debug, const std::vector<expo::Family>& families) {
    if (debug == "text") return textResponse(200, kPlainTextContentType, render(families, Format::Text004));
    if (debug == "openmetrics")
        return textResponse(200, kPlainTextContentType, render(families, Format::OpenMetrics));
    if (debug == "prometheus-protobuf")
        return textResponse(500, kPlainTextContentType,
                            "debug=prometheus-protobuf: nativejmx does not support the Prometheus protobuf "
                            "format. Valid values are 'openmetrics' and 'text'.");
    return textResponse(500, kPlainTextContentType,
                        "debug=" + std::string(debug) +
                            ": Unsupported query parameter. Valid values are 'openmetrics' and 'text'.");
}

// Keeps the families name[] asks for (all without it), then merges the collectors.
Result<std::vector<expo::Family>> selectAndMerge(CollectorFamilies collectors, const Request& request) {
    const std::vector<std::string_view> nameValues = request.queryValues("name[]");
    if (!nameValues.empty()) {
        const std::vector<std::string> names(nameValues.begin(), nameValues.end());
        for (std::vector<expo::Family>& collector : collectors)
            std::erase_if(collector, [&](const expo::Family& f) { return !expo::familyMatchesNameFilter(f, names); });
    }
    return expo::mergeCollectors(std::move(collectors));
}

// As client_java: scrape, filter by name[] and merge, then answer ?debug= or negotiate.
Response metricsResponse(const Request& request, MetricsSource& source) {
    try {
        ScrapeOutcome outcome = source.scrape();
        if (const auto* failure = std::get_if<ScrapeFailure>(&outcome)) return failureResponse(*failure);
        SharedFamilies shared;                // holds *families when they are the scrape's own
        std::vector<expo::Family> selected;   // the families name[] selects, or merged per request
        const std::vector<expo::Family>* families = &selected;
        if (auto* collectors = std::get_if<CollectorFamilies>(&outcome)) {
            Result<std::vector<expo::Family>> merged = selectAndMerge(std::move(*collectors), request);
            if (!merged) return failureResponse({ScrapeFailure::Kind::ScrapeFailed, merged.error().message});
            selected = std::move(merged).value();
        } else {
            shared = std::get<SharedFamilies>(std::move(outcome));
            if (shared == nullptr) return failureResponse({ScrapeFailure::Kind::ScrapeFailed, "no families"});
            // Merged already, since no name is in two collectors: filtering after the merge is the same.
            const std::vector<std::string_view> nameValues = request.queryValues("name[]");
            if (nameValues.empty()) {
                families = shared.get();
            } else {
                const std::vector<std::string> names(nameValues.begin(), nameValues.end());
                std::copy_if(shared->begin(), shared->end(), std::back_inserter(selected),
                             [&](const expo::Family& f) { return expo::familyMatchesNameFilter(f, names); });
            }
        }

        if (auto debug = request.queryValue("debug")) return debugResponse(*debug, *families);
        const Format format = negotiate(request);
        const auto contentType = format == Format::OpenMetrics ? kOpenMetricsContentType : kTextContentType;
        Response response = textResponse(200, contentType, render(*families, format));
        response.compressible = true;
        return response;
    } catch (const std::exception& e) {
        return failureResponse({ScrapeFailure::Kind::ScrapeFailed, e.what()});
    }
}

Response beansResponse(const EndpointOptions& options, MetricsSource& source) {
    if (options.beans != EndpointOptions::Beans::Served) {
        return textResponse(403, kPlainTextContentType,
                            "/beans is refused: the bean dump holds the String values of every MBean, so nativejmx "
                            "serves it only when httpServer.authentication is configured. Use "
                            "nativejmx.beanDump.file to have it written to a file instead.\n");
    }
    try {
        BeanDumpOutcome outcome = source.beanDump();
        if (const auto* failure = std::get_if<ScrapeFailure>(&outcome)) return failureResponse(*failure);
        Response response = textResponse(200, kJsonContentType, std::get<std::string>(std::move(outcome)));
        response.compressible = true;
        return response;
    } catch (const std::exception& e) {
        return failureResponse({ScrapeFailure::Kind::ScrapeFailed, e.what()});
    }
}

}  // namespace

std::vector<Header> securityHeaders(bool tls) {
    std::vector<Header> headers = {
        {"X-content-type-options", "nosniff"},
        {"X-frame-options", "DENY"},
    };
    if (tls) headers.push_back({"Strict-transport-security", "max-age=31536000"});
    return headers;
}

Response handleRequest(const Request& request, const EndpointOptions& options, MetricsSource& source) {
    const Route route = routeFor(request.path, options);
    // The JDK server's answer when no context matches (no authenticator runs then).
    if (route == Route::NotFound) return textResponse(404, kHtmlContentType, "<h1>404 Not Found</h1>No context found for request");
    if (options.authenticator) {
        if (std::optional<Response> refused = options.authenticator->refusal(request)) return std::move(*refused);
    }
    switch (route) {
        case Route::Metrics:
            return metricsResponse(request, source);
        case Route::Healthy:
            return textResponse(200, kPlainTextContentType, "Exporter is healthy.\n");
        case Route::Beans:
            return beansResponse(options, source);
        case Route::LandingPage:
        case Route::NotFound:
            break;
    }
    return textResponse(200, kHtmlContentType, std::string(kLandingPage));
}

}  // namespace nj::http
