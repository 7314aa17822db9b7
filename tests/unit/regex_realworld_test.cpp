// Every rule pattern of the real-world configs (../shared/realworld, read at run time) compiles,
// and only the ones that need Java-only constructs run on PCRE2: cassandra.yml's (?!scope) and
// the current Strimzi rules' (?!RequestMetrics) (spec §16, design.md "Regex engines").
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "regex_test_support.h"

namespace nj::rules {
namespace {

namespace fs = std::filesystem;

struct FoundPattern {
    std::string file;   // relative to realworld/
    int line;
    std::string pattern;
};

// The value of a `pattern:` key as YAML reads it, for the scalar styles these files use:
// plain, 'single-quoted' ('' is a quote) and "double-quoted" (backslash escapes).
std::string scalarValue(const std::string& text, const std::string& where) {
    if (text.empty()) return text;
    if (text[0] == '\'') {
        std::string out;
        for (size_t i = 1; i < text.size(); i++) {
            if (text[i] != '\'') {
                out += text[i];
            } else if (i + 1 < text.size() && text[i + 1] == '\'') {
                out += '\'';
                i++;
            } else {
                return out;
            }
        }
        ADD_FAILURE() << where << ": unterminated single-quoted scalar";
        return out;
    }
    if (text[0] == '"') {
        std::string out;
        for (size_t i = 1; i < text.size(); i++) {
            if (text[i] == '"') return out;
            if (text[i] != '\\') {
                out += text[i];
                continue;
            }
            const char e = text[++i];
            const std::string simple = "\\\"/";
            if (simple.find(e) != std::string::npos) {
                out += e;
            } else if (e == 'n' || e == 't' || e == 'r') {
                out += e == 'n' ? '\n' : e == 't' ? '\t' : '\r';
            } else {
                ADD_FAILURE() << where << ": YAML escape \\" << e << " not handled by this test";
            }
        }
        ADD_FAILURE() << where << ": unterminated double-quoted scalar";
        return out;
    }
    // Plain: up to a comment, trailing blanks dropped.
    std::string out = text.substr(0, text.find(" #"));
    out.erase(out.find_last_not_of(" \t\r") + 1);
    return out;
}

// Rules' `pattern:` keys, read line by line (`- pattern: x`, `pattern : x`; commented lines skipped).
std::vector<FoundPattern> realWorldPatterns() {
    std::vector<FoundPattern> found;
    const fs::path root = fs::path(NJ_SHARED_DIR) / "realworld";
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
        const std::string ext = entry.path().extension().string();
        if (ext == ".yml" || ext == ".yaml") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
        std::ifstream in(file);
        std::string line;
        for (int number = 1; std::getline(in, line); number++) {
            size_t at = line.find_first_not_of(" \t");
            if (at == std::string::npos || line[at] == '#') continue;
            if (line[at] == '-') at = line.find_first_not_of(" \t", at + 1);
            if (at == std::string::npos || line.compare(at, 7, "pattern") != 0) continue;
            const size_t colon = line.find_first_not_of(" \t", at + 7);
            if (colon == std::string::npos || line[colon] != ':') continue;
            const size_t value = line.find_first_not_of(" \t", colon + 1);
            const std::string relative = fs::relative(file, root).string();
            found.push_back({relative, number,
                             scalarValue(value == std::string::npos ? "" : line.substr(value),
                                         relative + ":" + std::to_string(number))});
        }
    }
    return found;
}

TEST(RegexRealWorld, EveryPatternCompilesAndOnlyJavaOnlyOnesUsePcre2) {
    const std::vector<FoundPattern> patterns = realWorldPatterns();
    ASSERT_GE(patterns.size(), 265u) << "the real-world configs hold 265 rule patterns";
    std::map<std::string, int> pcre2PerFile;
    for (const FoundPattern& p : patterns) {
        Result<std::unique_ptr<Pattern>> compiled = Pattern::compile(p.pattern);
        ASSERT_TRUE(compiled) << p.file << ":" << p.line << ": " << compiled.error().message;
        if ((*compiled)->engine() == RegexEngine::PCRE2) {
            pcre2PerFile[p.file]++;
            std::printf("PCRE2 %s:%d (%s): %s\n", p.file.c_str(), p.line, (*compiled)->pcre2Reason().c_str(),
                        p.pattern.c_str());
            EXPECT_EQ((*compiled)->pcre2Reason(), "look-ahead/look-behind") << p.file << ":" << p.line;
        }
    }
    const std::map<std::string, int> expected = {
        {"jmx_exporter-examples/cassandra.yml", 6},   // (?!scope) in all six rules
        {"strimzi-kafka-metrics-config.yml", 9},      // (?!RequestMetrics) in nine rules
    };
    EXPECT_EQ(pcre2PerFile, expected);
}

// Each PCRE2 real-world pattern has a prefilter, and the prefilter never rejects what PCRE2 matches.
TEST(RegexRealWorld, Pcre2PatternsHavePrefilters) {
    const char* inputs[] = {
        "kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec, topic=orders><>Count: 1",
        "kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec><>Count: 1",
        "kafka.network<type=RequestMetrics, name=RequestsPerSec, request=Fetch, version=12><>Count: 1",
        "kafka.server<type=ReplicaManager, name=LeaderCount><>99thPercentile: 3",
        "kafka.network<type=RequestChannel, name=RequestQueueTimeMs, request=Fetch, version=><>99thPercentile: 1",
        "org.apache.cassandra.metrics<type=DroppedMessage, scope=READ, name=Dropped><>Count: 5",
        "org.apache.cassandra.metrics<type=Table, keyspace=ks1, scope=users, name=ReadLatency><>99thPercentile: 2",
        "org.apache.cassandra.metrics<type=ClientRequest, scope=Read, name=TotalLatency><>Count: 9",
        "java.lang<type=Memory><HeapMemoryUsage>used: 123",
    };
    for (const FoundPattern& p : realWorldPatterns()) {
        std::unique_ptr<JavaPattern> pattern = regextest::compileOrFail(p.pattern);
        if (!pattern || pattern->engine() != RegexEngine::PCRE2) continue;
        EXPECT_FALSE(pattern->prefilterPattern().empty()) << p.file << ":" << p.line;
        std::unique_ptr<JavaPattern> plain = regextest::compileOrFail(p.pattern, EngineChoice::ForcePcre2);
        ASSERT_TRUE(plain->prefilterPattern().empty());
        for (const char* input : inputs) {
            EXPECT_EQ(regextest::describeMatch(*pattern, input), regextest::describeMatch(*plain, input))
                << p.pattern << " on " << input;
        }
    }
}

}  // namespace
}  // namespace nj::rules
