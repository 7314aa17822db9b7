// The endpoints as a plain function of the request (spec §11.1, §11.2, §8.1): routing,
// negotiation, name[] and debug, failures. No sockets here; http_server_test serves them.
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "exposition_test_support.h"

#include "exposition/text_writer.h"
#include "http/endpoints.h"

using nj::expo::Family;
using nj::http::BasicAuthenticator;
using nj::http::CollectorFamilies;
using nj::http::EndpointOptions;
using nj::http::handleRequest;
using nj::http::MetricsSource;
using nj::http::Request;
using nj::http::Response;
using nj::http::ScrapeFailure;
using nj::http::ScrapeOutcome;

namespace {

constexpr const char* kText = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kOpenMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8";
constexpr const char* kPlain = "text/plain; charset=utf-8";

Family gauge(const std::string& name, double value) {
    Family family;
    family.name = name;
    family.type = nj::expo::MetricType::Gauge;
    family.help = name + " help";
    family.samples.push_back({"", {}, value, nj::expo::ValueStyle::Double});
    return family;
}

class FakeSource : public MetricsSource {
public:
    ScrapeOutcome outcome = std::make_shared<const std::vector<Family>>(
        std::vector<Family>{gauge("jvm_threads_current", 12), gauge("process_cpu_seconds", 3)});
    bool throws = false;
    int scrapes = 0;

    ScrapeOutcome scrape() override {
        ++scrapes;
        if (throws) throw std::runtime_error("bean server gone");
        return outcome;
    }

    // The families the request should see (the first collector when several are given).
    const std::vector<Family>& families() const {
        if (const auto* shared = std::get_if<nj::http::SharedFamilies>(&outcome)) return **shared;
        return std::get<CollectorFamilies>(outcome).front();
    }

