// nativejmx-check's diagnostics, dry run and --explain on the configs in tests/tools/ and the
// real-world configs in ../shared/realworld/. Messages name the file, the rule or key and the line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "rules/bean_dump.h"
#include "rules/config_keys.h"
#include "tools/config_check.h"
#include "tools/dry_run.h"
#include "tools/explain.h"

namespace nj::tools {
namespace {

namespace fs = std::filesystem;

const fs::path kTools = fs::path(NJ_SOURCE_DIR) / "tests" / "tools";
const fs::path kStrimzi = fs::path(NJ_SHARED_DIR) / "realworld" / "strimzi-kafka-metrics-config.yml";

std::string toolFile(const char* name) { return (kTools / name).string(); }

// A config too small for tests/tools/, in a temporary file for the length of a test.
struct TemporaryConfig {
    TemporaryConfig(const char* name, const std::string& text) : path(fs::temp_directory_path() / name) {
        std::ofstream(path) << text;
    }
    ~TemporaryConfig() { fs::remove(path); }
    fs::path path;
};

std::vector<std::string> messagesOf(const ConfigCheck& check, const std::string& kind) {
    std::vector<std::string> out;
    for (const Diagnostic& d : check.diagnostics) {
        if (d.kind == kind) out.push_back(d.message + " [line " + std::to_string(d.line) + "]");
    }
    return out;
}

// Checks tests/tools/<name>: its diagnostics of `kind` are `expected` (each after "<file>: ",
// with its line), and the exit status is `exitCode`. Returns the check for further expectations.
ConfigCheck expectDiagnostics(const char* name, const std::string& kind, const std::vector<std::string>& expected,
                              int exitCode) {
    std::string file = toolFile(name);
    ConfigCheck check = checkConfig(file);
    std::vector<std::string> withFile;
    for (const std::string& message : expected) withFile.push_back(file + ": " + message);
    EXPECT_EQ(messagesOf(check, kind), withFile);
    EXPECT_EQ(exitCodeFor(check.diagnostics), exitCode);
    return check;
}

TEST(NativejmxCheck, ACleanConfigHasNoDiagnostics) {
    ConfigCheck check = checkConfig(toolFile("clean.yaml"));
    EXPECT_TRUE(check.diagnostics.empty());
    EXPECT_NE(check.engine, nullptr);
    EXPECT_EQ(exitCodeFor(check.diagnostics), 0);
}

TEST(NativejmxCheck, UnknownKeysAreWarningsWithTheClosestKnownKey) {
    ConfigCheck check = expectDiagnostics(
        "unknown-keys.yaml", "unknown-key",
        {"lowercaseOutputname (line 1): unknown key, ignored by the javaagent and by nativejmx; did you mean "
         "lowercaseOutputName? [line 1]",
         "rules[0].lable (line 5): unknown key, ignored by the javaagent and by nativejmx; did you mean labels? [line 5]",
         "httpServer.maximumRequestSecond (line 8): unknown key, ignored by the javaagent and by nativejmx; did you "
         "mean maximumRequestSeconds? [line 8]"},
        2);
    EXPECT_NE(check.engine, nullptr);   // accepted, as the javaagent accepts it
}

TEST(NativejmxCheck, UnknownKeysLookOnlyWhereTheJavaagentReadsKeys) {
    auto unknown = rules::findUnknownKeys(
        "rules:\n  - pattern: x\n    name: y\n    labels: {anyLabel: v}\n"
        "includeObjectNameAttributes: {\"a:b=c\": [X]}\nopenTelemetry: {endpoint: e, whatever: 1}\n"
        "httpServer: {authentication: {basic: {username: u, pasword: p}}}\nsomething: else\n"
        "attrNameSnakeCase: true\nname: x\n");
    ASSERT_TRUE(unknown.ok());
    ASSERT_EQ(unknown->size(), 4u);
    EXPECT_EQ((*unknown)[0].path, "httpServer.authentication.basic.pasword");
    EXPECT_EQ((*unknown)[0].suggestion, "password");
    EXPECT_EQ((*unknown)[1].path, "something");
    EXPECT_EQ((*unknown)[1].suggestion, "");
    EXPECT_EQ((*unknown)[1].knownAt, "");
    // A rule key at the top level (as in jmx_exporter's own hazelcast example) does nothing there.
    EXPECT_EQ((*unknown)[2].path, "attrNameSnakeCase");
    EXPECT_EQ((*unknown)[2].knownAt, "rules[].attrNameSnakeCase");
    EXPECT_EQ((*unknown)[3].knownAt, "rules[].name");   // the shallowest of the places that read `name`
}

TEST(NativejmxCheck, AKeyReadElsewhereSaysWhere) {
    std::string file = (fs::path(NJ_SHARED_DIR) / "realworld" / "jmx_exporter-examples" / "hazelcast.yml").string();
    ConfigCheck check = checkConfig(file);
    EXPECT_EQ(messagesOf(check, "unknown-key"),
              std::vector<std::string>{file + ": attrNameSnakeCase (line 2): unknown key, ignored by the javaagent and "
                                              "by nativejmx; the javaagent reads it only as rules[].attrNameSnakeCase "
                                              "[line 2]"});
    EXPECT_EQ(exitCodeFor(check.diagnostics), 2);
}

TEST(NativejmxCheck, TypeErrorsAreTheLoadersErrors) {
    ConfigCheck check = expectDiagnostics(
        "type-error.yaml", "config",
        {"rules[0].labels.code (line 5): must be a string, found the integer 200; put it in quotes to make it a "
         "string [line 5]"},
        1);
    EXPECT_EQ(check.engine, nullptr);
}

TEST(NativejmxCheck, YamlSyntaxErrorsCarryTheirLine) {
    TemporaryConfig file("nj_check_syntax.yaml",
                         "rules:\n  - pattern: \".*\"\n    name: [unclosed\n");
    ConfigCheck check = checkConfig(file.path.string());
    ASSERT_EQ(check.diagnostics.size(), 1u);
    EXPECT_EQ(check.diagnostics[0].kind, "config");
    EXPECT_EQ(check.diagnostics[0].line, 4);
    EXPECT_EQ(check.diagnostics[0].message.rfind(file.path.string() + ": line 4, column ", 0), 0u)
        << check.diagnostics[0].message;
    EXPECT_EQ(exitCodeFor(check.diagnostics), 1);
}

TEST(NativejmxCheck, PatternsJavaRejectsAreErrors) {
    std::string file = toolFile("bad-pattern.yaml");
    ConfigCheck check = checkConfig(file);
    ASSERT_EQ(messagesOf(check, "pattern").size(), 1u);
    EXPECT_EQ(messagesOf(check, "pattern")[0].rfind(file + ": rules[0].pattern (line 2): Illegal repetition", 0), 0u);
    EXPECT_EQ(exitCodeFor(check.diagnostics), 1);
}

TEST(NativejmxCheck, PatternsOnPcre2AreWarnings) {
    expectDiagnostics("pcre2.yaml", "pcre2",
                      {"rules[0] (line 2): look-ahead/look-behind (runs on PCRE2, a backtracking engine with a match "
                       "limit, rather than RE2) [line 2]"},
                      2);
}

TEST(NativejmxCheck, ShadowedRulesOnlyWhereCertain) {
    expectDiagnostics("shadowed.yaml", "shadowed",
                      {"rules[1] (line 4): never used: rules[0] (line 2) has the identical pattern, so it decides "
                       "every attribute this rule would match first [line 4]",
                       "rules[3] (line 7): never used: rules[2] (line 6) has the pattern \".*\", so it decides every "
                       "attribute first (except a value holding a line break) [line 7]"},
                      2);
}

TEST(NativejmxCheck, NoShadowingClaimWhenTheInputsDiffer) {
    TemporaryConfig file("nj_check_not_shadowed.yaml",
                         "rules:\n  - pattern: 'a(.+)'\n    name: x_$1\n  - pattern: 'a(.+)'\n    name: y_$1\n"
                         "    attrNameSnakeCase: true\n  - pattern: 'a(.+)'\n    cache: true\n    name: z_$1\n"
                         "  - pattern: '.+'\n  - pattern: 'b'\n");
    ConfigCheck check = checkConfig(file.path.string());
    EXPECT_TRUE(messagesOf(check, "shadowed").empty());
}

TEST(NativejmxCheck, ABeansEndpointWithoutAuthenticationIsAWarning) {
    TemporaryConfig file("nj_check_beans.yaml",
                         "rules:\n  - pattern: x\nnativejmx:\n  beanDump:\n    file: /tmp/b.json\n    endpoint: true\n");
    ConfigCheck check = checkConfig(file.path.string());
    EXPECT_EQ(messagesOf(check, "config"),
              std::vector<std::string>{file.path.string() +
                                       ": nativejmx.beanDump.endpoint (line 6): /beans answers 403 without "
                                       "httpServer.authentication (the dump holds the String values of every MBean); "
                                       "use nativejmx.beanDump.file, or configure authentication [line 6]"});
    EXPECT_EQ(exitCodeFor(check.diagnostics), 2);
}

TEST(NativejmxCheck, TemplatesThatReferenceMissingGroupsAreErrors) {
    expectDiagnostics("missing-group.yaml", "template",
                      {"rules[0] (line 2): name: \"kafka_server_$1_$3\": No group 3 (every scrape in which this rule "
                       "matches fails) [line 2]",
                       "rules[0] (line 2): labels.kind: \"${kind}\": No group with name {kind} (every scrape in which "
                       "this rule matches fails) [line 2]"},
                      1);
}

TEST(NativejmxCheck, EveryAcceptedRealWorldConfigExitsZeroOrTwo) {
    size_t accepted = 0;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(fs::path(NJ_SHARED_DIR) / "realworld")) {
        std::string name = entry.path().string();
        if (!entry.is_regular_file() || !(name.ends_with(".yml") || name.ends_with(".yaml"))) continue;
        ConfigCheck check = checkConfig(name);
        bool loads = rules::loadConfigFile(name).ok();
        int code = exitCodeFor(check.diagnostics);
        if (loads && check.engine != nullptr) {
            accepted++;
            EXPECT_TRUE(code == 0 || code == 2) << name;
        } else {
            EXPECT_EQ(code, 1) << name;
        }
    }
    EXPECT_GT(accepted, 15u);
}

rules::Snapshot kafkaDump() {
    Result<rules::Snapshot> dump = rules::loadBeanDumpFile(toolFile("kafka-beans.json"));
    EXPECT_TRUE(dump.ok()) << dump.error().message;
    return std::move(dump).value();
}

// nativejmx-check CONFIG --beans tests/tools/kafka-beans.json --explain NAME
Result<std::string> explainKafka(const std::string& config, std::string_view name) {
    ConfigCheck check = checkConfig(config);
    if (check.engine == nullptr) return makeError(config + " is refused");
    rules::Snapshot dump = kafkaDump();
    return explain(*check.engine, dump, name);
}

TEST(NativejmxCheck, DryRunPrintsTheSeriesOfTheStrimziRules) {
    ConfigCheck check = checkConfig(kStrimzi.string());
    ASSERT_NE(check.engine, nullptr);
    rules::Snapshot dump = kafkaDump();
    Result<DryRun> run = dryRun(*check.engine, dump);
    ASSERT_TRUE(run.ok()) << run.error().message;
    const std::string& text = run->text;
    // rules[9]: a PerSec Count with one more key property, lower-cased, a counter.
    EXPECT_NE(text.find("# TYPE kafka_server_brokertopicmetrics_messagesin_total counter\n"
                        "kafka_server_brokertopicmetrics_messagesin_total{topic=\"orders\"} 1234.0\n"),
              std::string::npos)
        << text;
    // rules[13]: a gauge with two more key properties as labels.
    EXPECT_NE(text.find("kafka_log_log_size{partition=\"0\",topic=\"orders\"} 4096.0\n"), std::string::npos);
    // current-state is a String: exported through `value: 1` with the state as a label.
    EXPECT_NE(text.find("kafka_server_raftmetrics_current_state{current_state=\"leader\"} 1.0\n"), std::string::npos);
    // RequestMetrics are excluded by the look-ahead, and RateUnit (a String) never becomes a series.
    EXPECT_EQ(text.find("requestmetrics"), std::string::npos);
    EXPECT_EQ(text.find("RateUnit"), std::string::npos);
    EXPECT_FALSE(run->abortReason.has_value());
}

TEST(NativejmxCheck, DryRunNotesCustomizersTheConfigDoesNotHave) {
    rules::Snapshot dump = kafkaDump();
    dump.beans[2].customizer = 1;   // matched by metricCustomizers[1] of the agent that wrote it
    ConfigCheck check = checkConfig(toolFile("clean.yaml"));
    Result<DryRun> run = dryRun(*check.engine, dump);
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run->notes, std::vector<std::string>{"1 bean(s) of the dump were matched by a metricCustomizers entry "
                                                   "that " + toolFile("clean.yaml") + " does not have (it has 0): "
                                                   "their attributesAsLabels and extraMetrics are not applied"});
    EXPECT_TRUE(dryRun(*checkConfig(kStrimzi.string()).engine, kafkaDump()).value().notes.empty());
}

