// The collector's keys (spec §3.1–§3.5), read with the javaagent's Java casts, in the order its
// JmxCollector.loadConfig reads them; then the agent-only keys (config_http.cpp) and ours.
#include "rules/config.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <fstream>
#include <sstream>

#include "exposition/java_double.h"
#include "rules/config_reader.h"
#include "rules/object_name.h"
#include "rules/yaml_tree.h"

namespace nj::rules {

using config_detail::Field;
using config_detail::Nulls;
using config_detail::Reader;

namespace {

// Sets `target` from a boolean key: a YAML boolean (an `(Boolean)` cast into a primitive, so
// null fails too).
Status readFlag(const Reader& reader, const Field& f, bool& target) {
    std::optional<bool> value;
    NJ_ASSIGN(value, reader.castBoolean(f, Nulls::Reject));
    if (value) target = *value;
    return Ok{};
}

// A String (or null) that goes through the javaagent's ${VAR} resolution.
Status checkResolvable(const Reader& reader, const Field& f) {
    std::optional<std::string> value;
    NJ_ASSIGN(value, reader.castString(f, Nulls::Allow));
    if (value) NJ_TRY(reader.resolve(f, *value));
    return Ok{};
}

struct WrittenObjectName {
    std::string text;
    ObjectNameInfo parsed;
};

// A String that `new ObjectName(...)` accepts.
Result<WrittenObjectName> readObjectName(const Reader& reader, const Field& f) {
    std::optional<std::string> name;
    NJ_ASSIGN(name, reader.castString(f, Nulls::Reject));
    Result<ObjectNameInfo> parsed = parseObjectName(*name);
    if (!parsed) return reader.error(f, "\"" + *name + "\" is not a valid ObjectName: " + parsed.error().message);
    return WrittenObjectName{std::move(*name), std::move(parsed).value()};
}

// includeObjectNames, or the older name when the newer is absent (then the older is not read).
// Returns whether either was given.
Result<bool> readObjectNames(const Reader& reader, const Field& root, std::string_view key, std::string_view olderKey,
                             std::vector<std::string>& out) {
    Field list = root.child(key);
    if (list.absent()) list = root.child(olderKey);
    if (list.absent()) return false;
    NJ_TRY(reader.castList(list));
    for (size_t i = 0; i < list.node->items.size(); i++) {
        WrittenObjectName name;
        NJ_ASSIGN(name, readObjectName(reader, list.item(i)));
        out.push_back(std::move(name.text));
    }
    return true;
}

Status readObjectNameAttributes(const Reader& reader, Config& config, const Field& map, ObjectNameAttributes& out) {
    if (map.absent()) return Ok{};
    NJ_TRY(reader.castMap(map));
    for (size_t i = 0; i < map.node->entries.size(); i++) {
        WrittenObjectName name;
        NJ_ASSIGN(name, readObjectName(reader, map.entryKey(i)));
        const std::string& canonical = name.parsed.canonicalName;
        Field attributes = map.entryValue(i);
        NJ_TRY(reader.castList(attributes));

        auto entry = std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == canonical; });
        if (entry == out.end()) entry = out.insert(out.end(), {canonical, {}});
        for (size_t k = 0; k < attributes.node->items.size(); k++) {
            Field attribute = attributes.item(k);
            if (attribute.node->kind != yaml::Kind::String) {
                // Java keeps it in a Set<String> that it only asks for String names.
                config.warnings.push_back(
                    reader.located(attribute, "is not a string, so it never names an attribute; ignored"));
                continue;
            }
            entry->second.push_back(attribute.node->text);
        }
    }
    return Ok{};
}

