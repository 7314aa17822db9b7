// The agent argument, exactly the javaagent's syntax (spec §1.1): [host:]port:file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace nj::agent {

struct AgentOptions {
    std::string host;               // empty: every address (dual stack)
    std::optional<uint16_t> port;   // absent: the file-only form, which has nothing to serve
    std::string configFile;
};

// Errors read like the javaagent's: "Malformed arguments [...]",
// "Port must be between 1 and 65535 [0]".
Result<AgentOptions> parseAgentOptions(std::string_view argument);

}  // namespace nj::agent
