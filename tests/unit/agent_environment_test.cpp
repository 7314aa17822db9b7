#include <gtest/gtest.h>

#include "agent/environment.h"

using nj::agent::isJdkTool;
using nj::agent::loadsJmxExporterJavaagent;

TEST(Environment, JdkToolLaunchersAreRecognisedByExecutable) {
    for (const char* tool : {"jcmd", "jps", "jstat", "jinfo", "keytool", "javac", "jshell", "jmap", "jstack"}) {
        EXPECT_TRUE(isJdkTool(std::string("/usr/lib/jvm/java-17-openjdk-amd64/bin/") + tool, "")) << tool;
    }
    EXPECT_FALSE(isJdkTool("/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "com.example.Main --port 1"));
    EXPECT_FALSE(isJdkTool("/opt/app/bin/myservice", "org.apache.catalina.startup.Bootstrap start"));
}

TEST(Environment, JdkToolMainClassesAreRecognisedUnderJava) {
    EXPECT_TRUE(isJdkTool("/usr/bin/java", "jdk.jshell/jdk.internal.jshell.tool.JShellToolProvider"));
    EXPECT_TRUE(isJdkTool("/usr/bin/java", "jdk.jcmd/sun.tools.jcmd.JCmd -l"));
    EXPECT_TRUE(isJdkTool("/usr/bin/java", "com.sun.tools.javac.Main -version"));
    EXPECT_TRUE(isJdkTool("/usr/bin/java", "sun.security.tools.keytool.Main -help"));
    EXPECT_FALSE(isJdkTool("/usr/bin/java", "app.jar"));
    EXPECT_FALSE(isJdkTool("/usr/bin/java", "org.apache.zookeeper.server.quorum.QuorumPeerMain"));
}

TEST(Environment, UpstreamJavaagentIsDetected) {
    EXPECT_TRUE(loadsJmxExporterJavaagent({"java", "-javaagent:/opt/jmx_prometheus_javaagent-1.6.0.jar=9404:c.yaml", "-jar", "a.jar"}));
    EXPECT_TRUE(loadsJmxExporterJavaagent({"-javaagent:/opt/jmx_exporter/agent.jar"}));
    EXPECT_FALSE(loadsJmxExporterJavaagent({"java", "-javaagent:/opt/otel.jar", "-Dx=jmx_prometheus", "-jar", "a.jar"}));
    EXPECT_FALSE(loadsJmxExporterJavaagent({"-agentpath:/opt/nativejmx/libnativejmx.so=9404:/etc/jmx_prometheus.yaml"}));
}
