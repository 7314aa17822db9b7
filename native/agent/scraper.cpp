#include "agent/scraper.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "common/log.h"
#include "exposition/families.h"
#include "jvm/shim.h"
#include "jvm/snapshot_decoder.h"
#include "jvm/vm.h"
#include "rules/engine.h"

#ifndef NJ_VERSION
#define NJ_VERSION "unknown"
#endif

namespace nj::agent {
namespace {

std::optional<timespec> modificationTime(const std::string& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return std::nullopt;
    return st.st_mtim;
}

bool sameTime(const std::optional<timespec>& a, const std::optional<timespec>& b) {
    if (!a || !b) return a.has_value() == b.has_value();
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

expo::Family gauge(std::string name, std::string help, double value, std::string unit = "") {
    expo::Family f{std::move(name), expo::MetricType::Gauge, std::move(help), std::move(unit), {}};
    f.samples.push_back({"", {}, value, expo::ValueStyle::Double});
    return f;
}

expo::Family counter(std::string name, std::string help, double value) {
    expo::Family f = gauge(std::move(name), std::move(help), value);
    f.type = expo::MetricType::Counter;
    return f;
}

// One line per config, so users know which patterns run on the backtracking engine.
void logPcre2Rules(const rules::Engine& engine) {
    std::vector<std::string> rules = engine.pcre2Rules();
    if (rules.empty()) return;
    std::string line = engine.config().file + ": " + std::to_string(rules.size()) +
                       " rule(s) run on PCRE2 (with a match limit) because RE2 cannot run them: ";
    for (size_t i = 0; i < rules.size(); i++) line += (i > 0 ? "; " : "") + rules[i];
    logLine(line);
}

std::shared_ptr<const ScrapeOutcome> failure(int status, std::string message) {
    auto outcome = std::make_shared<ScrapeOutcome>();
    outcome->status = status;
    outcome->message = std::move(message);
    return outcome;
}

// "VmRSS:   123 kB" -> bytes
std::optional<double> statusField(const std::string& status, std::string_view field) {
    size_t at = status.find(field);
    if (at == std::string::npos) return std::nullopt;
    std::istringstream in(status.substr(at + field.size()));
    double kib = 0;
    if (!(in >> kib)) return std::nullopt;
    return kib * 1024;
}

// The last complete result answered past the deadline (spec §14), with the timeout counter
// brought up to date; the rest is what that walk saw.
std::shared_ptr<const ScrapeOutcome> withTimeoutCount(const ScrapeOutcome& last, uint64_t timeouts) {
    auto outcome = std::make_shared<ScrapeOutcome>(last);
    for (std::vector<expo::Family>& collector : outcome->collectors) {
        for (expo::Family& family : collector) {
            if (family.name == "jmx_scrape_timeout" && !family.samples.empty()) {
                family.samples.front().value = static_cast<double>(timeouts);
            }
        }
    }
    return outcome;
}

}  // namespace

std::vector<expo::Family> processFamilies() {
    std::vector<expo::Family> out;
    int open = 0;
    if (DIR* dir = ::opendir("/proc/self/fd")) {
        while (dirent* entry = ::readdir(dir)) {
            if (entry->d_name[0] != '.') open++;
        }
        ::closedir(dir);
        open--;  // the directory stream's own descriptor
        out.push_back(gauge("process_open_fds", "Number of open file descriptors.", open));
    }
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        out.push_back(gauge("process_max_fds", "Maximum number of open file descriptors.",
                            static_cast<double>(limit.rlim_cur)));
    }
    std::ifstream file("/proc/self/status");
    std::string status((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (auto size = statusField(status, "VmSize:")) {
        out.push_back(gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", *size, "bytes"));
    }
    if (auto rss = statusField(status, "VmRSS:")) {
        out.push_back(gauge("process_resident_memory_bytes", "Resident memory size in bytes.", *rss, "bytes"));
    }
    return out;
}

std::vector<expo::Family> buildInfoFamilies() {
    expo::Family info{"jmx_exporter_build", expo::MetricType::Info, "JMX Exporter build information", "", {}};
    info.samples.push_back({"", {{"name", "nativejmx"}, {"version", NJ_VERSION}}, 1, expo::ValueStyle::Integer});
    return {std::move(info)};
}

std::vector<expo::Family> selfFamilies(const SelfMetrics& self, bool withTimeouts, uint64_t rejectedRequests) {
    std::vector<expo::Family> out;
    out.push_back(counter("jmx_config_reload_success", "Number of times configuration have successfully been reloaded.",
                          static_cast<double>(self.reloadSuccess)));
    out.push_back(counter("jmx_config_reload_failure", "Number of times configuration have failed to be reloaded.",
                          static_cast<double>(self.reloadFailure)));
    out.push_back(gauge("jmx_scrape_duration_seconds", "Time this JMX scrape took, in seconds.", self.durationSeconds,
                        "seconds"));
    out.push_back(gauge("jmx_scrape_error", "Non-zero if this scrape failed.", self.error ? 1 : 0));
    out.push_back(gauge("jmx_scrape_cached_beans", "Number of beans with their matching rule cached",
                        static_cast<double>(self.cachedBeans)));
    if (withTimeouts) {
        out.push_back(counter("jmx_scrape_timeout", "Total number of scrape timeouts.", static_cast<double>(self.timeouts)));
    }
    if (rejectedRequests > 0) {
        out.push_back(counter("jmx_http_requests_rejected", "Total number of HTTP requests rejected due to pool saturation.",
                              static_cast<double>(rejectedRequests)));
    }
    return out;
}

// State only the scrape thread touches.
struct Scraper::Walk {
    std::unique_ptr<jvm::AttachedThread> thread;
    std::unique_ptr<jvm::Shim> shim;
    std::unique_ptr<rules::Engine> engine;
    bool shimConfigured = false;
    std::string configError;                 // why there is no valid config
    std::optional<timespec> loadedTime;      // mtime of the file when it was last loaded
    std::string lastLoggedError;
    SelfMetrics self;
};

Scraper::Scraper(std::string configFile, Result<rules::Config> initial, std::string refusal)
    : configFile_(std::move(configFile)), refusal_(std::move(refusal)), walk_(std::make_unique<Walk>()) {
    walk_->loadedTime = modificationTime(configFile_);
    if (initial) {
        scrapeTimeoutSeconds_ = initial->scrapeTimeoutSeconds.value_or(0);
        auto engine = rules::Engine::create(std::make_shared<const rules::Config>(std::move(initial).value()));
        if (engine) {
            walk_->engine = std::move(engine).value();
            logPcre2Rules(*walk_->engine);
        }
        else walk_->configError = engine.error().message;
    } else {
        walk_->configError = initial.error().message;
    }
    if (!walk_->configError.empty()) {
        walk_->loadedTime.reset();  // retried on every scrape until the file is valid
        walk_->lastLoggedError = walk_->configError;
    }
    thread_ = std::thread([this] { run(); });
}

Scraper::~Scraper() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const ScrapeOutcome> Scraper::scrape(std::optional<std::chrono::milliseconds> requestDeadline) {
    if (!refusal_.empty()) return failure(503, refusal_ + "\n");
    std::unique_lock lock(mu_);
    if (stopping_) return failure(503, "the JVM is shutting down");
    // Join the walk in flight, or ask for a new one.
    uint64_t target = started_ > completed_ ? started_ : started_ + 1;
    if (target > started_) {
        requested_ = true;
        cv_.notify_all();
    }
    std::optional<std::chrono::milliseconds> deadline = requestDeadline;
    if (int configured = scrapeTimeoutSeconds_.load(); configured > 0) deadline = std::chrono::seconds(configured);
    auto done = [&] { return completed_ >= target || stopping_; };
    if (deadline) {
        if (!cv_.wait_for(lock, *deadline, done)) {
            uint64_t shownTimeouts = timeouts_++;  // shown one scrape late, as the other self metrics
            if (!lastGood_) return failure(503, "the first scrape has not finished within the scrape deadline");
            return withTimeoutCount(*lastGood_, shownTimeouts);
        }
    } else {
        cv_.wait(lock, done);
    }
    if (completed_ < target) return failure(503, "the JVM is shutting down");
    return last_;
}

void Scraper::stopForVmDeath() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
}

void Scraper::run() {
    pthread_setname_np(pthread_self(), "nativejmx-scrape");
    for (;;) {
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return requested_ || stopping_; });
            if (stopping_) break;
            requested_ = false;
            started_++;
        }
        std::shared_ptr<const ScrapeOutcome> outcome;
        try {
            outcome = scrapeOnce(*walk_);
        } catch (const std::exception& e) {
            outcome = failure(500, std::string("An Exception occurred while scraping metrics: ") + e.what());
        }
        std::lock_guard lock(mu_);
        last_ = outcome;
        if (outcome->status == 200) lastGood_ = outcome;
        completed_ = started_;
        cv_.notify_all();
    }
    // The JVM is going away: a JNI call now (DeleteGlobalRef, DetachCurrentThread) could block
    // this thread forever, so the shim's reference and the attachment are left to the exit.
    (void)walk_->shim.release();
    (void)walk_->thread.release();
}

