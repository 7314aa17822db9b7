#include "tools/dry_run.h"

#include "exposition/families.h"
#include "exposition/text_writer.h"

namespace nj::tools {
namespace {

// metricCustomizers matching happened in the agent that wrote the dump: a bean it matched with a
// customizer this config does not have gets none here.
std::optional<std::string> missingCustomizers(const rules::Config& config, const rules::Snapshot& snapshot) {
    size_t beans = 0;
    for (const rules::Bean& bean : snapshot.beans) {
        if (bean.customizer >= 0 && static_cast<size_t>(bean.customizer) >= config.metricCustomizers.size()) beans++;
    }
    if (beans == 0) return std::nullopt;
    return std::to_string(beans) + " bean(s) of the dump were matched by a metricCustomizers entry that " +
           config.file + " does not have (it has " + std::to_string(config.metricCustomizers.size()) +
           "): their attributesAsLabels and extraMetrics are not applied";
}

}  // namespace

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
    if (auto note = missingCustomizers(engine.config(), snapshot)) run.notes.push_back(*note);
    return run;
}

}  // namespace nj::tools
