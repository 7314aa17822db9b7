// The bean dump: the BeanSnapshot the rule engine consumes, as JSON (docs/bean-dump.md), plus
// the pattern input of every attribute value and the rule that decided it. The agent writes it
// (nativejmx.beanDump); nativejmx-check reads it back into the identical snapshot.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "rules/engine.h"
#include "rules/snapshot.h"

namespace nj::rules {

// How one attribute value (or composite item, tabular cell, extra metric) was decided.
struct DumpMatch {
    std::string input;             // the pattern input without snake case, with the value
    std::optional<size_t> rule;    // index into rules; nullopt: no rule matched
    bool cached = false;           // the rule cache decided
};

// Collects the decisions of one Engine::collect, in the order the engine makes them.
class MatchRecorder : public MatchObserver {
public:
    std::vector<DumpMatch> matches;

    void tried(size_t, std::string_view, bool) override {}
    void decided(std::string_view plainInput, std::optional<size_t> rule, bool cached, const expo::RawSample*) override {
        matches.push_back({std::string(plainInput), rule, cached});
    }
};

// The dump as JSON text, indented, ending with a newline.
std::string writeBeanDump(const Snapshot& snapshot, const std::vector<DumpMatch>& matches);

// Reads a dump back (its `matches` are informational and not read). Errors name the file, the
// line and the field: "dump.json: line 12: beans[0].attributes[3].value.type: unknown type "Lng"".
Result<Snapshot> readBeanDump(std::string_view json, const std::string& fileForMessages);
Result<Snapshot> loadBeanDumpFile(const std::string& path);

}  // namespace nj::rules