TEST(NativejmxCheck, ExplainShowsEveryRuleUpToTheDecidingOne) {
    Result<std::string> text =
        explainKafka(kStrimzi.string(), "kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec, topic=orders><>Count");
    ASSERT_TRUE(text.ok()) << text.error().message;
    EXPECT_EQ(text->rfind("kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec, topic=orders><>Count: 1234\n"
                          "  rules[0] (line 5): no match: kafka.server<type=(.+), name=(.+), clientId=(.+), topic=(.+), "
                          "partition=(.*)><>Value\n",
                          0),
              0u)
        << *text;
    EXPECT_NE(text->find("  rules[8] (line 57): no match: kafka.(\\w+)<type=(?!RequestMetrics)(.+), "
                         "name=(.+)PerSec\\w*, (.+)=(.+), (.+)=(.+)><>Count\n"
                         "  rules[9] (line 63): matched: kafka.(\\w+)<type=(?!RequestMetrics)(.+), "
                         "name=(.+)PerSec\\w*, (.+)=(.+)><>Count\n"
                         "    groups: $1=\"server\" $2=\"BrokerTopicMetrics\" $3=\"MessagesIn\" $4=\"topic\" "
                         "$5=\"orders\"\n"
                         "    series: kafka_server_brokertopicmetrics_messagesin_total{topic=\"orders\"} 1234.0 (counter; "
                         "HELP \"Attribute exposed for management kafka.server:name=MessagesInPerSec,"
                         "type=BrokerTopicMetrics,attribute=Count\")\n"
                         "  rules[10] (line 68) and later: not tried, the first match wins\n"),
              std::string::npos)
        << *text;
}

