// UTF-8 encoding of code points, shared by the Java-regex parser and the JSON reader.
#pragma once

#include <string>
#include <string_view>

namespace nj {

// Appends the UTF-8 bytes of code point c (at most U+10FFFF; the caller checks).
void appendUtf8(std::string& out, char32_t c);

std::string encodeUtf8(std::u32string_view text);

}  // namespace nj
