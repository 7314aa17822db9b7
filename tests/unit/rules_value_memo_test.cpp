// The value memo (engine.h, value_automaton.h): a rule's result is reused across scrapes only
// when its match cannot depend on the value. The proof is checked on chosen patterns, then held
// to plain matching on every real-world config (each input matched again with other values),
// and the engine with its memo is held to a fresh engine scrape after scrape.
#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/config.h"
#include "rules/regex_engines.h"
#include "rules_attribute_shapes.h"
#include "rules_test_support.h"

namespace nj::rules {
namespace {

namespace fs = std::filesystem;

// The value texts the proof covers (Long, Double, Float, Boolean): the memo must give the
// same answer for every one of them.
const std::vector<std::string> kValues = {"0",  "7",         "-12",   "12345678901", "1.5",  "-0.25", "1.0E10",
                                          "9.9E-5", "NaN", "Infinity", "-Infinity", "true", "false", ""};

bool holds(std::string_view javaPattern, const std::string& fixed, const std::string& value) {
    auto pattern = JavaPattern::compile(javaPattern);
    EXPECT_TRUE(pattern) << javaPattern;
    if (!pattern) return false;
    const std::string input = fixed + value;
    MatchGroups groups;
    EXPECT_TRUE((*pattern)->match(input, groups)) << javaPattern << " on " << input;
    return (*pattern)->groupsHoldForAnyValue(input, fixed.size());
}

TEST(ValueMemoProof, HoldsExactlyWhereNoMatchCanReachTheValue) {
    const std::string log = "kafka.log<type=Log, name=Size, topic=t-1, partition=3><>Value: ";
    EXPECT_TRUE(holds("kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+), (.+)=(.+)><>Value", log, "12345"));
    EXPECT_TRUE(holds("kafka.(\\w+)<type=(.+), name=(.+)><>(Count|Value)", "kafka.c<type=P, name=U><>Value: ", "0"));
    EXPECT_TRUE(holds("><>(\\w+)", log, "1.5"));          // \w+ stops at ':'
    EXPECT_TRUE(holds(".*Value", log, "true"));           // 'V' is never in a value
    EXPECT_TRUE(holds("(.+)<type=(.+)>", log, "NaN"));    // '>' neither

    EXPECT_FALSE(holds("Value: (\\d+)", log, "12"));       // the group is the value
    EXPECT_FALSE(holds("(\\d+)", log, "12"));              // matches inside the value
    EXPECT_FALSE(holds("Value(.*)", log, "12"));           // .* runs into the value
    EXPECT_FALSE(holds("(.+)e", log, "true"));             // the rightmost 'e' may be the value's
    EXPECT_FALSE(holds("Value: 1", log, "12"));            // a literal that ends inside the value
    EXPECT_FALSE(holds("(.*)", log, "5"));
    // A value with bytes outside the covered set (a String's text) is never proven.
    EXPECT_FALSE(holds("kafka.(\\w+)<type=(.+)", log, "some text"));
    EXPECT_FALSE(holds("kafka.(\\w+)<type=(.+)", log, "1:2"));
}

TEST(ValueMemoProof, NotOfferedOutsideThePlainLanguageSubset) {
    for (const char* javaPattern : {"kafka.(\\w+)<type=(?!RequestMetrics)(.+)><>Count", "(a)\\1", "\\bValue",
                                    "Value$", "a)|(b", "(?<=x)y", "(?>a+)b", "a++b", "(x)?", "a{20}"}) {
        auto pattern = JavaPattern::compile(javaPattern);
        ASSERT_TRUE(pattern) << javaPattern;
        EXPECT_EQ((*pattern)->valueBytes(), nullptr) << javaPattern;
    }
}

// Every input of every real-world config that the proof accepts gives the same match and the
// same groups with every other value; and the pool holds inputs whose groups do change with
// the value (so a proof that accepted everything would fail here).
TEST(ValueMemoProof, ProvenMatchesAreTheSameForEveryValueOnEveryRealWorldConfig) {
    size_t proven = 0, valueDependent = 0, configs = 0;
    for (const shapes::RealWorldConfig& world : shapes::realWorldConfigs()) {
        configs++;
        const std::vector<std::string> sources = shapes::patternsOf(world.config);
        std::vector<shapes::Attribute> attributes = shapes::realisticAttributes();
        for (auto& a : shapes::randomAttributes(sources, static_cast<unsigned>(configs), 1500)) attributes.push_back(a);
        for (const std::string& source : sources) {
            auto pattern = JavaPattern::compile(source);
            ASSERT_TRUE(pattern) << source;
            for (const shapes::Attribute& a : attributes) {
                const std::string fixed = a.beanPart + a.name + ": ";
                const std::string input = fixed + a.value;   // the groups view it
                MatchGroups first;
                if (!(*pattern)->match(input, first)) continue;
                const bool proof = (*pattern)->groupsHoldForAnyValue(input, fixed.size());
                bool differs = false;
                for (const std::string& value : kValues) {
                    const std::string otherInput = fixed + value;
                    MatchGroups other;
                    const bool matched = (*pattern)->match(otherInput, other);
                    bool same = matched && other.groups.size() == first.groups.size();
                    for (size_t g = 1; same && g < first.groups.size(); g++) {
                        const auto& x = first.groups[g];
                        const auto& y = other.groups[g];
                        same = x.has_value() == y.has_value() &&
                               (!x || (*x == *y && x->data() - first.groups[0]->data() ==
                                                      y->data() - other.groups[0]->data()));
                    }
                    differs = differs || !same;
                    EXPECT_TRUE(same || !proof) << world.file << ": " << source << " on " << fixed
                                                << a.value << " and " << value;
                }
                proven += proof;
                valueDependent += differs;
            }
        }
    }
    EXPECT_GE(configs, 15u);
    EXPECT_GE(proven, 500u);
    EXPECT_GE(valueDependent, 20u);
}

// A proof of Pattern's on a fixed part, for a pattern compiled here.
template <typename Proof>
bool proveOn(std::string_view javaPattern, const std::string& fixed, Proof proof) {
    auto pattern = JavaPattern::compile(javaPattern);
    EXPECT_TRUE(pattern) << javaPattern;
    return pattern && ((**pattern).*proof)(fixed);
}

bool neverMatches(std::string_view javaPattern, const std::string& fixed) {
    return proveOn(javaPattern, fixed, &JavaPattern::neverMatchesForAnyValue);
}

TEST(ValueMemoProof, NeverMatchesHoldsOnlyWhereNoValueCanMakeItMatch) {
    const std::string log = "kafka.log<type=Log, name=Size, topic=t-1, partition=3><>Value: ";
    const std::string requests = "kafka.network<type=RequestMetrics, name=TotalTimeMs, request=Produce><>Count: ";
    EXPECT_TRUE(neverMatches("kafka.(\\w+)<type=(.+), name=(.+)><>Count", log));
    // Look-aheads are dropped for the proof: a wider language, still without "Count" here.
    EXPECT_TRUE(neverMatches("kafka.(\\w+)<type=(?!RequestMetrics)(.+), name=(.+)PerSec\\w*><>Count", log));
    EXPECT_TRUE(neverMatches("\\bQueue\\b", log));
    EXPECT_TRUE(neverMatches("(a)\\1b", log));                     // back-reference: any text, then 'b'
    EXPECT_FALSE(neverMatches("Value: 0", log));                    // matches when the value is 0
    EXPECT_FALSE(neverMatches("(\\d+)", log));                       // the value's digits
    EXPECT_FALSE(neverMatches("Size", log));                        // matches in the fixed part
    EXPECT_FALSE(neverMatches("e$", log));                          // "true", "false"
    // The look-ahead would refuse this input, but the proof cannot tell: it says nothing.
    EXPECT_FALSE(neverMatches("kafka.(\\w+)<type=(?!RequestMetrics)(.+), name=(.+)><>Count", requests));
    EXPECT_FALSE(neverMatches("a)|(b", log));                       // breaks out of the wrapper
}

// Wherever the proof says an input never matches, it matches with none of the values; and the
// pool holds inputs that do match, so a proof that said yes to everything would fail here.
TEST(ValueMemoProof, NeverMatchingInputsMatchWithNoValueOnEveryRealWorldConfig) {
    size_t proven = 0, matching = 0;
    for (const shapes::RealWorldConfig& world : shapes::realWorldConfigs()) {
        const std::vector<std::string> sources = shapes::patternsOf(world.config);
        std::vector<shapes::Attribute> attributes = shapes::realisticAttributes();
        for (auto& a : shapes::randomAttributes(sources, static_cast<unsigned>(proven + 7), 800)) attributes.push_back(a);
        for (const std::string& source : sources) {
            auto pattern = JavaPattern::compile(source);
            ASSERT_TRUE(pattern) << source;
            for (const shapes::Attribute& a : attributes) {
                const std::string fixed = a.beanPart + a.name + ": ";
                const bool never = (*pattern)->neverMatchesForAnyValue(fixed);
                bool anyMatch = false;
                for (const std::string& value : kValues) {
                    MatchGroups groups;
                    const bool matched = (*pattern)->match(fixed + value, groups);
                    anyMatch = anyMatch || matched;
                    EXPECT_FALSE(matched && never) << world.file << ": " << source << " on " << fixed << value;
                }
                proven += never;
                matching += anyMatch;
            }
        }
    }
    EXPECT_GE(proven, 10000u);
    EXPECT_GE(matching, 1000u);
}

bool matchesAlways(std::string_view javaPattern, const std::string& fixed) {
    return proveOn(javaPattern, fixed, &JavaPattern::matchesForAnyValue);
}

TEST(ValueMemoProof, MatchesForAnyValueOnlyWhenTheFixedPartMatches) {
    const std::string log = "kafka.log<type=Log, name=Size, topic=t-1, partition=3><>Value: ";
    EXPECT_TRUE(matchesAlways(".*", log));
    EXPECT_TRUE(matchesAlways("", log));
    EXPECT_TRUE(matchesAlways("<type=Log", log));
    EXPECT_FALSE(matchesAlways("Value: 1", log));                  // needs the value
    EXPECT_FALSE(matchesAlways("Count", log));
    EXPECT_FALSE(matchesAlways("kafka.(\\w+)<type=(?!Req)", log));  // a look-ahead: no exact language
    EXPECT_FALSE(matchesAlways(".*", "a\nb: "));                   // a line break stops the wrapper's .*
}

using enginetest::SnapshotBuilder;

// A snapshot of the realistic attributes without composite keys, the value of each chosen by
// the round: Long, Double (infinite too), Boolean, or String, with or without a description.
Snapshot snapshotWithValues(size_t round) {
    SnapshotBuilder b;
    size_t i = 0;
    for (const shapes::Attribute& a : shapes::realisticAttributes()) {
        if (a.beanPart.find("><>") == std::string::npos) continue;
        const size_t open = a.beanPart.find('<');
        std::string properties = a.beanPart.substr(open + 1, a.beanPart.size() - open - 4);
        for (size_t at; (at = properties.find(", ")) != std::string::npos;) properties.erase(at + 1, 1);
        Bean& bean = b.bean(a.beanPart.substr(0, open), properties);
        const size_t k = (i++ * 7 + round * 3) % 5;
        const Node* value = k == 0   ? b.longValue(static_cast<int64_t>(round * 1000 + i))
                            : k == 1 ? b.doubleValue(0.5 * static_cast<double>(round) - 1)
                            : k == 2 ? b.boolValue(round % 2 == 0)
                            : k == 3 ? b.doubleValue(round == 1 ? std::numeric_limits<double>::infinity() : 1e10)
                                     : b.text(round == 0 ? "running" : "9");
        b.attribute(bean, a.name, value, i % 3 == 0 ? "described" : nullptr);
    }
    return std::move(b.snapshot);
}

std::vector<std::string> rendered(const Engine::Output& out) {
    std::vector<std::string> lines;
    for (const expo::RawSample& s : out.samples) {
        lines.push_back(std::string(s.name) + "{" + enginetest::labelsOf(s) + "} " + std::to_string(s.value) + " " +
                        std::to_string(static_cast<int>(s.type)) + " help=" + std::string(s.help) +
                        " objectName=" + std::string(s.objectName));
    }
    return lines;
}

TEST(ValueMemo, EngineWithItsMemoAnswersAsAFreshEngineScrapeAfterScrape) {
    size_t memoised = 0;
    for (const char* file : {"strimzi-kafka-metrics-config.yml", "seed-kafka-rules.yml",
                             "jmx_exporter-examples/kafka-2_0_0.yml", "jmx_exporter-examples/tomcat.yml",
                             "jmx_exporter-examples/cassandra.yml"}) {
        const fs::path path = fs::path(NJ_SHARED_DIR) / "realworld" / file;
        ASSERT_TRUE(fs::exists(path)) << path;
        auto shared = std::make_shared<const Config>(std::move(loadConfigFile(path.string())).value());
        auto kept = std::move(Engine::create(shared)).value();
        for (size_t round = 0; round < 4; round++) {
            const Snapshot snapshot = snapshotWithValues(round);
            Engine::Output memoOut = kept->collect(snapshot);
            auto fresh = std::move(Engine::create(shared)).value();   // its samples view its memo
            Engine::Output freshOut = fresh->collect(snapshot);
            EXPECT_EQ(rendered(memoOut), rendered(freshOut)) << file << " round " << round;
            EXPECT_EQ(memoOut.abortReason, freshOut.abortReason);
        }
        memoised += kept->memoEntries();
    }
    EXPECT_GE(memoised, 10u);   // the memo was used, so the comparison above means something
}

// Rules whose templates read no group: the match alone matters, so one that matches within the
// fixed part is memoised, and one that needs the value never is.
TEST(ValueMemo, RulesReadingNoGroupAreMemoisedOnlyWhenTheyMatchWhateverTheValue) {
    struct Case {
        Config config;
        bool memoised;
    };
    std::vector<Case> cases = {
        {Config{}, true},                                                // no rules key: the default export
        {enginetest::withRules({enginetest::rule(".*")}), true},
        {enginetest::withRules({enginetest::rule("kafka.log<type=Log>")}), true},
        {enginetest::withRules({enginetest::rule("Value: 1$", "one")}), false},
        // The catch-all after it is memoised, yet "one" still wins whenever the value is 1.
        {enginetest::withRules({enginetest::rule("Value: 1$", "one"), enginetest::rule(std::nullopt)}), true},
    };
    for (size_t c = 0; c < cases.size(); c++) {
        auto shared = std::make_shared<const Config>(cases[c].config);
        auto kept = std::move(Engine::create(shared)).value();
        size_t entries = 0;
        for (int64_t value : {1, 2, 1, 3}) {
            SnapshotBuilder b;
            b.attribute(b.bean("kafka.log", "type=Log"), "Value", b.longValue(value));
            Engine::Output memoOut = kept->collect(b.snapshot);
            auto fresh = std::move(Engine::create(shared)).value();   // its samples view its memo
            Engine::Output freshOut = fresh->collect(b.snapshot);
            EXPECT_EQ(rendered(memoOut), rendered(freshOut)) << "case " << c << " value " << value;
            entries += kept->memoEntries();
        }
        EXPECT_EQ(entries > 0, cases[c].memoised) << "case " << c;
    }
}

// Entries a scrape did not use are dropped after it; one used twice in a scrape is still one
// entry in use, so another that went unused is dropped too.
TEST(ValueMemo, EntriesAScrapeDidNotUseAreDropped) {
    auto shared = std::make_shared<const Config>(Config{});
    auto kept = std::move(Engine::create(shared)).value();
    auto scrape = [&](std::vector<std::string> beans, int64_t value) {
        SnapshotBuilder b;
        for (const std::string& type : beans) b.attribute(b.bean("kafka.log", "type=" + type), "Value", b.longValue(value));
        Engine::Output memoOut = kept->collect(b.snapshot);
        auto fresh = std::move(Engine::create(shared)).value();   // its samples view its memo
        Engine::Output freshOut = fresh->collect(b.snapshot);
        EXPECT_EQ(rendered(memoOut), rendered(freshOut));
        return kept->memoEntries();
    };
    EXPECT_EQ(scrape({"X", "Y"}, 1), 2u);
    EXPECT_EQ(scrape({"X", "Y"}, 2), 2u);
    EXPECT_EQ(scrape({"X", "X"}, 3), 1u) << "Y went unused";
    EXPECT_EQ(scrape({"X", "Y"}, 4), 2u);
    EXPECT_EQ(scrape({}, 5), 0u);
}

// A value-dependent rule before a memoised one: once the value becomes 0 the first rule takes
// the attribute, memo or not.
TEST(ValueMemo, AnEarlierRuleThatMatchesOnlySomeValuesStillWins) {
    Config config = enginetest::withRules({enginetest::rule("Value: 0$", "zero"),
                                          enginetest::rule("kafka.(\\w+)<type=(.+)><>Value", "kafka_$1_$2")});
    auto shared = std::make_shared<const Config>(std::move(config));
    auto kept = std::move(Engine::create(shared)).value();
    for (int64_t value : {5, 6, 7, 0, 8, 0}) {
        SnapshotBuilder b;
        b.attribute(b.bean("kafka.log", "type=Log"), "Value", b.longValue(value));
        Engine::Output memoOut = kept->collect(b.snapshot);
        auto fresh = std::move(Engine::create(shared)).value();   // its samples view its memo
        Engine::Output freshOut = fresh->collect(b.snapshot);
        EXPECT_EQ(rendered(memoOut), rendered(freshOut)) << "value " << value;
        ASSERT_EQ(memoOut.samples.size(), 1u);
        EXPECT_EQ(memoOut.samples[0].name, value == 0 ? "zero" : "kafka_log_Log");
    }
}

}  // namespace
}  // namespace nj::rules
