// Pattern-input shapes of the real-world configs, shared by the rules tests that hold an
// optimisation (the rule prefilter, the value memo) to the plain evaluation.
#pragma once

#include <filesystem>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "rules/config.h"

namespace nj::rules::shapes {

// Every real-world config that loads (../shared/realworld, read at run time), with its file
// name; refused ones have no rules to run (config_realworld_test covers them).
struct RealWorldConfig {
    std::string file;
    Config config;
};

inline std::vector<RealWorldConfig> realWorldConfigs() {
    namespace fs = std::filesystem;
    std::vector<RealWorldConfig> out;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(fs::path(NJ_SHARED_DIR) / "realworld")) {
        const std::string ext = entry.path().extension().string();
        if (ext != ".yml" && ext != ".yaml") continue;
        Result<Config> config = loadConfigFile(entry.path().string());
        if (config) out.push_back({entry.path().filename().string(), std::move(config).value()});
    }
    return out;
}

// The patterns of a config's rules, in order (rules without one left out).
inline std::vector<std::string> patternsOf(const Config& config) {
    std::vector<std::string> out;
    for (const Rule& rule : config.rules) {
        if (rule.pattern) out.push_back(*rule.pattern);
    }
    return out;
}

// One attribute as the engine sees it, before it becomes a pattern input.
struct Attribute {
    std::string beanPart;   // domain<k=v, ...><keys>
    std::string name;
    std::string value;
};

// Shapes the real-world configs are written for.
inline std::vector<Attribute> realisticAttributes() {
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
inline std::vector<Attribute> randomAttributes(const std::vector<std::string>& patterns, unsigned seed, size_t count) {
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

}  // namespace nj::rules::shapes
