// parseConfig against the javaagent's reading of the same YAML (spec §2, §3, §11): what it
// accepts, what it refuses (with our message: file, key path, line, reason), and the values.
#include "rules/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace nj::rules {
namespace {

const std::string kFile = "/etc/cfg.yaml";

Config accept(const std::string& yaml) {
    Result<Config> config = parseConfig(yaml, kFile);
    EXPECT_TRUE(config.ok()) << yaml << "\n-> " << (config.ok() ? "" : config.error().message);
    return config.ok() ? config.value() : Config{};
}

// What the javaagent refuses at start-up: a config error, or the agent-mode check.
std::string refuse(const std::string& yaml) {
    Result<Config> config = parseConfig(yaml, kFile);
    EXPECT_FALSE(config.ok() && config->agentModeError.empty()) << yaml;
    return config.ok() ? config->agentModeError : config.error().message;
}

// True when the message contains `part` (gtest prints both on failure).
testing::AssertionResult mentions(const std::string& message, const std::string& part) {
    if (message.find(part) != std::string::npos) return testing::AssertionSuccess();
    return testing::AssertionFailure() << "\"" << message << "\" does not mention \"" << part << "\"";
}

// ---- the document ----------------------------------------------------------------------------

TEST(ConfigDocument, EmptyFileReadsAsEmptyMapWithAWarning) {
    for (const char* text : {"", "---\n", "# nothing\n"}) {
        Config config = accept(text);
        ASSERT_EQ(config.warnings.size(), 1u) << text;
        EXPECT_TRUE(mentions(config.warnings[0], "/etc/cfg.yaml: the file is empty"));
        ASSERT_EQ(config.rules.size(), 1u);
    }
}

TEST(ConfigDocument, DefaultsOfAnEmptyMap) {
    Config config = accept("{}");
    EXPECT_EQ(config.file, kFile);
    EXPECT_TRUE(config.warnings.empty());
    EXPECT_EQ(config.startDelaySeconds, 0);
    EXPECT_FALSE(config.scrapeTimeoutSeconds);
    EXPECT_FALSE(config.lowercaseOutputName);
    EXPECT_FALSE(config.lowercaseOutputLabelNames);
    EXPECT_FALSE(config.inferCounterTypeFromName);
    EXPECT_TRUE(config.includeAllBeans);
    EXPECT_TRUE(config.includeObjectNames.empty());
    EXPECT_TRUE(config.excludeObjectNames.empty());
    EXPECT_TRUE(config.autoExcludeObjectNameAttributes);
    EXPECT_FALSE(config.excludeJvmMetrics);
    ASSERT_EQ(config.rules.size(), 1u);   // the catch-all rule
    EXPECT_FALSE(config.rules[0].pattern);
    EXPECT_FALSE(config.rules[0].name);
    EXPECT_FALSE(config.hasOpenTelemetry);
    EXPECT_FALSE(config.nativejmx.gcPauseHistogram);
    EXPECT_FALSE(config.httpServer.basicAuth);
    EXPECT_FALSE(config.httpServer.ssl);
    EXPECT_EQ(config.httpServer.threads.minimum, 1);
    EXPECT_EQ(config.httpServer.threads.maximum, 10);
    EXPECT_EQ(config.httpServer.threads.keepAliveTime, 120);
}

TEST(ConfigDocument, SyntaxErrorsNameFileLineAndColumn) {
    EXPECT_EQ(refuse("a: b: c\n"), "/etc/cfg.yaml: line 1, column 5: illegal map value");
    EXPECT_EQ(refuse("rules:\n  - pattern: [x\n"), "/etc/cfg.yaml: line 3, column 1: end of sequence flow not found");
    EXPECT_EQ(refuse("a: 1\n---\nb: 2\n"),
              "/etc/cfg.yaml: line 2: expected a single document in the stream, but found another document");
}

TEST(ConfigDocument, TheTopMustBeAMap) {
    EXPECT_EQ(refuse("- pattern: x\n"), "/etc/cfg.yaml (line 1): the file must hold a map of settings, found a list");
    EXPECT_EQ(refuse("hello\n"),
              "/etc/cfg.yaml (line 1): the file must hold a map of settings, found the string \"hello\"");
}

TEST(ConfigDocument, UnknownKeysAreIgnored) {
    Config config = accept("sslConfig: {a: 1}\nfoo: [1, 2]\nlowercaseOutputName: true\n");
    EXPECT_TRUE(config.lowercaseOutputName);
}

TEST(ConfigDocument, LoadConfigFileReadsAndNamesTheFile) {
    std::string path = testing::TempDir() + "nj_config_test.yaml";
    FILE* f = fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs("rules:\n- pattern: x\n  name: y\n", f);
    fclose(f);
    Result<Config> config = loadConfigFile(path);
    ASSERT_TRUE(config.ok()) << config.error().message;
    EXPECT_EQ(config->file, path);
    EXPECT_EQ(config->rules.size(), 1u);
    remove(path.c_str());
    Result<Config> missing = loadConfigFile(path);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().message, path + ": cannot read the file: No such file or directory");
    EXPECT_EQ(loadConfigFile(testing::TempDir()).error().message,
              testing::TempDir() + ": is a directory, not a config file");
}

// ---- top-level collector keys ----------------------------------------------------------------

TEST(ConfigCollector, BooleansMustBeYamlBooleans) {
    EXPECT_TRUE(accept("lowercaseOutputName: yes\n").lowercaseOutputName);   // YAML 1.1: yes is true
    EXPECT_TRUE(accept("lowercaseOutputLabelNames: ON\n").lowercaseOutputLabelNames);
    EXPECT_TRUE(accept("inferCounterTypeFromName: True\n").inferCounterTypeFromName);
    EXPECT_TRUE(accept("excludeJvmMetrics: true\n").excludeJvmMetrics);
    EXPECT_FALSE(accept("autoExcludeObjectNameAttributes: off\n").autoExcludeObjectNameAttributes);
    EXPECT_EQ(refuse("lowercaseOutputName: \"true\"\n"),
              "/etc/cfg.yaml: lowercaseOutputName (line 1): must be true or false, found the string \"true\"");
    EXPECT_EQ(refuse("lowercaseOutputName: 1\n"),
              "/etc/cfg.yaml: lowercaseOutputName (line 1): must be true or false, found the integer 1");
    EXPECT_EQ(refuse("inferCounterTypeFromName: y\n"),
              "/etc/cfg.yaml: inferCounterTypeFromName (line 1): must be true or false, found the string \"y\"");
    // Primitive boolean fields: null fails (unboxing); excludeJvmMetrics is a Boolean checked for null.
    EXPECT_EQ(refuse("lowercaseOutputName:\n"),
              "/etc/cfg.yaml: lowercaseOutputName (line 1): must be true or false, found an empty value");
    EXPECT_TRUE(mentions(refuse("autoExcludeObjectNameAttributes:\n"), "found an empty value"));
    EXPECT_FALSE(accept("excludeJvmMetrics:\n").excludeJvmMetrics);
    EXPECT_TRUE(mentions(refuse("excludeJvmMetrics: \"true\"\n"), "must be true or false"));
}

