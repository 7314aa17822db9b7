// The single owner of JavaVM* / jvmtiEnv*, and the helpers every JNI call site uses.
#pragma once

#include <jni.h>
#include <jvmti.h>

#include <string>

namespace nj::jvm {

class VM {
public:
    static void init(JavaVM* vm, jvmtiEnv* jvmti) { vm_ = vm; jvmti_ = jvmti; }
    static JavaVM* vm() { return vm_; }
    static jvmtiEnv* jvmti() { return jvmti_; }

    // A JVMTI system property (usable from the OnLoad phase on; in the live phase only on an
    // attached thread), or "" if absent.
    static std::string systemProperty(const char* name);

private:
    static inline JavaVM* vm_ = nullptr;
    static inline jvmtiEnv* jvmti_ = nullptr;
};

// Attaches the calling native thread to the JVM as a daemon with a name (so it never
// keeps the JVM alive and shows up clearly in thread dumps); detaches on destruction.
class AttachedThread {
public:
    explicit AttachedThread(const char* name);
    ~AttachedThread();
    AttachedThread(const AttachedThread&) = delete;
    AttachedThread& operator=(const AttachedThread&) = delete;

    JNIEnv* env() const { return env_; }   // nullptr if the JVM refused (e.g. it is shutting down)

private:
    JNIEnv* env_ = nullptr;
};

// PushLocalFrame/PopLocalFrame around a unit of work, so local references never pile up.
class LocalFrame {
public:
    LocalFrame(JNIEnv* env, jint capacity) : env_(env), ok_(env->PushLocalFrame(capacity) == JNI_OK) {}
    ~LocalFrame() { if (ok_) env_->PopLocalFrame(nullptr); }
    bool ok() const { return ok_; }
    LocalFrame(const LocalFrame&) = delete;
    LocalFrame& operator=(const LocalFrame&) = delete;

private:
    JNIEnv* env_;
    bool ok_;
};

// If a Java exception is pending: clears it and returns its toString() (or a fixed text when
// even that fails); otherwise returns "". Every JNI call is followed by one of these.
std::string takeException(JNIEnv* env);

// A Java String as UTF-8 (the JNI "modified UTF-8" differs only for NUL and non-BMP
// characters, which the shim never hands us this way: its bulk data is real UTF-8).
std::string toStdString(JNIEnv* env, jstring s);

}  // namespace nj::jvm
