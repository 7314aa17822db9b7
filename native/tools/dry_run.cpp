#include "tools/dry_run.h"

#include "exposition/families.h"
#include "exposition/text_writer.h"

namespace nj::tools {

Result<DryRun> dryRun(rules::Engine& engine, const rules::Snapshot& snapshot) {
    rules::Engine::Output output = engine.collect(snapshot);
    Result<std::vector<expo::Family>> jmx = expo::assembleJmxFamilies(std::move(output.samples));
    if (!jmx) return makeError("the agent would answer 500: " + jmx.error().message);
    std::vector<std::vector<expo::Family>> collectors;
    collectors.push_back(std::move(jmx).value());
    Result<std::vector<expo::Family>> merged = expo::mergeCollectors(std::move(collectors));
    if (!merged) return makeError("the agent would answer 500: " + merged.error().message);
    DryRun run;
    expo::writeText004(merged.value(), run.text);
    run.abortReason = std::move(output.abortReason);
    return run;
}

}  // namespace nj::tools
