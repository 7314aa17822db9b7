#include "rules/config_keys.h"

#include <algorithm>
#include <cctype>

#include "rules/yaml_tree.h"

namespace nj::rules {
namespace {

// Where a known key leads: a value we do not look into, a map of known keys, or a list of them.
struct KnownKey;
struct KeySchema {
    enum class Shape { Value, Map, ListOfMaps } shape = Shape::Value;
    std::vector<KnownKey> keys;   // Map, ListOfMaps
};
// Not std::pair<std::string_view, KeySchema>: a pair of a type still being defined is
// ill-formed, and clang (the fuzz build) refuses it.
struct KnownKey {
    std::string_view name;
    KeySchema schema;
};

KeySchema value() { return {}; }
KeySchema map(std::vector<KnownKey> keys) { return {KeySchema::Shape::Map, std::move(keys)}; }
KeySchema listOf(std::vector<KnownKey> keys) {
    return {KeySchema::Shape::ListOfMaps, std::move(keys)};
}

KeySchema store() { return map({{"filename", value()}, {"type", value()}, {"password", value()}}); }

const KeySchema& topLevel() {
    static const KeySchema schema = map({
        {"startDelaySeconds", value()},
        {"scrapeTimeoutSeconds", value()},
        {"lowercaseOutputName", value()},
        {"lowercaseOutputLabelNames", value()},
        {"inferCounterTypeFromName", value()},
        {"includeObjectNames", value()},
        {"whitelistObjectNames", value()},
        {"excludeObjectNames", value()},
        {"blacklistObjectNames", value()},
        {"includeObjectNameAttributes", value()},
        {"excludeObjectNameAttributes", value()},
        {"autoExcludeObjectNameAttributes", value()},
        {"excludeJvmMetrics", value()},
        {"metricCustomizers", listOf({
             {"mbeanFilter", map({{"domain", value()}, {"properties", value()}})},
             {"attributesAsLabels", value()},
             {"extraMetrics", listOf({{"name", value()}, {"value", value()}, {"description", value()}})},
         })},
        {"rules", listOf({
             {"pattern", value()},
             {"name", value()},
             {"value", value()},
             {"valueFactor", value()},
             {"help", value()},
             {"labels", value()},
             {"type", value()},
             {"attrNameSnakeCase", value()},
             {"cache", value()},
         })},
        {"jmxUrl", value()},
        {"hostPort", value()},
        {"username", value()},
        {"password", value()},
        {"ssl", map({{"enabled", value()}, {"keyStore", store()}, {"trustStore", store()}, {"protocols", value()},
                     {"ciphers", value()}})},
        {"httpServer", map({
             {"threads", map({{"minimum", value()}, {"maximum", value()}, {"keepAliveTime", value()}})},
             {"maximumRequestSeconds", value()},
             {"metrics", map({{"path", value()}})},
             {"authentication", map({
                  {"basic", map({{"username", value()}, {"password", value()}, {"algorithm", value()},
                                 {"passwordHash", value()}, {"salt", value()}, {"iterations", value()},
                                 {"keyLength", value()}})},
                  {"plugin", map({{"class", value()}, {"subjectAttributeName", value()}})},
              })},
             {"ssl", map({{"keyStore", store()}, {"trustStore", store()}, {"certificate", map({{"alias", value()}})},
                          {"mutualTLS", value()}, {"protocols", value()}, {"ciphers", value()}})},
         })},
        {"openTelemetry", value()},
        {"nativejmx", value()},
    });
    return schema;
}

// Edit distance, ignoring case: "lowercaseOutputname" is one step from nothing, zero from the key.
size_t distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); j++) row[j] = j;
    for (size_t i = 1; i <= a.size(); i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); j++) {
            size_t above = row[j];
            bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// The known key closest to `key`, when it is close enough to be the likely intent.
std::string closest(std::string_view key, const KeySchema& schema) {
    std::string best;
    size_t bestDistance = std::max<size_t>(2, key.size() / 4) + 1;
    for (const auto& [known, unused] : schema.keys) {
        size_t d = distance(key, known);
        if (d < bestDistance) {
            bestDistance = d;
            best = known;
        }
    }
    return best;
}

// The shallowest place in the schema where `key` is read, as "rules[].name" (rather than
// "metricCustomizers[].extraMetrics[].name"), or empty.
std::string placeOf(std::string_view key, const KeySchema& schema) {
    std::vector<std::pair<std::string, const KeySchema*>> level = {{"", &schema}};
    while (!level.empty()) {
        std::vector<std::pair<std::string, const KeySchema*>> next;
        for (const auto& [prefix, map] : level) {
            for (const auto& [known, child] : map->keys) {
                std::string path = prefix + std::string(known);
                if (known == key) return path;
                next.emplace_back(path + (child.shape == KeySchema::Shape::ListOfMaps ? "[]." : "."), &child);
            }
        }
        level = std::move(next);
    }
    return "";
}

void checkMap(const yaml::Node& node, const KeySchema& schema, const std::string& path, std::vector<UnknownKey>& out);

void checkValue(const yaml::Node& node, const KeySchema& schema, const std::string& path, std::vector<UnknownKey>& out) {
    if (schema.shape == KeySchema::Shape::Map && node.kind == yaml::Kind::Map) checkMap(node, schema, path, out);
    if (schema.shape == KeySchema::Shape::ListOfMaps && node.kind == yaml::Kind::Sequence) {
        for (size_t i = 0; i < node.items.size(); i++) {
            const yaml::Node& item = *node.items[i];
            if (item.kind == yaml::Kind::Map) checkMap(item, schema, path + "[" + std::to_string(i) + "]", out);
        }
    }
}

void checkMap(const yaml::Node& node, const KeySchema& schema, const std::string& path, std::vector<UnknownKey>& out) {
    for (const auto& entry : node.entries) {
        const yaml::Node* key = entry.first.get();
        std::string name = yaml::javaStringValueOf(key);
        std::string keyPath = path.empty() ? name : path + "." + name;
        auto known = std::find_if(schema.keys.begin(), schema.keys.end(), [&](const auto& k) {
            return key->kind == yaml::Kind::String && k.name == key->text;
        });
        if (known == schema.keys.end()) {
            out.push_back({keyPath, key->line, closest(name, schema), placeOf(name, topLevel())});
            continue;
        }
        checkValue(*entry.second, known->schema, keyPath, out);
    }
}

}  // namespace

Result<std::vector<UnknownKey>> findUnknownKeys(std::string_view yamlText) {
    Result<yaml::NodePtr> tree = yaml::parse(yamlText);
    if (!tree) return tree.error();
    std::vector<UnknownKey> out;
    if (tree.value() != nullptr) checkValue(*tree.value(), topLevel(), "", out);
    std::stable_sort(out.begin(), out.end(), [](const UnknownKey& a, const UnknownKey& b) { return a.line < b.line; });
    return out;
}

}  // namespace nj::rules
