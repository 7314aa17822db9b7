// expandTemplate: Java's Matcher.replaceAll replacement syntax (spec §5.4). The wrapped pattern
// consumes the whole input, so replaceAll's result is exactly the expanded template.
// Bytes are walked one at a time: '\\', '$', '{', '}' and digits are ASCII, and a UTF-8
// continuation byte is never one of them, so multi-byte characters pass through whole.
#include "rules/regex.h"

namespace nj::rules {
namespace {

bool isAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool isAsciiAlnum(char c) { return isAsciiDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

}  // namespace

Result<std::string> expandTemplate(std::string_view tmpl, const Pattern& pattern, const MatchGroups& groups) {
    std::string out;
    out.reserve(2 * tmpl.size());   // short label templates ("$4") stay in the small-string buffer
    size_t cursor = 0;
    while (cursor < tmpl.size()) {
        char c = tmpl[cursor];
        if (c == '\\') {
            if (++cursor == tmpl.size()) return makeError("character to be escaped is missing");
            out.push_back(tmpl[cursor++]);
            continue;
        }
        if (c != '$') {
            out.push_back(c);
            cursor++;
            continue;
        }
        if (++cursor == tmpl.size()) return makeError("Illegal group reference: group index is missing");
        c = tmpl[cursor];
        int group = 0;
        if (c == '{') {
            const size_t begin = ++cursor;
            while (cursor < tmpl.size() && isAsciiAlnum(tmpl[cursor])) cursor++;
            if (cursor == begin) return makeError("named capturing group has 0 length name");
            if (cursor == tmpl.size() || tmpl[cursor] != '}') {
                return makeError("named capturing group is missing trailing '}'");
            }
            const std::string_view name = tmpl.substr(begin, cursor - begin);
            if (isAsciiDigit(name[0])) {
                return makeError("capturing group name {" + std::string(name) + "} starts with digit character");
            }
            std::optional<int> number = pattern.namedGroup(name);
            if (!number) return makeError("No group with name {" + std::string(name) + "}");
            group = *number;
            cursor++;
        } else {
            if (!isAsciiDigit(c)) return makeError("Illegal group reference");
            group = c - '0';
            cursor++;
            // Further digits join while the number is still a group of the pattern.
            while (cursor < tmpl.size() && isAsciiDigit(tmpl[cursor])) {
                const int longer = group * 10 + (tmpl[cursor] - '0');
                if (longer > pattern.groupCount()) break;
                group = longer;
                cursor++;
            }
            if (group > pattern.groupCount()) return makeError("No group " + std::to_string(group));
        }
        if (static_cast<size_t>(group) < groups.groups.size() && groups.groups[group]) out += *groups.groups[group];
    }
    return out;
}

}  // namespace nj::rules
