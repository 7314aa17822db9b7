#include "rules/naming.h"

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <array>

namespace nj::rules {
namespace {

bool isAsciiUpper(char32_t c) { return c >= 'A' && c <= 'Z'; }

char32_t asciiToLower(char32_t c) { return isAsciiUpper(c) ? c + ('a' - 'A') : c; }

bool isAsciiAlphanumeric(unsigned char c) {
    return isAsciiUpper(c) || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// One char of UTF-8 text; bytes that do not form a valid char come one at a time, with
// `valid` false, and are passed through untouched.
struct Utf8Char {
    char32_t codePoint = 0;
    size_t length = 1;
    bool valid = false;
};

Utf8Char decodeUtf8(std::string_view text, size_t position) {
    auto byteAt = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byteAt(position);
    if (lead < 0x80) return {lead, 1, true};
    size_t length = lead >= 0xF8 ? 0 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (length == 0 || position + length > text.size()) return {};
    char32_t codePoint = lead & (0x7F >> length);
    for (size_t i = 1; i < length; ++i) {
        unsigned char next = byteAt(position + i);
        if ((next & 0xC0) != 0x80) return {};
        codePoint = (codePoint << 6) | (next & 0x3F);
    }
    return {codePoint, length, true};
}

void appendUtf8(std::string& out, char32_t codePoint) {
    if (codePoint < 0x80) {
        out += static_cast<char>(codePoint);
    } else if (codePoint < 0x800) {
        out += static_cast<char>(0xC0 | (codePoint >> 6));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else {  // only BMP chars are ever re-encoded
        out += static_cast<char>(0xE0 | (codePoint >> 12));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    }
}

// Java Character.isDigit(char): the BMP blocks of category Nd, each the ten digits from these
// zeros (the same list on JDK 17 and 25).
bool isJavaDigit(char32_t c) {
    static constexpr std::array<char32_t, 37> zeros = {
        0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
        0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0,
        0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
        0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10};
    auto next = std::upper_bound(zeros.begin(), zeros.end(), c);
    return next != zeros.begin() && c - *(next - 1) < 10;
}

bool startsWithJavaDigit(std::string_view name) {
    return !name.empty() && isJavaDigit(decodeUtf8(name, 0).codePoint);
}

// Case rules of a Java char (a BMP code point), from glibc's Unicode tables. Never setlocale:
// we run inside someone else's process.
locale_t unicodeCtype() {
    static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
    return locale;
}

// Titlecase letters (category Lt, e.g. U+01C5 'ǅ'): glibc counts them as upper case, Java not.
bool isTitlecase(char32_t c) {
    return c == 0x01C5 || c == 0x01C8 || c == 0x01CB || c == 0x01F2 || (c >= 0x1F88 && c <= 0x1F8F) ||
           (c >= 0x1F98 && c <= 0x1F9F) || (c >= 0x1FA8 && c <= 0x1FAF) || c == 0x1FBC || c == 0x1FCC ||
           c == 0x1FFC;
}

bool isJavaUpperCase(char32_t c) {
    if (c < 0x80) return isAsciiUpper(c);
    locale_t locale = unicodeCtype();
    return locale && iswupper_l(static_cast<wint_t>(c), locale) && !isTitlecase(c);
}

char32_t javaToLowerCase(char32_t c) {
    if (c < 0x80) return asciiToLower(c);
    locale_t locale = unicodeCtype();
    return locale ? static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), locale)) : c;
}

// Java changes the case of one UTF-16 code unit at a time: never of a char beyond U+FFFF.
bool isCaseMappable(const Utf8Char& c) { return c.valid && c.codePoint < 0x10000; }

}  // namespace

void makeSafeName(std::string& name) {
    const bool digitFirst = startsWithJavaDigit(name);
    // Written over the name itself: no char becomes more than one, so writing never overtakes reading.
    size_t written = 0;
    bool previousIsUnderscore = false;
    for (unsigned char c : name) {
        // Each byte of a non-ASCII char is illegal; consecutive illegal bytes collapse anyway.
        if (isAsciiAlphanumeric(c) || c == ':') {
            name[written++] = static_cast<char>(c);
            previousIsUnderscore = false;
        } else if (!previousIsUnderscore) {
            name[written++] = '_';
            previousIsUnderscore = true;
        }
    }
    name.resize(written);
    // Java prepends this '_' without marking it, so "0_a" gives "_0_a" and U+0663 gives "__".
    if (digitFirst) name.insert(name.begin(), '_');
}


std::string snakeCase(std::string_view attributeName) {
    std::string snake;
    snake.reserve(attributeName.size() + attributeName.size() / 4);
    bool previousIsUpperOrUnderscore = true;  // the first char never gets a '_'
    for (size_t position = 0; position < attributeName.size();) {
        Utf8Char c = decodeUtf8(attributeName, position);
        std::string_view original = attributeName.substr(position, c.length);
        position += c.length;
        bool isUpper = isCaseMappable(c) && isJavaUpperCase(c.codePoint);
        if (isUpper && !previousIsUpperOrUnderscore) snake += '_';
        char32_t lower = isCaseMappable(c) ? javaToLowerCase(c.codePoint) : c.codePoint;
        if (lower == c.codePoint) {
            snake += original;  // keeps whatever encoding the char came in
        } else {
            appendUtf8(snake, lower);
        }
        previousIsUpperOrUnderscore = isUpper || original == "_";
    }
    return snake;
}

void lowercaseAscii(std::string& name) {
    for (char& c : name) c = static_cast<char>(asciiToLower(static_cast<unsigned char>(c)));
}

}  // namespace nj::rules
