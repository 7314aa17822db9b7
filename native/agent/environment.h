// Facts about the process the agent was loaded into, decided before anything starts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nj::agent {

// A JDK tool (jcmd, jps, keytool, javac, jshell, ...) started under the same
// JAVA_TOOL_OPTIONS: the agent stays inert and silent there. exePath is /proc/self/exe's
// target, javaCommand the sun.java.command property.
bool isJdkTool(std::string_view exePath, std::string_view javaCommand);

// True if one of these JVM options (command line, JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS,
// _JAVA_OPTIONS words) loads the upstream jmx_prometheus_javaagent. Binding first would make
// that agent fail to bind and call System.exit(1), so nativejmx stays inert.
bool loadsJmxExporterJavaagent(const std::vector<std::string>& jvmOptions);

// The words of this process's command line and of the JVM option environment variables.
std::vector<std::string> currentJvmOptions();
std::string currentExecutable();

}  // namespace nj::agent
