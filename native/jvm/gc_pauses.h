// Stop-the-world pauses, timed by JVMTI's GarbageCollectionStart/Finish events, served as the
// histogram jvm_gc_stw_pause_seconds: our extra, off unless `nativejmx: {gcPauseHistogram: true}`.
// The events arrive in the VM thread inside the pause, so recording makes no JNI call, takes no
// lock and allocates nothing: a monotonic clock and a few relaxed atomics.
#pragma once

#include <jvmti.h>

#include <array>
#include <atomic>
#include <cstdint>

#include "common/result.h"
#include "exposition/metric_model.h"

namespace nj::jvm {

// Bucket upper bounds in nanoseconds, 0.1 ms to 10 s (the +Inf bucket comes on top).
inline constexpr std::array<uint64_t, 16> kGcPauseBucketNanos = {
    100'000,     250'000,     500'000,       1'000'000,     2'500'000,     5'000'000,
    10'000'000,  25'000'000,  50'000'000,    100'000'000,   250'000'000,   500'000'000,
    1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};

class GcPauseHistogram {
public:
    void record(uint64_t pauseNanos) noexcept;

    // jvm_gc_stw_pause_seconds: cumulative `_bucket`s, `_count` (the buckets' total, so the
    // two always agree) and `_sum` in seconds.
    expo::Family family() const;

private:
    std::array<std::atomic<uint64_t>, kGcPauseBucketNanos.size() + 1> buckets_{};
    std::atomic<uint64_t> sumNanos_{0};
};

// The histogram the JVMTI callbacks feed (one per process, as the events are).
GcPauseHistogram& gcPauseHistogram();

// Puts the GC start/finish callbacks into the agent's one callback table; they do nothing
// until followGcPauseSetting(true) enables the events.
void addGcPauseCallbacks(jvmtiEventCallbacks& callbacks);

// Enables or disables the events as the current config says. Adds the JVMTI capability the first
// time it is wanted, so a JVM that never asks pays nothing. Call from a thread attached to the JVM.
// An error says why this JVM cannot give the events; the histogram is then not served.
Status followGcPauseSetting(bool wanted);

}  // namespace nj::jvm