TEST(ConfigCollector, StartDelaySeconds) {
    EXPECT_EQ(accept("startDelaySeconds: 5\n").startDelaySeconds, 5);
    EXPECT_EQ(accept("startDelaySeconds: 0x10\n").startDelaySeconds, 16);
    EXPECT_EQ(accept("startDelaySeconds:\n").startDelaySeconds, 0);
    EXPECT_EQ(
        refuse("startDelaySeconds: -1\n"),
        "/etc/cfg.yaml: startDelaySeconds (line 1): must not be negative (startDelaySeconds must be non-negative)");
    EXPECT_EQ(refuse("startDelaySeconds: \"5\"\n"),
              "/etc/cfg.yaml: startDelaySeconds (line 1): must be an integer, found the string \"5\"");
    EXPECT_EQ(refuse("startDelaySeconds: 2147483648\n"),
              "/etc/cfg.yaml: startDelaySeconds (line 1): must be an integer between -2147483648 and 2147483647, "
              "found the integer 2147483648");
    EXPECT_TRUE(mentions(refuse("startDelaySeconds: 1.5\n"), "must be an integer, found the number 1.5"));
}

TEST(ConfigCollector, ScrapeTimeoutSeconds) {
    EXPECT_EQ(accept("scrapeTimeoutSeconds: 3\n").scrapeTimeoutSeconds, 3);
    EXPECT_FALSE(accept("scrapeTimeoutSeconds:\n").scrapeTimeoutSeconds);
    EXPECT_EQ(
        refuse("scrapeTimeoutSeconds: 0\n"),
        "/etc/cfg.yaml: scrapeTimeoutSeconds (line 1): must be at least 1 (scrapeTimeoutSeconds must be at least 1)");
    EXPECT_TRUE(mentions(refuse("scrapeTimeoutSeconds: 1.0\n"), "must be an integer"));
}

TEST(ConfigCollector, IncludeAndExcludeObjectNames) {
    Config config = accept(
        "includeObjectNames: [\"java.lang:*\", \"kafka.server:type=*,name=x\"]\n"
        "excludeObjectNames:\n  - java.lang:type=Runtime\n");
    EXPECT_FALSE(config.includeAllBeans);
    EXPECT_EQ(config.includeObjectNames, (std::vector<std::string>{"java.lang:*", "kafka.server:type=*,name=x"}));
    EXPECT_EQ(config.excludeObjectNames, (std::vector<std::string>{"java.lang:type=Runtime"}));

    // The older names are read only when the newer ones are absent.
    config = accept("whitelistObjectNames: [\"a:b=c\"]\nblacklistObjectNames: [\"d:e=f\"]\n");
    EXPECT_EQ(config.includeObjectNames, (std::vector<std::string>{"a:b=c"}));
    EXPECT_EQ(config.excludeObjectNames, (std::vector<std::string>{"d:e=f"}));
    config = accept("includeObjectNames: [\"a:b=c\"]\nwhitelistObjectNames: [\"not an object name\"]\n");
    EXPECT_EQ(config.includeObjectNames, (std::vector<std::string>{"a:b=c"}));

    // Given but empty: no bean at all (Java queries each listed name; there are none).
    config = accept("includeObjectNames: []\n");
    EXPECT_FALSE(config.includeAllBeans);
    EXPECT_TRUE(config.includeObjectNames.empty());
    EXPECT_EQ(accept("includeObjectNames: [\"\"]\n").includeObjectNames, (std::vector<std::string>{""}));   // "" is *:*

    EXPECT_EQ(refuse("includeObjectNames:\n  - java.lang\n"),
              "/etc/cfg.yaml: includeObjectNames[0] (line 2): \"java.lang\" is not a valid ObjectName: Key properties "
              "cannot be empty");
    EXPECT_EQ(refuse("excludeObjectNames: [\"a:b=c\", \"a:b=c,b=d\"]\n"),
              "/etc/cfg.yaml: excludeObjectNames[1] (line 1): \"a:b=c,b=d\" is not a valid ObjectName: key `b' already "
              "defined");
    EXPECT_EQ(refuse("includeObjectNames:\n"),
              "/etc/cfg.yaml: includeObjectNames (line 1): must be a list, found an empty value");
    EXPECT_EQ(refuse("includeObjectNames: \"java.lang:*\"\n"),
              "/etc/cfg.yaml: includeObjectNames (line 1): must be a list, found the string \"java.lang:*\"");
    EXPECT_TRUE(mentions(refuse("includeObjectNames: [5]\n"),
                         "includeObjectNames[0] (line 1): must be a string, found the integer 5"));
    EXPECT_TRUE(mentions(refuse("includeObjectNames: [~]\n"), "must be a string, found an empty value"));
}

TEST(ConfigCollector, AgentModeRefusesRemoteConnections) {
    const std::string agentMessage =
        "Configuration error: When running jmx_exporter as a Java agent, you must not configure 'jmxUrl' or 'hostPort' "
        "because you don't want to monitor a remote JVM.";
    EXPECT_TRUE(mentions(refuse("hostPort: localhost:5555\n"), "/etc/cfg.yaml: hostPort (line 1): " + agentMessage));
    EXPECT_TRUE(mentions(refuse("hostPort:\n"), agentMessage));
    EXPECT_TRUE(mentions(refuse("rules: []\njmxUrl: service:jmx:rmi:///jndi/rmi://h:1/jmxrmi\n"),
                         "/etc/cfg.yaml: jmxUrl (line 2): " + agentMessage));
    EXPECT_TRUE(mentions(refuse("jmxUrl:\n"), agentMessage));   // null: isEmpty() on null fails
    EXPECT_EQ(refuse("hostPort: h:1\njmxUrl: x\n"),
              "/etc/cfg.yaml: jmxUrl (line 2): At most one of hostPort and jmxUrl must be provided");
    EXPECT_TRUE(mentions(refuse("jmxUrl: 5\n"), "jmxUrl (line 1): must be a string"));
    EXPECT_TRUE(accept("jmxUrl: \"\"\n").agentModeError.empty());   // an empty URL is no remote connection
    // The rest of the file is read: a reload may install it, and then every scrape fails (spec §13).
    Config remote = parseConfig("hostPort: h:1\nrules:\n  - pattern: x\n", kFile).value();
    EXPECT_EQ(remote.rules.size(), 1u);
    EXPECT_TRUE(mentions(remote.agentModeError, "/etc/cfg.yaml: hostPort (line 1): " + agentMessage));
}

TEST(ConfigCollector, StandaloneCredentialsAndSsl) {
    accept("username: admin\npassword: secret\nssl: false\n");
    accept("username:\npassword:\n");
    accept("ssl:\n  enabled: true\n  keyStore: {filename: x}\n");
    EXPECT_TRUE(mentions(refuse("username: 5\n"), "username (line 1): must be a string, found the integer 5"));
    EXPECT_EQ(refuse("ssl: \"yes\"\n"),
              "/etc/cfg.yaml: ssl (line 1): must be true, false or a map, found the string \"yes\"");
}

