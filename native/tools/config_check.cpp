#include "tools/config_check.h"

#include <fstream>
#include <sstream>

#include "rules/config_keys.h"
#include "rules/regex.h"
#include "rules/yaml_tree.h"

namespace nj::tools {
namespace {

using Severity = Diagnostic::Severity;

// The line in a loader message: "... (line 14): ..." or, from the YAML parser, ": line 3, column 7".
int lineIn(const std::string& message) {
    for (std::string_view marker : {"(line ", ": line "}) {
        size_t at = message.find(marker);
        if (at != std::string::npos) return std::atoi(message.c_str() + at + marker.size());
    }
    return 0;
}

std::string ruleAt(const rules::Config& config, size_t index) {
    return "rules[" + std::to_string(index) + "] (line " + std::to_string(config.rules[index].line) + ")";
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void addUnknownKeys(const std::string& path, const std::string& text, std::vector<Diagnostic>& out) {
    Result<std::vector<rules::UnknownKey>> unknown = rules::findUnknownKeys(text);
    if (!unknown) return;   // the loader reports the syntax error
    for (const rules::UnknownKey& key : unknown.value()) {
        std::string hint = !key.knownAt.empty()       ? "; the javaagent reads it only as " + key.knownAt
                           : !key.suggestion.empty() ? "; did you mean " + key.suggestion + "?"
                                                     : "";
        out.push_back({Severity::Warning, "unknown-key", key.line,
                       path + ": " + key.path + " (line " + std::to_string(key.line) +
                           "): unknown key, ignored by the javaagent and by nativejmx" + hint});
    }
}

// The agent answers /beans with 403 when nothing protects it (the dump holds String values).
void addUnprotectedBeansEndpoint(const rules::Config& config, const std::string& text, std::vector<Diagnostic>& out) {
    if (!config.nativejmx.beanDump.endpoint || config.httpServer.basicAuth) return;
    int line = 0;
    Result<rules::yaml::NodePtr> tree = rules::yaml::parse(text);
    const rules::yaml::Node* node = tree && tree.value() ? tree.value().get() : nullptr;
    for (std::string_view key : {"nativejmx", "beanDump", "endpoint"}) {
        node = node != nullptr ? node->find(key) : nullptr;
        if (node != nullptr) line = node->line;
    }
    out.push_back({Severity::Warning, "config", line,
                   config.file + ": nativejmx.beanDump.endpoint (line " + std::to_string(line) +
                       "): /beans answers 403 without httpServer.authentication (the dump holds the String values "
                       "of every MBean); use nativejmx.beanDump.file, or configure authentication"});
}

// A rule whose pattern matches every pattern input: no pattern, or an empty or ".*" pattern.
// (The latter two miss an input holding a line break, which `.` does not match.)
bool matchesEverything(const rules::Rule& rule) {
    return !rule.pattern || *rule.pattern == "" || *rule.pattern == ".*";
}

// Rule j never decides anything when an earlier rule certainly matches whatever j would: a
// rule matching everything, or one with the identical pattern on the identical pattern input
// (same attrNameSnakeCase, same cache). The first match wins even when it drops the attribute.
void addShadowedRules(const rules::Config& config, std::vector<Diagnostic>& out) {
    for (size_t j = 1; j < config.rules.size(); j++) {
        const rules::Rule& later = config.rules[j];
        for (size_t i = 0; i < j; i++) {
            const rules::Rule& earlier = config.rules[i];
            std::string why;
            if (!earlier.pattern) {
                why = "has no pattern, so it decides every attribute first";
            } else if (matchesEverything(earlier)) {
                why = "has the pattern \"" + *earlier.pattern +
                      "\", so it decides every attribute first (except a value holding a line break)";
            } else if (later.pattern && *later.pattern == *earlier.pattern &&
                       later.attrNameSnakeCase == earlier.attrNameSnakeCase && later.cache == earlier.cache) {
                why = "has the identical pattern, so it decides every attribute this rule would match first";
            } else {
                continue;
            }
            out.push_back({Severity::Warning, "shadowed", later.line,
                           config.file + ": " + ruleAt(config, j) + ": never used: " + ruleAt(config, i) + " " + why});
            break;
        }
    }
}

// Expands every template of every rule against a match in which no group took part: the
// engine's own expansion, so each error here is one the agent would hit (and abort the
// scrape with) the first time the rule matches.
void addTemplateErrors(const rules::Config& config, std::vector<Diagnostic>& out) {
    for (size_t i = 0; i < config.rules.size(); i++) {
        const rules::Rule& rule = config.rules[i];
        std::vector<std::pair<std::string, std::string>> templates;   // key, template
        if (rule.name) templates.emplace_back("name", *rule.name);
        if (rule.help) templates.emplace_back("help", *rule.help);
        if (rule.value && !rule.value->empty()) templates.emplace_back("value", *rule.value);
        for (const auto& [label, value] : rule.labels) {
            templates.emplace_back("labels (the name " + label + ")", label);
            templates.emplace_back("labels." + label, value);
        }
        if (templates.empty()) continue;
        auto report = [&](const std::string& key, const std::string& message) {
            out.push_back({Severity::Error, "template", rule.line,
                           config.file + ": " + ruleAt(config, i) + ": " + key + ": " + message +
                               " (every scrape in which this rule matches fails)"});
        };
        if (!rule.pattern) {   // only `value` can be set without a pattern (the loader refuses the rest)
            report(templates.front().first, "a rule without a pattern cannot expand a template");
            continue;
        }
        Result<std::unique_ptr<rules::Pattern>> pattern = rules::Pattern::compile(*rule.pattern);
        if (!pattern) continue;   // reported by Engine::create
        rules::MatchGroups groups;
        groups.groups.assign(static_cast<size_t>(pattern.value()->groupCount()) + 1, std::nullopt);
        groups.groups[0] = std::string_view();
        for (const auto& [key, text] : templates) {
            Result<std::string> expanded = rules::expandTemplate(text, *pattern.value(), groups);
            if (!expanded) report(key, "\"" + text + "\": " + expanded.error().message);
        }
    }
}

}  // namespace

ConfigCheck checkConfig(const std::string& path) {
    ConfigCheck check;
    std::vector<Diagnostic>& out = check.diagnostics;
    std::string text = readFile(path);
    addUnknownKeys(path, text, out);
    Result<rules::Config> config = rules::loadConfigFile(path);
    if (!config) {
        out.push_back({Severity::Error, "config", lineIn(config.error().message), config.error().message});
        return check;
    }
    for (const std::string& warning : config->warnings) out.push_back({Severity::Warning, "config", lineIn(warning), warning});
    addUnprotectedBeansEndpoint(config.value(), text, out);
    auto shared = std::make_shared<const rules::Config>(std::move(config).value());
    Result<std::unique_ptr<rules::Engine>> engine = rules::Engine::create(shared);
    if (!engine) {
        out.push_back({Severity::Error, "pattern", lineIn(engine.error().message), engine.error().message});
        return check;
    }
    for (const std::string& rule : engine.value()->pcre2Rules()) {
        out.push_back({Severity::Warning, "pcre2", lineIn(rule),
                       shared->file + ": " + rule + " (runs on PCRE2, a backtracking engine with a match limit, "
                                                    "rather than RE2)"});
    }
    addShadowedRules(*shared, out);
    addTemplateErrors(*shared, out);
    check.engine = std::move(engine).value();
    return check;
}

int exitCodeFor(const std::vector<Diagnostic>& diagnostics) {
    int code = 0;
    for (const Diagnostic& d : diagnostics) code = d.severity == Severity::Error ? 1 : (code == 1 ? 1 : 2);
    return code;
}

}  // namespace nj::tools