// nullopt: a customizer that can never apply (see `properties`).
Result<std::optional<MetricCustomizer>> readMetricCustomizer(const Reader& reader, const Field& item) {
    static const std::string kNeedsFilter = "Must provide mbeanFilter, if metricCustomizers is given";
    MetricCustomizer customizer;
    bool matchesNothing = false;
    NJ_TRY(reader.castMap(item));
    Field filter = item.child("mbeanFilter");
    if (filter.isNull()) return reader.error(filter, kNeedsFilter);
    NJ_TRY(reader.castMap(filter));

    Field domain = filter.child("domain");
    std::optional<std::string> domainText;
    NJ_ASSIGN(domainText, reader.castString(domain, Nulls::Allow));
    if (!domainText) return reader.error(domain, "Must provide domain, if metricCustomizers is given");
    customizer.domain = *domainText;

    Field properties = filter.child("properties");
    if (!properties.isNull()) {
        NJ_TRY(reader.castMap(properties));
        for (const auto& [key, value] : properties.node->entries) {
            if (key->kind != yaml::Kind::String || value->kind != yaml::Kind::String) {
                // Compared with a bean's String properties by equals(): it never matches.
                matchesNothing = true;
                continue;
            }
            customizer.properties.emplace_back(key->text, value->text);
        }
    }

    Field labels = item.child("attributesAsLabels");
    if (!labels.isNull()) {
        NJ_TRY(reader.castList(labels));
        for (size_t i = 0; i < labels.node->items.size(); i++) {
            std::optional<std::string> name;
            NJ_ASSIGN(name, reader.castString(labels.item(i), Nulls::Reject));
            customizer.attributesAsLabels.push_back(std::move(*name));
        }
    }

    Field extras = item.child("extraMetrics");
    if (labels.isNull() && extras.isNull()) {
        return reader.error(item, "Must provide attributesAsLabels or extraMetrics, if metricCustomizers is given");
    }
    if (!extras.isNull()) {
        NJ_TRY(reader.castList(extras));
        for (size_t i = 0; i < extras.node->items.size(); i++) {
            Field extra = extras.item(i);
            NJ_TRY(reader.castMap(extra));
            ExtraMetric metric;
            std::optional<std::string> name;
            NJ_ASSIGN(name, reader.castString(extra.child("name"), Nulls::Allow));
            if (!name) return reader.error(extra.child("name"), "Must provide name, if extraMetric is given");
            metric.name = std::move(*name);
            Field value = extra.child("value");
            if (value.isNull()) return reader.error(value, "Must provide value, if extraMetric is given");
            switch (value.node->kind) {
                case yaml::Kind::Boolean: metric.value = value.node->boolean; break;
                case yaml::Kind::Integer:
                case yaml::Kind::Long: metric.value = value.node->integer; break;
                case yaml::Kind::BigInteger: metric.value = std::strtod(value.node->decimal.c_str(), nullptr); break;
                case yaml::Kind::Double: metric.value = value.node->number; break;
                default: metric.value = yaml::javaStringValueOf(value.node); break;   // not a Number: dropped
            }
            NJ_ASSIGN(metric.description, reader.castString(extra.child("description"), Nulls::Allow));
            customizer.extraMetrics.push_back(std::move(metric));
        }
    }
    if (matchesNothing) return std::optional<MetricCustomizer>();
    return std::optional<MetricCustomizer>(std::move(customizer));
}

Status readMetricCustomizers(const Reader& reader, Config& config, const Field& list) {
    if (list.absent()) return Ok{};
    if (list.isNull()) return reader.error(list, "Must provide mbeanFilter, if metricCustomizers is given");
    NJ_TRY(reader.castList(list));
    for (size_t i = 0; i < list.node->items.size(); i++) {
        std::optional<MetricCustomizer> customizer;
        NJ_ASSIGN(customizer, readMetricCustomizer(reader, list.item(i)));
        if (customizer) {
            config.metricCustomizers.push_back(std::move(*customizer));
        } else {
            config.warnings.push_back(reader.located(list.item(i).child("mbeanFilter").child("properties"),
                                                     "a key or value that is not a string never equals a bean's "
                                                     "property; this customizer never applies"));
        }
    }
    return Ok{};
}

