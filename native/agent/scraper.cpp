#include "agent/scraper.h"

#include <dirent.h>
#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "common/log.h"
#include "exposition/families.h"
#include "jvm/gc_pauses.h"
#include "jvm/shim.h"
#include "jvm/snapshot_decoder.h"
#include "jvm/vm.h"
#include "rules/bean_dump.h"
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

// The javaagent reloads when File.lastModified() is newer than at the last load; a missing file
// reads as 0, never newer, so the config in use stays without counting a failure (spec §13).
bool isNewer(const std::optional<timespec>& now, const std::optional<timespec>& loaded) {
    if (!now) return false;
    if (!loaded) return true;
    return now->tv_sec != loaded->tv_sec ? now->tv_sec > loaded->tv_sec : now->tv_nsec > loaded->tv_nsec;
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

std::shared_ptr<ScrapeOutcome> failure(int status, std::string message) {
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

expo::Family timeoutCounter(uint64_t timeouts) {
    return counter("jmx_scrape_timeout", "Total number of scrape timeouts.", static_cast<double>(timeouts));
}

// The last complete result, answered again (spec §14), with the samples of the `fresh` families
// it also has: the self metrics are collected anew on every scrape, only the JMX part is old.
std::shared_ptr<const ScrapeOutcome> withFresh(const ScrapeOutcome& last, const std::vector<expo::Family>& fresh) {
    auto outcome = std::make_shared<ScrapeOutcome>(last);
    auto refresh = [&fresh](std::vector<expo::Family>& families) {
        for (expo::Family& family : families) {
            for (const expo::Family& now : fresh) {
                if (family.name == now.name) {
                    family.samples = now.samples;
                    family.finished = now.finished;
                }
            }
        }
    };
    refresh(outcome->families);
    for (std::vector<expo::Family>& collector : outcome->collectors) refresh(collector);
    return outcome;
}

// Replaces the file at once (write beside it, then rename), so a reader never sees half a dump.
// Mode 0600: the dump holds String values of every MBean, for the JVM's user only.
Status writeFileAtomically(const std::string& path, const std::string& content) {
    std::string temporary = path + ".tmp";
    auto failed = [&](const std::string& what) {
        std::string reason = std::strerror(errno);
        ::unlink(temporary.c_str());
        return makeError(what + ": " + reason);
    };
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return makeError("cannot write " + temporary + ": " + std::strerror(errno));
    for (size_t written = 0; written < content.size();) {
        ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            return failed("cannot write " + temporary);
        }
        written += static_cast<size_t>(n);
    }
    if (::close(fd) != 0) return failed("cannot write " + temporary);
    if (std::rename(temporary.c_str(), path.c_str()) != 0) return failed("cannot rename " + temporary + " to " + path);
    return Ok{};
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
        out.push_back(timeoutCounter(self.timeouts));
    }
    if (rejectedRequests > 0) {
        out.push_back(counter("jmx_http_requests_rejected", "Total number of HTTP requests rejected due to pool saturation.",
                              static_cast<double>(rejectedRequests)));
    }
    return out;
}

namespace {

// Past the deadline before any walk has completed, the javaagent answers with its other
// collectors and an empty JMX part (spec §14). Here the JVM and process families come from the
// walk too, so this answer has the build info and the self metrics (all 0 but the timeouts).
std::shared_ptr<const ScrapeOutcome> beforeFirstWalk(uint64_t timeouts, bool withTimeouts, uint64_t rejected) {
    SelfMetrics self;
    self.timeouts = timeouts;
    Result<std::vector<expo::Family>> merged =
        expo::mergeCollectors({buildInfoFamilies(), selfFamilies(self, withTimeouts, rejected)});
    if (!merged) return failure(500, "An Exception occurred while scraping metrics: " + merged.error().message);
    auto outcome = std::make_shared<ScrapeOutcome>();
    outcome->families = std::move(merged).value();
    return outcome;
}

}  // namespace