    nj::http::BeanDumpOutcome dump = std::string("{\"format\": \"nativejmx-bean-dump\"}\n");
    nj::http::BeanDumpOutcome beanDump() override {
        ++scrapes;
        return dump;
    }
};

Request get(const std::string& path, std::vector<nj::http::QueryParameter> query = {},
            std::vector<nj::http::Header> headers = {}) {
    Request request;
    request.method = "GET";
    request.path = path;
    request.target = path;
    request.query = std::move(query);
    request.headers = std::move(headers);
    return request;
}

std::string contentType(const Response& response) {
    for (const auto& h : response.headers)
        if (h.name == "Content-type") return h.value;
    return "<none>";
}

// ---- Routing ----------------------------------------------------------------------------------

TEST(HttpEndpoints, MetricsPathAndItsPrefixExtensionsScrape) {
    for (const char* path : {"/metrics", "/metricsXYZ", "/metrics/", "/metrics/anything"}) {
        FakeSource source;
        Response response = handleRequest(get(path), {}, source);
        EXPECT_EQ(response.status, 200) << path;
        EXPECT_EQ(source.scrapes, 1) << path;
        EXPECT_EQ(response.body, text004(source.families())) << path;
        EXPECT_TRUE(response.compressible) << path;
    }
}

TEST(HttpEndpoints, HealthyPath) {
    FakeSource source;
    for (const char* path : {"/-/healthy", "/-/healthyX"}) {
        Response response = handleRequest(get(path), {}, source);
        EXPECT_EQ(response.status, 200);
        EXPECT_EQ(contentType(response), kPlain);
        EXPECT_EQ(response.body, "Exporter is healthy.\n");
        EXPECT_FALSE(response.compressible);
    }
    EXPECT_EQ(source.scrapes, 0);
}

TEST(HttpEndpoints, EverythingElseIsTheLandingPage) {
    FakeSource source;
    for (const char* path : {"/", "/foo", "/metric", "/-/health", "/custom/metrics"}) {
        Response response = handleRequest(get(path), {}, source);
        EXPECT_EQ(response.status, 200) << path;
        EXPECT_EQ(contentType(response), "text/html; charset=utf-8") << path;
        EXPECT_EQ(response.body.rfind("<html>\n<head><title>Prometheus Java Client</title></head>\n<body>\n", 0), 0u);
        EXPECT_NE(response.body.find("The metrics path is <a href=\"metrics\">/metrics</a>.\n"), std::string::npos);
        EXPECT_EQ(response.body.substr(response.body.size() - 16), "</body>\n</html>\n");
    }
    EXPECT_EQ(source.scrapes, 0);
}

TEST(HttpEndpoints, CustomMetricsPathScrapesAndMetricsStillDoes) {
    EndpointOptions options;
    options.customMetricsPath = "/custom/metrics";
    for (const char* path : {"/custom/metrics", "/custom/metrics2", "/metrics"}) {
        FakeSource source;
        Response response = handleRequest(get(path), options, source);
        EXPECT_EQ(source.scrapes, 1) << path;
        EXPECT_EQ(contentType(response), kText) << path;
    }
    FakeSource source;
    EXPECT_EQ(contentType(handleRequest(get("/custom"), options, source)), "text/html; charset=utf-8");
}

TEST(HttpEndpoints, PathOutsideEveryContextIs404) {
    FakeSource source;
    Response response = handleRequest(get("*"), {}, source);
    EXPECT_EQ(response.status, 404);
}

TEST(HttpEndpoints, AnyMethodIsServed) {
    FakeSource source;
    Request request = get("/metrics");
    request.method = "POST";
    EXPECT_EQ(handleRequest(request, {}, source).status, 200);
}

// ---- Negotiation ------------------------------------------------------------------------------

TEST(HttpEndpoints, TextFormatByDefault) {
    for (const char* accept : {"", "*/*", "text/plain", "text/plain;version=0.0.4;q=0.3,*/*;q=0.2"}) {
        FakeSource source;
        Response response = handleRequest(get("/metrics", {}, {{"Accept", accept}}), {}, source);
        EXPECT_EQ(contentType(response), kText) << accept;
        EXPECT_EQ(response.body, text004(source.families()));
    }
}

TEST(HttpEndpoints, OpenMetricsWhenAccepted) {
    // Prometheus' default Accept header.
    const char* accept =
        "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,"
        "text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
    FakeSource source;
    Response response = handleRequest(get("/metrics", {}, {{"accept", accept}}), {}, source);
    EXPECT_EQ(contentType(response), kOpenMetrics);
    EXPECT_EQ(response.body, openMetrics(source.families()));
    EXPECT_TRUE(response.compressible);
}

TEST(HttpEndpoints, ProtobufRequestGetsText004) {
    const char* accept =
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,"
        "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3";
    FakeSource source;
    Response response = handleRequest(get("/metrics", {}, {{"Accept", accept}}), {}, source);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(contentType(response), kText);
    EXPECT_EQ(response.body, text004(source.families()));
}

// ---- name[] and debug -------------------------------------------------------------------------

TEST(HttpEndpoints, NameFilterKeepsTheSelectedFamilies) {
    FakeSource source;
    Response one = handleRequest(get("/metrics", {{"name[]", "process_cpu_seconds"}}), {}, source);
    EXPECT_EQ(one.body, text004({source.families()[1]}));

    Response both = handleRequest(
        get("/metrics", {{"name[]", "process_cpu_seconds"}, {"name[]", "jvm_threads_current"}}), {}, source);
    EXPECT_EQ(both.body, text004(source.families()));

    Response none = handleRequest(get("/metrics", {{"name[]", "nothing_like_it"}}), {}, source);
    EXPECT_EQ(none.status, 200);
    EXPECT_EQ(none.body, text004({}));

    Response otherParameter = handleRequest(get("/metrics", {{"name", "process_cpu_seconds"}}), {}, source);
    EXPECT_EQ(otherParameter.body, text004(source.families()));
}

TEST(HttpEndpoints, NameFilterAppliesBeforeCollectorsMerge) {
    // Two collectors disagree on the type of "clash": merging them fails the scrape, as
    // client_java's registry does, unless name[] leaves that family out before the merge.
    FakeSource source;
    Family counter = gauge("clash", 1);
    counter.type = nj::expo::MetricType::Counter;
    source.outcome = CollectorFamilies{{gauge("clash", 2), gauge("jvm_threads_current", 12)},
                                       {counter, gauge("process_cpu_seconds", 3)}};
    Response all = handleRequest(get("/metrics"), {}, source);
    EXPECT_EQ(all.status, 500);
    EXPECT_EQ(all.body, "An Exception occurred while scraping metrics: clash: conflicting metric types: GaugeSnapshot "
                        "and CounterSnapshot\n");

    Response filtered = handleRequest(
        get("/metrics", {{"name[]", "process_cpu_seconds"}, {"name[]", "jvm_threads_current"}}), {}, source);
    EXPECT_EQ(filtered.status, 200);
    EXPECT_EQ(filtered.body, text004({gauge("jvm_threads_current", 12), gauge("process_cpu_seconds", 3)}));
}

TEST(HttpEndpoints, FamiliesOfSeveralCollectorsAreMergedAndSorted) {
    FakeSource source;
    Family second = gauge("jvm_threads_current", 7);
    second.help = "the later collector's help loses";
    second.samples.front().labels = {{"pool", "b"}};
    source.outcome = CollectorFamilies{{gauge("process_cpu_seconds", 3), gauge("jvm_threads_current", 12)}, {second}};
    Family merged = gauge("jvm_threads_current", 12);
    merged.samples.push_back(second.samples.front());
    Response response = handleRequest(get("/metrics"), {}, source);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, text004({merged, gauge("process_cpu_seconds", 3)}));
}

