# JAVA_HOME from javac's real path: find_package(JNI) fails on Debian's headless JDK.
find_program(NJ_JAVAC javac REQUIRED)
get_filename_component(_nj_javac_real "${NJ_JAVAC}" REALPATH)
get_filename_component(_nj_java_bin "${_nj_javac_real}" DIRECTORY)
get_filename_component(NJ_JAVA_HOME "${_nj_java_bin}" DIRECTORY)
set(JAVA_HOME "${NJ_JAVA_HOME}")
find_package(JNI REQUIRED OPTIONAL_COMPONENTS JVM)
message(STATUS "nativejmx: JDK for headers and the java-shim: ${NJ_JAVA_HOME}")
