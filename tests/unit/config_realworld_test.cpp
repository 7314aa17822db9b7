// Every config in shared/realworld is accepted or refused exactly as the javaagent 1.6.0 did
// (shared/oracle-samples/README.md), and an accepted one has as many rules as the file lists.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "rules/config.h"

namespace nj::rules {
namespace {

namespace fs = std::filesystem;

const fs::path kShared = NJ_SHARED_DIR;

std::string readText(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// "realworld/x.yml" -> "accepted" or the start of the refusal, from the oracle's table.
std::map<std::string, std::string> oracleVerdicts() {
    std::map<std::string, std::string> verdicts;
    std::istringstream readme(readText(kShared / "oracle-samples" / "README.md"));
    std::string line;
    while (std::getline(readme, line)) {
        // "| realworld/x.yml | accepted |"
        if (line.rfind("| realworld/", 0) != 0) continue;
        std::string::size_type separator = line.find(" | ");
        if (separator == std::string::npos || line.size() < separator + 5) continue;
        verdicts[line.substr(2, separator - 2)] = line.substr(separator + 3, line.size() - separator - 5);
    }
    return verdicts;
}

// The items of the top-level `rules:` list, counted from the text: lines that start a list item
// at the indentation of the first item, up to the next top-level key.
size_t countRuleItems(const std::string& text) {
    std::istringstream lines(text);
    std::string line;
    bool inRules = false;
    std::string::size_type itemIndent = std::string::npos;
    size_t count = 0;
    while (std::getline(lines, line)) {
        std::string::size_type indent = line.find_first_not_of(' ');
        if (indent == std::string::npos || line[indent] == '#') continue;
        if (!inRules) {
            inRules = line.rfind("rules:", 0) == 0;
            continue;
        }
        bool item = line[indent] == '-' && (line.size() == indent + 1 || line[indent + 1] == ' ');
        if (indent == 0 && !item) break;   // the next top-level key
        if (item && itemIndent == std::string::npos) itemIndent = indent;
        if (item && indent == itemIndent) count++;
    }
    return count;
}

TEST(ConfigRealWorld, AcceptedAndRefusedAsTheJavaagentDid) {
    std::map<std::string, std::string> verdicts = oracleVerdicts();
    ASSERT_GE(verdicts.size(), 20u) << "the oracle's table was not found";
    size_t checked = 0;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(kShared / "realworld")) {
        std::string extension = entry.path().extension();
        if (extension != ".yml" && extension != ".yaml") continue;
        std::string name = "realworld/" + fs::relative(entry.path(), kShared / "realworld").string();
        SCOPED_TRACE(name);
        auto verdict = verdicts.find(name);
        ASSERT_NE(verdict, verdicts.end()) << "no oracle verdict for this file";

        Result<Config> config = loadConfigFile(entry.path());
        if (verdict->second == "accepted") {
            ASSERT_TRUE(config.ok()) << config.error().message;
            EXPECT_EQ(config->agentModeError, "");
            EXPECT_EQ(config->rules.size(), countRuleItems(readText(entry.path())));
            EXPECT_TRUE(config->warnings.empty());
        } else {
            // The javaagent's reason is the agent-mode check; ours quotes it.
            ASSERT_TRUE(config.ok()) << config.error().message;
            EXPECT_NE(verdict->second.find("you must not configure 'jmxUrl' or 'hostPort'"), std::string::npos);
            EXPECT_NE(config->agentModeError.find("you must not configure 'jmxUrl' or 'hostPort'"), std::string::npos)
                << config->agentModeError;
        }
        checked++;
    }
    EXPECT_EQ(checked, verdicts.size()) << "a file of the oracle's table is missing";
}

TEST(ConfigRealWorld, CountingRuleItems) {
    EXPECT_EQ(countRuleItems("rules:\n- pattern: a\n  labels:\n    - x\n- name: b\n  pattern: c\nother: 1\n- z\n"), 2u);
    EXPECT_EQ(countRuleItems("lowercaseOutputName: true\nrules:\n  # note\n  - pattern : a\n  -\n    pattern: b\n"),
              2u);
    EXPECT_EQ(countRuleItems("rules: []\n"), 0u);
}

}  // namespace
}  // namespace nj::rules
