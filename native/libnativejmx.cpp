// The three symbols libnativejmx.so exports (native/agent/exports.map hides everything else).
#include <jni.h>

#include "agent/agent.h"

extern "C" {

JNIEXPORT jint JNICALL Agent_OnLoad(JavaVM* vm, char* options, void*) {
    return nj::agent::onLoad(vm, options, false);
}

JNIEXPORT jint JNICALL Agent_OnAttach(JavaVM* vm, char* options, void*) {
    return nj::agent::onLoad(vm, options, true);
}

// Nothing to do: the process is exiting, and joining our threads here could hang the exit.
JNIEXPORT void JNICALL Agent_OnUnload(JavaVM*) {}

}
