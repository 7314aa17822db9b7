# Third-party libraries behind stable target names:
#   nj::re2 nj::pcre2 nj::yaml nj::zlib nj::ssl Boost::headers (and GTest::gtest_main for tests)
#
# The agent is one self-contained .so (ldd: glibc only), so every library is linked statically
# and must be PIC. Debian's libssl.a/libcrypto.a/libpcre2-8.a are PIC and used as they are.
# Debian's libre2.a, libyaml-cpp.a and libz.a are not, so those three are rebuilt here from
# Debian's own source packages (same versions and patches as the system's) with -fPIC:
#   configure time: apt-get source + dpkg-source -x into ${CMAKE_BINARY_DIR}/_deps/src (once)
#   build time:     ExternalProject builds and installs them into _deps/install (once; stamps
#                   make later builds a no-op)
# Needs the deb-src entry that scripts/install-deps.sh adds.
include(ExternalProject)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)  # header-only Beast/Asio: Boost::headers

# Overridable so several build trees (e.g. git worktrees) can share one set of built
# dependencies instead of each fetching and compiling them again.
set(NJ_DEPS_DIR ${CMAKE_BINARY_DIR}/_deps CACHE PATH "where third-party sources are fetched and built")
set(NJ_DEPS_PREFIX ${NJ_DEPS_DIR}/install)
# Imported targets must name include dirs that exist at generate time; the headers arrive at
# build time, before anything that includes them compiles (target-level dependencies below).
file(MAKE_DIRECTORY ${NJ_DEPS_PREFIX}/include ${NJ_DEPS_PREFIX}/lib)

# The compilers of the bundled libraries: the project's, except in the clang fuzzing build,
# which links the gcc-built ones of the main build (same libstdc++) rather than build its own.
set(NJ_DEPS_C_COMPILER ${CMAKE_C_COMPILER} CACHE FILEPATH "C compiler of the bundled libraries")
set(NJ_DEPS_CXX_COMPILER ${CMAKE_CXX_COMPILER} CACHE FILEPATH "C++ compiler of the bundled libraries")

set(NJ_DEPS_C_FLAGS "-O2 -fPIC -fvisibility=hidden")
set(NJ_DEPS_CXX_FLAGS "${NJ_DEPS_C_FLAGS} -fvisibility-inlines-hidden")

