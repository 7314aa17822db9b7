#include "rules/config_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <utility>

#include "rules/config.h"

namespace nj::rules {
namespace config_detail {
namespace {

// A key as it appears in a path: plain when it is a simple word, else ["quoted"].
std::string pathOf(const std::string& parent, std::string_view key) {
    bool simple = !key.empty() && std::all_of(key.begin(), key.end(),
                                              [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
    if (!simple) return parent + "[\"" + std::string(key) + "\"]";
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string lowerAscii(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// Why a scalar is not the string that was expected, when quotes would fix it.
std::string quotingHint(const yaml::Node& found) {
    bool scalar = found.isScalar() && found.kind != yaml::Kind::Null && found.kind != yaml::Kind::String;
    return scalar ? "; put it in quotes to make it a string" : "";
}

}  // namespace

Field Field::child(std::string_view key) const {
    Field f{nullptr, pathOf(path, key), line};
    if (isMap()) {
        f.node = node->find(key);
        if (f.node != nullptr) f.line = f.node->line;
    }
    return f;
}

Field Field::item(size_t index) const {
    const yaml::Node* value = node->items[index].get();
    return Field{value, path + "[" + std::to_string(index) + "]", value->line};
}

Field Field::entryValue(size_t index) const {
    const auto& [key, value] = node->entries[index];
    return Field{value.get(), pathOf(path, yaml::javaStringValueOf(key.get())), value->line};
}

Field Field::entryKey(size_t index) const {
    const yaml::Node* key = node->entries[index].first.get();
    return Field{key, pathOf(path, yaml::javaStringValueOf(key)), key->line};
}

Field rootField(const yaml::Node& root) { return Field{&root, "", root.line}; }

std::string_view javaTrim(std::string_view s) {
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
    return s;
}

std::string Reader::located(const Field& at, const std::string& message) const {
    std::string where = at.path.empty() ? "" : ": " + at.path;
    return file_ + where + " (line " + std::to_string(at.line) + "): " + message;
}

Result<const yaml::Node*> Reader::cast(const Field& f, yaml::Kind kind, std::string_view expected, Nulls nulls) const {
    if (f.absent()) return static_cast<const yaml::Node*>(nullptr);
    if (f.node->kind == yaml::Kind::Null) {
        if (nulls == Nulls::Allow) return static_cast<const yaml::Node*>(nullptr);
        return error(f, "must be " + std::string(expected) + ", found an empty value");
    }
    if (f.node->kind != kind) {
        std::string hint = kind == yaml::Kind::String ? quotingHint(*f.node) : "";
        return error(f, "must be " + std::string(expected) + ", found " + yaml::describe(*f.node) + hint);
    }
    return f.node;
}

Result<std::optional<std::string>> Reader::castString(const Field& f, Nulls nulls) const {
    Result<const yaml::Node*> node = cast(f, yaml::Kind::String, "a string", nulls);
    if (!node) return node.error();
    if (node.value() == nullptr) return std::optional<std::string>();
    return std::optional<std::string>(node.value()->text);
}

Result<std::optional<bool>> Reader::castBoolean(const Field& f, Nulls nulls) const {
    Result<const yaml::Node*> node = cast(f, yaml::Kind::Boolean, "true or false", nulls);
    if (!node) return node.error();
    if (node.value() == nullptr) return std::optional<bool>();
    return std::optional<bool>(node.value()->boolean);
}

Result<std::optional<int>> Reader::castInteger(const Field& f, Nulls nulls) const {
    bool tooWide = !f.absent() && (f.node->kind == yaml::Kind::Long || f.node->kind == yaml::Kind::BigInteger);
    if (tooWide) {
        return error(f, "must be an integer between -2147483648 and 2147483647, found " + yaml::describe(*f.node));
    }
    Result<const yaml::Node*> node = cast(f, yaml::Kind::Integer, "an integer", nulls);
    if (!node) return node.error();
    if (node.value() == nullptr) return std::optional<int>();
    return std::optional<int>(static_cast<int>(node.value()->integer));
}

Status Reader::castList(const Field& f) const {
    Result<const yaml::Node*> node = cast(f, yaml::Kind::Sequence, "a list", Nulls::Reject);
    if (!node) return node.error();
    return Ok{};
}

Status Reader::castMap(const Field& f) const {
    Result<const yaml::Node*> node = cast(f, yaml::Kind::Map, "a map", Nulls::Reject);
    if (!node) return node.error();
    return Ok{};
}

Result<std::string> Reader::resolve(const Field& f, const std::string& value) const {
    Result<std::string> resolved = resolveVariable(value);
    if (!resolved) return error(f, resolved.error().message);
    return resolved;
}

Result<std::optional<std::string>> Reader::lenientString(const Field& f) const {
    if (f.isNull()) return std::optional<std::string>();
    std::string text = yaml::javaStringValueOf(f.node);
    if (javaTrim(text).empty()) return error(f, "must not be blank");
    return std::optional<std::string>(std::move(text));
}

Result<std::optional<int>> Reader::lenientInteger(const Field& f) const {
    if (f.isNull()) return std::optional<int>();
    // Integer.parseInt: an optional sign and decimal digits, within 32 bits.
    std::string text = yaml::javaStringValueOf(f.node);
    std::string_view digits = text;
    bool negative = !digits.empty() && digits[0] == '-';
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
    int64_t magnitude = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
    bool digitsOnly = !digits.empty() && std::isdigit(static_cast<unsigned char>(digits[0]));
    int64_t value = negative ? -magnitude : magnitude;
    if (!digitsOnly || ec != std::errc() || end != digits.data() + digits.size() ||
        value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
        return error(f, "must be an integer, found " + yaml::describe(*f.node));
    }
    return std::optional<int>(static_cast<int>(value));
}

Result<std::optional<bool>> Reader::lenientBoolean(const Field& f) const {
    if (f.isNull()) return std::optional<bool>();
    if (f.node->kind == yaml::Kind::Boolean) return std::optional<bool>(f.node->boolean);
    std::string text = lowerAscii(javaTrim(yaml::javaStringValueOf(f.node)));
    if (text == "true" || text == "yes" || text == "on" || text == "1") return std::optional<bool>(true);
    if (text == "false" || text == "no" || text == "off" || text == "0") return std::optional<bool>(false);
    return error(f, "must be true or false, found " + yaml::describe(*f.node));
}

}  // namespace config_detail

Result<std::string> resolveVariable(std::string_view value) {
    std::string_view trimmed = config_detail::javaTrim(value);
    bool reference = trimmed.size() >= 3 && trimmed.substr(0, 2) == "${" && trimmed.back() == '}' && trimmed != "${}";
    if (!reference) return std::string(value);
    std::string quoted = "'" + std::string(trimmed) + "'";
    std::string name(config_detail::javaTrim(trimmed.substr(2, trimmed.size() - 3)));
    if (name.empty()) return makeError("Invalid environment variable name " + quoted);
    const char* environment = std::getenv(name.c_str());
    if (environment == nullptr) return makeError("Environment variable " + quoted + " not defined");
    std::string resolved(config_detail::javaTrim(environment));
    if (resolved.empty()) return makeError("Environment variable " + quoted + " is empty");
    return resolved;
}

}  // namespace nj::rules
