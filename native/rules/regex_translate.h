// A parsed Java pattern (java_regex.h) written out in RE2 or PCRE2 syntax with Java's meaning.
//
// Nothing is left to an engine's defaults: `.` is written as the set Java's dot matches, `\s`
// as Java's six characters, `$` as the assertion Java evaluates, ASCII case folding as explicit
// sets, capture groups as plain numbered groups (names are resolved by the parser). RE2 gets a
// pattern only when every construct has exactly Java's meaning there; otherwise the RE2 side
// names the first construct that stops it, and PCRE2 (UTF mode, JIT) runs the pattern.
//
// Where the result can still differ from Java (none of these occurs in the real-world configs):
//  - captures: Java keeps a group's value from an attempt that failed inside a look-around, an
//    atomic group or a possessive repeat, and ends a loop over a group at its first empty
//    iteration even below the minimum count; PCRE2 follows ordinary backtracking;
//  - \b: JDK 19+ semantics (ASCII word characters); JDK 17 counts Unicode letters and digits,
//    and every JDK counts a non-spacing mark after a letter or digit as a word character;
//  - case-insensitive back-references fold Unicode on PCRE2 (Java without UNICODE_CASE: ASCII);
//  - (?iu) outside Latin-1, Unicode properties, \X: the engines' Unicode tables and folding;
//  - refused with a reason: Unicode blocks, \N{name}, \b{g}, classes under (?c), counts above
//    65535, and look-behinds PCRE2 cannot bound (captures of varying length inside).
#pragma once

#include <string>

#include "common/result.h"
#include "rules/java_regex.h"

namespace nj::rules::javaregex {

struct Re2Translation {
    std::string pattern;    // valid when obstacle is empty
    std::string obstacle;   // why RE2 cannot run it with Java's meaning
};

Re2Translation toRe2(const ParsedPattern& parsed);

// Compile with PCRE2_UTF. Fails only for what PCRE2 cannot express (a count above 65535).
Result<std::string> toPcre2(const ParsedPattern& parsed);

// An RE2 pattern that matches every input the Java pattern matches (look-arounds and other
// assertions dropped, back-references and classes RE2 lacks widened to "anything"): a
// prefilter run before PCRE2.
std::string toRe2Superset(const ParsedPattern& parsed);

}  // namespace nj::rules::javaregex
