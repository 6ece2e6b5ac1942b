# Nimbus build, run and test entry points. `make demo` and `make test` are the two commands a
# newcomer needs; everything else is for development.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR
CARGO ?= cargo
NPM ?= npm
DEBUG_BIN := $(CARGO_TARGET_DIR)/debug/nimbus
RELEASE_BIN := $(CARGO_TARGET_DIR)/release/nimbus

.PHONY: help demo test build lint bench wrk openapi soak frontend frontend-deps browser-deps chromium \
        isoinfo systemd-analyze shellcheck release test-scripts test-release test-rust test-frontend test-api-client test-api-conformance test-proxmoxer test-browser test-browser-templates clean

help:
	@echo "make demo    build everything and run Nimbus on a simulated cluster at http://127.0.0.1:8080"
	@echo "make test    run every test (Rust, frontend, OpenAPI drift, browser tests in Chromium)"
	@echo "make build   release binary with the portal embedded: $(RELEASE_BIN)"
	@echo "make release the release assets in dist/: binaries named by architecture, quickinstall.sh, SHA256SUMS"
	@echo "make lint    clippy (warnings denied), rustfmt check, eslint"
	@echo "make bench   benchmarks (start-up, memory, provisioning, 100 at once, scoring, GPU queue, ...): docs/benchmarks.md"
	@echo "make openapi regenerate openapi/nimbus.json and the TypeScript client"
	@echo "make soak    the simulation tests over SEEDS seeds (default $(SEEDS), from SEED_FROM=$(SEED_FROM)); lists failing seeds"

# --- frontend -------------------------------------------------------------------------------

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && $(NPM) ci --no-audit --no-fund --loglevel=error

frontend-deps: frontend/node_modules/.package-lock.json

# The portal is rebuilt only when its sources change: a rebuilt dist/ makes Cargo re-embed it.
FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json frontend/tsconfig.app.json \
	frontend/package-lock.json

frontend/dist/index.html: $(FRONTEND_SOURCES) frontend/node_modules/.package-lock.json
	cd frontend && $(NPM) run build

frontend: frontend/dist/index.html

tests/browser/node_modules/.package-lock.json: tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && $(NPM) ci --no-audit --no-fund --loglevel=error

browser-deps: tests/browser/node_modules/.package-lock.json

chromium:
	@scripts/ensure-chromium.sh

shellcheck:
	@scripts/ensure-shellcheck.sh

# isoinfo (Debian's genisoimage) reads the bake's cidata ISO in tests/it/cidata_iso.rs.
isoinfo:
	@scripts/ensure-isoinfo.sh

# systemd-analyze verifies the unit `nimbus install` writes (tests/it/install).
systemd-analyze:
	@scripts/ensure-systemd-analyze.sh

# --- run --------------------------------------------------------------------------------------

build: frontend
	$(CARGO) build --release --locked --workspace --bins
	@echo "built $(RELEASE_BIN) ($$(du -h $(RELEASE_BIN) | cut -f1))"

demo: build
	$(RELEASE_BIN) demo

# The release assets (scripts/build.sh --help): nimbus-linux-<arch>, gx10-worker-linux-<arch>,
# quickinstall.sh and SHA256SUMS. NIMBUS_RELEASE_BASE, when set, is built into quickinstall.sh.
release:
	scripts/build.sh --out dist

# --- test -------------------------------------------------------------------------------------

test: test-frontend test-api-client test-rust test-api-conformance test-proxmoxer test-browser test-scripts \
      test-release
	@echo "make test: all suites passed"

# The portal is built first so the Rust tests and the browser tests see the real files.
# The workspace's binaries first: the GPU tests run the real gx10-worker beside nimbus.
test-rust: frontend isoinfo systemd-analyze
	$(CARGO) build --locked --workspace --bins
	$(CARGO) test --locked --workspace

test-frontend: frontend-deps
	cd frontend && $(NPM) run typecheck && $(NPM) run lint && $(NPM) test

# The committed TypeScript client must match the committed spec (the spec itself is checked
# against the code by the Rust test `committed_spec_matches_the_code`).
test-api-client: frontend-deps
	@tmp=$$(mktemp -d); \
	(cd frontend && npx --no-install openapi-typescript ../openapi/nimbus.json -o "$$tmp/schema.d.ts" >/dev/null); \
	if ! diff -q "$$tmp/schema.d.ts" frontend/src/api/schema.d.ts >/dev/null; then \
	  echo "frontend/src/api/schema.d.ts is stale: run 'make openapi'"; rm -rf "$$tmp"; exit 1; fi; \
	rm -rf "$$tmp"; echo "TypeScript API client matches openapi/nimbus.json"

# schemathesis against a live demo: every answer must match the committed spec.
test-api-conformance:
	$(CARGO) build --locked --workspace --bins
	scripts/api-conformance.sh $(DEBUG_BIN)

# An independent Proxmox client (Python proxmoxer) against `nimbus sim-proxmox`.
test-proxmoxer:
	$(CARGO) build --locked --bin nimbus
	scripts/proxmoxer-smoke.sh $(DEBUG_BIN)

