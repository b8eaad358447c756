# Vigil: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages the build, the tests and `make run` need. pymodbus's server imports pyserial
# and serial_asyncio even for Modbus TCP; Debian only recommends them, and `deps` installs
# without recommends.
APT_PACKAGES := mosquitto mosquitto-clients libmosquitto-dev libsqlite3-dev libssl-dev libmodbus-dev sqlite3 pkg-config python3 python3-pymodbus python3-serial python3-serial-asyncio socat openssl systemd strace
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
SWIFT_FORMAT_PATHS := Package.swift Agents Core Tests Benchmarks
TEST_TIMEOUT ?= 1500

.PHONY: help deps build release static run test bench bench-smoke chaos lint format clean install deb

# What a gateway runs: the five executables, built with the Swift runtime linked in (`make static`),
# linked by the toolchain's lld with packed relative relocations: the 40,000 relocations of a
# position-independent Swift binary otherwise keep 0.9 MB of each agent resident (glibc 2.36+).
# Each function in its own section, and the busy ones linked side by side in the order of
# packaging/hot-code.order (packaging/hot-code-order.sh writes it from perf profiles): the kernel
# maps code 64 KB around each page touched, so scattered busy code kept more of it resident.
AGENTS := vigil-collector vigil-evaluator vigil-alerter vigil-recorder vigil
STATIC_FLAGS := -c release --static-swift-stdlib --scratch-path .build-static -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs \
	-Xswiftc -Xfrontend -Xswiftc -function-sections \
	-Xlinker --symbol-ordering-file=$(CURDIR)/packaging/hot-code.order -Xlinker --no-warn-symbol-ordering

# `make install`: where the binaries go (units, configuration and scripts have fixed places).
PREFIX ?= /usr/local
DESTDIR ?=

# `make chaos`: how long, and which seed (the same seed kills the same things at the same moments).
CHAOS_SECONDS ?= 300
CHAOS_SEED ?= 1

help:
	@echo "make run    install what is missing, build, and run the simulated site with a live view"
	@echo "make test   install what is missing, build, lint, and run every test"
	@echo "make bench  release and static builds, then measure against references taken in the same run"
	@echo "make chaos  kill every agent and the broker at random for CHAOS_SECONDS (300), then check the history"
	@echo "make build  debug build;  make release: release build;  make format: reformat sources"
	@echo "make install  release build, then install binaries, units, configuration, broker files and the vigil user"
	@echo "make deb    a Debian package (Swift runtime linked in) in .build-static/deb"

## Install missing Debian packages (apt-get update first, as a fresh machine has no lists).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v swift >/dev/null || { echo "swift 6 toolchain not found on PATH"; exit 1; }

build: deps
	swift build

release: deps
	swift build -c release

run: release
	VIGIL_BIN_DIR="$$(swift build -c release --show-bin-path)" scripts/run-site.sh

## Benchmarks measure, tests assert: figures are ratios to references measured in the same run.
## The agents measured are the shipped ones (`make static`); the table goes to the terminal and
## the figures to Benchmarks/results.json.
bench: release static
	VIGIL_BIN_DIR="$$(swift build -c release --show-bin-path)" VIGIL_AGENT_DIR="$$(swift build $(STATIC_FLAGS) --show-bin-path)" \
	    "$$(swift build -c release --show-bin-path)/vigil-bench"

## Every part of the benchmark once at tiny sizes, so `make bench` cannot rot; `make test` runs it.
bench-smoke: release
	VIGIL_BIN_DIR="$$(swift build -c release --show-bin-path)" "$$(swift build -c release --show-bin-path)/vigil-bench" --smoke

## Kills every agent and the broker at seeded random moments, then checks the history is exact.
## `make test` runs the same test for 60 s.
chaos: deps
	swift build --build-tests
	VIGIL_CHAOS_SECONDS=$(CHAOS_SECONDS) VIGIL_CHAOS_SEED=$(CHAOS_SEED) VIGIL_BIN_DIR="$$(swift build --show-bin-path)" \
	    swift test --skip-build --disable-xctest --filter ChaosTests

lint:
	swift format lint --strict --recursive $(SWIFT_FORMAT_PATHS)

format:
	swift format --in-place --recursive $(SWIFT_FORMAT_PATHS)

# The release build is part of the test: the optimizer has crashed on code the debug build took.
test: deps lint
	swift build -c release
	swift build --build-tests
	# Every test is Swift Testing; without XCTest the run does not end on an "Executed 0 tests" line.
	# Serial: the suites start brokers, Modbus peers and agents, and on two cores parallel suites
	# starve each other's timers, which makes the bounded-time assertions (stop within 2 s) lie.
	VIGIL_BIN_DIR="$$(swift build --show-bin-path)" timeout $(TEST_TIMEOUT) swift test --skip-build --disable-xctest --no-parallel
	# The benchmark's smoke run: every part once at tiny sizes, timings not judged.
	VIGIL_BIN_DIR="$$(swift build -c release --show-bin-path)" timeout 300 "$$(swift build -c release --show-bin-path)/vigil-bench" --smoke

## Binaries to $(PREFIX)/bin, units to /etc/systemd/system, /etc/vigil, the broker's conf.d snippet
## and ACL, then (on this machine, not into a DESTDIR) the user, broker passwords and certificates.
install: release
	$(SUDO) scripts/stage.sh "$(DESTDIR)" "$$(swift build -c release --show-bin-path)" $(PREFIX)/bin /etc/systemd/system
	@if [ -z "$(DESTDIR)" ]; then $(SUDO) packaging/setup-site; fi

## The shipped executables with the Swift runtime linked in. Product by product: the test support
## target imports Testing, which has no static build, so `swift build` of everything fails here.
static: deps
	for product in $(AGENTS); do swift build $(STATIC_FLAGS) --product $$product || exit 1; done

## A package that runs on a gateway without the Swift toolchain: the Swift runtime is linked in.
deb: static
	packaging/build-deb.sh "$$(swift build $(STATIC_FLAGS) --show-bin-path)" .build-static/deb

clean:
	rm -rf .build .build-static run
