// The rule-candidate prefilter (RuleCandidates) against the plain loop, over every real-world
// config (../shared/realworld, read at run time): for each pattern input, every rule that
// matches is a candidate, so trying the candidates in order finds the plain loop's first
// matching rule.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "rules/config.h"
#include "rules/naming.h"
#include "rules/regex.h"
#include "rules/rule_candidates.h"

namespace nj::rules {
namespace {

namespace fs = std::filesystem;

// One attribute as the engine sees it, before it becomes a pattern input.
struct Attribute {
    std::string beanPart;   // domain<k=v, ...><keys>
    std::string name;
    std::string value;
};

RuleCandidates::Inputs inputsOf(const Attribute& a) {
    const std::string snake = snakeCase(a.name);
    return {a.beanPart + a.name + ": " + a.value, a.beanPart + a.name + ": <cache>",
            a.beanPart + snake + ": " + a.value, a.beanPart + snake + ": <cache>"};
}

// Shapes the real-world configs are written for.
std::vector<Attribute> realisticAttributes() {
    return {
        {"kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec, topic=orders><>", "Count", "12345"},
        {"kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec><>", "OneMinuteRate", "1.5"},
        {"kafka.network<type=RequestMetrics, name=TotalTimeMs, request=Produce><>", "99thPercentile", "3.0"},
        {"kafka.network<type=RequestMetrics, name=RequestsPerSec, request=Fetch, version=12><>", "Count", "7"},
        {"kafka.log<type=Log, name=Size, topic=orders, partition=3><>", "Value", "1048576"},
        {"kafka.cluster<type=Partition, name=UnderReplicated, topic=orders, partition=0><>", "Value", "0"},
        {"kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>", "Value", "0"},
        {"kafka.server<type=KafkaRequestHandlerPool, name=RequestHandlerAvgIdlePercent><>", "MeanRate", "0.9"},
        {"kafka.controller<type=KafkaController, name=ActiveControllerCount><>", "Value", "1"},
        {"kafka.server<type=raft-metrics><>", "current-state", "leader"},
        {"kafka.server<type=raft-metrics><>", "commit-latency-avg", "2.5"},
        {"kafka.server<type=socket-server-metrics, listener=PLAIN, networkProcessor=1><>", "connection-count", "4"},
        {"kafka.server<type=app-info, id=1><>", "version", "3.6.0"},
        {"kafka.consumer<type=consumer-fetch-manager-metrics, client-id=c1, topic=t, partition=0><>", "records-lag", "5"},
        {"kafka.connect<type=connector-task-metrics, connector=c, task=0><>", "status", "running"},
        {"kafka.streams<type=stream-thread-metrics, thread-id=t1><>", "poll-rate", "1.0"},
        {"org.apache.cassandra.metrics<type=ColumnFamily, keyspace=ks, scope=tbl, name=ReadLatency><>", "Count", "3"},
        {"org.apache.cassandra.metrics<type=Table, keyspace=ks, scope=tbl, name=LiveSSTableCount><>", "Value", "9"},
        {"Catalina<type=GlobalRequestProcessor, name=\"http-nio-8080\"><>", "requestCount", "10"},
        {"Catalina<j2eeType=Servlet, WebModule=//localhost/app, name=jsp, J2EEApplication=none, J2EEServer=none><>",
         "requestCount", "2"},
        {"Catalina<type=Manager, host=localhost, context=/app><>", "activeSessions", "1"},
        {"org.apache.ZooKeeperService<name0=ReplicatedServer_id1, name1=replica.1, name2=Leader><>", "PacketsSent",
         "8"},
        {"org.apache.activemq<type=Broker, brokerName=b, destinationType=Queue, destinationName=q><>", "QueueSize",
         "4"},
        {"org.apache.activemq.artemis<broker=\"b\", component=addresses, address=\"a\", subcomponent=queues, "
         "routing-type=\"anycast\", queue=\"q\"><>",
         "MessageCount", "3"},
        {"metrics<name=app.driver.BlockManager.memory.memUsed_MB, type=gauges><>", "Value", "12"},
        {"flink.jobmanager<name=numRunningJobs><>", "Value", "1"},
        {"com.hazelcast<instance=h, type=IMap, name=m><>", "localOwnedEntryCount", "5"},
        {"presto.execution<name=QueryManager><>", "RunningQueries", "2"},
        {"jboss.as<subsystem=datasources, data-source=ExampleDS, statistics=pool><>", "ActiveCount", "1"},
        {"com.bea<ServerRuntime=s1, Name=n, Type=JDBCDataSourceRuntime><>", "ActiveConnectionsCurrentCount", "1"},
        {"java.lang<type=Memory><HeapMemoryUsage>", "used", "123456"},
        {"java.lang<type=GarbageCollector, name=G1 Young Generation><>", "CollectionCount", "4"},
        {"java.lang<type=Threading><>", "ThreadCount", "20"},
        {"java.nio<type=BufferPool, name=direct><>", "MemoryUsed", "0"},
        {"org.apache.helix<Type=Cluster, Cluster=c><>", "DisabledNodesGauge", "0"},
    };
}

// Random attributes near the realistic ones: a bean, attribute and value mixed from different
// shapes, often with one word swapped for a word of the config's own patterns. Many of them
// come close to a rule: the place where a wrong prefilter would show.
std::vector<Attribute> randomAttributes(const std::vector<std::string>& patterns, unsigned seed, size_t count) {
    static const std::regex word("[A-Za-z0-9][A-Za-z0-9_-]*");
    std::set<std::string> wordSet;
    for (const std::string& pattern : patterns) {
        for (auto it = std::sregex_iterator(pattern.begin(), pattern.end(), word); it != std::sregex_iterator(); ++it) {
            wordSet.insert(it->str());
        }
    }
    const std::vector<std::string> words(wordSet.begin(), wordSet.end());
    const std::vector<Attribute> shapes = realisticAttributes();
    std::mt19937 random(seed);
    auto shape = [&]() -> const Attribute& { return shapes[random() % shapes.size()]; };
    auto swapWord = [&](std::string text) {
        if (words.empty() || random() % 2 == 0) return text;
        std::vector<std::smatch> found;
        for (auto it = std::sregex_iterator(text.begin(), text.end(), word); it != std::sregex_iterator(); ++it) {
            found.push_back(*it);
        }
        if (found.empty()) return text;
        const std::smatch& chosen = found[random() % found.size()];
        return text.substr(0, chosen.position()) + words[random() % words.size()] +
               text.substr(chosen.position() + chosen.length());
    };
    std::vector<Attribute> out;
    for (size_t i = 0; i < count; i++) {
        out.push_back({swapWord(shape().beanPart), swapWord(shape().name), swapWord(shape().value)});
    }
    return out;
}

uint8_t variantOf(const Rule& rule) { return (rule.attrNameSnakeCase ? 2 : 0) + (rule.cache ? 1 : 0); }

TEST(RuleCandidates, FirstMatchingRuleIsThePlainLoopsOnEveryRealWorldConfig) {
    size_t configs = 0, matches = 0;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(fs::path(NJ_SHARED_DIR) / "realworld")) {
        const std::string ext = entry.path().extension().string();
        if (ext != ".yml" && ext != ".yaml") continue;
        Result<Config> config = loadConfigFile(entry.path().string());
        if (!config) continue;   // refused configs have no rules to run (config_realworld_test)
        std::vector<std::unique_ptr<Pattern>> compiled;
        std::vector<const Pattern*> patterns;
        std::vector<uint8_t> variants;
        std::vector<std::string> sources;
        for (const Rule& rule : config->rules) {
            compiled.push_back(rule.pattern ? std::move(Pattern::compile(*rule.pattern)).value() : nullptr);
            patterns.push_back(compiled.back().get());
            variants.push_back(variantOf(rule));
            if (rule.pattern) sources.push_back(*rule.pattern);
        }
        const RuleCandidates candidates(patterns, variants);
        configs++;

        std::vector<Attribute> attributes = realisticAttributes();
        for (Attribute& a : randomAttributes(sources, static_cast<unsigned>(configs), 4000)) attributes.push_back(a);
        std::vector<uint32_t> found;
        MatchGroups groups;
        for (const Attribute& attribute : attributes) {
            const RuleCandidates::Inputs inputs = inputsOf(attribute);
            candidates.find(inputs, found);
            const std::set<uint32_t> candidateSet(found.begin(), found.end());
            for (uint32_t rule = 0; rule < patterns.size(); rule++) {
                const std::string& input = inputs[variants[rule]];
                if (patterns[rule] != nullptr && !patterns[rule]->match(input, groups)) continue;
                EXPECT_TRUE(candidateSet.count(rule))
                    << entry.path() << " rules[" << rule << "] matches but is no candidate for: " << input;
                matches++;
            }
        }
    }
    EXPECT_GE(configs, 15u);
    // Enough inputs reach a rule for the comparison to mean something.
    EXPECT_GE(matches, 2500u);
}

}  // namespace
}  // namespace nj::rules
