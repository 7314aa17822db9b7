// nativejmx-check --beans: what the agent would serve for a bean dump with a config.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "rules/engine.h"
#include "rules/snapshot.h"

namespace nj::tools {

struct DryRun {
    std::string text;                          // text format 0.0.4
    std::optional<std::string> abortReason;    // the scrape would abort (jmx_scrape_error 1) after these
    std::vector<std::string> notes;            // where the dump and the config do not fit together
};

// The families the agent's rules produce from these beans, assembled, merged and written as
// the agent does for /metrics; without the JVM, process and self families, which the dump does
// not carry. An error is the agent's 500 (e.g. a duplicate series).
Result<DryRun> dryRun(rules::Engine& engine, const rules::Snapshot& snapshot);

}  // namespace nj::tools
