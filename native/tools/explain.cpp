#include "tools/explain.h"

#include <optional>
#include <vector>

#include "exposition/java_double.h"
#include "rules/regex.h"

namespace nj::tools {
namespace {

struct Attempt {
    size_t rule;
    std::string input;
    bool matched;
};

struct Decision {
    std::vector<Attempt> attempts;
    std::string plainInput;
    std::optional<size_t> rule;
    bool cached = false;
    std::optional<expo::RawSample> sample;
};

class Recorder : public rules::MatchObserver {
public:
    std::vector<Decision> decisions;

    void tried(size_t rule, std::string_view input, bool matched) override {
        pending_.push_back({rule, std::string(input), matched});
    }
    void decided(std::string_view plainInput, std::optional<size_t> rule, bool cached,
                 const expo::RawSample* sample) override {
        Decision& d = decisions.emplace_back();
        d.attempts = std::move(pending_);
        pending_.clear();
        d.plainInput = plainInput;
        d.rule = rule;
        d.cached = cached;
        if (sample != nullptr) d.sample = *sample;
    }

private:
    std::vector<Attempt> pending_;
};

bool selects(std::string_view name, const Decision& d) {
    std::string_view input = d.plainInput;
    return input == name || (input.starts_with(name) && input.substr(name.size()).starts_with(": "));
}

std::string quoted(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        if (c == '\n') out += "\\n";
        else out.push_back(c);
    }
    return out + "\"";
}

std::string ruleName(const rules::Config& config, size_t index) {
    return "rules[" + std::to_string(index) + "] (line " + std::to_string(config.rules[index].line) + ")";
}

std::string series(const expo::RawSample& s) {
    std::string out(s.name);
    if (!s.labels.empty()) {
        out.push_back('{');
        for (size_t i = 0; i < s.labels.size(); i++) {
            if (i > 0) out.push_back(',');
            out += s.labels[i].name + "=" + quoted(s.labels[i].value);
        }
        out.push_back('}');
    }
    const char* type = s.type == expo::MetricType::Counter ? "counter"
                       : s.type == expo::MetricType::Gauge ? "gauge"
                                                           : "untyped";
    return out + " " + expo::formatJavaDouble(s.value) + " (" + type + "; HELP " + quoted(s.help) + ")";
}

// The groups of a match, found again with the rule's pattern compiled by the same library.
std::string groupsOf(const rules::Rule& rule, std::string_view input) {
    if (!rule.pattern) return "";
    Result<std::unique_ptr<rules::Pattern>> pattern = rules::Pattern::compile(*rule.pattern);
    rules::MatchGroups groups;
    if (!pattern || !pattern.value()->match(input, groups)) return "";
    std::string out;
    for (size_t g = 1; g < groups.groups.size(); g++) {
        out += " $" + std::to_string(g) + "=" + (groups.groups[g] ? quoted(*groups.groups[g]) : "(did not take part)");
    }
    return out.empty() ? "" : "    groups:" + out + "\n";
}

void describe(const rules::Config& config, const Decision& d, std::string& out) {
    out += d.plainInput + "\n";
    if (d.cached) {
        out += "  decided by the rule cache (cache: true) with " + ruleName(config, *d.rule) +
               ", matched in an earlier scrape\n";
    }
    for (const Attempt& a : d.attempts) {
        const rules::Rule& rule = config.rules[a.rule];
        out += "  " + ruleName(config, a.rule) + (a.matched ? ": matched" : ": no match");
        out += rule.pattern ? ": " + *rule.pattern + "\n" : " (no pattern)\n";
        if (a.input != d.plainInput) out += "    input: " + a.input + "\n";
        if (!a.matched) continue;
        out += groupsOf(rule, a.input);
        if (d.sample) out += "    series: " + series(*d.sample) + "\n";
        else out += "    series: none: the first matching rule decides, and this one drops the value (its name expands "
                    "to nothing, its value is not a number, or the attribute is a String without a value: template)\n";
    }
    size_t firstUntried = d.attempts.empty() ? 0 : d.attempts.back().rule + 1;
    if (d.rule && !d.cached && firstUntried < config.rules.size()) {
        out += "  " + ruleName(config, firstUntried) + (firstUntried + 1 < config.rules.size() ? " and later" : "") +
               ": not tried, the first match wins\n";
    }
    if (!d.rule) out += "  no rule matched: the value is not exported\n";
}

// The beans an ObjectName selects ("domain:keyProperties" as in the dump), or with
// "/Attribute" after it that one attribute of the bean (with its composite items, table cells).
rules::Snapshot beansNamed(const rules::Snapshot& snapshot, std::string_view name) {
    rules::Snapshot selected;   // views into `snapshot`, which outlives it
    for (const rules::Bean& bean : snapshot.beans) {
        std::string objectName = std::string(bean.domain) + ":" + std::string(bean.keyProperties);
        if (name == objectName) {
            selected.beans.push_back(bean);
        } else if (name.starts_with(objectName) && name.substr(objectName.size()).starts_with("/")) {
            std::string_view attribute = name.substr(objectName.size() + 1);
            rules::Bean& one = selected.beans.emplace_back(bean);
            std::erase_if(one.attributes, [&](const rules::Attribute& a) { return a.name != attribute; });
        }
    }
    return selected;
}

}  // namespace

Result<std::string> explain(rules::Engine& engine, const rules::Snapshot& snapshot, std::string_view name) {
    rules::Snapshot selected = beansNamed(snapshot, name);
    bool byObjectName = !selected.beans.empty();
    Recorder recorder;
    rules::Engine::Output output = engine.collect(byObjectName ? selected : snapshot, &recorder);
    std::string out;
    size_t shown = 0;
    for (const Decision& d : recorder.decisions) {
        if (!byObjectName && !selects(name, d)) continue;
        if (shown++ > 0) out.push_back('\n');
        describe(engine.config(), d, out);
    }
    if (shown == 0) {
        std::string near;
        for (const Decision& d : recorder.decisions) {
            if (near.size() < 800 && d.plainInput.find(name) != std::string::npos) near += "\n  " + d.plainInput;
        }
        std::string aborted = output.abortReason ? "; the scrape aborts before the end: " + *output.abortReason : "";
        return makeError("no attribute value has the pattern input or ObjectName " + quoted(name) + aborted +
                         (near.empty() ? "" : "; pattern inputs that contain it:" + near));
    }
    if (output.abortReason) out += "\nthe scrape aborts (jmx_scrape_error 1): " + *output.abortReason + "\n";
    return out;
}

}  // namespace nj::tools