TEST(HttpEndpoints, DebugShowsAFormatAsPlainText) {
    FakeSource source;
    Response text = handleRequest(get("/metrics", {{"debug", "text"}}), {}, source);
    EXPECT_EQ(text.status, 200);
    EXPECT_EQ(contentType(text), kPlain);
    EXPECT_EQ(text.body, text004(source.families()));
    EXPECT_FALSE(text.compressible);

    // debug wins over Accept, and name[] still applies.
    Response om = handleRequest(get("/metrics", {{"debug", "openmetrics"}, {"name[]", "process_cpu_seconds"}},
                                    {{"Accept", "text/plain"}}),
                                {}, source);
    EXPECT_EQ(om.status, 200);
    EXPECT_EQ(contentType(om), kPlain);
    EXPECT_EQ(om.body, openMetrics({source.families()[1]}));
}

TEST(HttpEndpoints, DebugProtobufAndUnknownValuesAre500) {
    FakeSource source;
    Response protobuf = handleRequest(get("/metrics", {{"debug", "prometheus-protobuf"}}), {}, source);
    EXPECT_EQ(protobuf.status, 500);
    EXPECT_EQ(contentType(protobuf), kPlain);
    EXPECT_NE(protobuf.body.find("does not support the Prometheus protobuf format"), std::string::npos);

    Response unknown = handleRequest(get("/metrics", {{"debug", "xml"}}), {}, source);
    EXPECT_EQ(unknown.status, 500);
    EXPECT_EQ(unknown.body, "debug=xml: Unsupported query parameter. Valid values are 'openmetrics' and 'text'.");
}

// ---- Failures ---------------------------------------------------------------------------------

TEST(HttpEndpoints, ScrapeFailureIs500LikeTheJavaagent) {
    FakeSource source;
    source.outcome = ScrapeFailure{ScrapeFailure::Kind::ScrapeFailed, "duplicate series jvm_x{a=\"1\"}"};
    Response response = handleRequest(get("/metrics"), {}, source);
    EXPECT_EQ(response.status, 500);
    EXPECT_EQ(contentType(response), kPlain);
    EXPECT_EQ(response.body, "An Exception occurred while scraping metrics: duplicate series jvm_x{a=\"1\"}\n");
    EXPECT_FALSE(response.compressible);
}

TEST(HttpEndpoints, ExceptionFromTheSourceIs500) {
    FakeSource source;
    source.throws = true;
    Response response = handleRequest(get("/metrics"), {}, source);
    EXPECT_EQ(response.status, 500);
    EXPECT_EQ(response.body, "An Exception occurred while scraping metrics: bean server gone\n");
}

TEST(HttpEndpoints, InvalidConfigurationIs503WithTheReason) {
    FakeSource source;
    source.outcome = ScrapeFailure{ScrapeFailure::Kind::NotConfigured,
                                   "/etc/jmx.yaml: rules[2].pattern: unbalanced parenthesis"};
    for (const char* debug : {"", "text"}) {
        std::vector<nj::http::QueryParameter> query;
        if (*debug) query.push_back({"debug", debug});
        Response response = handleRequest(get("/metrics", query), {}, source);
        EXPECT_EQ(response.status, 503);
        EXPECT_EQ(contentType(response), kPlain);
        EXPECT_EQ(response.body, "/etc/jmx.yaml: rules[2].pattern: unbalanced parenthesis\n");
    }
    // The rest keeps working.
    EXPECT_EQ(handleRequest(get("/-/healthy"), {}, source).status, 200);
}

// ---- Basic authentication (spec §11.6) --------------------------------------------------------

