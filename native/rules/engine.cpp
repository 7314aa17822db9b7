#include "rules/engine.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <deque>
#include <numeric>
#include <stdexcept>

#include "exposition/families.h"
#include "exposition/java_double.h"
#include "rules/naming.h"
#include "rules/value_automaton.h"

namespace nj::rules {
namespace {

using Properties = std::vector<std::pair<std::string_view, std::string_view>>;

// A RuntimeException while recording in upstream: the rest of the scrape is abandoned.
struct ScrapeAbort : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Which chars end a key (",=:*?") and an unquoted value (",=:\""), for parseKeyProperties. A
// table: find_first_of calls memchr on the stops for every char, a tenth of the rules' time.
enum : uint8_t { kEndsKey = 1, kEndsValue = 2 };
constexpr std::array<uint8_t, 256> kPropertyStops = [] {
    std::array<uint8_t, 256> table{};
    for (char c : std::string_view(",=:*?")) table[static_cast<unsigned char>(c)] |= kEndsKey;
    for (char c : std::string_view(",=:\"")) table[static_cast<unsigned char>(c)] |= kEndsValue;
    return table;
}();

size_t findStop(std::string_view text, size_t from, uint8_t stop) {
    for (size_t i = from; i < text.size(); i++) {
        if ((kPropertyStops[static_cast<unsigned char>(text[i])] & stop) != 0) return i;
    }
    return std::string_view::npos;
}

// ObjectName.getKeyPropertyListString split as upstream's property regex does (spec §4.3):
// ([^,=:\*\?]+)=("(?:[^\\"]*(?:\\.)?)*"|[^,=:"]*), repeated lookingAt, one comma skipped.
// Into `out`, which keeps its capacity from bean to bean.
void parseKeyProperties(std::string_view text, Properties& out) {
    out.clear();
    auto isLineTerminator = [](char c) { return c == '\n' || c == '\r'; };
    while (!text.empty()) {
        size_t eq = findStop(text, 0, kEndsKey);
        if (eq == 0 || eq == std::string_view::npos || text[eq] != '=') break;
        std::string_view key = text.substr(0, eq);
        size_t pos = eq + 1;
        size_t end = pos;
        bool quoted = false;
        if (pos < text.size() && text[pos] == '"') {
            // quoted: any run of non-\ non-" chars and \x pairs (x not a line terminator), then "
            size_t i = pos + 1;
            while (i < text.size() && text[i] != '"') {
                if (text[i] == '\\') {
                    if (i + 1 >= text.size() || isLineTerminator(text[i + 1])) break;
                    i += 2;
                } else {
                    i++;
                }
            }
            if (i < text.size() && text[i] == '"') {
                end = i + 1;
                quoted = true;
            }
        }
        if (!quoted) {
            end = findStop(text, pos, kEndsValue);
            if (end == std::string_view::npos) end = text.size();
        }
        // LinkedHashMap.put: a repeated key keeps its first position and takes the new value
        std::string_view value = text.substr(pos, end - pos);
        auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == key; });
        if (it != out.end()) it->second = value;
        else out.emplace_back(key, value);
        text.remove_prefix(end);
        if (!text.empty() && text.front() == ',') text.remove_prefix(1);
    }
}

void appendLeafText(const Leaf& leaf, std::string& out) {
    switch (leaf.kind) {
        case LeafKind::Long: {
            char digits[24];
            auto [end, ec] = std::to_chars(digits, digits + sizeof digits, leaf.longValue);
            out.append(digits, end);
            break;
        }
        case LeafKind::Double: expo::appendJavaDouble(out, leaf.doubleValue); break;
        case LeafKind::Float: expo::appendJavaFloat(out, leaf.floatValue); break;
        case LeafKind::Boolean: out += leaf.boolValue ? "true" : "false"; break;
        case LeafKind::Text:
        case LeafKind::Number: out.append(leaf.text); break;
    }
}