TEST(NativejmxCheck, ExplainShowsTheInputARuleSawWhenItDiffers) {
    TemporaryConfig file("nj_check_snake.yaml",
                         "rules:\n  - pattern: 'PartitionCount><>value'\n    attrNameSnakeCase: true\n"
                         "    name: partitions\n    value: 'x'\n");
    Result<std::string> text =
        explainKafka(file.path.string(), "kafka.server<type=ReplicaManager, name=PartitionCount><>Value");
    ASSERT_TRUE(text.ok()) << text.error().message;
    EXPECT_EQ(*text, "kafka.server<type=ReplicaManager, name=PartitionCount><>Value: 12\n"
                     "  rules[0] (line 2): matched: PartitionCount><>value\n"
                     "    input: kafka.server<type=ReplicaManager, name=PartitionCount><>value: 12\n"
                     "    series: none: the first matching rule decides, and this one drops the value (its name expands "
                     "to nothing, its value is not a number, or the attribute is a String without a value: template)\n");
}

TEST(NativejmxCheck, ExplainAnObjectNameCoversEveryAttributeAndSaysWhenNothingMatched) {
    Result<std::string> text =
        explainKafka(kStrimzi.string(), "kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce");
    ASSERT_TRUE(text.ok()) << text.error().message;
    EXPECT_NE(text->find("kafka.network<type=RequestMetrics, name=TotalTimeMs, request=Produce><>Count: 77\n"),
              std::string::npos);
    EXPECT_NE(text->find("><>99thPercentile: 3.5\n"), std::string::npos);
    EXPECT_NE(text->find("  no rule matched: the value is not exported\n"), std::string::npos);
}

