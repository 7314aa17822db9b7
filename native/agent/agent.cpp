#include "agent/agent.h"

#include <jvmti.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "agent/environment.h"
#include "agent/options.h"
#include "agent/scraper.h"
#include "agent/serving.h"
#include "agent/tls_serving.h"
#include "common/log.h"
#include "jvm/gc_pauses.h"
#include "jvm/vm.h"
#include "rules/config.h"

namespace nj::agent {
namespace {

// The running agent. Deliberately never destroyed: at JVM exit our threads may still be
// running, and destructors that join them could hang the exit.
struct Running {
    AgentOptions options;
    std::atomic<Scraper*> scraper{nullptr};
    Serving* serving = nullptr;
};
Running* g_running = nullptr;

std::string describeOptions(const char* options) { return options == nullptr ? std::string() : std::string(options); }

// Protection the config asks for that this build cannot give. Serving metrics without it would
// expose them, so the agent refuses to serve them at all. httpServer is read once at start-up,
// as by the javaagent, so a reload does not lift the refusal.
std::string unsupportedProtection(const rules::Config& config) {
    const char* what = nullptr;
    if (config.httpServer.authenticationPlugin) what = "httpServer.authentication.plugin (a Java class) cannot run in nativejmx";
    if (what == nullptr) return {};
    return config.file + ": " + what + "; /metrics answers 503 rather than serve metrics unprotected";
}

// Everything that may take time runs here, off the JVM's start-up path: read the config,
// wait startDelaySeconds (no port bound, no management touched before, spec §1.2), bind.
void start(Running* running) {
    const AgentOptions& options = running->options;
    Result<rules::Config> config = rules::loadConfigFile(options.configFile);
    if (config && config->startDelaySeconds > 0) {
        std::this_thread::sleep_for(std::chrono::seconds(config->startDelaySeconds));
        // The javaagent builds its collector from the file as it is after the delay (spec §1.2).
        config = rules::loadConfigFile(options.configFile);
    }
    if (!config) logLine(config.error().message + "; /metrics answers 503 until the file is fixed");
    for (const std::string& warning : config ? config->warnings : std::vector<std::string>{}) logLine(warning);
    rules::HttpServerConfig http = config ? config->httpServer : rules::HttpServerConfig{};
    bool beansEndpoint = config && config->nativejmx.beanDump.endpoint;
    std::string refusal = config ? unsupportedProtection(*config) : std::string();
    if (!refusal.empty()) logLine(refusal);
    auto* scraper = new Scraper(options.configFile, std::move(config), refusal);
    running->scraper = scraper;
    if (http.ssl) return serveOverTls(options, http, beansEndpoint, *scraper);  // keeps this thread
    Result<Serving*> serving = startServing(options, http, beansEndpoint, *scraper);
    if (!serving) {
        logLine(serving.error().message + "; the agent stays inactive and the application runs on");
        return;  // the scraper's thread waits forever for a request that never comes: harmless
    }
    running->serving = serving.value();
}

void startInBackground(Running* running) {
    std::thread([running] {
        pthread_setname_np(pthread_self(), "nativejmx-start");
        try {
            start(running);
        } catch (const std::exception& e) {
            logLine(std::string("cannot start: ") + e.what() + "; the application runs on");
        }
    }).detach();
}

void JNICALL onVmInit(jvmtiEnv*, JNIEnv*, jthread) {
    if (g_running != nullptr) startInBackground(g_running);
}

void JNICALL onVmDeath(jvmtiEnv*, JNIEnv*) {
    if (g_running == nullptr) return;
    if (Scraper* scraper = g_running->scraper.load()) scraper->stopForVmDeath();
}

bool enableEvents(jvmtiEnv* jvmti, bool live) {
    jvmtiEventCallbacks callbacks{};
    callbacks.VMInit = onVmInit;
    callbacks.VMDeath = onVmDeath;
    jvm::addGcPauseCallbacks(callbacks);  // idle until a config asks for the GC pause histogram
    if (jvmti->SetEventCallbacks(&callbacks, sizeof callbacks) != JVMTI_ERROR_NONE) return false;
    if (!live && jvmti->SetEventNotificationMode(JVMTI_ENABLE, JVMTI_EVENT_VM_INIT, nullptr) != JVMTI_ERROR_NONE) {
        return false;
    }
    return jvmti->SetEventNotificationMode(JVMTI_ENABLE, JVMTI_EVENT_VM_DEATH, nullptr) == JVMTI_ERROR_NONE;
}

jint load(JavaVM* vm, const char* rawOptions, bool live) {
    jvmtiEnv* jvmti = nullptr;
    if (vm->GetEnv(reinterpret_cast<void**>(&jvmti), JVMTI_VERSION_1_2) != JNI_OK || jvmti == nullptr) {
        logLine("this JVM offers no JVMTI environment; the agent stays inactive");
        return JNI_OK;
    }
    jvm::VM::init(vm, jvmti);
    // JDK tools under the same JAVA_TOOL_OPTIONS: stay inert and silent.
    if (isJdkTool(currentExecutable(), jvm::VM::systemProperty("sun.java.command"))) return JNI_OK;

    if (g_running != nullptr) {
        logLine("already loaded in this JVM; the second load '" + describeOptions(rawOptions) + "' is ignored");
        return JNI_OK;
    }
    Result<AgentOptions> options = parseAgentOptions(describeOptions(rawOptions));
    if (!options) {
        logLine("invalid agent argument '" + describeOptions(rawOptions) + "': " + options.error().message +
                " (expected [host:]port:/path/to/config.yaml); the agent stays inactive");
        return JNI_OK;
    }
    if (!options->port) {
        logLine("the agent argument '" + describeOptions(rawOptions) +
                "' names no port: nativejmx only serves over HTTP (the file-only form is for the javaagent's "
                "OpenTelemetry push, which nativejmx does not support); the agent stays inactive");
        return JNI_OK;
    }
    if (loadsJmxExporterJavaagent(currentJvmOptions())) {
        logLine("jmx_prometheus_javaagent is also loaded in this JVM; nativejmx stays inactive so that it can bind "
                "its port (it stops the JVM when it cannot)");
        return JNI_OK;
    }
    g_running = new Running;
    g_running->options = std::move(options).value();
    if (!enableEvents(jvmti, live)) {
        logLine("cannot register for JVMTI events; the agent stays inactive");
        return JNI_OK;
    }
    if (live) startInBackground(g_running);
    return JNI_OK;
}

}  // namespace

jint onLoad(JavaVM* vm, const char* options, bool live) noexcept {
    try {
        return load(vm, options, live);
    } catch (const std::exception& e) {
        logLine(std::string("cannot load: ") + e.what() + "; the agent stays inactive");
    } catch (...) {
        logLine("cannot load; the agent stays inactive");
    }
    return JNI_OK;
}

}  // namespace nj::agent
