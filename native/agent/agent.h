// The agent's lifecycle: decide at load time (cheaply) whether to run, start the server when
// the VM is initialised (or at once when attached), stop touching the JVM when it dies.
// Every problem of ours is one log line; the JVM always starts and runs on.
#pragma once

#include <jni.h>

namespace nj::agent {

// Agent_OnLoad (live = false) and Agent_OnAttach (live = true). Always returns JNI_OK.
jint onLoad(JavaVM* vm, const char* options, bool live) noexcept;

}  // namespace nj::agent
