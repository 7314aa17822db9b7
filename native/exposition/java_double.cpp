#include "exposition/java_double.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <system_error>

namespace nj::expo {
namespace {

// ---- Formatting -------------------------------------------------------------------------

// A finite nonzero magnitude as significant digits d1 d2 ... dn (no trailing zeros), where
// `exponent` is the power of ten of d1.
struct DecimalDigits {
    char digits[24];
    int count = 0;
    int exponent = 0;
};

// Reads std::to_chars' scientific output "d[.ddd]e±xx".
DecimalDigits readScientific(const char* begin, const char* end) {
    DecimalDigits decimal;
    const char* p = begin;
    for (; *p != 'e'; ++p) {
        if (*p != '.') decimal.digits[decimal.count++] = *p;
    }
    ++p;
    if (*p == '+') ++p;  // from_chars takes '-' but not '+'
    std::from_chars(p, end, decimal.exponent);
    while (decimal.count > 1 && decimal.digits[decimal.count - 1] == '0') --decimal.count;
    return decimal;
}

// The digits Java (JDK 19+) chooses: the shortest that round-trip, closest to the value; but
// where one digit would do, the closest decimal of one or two digits (Double.MIN_VALUE is
// "4.9E-324", not "5E-324"). That decimal is the value correctly rounded to two digits.
template <class Float>
DecimalDigits javaDigits(Float magnitude) {
    char buffer[64];
    const char* end = std::to_chars(buffer, std::end(buffer), magnitude, std::chars_format::scientific).ptr;
    DecimalDigits decimal = readScientific(buffer, end);
    if (decimal.count == 1) {
        end = std::to_chars(buffer, std::end(buffer), magnitude, std::chars_format::scientific, 1).ptr;
        decimal = readScientific(buffer, end);
    }
    return decimal;
}

void appendInt(std::string& out, long long value) {
    char buffer[24];
    out.append(buffer, std::to_chars(buffer, std::end(buffer), value).ptr);
}

// 10^-3 <= x < 10^7: "123.45", "0.001", "200.0".
void appendPlainNotation(std::string& out, const DecimalDigits& decimal) {
    std::string_view digits(decimal.digits, decimal.count);
    if (decimal.exponent < 0) {
        out += "0.";
        out.append(-decimal.exponent - 1, '0');
        out += digits;
        return;
    }
    size_t integerDigits = decimal.exponent + 1;
    if (digits.size() <= integerDigits) {
        out += digits;
        out.append(integerDigits - digits.size(), '0');
        out += ".0";
    } else {
        out += digits.substr(0, integerDigits);
        out += '.';
        out += digits.substr(integerDigits);
    }
}

// Everything else: "1.0E-4", "1.23456789E7".
void appendComputerizedNotation(std::string& out, const DecimalDigits& decimal) {
    out += decimal.digits[0];
    out += '.';
    if (decimal.count == 1) {
        out += '0';
    } else {
        out.append(decimal.digits + 1, decimal.count - 1);
    }
    out += 'E';
    appendInt(out, decimal.exponent);
}

template <class Float>
void appendJavaNumber(std::string& out, Float value) {
    if (std::isnan(value)) {
        out += "NaN";
        return;
    }
    if (std::signbit(value)) out += '-';
    Float magnitude = std::fabs(value);
    if (std::isinf(magnitude)) {
        out += "Infinity";
    } else if (magnitude == 0) {
        out += "0.0";
    } else {
        DecimalDigits decimal = javaDigits(magnitude);
        if (decimal.exponent >= -3 && decimal.exponent < 7) {
            appendPlainNotation(out, decimal);
        } else {
            appendComputerizedNotation(out, decimal);
        }
    }
}

bool fitsInJavaLong(double value) { return value >= -0x1p63 && value < 0x1p63; }

// ---- Parsing ----------------------------------------------------------------------------

// String.trim(): every char <= U+0020 at either end.
std::string_view trimJavaWhitespace(std::string_view text) {
    while (!text.empty() && static_cast<unsigned char>(text.front()) <= ' ') text.remove_prefix(1);
    while (!text.empty() && static_cast<unsigned char>(text.back()) <= ' ') text.remove_suffix(1);
    return text;
}

bool isDecimalDigit(char c) { return c >= '0' && c <= '9'; }

bool isHexDigit(char c) { return isDecimalDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

size_t skipDigits(std::string_view text, size_t position, bool hex) {
    while (position < text.size() && (hex ? isHexDigit(text[position]) : isDecimalDigit(text[position]))) {
        ++position;
    }
    return position;
}

// Length of the leading "digits[.digits]" with at least one digit on either side of the
// point, or 0 when there is none.
size_t mantissaLength(std::string_view text, bool hex) {
    size_t end = skipDigits(text, 0, hex);
    bool hasDigits = end > 0;
    if (end < text.size() && text[end] == '.') {
        size_t fractionEnd = skipDigits(text, end + 1, hex);
        hasDigits = hasDigits || fractionEnd > end + 1;
        end = fractionEnd;
    }
    return hasDigits ? end : 0;
}

// "[+-]digits" with at least one digit and nothing after.
bool isSignedInteger(std::string_view text) {
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
    return !text.empty() && skipDigits(text, 0, false) == text.size();
}

struct Numeral {
    std::string_view mantissa;
    std::string_view exponent;  // without its marker; empty for none
};

// Java's grammar for an unsigned decimal ("1.5e-3", ".5", "5.") or hexadecimal significand
// (after "0x") with its binary exponent ("1.8p3", mandatory).
std::optional<Numeral> splitNumeral(std::string_view body, bool hex) {
    size_t length = mantissaLength(body, hex);
    if (length == 0) return std::nullopt;
    Numeral numeral{body.substr(0, length), {}};
    std::string_view rest = body.substr(length);
    if (rest.empty()) {
        if (hex) return std::nullopt;
        return numeral;
    }
    char marker = static_cast<char>(rest.front() | 0x20);  // ASCII lower case
    numeral.exponent = rest.substr(1);
    if (marker != (hex ? 'p' : 'e') || !isSignedInteger(numeral.exponent)) return std::nullopt;
    return numeral;
}

long long saturatingExponent(std::string_view signedDigits) {
    constexpr long long limit = 1'000'000'000'000LL;
    bool negative = signedDigits.front() == '-';
    if (signedDigits.front() == '+' || negative) signedDigits.remove_prefix(1);
    long long value = 0;
    for (char c : signedDigits) value = std::min(limit, value * 10 + (c - '0'));
    return negative ? -value : value;
}

// Order of magnitude of the mantissa in digits: positive for the number of digits before the
// point counted from the first nonzero one, otherwise minus the zeros after the point.
long long leadingDigitPosition(std::string_view mantissa) {
    size_t point = mantissa.find('.');
    if (point == std::string_view::npos) point = mantissa.size();
    size_t firstNonZero = mantissa.find_first_not_of("0.");
    if (firstNonZero == std::string_view::npos) return 0;
    return firstNonZero < point ? static_cast<long long>(point - firstNonZero)
                                : -static_cast<long long>(firstNonZero - point - 1);
}

// from_chars reports overflow and underflow alike; Java gives Infinity and 0.0.
double outOfRangeValue(const Numeral& numeral, bool hex) {
    long long bitsPerDigit = hex ? 4 : 1;  // decimal: compare powers of ten; hex: powers of two
    long long magnitude = leadingDigitPosition(numeral.mantissa) * bitsPerDigit +
                          (numeral.exponent.empty() ? 0 : saturatingExponent(numeral.exponent));
    return magnitude > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

std::optional<double> parseUnsignedNumeral(std::string_view body) {
    bool hex = body.size() >= 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
    if (hex) body.remove_prefix(2);
    std::optional<Numeral> numeral = splitNumeral(body, hex);
    if (!numeral) return std::nullopt;
    double value = 0;
    auto [end, error] = std::from_chars(body.data(), body.data() + body.size(), value,
                                        hex ? std::chars_format::hex : std::chars_format::general);
    if (error == std::errc::result_out_of_range) return outOfRangeValue(*numeral, hex);
    if (error != std::errc() || end != body.data() + body.size()) return std::nullopt;
    return value;
}

bool isTypeSuffix(char c) { return c == 'f' || c == 'F' || c == 'd' || c == 'D'; }

}  // namespace

std::string formatJavaDouble(double value) {
    std::string text;
    appendJavaDouble(text, value);
    return text;
}

void appendJavaDouble(std::string& out, double value) { appendJavaNumber(out, value); }

std::string formatJavaFloat(float value) {
    std::string text;
    appendJavaFloat(text, value);
    return text;
}

void appendJavaFloat(std::string& out, float value) { appendJavaNumber(out, value); }

std::string formatPrometheusValue(double value, ValueStyle style) {
    std::string text;
    appendPrometheusValue(text, value, style);
    return text;
}

void appendPrometheusValue(std::string& out, double value, ValueStyle style) {
    if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
    } else if (style == ValueStyle::Integer && fitsInJavaLong(value)) {
        appendInt(out, static_cast<long long>(value));
    } else {
        appendJavaDouble(out, value);
    }
}

std::optional<double> parseJavaDouble(std::string_view text) {
    text = trimJavaWhitespace(text);
    bool negative = !text.empty() && text.front() == '-';
    if (!text.empty() && (negative || text.front() == '+')) text.remove_prefix(1);
    if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    std::optional<double> magnitude;
    if (text == "Infinity") {
        magnitude = std::numeric_limits<double>::infinity();
    } else {
        if (!text.empty() && isTypeSuffix(text.back())) text.remove_suffix(1);
        magnitude = parseUnsignedNumeral(text);
    }
    if (!magnitude) return std::nullopt;
    return negative ? -*magnitude : *magnitude;
}

}  // namespace nj::expo
