// Reading config values the way the javaagent reads them, with messages that name the file,
// the key path and the line. Two families, because the javaagent has two:
//  - Java casts (the collector: `(String) yaml.get("name")`): the YAML type must be right;
//  - the HTTP server's lenient converters (MapAccessor + ToString/ToInteger/...): any scalar
//    is turned into text first, and null counts as absent.
// Internal to the config loader (config.cpp, config_http.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"
#include "rules/config.h"
#include "rules/yaml_tree.h"

// Evaluates a Result or Status expression; returns its error from the enclosing function.
#define NJ_TRY(expr)                                      \
    do {                                                  \
        auto nj_try_result = (expr);                      \
        if (!nj_try_result) return nj_try_result.error(); \
    } while (false)

// Assigns the value of a Result expression to `target`, or returns its error.
#define NJ_ASSIGN(target, expr)                                 \
    do {                                                        \
        auto nj_assign_result = (expr);                         \
        if (!nj_assign_result) return nj_assign_result.error(); \
        target = std::move(nj_assign_result).value();           \
    } while (false)

namespace nj::rules::config_detail {

// A value of the tree with the key path that leads to it.
struct Field {
    const yaml::Node* node = nullptr;   // nullptr: the key is absent
    std::string path;                   // "rules[2].labels.code"
    int line = 0;                       // the value's line; the enclosing map's when absent

    bool absent() const { return node == nullptr; }
    // Java's map.get(key) == null: absent, or written with an empty value.
    bool isNull() const { return node == nullptr || node->kind == yaml::Kind::Null; }
    bool isMap() const { return node != nullptr && node->kind == yaml::Kind::Map; }
    // The entry with this String key if this is a map; absent otherwise (as MapAccessor).
    Field child(std::string_view key) const;
    Field item(size_t index) const;         // a Sequence's item
    Field entryValue(size_t index) const;   // a Map's value at `index`, its path naming the key
    Field entryKey(size_t index) const;     // a Map's key at `index`
};

Field rootField(const yaml::Node& root);

enum class Nulls {
    Reject,   // the Java field is a primitive, or the value is used at once: null fails
    Allow,    // null reads as absent
};

class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    // "<file>: <path> (line N): <message>", for errors and warnings.
    std::string located(const Field& at, const std::string& message) const;
    Error error(const Field& at, const std::string& message) const { return makeError(located(at, message)); }

    // Java casts. nullopt: absent, or null with Nulls::Allow.
    Result<std::optional<std::string>> castString(const Field& f, Nulls nulls) const;
    Result<std::optional<bool>> castBoolean(const Field& f, Nulls nulls) const;
    Result<std::optional<int>> castInteger(const Field& f, Nulls nulls) const;
    // A list or a map cast: null fails (the javaagent iterates it at once). Absent is fine.
    Status castList(const Field& f) const;
    Status castMap(const Field& f) const;

    // The HTTP server's converters. nullopt: absent or null.
    // ToString + StringIsNotBlank: any value as String.valueOf text, not blank.
    Result<std::optional<std::string>> lenientString(const Field& f) const;
    // ToInteger: Integer.parseInt of that text.
    Result<std::optional<int>> lenientInteger(const Field& f) const;
    // A boolean, or the text true/yes/on/1 or false/no/off/0 (any case, trimmed).
    Result<std::optional<bool>> lenientBoolean(const Field& f) const;

    // The javaagent's ${VAR} resolution of a value read from `f` (spec §3.5).
    Result<std::string> resolve(const Field& f, const std::string& value) const;

    // A required value: "is required (<what>)" when absent or null.
    template <class T>
    Result<T> required(Result<std::optional<T>> value, const Field& f, std::string_view what) const {
        if (!value) return value.error();
        if (!value.value()) return error(f, "is required (" + std::string(what) + ")");
        return std::move(*value.value());
    }

private:
    Result<const yaml::Node*> cast(const Field& f, yaml::Kind kind, std::string_view expected, Nulls nulls) const;

    std::string file_;
};

// httpServer.* into `out` (config_http.cpp).
Status readHttpServer(const Reader& reader, const Field& httpServer, HttpServerConfig& out);

// Java's String.trim(): strips characters up to and including ' '.
std::string_view javaTrim(std::string_view s);

}  // namespace nj::rules::config_detail
