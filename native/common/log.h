// The agent's only output channel: one line per event on stderr, prefixed "nativejmx: ".
#pragma once

#include <string_view>

namespace nj {

// Writes "nativejmx: <message>\n" with a single write(2), so lines from
// different threads never interleave. Never throws.
void logLine(std::string_view message) noexcept;

}  // namespace nj