Result<Rule> readRule(const Reader& reader, const Field& item) {
    NJ_TRY(reader.castMap(item));
    Rule rule;
    rule.line = item.line;

    // `pattern` and `value` are concatenated / String.valueOf'd: any value, even null, is text.
    Field pattern = item.child("pattern");
    if (!pattern.absent()) rule.pattern = yaml::javaStringValueOf(pattern.node);
    NJ_ASSIGN(rule.name, reader.castString(item.child("name"), Nulls::Allow));
    Field value = item.child("value");
    if (!value.absent()) rule.value = yaml::javaStringValueOf(value.node);

    Field valueFactor = item.child("valueFactor");
    if (!valueFactor.absent()) {
        std::string text = yaml::javaStringValueOf(valueFactor.node);
        std::optional<double> factor = expo::parseJavaDouble(text);
        if (!factor) return reader.error(valueFactor, "must be a number, found " + yaml::describe(*valueFactor.node));
        rule.valueFactor = *factor;
    }
    NJ_TRY(readFlag(reader, item.child("attrNameSnakeCase"), rule.attrNameSnakeCase));
    NJ_TRY(readFlag(reader, item.child("cache"), rule.cache));

    std::optional<std::string> type;
    NJ_ASSIGN(type, reader.castString(item.child("type"), Nulls::Allow));
    if (type == "GAUGE") rule.type = expo::MetricType::Gauge;
    if (type == "COUNTER") rule.type = expo::MetricType::Counter;

    NJ_ASSIGN(rule.help, reader.castString(item.child("help"), Nulls::Allow));

    Field labels = item.child("labels");
    if (!labels.absent()) {
        NJ_TRY(reader.castMap(labels));
        const char* failsAtScrape = "; the javaagent loads this, but every scrape that reaches this rule stops there "
                                    "(jmx_scrape_error 1)";
        for (size_t i = 0; i < labels.node->entries.size(); i++) {
            Field key = labels.entryKey(i);
            // Java sorts the keys in a TreeMap (keys of another class than the first, null keys and
            // keys that are not Comparable fail) and casts them to String only when the rule is used.
            const yaml::Kind kind = key.node->kind;
            bool comparable = kind != yaml::Kind::Null && kind != yaml::Kind::Sequence && kind != yaml::Kind::Map;
            if (!comparable || kind != labels.entryKey(0).node->kind) {
                return reader.error(key, "label names must be strings, found " + yaml::describe(*key.node) +
                                             " (Java cannot sort it with the others); put it in quotes");
            }
            if (kind != yaml::Kind::String && !rule.labelFailure) {
                rule.labelFailure = reader.located(key, "a label name must be a string, found " +
                                                            yaml::describe(*key.node) + failsAtScrape);
            }
            // The value is cast to String at load; null passes the cast and fails when used.
            Field value = labels.entryValue(i);
            if (value.isNull() && !rule.labelFailure) {
                rule.labelFailure = reader.located(value, std::string("a label value must be a string, found an "
                                                                      "empty value") + failsAtScrape);
            }
            std::optional<std::string> labelValue;
            NJ_ASSIGN(labelValue, reader.castString(value, Nulls::Allow));
            rule.labels.emplace_back(key.node->text, labelValue.value_or(""));
        }
        std::sort(rule.labels.begin(), rule.labels.end(),
                  [](const auto& a, const auto& b) { return yaml::javaStringLess(a.first, b.first); });
    }

    if ((!labels.absent() || rule.help) && !rule.name) {
        return reader.error(item, "Must provide name, if help or labels are given");
    }
    if (rule.name && pattern.absent()) return reader.error(item, "Must provide pattern, if name is given");
    return rule;
}

Status readRules(const Reader& reader, Config& config, const Field& list) {
    if (list.absent()) return Ok{};   // the one catch-all rule Config starts with
    NJ_TRY(reader.castList(list));
    config.rules.clear();
    for (size_t i = 0; i < list.node->items.size(); i++) {
        Rule rule;
        NJ_ASSIGN(rule, readRule(reader, list.item(i)));
        if (rule.labelFailure) config.warnings.push_back(*rule.labelFailure);
        config.rules.push_back(std::move(rule));
    }
    return Ok{};
}