// An extraMetrics value as the attribute value Java would hold: Boolean, Integer/Long, Double
// or String (spec §4.4).
Leaf leafOf(const ScalarValue& v, std::deque<std::string>& arena) {
    Leaf leaf;
    if (auto b = std::get_if<bool>(&v)) {
        leaf.kind = LeafKind::Boolean;
        leaf.boolValue = *b;
        leaf.doubleValue = *b ? 1 : 0;
    } else if (auto i = std::get_if<int64_t>(&v)) {
        leaf.kind = LeafKind::Long;
        leaf.longValue = *i;
        leaf.doubleValue = static_cast<double>(*i);
    } else if (auto d = std::get_if<double>(&v)) {
        leaf.kind = LeafKind::Double;
        leaf.doubleValue = *d;
    } else if (auto s = std::get_if<std::string>(&v)) {
        leaf.kind = LeafKind::Text;
        leaf.text = arena.emplace_back(*s);
    } else {
        leaf.kind = LeafKind::Text;
        leaf.text = arena.emplace_back("null");
    }
    return leaf;
}

// Whether a template of the rule holds `text` anywhere, escaped or not: the memo only has to be
// sure. "$0" may read group 0, the whole input (value included); "$" may read any group.
bool templatesHold(const Rule& rule, std::string_view text) {
    auto holds = [&](std::string_view t) { return t.find(text) != std::string_view::npos; };
    if ((rule.name && holds(*rule.name)) || (rule.help && holds(*rule.help)) || (rule.value && holds(*rule.value))) {
        return true;
    }
    for (const auto& [name, value] : rule.labels) {
        if (holds(name) || holds(value)) return true;
    }
    return false;
}

// Which variant of the pattern input a rule matches against (RuleCandidates::kVariants).
uint8_t inputVariant(const Rule& rule) { return (rule.attrNameSnakeCase ? 2 : 0) + (rule.cache ? 1 : 0); }

std::string_view propertyOr(const Properties& props, std::string_view key, std::string_view fallback) {
    for (const auto& [k, v] : props) {
        if (k == key) return v;
    }
    return fallback;
}

}  // namespace

// Processes the attributes of one snapshot against the rules (spec §4.4–§5.7).
class AttributeProcessor {
public:
    AttributeProcessor(Engine& engine, Engine::Output& out, MatchObserver* observer)
        : engine_(engine), config_(*engine.config_), out_(out), observer_(observer) {}

    void bean(const Bean& bean) {
        parseKeyProperties(bean.keyProperties, props_);
        beanPrefixBuilt_ = false;
        const Properties& props = props_;
        customLabels_.clear();
        const MetricCustomizer* customizer = nullptr;
        if (bean.customizer >= 0 && static_cast<size_t>(bean.customizer) < config_.metricCustomizers.size()) {
            customizer = &config_.metricCustomizers[static_cast<size_t>(bean.customizer)];
        }
        if (customizer != nullptr) {
            for (const auto& [name, text] : bean.attributeTexts) {
                customLabels_.push_back({labelName(std::string(name)), std::string(text)});
            }
            for (const ExtraMetric& extra : customizer->extraMetrics) {
                Leaf leaf = leafOf(extra.value, arena_);
                Node& node = extraNodes_.emplace_back();
                node.leaf = leaf;
                std::string_view description;
                if (extra.description) description = arena_.emplace_back(*extra.description);
                value(bean.domain, props, {}, arena_.emplace_back(extra.name), description,
                      extra.description.has_value(), node);
            }
        }
        for (const Attribute& attribute : bean.attributes) {
            value(bean.domain, props, {}, attribute.name, attribute.description, attribute.hasDescription,
                  *attribute.value);
        }
    }

private:
    using AttrKeys = std::vector<std::string_view>;

    // spec §4.5 (the recursion) and §4.7 (TabularData)
    void value(std::string_view domain, const Properties& props, const AttrKeys& attrKeys, std::string_view attrName,
               std::string_view description, bool hasDescription, const Node& node) {
        switch (node.kind) {
            case Node::Kind::Leaf:
                record(domain, props, attrKeys, attrName, description, hasDescription, node.leaf);
                return;
            case Node::Kind::Composite: {
                AttrKeys keys = attrKeys;
                keys.push_back(attrName);
                for (const Item& item : node.items) {
                    value(domain, props, keys, item.name, node.description, node.hasDescription, *item.value);
                }
                return;
            }
            case Node::Kind::Tabular:
                tabular(domain, props, attrKeys, attrName, node);
                return;
        }
    }

