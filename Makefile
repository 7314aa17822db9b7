# Thin entry points; the build itself is CMake (see CMakeLists.txt).
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

AGENT := $(BUILD)/native/libnativejmx.so
FUZZ_BUILD ?= $(BUILD)-fuzz
FUZZ_SECONDS ?= 45

.PHONY: all deps build demo test unit-test jvm-test e2e-test fuzz-build fuzz-test bench clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@scripts/demo.sh $(AGENT)

unit-test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

jvm-test: build
	NJ_AGENT=$(abspath $(AGENT)) NJ_BUILD=$(abspath $(BUILD)) /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/jvm

# Real servers from Debian's packages, a real Prometheus, docker/ and gradle/ (tests/e2e/).
e2e-test: build
	NJ_AGENT=$(abspath $(AGENT)) NJ_BUILD=$(abspath $(BUILD)) /usr/bin/python3 -m pytest -q -p no:cacheprovider -rs tests/e2e

# The fuzzers: a clang tree with ASan and UBSan that links the bundled libraries the main
# build made with its own compiler (so NJ_DEPS_DIR and the compilers come from its cache).
# `make fuzz-test FUZZ_SECONDS=900` fuzzes longer.
cache_value = $(shell sed -n 's/^$(1):[A-Z]*=//p' $(BUILD)/CMakeCache.txt)
deps_compiler = $(or $(call cache_value,NJ_DEPS_$(1)_COMPILER),$(call cache_value,CMAKE_$(1)_COMPILER))
fuzz-build: build
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNJ_FUZZ=ON \
	  -DNJ_BUILD_TESTS=OFF -DNJ_DEPS_DIR=$(call cache_value,NJ_DEPS_DIR) \
	  -DNJ_DEPS_C_COMPILER=$(call deps_compiler,C) -DNJ_DEPS_CXX_COMPILER=$(call deps_compiler,CXX) >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target nj_fuzz_request nj_fuzz_config

fuzz-test: fuzz-build
	tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

test: unit-test jvm-test e2e-test fuzz-test

bench: build
	@bench/run.sh $(AGENT)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