TEST(NativejmxCheck, ExplainAnObjectNameAndAttributeCoversOnlyThatAttribute) {
    Result<std::string> text =
        explainKafka(kStrimzi.string(), "kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce/99thPercentile");
    ASSERT_TRUE(text.ok()) << text.error().message;
    EXPECT_EQ(text->rfind("kafka.network<type=RequestMetrics, name=TotalTimeMs, request=Produce><>99thPercentile: 3.5\n", 0),
              0u);
    EXPECT_EQ(text->find("><>Count: 77"), std::string::npos);
}

TEST(NativejmxCheck, ExplainSaysWhenTheScrapeAbortsBeforeTheValue) {
    // Strimzi-like labels "$4": "$5" on a rule whose pattern has three groups: the scrape aborts at
    // the first value the rule matches, so no later value is decided.
    TemporaryConfig file("nj_check_abort.yaml",
                         "rules:\n  - pattern: 'kafka.server<type=(.+), name=(.+)><>(Count)'\n    name: k_$1\n"
                         "    labels:\n      x: \"$4\"\n");
    Result<std::string> text =
        explainKafka(file.path.string(), "kafka.log<type=Log, name=Size, topic=orders, partition=0><>Value");
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.error().message,
              "no attribute value has the pattern input or ObjectName \"kafka.log<type=Log, name=Size, topic=orders, "
              "partition=0><>Value\"; the scrape aborts before the end: No group 4");
}

TEST(NativejmxCheck, ExplainOfAnUnknownNameIsAnErrorWithNearInputs) {
    Result<std::string> text = explainKafka(kStrimzi.string(), "BytesInPerSec");
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.error().message,
              "no attribute value has the pattern input or ObjectName \"BytesInPerSec\"; pattern inputs that contain "
              "it:\n  kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec><>Count: 98765");
}

}  // namespace
}  // namespace nj::tools