TEST(ConfigCollector, OpenTelemetryIsFlagged) {
    EXPECT_TRUE(accept("openTelemetry:\n  endpoint: http://localhost:4317\n  interval: 60\n").hasOpenTelemetry);
    EXPECT_TRUE(accept("openTelemetry:\n").hasOpenTelemetry);
}

TEST(ConfigCollector, NativejmxExtensions) {
    EXPECT_TRUE(accept("nativejmx:\n  gcPauseHistogram: true\n").nativejmx.gcPauseHistogram);
    EXPECT_FALSE(accept("nativejmx:\n").nativejmx.gcPauseHistogram);
    EXPECT_EQ(refuse("nativejmx:\n  gcPauseHistogam: true\n"),
              "/etc/cfg.yaml: nativejmx.gcPauseHistogam (line 2): unknown key; nativejmx: knows gcPauseHistogram, beanDump");
    EXPECT_EQ(refuse("nativejmx:\n  gcPauseHistogram: \"true\"\n"),
              "/etc/cfg.yaml: nativejmx.gcPauseHistogram (line 2): must be true or false, found the string \"true\"");
    EXPECT_EQ(refuse("nativejmx: true\n"), "/etc/cfg.yaml: nativejmx (line 1): must be a map, found the boolean true");
}

TEST(ConfigCollector, NativejmxBeanDump) {
    Config off = accept("{}\n");
    EXPECT_FALSE(off.nativejmx.beanDump.endpoint);
    EXPECT_FALSE(off.nativejmx.beanDump.file.has_value());
    Config on = accept("nativejmx:\n  beanDump:\n    endpoint: true\n    file: /tmp/beans.json\n");
    EXPECT_TRUE(on.nativejmx.beanDump.endpoint);
    EXPECT_EQ(on.nativejmx.beanDump.file, "/tmp/beans.json");
    EXPECT_EQ(on.nativejmx.beanDump.refreshSeconds, 60);
    EXPECT_EQ(accept("nativejmx:\n  beanDump:\n    refreshSeconds: 5\n").nativejmx.beanDump.refreshSeconds, 5);
    EXPECT_EQ(refuse("nativejmx:\n  beanDump:\n    refreshSeconds: 0\n"),
              "/etc/cfg.yaml: nativejmx.beanDump.refreshSeconds (line 3): must be at least 1");
    EXPECT_EQ(refuse("nativejmx:\n  beanDump:\n    endpiont: true\n"),
              "/etc/cfg.yaml: nativejmx.beanDump.endpiont (line 3): unknown key; nativejmx.beanDump: knows endpoint, file, "
              "refreshSeconds");
    EXPECT_EQ(refuse("nativejmx:\n  beanDump:\n    endpoint: yes please\n"),
              "/etc/cfg.yaml: nativejmx.beanDump.endpoint (line 3): must be true or false, found the string \"yes please\"");
    EXPECT_EQ(refuse("nativejmx:\n  beanDump:\n    file: \"\"\n"),
              "/etc/cfg.yaml: nativejmx.beanDump.file (line 3): must name a file");
    EXPECT_EQ(refuse("nativejmx:\n  beanDump:\n    file: 7\n"),
              "/etc/cfg.yaml: nativejmx.beanDump.file (line 3): must be a string, found the integer 7; put it in quotes "
              "to make it a string");
    EXPECT_EQ(refuse("nativejmx:\n  beanDump: [file]\n"),
              "/etc/cfg.yaml: nativejmx.beanDump (line 2): must be a map, found a list");
}

TEST(ConfigCollector, ObjectNameAttributeMaps) {
    Config config = accept(
        "excludeObjectNameAttributes:\n"
        "  \"java.lang:type=Runtime,x=1\": [ClassPath, SystemProperties]\n"
        "  \"java.lang:x=1,type=Runtime\": [BootClassPath]\n"
        "includeObjectNameAttributes:\n"
        "  \"java.lang:type=OperatingSystem\":\n"
        "    - ProcessCpuTime\n"
        "    - 5\n");
    // Keys are compared as ObjectNames: both spellings are the same canonical name.
    ASSERT_EQ(config.excludeObjectNameAttributes.size(), 1u);
    EXPECT_EQ(config.excludeObjectNameAttributes[0].first, "java.lang:type=Runtime,x=1");
    EXPECT_EQ(config.excludeObjectNameAttributes[0].second,
              (std::vector<std::string>{"ClassPath", "SystemProperties", "BootClassPath"}));
    ASSERT_EQ(config.includeObjectNameAttributes.size(), 1u);
    EXPECT_EQ(config.includeObjectNameAttributes[0].second, (std::vector<std::string>{"ProcessCpuTime"}));
    ASSERT_EQ(config.warnings.size(), 1u);   // the 5 can never name an attribute
    EXPECT_TRUE(
        mentions(config.warnings[0], "includeObjectNameAttributes[\"java.lang:type=OperatingSystem\"][1] (line 7)"));

    EXPECT_TRUE(mentions(refuse("excludeObjectNameAttributes:\n"), "must be a map, found an empty value"));
    EXPECT_TRUE(mentions(
        refuse("excludeObjectNameAttributes:\n  \"java.lang:type=Runtime\":\n"),
        "excludeObjectNameAttributes[\"java.lang:type=Runtime\"] (line 2): must be a list, found an empty value"));
    EXPECT_TRUE(mentions(refuse("includeObjectNameAttributes:\n  \"java.lang\": [A]\n"),
                         "\"java.lang\" is not a valid ObjectName: Key properties cannot be empty"));
    EXPECT_TRUE(mentions(refuse("includeObjectNameAttributes:\n  5: [A]\n"), "must be a string, found the integer 5"));
}

