#include "jvm/vm.h"

namespace nj::jvm {

std::string VM::systemProperty(const char* name) {
    if (jvmti_ == nullptr) return {};
    char* value = nullptr;
    if (jvmti_->GetSystemProperty(name, &value) != JVMTI_ERROR_NONE || value == nullptr) return {};
    std::string result(value);
    jvmti_->Deallocate(reinterpret_cast<unsigned char*>(value));
    return result;
}

AttachedThread::AttachedThread(const char* name) {
    JavaVM* vm = VM::vm();
    if (vm == nullptr) return;
    JavaVMAttachArgs args{JNI_VERSION_1_8, const_cast<char*>(name), nullptr};
    void* env = nullptr;
    if (vm->AttachCurrentThreadAsDaemon(&env, &args) == JNI_OK) env_ = static_cast<JNIEnv*>(env);
}

AttachedThread::~AttachedThread() {
    if (env_ != nullptr) VM::vm()->DetachCurrentThread();
}

std::string takeException(JNIEnv* env) {
    if (!env->ExceptionCheck()) return {};
    jthrowable thrown = env->ExceptionOccurred();
    env->ExceptionClear();
    std::string text = "a Java exception (its description could not be read)";
    jclass objectClass = env->FindClass("java/lang/Object");
    if (objectClass != nullptr) {
        jmethodID toString = env->GetMethodID(objectClass, "toString", "()Ljava/lang/String;");
        if (toString != nullptr) {
            auto description = static_cast<jstring>(env->CallObjectMethod(thrown, toString));
            if (!env->ExceptionCheck() && description != nullptr) text = toStdString(env, description);
            env->DeleteLocalRef(description);
        }
        env->DeleteLocalRef(objectClass);
    }
    env->ExceptionClear();
    env->DeleteLocalRef(thrown);
    return text;
}

std::string toStdString(JNIEnv* env, jstring s) {
    if (s == nullptr) return {};
    const char* chars = env->GetStringUTFChars(s, nullptr);
    if (chars == nullptr) {
        env->ExceptionClear();
        return {};
    }
    std::string result(chars);
    env->ReleaseStringUTFChars(s, chars);
    return result;
}

}  // namespace nj::jvm