    void tabular(std::string_view domain, const Properties& props, const AttrKeys& attrKeys, std::string_view attrName,
                 const Node& table) {
        AttrKeys extendedKeys = attrKeys;
        extendedKeys.push_back(attrName);
        for (const Row& row : table.rows) {
            Properties rowProps = props;
            for (const IndexEntry& index : row.index) {
                if (index.kind == IndexEntry::Kind::Null) continue;
                std::string_view name = uniqueKey(rowProps, index.name);
                if (index.kind == IndexEntry::Kind::Text) {
                    rowProps.emplace_back(name, index.text);
                } else {
                    for (const auto& [item, text] : index.items) {
                        std::string& key = arena_.emplace_back(name);
                        key.append("_").append(item);
                        rowProps.emplace_back(key, text);
                    }
                }
            }
            for (const Item& cell : row.values) {
                bool isValueColumn = cell.name.size() == 5 && equalsIgnoreCaseAscii(cell.name, "value");
                if (isValueColumn) {
                    value(domain, rowProps, attrKeys, attrName, table.description, table.hasDescription, *cell.value);
                } else {
                    value(domain, rowProps, extendedKeys, cell.name, table.description, table.hasDescription,
                          *cell.value);
                }
            }
        }
    }

    static bool equalsIgnoreCaseAscii(std::string_view a, std::string_view b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
            return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
        });
    }

    // The index name, with '_' appended while a property of that name exists (spec §4.7).
    std::string_view uniqueKey(const Properties& props, std::string_view name) {
        auto present = [&](std::string_view n) {
            return std::any_of(props.begin(), props.end(), [&](const auto& p) { return p.first == n; });
        };
        if (!present(name)) return name;
        std::string& candidate = arena_.emplace_back(name);
        for (int i = 0; i < 1000; i++) {
            candidate.push_back('_');
            if (!present(candidate)) return candidate;
        }
        throw ScrapeAbort("too many TabularData index keys named " + std::string(name));
    }

    // The pattern input (spec §5.1): domain<k=v, ...><key, ...>attrName: value. Returns where the
    // value starts in it.
    size_t buildInput(std::string& out, std::string_view domain, const Properties& props, const AttrKeys& attrKeys,
                      std::string_view attrName, const Leaf* leaf) {
        out.clear();
        if (&props == &props_) {   // the bean's own properties: "domain<k=v, ...><" is built once per bean
            if (!beanPrefixBuilt_) {
                beanPrefix_.clear();
                appendPrefix(beanPrefix_, domain, props);
                beanPrefixBuilt_ = true;
            }
            out.append(beanPrefix_);
        } else {
            appendPrefix(out, domain, props);
        }
        for (size_t i = 0; i < attrKeys.size(); i++) {
            if (i > 0) out.append(", ");
            out.append(attrKeys[i]);
        }
        out.push_back('>');
        out.append(attrName).append(": ");
        const size_t valueStart = out.size();
        if (leaf != nullptr) appendLeafText(*leaf, out);
        else out.append("<cache>");
        return valueStart;
    }

    static void appendPrefix(std::string& out, std::string_view domain, const Properties& props) {
        out.append(domain).push_back('<');
        for (size_t i = 0; i < props.size(); i++) {
            if (i > 0) out.append(", ");
            out.append(props[i].first).push_back('=');
            out.append(props[i].second);
        }
        out.append("><");
    }

    // Whether the rule's result for the current input (input_, groups_) holds for any value:
    // its groups do (MemoProof::Groups), or it reads none and matches whatever the value.
    bool provenForAnyValue(const Engine::CompiledRule& compiled, Engine::MemoProof proof, size_t valueStart) const {
        if (proof == Engine::MemoProof::Groups) return compiled.pattern->groupsHoldForAnyValue(*input_, valueStart);
        return compiled.pattern == nullptr ||
               compiled.pattern->matchesForAnyValue(std::string_view(*input_).substr(0, valueStart));
    }

    // The value memo's key: the input before the value, the rule, the description.
    void buildMemoKey(std::string_view input, size_t valueStart, size_t rule, bool hasDescription,
                      std::string_view description) {
        memoKey_.assign(input, 0, valueStart);
        memoKey_.push_back('\0');
        memoKey_.append(std::to_string(rule));
        memoKey_.push_back(hasDescription ? '\1' : '\0');
        memoKey_.append(description);
    }

    // The entry under memoKey_: where the last scrape used one at this point, or by hashing.
    Engine::Memo::value_type* findMemoKey() const {
        const size_t position = engine_.memoUsed_.size();
        if (position < engine_.memoOrder_.size() && engine_.memoOrder_[position]->first == memoKey_) {
            return engine_.memoOrder_[position];
        }
        auto it = engine_.memo_.find(std::string_view(memoKey_));
        return it != engine_.memo_.end() ? &*it : nullptr;
    }

    // Marks the entry used in this scrape, and counts it once.
    void touchMemo(Engine::MemoEntry& entry) {
        if (entry.touched == engine_.generation_) return;
        entry.touched = engine_.generation_;
        engine_.memoTouched_++;
    }

    // Keeps a proven result under memoKey_. Whether earlier rules can match is decided at the
    // entry's second use (decide): an attribute seen once does not pay for it.
    void memoise(const Engine::CachedMatch& match) {
        auto [slot, inserted] = engine_.memo_.try_emplace(memoKey_);
        engine_.memoUsed_.push_back(&*slot);
        Engine::MemoEntry& entry = slot->second;
        if (!inserted) engine_.releaseMemoHelp(entry.match.help);   // not expected: the lookup missed
        auto help = engine_.memoHelps_.try_emplace(std::string(match.help), 0).first;
        help->second++;
        entry.match = match;
        // Sorted once here, as the families sort every sample's labels (spec §7.5): a hit's
        // labels are then already in order. Label names are unique (addLabel).
        expo::sortLabels(entry.match.labels);
        entry.match.help = help->first;
        entry.match.objectName = {};
        touchMemo(entry);
        entry.firstWhateverTheValue = false;
        entry.earlierRulesChecked = false;
    }

    // The sample of a memo entry for the current input (input_). Its texts stay in the memo
    // until the next collect(): the name in the entry, help in memoHelps_, the _objectname in
    // the key (the input before ": ").
    void emitMemoised(Engine::Memo::value_type& entry, const Leaf& leaf) {
        touchMemo(entry.second);
        engine_.memoUsed_.push_back(&entry);
        const Engine::CachedMatch& match = entry.second.match;
        std::optional<double> value = sampleValue(match, leaf);
        if (!value) return;
        const std::string_view objectName = std::string_view(entry.first).substr(0, objectNameOf(*input_).size());
        const bool labelsSorted = true;   // sorted when memoised
        out_.samples.push_back({match.name, match.type, match.help, match.labels, *value, objectName, labelsSorted});
    }

    // Whether no rule before `rule` can match the current input (input_), whatever its value:
    // then a later scrape may take `rule`'s memoised result without trying any. Each earlier
    // rule must read the same input variant and be proven (Pattern::neverMatchesForAnyValue).
    bool earlierRulesNeverMatch(size_t rule, size_t valueStart) const {
        if (engine_.hasCache_) return false;   // cached rules see "<cache>" and skip on a hit
        const uint8_t variant = inputVariant(*engine_.rules_[rule].rule);
        const std::string_view fixed = std::string_view(*input_).substr(0, valueStart);
        for (size_t r = 0; r < rule; r++) {
            const Engine::CompiledRule& earlier = engine_.rules_[r];
            if (earlier.pattern == nullptr || inputVariant(*earlier.rule) != variant) return false;
            if (!earlier.pattern->neverMatchesForAnyValue(fixed)) return false;
        }
        return true;
    }

    static bool valueBytesAllowed(std::string_view input, size_t valueStart, const Pattern::ByteSet& allowed) {
        for (size_t i = valueStart; i < input.size(); i++) {
            if (!allowed[static_cast<unsigned char>(input[i])]) return false;
        }
        return true;
    }

    static std::string_view objectNameOf(std::string_view matchName) {
        size_t colon = matchName.rfind(':');
        if (colon == std::string_view::npos || colon == 0) return matchName;
        return matchName.substr(0, colon);
    }

    std::string cacheKey(std::string_view domain, const Properties& props, const AttrKeys& attrKeys,
                         std::string_view attrName) {
        std::string key(domain);
        for (const auto& [k, v] : props) key.append("\x1f").append(k).append("=").append(v);
        key.push_back('\x1e');
        for (std::string_view k : attrKeys) key.append(k).push_back('\x1f');
        key.push_back('\x1e');
        key.append(attrName);
        return key;
    }

    // By value: a name just expanded is sanitised in its own storage.
    std::string labelName(std::string name) const {
        makeSafeName(name);
        if (config_.lowercaseOutputLabelNames) lowercaseAscii(name);
        return name;
    }

    std::string metricName(std::string name) const {
        makeSafeName(name);
        if (config_.lowercaseOutputName) lowercaseAscii(name);
        return name;
    }

    expo::MetricType typeFor(const Rule& rule, const std::string& name) const {
        if (config_.inferCounterTypeFromName && name.size() >= 6 && name.compare(name.size() - 6, 6, "_total") == 0) {
            return expo::MetricType::Counter;
        }
        return rule.type;
    }

    // Written into `help`, which keeps its capacity from attribute to attribute.
    static void defaultHelp(std::string& help, std::string_view domain, const Properties& props,
                            std::string_view attrName, std::string_view description, bool hasDescription) {
        help.clear();
        if (hasDescription && description != attrName) help.append(description).push_back(' ');
        help.append(domain).append(":name=").append(propertyOr(props, "name", "null"));
        help.append(",type=").append(propertyOr(props, "type", "null"));
        help.append(",attribute=").append(attrName);
    }

    std::string expand(std::string_view tmpl, const Pattern* pattern) {
        if (pattern == nullptr) throw ScrapeAbort("a rule without a pattern cannot expand the template " + std::string(tmpl));
        Result<std::string> expanded = expandTemplate(tmpl, *pattern, groups_);
        if (!expanded) throw ScrapeAbort(expanded.error().message);
        return std::move(expanded).value();
    }

    void addLabel(expo::Labels& labels, std::string name, std::string value) {
        for (const auto& l : labels) {
            if (l.name == name) throw ScrapeAbort("Duplicate label name: '" + name + "'");
        }
        labels.push_back({std::move(name), std::move(value)});
    }

    // spec §5.3: the per-attribute algorithm
    void record(std::string_view domain, const Properties& props, const AttrKeys& attrKeys, std::string_view attrName,
                std::string_view description, bool hasDescription, const Leaf& leaf) {
        if (observer_ == nullptr) {
            decide(domain, props, attrKeys, attrName, description, hasDescription, leaf);
            return;
        }
        size_t samplesBefore = out_.samples.size();
        Decision decision = decide(domain, props, attrKeys, attrName, description, hasDescription, leaf);
        (void)buildInput(plainInput_, domain, props, attrKeys, attrName, &leaf);
        const expo::RawSample* sample = out_.samples.size() > samplesBefore ? &out_.samples.back() : nullptr;
        observer_->decided(plainInput_, decision.rule, decision.cached, sample);
    }

    struct Decision {
        std::optional<size_t> rule;   // the rule that decided, if any
        bool cached = false;
    };

    Decision decide(std::string_view domain, const Properties& props, const AttrKeys& attrKeys, std::string_view attrName,
                    std::string_view description, bool hasDescription, const Leaf& leaf) {
        std::string key;
        Engine::CacheEntry* hit = nullptr;
        if (engine_.hasCache_) {
            key = cacheKey(domain, props, attrKeys, attrName);
            auto it = engine_.cache_.find(key);
            if (it != engine_.cache_.end()) {
                hit = &it->second;
                touch(*hit);
                if (hit->match.matched) {
                    emit(hit->match, leaf);
                    return {hit->match.rule, true};
                }
            }
        }
        // The input's variants (RuleCandidates::kVariants), each built at most once per
        // attribute, however many rules read it.
        std::string snakeName;
        std::array<bool, RuleCandidates::kVariants> built{};
        auto input = [&](size_t variant) -> const std::string& {
            if (!built[variant]) {
                if ((variant & 2) != 0 && snakeName.empty()) snakeName = snakeCase(attrName);
                valueStarts_[variant] =
                    buildInput(inputs_[variant], domain, props, attrKeys, (variant & 2) != 0 ? snakeName : attrName,
                               (variant & 1) != 0 ? nullptr : &leaf);
                built[variant] = true;
            }
            return inputs_[variant];
        };
        // The attribute the last scrape saw at this point, if its rule is the first that can
        // match whatever the value: its result, without trying any rule (see MemoEntry).
        if (observer_ == nullptr && hit == nullptr && customLabels_.empty() &&
            engine_.memoUsed_.size() < engine_.memoOrder_.size()) {
            Engine::Memo::value_type* predicted = engine_.memoOrder_[engine_.memoUsed_.size()];
            if (predicted->second.firstWhateverTheValue) {
                const size_t index = predicted->second.match.rule;
                const Engine::CompiledRule& compiled = engine_.rules_[index];
                const uint8_t variant = inputVariant(*compiled.rule);
                const std::string& in = input(variant);
                if (valueBytesAllowed(in, valueStarts_[variant], ValueAutomaton::valueBytes())) {
                    buildMemoKey(in, valueStarts_[variant], index, hasDescription, description);
                    if (memoKey_ == predicted->first) {
                        input_ = &in;
                        emitMemoised(*predicted, leaf);
                        return {index};
                    }
                }
            }
        }
        for (size_t v = 0; v < RuleCandidates::kVariants; v++) {
            if (engine_.candidates_->readsVariant(v)) input(v);
        }
        // An observer (the bean dump, nativejmx-check --explain) sees every rule tried in order.
        // The prefilter only leaves out rules that cannot match, so the decision is the same.
        if (observer_ != nullptr) {
            candidates_.resize(engine_.rules_.size());
            std::iota(candidates_.begin(), candidates_.end(), 0u);
        } else {
            engine_.candidates_->find(inputs_, candidates_);
        }
        for (uint32_t index : candidates_) {
            const Engine::CompiledRule& compiled = engine_.rules_[index];
            const Rule& rule = *compiled.rule;
            if (hit != nullptr && rule.cache) continue;
            input_ = &input(inputVariant(rule));
            const size_t valueStart = valueStarts_[inputVariant(rule)];
            const bool memoizable = observer_ == nullptr && hit == nullptr && customLabels_.empty() &&
                                    engine_.memoProof_[index] != Engine::MemoProof::None &&
                                    valueBytesAllowed(*input_, valueStart, ValueAutomaton::valueBytes());
            if (memoizable) {
                buildMemoKey(*input_, valueStart, index, hasDescription, description);
                if (Engine::Memo::value_type* found = findMemoKey()) {
                    // Used a second time: worth proving the earlier rules out (an attribute seen
                    // once does not pay for it, nor does the first scrape).
                    if (!found->second.earlierRulesChecked) {
                        found->second.earlierRulesChecked = true;
                        found->second.firstWhateverTheValue = earlierRulesNeverMatch(index, valueStart);
                    }
                    emitMemoised(*found, leaf);
                    return {index};
                }
            }
            bool matched = compiled.pattern == nullptr || compiled.pattern->match(*input_, groups_);
            if (observer_ != nullptr) observer_->tried(index, *input_, matched);
            if (!matched) continue;
            std::string_view name = rule.attrNameSnakeCase ? std::string_view(snakeName) : attrName;

            Engine::CachedMatch match = apply(compiled, domain, props, attrKeys, name, attrName, description,
                                              hasDescription);
            match.rule = index;
            if (!match.matched) return {index};  // first matching rule wins, even when it drops the attribute
            if (rule.cache) {
                auto& entry = engine_.cache_[key];
                remember(entry, match);
                touch(entry);
            }
            if (memoizable && provenForAnyValue(compiled, engine_.memoProof_[index], valueStart)) memoise(match);
            emit(std::move(match), leaf);
            return {index};
        }
        if (engine_.hasCache_ && hit == nullptr) {
            auto& entry = engine_.cache_[key];
            entry.match = Engine::CachedMatch{};
            touch(entry);
        }
        return {};
    }

    // The entry owns copies of the match's texts, which are gone at the next attribute.
    static void remember(Engine::CacheEntry& entry, const Engine::CachedMatch& match) {
        entry.helpText = match.help;
        entry.objectNameText = match.objectName;
        entry.match = match;
        entry.match.help = entry.helpText;
        entry.match.objectName = entry.objectNameText;
    }

    void touch(Engine::CacheEntry& entry) {
        if (entry.touched != engine_.generation_) {
            entry.touched = engine_.generation_;
            out_.cachedBeans++;
        }
    }

    // Steps c–e of spec §5.3 for the rule that matched; matched=false drops the attribute.
    Engine::CachedMatch apply(const Engine::CompiledRule& compiled, std::string_view domain, const Properties& props,
                              const AttrKeys& attrKeys, std::string_view name, std::string_view rawAttrName,
                              std::string_view description, bool hasDescription) {
        const Rule& rule = *compiled.rule;
        const Pattern* pattern = compiled.pattern.get();
        Engine::CachedMatch m;
        m.valueFactor = rule.valueFactor;
        if (rule.value && !rule.value->empty()) {
            m.ruleValue = expo::parseJavaDouble(expand(*rule.value, pattern));
            if (!m.ruleValue) return {};
        }
        m.objectName = objectNameOf(*input_);
        m.labels.reserve(customLabels_.size() + (rule.name ? rule.labels.size() : props.size()));
        m.labels = customLabels_;
        if (!rule.name) {
            std::string raw(domain);
            if (!props.empty()) raw.append("_").append(props.front().second);
            for (std::string_view k : attrKeys) raw.append("_").append(k);
            raw.append("_").append(name);
            m.name = metricName(std::move(raw));
            for (size_t i = 1; i < props.size(); i++) {
                addLabel(m.labels, labelName(std::string(props[i].first)), std::string(props[i].second));
            }
            defaultHelp(helpText_, domain, props, rawAttrName, description, hasDescription);
        } else {
            m.name = metricName(expand(*rule.name, pattern));
            if (m.name.empty()) return {};
            if (rule.help) helpText_ = expand(*rule.help, pattern);
            else defaultHelp(helpText_, domain, props, rawAttrName, description, hasDescription);
            if (rule.labelFailure) throw ScrapeAbort(*rule.labelFailure);
            for (const auto& [labelTemplate, valueTemplate] : rule.labels) {
                std::string labelNameText = labelName(expand(labelTemplate, pattern));
                std::string labelValue = expand(valueTemplate, pattern);
                if (!labelNameText.empty() && !labelValue.empty()) {
                    addLabel(m.labels, std::move(labelNameText), std::move(labelValue));
                }
            }
        }
        m.help = helpText_;
        m.type = typeFor(rule, m.name);
        m.matched = true;
        return m;
    }

    // Step 5 of spec §5.3: the sample value; none for a text value.
    static std::optional<double> sampleValue(const Engine::CachedMatch& m, const Leaf& leaf) {
        if (m.ruleValue) return *m.ruleValue * m.valueFactor;
        if (leaf.kind == LeafKind::Boolean) return leaf.boolValue ? 1.0 : 0.0;
        if (leaf.kind == LeafKind::Text) return std::nullopt;
        return leaf.doubleValue * m.valueFactor;
    }

    // The sample of a match that is gone at the next attribute (a fresh one, whose labels are
    // moved in) or stays in the rule cache: its texts are kept in out_.texts.
    void emit(Engine::CachedMatch&& m, const Leaf& leaf) { emitWithLabels(m, std::move(m.labels), leaf); }
    void emit(const Engine::CachedMatch& m, const Leaf& leaf) { emitWithLabels(m, expo::Labels(m.labels), leaf); }

    void emitWithLabels(const Engine::CachedMatch& m, expo::Labels&& labels, const Leaf& leaf) {
        std::optional<double> value = sampleValue(m, leaf);
        if (!value) return;
        out_.samples.push_back({out_.texts.intern(m.name), m.type, out_.texts.intern(m.help), std::move(labels), *value,
                                out_.texts.keep(m.objectName)});
    }

    Engine& engine_;
    const Config& config_;
    Engine::Output& out_;
    MatchObserver* observer_;
    std::string plainInput_;              // observer_ only
    std::string helpText_;                // the current match's HELP
    expo::Labels customLabels_;
    Properties props_;                    // the current bean's key properties
    std::string beanPrefix_;              // "domain<k=v, ...><" of the current bean
    bool beanPrefixBuilt_ = false;
    std::deque<std::string> arena_;   // names made during this scrape (tabular keys, extra metrics)
    std::deque<Node> extraNodes_;
    RuleCandidates::Inputs inputs_;       // the pattern input's variants, reused across attributes
    std::vector<uint32_t> candidates_;    // the rules that may match the current attribute
    const std::string* input_ = nullptr;  // the variant the current rule matched against
    std::array<size_t, RuleCandidates::kVariants> valueStarts_{};   // where each variant's value starts
    std::string memoKey_;                 // the value memo's key for the current attribute
    MatchGroups groups_;
};