TEST(ConfigCollector, MetricCustomizers) {
    Config config = accept(
        "metricCustomizers:\n"
        "  - mbeanFilter:\n"
        "      domain: io.prometheus.jmx\n"
        "      properties:\n"
        "        type: customValue\n"
        "    attributesAsLabels: [Text, Other]\n"
        "    extraMetrics:\n"
        "      - name: isActive\n"
        "        value: true\n"
        "        description: is it active\n"
        "      - {name: count, value: 3}\n"
        "      - {name: ratio, value: 0.5}\n"
        "      - {name: text, value: abc}\n");
    ASSERT_EQ(config.metricCustomizers.size(), 1u);
    const MetricCustomizer& customizer = config.metricCustomizers[0];
    EXPECT_EQ(customizer.domain, "io.prometheus.jmx");
    EXPECT_EQ(customizer.properties, (std::vector<std::pair<std::string, std::string>>{{"type", "customValue"}}));
    EXPECT_EQ(customizer.attributesAsLabels, (std::vector<std::string>{"Text", "Other"}));
    ASSERT_EQ(customizer.extraMetrics.size(), 4u);
    EXPECT_EQ(customizer.extraMetrics[0].value, ScalarValue(true));
    EXPECT_EQ(customizer.extraMetrics[0].description, "is it active");
    EXPECT_EQ(customizer.extraMetrics[1].value, ScalarValue(int64_t{3}));
    EXPECT_EQ(customizer.extraMetrics[2].value, ScalarValue(0.5));
    EXPECT_EQ(customizer.extraMetrics[3].value, ScalarValue(std::string("abc")));

    const std::string needsFilter = "Must provide mbeanFilter, if metricCustomizers is given";
    EXPECT_EQ(refuse("metricCustomizers:\n"), "/etc/cfg.yaml: metricCustomizers (line 1): " + needsFilter);
    EXPECT_EQ(refuse("metricCustomizers:\n  - attributesAsLabels: [A]\n"),
              "/etc/cfg.yaml: metricCustomizers[0].mbeanFilter (line 2): " + needsFilter);
    EXPECT_EQ(refuse("metricCustomizers:\n  - mbeanFilter: {properties: {}}\n    attributesAsLabels: [A]\n"),
              "/etc/cfg.yaml: metricCustomizers[0].mbeanFilter.domain (line 2): Must provide domain, if "
              "metricCustomizers is given");
    EXPECT_EQ(refuse("metricCustomizers:\n  - mbeanFilter: {domain: d}\n"),
              "/etc/cfg.yaml: metricCustomizers[0] (line 2): Must provide attributesAsLabels or extraMetrics, if "
              "metricCustomizers is given");
    EXPECT_TRUE(
        mentions(refuse("metricCustomizers:\n  - mbeanFilter: {domain: d}\n    extraMetrics: [{value: 1}]\n"),
                 "metricCustomizers[0].extraMetrics[0].name (line 3): Must provide name, if extraMetric is given"));
    EXPECT_TRUE(
        mentions(refuse("metricCustomizers:\n  - mbeanFilter: {domain: d}\n    extraMetrics: [{name: x, value: }]\n"),
                 "Must provide value, if extraMetric is given"));
    EXPECT_TRUE(mentions(refuse("metricCustomizers:\n  - mbeanFilter: {domain: 5}\n    attributesAsLabels: [A]\n"),
                         "must be a string, found the integer 5"));
    EXPECT_TRUE(mentions(refuse("metricCustomizers:\n  - mbeanFilter: {domain: d}\n    attributesAsLabels: [1]\n"),
                         "attributesAsLabels[0] (line 3): must be a string"));
    EXPECT_TRUE(mentions(refuse("metricCustomizers:\n  - null\n"), "metricCustomizers[0] (line 2): must be a map"));

    // A property that is not a String never equals a bean's: the customizer can never apply.
    config = accept(
        "metricCustomizers:\n  - mbeanFilter: {domain: d, properties: {port: 8080}}\n    attributesAsLabels: [A]\n");
    EXPECT_TRUE(config.metricCustomizers.empty());
    ASSERT_EQ(config.warnings.size(), 1u);
    EXPECT_TRUE(mentions(config.warnings[0], "this customizer never applies"));
}

// ---- rules -----------------------------------------------------------------------------------

TEST(ConfigRules, PresenceOfTheList) {
    EXPECT_EQ(accept("lowercaseOutputName: false\n").rules.size(), 1u);   // absent: one catch-all rule
    EXPECT_TRUE(accept("rules: []\n").rules.empty());                     // none at all
    EXPECT_EQ(refuse("rules:\n"), "/etc/cfg.yaml: rules (line 1): must be a list, found an empty value");
    EXPECT_EQ(refuse("rules: {pattern: x}\n"), "/etc/cfg.yaml: rules (line 1): must be a list, found a map");
    EXPECT_EQ(refuse("rules:\n  - pattern: x\n  -\n"),
              "/etc/cfg.yaml: rules[1] (line 3): must be a map, found an empty value");
    EXPECT_EQ(refuse("rules:\n  -\n  # a comment\n\n  - pattern: x\n"),
              "/etc/cfg.yaml: rules[0] (line 2): must be a map, found an empty value");
    EXPECT_EQ(refuse("rules:\n  - \"x\"\n"), "/etc/cfg.yaml: rules[0] (line 2): must be a map, found the string \"x\"");
    EXPECT_EQ(accept("rules:\n  - {}\n").rules.size(), 1u);
}

TEST(ConfigRules, AllKeys) {
    Config config = accept(
        "rules:\n"
        "  - pattern: 'kafka.server<type=(.+), name=(.+)><>Value'\n"
        "    name: kafka_server_$1_$2\n"
        "    value: $3\n"
        "    valueFactor: 0.001\n"
        "    help: \"Kafka $1\"\n"
        "    type: GAUGE\n"
        "    attrNameSnakeCase: true\n"
        "    cache: true\n"
        "    labels:\n"
        "      topic: \"$1\"\n"
        "  - pattern: other\n"
        "    type: COUNTER\n");
    ASSERT_EQ(config.rules.size(), 2u);
    const Rule& rule = config.rules[0];
    EXPECT_EQ(rule.pattern, "kafka.server<type=(.+), name=(.+)><>Value");
    EXPECT_EQ(rule.name, "kafka_server_$1_$2");
    EXPECT_EQ(rule.value, "$3");
    EXPECT_DOUBLE_EQ(rule.valueFactor, 0.001);
    EXPECT_EQ(rule.help, "Kafka $1");
    EXPECT_EQ(rule.type, expo::MetricType::Gauge);
    EXPECT_TRUE(rule.attrNameSnakeCase);
    EXPECT_TRUE(rule.cache);
    EXPECT_EQ(rule.labels, (std::vector<std::pair<std::string, std::string>>{{"topic", "$1"}}));
    EXPECT_EQ(rule.line, 2);
    EXPECT_EQ(config.rules[1].type, expo::MetricType::Counter);
    EXPECT_EQ(config.rules[1].line, 12);
    EXPECT_DOUBLE_EQ(config.rules[1].valueFactor, 1.0);
}

TEST(ConfigRules, PatternAndValueTakeAnyValueAsJavaText) {
    auto only = [](const std::string& yaml) { return accept("rules:\n  - " + yaml + "\n").rules.at(0); };
    EXPECT_EQ(only("pattern: 5").pattern, "5");
    EXPECT_EQ(only("pattern: 012").pattern, "10");
    EXPECT_EQ(only("pattern: yes").pattern, "true");
    EXPECT_EQ(only("pattern:").pattern, "null");
    EXPECT_EQ(only("pattern: [a, b]").pattern, "[a, b]");
    EXPECT_EQ(only("value: 1e3").value, "1000.0");
    EXPECT_EQ(only("value: 0x10").value, "16");
    EXPECT_EQ(only("value:").value, "null");
    EXPECT_EQ(only("value: true").value, "true");
    EXPECT_FALSE(only("pattern: x").value);
}