TEST(HttpEndpoints, AuthenticationGuardsEveryContext) {
    FakeSource source;
    nj::rules::BasicAuthConfig config;
    config.username = "u";
    config.password = "p";
    EndpointOptions options;
    options.customMetricsPath = "/custom/metrics";
    options.authenticator = std::make_shared<BasicAuthenticator>(config);
    const nj::http::Header right{"Authorization", "Basic dTpw"};  // u:p
    const nj::http::Header wrong{"Authorization", "Basic dTpx"};  // u:q
    for (const char* path : {"/metrics", "/custom/metrics", "/-/healthy", "/", "/anything"}) {
        EXPECT_EQ(handleRequest(get(path), options, source).status, 401) << path;
        EXPECT_EQ(handleRequest(get(path, {}, {wrong}), options, source).status, 401) << path;
        EXPECT_EQ(handleRequest(get(path, {}, {right}), options, source).status, 200) << path;
    }
    EXPECT_EQ(source.scrapes, 2);  // a refused request never scrapes
    // A path outside every context is the JDK's 404 before any authenticator runs.
    EXPECT_EQ(handleRequest(get("*"), options, source).status, 404);
}

// ---- Security headers -------------------------------------------------------------------------

// ---- /beans (nativejmx.beanDump.endpoint) -------------------------------------------------------

TEST(HttpEndpoints, BeansIsTheLandingPageUnlessEnabled) {
    FakeSource source;
    Response response = handleRequest(get("/beans"), {}, source);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(contentType(response), "text/html; charset=utf-8");
    EXPECT_EQ(source.scrapes, 0);
}

EndpointOptions withBeans(EndpointOptions::Beans beans) {
    EndpointOptions options;
    options.beans = beans;
    return options;
}

TEST(HttpEndpoints, BeansWithoutAuthenticationIs403AndScrapesNothing) {
    FakeSource source;
    EndpointOptions options = withBeans(EndpointOptions::Beans::Refused);
    Response response = handleRequest(get("/beans"), options, source);
    EXPECT_EQ(response.status, 403);
    EXPECT_EQ(contentType(response), kPlain);
    EXPECT_NE(response.body.find("httpServer.authentication"), std::string::npos) << response.body;
    EXPECT_EQ(source.scrapes, 0);
    EXPECT_EQ(handleRequest(get("/metrics"), options, source).status, 200);   // the rest is served
}

TEST(HttpEndpoints, BeansServedIsTheSourcesDumpAsJson) {
    FakeSource source;
    EndpointOptions options = withBeans(EndpointOptions::Beans::Served);
    Response response = handleRequest(get("/beans"), options, source);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(contentType(response), "application/json; charset=utf-8");
    EXPECT_EQ(response.body, std::get<std::string>(source.dump));
    EXPECT_TRUE(response.compressible);
    source.dump = ScrapeFailure{ScrapeFailure::Kind::NotConfigured, "no valid config"};
    Response failed = handleRequest(get("/beans"), options, source);
    EXPECT_EQ(failed.status, 503);
    EXPECT_EQ(failed.body, "no valid config\n");
}

TEST(HttpEndpoints, BeansIsGuardedByTheAuthenticatorLikeEveryContext) {
    FakeSource source;
    nj::rules::BasicAuthConfig config;
    config.username = "u";
    config.password = "p";
    EndpointOptions options = withBeans(EndpointOptions::Beans::Served);
    options.authenticator = std::make_shared<BasicAuthenticator>(config);
    EXPECT_EQ(handleRequest(get("/beans"), options, source).status, 401);
    EXPECT_EQ(handleRequest(get("/beans", {}, {{"Authorization", "Basic dTpx"}}), options, source).status, 401);  // u:q
    EXPECT_EQ(source.scrapes, 0);
    Response served = handleRequest(get("/beans", {}, {{"Authorization", "Basic dTpw"}}), options, source);  // u:p
    EXPECT_EQ(served.status, 200);
    EXPECT_EQ(served.body, std::get<std::string>(source.dump));
}

TEST(HttpEndpoints, SecurityHeaders) {
    auto plain = nj::http::securityHeaders(false);
    ASSERT_EQ(plain.size(), 2u);
    EXPECT_EQ(plain[0].name, "X-content-type-options");
    EXPECT_EQ(plain[0].value, "nosniff");
    EXPECT_EQ(plain[1].name, "X-frame-options");
    EXPECT_EQ(plain[1].value, "DENY");
    auto tls = nj::http::securityHeaders(true);
    ASSERT_EQ(tls.size(), 3u);
    EXPECT_EQ(tls[2].name, "Strict-transport-security");
    EXPECT_EQ(tls[2].value, "max-age=31536000");
}

}  // namespace
