// One scrape, end to end: config (re)load, the java-shim walk, the rules, the JVM/process and
// self metrics, merged into families. Every JNI call happens on one named daemon thread;
// concurrent requests share the walk in flight (single flight).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "exposition/metric_model.h"
#include "rules/config.h"

namespace nj::agent {

struct ScrapeOutcome {
    int status = 200;                     // 200, 500 (like the javaagent), 503 (no valid config / JVM gone)
    // status 200: the families, merged and sorted; or, when a family name is in two collectors
    // (so the merge may fail), each collector's families in registration order instead, merged
    // per request after its name[] filter (spec §8.1)
    std::vector<expo::Family> families;
    std::vector<std::vector<expo::Family>> collectors;
    std::string message;                  // otherwise
    // The bean dump of this scrape's walk (nativejmx.beanDump), also when the rules failed it.
    std::shared_ptr<const std::string> beanDump;
};

// The exporter's own metrics (spec §9), shown one scrape late as upstream shows them.
struct SelfMetrics {
    uint64_t reloadSuccess = 0;
    uint64_t reloadFailure = 0;
    uint64_t timeouts = 0;
    double durationSeconds = 0;
    bool error = false;
    size_t cachedBeans = 0;
};

class Scraper {
public:
    // The config is loaded on the scrape thread before the first walk; `initial` is the
    // result of the load at start-up (an error: /metrics answers 503 until the file is fixed).
    // `refusal`, when not empty, is why metrics must not be served at all (e.g. protection the
    // config asks for and this build cannot give): every scrape answers 503 with it.
    Scraper(std::string configFile, Result<rules::Config> initial, std::string refusal = {});
    ~Scraper();

    // Joins the walk in flight, or starts one, and waits for it. Thread-safe. The deadline is
    // scrapeTimeoutSeconds, else the request's (X-Prometheus-Scrape-Timeout-Seconds); past it
    // the answer is the last complete result (spec §14) while the walk goes on.
    std::shared_ptr<const ScrapeOutcome> scrape(std::optional<std::chrono::milliseconds> requestDeadline = std::nullopt);

    // The JVM is going away: no more JNI calls; waiting requests get 503.
    void stopForVmDeath();

    // 429 answers counted by the HTTP server (spec §11.4), shown at the next scrape.
    void noteRejectedRequests(uint64_t count) { rejected_ = count; }

    struct Walk;   // the scrape thread's own state (scraper.cpp)

private:
    void run();
    std::shared_ptr<const ScrapeOutcome> scrapeOnce(Walk& walk);
    void noteLoaded(const rules::Config& config);

    const std::string configFile_;
    // NJ_RECORD_WALK: a file the next walk's bytes are written to, once (for nj_pipeline_bench).
    std::string recordWalkTo_;
    const std::string refusal_;
    const bool servesTls_;         // the start-up config had httpServer.ssl (see agent/tls_serving.h)
    std::unique_ptr<Walk> walk_;   // state owned by the scrape thread
    std::atomic<uint64_t> rejected_{0};
    std::atomic<int> scrapeTimeoutSeconds_{0};   // 0: wait for the walk however long it takes
    std::atomic<int> dumpRefreshSeconds_{0};     // nativejmx.beanDump.file: walk after this long idle; 0: never
    std::atomic<uint64_t> timeouts_{0};

    std::mutex mu_;
    std::condition_variable cv_;
    bool requested_ = false;
    bool stopping_ = false;
    uint64_t started_ = 0;
    uint64_t completed_ = 0;
    std::shared_ptr<const ScrapeOutcome> last_;
    std::shared_ptr<const ScrapeOutcome> lastGood_;
    std::thread thread_;
};

// /proc/self based process families (client_java reads the same sources).
std::vector<expo::Family> processFamilies();

// jmx_exporter_build_info and the self metrics, as families.
std::vector<expo::Family> buildInfoFamilies();
std::vector<expo::Family> selfFamilies(const SelfMetrics& self, bool withTimeouts, uint64_t rejectedRequests);

}  // namespace nj::agent