TEST(ConfigRules, ValueFactorIsJavaDoubleValueOfItsText) {
    auto factor = [](const std::string& yaml) {
        return accept("rules:\n  - valueFactor: " + yaml + "\n").rules.at(0).valueFactor;
    };
    EXPECT_DOUBLE_EQ(factor("0.001"), 0.001);
    EXPECT_DOUBLE_EQ(factor("2"), 2.0);
    EXPECT_DOUBLE_EQ(factor("\"2.5\""), 2.5);
    EXPECT_DOUBLE_EQ(factor("1e3"), 1000.0);
    EXPECT_DOUBLE_EQ(factor("\" 4d \""), 4.0);   // Double.valueOf trims and takes a d suffix
    EXPECT_EQ(refuse("rules:\n  - valueFactor: abc\n"),
              "/etc/cfg.yaml: rules[0].valueFactor (line 2): must be a number, found the string \"abc\"");
    EXPECT_TRUE(mentions(refuse("rules:\n  - valueFactor:\n"), "must be a number, found an empty value"));
    EXPECT_TRUE(mentions(refuse("rules:\n  - valueFactor: true\n"), "must be a number, found the boolean true"));
}

TEST(ConfigRules, StringKeysAreStrictJavaCasts) {
    EXPECT_EQ(refuse("rules:\n  - pattern: x\n    name: 5\n"),
              "/etc/cfg.yaml: rules[0].name (line 3): must be a string, found the integer 5; put it in quotes to make "
              "it a string");
    EXPECT_TRUE(mentions(refuse("rules:\n  - help: [a]\n    name: n\n    pattern: p\n"),
                         "rules[0].help (line 2): must be a string, found a list"));
    EXPECT_TRUE(
        mentions(refuse("rules:\n  - type: 1\n"), "rules[0].type (line 2): must be a string, found the integer 1"));
    EXPECT_TRUE(mentions(refuse("rules:\n  - cache: \"true\"\n"), "rules[0].cache (line 2): must be true or false"));
    EXPECT_TRUE(mentions(refuse("rules:\n  - attrNameSnakeCase:\n"),
                         "rules[0].attrNameSnakeCase (line 2): must be true or false, found an empty value"));
    // A null name or help is no name or help.
    Config config = accept("rules:\n  - pattern: x\n    name:\n    help:\n");
    EXPECT_FALSE(config.rules[0].name);
    EXPECT_FALSE(config.rules[0].help);
}

TEST(ConfigRules, TypeIsExact) {
    auto type = [](const std::string& yaml) { return accept("rules:\n  - type: " + yaml + "\n").rules.at(0).type; };
    EXPECT_EQ(type("GAUGE"), expo::MetricType::Gauge);
    EXPECT_EQ(type("COUNTER"), expo::MetricType::Counter);
    EXPECT_EQ(type("gauge"), expo::MetricType::Unknown);
    EXPECT_EQ(type("UNTYPED"), expo::MetricType::Unknown);
    EXPECT_EQ(type("SUMMARY"), expo::MetricType::Unknown);
    EXPECT_EQ(type(""), expo::MetricType::Unknown);
}

TEST(ConfigRules, LabelsAreStringsSortedByRawKey) {
    Config config = accept(
        "rules:\n"
        "  - pattern: x\n"
        "    name: y\n"
        "    labels:\n"
        "      b: \"2\"\n"
        "      a: $1\n"
        "      _x: x\n"
        "      A: \"on\"\n"
        "      é: e\n");
    EXPECT_EQ(config.rules[0].labels, (std::vector<std::pair<std::string, std::string>>{
                                          {"A", "on"}, {"_x", "x"}, {"a", "$1"}, {"b", "2"}, {"é", "e"}}));

    EXPECT_EQ(refuse("rules:\n"
                     "  - pattern: x\n"
                     "    name: y\n"
                     "    labels:\n"
                     "      path: /x\n"
                     "      code: 200\n"),
              "/etc/cfg.yaml: rules[0].labels.code (line 6): must be a string, found the integer 200; put it in quotes "
              "to make it a string");
    EXPECT_EQ(refuse("rules:\n  - pattern: x\n    name: y\n    labels:\n      env: on\n"),
              "/etc/cfg.yaml: rules[0].labels.env (line 5): must be a string, found the boolean true (written on); put "
              "it in quotes to make it a string");
    // Java loads a null value and a lone non-String name (the String casts come when the rule is
    // used): the rule then aborts every scrape it matches in (spec §15). Said once at load.
    Config nullValue = accept("rules:\n  - pattern: x\n    name: y\n    labels:\n      a: x\n      env:\n");
    ASSERT_TRUE(nullValue.rules[0].labelFailure.has_value());
    EXPECT_TRUE(mentions(*nullValue.rules[0].labelFailure,
                         "/etc/cfg.yaml: rules[0].labels.env (line 6): a label value must be a string, found an empty "
                         "value; the javaagent loads this, but every scrape that reaches this rule stops there"));
    EXPECT_EQ(nullValue.warnings, std::vector<std::string>{*nullValue.rules[0].labelFailure});
    Config numericName = accept("rules:\n  - pattern: x\n    name: y\n    labels:\n      200: code\n      404: x\n");
    ASSERT_TRUE(numericName.rules[0].labelFailure.has_value());
    EXPECT_TRUE(mentions(*numericName.rules[0].labelFailure,
                         "rules[0].labels.200 (line 5): a label name must be a string, found the integer 200"));
    EXPECT_FALSE(accept("rules:\n  - pattern: x\n    name: y\n    labels:\n      a: x\n").rules[0].labelFailure);
    // Names Java cannot sort together, or at all, fail at load.
    EXPECT_TRUE(mentions(refuse("rules:\n  - pattern: x\n    name: y\n    labels:\n      a: x\n      200: code\n"),
                         "rules[0].labels.200 (line 6): label names must be strings, found the integer 200"));
    EXPECT_TRUE(mentions(refuse("rules:\n  - pattern: x\n    name: y\n    labels:\n      200: x\n      5000000000: y\n"),
                         "label names must be strings"));   // Integer and Long
    EXPECT_TRUE(mentions(refuse("rules:\n  - pattern: x\n    name: y\n    labels:\n      ~: x\n"),
                         "label names must be strings, found an empty value"));
    EXPECT_TRUE(mentions(refuse("rules:\n  - pattern: x\n    name: y\n    labels:\n      [a]: x\n"),
                         "label names must be strings"));
    EXPECT_TRUE(mentions(refuse("rules:\n  - pattern: x\n    name: y\n    labels:\n"),
                         "rules[0].labels (line 4): must be a map"));
    EXPECT_TRUE(
        mentions(refuse("rules:\n  - pattern: x\n    name: y\n    labels: [a]\n"), "must be a map, found a list"));
}

TEST(ConfigRules, NameAndPatternRequirements) {
    EXPECT_EQ(refuse("rules:\n  - pattern: x\n    help: h\n"),
              "/etc/cfg.yaml: rules[0] (line 2): Must provide name, if help or labels are given");
    EXPECT_EQ(refuse("rules:\n  - pattern: x\n  - pattern: y\n    labels: {}\n"),
              "/etc/cfg.yaml: rules[1] (line 3): Must provide name, if help or labels are given");
    EXPECT_EQ(refuse("rules:\n  - name: x\n"),
              "/etc/cfg.yaml: rules[0] (line 2): Must provide pattern, if name is given");
    accept("rules:\n  - type: GAUGE\n    valueFactor: 2\n");   // neither: a default-format rule
    accept("rules:\n  - name: x\n    pattern:\n");             // a null pattern is the text "null"
}

