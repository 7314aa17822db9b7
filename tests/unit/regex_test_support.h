// Shared by the regex_*_test.cpp files: renders results the way tests/unit/data/RegexOracle.java
// renders Java's, so expected values are Java's output pasted verbatim.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "rules/regex_engines.h"

namespace nj::rules::regextest {

// RE2 (groups found by PCRE2, as in production, and by RE2, the fallback) where the pattern
// allows, and PCRE2 alone.
constexpr EngineChoice kEngines[] = {EngineChoice::Automatic, EngineChoice::Re2Groups, EngineChoice::ForcePcre2};

inline const char* engineName(EngineChoice choice) {
    switch (choice) {
        case EngineChoice::Automatic: return "automatic";
        case EngineChoice::Re2Groups: return "automatic with RE2 groups";
        case EngineChoice::ForcePcre2: return "PCRE2-only";
    }
    return "?";
}

inline char32_t decodeAt(std::string_view s, size_t& i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const size_t extra = lead < 0x80 ? 0 : lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
    char32_t c = extra == 0 ? lead : lead & (0x3F >> extra);
    for (size_t k = 1; k <= extra && i + k < s.size(); k++)
        c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += 1 + extra;
    return c;
}

inline void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

// RegexOracle.render: '\' doubled, anything outside U+0020..U+007E as \x{hex}.
inline std::string render(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
        const char32_t c = decodeAt(s, i);
        if (c == '\\') {
            out += "\\\\";
        } else if (c < 0x20 || c > 0x7E) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "\\x{%x}", static_cast<unsigned>(c));
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

// RegexOracle.unescape (and the inverse of render): \t \n \r \\ \x{hex}.
inline std::string unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); i++) {
        if (s[i] != '\\' || i + 1 == s.size()) {
            out += s[i];
            continue;
        }
        const char d = s[++i];
        if (d == 't') {
            out += '\t';
        } else if (d == 'n') {
            out += '\n';
        } else if (d == 'r') {
            out += '\r';
        } else if (d == '\\') {
            out += '\\';
        } else if (d == 'x') {
            const size_t end = s.find('}', i);
            appendUtf8(out, static_cast<char32_t>(std::stoul(std::string(s.substr(i + 2, end - i - 2)), nullptr, 16)));
            i = end;
        } else {
            out += '\\';
            out += d;
        }
    }
    return out;
}

// RegexOracle.match: "NOMATCH", or "MATCH" and each group as " [text]" or " null".
inline std::string describeMatch(const Pattern& pattern, std::string_view input) {
    MatchGroups groups;
    if (!pattern.match(input, groups)) return "NOMATCH";
    std::string out = "MATCH";
    for (int g = 1; g <= pattern.groupCount(); g++) {
        out += groups.groups[g] ? " [" + render(*groups.groups[g]) + "]" : std::string(" null");
    }
    return out;
}

// Our compile error in RegexOracle.syntax's form, "ERR description@index"; errors for Java
// features nativejmx does not run keep their own text.
inline std::string javaStyleError(const std::string& message) {
    const size_t near = message.find(" near index ");
    if (near == std::string::npos || message.starts_with("nativejmx")) return message;
    const size_t digits = near + 12;
    const size_t end = message.find_first_not_of("0123456789", digits);
    return "ERR " + message.substr(0, near) + "@" + message.substr(digits, end - digits);
}

inline bool isUnsupported(const std::string& message) { return message.starts_with("nativejmx"); }

inline std::unique_ptr<JavaPattern> compileOrFail(std::string_view pattern,
                                                  EngineChoice choice = EngineChoice::Automatic) {
    Result<std::unique_ptr<JavaPattern>> compiled = JavaPattern::compile(pattern, choice);
    if (!compiled) {
        ADD_FAILURE() << "cannot compile " << pattern << ": " << compiled.error().message;
        return nullptr;
    }
    return std::move(compiled).value();
}

}  // namespace nj::rules::regextest
