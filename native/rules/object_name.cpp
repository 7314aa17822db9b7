// A scan of the ObjectName text in the order the JDK's parser scans it, so that the same
// inputs fail with the same first reason (including its quirks: "a:b=\"x\"yc=d" is accepted,
// the character after a closing quote is skipped unchecked).
#include "rules/object_name.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "rules/yaml_tree.h"

namespace nj::rules {
namespace {

std::string shown(char c) { return c == '\n' ? "\\n" : std::string(1, c); }

}  // namespace

Result<ObjectNameInfo> parseObjectName(std::string_view name) {
    if (name.empty()) return ObjectNameInfo{"*:*", true};   // the JDK reads "" as "*:*"

    const size_t len = name.size();
    ObjectNameInfo info;
    size_t index = 0;
    size_t domainLength = 0;
    bool domainDone = false;
    while (index < len && !domainDone) {
        switch (name[index]) {
            case ':':
                domainLength = index++;
                domainDone = true;
                break;
            case '=': {
                // '=' is legal in a domain, but usually means the "domain:" part was left out.
                size_t i = ++index;
                while (i < len && name[i++] != ':') {
                    if (i == len) return makeError("Domain part must be specified");
                }
                break;
            }
            case '\n': return makeError("Invalid character '\\n' in domain name");
            case '*':
            case '?':
                info.isPattern = true;
                index++;
                break;
            default: index++; break;
        }
    }
    if (index == len) return makeError("Key properties cannot be empty");

    std::vector<std::pair<std::string_view, std::string_view>> properties;
    bool listPattern = false;
    bool listPatternAlone = false;   // "domain:*": canonical "domain:*" rather than "domain:,*"
    while (index < len) {
        if (name[index] == '*') {
            if (listPattern) return makeError("Cannot have several '*' characters in pattern property list");
            listPattern = true;
            if (++index < len && name[index] != ',') {
                return makeError("Invalid character found after '*': end of name or ',' expected");
            }
            if (index == len) {
                listPatternAlone = properties.empty();
                break;
            }
            index++;
            continue;
        }

        const size_t keyStart = index;
        if (name[index] == '=') return makeError("Invalid key (empty)");
        size_t in = index;
        char c = 0;
        while (in < len && (c = name[in++]) != '=') {
            if (c == '*' || c == '?' || c == ',' || c == ':' || c == '\n') {
                return makeError("Invalid character '" + shown(c) + "' in key part of property");
            }
        }
        if (name[in - 1] != '=') return makeError("Unterminated key property part");
        const size_t valueStart = in;
        const std::string_view key = name.substr(keyStart, valueStart - keyStart - 1);

        bool quoted = in < len && name[in] == '"';
        if (quoted) {
            while (++in < len && (c = name[in]) != '"') {
                if (c == '\\') {
                    if (++in == len) return makeError("Unterminated quoted value");
                    c = name[in];
                    if (c != '\\' && c != '"' && c != '?' && c != '*' && c != 'n') {
                        return makeError(std::string("Invalid escape sequence '\\") + c + "' in quoted value");
                    }
                } else if (c == '\n') {
                    return makeError("Newline in quoted value");
                } else if (c == '?' || c == '*') {
                    info.isPattern = true;
                }
            }
            if (in == len) return makeError("Unterminated quoted value");
            ++in;
        } else {
            while (in < len && (c = name[in]) != ',') {
                if (c == '*' || c == '?') {
                    info.isPattern = true;
                } else if (c == '=' || c == ':' || c == '"' || c == '\n') {
                    return makeError("Invalid character '" + shown(c) + "' in value part of property");
                }
                in++;
            }
        }
        const std::string_view value = name.substr(valueStart, in - valueStart);

        if (in == len - 1) {
            if (quoted) return makeError(std::string("Invalid ending character `") + name[in] + "'");
            return makeError("Invalid ending comma");
        }
        in++;

        if (std::any_of(properties.begin(), properties.end(), [&](const auto& p) { return p.first == key; })) {
            return makeError("key `" + std::string(key) + "' already defined");
        }
        properties.emplace_back(key, value);
        index = in;
    }

    std::sort(properties.begin(), properties.end(),
              [](const auto& a, const auto& b) { return yaml::javaStringLess(a.first, b.first); });
    info.canonicalName = std::string(name.substr(0, domainLength)) + ":";
    for (size_t i = 0; i < properties.size(); i++) {
        if (i > 0) info.canonicalName += ',';
        info.canonicalName += std::string(properties[i].first) + "=" + std::string(properties[i].second);
    }
    if (listPattern) info.canonicalName += listPatternAlone ? "*" : ",*";
    info.isPattern = info.isPattern || listPattern;
    return info;
}

}  // namespace nj::rules