// ---- ${VAR} resolution (spec §3.5) ------------------------------------------------------------

class ConfigVariables : public testing::Test {
protected:
    void SetUp() override {
        setenv("NJ_CFG_SECRET", "  s3cret \t", 1);
        setenv("NJ_CFG_BLANK", "   ", 1);
        unsetenv("NJ_CFG_UNSET");
    }
    void TearDown() override {
        unsetenv("NJ_CFG_SECRET");
        unsetenv("NJ_CFG_BLANK");
    }
};

TEST_F(ConfigVariables, ResolveVariable) {
    EXPECT_EQ(resolveVariable("${NJ_CFG_SECRET}").value(), "s3cret");
    EXPECT_EQ(resolveVariable("  ${ NJ_CFG_SECRET }  ").value(), "s3cret");
    EXPECT_EQ(resolveVariable("plain").value(), "plain");
    EXPECT_EQ(resolveVariable("  padded ").value(), "  padded ");   // returned as it was
    EXPECT_EQ(resolveVariable("${}").value(), "${}");
    EXPECT_EQ(resolveVariable("${NJ_CFG_SECRET}x").value(), "${NJ_CFG_SECRET}x");
    EXPECT_EQ(resolveVariable("x${NJ_CFG_SECRET}").value(), "x${NJ_CFG_SECRET}");
    EXPECT_EQ(resolveVariable("$NJ_CFG_SECRET").value(), "$NJ_CFG_SECRET");
    EXPECT_EQ(resolveVariable("${NJ_CFG_UNSET}").error().message, "Environment variable '${NJ_CFG_UNSET}' not defined");
    EXPECT_EQ(resolveVariable(" ${NJ_CFG_BLANK} ").error().message, "Environment variable '${NJ_CFG_BLANK}' is empty");
    EXPECT_EQ(resolveVariable("${ }").error().message, "Invalid environment variable name '${ }'");
    // No ${env:...} syntax: the whole inner text is the variable's name.
    EXPECT_EQ(resolveVariable("${env:NJ_CFG_SECRET}").error().message,
              "Environment variable '${env:NJ_CFG_SECRET}' not defined");
}

TEST_F(ConfigVariables, AppliedToTheListedKeysOnly) {
    Config config = accept(
        "username: ${NJ_CFG_SECRET}\n"
        "httpServer:\n"
        "  authentication:\n"
        "    basic:\n"
        "      username: ${NJ_CFG_SECRET}\n"
        "      password: ${NJ_CFG_SECRET}\n"
        "  ssl:\n"
        "    keyStore: {filename: k.jks, password: \"${NJ_CFG_SECRET}\"}\n"
        "    certificate: {alias: a}\n"
        "    mutualTLS: true\n"
        "    trustStore: {filename: t.jks, password: \"${NJ_CFG_SECRET}\"}\n"
        "rules:\n"
        "  - pattern: ${NJ_CFG_SECRET}\n"
        "    name: ${NJ_CFG_SECRET}\n");
    EXPECT_EQ(config.httpServer.basicAuth->username, "s3cret");
    EXPECT_EQ(config.httpServer.basicAuth->password, "s3cret");
    EXPECT_EQ(config.httpServer.ssl->keyStore.password, "s3cret");
    EXPECT_EQ(config.httpServer.ssl->trustStore.password, "s3cret");
    EXPECT_EQ(config.rules[0].pattern, "${NJ_CFG_SECRET}");
    EXPECT_EQ(config.rules[0].name, "${NJ_CFG_SECRET}");

    EXPECT_EQ(refuse("password: ${NJ_CFG_UNSET}\n"),
              "/etc/cfg.yaml: password (line 1): Environment variable '${NJ_CFG_UNSET}' not defined");
    EXPECT_EQ(refuse("httpServer:\n  authentication:\n    basic: {username: u, password: \"${NJ_CFG_BLANK}\"}\n"),
              "/etc/cfg.yaml: httpServer.authentication.basic.password (line 3): Environment variable "
              "'${NJ_CFG_BLANK}' is empty");
    // Hashes are not resolved: "${...}" is not hex.
    EXPECT_TRUE(mentions(refuse("httpServer:\n  authentication:\n    basic: {username: u, algorithm: SHA-256, salt: s, "
                                "passwordHash: \"${NJ_CFG_SECRET}\"}\n"),
                         "passwordHash (line 3): must be hex digits"));
}

// ---- httpServer (spec §11) --------------------------------------------------------------------

TEST(ConfigHttpServer, Threads) {
    Config config = accept("httpServer:\n  threads:\n    minimum: 2\n    maximum: \"20\"\n    keepAliveTime: 60\n");
    EXPECT_EQ(config.httpServer.threads.minimum, 2);
    EXPECT_EQ(config.httpServer.threads.maximum, 20);   // ToInteger reads any text
    EXPECT_EQ(config.httpServer.threads.keepAliveTime, 60);
    EXPECT_EQ(accept("httpServer:\n  threads: 5\n").httpServer.threads.maximum, 10);   // not a map: not read
    EXPECT_EQ(accept("httpServer:\n  threads:\n").httpServer.threads.maximum, 10);

    EXPECT_EQ(refuse("httpServer:\n  threads:\n    minimum: 1\n    keepAliveTime: 5\n"),
              "/etc/cfg.yaml: httpServer.threads.maximum (line 3): is required (an integer from minimum to 256)");
    EXPECT_EQ(refuse("httpServer:\n  threads: {minimum: 0, maximum: 1, keepAliveTime: 1}\n"),
              "/etc/cfg.yaml: httpServer.threads.minimum (line 2): must be at least 1, found 0");
    EXPECT_EQ(refuse("httpServer:\n  threads: {minimum: 5, maximum: 4, keepAliveTime: 1}\n"),
              "/etc/cfg.yaml: httpServer.threads.maximum (line 2): must be between 5 and 256, found 4");
    EXPECT_TRUE(mentions(refuse("httpServer:\n  threads: {minimum: 1, maximum: 257, keepAliveTime: 1}\n"),
                         "must be between 1 and 256"));
    EXPECT_TRUE(mentions(refuse("httpServer:\n  threads: {minimum: 1, maximum: 2, keepAliveTime: 0}\n"),
                         "httpServer.threads.keepAliveTime (line 2): must be at least 1"));
    EXPECT_TRUE(mentions(refuse("httpServer:\n  threads: {minimum: 1.5, maximum: 2, keepAliveTime: 1}\n"),
                         "httpServer.threads.minimum (line 2): must be an integer, found the number 1.5"));
    EXPECT_TRUE(mentions(refuse("httpServer:\n  threads: {minimum: 1, maximum: 2, keepAliveTime: }\n"), "is required"));
}

