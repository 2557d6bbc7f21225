# ubaflow — the two commands a newcomer needs:
#   make demo   install what is missing, build, run the job on a simulated day
#   make test   install what is missing, build, run every test
# and the rest for people working on it:
#   make deps | build | bench | docs | clean | sanitize

BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: all deps build test test-image test-flink unit integration demo bench bench-compare docs clean sanitize

all: build

deps:
	@bash deploy/deps/install.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The fuzz targets last a minute each and use a core each: they run after
# everything else, not beside the timing-sensitive integration tests.
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -LE 'fuzz|image' $(CTEST_ARGS)
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L fuzz $(CTEST_ARGS)

# The runtime image's root file system built with debootstrap (a few minutes
# the first time, cached), ubaflow run in it under chroot: `make test-image`
# (CI runs it; it needs root).
test-image: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L image $(CTEST_ARGS)

test-flink: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L flink $(CTEST_ARGS)

unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L unit

integration: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L integration

demo: build
	@bash scripts/demo.sh $(BUILD_DIR)/ubaflow

bench: build
	@bash bench/run.sh $(BUILD_DIR)/ubaflow

# This build's hot path against an earlier revision's, side by side:
# make bench-compare BASELINE=<git revision>
bench-compare: build
	@bash bench/compare_builds.sh $(BUILD_DIR) $(BASELINE)

docs: build
	@bash scripts/generate-docs.sh $(BUILD_DIR)/ubaflow

sanitize: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DUBAFLOW_SANITIZE=address,undefined
	cmake --build build-asan -j $(JOBS)
	ctest --test-dir build-asan --output-on-failure -L unit

clean:
	rm -rf $(BUILD_DIR) build-asan
