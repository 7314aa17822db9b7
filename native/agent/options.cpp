#include "agent/options.h"

#include <cctype>

namespace nj::agent {
namespace {

bool isHostChar(char c) {  // [\w.-]
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '-';
}

bool allDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

bool isBlank(std::string_view s) {
    for (char c : s) {
        if (std::isspace(static_cast<unsigned char>(c)) == 0) return false;
    }
    return true;
}

// "PORT:FILE" with 1-5 digits and a non-empty file; the rest of ^(?:(HOST):)?(?:(\d{1,5}):)(.+)
std::optional<std::pair<std::string_view, std::string_view>> portAndFile(std::string_view s) {
    size_t colon = s.find(':');
    if (colon == std::string_view::npos || colon > 5) return std::nullopt;
    std::string_view port = s.substr(0, colon);
    std::string_view file = s.substr(colon + 1);
    if (!allDigits(port) || file.empty() || file.find_first_of("\n\r") != std::string_view::npos) return std::nullopt;
    return std::make_pair(port, file);
}

// The host alternatives of the regex, in the order Java's backtracking tries them: the
// longest host first ([\w.-]+ is greedy, \[.+] takes the last ']' that still leaves a match).
std::optional<std::pair<std::string_view, std::pair<std::string_view, std::string_view>>> withHost(std::string_view s) {
    if (!s.empty() && s.front() == '[') {
        for (size_t close = s.rfind(']'); close != std::string_view::npos && close >= 2; close = s.rfind(']', close - 1)) {
            if (close + 1 < s.size() && s[close + 1] == ':') {
                if (auto rest = portAndFile(s.substr(close + 2))) return std::make_pair(s.substr(0, close + 1), *rest);
            }
            if (close == 0) break;
        }
        return std::nullopt;
    }
    size_t end = 0;
    while (end < s.size() && isHostChar(s[end])) end++;
    for (size_t colon = end; colon >= 1; colon--) {
        if (colon < s.size() && s[colon] == ':') {
            if (auto rest = portAndFile(s.substr(colon + 1))) return std::make_pair(s.substr(0, colon), *rest);
        }
    }
    return std::nullopt;
}

}  // namespace

Result<AgentOptions> parseAgentOptions(std::string_view argument) {
    if (isBlank(argument)) return makeError("Malformed arguments [" + std::string(argument) + "]");
    AgentOptions options;
    std::string_view port;
    if (auto hosted = withHost(argument)) {
        options.host = std::string(hosted->first);
        port = hosted->second.first;
        options.configFile = std::string(hosted->second.second);
    } else if (auto plain = portAndFile(argument)) {
        port = plain->first;
        options.configFile = std::string(plain->second);
    } else {
        options.configFile = std::string(argument);  // the file-only form
        return options;
    }
    int number = 0;
    for (char c : port) number = number * 10 + (c - '0');
    if (number < 1 || number > 65535) {
        return makeError("Port must be between 1 and 65535 [" + std::to_string(number) + "]");
    }
    options.port = static_cast<uint16_t>(number);
    // [::1] -> ::1, but a bracketed text of 3 chars or fewer stays as written
    if (options.host.size() > 3 && options.host.front() == '[' && options.host.back() == ']') {
        options.host = options.host.substr(1, options.host.size() - 2);
    }
    return options;
}

}  // namespace nj::agent