TEST(ConfigHttpServer, MaximumRequestSecondsAndMetricsPath) {
    EXPECT_EQ(accept("httpServer:\n  maximumRequestSeconds: 30\n").httpServer.maximumRequestSeconds, 30);
    EXPECT_EQ(accept("httpServer:\n  maximumRequestSeconds: \"+30\"\n").httpServer.maximumRequestSeconds, 30);
    EXPECT_FALSE(accept("httpServer:\n  maximumRequestSeconds:\n").httpServer.maximumRequestSeconds);
    EXPECT_EQ(refuse("httpServer:\n  maximumRequestSeconds: 0\n"),
              "/etc/cfg.yaml: httpServer.maximumRequestSeconds (line 2): must be at least 1, found 0");
    EXPECT_TRUE(mentions(refuse("httpServer:\n  maximumRequestSeconds: soon\n"),
                         "must be an integer, found the string \"soon\""));

    EXPECT_EQ(accept("httpServer:\n  metrics:\n    path: /custom/metrics\n").httpServer.metricsPath, "/custom/metrics");
    EXPECT_FALSE(accept("httpServer:\n  metrics: /x\n").httpServer.metricsPath);   // not a map: not read
    EXPECT_EQ(refuse("httpServer:\n  metrics: {}\n"),
              "/etc/cfg.yaml: httpServer.metrics.path (line 2): is required (a path such as /metrics)");
    EXPECT_EQ(refuse("httpServer:\n  metrics:\n    path: \"  \"\n"),
              "/etc/cfg.yaml: httpServer.metrics.path (line 3): must not be blank");
    EXPECT_EQ(refuse("httpServer:\n  metrics:\n    path: custom\n"),
              "/etc/cfg.yaml: httpServer.metrics.path (line 3): must start with '/', found \"custom\"");
    accept("httpServer: 5\n");   // not a map: nothing under it is read
}

TEST(ConfigHttpServer, BasicAuthenticationPlaintext) {
    Config config =
        accept("httpServer:\n  authentication:\n    basic:\n      username: prometheus\n      password: secret\n");
    ASSERT_TRUE(config.httpServer.basicAuth);
    EXPECT_EQ(config.httpServer.basicAuth->username, "prometheus");
    EXPECT_EQ(config.httpServer.basicAuth->algorithm, "plaintext");
    EXPECT_EQ(config.httpServer.basicAuth->password, "secret");
    config = accept("httpServer:\n  authentication:\n    basic: {username: 42, password: 7, algorithm: PlainText}\n");
    EXPECT_EQ(config.httpServer.basicAuth->username, "42");   // ToString takes any value
    EXPECT_EQ(config.httpServer.basicAuth->password, "7");

    const std::string basicMap = "must be a map with a username and a password (or passwordHash)";
    EXPECT_EQ(refuse("httpServer:\n  authentication:\n"),
              "/etc/cfg.yaml: httpServer.authentication.basic (line 2): " + basicMap);
    EXPECT_TRUE(mentions(refuse("httpServer:\n  authentication: {}\n"), basicMap));
    EXPECT_EQ(refuse("httpServer:\n  authentication:\n    basic: {password: p}\n"),
              "/etc/cfg.yaml: httpServer.authentication.basic.username (line 3): is required (a string)");
    EXPECT_TRUE(mentions(refuse("httpServer:\n  authentication:\n    basic: {username: \" \", password: p}\n"),
                         "username (line 3): must not be blank"));
    EXPECT_TRUE(mentions(refuse("httpServer:\n  authentication:\n    basic: {username: u}\n"),
                         "password (line 3): is required"));
    EXPECT_TRUE(
        mentions(refuse("httpServer:\n  authentication:\n    basic: {username: u, password: p, algorithm: \"\"}\n"),
                 "algorithm (line 3): must not be blank"));
}

TEST(ConfigHttpServer, BasicAuthenticationHashes) {
    // The spec's SHA-256 example: salt U9i%=N+m]#i9yvUV:bA/3n4X9JdPXf=n, password "secret".
    Config config = accept(
        "httpServer:\n  authentication:\n    basic:\n      username: Prometheus\n      algorithm: SHA-256\n"
        "      salt: U9i%=N+m]#i9yvUV:bA/3n4X9JdPXf=n\n"
        "      passwordHash: "
        "2B:F7:ED:49:06:AC:06:5B:DE:39:F7:50:8D:61:02:A6:CD:D7:15:3A:92:9E:A8:83:FF:6C:D0:44:42:77:2C:99\n");
    const BasicAuthConfig& sha = *config.httpServer.basicAuth;
    EXPECT_EQ(sha.algorithm, "SHA-256");
    EXPECT_EQ(sha.passwordHash, "2bf7ed4906ac065bde39f7508d6102a6cdd7153a929ea883ff6cd04442772c99");
    EXPECT_EQ(sha.salt, "U9i%=N+m]#i9yvUV:bA/3n4X9JdPXf=n");
    EXPECT_TRUE(sha.password.empty());

    const std::string prefix = "httpServer:\n  authentication:\n    basic:\n      username: u\n";
    EXPECT_EQ(refuse(prefix + "      algorithm: SHA-256\n      salt: s\n      passwordHash: abc\n"),
              "/etc/cfg.yaml: httpServer.authentication.basic.passwordHash (line 7): must have an even number of hex "
              "digits (Hex string must have an even length)");
    EXPECT_TRUE(mentions(refuse(prefix + "      algorithm: SHA-1\n      salt: s\n      passwordHash: zz\n"),
                         "(Hex string contains a non-hexadecimal character)"));
    EXPECT_EQ(refuse(prefix + "      algorithm: SHA-512\n      passwordHash: ab\n"),
              "/etc/cfg.yaml: httpServer.authentication.basic.salt (line 4): is required (a string)");
    EXPECT_EQ(refuse(prefix + "      algorithm: SHA-512\n      salt: s\n"),
              "/etc/cfg.yaml: httpServer.authentication.basic.passwordHash (line 4): is required (hex digits)");
    // Only plaintext is case-insensitive.
    EXPECT_EQ(refuse(prefix + "      algorithm: sha-256\n      salt: s\n      passwordHash: ab\n"),
              "/etc/cfg.yaml: httpServer.authentication.basic.algorithm (line 5): unsupported algorithm [sha-256]: use "
              "plaintext, SHA-1, SHA-256, SHA-512, PBKDF2WithHmacSHA1, PBKDF2WithHmacSHA256 or PBKDF2WithHmacSHA512");
    EXPECT_TRUE(mentions(refuse(prefix + "      algorithm: MD5\n      password: p\n"), "unsupported algorithm [MD5]"));
}