std::shared_ptr<const ScrapeOutcome> Scraper::scrapeOnce(Walk& w) {
    SelfMetrics shown = w.self;  // the values of the previous scrape (spec §9)
    shown.timeouts = timeouts_.load();

    // Config reload (spec §13): whenever the file's mtime differs from the last load.
    std::optional<timespec> now = modificationTime(configFile_);
    if (!w.engine || !sameTime(now, w.loadedTime)) {
        Result<rules::Config> config = rules::loadConfigFile(configFile_);
        Result<std::unique_ptr<rules::Engine>> engine =
            config ? rules::Engine::create(std::make_shared<const rules::Config>(std::move(config).value()))
                   : Result<std::unique_ptr<rules::Engine>>(config.error());
        if (engine) {
            w.engine = std::move(engine).value();
            logPcre2Rules(*w.engine);
            scrapeTimeoutSeconds_ = w.engine->config().scrapeTimeoutSeconds.value_or(0);
            w.shimConfigured = false;
            w.configError.clear();
            w.lastLoggedError.clear();
            w.loadedTime = now;
            w.self.reloadSuccess++;
            for (const std::string& warning : w.engine->config().warnings) logLine(warning);
        } else {
            w.self.reloadFailure++;
            if (engine.error().message != w.lastLoggedError) {
                w.lastLoggedError = engine.error().message;
                logLine(w.lastLoggedError + (w.engine ? " (keeping the previous config)" : ""));
            }
            if (!w.engine) w.configError = engine.error().message;
        }
    }
    if (!w.engine) return failure(503, "nativejmx has no valid config: " + w.configError + "\n");
    const rules::Config& config = w.engine->config();

    if (!w.thread) {
        w.thread = std::make_unique<jvm::AttachedThread>("nativejmx-scrape");
        if (w.thread->env() == nullptr) {
            w.thread.reset();
            return failure(503, "cannot attach to the JVM (is it shutting down?)\n");
        }
    }
    JNIEnv* env = w.thread->env();
    if (!w.shim) {
        auto shim = jvm::Shim::load(env);
        if (!shim) return failure(500, "An Exception occurred while scraping metrics: " + shim.error().message);
        w.shim = std::move(shim).value();
    }
    if (!w.shimConfigured) {
        Status configured = w.shim->configure(env, config);
        if (!configured) return failure(503, "nativejmx has no valid config: " + configFile_ + ": " + configured.error().message + "\n");
        w.shimConfigured = true;
    }

    auto started = std::chrono::steady_clock::now();
    Result<std::string> bytes = w.shim->walk(env, !config.excludeJvmMetrics);
    if (!bytes) {
        w.self.error = true;
        return failure(500, "An Exception occurred while scraping metrics: " + bytes.error().message);
    }
    Result<jvm::DecodedWalk> decoded = jvm::decodeWalk(std::move(bytes).value());
    if (!decoded) return failure(500, "An Exception occurred while scraping metrics: " + decoded.error().message);
    rules::Engine::Output output = w.engine->collect(decoded->snapshot);
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    w.self.durationSeconds = static_cast<double>(elapsed.count()) / 1000.0;
    w.self.error = output.abortReason.has_value();
    w.self.cachedBeans = output.cachedBeans;

    Result<std::vector<expo::Family>> jmx = expo::assembleJmxFamilies(std::move(output.samples));
    if (!jmx) return failure(500, "An Exception occurred while scraping metrics: " + jmx.error().message);

    std::vector<std::vector<expo::Family>> collectors;
    collectors.push_back(buildInfoFamilies());
    if (!config.excludeJvmMetrics) {
        std::vector<expo::Family> jvmFamilies = std::move(decoded->jvmFamilies);
        for (auto& f : processFamilies()) jvmFamilies.push_back(std::move(f));
        collectors.push_back(std::move(jvmFamilies));
    }
    uint64_t rejected = rejected_.load();
    std::vector<expo::Family> jmxCollector = selfFamilies(shown, config.scrapeTimeoutSeconds.has_value(), rejected);
    for (auto& f : jmx.value()) jmxCollector.push_back(std::move(f));
    collectors.push_back(std::move(jmxCollector));

    auto outcome = std::make_shared<ScrapeOutcome>();
    outcome->collectors = std::move(collectors);
    return outcome;
}

}  // namespace nj::agent
