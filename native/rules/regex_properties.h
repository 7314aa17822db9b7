// Java's character classes and \p{...} properties (java.util.regex.CharPredicates) as
// ClassExprs. Everything Java defines over ASCII (\d \w \s, \p{Lower}, \p{Punct}, ...) and
// every property that is a fixed list of code points (\h, \v, White_Space, javaWhitespace, ...)
// is an exact set. Properties that need Unicode tables (general categories, scripts,
// Alphabetic, ...) name the engine's property; the engines' Unicode versions differ from the
// JVM's, so newly assigned characters may be classified differently.
#pragma once

#include <optional>
#include <string_view>

#include "rules/java_regex.h"

namespace nj::rules::javaregex {

// Java's line terminators: what `.` excludes (without UNIX_LINES) and what `$` may stand before.
const CodePointSet& lineTerminators();

ClassExpr asciiDigit();        // \d
ClassExpr asciiSpace();        // \s: [ \t\n\x0B\f\r]
ClassExpr asciiWord();         // \w
ClassExpr unicodeDigit();      // \d under UNICODE_CHARACTER_CLASS
ClassExpr whiteSpace();        // \s under UNICODE_CHARACTER_CLASS
ClassExpr unicodeWord();       // \w under UNICODE_CHARACTER_CLASS
ClassExpr horizontalSpace();   // \h
ClassExpr verticalSpace();     // \v

// CharPredicates.forProperty: general categories, POSIX ASCII classes, java* methods
// (exact-case names such as "Lu", "Lower", "javaLowerCase").
std::optional<ClassExpr> propertyClass(std::string_view name, bool caseInsensitive);
// CharPredicates.forUnicodeProperty: binary properties and the Unicode POSIX classes
// (case-insensitive names, for \p{IsAlphabetic}).
std::optional<ClassExpr> unicodePropertyClass(std::string_view name, bool caseInsensitive);
// CharPredicates.forPOSIXName: \p{Lower} etc. under UNICODE_CHARACTER_CLASS.
std::optional<ClassExpr> unicodePosixClass(std::string_view name, bool caseInsensitive);
// CharPredicates.forUnicodeScript: a script name or its four-letter alias, any case.
std::optional<ClassExpr> scriptClass(std::string_view name);

}  // namespace nj::rules::javaregex