# Fetches and unpacks Debian source package `pkg` unless already unpacked; sets `out_dir`.
# PREPARE: a command run in the unpacked tree to restore what Debian's repack removed.
function(nj_debian_source pkg out_dir)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "PREPARE")
  set(src ${NJ_DEPS_DIR}/src/${pkg})
  set(${out_dir} ${src} PARENT_SCOPE)
  if(EXISTS ${src})
    return()
  endif()
  set(dl ${NJ_DEPS_DIR}/download/${pkg})
  file(REMOVE_RECURSE ${dl} ${src}.tmp)
  file(MAKE_DIRECTORY ${dl} ${NJ_DEPS_DIR}/src)
  message(STATUS "nativejmx: fetching Debian source package ${pkg}")
  execute_process(COMMAND apt-get source --download-only ${pkg}
    WORKING_DIRECTORY ${dl} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  file(GLOB dsc ${dl}/*.dsc)
  if(rc OR NOT dsc)
    message(FATAL_ERROR "apt-get source ${pkg} failed (no deb-src entry? run scripts/install-deps.sh):\n${out}")
  endif()
  # Unpack beside the final name and rename, so an interrupted run never looks complete.
  # (dpkg-source warns that it cannot check the .dsc signature: apt already verified the
  # files' hashes against the signed archive index, and dpkg-source checks them again.)
  execute_process(COMMAND dpkg-source --no-copy -x ${dsc} ${src}.tmp
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(rc)
    message(FATAL_ERROR "dpkg-source -x ${dsc} failed:\n${out}")
  endif()
  if(arg_PREPARE)
    execute_process(COMMAND ${arg_PREPARE} WORKING_DIRECTORY ${src}.tmp
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(rc)
      message(FATAL_ERROR "preparing ${pkg} (${arg_PREPARE}) failed (run scripts/install-deps.sh):\n${out}")
    endif()
  endif()
  file(RENAME ${src}.tmp ${src})
endfunction()

# A static library from _deps/install as an imported target that waits for its build step.
function(nj_bundled_library target ep file)
  add_library(${target} STATIC IMPORTED)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION ${NJ_DEPS_PREFIX}/lib/${file}
    INTERFACE_INCLUDE_DIRECTORIES ${NJ_DEPS_PREFIX}/include)
  add_dependencies(${target} ${ep})
endfunction()

set(_nj_cmake_args
  --no-warn-unused-cli                   # re2 and yaml-cpp are C++-only: C settings unused
  -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_C_COMPILER=${NJ_DEPS_C_COMPILER}
  -DCMAKE_CXX_COMPILER=${NJ_DEPS_CXX_COMPILER}
  "-DCMAKE_C_FLAGS=${NJ_DEPS_C_FLAGS}"
  "-DCMAKE_CXX_FLAGS=${NJ_DEPS_CXX_FLAGS}"
  "-DCMAKE_C_FLAGS_RELEASE=-DNDEBUG"      # -O2 comes from the flags above, not Release's -O3
  "-DCMAKE_CXX_FLAGS_RELEASE=-DNDEBUG"
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON
  -DBUILD_SHARED_LIBS=OFF
  -DCMAKE_INSTALL_PREFIX=<INSTALL_DIR>
  -DCMAKE_INSTALL_LIBDIR=lib)              # not lib/x86_64-linux-gnu: one fixed path
set(_nj_ep_common INSTALL_DIR ${NJ_DEPS_PREFIX} PREFIX ${NJ_DEPS_DIR}/ep
  DOWNLOAD_COMMAND "" UPDATE_COMMAND "" TEST_COMMAND "")

# Debian's re2 +dfsg tarball drops the generated Unicode/Perl tables; regenerate them the way
# Debian does (upstream's Makefile rules; needs perl, python3-six and unicode-data).
nj_debian_source(re2 _re2_src PREPARE make REBUILD_TABLES=1
  re2/perl_groups.cc re2/unicode_casefold.cc re2/unicode_groups.cc)
ExternalProject_Add(nj_dep_re2 ${_nj_ep_common} SOURCE_DIR ${_re2_src}
  CMAKE_ARGS ${_nj_cmake_args} -DRE2_BUILD_TESTING=OFF
  BUILD_BYPRODUCTS ${NJ_DEPS_PREFIX}/lib/libre2.a)
nj_bundled_library(nj::re2 nj_dep_re2 libre2.a)
target_link_libraries(nj::re2 INTERFACE Threads::Threads)

nj_debian_source(yaml-cpp _yaml_src)
ExternalProject_Add(nj_dep_yaml ${_nj_ep_common} SOURCE_DIR ${_yaml_src}
  CMAKE_ARGS ${_nj_cmake_args} -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF
    -DYAML_BUILD_SHARED_LIBS=OFF
  BUILD_BYPRODUCTS ${NJ_DEPS_PREFIX}/lib/libyaml-cpp.a)
nj_bundled_library(nj::yaml nj_dep_yaml libyaml-cpp.a)

# zlib's CMakeLists always builds and installs the shared libz too; its own
# configure --static builds only libz.a.
nj_debian_source(zlib _zlib_src)
ExternalProject_Add(nj_dep_zlib ${_nj_ep_common} SOURCE_DIR ${_zlib_src} BUILD_IN_SOURCE ON
  CONFIGURE_COMMAND ${CMAKE_COMMAND} -E env CC=${NJ_DEPS_C_COMPILER} "CFLAGS=${NJ_DEPS_C_FLAGS}"
    ./configure --static --prefix=<INSTALL_DIR>
  BUILD_BYPRODUCTS ${NJ_DEPS_PREFIX}/lib/libz.a)
nj_bundled_library(nj::zlib nj_dep_zlib libz.a)

# PCRE2 (8-bit): Debian's static archive is PIC.
find_path(NJ_PCRE2_INCLUDE_DIR pcre2.h REQUIRED)
find_library(NJ_PCRE2_LIBRARY NAMES libpcre2-8.a REQUIRED)
add_library(nj::pcre2 STATIC IMPORTED)
set_target_properties(nj::pcre2 PROPERTIES
  IMPORTED_LOCATION ${NJ_PCRE2_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${NJ_PCRE2_INCLUDE_DIR}
  INTERFACE_COMPILE_DEFINITIONS PCRE2_CODE_UNIT_WIDTH=8)  # pcre2.h requires it; 8 is this library

# OpenSSL: Debian's static archives are PIC; FindOpenSSL adds -ldl and Threads for static libcrypto.
set(OPENSSL_USE_STATIC_LIBS TRUE)
find_package(OpenSSL 3 REQUIRED)
add_library(nj::ssl INTERFACE IMPORTED)
target_link_libraries(nj::ssl INTERFACE OpenSSL::SSL OpenSSL::Crypto Threads::Threads ${CMAKE_DL_LIBS})

if(NJ_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