// A map of our own: an unknown key is an error, since it is ours and surely a typo.
Status checkOwnKeys(const Reader& reader, const Field& map, std::initializer_list<std::string_view> known) {
    NJ_TRY(reader.castMap(map));
    for (size_t i = 0; i < map.node->entries.size(); i++) {
        Field key = map.entryKey(i);
        bool isKnown = key.node->kind == yaml::Kind::String &&
                       std::find(known.begin(), known.end(), key.node->text) != known.end();
        if (!isKnown) {
            std::string names;
            for (std::string_view name : known) names += (names.empty() ? "" : ", ") + std::string(name);
            return reader.error(key, "unknown key; " + map.path + ": knows " + names);
        }
    }
    return Ok{};
}

Status readBeanDumpOptions(const Reader& reader, const Field& map, BeanDumpOptions& out) {
    if (map.isNull()) return Ok{};
    NJ_TRY(checkOwnKeys(reader, map, {"endpoint", "file", "refreshSeconds"}));
    NJ_TRY(readFlag(reader, map.child("endpoint"), out.endpoint));
    Field file = map.child("file");
    NJ_ASSIGN(out.file, reader.castString(file, Nulls::Allow));
    if (out.file && out.file->empty()) return reader.error(file, "must name a file");
    Field refresh = map.child("refreshSeconds");
    std::optional<int> seconds;
    NJ_ASSIGN(seconds, reader.castInteger(refresh, Nulls::Allow));
    if (seconds && *seconds < 1) return reader.error(refresh, "must be at least 1");
    out.refreshSeconds = seconds.value_or(out.refreshSeconds);
    return Ok{};
}

// Our extensions. Unlike the javaagent's keys, an unknown key here is an error: it is ours.
Status readNativeOptions(const Reader& reader, const Field& map, NativeOptions& out) {
    if (map.isNull()) return Ok{};
    NJ_TRY(checkOwnKeys(reader, map, {"gcPauseHistogram", "beanDump"}));
    NJ_TRY(readFlag(reader, map.child("gcPauseHistogram"), out.gcPauseHistogram));
    return readBeanDumpOptions(reader, map.child("beanDump"), out.beanDump);
}

