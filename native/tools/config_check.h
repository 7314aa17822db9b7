// nativejmx-check's config diagnostics: the agent's own loader and engine, plus what they accept
// but a user most likely did not mean (unknown keys, rules that can never decide, patterns on
// the backtracking engine) and what they accept but would fail at scrape time (templates).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rules/config.h"
#include "rules/engine.h"

namespace nj::tools {

struct Diagnostic {
    enum class Severity { Error, Warning };
    Severity severity = Severity::Warning;
    std::string kind;      // config, unknown-key, pattern, pcre2, shadowed, template
    int line = 0;          // 0: not known
    std::string message;   // "<file>: <key path> (line N): <what is wrong>", as the agent logs it
};

struct ConfigCheck {
    std::vector<Diagnostic> diagnostics;
    std::unique_ptr<rules::Engine> engine;   // null when the agent would refuse the config
};

// Loads `path` exactly as the agent does and diagnoses it.
ConfigCheck checkConfig(const std::string& path);

// 0: clean, 1: an error, 2: warnings only.
int exitCodeFor(const std::vector<Diagnostic>& diagnostics);

}  // namespace nj::tools
