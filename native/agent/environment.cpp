#include "agent/environment.h"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace nj::agent {
namespace {

// The launchers in a JDK's bin/ besides java itself.
constexpr std::array kToolExecutables{
    "jar", "jarsigner", "javac", "javadoc", "javap", "jcmd", "jconsole", "jdb", "jdeprscan", "jdeps",
    "jfr", "jhsdb", "jimage", "jinfo", "jlink", "jmap", "jmod", "jpackage", "jps", "jrunscript",
    "jshell", "jstack", "jstat", "jstatd", "jwebserver", "keytool", "kinit", "klist", "ktab",
    "rmiregistry", "serialver"};

// Main classes of the JDK's own tools, for `java -m jdk.jshell` and the like.
constexpr std::array kToolMainPrefixes{
    "sun.tools.", "com.sun.tools.", "sun.security.tools.", "jdk.internal.jshell.", "jdk.jshell.",
    "jdk.jfr.internal.tool.", "sun.jvm.hotspot.", "jdk.jpackage.", "jdk.tools.", "sun.rmi.registry.",
    "jdk.internal.jrtfs.", "com.sun.jndi."};

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

bool isJdkTool(std::string_view exePath, std::string_view javaCommand) {
    std::string_view exe = exePath.substr(exePath.rfind('/') == std::string_view::npos ? 0 : exePath.rfind('/') + 1);
    for (std::string_view tool : kToolExecutables) {
        if (exe == tool) return true;
    }
    std::string_view main = javaCommand.substr(0, javaCommand.find(' '));
    if (size_t slash = main.find('/'); slash != std::string_view::npos) main.remove_prefix(slash + 1);  // module/class
    for (std::string_view prefix : kToolMainPrefixes) {
        if (startsWith(main, prefix)) return true;
    }
    return false;
}

bool loadsJmxExporterJavaagent(const std::vector<std::string>& jvmOptions) {
    for (const std::string& option : jvmOptions) {
        if (!startsWith(option, "-javaagent:")) continue;
        std::string_view jar = std::string_view(option).substr(11);
        jar = jar.substr(0, jar.find('='));
        if (jar.find("jmx_prometheus") != std::string_view::npos || jar.find("jmx_exporter") != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

std::vector<std::string> currentJvmOptions() {
    std::vector<std::string> words;
    std::ifstream cmdline("/proc/self/cmdline", std::ios::binary);
    std::string arg;
    while (std::getline(cmdline, arg, '\0')) words.push_back(arg);
    for (const char* variable : {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"}) {
        if (const char* value = std::getenv(variable)) {
            std::istringstream in(value);
            words.insert(words.end(), std::istream_iterator<std::string>(in), std::istream_iterator<std::string>());
        }
    }
    return words;
}

std::string currentExecutable() {
    char path[4096];
    ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
    return n > 0 ? std::string(path, static_cast<size_t>(n)) : std::string();
}

}  // namespace nj::agent