Result<std::unique_ptr<Engine>> Engine::create(std::shared_ptr<const Config> config) {
    std::unique_ptr<Engine> engine(new Engine(config));
    for (size_t i = 0; i < config->rules.size(); i++) {
        const Rule& rule = config->rules[i];
        CompiledRule compiled{&rule, nullptr};
        if (rule.pattern) {
            Result<std::unique_ptr<Pattern>> pattern = Pattern::compile(*rule.pattern);
            if (!pattern) {
                return makeError(config->file + ": rules[" + std::to_string(i) + "].pattern (line " +
                                 std::to_string(rule.line) + "): " + pattern.error().message);
            }
            compiled.pattern = std::move(pattern).value();
        }
        engine->hasCache_ = engine->hasCache_ || rule.cache;
        MemoProof proof = MemoProof::None;
        if (!rule.cache && !templatesHold(rule, "$")) proof = MemoProof::MatchAlone;
        else if (compiled.pattern != nullptr && !rule.cache && !templatesHold(rule, "$0") &&
                 compiled.pattern->valueBytes() != nullptr)
            proof = MemoProof::Groups;
        engine->memoProof_.push_back(proof);
        engine->rules_.push_back(std::move(compiled));
    }
    std::vector<const Pattern*> patterns;
    std::vector<uint8_t> variants;
    for (const CompiledRule& compiled : engine->rules_) {
        patterns.push_back(compiled.pattern.get());
        variants.push_back(inputVariant(*compiled.rule));
    }
    engine->candidates_ = std::make_unique<RuleCandidates>(patterns, variants);
    return engine;
}