test-browser: frontend browser-deps chromium
	$(CARGO) build --locked --workspace --bins
	NIMBUS_BIN=$(DEBUG_BIN) node tests/browser/run.mjs
	NIMBUS_BIN=$(DEBUG_BIN) node tests/browser/templates.mjs
	NIMBUS_BIN=$(DEBUG_BIN) node tests/browser/setup.mjs

# The shell scripts: shellcheck-clean, every --help answers (from another directory), and the
# build dependencies are present.
test-scripts: shellcheck
	shellcheck scripts/*.sh
	@for s in scripts/*.sh; do \
	  (cd / && bash "$(CURDIR)/$$s" --help >/dev/null) || { echo "$$s --help failed"; exit 1; }; \
	done; echo "every script's --help exits 0"
	scripts/install-deps.sh --check

# The release assets verify against their SHA256SUMS and the binary is this version; a build with
# NIMBUS_RELEASE_BASE writes that base into quickinstall.sh.
test-release: release
	cd dist && sha256sum -c SHA256SUMS
	@want="nimbus $$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"; \
	got="$$(dist/nimbus-linux-$$(uname -m) version)"; \
	if [ "$$got" != "$$want" ]; then echo "dist/nimbus-linux-$$(uname -m) version printed '$$got', not '$$want'"; exit 1; fi; \
	echo "dist/nimbus-linux-$$(uname -m) version: $$got"
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	NIMBUS_RELEASE_BASE=https://releases.example.invalid/v0/ scripts/build.sh --out "$$tmp" >/dev/null; \
	grep -qx "built_in_base='https://releases.example.invalid/v0'" "$$tmp/quickinstall.sh" || \
	  { echo "build.sh did not write NIMBUS_RELEASE_BASE into quickinstall.sh"; exit 1; }; \
	(cd "$$tmp" && sha256sum --quiet -c SHA256SUMS); \
	echo "build.sh writes NIMBUS_RELEASE_BASE into quickinstall.sh"

# The template bootstrap end to end on `nimbus demo --empty` alone.
test-browser-templates: frontend browser-deps chromium
	$(CARGO) build --locked --bin nimbus
	NIMBUS_BIN=$(DEBUG_BIN) node tests/browser/templates.mjs

# --- development ----------------------------------------------------------------------------

# The simulation tests (tests/it/provisioning) once per seed, each run with its own SIM_SEED: the
# seed drives the simulated cluster's jitter and its schedule of faults. `make test` runs them with
# the default seed only.
SEEDS ?= 20
SEED_FROM ?= 1
SOAK_LOG ?= $(CARGO_TARGET_DIR)/soak

soak:
	$(CARGO) test --locked --test it --no-run
	@mkdir -p $(SOAK_LOG); rm -f $(SOAK_LOG)/seed-*.log; clean=0; failed=""; \
	for seed in $$(seq $(SEED_FROM) $$(( $(SEED_FROM) + $(SEEDS) - 1 ))); do \
	  if SIM_SEED=$$seed $(CARGO) test --locked --quiet --test it provisioning:: >$(SOAK_LOG)/seed-$$seed.log 2>&1; then \
	    clean=$$((clean + 1)); rm -f $(SOAK_LOG)/seed-$$seed.log; \
	  else failed="$$failed $$seed"; echo "SIM_SEED=$$seed failed (log: $(SOAK_LOG)/seed-$$seed.log)"; fi; \
	done; \
	echo "make soak: $$clean of $(SEEDS) seeds ran clean"; \
	if [ -n "$$failed" ]; then \
	  echo "failing seeds:$$failed"; \
	  echo "replay one with: SIM_SEED=<seed> cargo test --test it provisioning::"; exit 1; fi

openapi: frontend-deps
	$(CARGO) run --quiet --locked --bin nimbus -- openapi > openapi/nimbus.json
	cd frontend && $(NPM) run gen:api

lint: frontend-deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	cd frontend && $(NPM) run lint

bench: build
	scripts/bench-startup.sh $(RELEASE_BIN)
	cargo bench --bench sim_cluster
	cargo bench --bench proxmox_http
	cargo bench --bench accounts
	cargo bench --bench provisioning
	cargo bench --bench scoring
	cargo bench --bench overhead
	cargo bench --bench fleet
	cargo bench --bench bootstrap
	cargo bench --bench gpu
	@$(MAKE) --no-print-directory wrk
	@if command -v wrk >/dev/null; then cargo bench --bench list_load; \
	  else echo "make bench: skipping list_load (GET /api/vms under wrk): wrk is not installed; install it with 'sudo apt-get install wrk'"; fi

# wrk (the HTTP load generator list_load uses): installed when missing if this runs as root with
# apt-get; otherwise only says how to install it.
wrk:
	@command -v wrk >/dev/null && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing wrk"; \
	  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || true; \
	else echo "wrk is not installed and this is not root: install it with 'sudo apt-get install wrk'"; fi

clean:
	$(CARGO) clean
	rm -rf frontend/dist frontend/node_modules tests/browser/node_modules .venv
