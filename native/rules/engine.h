// The rule engine: turns a BeanSnapshot into samples exactly as the javaagent's collector
// does (spec §4.4–§5.7, §12). Pure C++: no JNI, no HTTP. Not thread-safe: one scrape at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "exposition/metric_model.h"
#include "exposition/text_arena.h"
#include "rules/config.h"
#include "rules/regex.h"
#include "rules/rule_candidates.h"
#include "rules/snapshot.h"

namespace nj::rules {

// Sees how each attribute value is decided, for the bean dump and nativejmx-check --explain.
// Without one (the default) the engine pays one pointer test per value and per rule tried.
class MatchObserver {
public:
    virtual ~MatchObserver() = default;
    // Rule `rule` was tried on `input`, the pattern input (spec §5.1) as that rule sees it.
    virtual void tried(size_t rule, std::string_view input, bool matched) = 0;
    // The value was decided by rule `rule`, or by none (nullopt); cached: by the rule cache.
    // plainInput is the pattern input without snake case and with the value; sample is what it
    // produced (null: nothing, e.g. a String value or a name that expanded to nothing).
    virtual void decided(std::string_view plainInput, std::optional<size_t> rule, bool cached,
                         const expo::RawSample* sample) = 0;
};

class Engine {
public:
    // Compiles every rule pattern. An error names the config file, the rule and the reason.
    static Result<std::unique_ptr<Engine>> create(std::shared_ptr<const Config> config);

    struct Output {
        std::vector<expo::RawSample> samples;
        // What the samples' help and objectName view, with the engine's value memo: the samples
        // must be used (or copied) before the next collect().
        expo::TextArena texts;
        // Set when the scrape aborted (template error, duplicate label name, ...): the samples
        // recorded before the abort are still returned, as upstream does (spec §15).
        std::optional<std::string> abortReason;
        size_t cachedBeans = 0;   // jmx_scrape_cached_beans (spec §12.1)
    };

    Output collect(const Snapshot& snapshot, MatchObserver* observer = nullptr);

    const Config& config() const { return *config_; }
    // Attribute results the value memo holds after the last scrape.
    size_t memoEntries() const { return memo_.size(); }
    // "rules[3] (line 40): <why>" for each rule that runs on PCRE2 rather than RE2.
    std::vector<std::string> pcre2Rules() const;
    // "rules[3] (line 40)" for each rule whose PCRE2 match limit has been hit (that input counted as
    // not matched) and that was not returned before: each rule is reported once.
    std::vector<std::string> rulesNewlyAtMatchLimit();

    struct CompiledRule {
        const Rule* rule;
        std::unique_ptr<Pattern> pattern;   // null: the rule matches everything
        bool matchLimitReported = false;
    };
    // A rule result remembered by the rule cache (spec §12.1). help and objectName view texts
    // valid until the next attribute, or, in the cache, the CacheEntry's own.
    struct CachedMatch {
        bool matched = false;
        size_t rule = 0;   // the index of the rule that matched
        std::string name;
        expo::MetricType type = expo::MetricType::Unknown;
        std::string_view help;
        expo::Labels labels;
        std::optional<double> ruleValue;
        double valueFactor = 1.0;
        std::string_view objectName;
    };

private:
    explicit Engine(std::shared_ptr<const Config> config) : config_(std::move(config)) {}
    std::string ruleName(size_t index) const;
    friend class AttributeProcessor;

    std::shared_ptr<const Config> config_;
    std::vector<CompiledRule> rules_;
    std::unique_ptr<RuleCandidates> candidates_;
    bool hasCache_ = false;
    struct CacheEntry {
        CacheEntry() = default;
        CacheEntry(const CacheEntry&) = delete;   // a copy's match would view the original's texts
        CacheEntry& operator=(const CacheEntry&) = delete;
        CachedMatch match;      // its texts view helpText and objectNameText
        std::string helpText;
        std::string objectNameText;
        uint64_t touched = 0;   // the scrape generation that last used it
    };
    std::unordered_map<std::string, CacheEntry> cache_;
    // The value memo: a rule's result for an attribute whose match holds for any value it can
    // take (Pattern::groupsHoldForAnyValue), so later scrapes skip the pattern and the templates
    // and only read the new value. Key: the pattern input before the value, the rule, the
    // attribute's description. Entries a scrape did not use are dropped after it, as cache_'s.
    struct MemoEntry {
        MemoEntry() = default;
        CachedMatch match;   // help views memoHelps_; objectName is not kept: it is in the key
        uint64_t touched = 0;
        // No earlier rule can match this input, whatever the value: a scrape that finds this
        // entry where the last one used it takes the result without trying any rule.
        bool firstWhateverTheValue = false;
        bool earlierRulesChecked = false;   // firstWhateverTheValue is decided
    };
    struct TextHash {
        using is_transparent = void;
        size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    using Memo = std::unordered_map<std::string, MemoEntry, TextHash, std::equal_to<>>;
    Memo memo_;
    // The HELP texts of the memo's entries, each kept once, with the number of entries using it.
    std::unordered_map<std::string, size_t, TextHash, std::equal_to<>> memoHelps_;
    void releaseMemoHelp(std::string_view help);
    // The entries in the order the last scrape used them: beans come in the same order from scrape
    // to scrape, so the next key is usually the next entry here, found without hashing.
    std::vector<Memo::value_type*> memoOrder_, memoUsed_;
    // How a rule's result is proven to hold for any value, per rule: its groups do (templates
    // read no $0), or its templates read no group and the match alone matters; None: never memoised.
    enum class MemoProof : uint8_t { None, Groups, MatchAlone };
    std::vector<MemoProof> memoProof_;
    uint64_t generation_ = 0;
    size_t memoTouched_ = 0;   // memo entries used in the current scrape, each counted once
    size_t samplesAtLastScrape_ = 0;   // room reserved for the next scrape's samples
};

}  // namespace nj::rules
