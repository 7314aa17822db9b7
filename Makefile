# Thin entry points; the build itself is CMake (see CMakeLists.txt).
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

AGENT := $(BUILD)/native/libnativejmx.so

.PHONY: all deps build demo test unit-test jvm-test e2e-test bench clean

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

test: unit-test jvm-test e2e-test

bench: build
	@bench/run.sh $(AGENT)

clean:
	rm -rf $(BUILD)
