// The rule engine: turns a BeanSnapshot into samples exactly as the javaagent's collector
// does (spec §4.4–§5.7, §12). Pure C++: no JNI, no HTTP. Not thread-safe: one scrape at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "exposition/metric_model.h"
#include "rules/config.h"
#include "rules/regex.h"
#include "rules/rule_candidates.h"
#include "rules/snapshot.h"

namespace nj::rules {

class Engine {
public:
    // Compiles every rule pattern. An error names the config file, the rule and the reason.
    static Result<std::unique_ptr<Engine>> create(std::shared_ptr<const Config> config);

    struct Output {
        std::vector<expo::RawSample> samples;
        // Set when the scrape aborted (template error, duplicate label name, ...): the samples
        // recorded before the abort are still returned, as upstream does (spec §15).
        std::optional<std::string> abortReason;
        size_t cachedBeans = 0;   // jmx_scrape_cached_beans (spec §12.1)
    };

    Output collect(const Snapshot& snapshot);

    const Config& config() const { return *config_; }
    // "rules[3] (line 40): <why>" for each rule that runs on PCRE2 rather than RE2.
    std::vector<std::string> pcre2Rules() const;

    struct CompiledRule {
        const Rule* rule;
        std::unique_ptr<Pattern> pattern;   // null: the rule matches everything
    };
    // A rule result remembered by the rule cache (spec §12.1).
    struct CachedMatch {
        bool matched = false;
        std::string name;
        expo::MetricType type = expo::MetricType::Unknown;
        std::string help;
        std::vector<expo::Label> labels;
        std::optional<double> ruleValue;
        double valueFactor = 1.0;
        std::string objectName;
    };

private:
    explicit Engine(std::shared_ptr<const Config> config) : config_(std::move(config)) {}
    friend class AttributeProcessor;

    std::shared_ptr<const Config> config_;
    std::vector<CompiledRule> rules_;
    std::unique_ptr<RuleCandidates> candidates_;
    bool hasCache_ = false;
    struct CacheEntry {
        CachedMatch match;
        uint64_t touched = 0;   // the scrape generation that last used it
    };
    std::unordered_map<std::string, CacheEntry> cache_;
    uint64_t generation_ = 0;
};

}  // namespace nj::rules
