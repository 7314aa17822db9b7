// The GC pause histogram: buckets and text as served, and the JVMTI switching against a fake
// JVMTI environment (the real events are tested in tests/jvm/test_jvm_metrics.py).
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "exposition_test_support.h"
#include "jvm/gc_pauses.h"
#include "jvm/vm.h"

namespace {

using nj::expo::Family;
using nj::expo::Sample;

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(GcPauseHistogram, EmptyHistogramHasEveryBucketAtZero) {
    nj::jvm::GcPauseHistogram histogram;
    EXPECT_EQ(text004({histogram.family()}),
              "# HELP jvm_gc_stw_pause_seconds Stop-the-world garbage collection pauses, timed by JVMTI "
              "GarbageCollectionStart/Finish events.\n"
              "# TYPE jvm_gc_stw_pause_seconds histogram\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"1.0E-4\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"2.5E-4\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"5.0E-4\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"0.001\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"0.0025\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"0.005\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"0.01\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"0.025\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"0.05\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"0.1\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"0.25\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"0.5\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"1.0\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"2.5\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"5.0\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"10.0\"} 0\n"
              "jvm_gc_stw_pause_seconds_bucket{le=\"+Inf\"} 0\n"
              "jvm_gc_stw_pause_seconds_count 0\n"
              "jvm_gc_stw_pause_seconds_sum 0.0\n");
}

// le means "less than or equal": a pause of exactly a bound lands in that bound's bucket.
TEST(GcPauseHistogram, PausesLandInTheirBucketsCumulatively) {
    nj::jvm::GcPauseHistogram histogram;
    histogram.record(100'000);         // exactly 0.1 ms
    histogram.record(100'001);         // just above: 0.25 ms bucket
    histogram.record(3'000'000);       // 3 ms: 5 ms bucket
    histogram.record(12'000'000'000);  // 12 s: only +Inf
    Family family = histogram.family();
    std::vector<std::pair<double, double>> buckets;
    for (const Sample& s : family.samples) {
        if (s.suffix == "_bucket") buckets.emplace_back(s.upperBound, s.value);
    }
    std::vector<std::pair<double, double>> expected = {
        {1.0E-4, 1}, {2.5E-4, 2}, {5.0E-4, 2}, {0.001, 2}, {0.0025, 2}, {0.005, 3}, {0.01, 3}, {0.025, 3},
        {0.05, 3}, {0.1, 3}, {0.25, 3}, {0.5, 3}, {1.0, 3}, {2.5, 3}, {5.0, 3}, {10.0, 3}, {kInf, 4}};
    EXPECT_EQ(buckets, expected);
    ASSERT_EQ(family.samples[family.samples.size() - 2].suffix, "_count");
    EXPECT_EQ(family.samples[family.samples.size() - 2].value, 4);
    ASSERT_EQ(family.samples.back().suffix, "_sum");
    EXPECT_DOUBLE_EQ(family.samples.back().value, 12.003200001);
}

// ---- switching the events ------------------------------------------------------------------

struct FakeJvmti {
    static inline bool offersGcEvents = false;
    static inline int capabilitiesAdded = 0;
    static inline std::vector<std::pair<jvmtiEventMode, jvmtiEvent>> switched;

    jvmtiInterface_1_ table{};
    jvmtiEnv env{};

    // C-style variadic, as JVMTI declares it (a lambda cannot be one)
    static jvmtiError JNICALL recordSwitch(jvmtiEnv*, jvmtiEventMode mode, jvmtiEvent event, jthread, ...) {
        switched.emplace_back(mode, event);
        return JVMTI_ERROR_NONE;
    }

    FakeJvmti() {
        table.GetPotentialCapabilities = [](jvmtiEnv*, jvmtiCapabilities* potential) {
            *potential = jvmtiCapabilities{};
            potential->can_generate_garbage_collection_events = offersGcEvents ? 1 : 0;
            return JVMTI_ERROR_NONE;
        };
        table.AddCapabilities = [](jvmtiEnv*, const jvmtiCapabilities* wanted) {
            if (!offersGcEvents || !wanted->can_generate_garbage_collection_events) return JVMTI_ERROR_NOT_AVAILABLE;
            capabilitiesAdded++;
            return JVMTI_ERROR_NONE;
        };
        table.SetEventNotificationMode = recordSwitch;
        env.functions = &table;
        nj::jvm::VM::init(nullptr, &env);
    }
    ~FakeJvmti() { nj::jvm::VM::init(nullptr, nullptr); }
};

// One test, in this order: the capability is added once per process.
TEST(GcPauseSetting, FollowsTheConfigAndSaysWhyWhenTheJvmCannot) {
    FakeJvmti jvmti;
    FakeJvmti::offersGcEvents = false;
    auto refused = nj::jvm::followGcPauseSetting(true);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message, "this JVM does not report garbage collection events to this agent");
    EXPECT_TRUE(FakeJvmti::switched.empty());

    FakeJvmti::offersGcEvents = true;
    ASSERT_TRUE(nj::jvm::followGcPauseSetting(true));
    ASSERT_TRUE(nj::jvm::followGcPauseSetting(false));
    ASSERT_TRUE(nj::jvm::followGcPauseSetting(true));
    EXPECT_EQ(FakeJvmti::capabilitiesAdded, 1);
    using Switch = std::pair<jvmtiEventMode, jvmtiEvent>;
    EXPECT_EQ(FakeJvmti::switched, (std::vector<Switch>{
                                       {JVMTI_ENABLE, JVMTI_EVENT_GARBAGE_COLLECTION_START},
                                       {JVMTI_ENABLE, JVMTI_EVENT_GARBAGE_COLLECTION_FINISH},
                                       {JVMTI_DISABLE, JVMTI_EVENT_GARBAGE_COLLECTION_START},
                                       {JVMTI_DISABLE, JVMTI_EVENT_GARBAGE_COLLECTION_FINISH},
                                       {JVMTI_ENABLE, JVMTI_EVENT_GARBAGE_COLLECTION_START},
                                       {JVMTI_ENABLE, JVMTI_EVENT_GARBAGE_COLLECTION_FINISH}}));
}

TEST(GcPauseSetting, CallbacksGoIntoTheAgentsTable) {
    jvmtiEventCallbacks callbacks{};
    nj::jvm::addGcPauseCallbacks(callbacks);
    EXPECT_NE(callbacks.GarbageCollectionStart, nullptr);
    EXPECT_NE(callbacks.GarbageCollectionFinish, nullptr);
    EXPECT_EQ(callbacks.VMInit, nullptr);
}

}  // namespace
