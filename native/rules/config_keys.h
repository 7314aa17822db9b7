// The keys the javaagent knows (spec §3, §11). It ignores every other key (spec §2), and so
// does the config loader; nativejmx-check warns about them, because an unknown key is most
// often a typo (`lowercaseOutputname`) that silently changes nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace nj::rules {

struct UnknownKey {
    std::string path;         // "rules[2].lable", as the loader's messages name keys
    int line = 0;
    std::string suggestion;   // the closest known key at that place, or empty
    std::string knownAt;      // where a key of this very name is read, e.g. "rules[].attrNameSnakeCase"
};

// The keys of the YAML text that the javaagent does not read, in file order. Maps whose keys
// are the user's (rule labels, ObjectName attribute lists, openTelemetry, ...) are not looked
// into; `nativejmx:` is checked by the loader itself. Errors are YAML syntax errors.
Result<std::vector<UnknownKey>> findUnknownKeys(std::string_view yamlText);

}  // namespace nj::rules
