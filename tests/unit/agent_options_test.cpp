// The agent argument (spec §1.1); expectations from the spec's table and details.
#include <gtest/gtest.h>

#include "agent/options.h"

using nj::agent::parseAgentOptions;

namespace {

void expectParsed(const char* arg, const char* host, int port, const char* file) {
    auto parsed = parseAgentOptions(arg);
    ASSERT_TRUE(parsed.ok()) << arg << ": " << parsed.error().message;
    EXPECT_EQ(parsed->host, host) << arg;
    ASSERT_TRUE(parsed->port.has_value()) << arg;
    EXPECT_EQ(*parsed->port, port) << arg;
    EXPECT_EQ(parsed->configFile, file) << arg;
}

TEST(AgentOptions, PortAndFile) { expectParsed("9404:/etc/jmx.yaml", "", 9404, "/etc/jmx.yaml"); }

TEST(AgentOptions, HostPortAndFile) {
    expectParsed("myhost.domain.com:9404:cfg.yaml", "myhost.domain.com", 9404, "cfg.yaml");
    expectParsed("127.0.0.1:9404:cfg.yaml", "127.0.0.1", 9404, "cfg.yaml");
    expectParsed("my-host_1:1:c", "my-host_1", 1, "c");
}

TEST(AgentOptions, BracketedIpv6HostLosesBrackets) {
    expectParsed("[::1]:9404:cfg.yaml", "::1", 9404, "cfg.yaml");
    expectParsed("[2001:db8::1]:9404:cfg.yaml", "2001:db8::1", 9404, "cfg.yaml");
    expectParsed("[::]:9404:cfg.yaml", "::", 9404, "cfg.yaml");
    // three characters or fewer keep their brackets (spec §1.1)
    expectParsed("[x]:9404:cfg.yaml", "[x]", 9404, "cfg.yaml");
}

TEST(AgentOptions, FileMayContainColons) {
    expectParsed("1234:C:\\cfg.yaml", "", 1234, "C:\\cfg.yaml");
    expectParsed("9404:/tmp/a:b/config.yaml", "", 9404, "/tmp/a:b/config.yaml");
    expectParsed("host:9404:/tmp/a:b:c.yaml", "host", 9404, "/tmp/a:b:c.yaml");
    // \[.+] is greedy: Java backtracks from the last ']' that still leaves port:file
    expectParsed("[::1]:9404:/x]:1:y", "::1]:9404:/x", 1, "y");
}

TEST(AgentOptions, FileOnlyFormHasNoPort) {
    for (const char* arg : {"/etc/jmx.yaml", "my_host!:9404:cfg.yaml", "123456:cfg.yaml", "9404:"}) {
        auto parsed = parseAgentOptions(arg);
        ASSERT_TRUE(parsed.ok()) << arg;
        EXPECT_FALSE(parsed->port.has_value()) << arg;
        EXPECT_EQ(parsed->configFile, arg);
    }
}

TEST(AgentOptions, PortOutOfRange) {
    for (auto [arg, number] : {std::pair{"0:cfg.yaml", "0"}, {"65536:cfg.yaml", "65536"}, {"99999:cfg.yaml", "99999"},
                               {"host:0:cfg.yaml", "0"}}) {
        auto parsed = parseAgentOptions(arg);
        ASSERT_FALSE(parsed.ok()) << arg;
        EXPECT_EQ(parsed.error().message, std::string("Port must be between 1 and 65535 [") + number + "]");
    }
    expectParsed("65535:c", "", 65535, "c");
    expectParsed("00080:c", "", 80, "c");
}

TEST(AgentOptions, BlankIsMalformed) {
    for (const char* arg : {"", "  "}) {
        auto parsed = parseAgentOptions(arg);
        ASSERT_FALSE(parsed.ok());
        EXPECT_EQ(parsed.error().message, std::string("Malformed arguments [") + arg + "]");
    }
}

}  // namespace