std::string Engine::ruleName(size_t index) const {
    return "rules[" + std::to_string(index) + "] (line " + std::to_string(rules_[index].rule->line) + ")";
}

std::vector<std::string> Engine::pcre2Rules() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < rules_.size(); i++) {
        if (rules_[i].pattern && rules_[i].pattern->engine() == RegexEngine::PCRE2) {
            out.push_back(ruleName(i) + ": " + rules_[i].pattern->pcre2Reason());
        }
    }
    return out;
}

std::vector<std::string> Engine::rulesNewlyAtMatchLimit() {
    std::vector<std::string> out;
    for (size_t i = 0; i < rules_.size(); i++) {
        CompiledRule& compiled = rules_[i];
        if (compiled.pattern && !compiled.matchLimitReported && compiled.pattern->limitHit()) {
            compiled.matchLimitReported = true;
            out.push_back(ruleName(i));
        }
    }
    return out;
}

void Engine::releaseMemoHelp(std::string_view help) {
    auto it = memoHelps_.find(help);
    if (it != memoHelps_.end() && --it->second == 0) memoHelps_.erase(it);
}

Engine::Output Engine::collect(const Snapshot& snapshot, MatchObserver* observer) {
    Output out;
    out.samples.reserve(samplesAtLastScrape_);   // beans change little from scrape to scrape
    generation_++;
    memoTouched_ = 0;
    AttributeProcessor processor(*this, out, observer);
    try {
        for (const Bean& bean : snapshot.beans) processor.bean(bean);
    } catch (const ScrapeAbort& e) {
        out.abortReason = e.what();
    }
    // Entries not used in this scrape are evicted (spec §12.1), also after an abort.
    std::erase_if(cache_, [&](const auto& entry) { return entry.second.touched != generation_; });
    // The memo is only walked when some entry went unused: its tens of thousands of entries
    // are scattered over the heap, and visiting them all costs a millisecond or more.
    for (auto it = memo_.begin(); memoTouched_ != memo_.size() && it != memo_.end();) {
        if (it->second.touched == generation_) {
            ++it;
            continue;
        }
        releaseMemoHelp(it->second.match.help);
        it = memo_.erase(it);
    }
    memoOrder_.swap(memoUsed_);   // every entry used is still there: eviction took only unused ones
    memoUsed_.clear();
    samplesAtLastScrape_ = out.samples.size();
    return out;
}

}  // namespace nj::rules