// State only the scrape thread touches.
struct Scraper::Walk {
    std::unique_ptr<jvm::AttachedThread> thread;
    std::unique_ptr<jvm::Shim> shim;
    std::unique_ptr<rules::Engine> engine;
    bool shimConfigured = false;
    std::string configError;                 // why there is no valid config
    std::optional<timespec> loadedTime;      // mtime of the file when it was last loaded
    std::string lastLoggedError;
    std::string lastDumpError;               // logged once, not at every scrape
    SelfMetrics self;
    bool gcPausesOn = false;                 // the GC pause events are enabled
    std::string gcPauseError;                // why they cannot be (logged once)
    // The javaagent registers the JVM/process families once, at start-up: a reload of
    // excludeJvmMetrics only changes which beans are read (spec §1.2, §13).
    std::optional<bool> jvmFamilies;
    expo::SampleOrders sampleOrders;         // the JMX families' sample orders at the last scrape
    size_t beansLastWalk = 0;                // room made for the next walk's beans
};

namespace {

bool attached(Scraper::Walk& w) {
    if (!w.thread) {
        w.thread = std::make_unique<jvm::AttachedThread>("nativejmx-walk");
        if (w.thread->env() == nullptr) w.thread.reset();
    }
    return w.thread != nullptr;
}

// The GC pause events follow the current config (nativejmx.gcPauseHistogram), reloads included.
void followGcPauseSetting(Scraper::Walk& w) {
    bool wanted = w.engine && w.engine->config().nativejmx.gcPauseHistogram;
    if (wanted == w.gcPausesOn || !attached(w)) return;
    Status followed = jvm::followGcPauseSetting(wanted);
    if (followed) {
        w.gcPausesOn = wanted;
    } else if (followed.error().message != w.gcPauseError) {
        w.gcPauseError = followed.error().message;
        logLine(w.engine->config().file + ": nativejmx.gcPauseHistogram: " + w.gcPauseError +
                "; jvm_gc_stw_pause_seconds is not served");
    }
}

}  // namespace