Status readCollector(const Reader& reader, const Field& root, Config& config) {
    Field startDelay = root.child("startDelaySeconds");
    std::optional<int> delay;
    NJ_ASSIGN(delay, reader.castInteger(startDelay, Nulls::Allow));
    if (delay && *delay < 0) {
        return reader.error(startDelay, "must not be negative (startDelaySeconds must be non-negative)");
    }
    config.startDelaySeconds = delay.value_or(0);

    Field hostPort = root.child("hostPort");
    Field jmxUrl = root.child("jmxUrl");
    if (!hostPort.absent() && !jmxUrl.absent()) {
        return reader.error(jmxUrl, "At most one of hostPort and jmxUrl must be provided");
    }
    std::optional<std::string> url;
    NJ_ASSIGN(url, reader.castString(jmxUrl, Nulls::Allow));

    // The standalone exporter's credentials: unused by an agent, but their ${VAR}s must resolve.
    NJ_TRY(checkResolvable(reader, root.child("username")));
    NJ_TRY(checkResolvable(reader, root.child("password")));

    // `ssl` configures the standalone exporter's RMI connection: true/false or a map.
    Field ssl = root.child("ssl");
    if (!ssl.isNull() && ssl.node->kind != yaml::Kind::Boolean && !ssl.isMap()) {
        return reader.error(ssl, "must be true, false or a map, found " + yaml::describe(*ssl.node));
    }

    NJ_TRY(readFlag(reader, root.child("lowercaseOutputName"), config.lowercaseOutputName));
    NJ_TRY(readFlag(reader, root.child("lowercaseOutputLabelNames"), config.lowercaseOutputLabelNames));
    NJ_TRY(readFlag(reader, root.child("inferCounterTypeFromName"), config.inferCounterTypeFromName));

    bool includeGiven = false;
    NJ_ASSIGN(includeGiven,
              readObjectNames(reader, root, "includeObjectNames", "whitelistObjectNames", config.includeObjectNames));
    config.includeAllBeans = !includeGiven;
    NJ_TRY(readObjectNames(reader, root, "excludeObjectNames", "blacklistObjectNames", config.excludeObjectNames));

    std::optional<bool> excludeJvm;
    NJ_ASSIGN(excludeJvm, reader.castBoolean(root.child("excludeJvmMetrics"), Nulls::Allow));
    config.excludeJvmMetrics = excludeJvm.value_or(false);

    NJ_TRY(readMetricCustomizers(reader, config, root.child("metricCustomizers")));
    NJ_TRY(readRules(reader, config, root.child("rules")));

    NJ_TRY(readObjectNameAttributes(reader, config, root.child("excludeObjectNameAttributes"),
                                    config.excludeObjectNameAttributes));
    NJ_TRY(readObjectNameAttributes(reader, config, root.child("includeObjectNameAttributes"),
                                    config.includeObjectNameAttributes));
    NJ_TRY(readFlag(reader, root.child("autoExcludeObjectNameAttributes"), config.autoExcludeObjectNameAttributes));

    Field scrapeTimeout = root.child("scrapeTimeoutSeconds");
    NJ_ASSIGN(config.scrapeTimeoutSeconds, reader.castInteger(scrapeTimeout, Nulls::Allow));
    if (config.scrapeTimeoutSeconds && *config.scrapeTimeoutSeconds < 1) {
        return reader.error(scrapeTimeout, "must be at least 1 (scrapeTimeoutSeconds must be at least 1)");
    }

    // Checked by the javaagent once the collector is loaded: an agent reads its own JVM.
    // hostPort always makes a URL; jmxUrl does unless it is "" (null fails: isEmpty() on null).
    bool remote = !hostPort.absent() || (!jmxUrl.absent() && (!url || !url->empty()));
    if (remote) {
        config.agentModeError =
            reader.located(hostPort.absent() ? jmxUrl : hostPort,
                           "Configuration error: When running jmx_exporter as a Java agent, you must not configure "
                           "'jmxUrl' or 'hostPort' because you don't want to monitor a remote JVM. nativejmx reads "
                           "the JVM it runs in: remove this key.");
    }
    return Ok{};
}

}  // namespace

Result<Config> parseConfig(std::string_view yamlText, const std::string& fileForMessages) {
    Config config;
    config.file = fileForMessages;
    Reader reader(fileForMessages);

    Result<yaml::NodePtr> tree = yaml::parse(yamlText);
    if (!tree) return makeError(fileForMessages + ": " + tree.error().message);
    yaml::NodePtr root = tree.value();
    if (root == nullptr) {
        config.warnings.push_back(fileForMessages +
                                  ": the file is empty; read as {} (the javaagent refuses an empty file: write {} to "
                                  "keep the file usable with both)");
        yaml::Node empty;
        empty.kind = yaml::Kind::Map;
        empty.line = 1;
        root = std::make_shared<const yaml::Node>(std::move(empty));
    }
    Field top = config_detail::rootField(*root);
    if (!top.isMap()) return reader.error(top, "the file must hold a map of settings, found " + yaml::describe(*root));

    NJ_TRY(readCollector(reader, top, config));
    NJ_TRY(config_detail::readHttpServer(reader, top.child("httpServer"), config.httpServer));
    if (const auto& basic = config.httpServer.basicAuth; basic && basic->iterations < basic->recommendedIterations) {
        config.warnings.push_back(reader.located(
            top.child("httpServer").child("authentication").child("basic").child("iterations"),
            std::to_string(basic->iterations) + " iterations are fewer than the " +
                std::to_string(basic->recommendedIterations) + " recommended for " + basic->algorithm));
    }
    config.hasOpenTelemetry = !top.child("openTelemetry").absent();
    NJ_TRY(readNativeOptions(reader, top.child("nativejmx"), config.nativejmx));
    return config;
}

Result<Config> loadConfigFile(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return makeError(path + ": is a directory, not a config file");
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(path + ": cannot read the file: " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return makeError(path + ": cannot read the file: " + std::strerror(errno));
    return parseConfig(text.str(), path);
}

}  // namespace nj::rules
