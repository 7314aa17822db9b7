#include "jvm/gc_pauses.h"

#include <time.h>

#include <algorithm>
#include <limits>
#include <string>

#include "jvm/vm.h"

namespace nj::jvm {
namespace {

// A lock inside a pause could wait on a thread the pause has stopped.
static_assert(std::atomic<uint64_t>::is_always_lock_free);

// When the pause in progress started; 0: none seen (e.g. the events were enabled mid-pause).
constinit std::atomic<uint64_t> g_pauseStartNanos{0};
// constinit: ready before any event, with no initialisation guard to pass inside a pause.
constinit GcPauseHistogram g_histogram;

uint64_t monotonicNanos() noexcept {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(now.tv_nsec);
}

void JNICALL onGcStart(jvmtiEnv*) { g_pauseStartNanos.store(monotonicNanos(), std::memory_order_relaxed); }

void JNICALL onGcFinish(jvmtiEnv*) {
    uint64_t started = g_pauseStartNanos.exchange(0, std::memory_order_relaxed);
    if (started == 0) return;
    uint64_t now = monotonicNanos();
    gcPauseHistogram().record(now > started ? now - started : 0);
}

std::string jvmtiFailure(const char* what, jvmtiError error) {
    return std::string("cannot ") + what + " (JVMTI error " + std::to_string(static_cast<int>(error)) + ")";
}

Status setEvents(jvmtiEnv* jvmti, jvmtiEventMode mode) {
    for (jvmtiEvent event : {JVMTI_EVENT_GARBAGE_COLLECTION_START, JVMTI_EVENT_GARBAGE_COLLECTION_FINISH}) {
        jvmtiError error = jvmti->SetEventNotificationMode(mode, event, nullptr);
        if (error != JVMTI_ERROR_NONE) return makeError(jvmtiFailure("switch the garbage collection events", error));
    }
    return Ok{};
}

Status addCapability(jvmtiEnv* jvmti) {
    jvmtiCapabilities potential{};
    jvmtiError error = jvmti->GetPotentialCapabilities(&potential);
    if (error != JVMTI_ERROR_NONE) return makeError(jvmtiFailure("read the JVMTI capabilities", error));
    if (!potential.can_generate_garbage_collection_events) {
        return makeError("this JVM does not report garbage collection events to this agent");
    }
    jvmtiCapabilities wanted{};
    wanted.can_generate_garbage_collection_events = 1;
    error = jvmti->AddCapabilities(&wanted);
    if (error != JVMTI_ERROR_NONE) return makeError(jvmtiFailure("add can_generate_garbage_collection_events", error));
    return Ok{};
}

}  // namespace

void GcPauseHistogram::record(uint64_t pauseNanos) noexcept {
    auto bucket = std::lower_bound(kGcPauseBucketNanos.begin(), kGcPauseBucketNanos.end(), pauseNanos);
    buckets_[bucket - kGcPauseBucketNanos.begin()].fetch_add(1, std::memory_order_relaxed);
    sumNanos_.fetch_add(pauseNanos, std::memory_order_relaxed);
}

expo::Family GcPauseHistogram::family() const {
    expo::Family family{"jvm_gc_stw_pause_seconds", expo::MetricType::Histogram,
                        "Stop-the-world garbage collection pauses, timed by JVMTI GarbageCollectionStart/Finish "
                        "events.",
                        "seconds", {}};
    uint64_t cumulative = 0;
    for (size_t i = 0; i < buckets_.size(); i++) {
        cumulative += buckets_[i].load(std::memory_order_relaxed);
        double bound = i < kGcPauseBucketNanos.size() ? static_cast<double>(kGcPauseBucketNanos[i]) / 1e9
                                                      : std::numeric_limits<double>::infinity();
        family.samples.push_back({"_bucket", {}, static_cast<double>(cumulative), expo::ValueStyle::Integer, bound});
    }
    family.samples.push_back({"_count", {}, static_cast<double>(cumulative), expo::ValueStyle::Integer});
    double sumSeconds = static_cast<double>(sumNanos_.load(std::memory_order_relaxed)) / 1e9;
    family.samples.push_back({"_sum", {}, sumSeconds, expo::ValueStyle::Double});
    return family;
}

GcPauseHistogram& gcPauseHistogram() { return g_histogram; }

void addGcPauseCallbacks(jvmtiEventCallbacks& callbacks) {
    callbacks.GarbageCollectionStart = onGcStart;
    callbacks.GarbageCollectionFinish = onGcFinish;
}

Status followGcPauseSetting(bool wanted) {
    static bool capabilityAdded = false;  // only the scrape thread calls this
    jvmtiEnv* jvmti = VM::jvmti();
    if (jvmti == nullptr) return makeError("no JVMTI environment");
    if (!wanted) return setEvents(jvmti, JVMTI_DISABLE);
    if (!capabilityAdded) {
        Status added = addCapability(jvmti);
        if (!added) return added;
        capabilityAdded = true;
    }
    g_pauseStartNanos.store(0, std::memory_order_relaxed);
    return setEvents(jvmti, JVMTI_ENABLE);
}

}  // namespace nj::jvm