Scraper::Scraper(std::string configFile, Result<rules::Config> initial, std::string refusal)
    : configFile_(std::move(configFile)),
      refusal_(std::move(refusal)),
      servesTls_(initial && initial->httpServer.ssl),
      walk_(std::make_unique<Walk>()) {
    if (const char* path = std::getenv("NJ_RECORD_WALK")) recordWalkTo_ = path;
    walk_->loadedTime = modificationTime(configFile_);
    if (initial && !initial->agentModeError.empty()) initial = makeError(initial->agentModeError);
    if (initial) {
        noteLoaded(initial.value());
        walk_->jvmFamilies = !initial->excludeJvmMetrics;
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

// What the requests' side and the idle scrape thread need of the config in use.
void Scraper::noteLoaded(const rules::Config& config) {
    scrapeTimeoutSeconds_ = config.scrapeTimeoutSeconds.value_or(0);
    const rules::BeanDumpOptions& dump = config.nativejmx.beanDump;
    dumpRefreshSeconds_ = dump.file ? dump.refreshSeconds : 0;
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
    const int configured = scrapeTimeoutSeconds_.load();
    if (configured > 0) deadline = std::chrono::seconds(configured);
    auto done = [&] { return completed_ >= target || stopping_; };
    if (deadline) {
        if (!cv_.wait_for(lock, *deadline, done)) {
            uint64_t shownTimeouts = timeouts_++;  // shown one scrape late, as the other self metrics
            if (!lastGood_) return beforeFirstWalk(shownTimeouts, configured > 0, rejected_.load());
            return withFresh(*lastGood_, {timeoutCounter(shownTimeouts)});
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
    pthread_setname_np(pthread_self(), "nativejmx-walk");   // at most 15 characters, or it is refused
    // Pauses count from start-up, not from the first scrape; nothing happens when not asked for.
    followGcPauseSetting(*walk_);
    for (;;) {
        {
            std::unique_lock lock(mu_);
            auto asked = [&] { return requested_ || stopping_; };
            if (int refresh = dumpRefreshSeconds_.load(); refresh > 0) {
                // Keeps the bean dump file fresh when nothing scrapes (e.g. a pod without a reachable
                // port): a wait that times out walks as a request would.
                cv_.wait_for(lock, std::chrono::seconds(refresh), asked);
            } else {
                cv_.wait(lock, asked);
            }
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
        // The results replaced are freed after the lock, while the waiting requests already
        // write the new one: tens of thousands of samples take a millisecond or two to free.
        std::shared_ptr<const ScrapeOutcome> replaced, replacedGood;
        {
            std::lock_guard lock(mu_);
            replaced = std::exchange(last_, outcome);
            if (outcome->status == 200) replacedGood = std::exchange(lastGood_, outcome);
            completed_ = started_;
            cv_.notify_all();
        }
        replaced.reset();
        replacedGood.reset();
        // A scrape's working memory (the walk, its samples) is freed by now; glibc would keep
        // it in this thread's arena, resident until the next scrape, so it goes back to the OS.
        ::malloc_trim(0);
    }
    // The JVM is going away: a JNI call now (DeleteGlobalRef, DetachCurrentThread) could block
    // this thread forever, so the shim's reference and the attachment are left to the exit.
    (void)walk_->shim.release();
    (void)walk_->thread.release();
}

std::shared_ptr<const ScrapeOutcome> Scraper::scrapeOnce(Walk& w) {
    SelfMetrics shown = w.self;  // the values of the previous scrape (spec §9)
    shown.timeouts = timeouts_.load();

    // Config reload (spec §13): whenever the file is newer than at the last load.
    std::optional<timespec> now = modificationTime(configFile_);
    if (!w.engine || isNewer(now, w.loadedTime)) {
        Result<rules::Config> config = rules::loadConfigFile(configFile_);
        // Without a config yet, this is still the javaagent's start-up, which refuses it.
        if (config && !config->agentModeError.empty() && !w.engine) config = makeError(config->agentModeError);
        Result<std::unique_ptr<rules::Engine>> engine =
            config ? rules::Engine::create(std::make_shared<const rules::Config>(std::move(config).value()))
                   : Result<std::unique_ptr<rules::Engine>>(config.error());
        if (engine) {
            w.engine = std::move(engine).value();
            logPcre2Rules(*w.engine);
            noteLoaded(w.engine->config());
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
    // A reloaded config that asks for a remote JVM: the javaagent fails every scrape (spec §13).
    if (!config.agentModeError.empty()) {
        return failure(500, "An Exception occurred while scraping metrics: " + config.agentModeError + "\n");
    }
    // httpServer is read at start-up: TLS that a later edit asks for cannot be given now, and
    // metrics in the clear instead would expose them.
    if (config.httpServer.ssl && !servesTls_) {
        std::string refusal = configFile_ + ": httpServer.ssl was added after start-up; restart the JVM to serve HTTPS";
        if (refusal != w.lastLoggedError) logLine(w.lastLoggedError = refusal);
        return failure(503, refusal + "\n");
    }
    if (!w.jvmFamilies) w.jvmFamilies = !config.excludeJvmMetrics;   // the start-up config was bad

    if (!attached(w)) return failure(503, "cannot attach to the JVM (is it shutting down?)\n");
    followGcPauseSetting(w);
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
    Result<std::string> bytes = w.shim->walk(env, *w.jvmFamilies);
    if (!bytes) {
        w.self.error = true;
        return failure(500, "An Exception occurred while scraping metrics: " + bytes.error().message);
    }
    if (!recordWalkTo_.empty()) {
        Status recorded = writeFileAtomically(recordWalkTo_, *bytes);
        logLine(recorded ? "recorded a walk in " + recordWalkTo_ : "NJ_RECORD_WALK: " + recorded.error().message);
        recordWalkTo_.clear();
    }
    Result<jvm::DecodedWalk> decoded = jvm::decodeWalk(std::move(bytes).value(), w.beansLastWalk);
    if (!decoded) return failure(500, "An Exception occurred while scraping metrics: " + decoded.error().message);
    w.beansLastWalk = decoded->snapshot.beans.size();
    const rules::BeanDumpOptions& dumpOptions = config.nativejmx.beanDump;
    rules::MatchRecorder recorder;
    bool dumping = dumpOptions.endpoint || dumpOptions.file;
    rules::Engine::Output output = w.engine->collect(decoded->snapshot, dumping ? &recorder : nullptr);
    for (const std::string& rule : w.engine->rulesNewlyAtMatchLimit()) {
        logLine(config.file + ": " + rule + ": the pattern hit the PCRE2 match limit (too much backtracking) on an "
                "input, which then counts as not matched; logged once per rule");
    }
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    w.self.durationSeconds = static_cast<double>(elapsed.count()) / 1000.0;
    w.self.error = output.abortReason.has_value();
    w.self.cachedBeans = output.cachedBeans;

    std::shared_ptr<const std::string> beanDump;
    if (dumping) beanDump = std::make_shared<const std::string>(rules::writeBeanDump(decoded->snapshot, recorder.matches));
    if (dumpOptions.file) {
        Status written = writeFileAtomically(*dumpOptions.file, *beanDump);
        std::string error = written ? "" : configFile_ + ": nativejmx.beanDump.file: " + written.error().message;
        if (!error.empty() && error != w.lastDumpError) logLine(error);
        w.lastDumpError = error;
    }

    // The rules' families can still fail (a duplicate series): the dump helps most then.
    auto failedWithDump = [&](const std::string& reason) {
        auto outcome = failure(500, "An Exception occurred while scraping metrics: " + reason);
        outcome->beanDump = beanDump;
        return outcome;
    };
    // The samples own their texts: the walk's buffer and value tree go now, so the families
    // below reuse that memory instead of touching fresh pages (malloc_trim returned them).
    decoded->snapshot = rules::Snapshot{};
    Result<std::vector<expo::Family>> jmx = expo::assembleJmxFamilies(std::move(output.samples), &w.sampleOrders);
    // The samples' texts go too, before processFamilies reads RSS: it counts what the scrape keeps.
    output.texts = expo::TextArena{};
    if (!jmx && config.scrapeTimeoutSeconds) {
        // With scrapeTimeoutSeconds the javaagent's JMX collector turns its own failure into
        // jmx_scrape_error 1 and its last good result (spec §14). lastGood_ is written only on
        // this thread.
        w.self.error = true;
        if (!lastGood_) return beforeFirstWalk(shown.timeouts, true, rejected_.load());
        return withFresh(*lastGood_, selfFamilies(shown, true, rejected_.load()));
    }
    if (!jmx) return failedWithDump(jmx.error().message);

    std::vector<std::vector<expo::Family>> collectors;
    collectors.push_back(buildInfoFamilies());
    if (*w.jvmFamilies) {
        std::vector<expo::Family> jvmFamilies = std::move(decoded->jvmFamilies);
        for (auto& f : processFamilies()) jvmFamilies.push_back(std::move(f));
        collectors.push_back(std::move(jvmFamilies));
    }
    if (w.gcPausesOn) collectors.push_back({jvm::gcPauseHistogram().family()});
    uint64_t rejected = rejected_.load();
    std::vector<expo::Family> jmxCollector = selfFamilies(shown, config.scrapeTimeoutSeconds.has_value(), rejected);
    for (auto& f : jmx.value()) jmxCollector.push_back(std::move(f));
    collectors.push_back(std::move(jmxCollector));

    auto outcome = std::make_shared<ScrapeOutcome>();
    outcome->beanDump = std::move(beanDump);
    if (expo::namesCollide(collectors)) {   // merged per request, after name[] (spec §8.1)
        outcome->collectors = std::move(collectors);
        return outcome;
    }
    Result<std::vector<expo::Family>> merged = expo::mergeCollectors(std::move(collectors));
    if (!merged) return failedWithDump(merged.error().message);
    outcome->families = std::move(merged).value();
    return outcome;
}

}  // namespace nj::agent
