// nativejmx-check --explain: why each rule did or did not decide an attribute value.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "rules/engine.h"
#include "rules/snapshot.h"

namespace nj::tools {

// The attribute values `name` selects: a pattern input (spec §5.1) with or without its
// ": value" part, e.g. "kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec><>Count",
// an ObjectName as written in the dump ("domain:keyProperties": every attribute of that bean),
// or an ObjectName and an attribute ("kafka.server:type=ReplicaManager,name=PartitionCount/Value",
// with the attribute's composite items and table cells). For each value, every
// rule in order: the input it saw, whether it matched, its groups, and the series the deciding
// rule made, or why the rule was not tried. An error when nothing is selected.
Result<std::string> explain(rules::Engine& engine, const rules::Snapshot& snapshot, std::string_view name);

}  // namespace nj::tools
