// The configuration model: the javaagent's YAML (spec §2, §3, §11) plus our own
// extensions under the top-level `nativejmx:` key. Loading is strict where the
// javaagent is strict (Java casts), lenient where it is lenient.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/result.h"
#include "exposition/metric_model.h"

namespace nj::rules {

struct Rule {
    std::optional<std::string> pattern;   // Java regex source, as written (any scalar, concatenated as text)
    std::optional<std::string> name;      // template
    std::optional<std::string> value;     // template; String.valueOf(yaml) so `value:` (null) is "null"
    double valueFactor = 1.0;
    std::optional<std::string> help;      // template
    std::vector<std::pair<std::string, std::string>> labels;  // templates, sorted by raw key text (TreeMap)
    // Set when a label has a null value or a name that is not a string: the javaagent loads that,
    // then fails on it each time the rule matches, which aborts the scrape (spec §15). Names the
    // file, the key and the line.
    std::optional<std::string> labelFailure;
    expo::MetricType type = expo::MetricType::Unknown;       // only "GAUGE" / "COUNTER" are special
    bool attrNameSnakeCase = false;
    bool cache = false;
    int line = 0;                         // 1-based line of the rule in the file, for messages
};

// A YAML scalar as the javaagent's Java code would see it (for extraMetrics values).
using ScalarValue = std::variant<std::monostate, bool, int64_t, double, std::string>;

struct ExtraMetric {
    std::string name;
    ScalarValue value;
    std::optional<std::string> description;
};

struct MetricCustomizer {
    std::string domain;
    std::vector<std::pair<std::string, std::string>> properties;
    std::vector<std::string> attributesAsLabels;
    std::vector<ExtraMetric> extraMetrics;
};

// attribute include/exclude maps: ObjectName -> attribute names. The ObjectName is kept in its
// canonical form (getCanonicalName), since the javaagent compares ObjectNames by it; entries
// naming the same ObjectName are merged.
using ObjectNameAttributes = std::vector<std::pair<std::string, std::vector<std::string>>>;

struct BasicAuthConfig {
    std::string username;
    std::string algorithm = "plaintext";   // plaintext, SHA-1, SHA-256, SHA-512, PBKDF2WithHmacSHA1/256/512
    std::string password;                  // plaintext only
    std::string passwordHash;              // hashed algorithms: normalised lower-case hex, no ':'
    std::string salt;
    int iterations = 0;                    // PBKDF2
    int recommendedIterations = 0;         // PBKDF2: the default; fewer only draws a warning, as upstream
    int keyLength = 0;                     // PBKDF2 (bits or bytes, as configured)
};

struct StoreConfig {
    std::optional<std::string> filename;
    std::optional<std::string> type;
    std::optional<std::string> password;
};

struct TlsConfig {
    StoreConfig keyStore;
    StoreConfig trustStore;
    std::string certificateAlias;
    bool mutualTLS = false;
    std::vector<std::string> protocols;
    std::vector<std::string> ciphers;
};

struct ThreadsConfig {
    int minimum = 1;
    int maximum = 10;
    int keepAliveTime = 120;
};

struct HttpServerConfig {
    ThreadsConfig threads;
    std::optional<int> maximumRequestSeconds;
    std::optional<std::string> metricsPath;          // httpServer.metrics.path
    std::optional<BasicAuthConfig> basicAuth;
    bool authenticationPlugin = false;               // unsupported: rejected with a message
    std::string authenticationPluginClass;           // httpServer.authentication.plugin.class
    std::optional<TlsConfig> ssl;
};

// nativejmx.beanDump: the snapshot the rules consume, as JSON (docs/bean-dump.md).
struct BeanDumpOptions {
    bool endpoint = false;              // serve /beans (only behind httpServer.authentication)
    std::optional<std::string> file;    // written after every scrape,
    int refreshSeconds = 60;            // and after this long without one
};

// Our own extensions: `nativejmx:` at the top level, ignored by the javaagent.
struct NativeOptions {
    bool gcPauseHistogram = false;
    BeanDumpOptions beanDump;
};

struct Config {
    std::string file;                                 // the path it was read from (for messages)

    int startDelaySeconds = 0;
    std::optional<int> scrapeTimeoutSeconds;
    bool lowercaseOutputName = false;
    bool lowercaseOutputLabelNames = false;
    bool inferCounterTypeFromName = false;
    // includeObjectNames (or whitelistObjectNames), as written. Absent: every bean
    // (includeAllBeans); given, even as an empty list: only the beans these names match.
    bool includeAllBeans = true;
    std::vector<std::string> includeObjectNames;
    std::vector<std::string> excludeObjectNames;
    ObjectNameAttributes includeObjectNameAttributes;
    ObjectNameAttributes excludeObjectNameAttributes;
    bool autoExcludeObjectNameAttributes = true;
    bool excludeJvmMetrics = false;
    std::vector<MetricCustomizer> metricCustomizers;
    std::vector<Rule> rules{Rule{}};                  // absent `rules`: one catch-all rule; `rules: []`: none

    HttpServerConfig httpServer;
    bool hasOpenTelemetry = false;                    // unsupported: one log line, the rest works
    NativeOptions nativejmx;

    std::vector<std::string> warnings;                // not errors: e.g. an empty document read as {}
    // Set when jmxUrl or hostPort asks for a remote JVM: the file is a valid collector config, but
    // the javaagent refuses it in agent mode, at start-up and on every scrape after a reload
    // (spec §1.2, §13). The message names the file, the key and the line.
    std::string agentModeError;
};

// Reads and validates a config file. Errors name the file, the key path and the line:
//   "/etc/x.yaml: rules[2].labels.code (line 14): must be a string, found the integer 200"
Result<Config> loadConfigFile(const std::string& path);
Result<Config> parseConfig(std::string_view yamlText, const std::string& fileForMessages);

// The javaagent's ${VAR} resolution (spec §3.5): a value that is `${NAME}` once trimmed is the
// environment variable NAME, trimmed; anything else is returned unchanged. parseConfig applies
// it to the keys the spec lists; the agent applies it to a javax.net.ssl.*Password system
// property it falls back to. The error is the javaagent's, e.g. "Environment variable '${X}'
// not defined".
Result<std::string> resolveVariable(std::string_view value);

// httpServer.ssl.keyStore or .trustStore as the javaagent completes it (spec §11.7): what the
// config leaves out comes from the system properties javax.net.ssl.keyStore, ...Type and
// ...Password (javax.net.ssl.trustStore* for the trust store); a password taken from there goes
// through resolveVariable. A filename and a password are required; the type may stay absent
// (KeyStore.getDefaultType()). `systemProperty` returns "" for a property that is not set.
enum class StoreKind { Key, Trust };
Result<StoreConfig> completeStore(const StoreConfig& configured, StoreKind kind,
                                  const std::function<std::string(const std::string&)>& systemProperty);

}  // namespace nj::rules