TEST(ConfigHttpServer, BasicAuthenticationPbkdf2) {
    const std::string prefix =
        "httpServer:\n  authentication:\n    basic:\n      username: u\n      salt: 98LeBWIjca\n";
    // The spec's example: a 16-byte hash, default iterations and keyLength (128 bits).
    Config config = accept(prefix +
                           "      algorithm: PBKDF2WithHmacSHA256\n"
                           "      passwordHash: 02:56:48:21:BA:EF:62:CC:92:79:90:C4:E6:45:F0:48\n");
    const BasicAuthConfig& pbkdf2 = *config.httpServer.basicAuth;
    EXPECT_EQ(pbkdf2.passwordHash, "02564821baef62cc927990c4e645f048");
    EXPECT_EQ(pbkdf2.iterations, 600000);
    EXPECT_EQ(pbkdf2.keyLength, 128);
    EXPECT_TRUE(config.warnings.empty());
    const std::string hash16 = "      passwordHash: 02564821BAEF62CC927990C4E645F048\n";
    EXPECT_EQ(accept(prefix + "      algorithm: PBKDF2WithHmacSHA1\n" + hash16).httpServer.basicAuth->iterations,
              1300000);
    EXPECT_EQ(accept(prefix + "      algorithm: PBKDF2WithHmacSHA512\n" + hash16).httpServer.basicAuth->iterations,
              210000);
    config = accept(prefix + "      algorithm: PBKDF2WithHmacSHA512\n      iterations: 1000\n      keyLength: 16\n" +
                    hash16);
    EXPECT_EQ(config.httpServer.basicAuth->iterations, 1000);   // lower than recommended: only a warning upstream
    EXPECT_EQ(config.warnings, std::vector<std::string>{"/etc/cfg.yaml: httpServer.authentication.basic.iterations "
                                                        "(line 7): 1000 iterations are fewer than the 210000 "
                                                        "recommended for PBKDF2WithHmacSHA512"});
    EXPECT_EQ(config.httpServer.basicAuth->keyLength, 16);      // the legacy length in bytes

    EXPECT_EQ(refuse(prefix + "      algorithm: PBKDF2WithHmacSHA256\n      keyLength: 256\n" + hash16),
              "/etc/cfg.yaml: httpServer.authentication.basic.keyLength (line 7): is 256 but the passwordHash has 128 "
              "bits (16 bytes): set keyLength to 128");
    EXPECT_TRUE(mentions(refuse(prefix + "      algorithm: PBKDF2WithHmacSHA256\n      iterations: 0\n" + hash16),
                         "iterations (line 7): must be at least 1, found 0"));
    EXPECT_TRUE(mentions(refuse(prefix + "      algorithm: PBKDF2WithHmacSHA256\n      keyLength: x\n" + hash16),
                         "keyLength (line 7): must be an integer"));
}

TEST(ConfigHttpServer, AuthenticationPluginIsFlagged) {
    Config config = accept(
        "httpServer:\n  authentication:\n    plugin:\n      class: com.example.Auth\n      subjectAttributeName: s\n");
    EXPECT_TRUE(config.httpServer.authenticationPlugin);
    EXPECT_EQ(config.httpServer.authenticationPluginClass, "com.example.Auth");
    EXPECT_FALSE(config.httpServer.basicAuth);
    EXPECT_EQ(refuse("httpServer:\n  authentication:\n    plugin: com.example.Auth\n"),
              "/etc/cfg.yaml: httpServer.authentication.plugin (line 3): must be a map");
    EXPECT_EQ(refuse("httpServer:\n  authentication:\n    plugin: {subjectAttributeName: s}\n"),
              "/etc/cfg.yaml: httpServer.authentication.plugin.class (line 3): is required (a Java class name)");
    // A null plugin is no plugin: basic is then required.
    EXPECT_TRUE(mentions(refuse("httpServer:\n  authentication:\n    plugin:\n"), "httpServer.authentication.basic"));
}

TEST(ConfigHttpServer, Tls) {
    Config config = accept(
        "httpServer:\n"
        "  ssl:\n"
        "    keyStore:\n"
        "      filename: /etc/keystore.pkcs12\n"
        "      type: PKCS12\n"
        "      password: changeit\n"
        "    certificate:\n"
        "      alias: localhost\n"
        "    protocols: \" TLSv1.2, TLSv1.3,, \"\n"
        "    ciphers: TLS_AES_128_GCM_SHA256\n");
    ASSERT_TRUE(config.httpServer.ssl);
    const TlsConfig& tls = *config.httpServer.ssl;
    EXPECT_EQ(tls.keyStore.filename, "/etc/keystore.pkcs12");
    EXPECT_EQ(tls.keyStore.type, "PKCS12");
    EXPECT_EQ(tls.keyStore.password, "changeit");
    EXPECT_EQ(tls.certificateAlias, "localhost");
    EXPECT_FALSE(tls.mutualTLS);
    EXPECT_FALSE(tls.trustStore.filename);
    EXPECT_EQ(tls.protocols, (std::vector<std::string>{"TLSv1.2", "TLSv1.3"}));
    EXPECT_EQ(tls.ciphers, (std::vector<std::string>{"TLS_AES_128_GCM_SHA256"}));

    // Without keyStore settings the agent falls back to the javax.net.ssl.* properties.
    config = accept("httpServer:\n  ssl:\n    certificate: {alias: a}\n");
    EXPECT_FALSE(config.httpServer.ssl->keyStore.filename);
    EXPECT_FALSE(config.httpServer.ssl->keyStore.password);

    // mutualTLS is a lenient boolean; the trust store is read only with it.
    EXPECT_TRUE(
        accept("httpServer:\n  ssl:\n    certificate: {alias: a}\n    mutualTLS: \"yes\"\n").httpServer.ssl->mutualTLS);
    EXPECT_FALSE(
        accept("httpServer:\n  ssl:\n    certificate: {alias: a}\n    mutualTLS: \"0\"\n").httpServer.ssl->mutualTLS);
    accept("httpServer:\n  ssl:\n    certificate: {alias: a}\n    trustStore: {password: \" \"}\n");
    config = accept(
        "httpServer:\n  ssl:\n    certificate: {alias: a}\n    mutualTLS: true\n    trustStore: {filename: t.jks, "
        "type: JKS}\n");
    EXPECT_TRUE(config.httpServer.ssl->mutualTLS);
    EXPECT_EQ(config.httpServer.ssl->trustStore.filename, "t.jks");
    EXPECT_EQ(config.httpServer.ssl->trustStore.type, "JKS");
    EXPECT_TRUE(mentions(refuse("httpServer:\n  ssl:\n    certificate: {alias: a}\n    mutualTLS: true\n    "
                                "trustStore: {password: \" \"}\n"),
                         "httpServer.ssl.trustStore.password (line 5): must not be blank"));

    EXPECT_EQ(refuse("httpServer:\n  ssl:\n    keyStore: {filename: k}\n"),
              "/etc/cfg.yaml: httpServer.ssl.certificate.alias (line 3): is required (the javaagent requires it)");
    EXPECT_TRUE(mentions(refuse("httpServer:\n  ssl:\n"), "httpServer.ssl.certificate.alias (line 2): is required"));
    EXPECT_EQ(refuse("httpServer:\n  ssl:\n    certificate: {alias: a}\n    mutualTLS: maybe\n"),
              "/etc/cfg.yaml: httpServer.ssl.mutualTLS (line 4): must be true or false, found the string \"maybe\"");
    EXPECT_TRUE(mentions(refuse("httpServer:\n  ssl:\n    certificate: {alias: a}\n    keyStore: {filename: \"\"}\n"),
                         "httpServer.ssl.keyStore.filename (line 4): must not be blank"));
}

}  // namespace
}  // namespace nj::rules
