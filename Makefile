# CivicVault: `make run` starts the service, `make test` runs every test, `make bench` measures.
SWIFT ?= swift
CONFIG ?= debug
KEYS ?= .civicvault/keys
DATA ?= .civicvault/data
SYSTEM_PACKAGES = libsodium-dev libsqlite3-dev pkg-config
## Only for `make test`: the PostgreSQL backend tests run against a throwaway local server (scripts/postgres-test.sh);
## the pages' browser tests drive Debian's headless chromium with its chromedriver (Selenium from PyPI, in a venv).
TEST_SYSTEM_PACKAGES = postgresql chromium chromium-driver fonts-dejavu-core
BIN = .build/$(CONFIG)/civicvault

.PHONY: deps test-deps build test test-browser pg-start pg-stop run demo clean bench soak

## Install the system packages that are missing (Debian/Ubuntu); does nothing when all are present.
deps:
	@scripts/install-packages.sh $(SYSTEM_PACKAGES)

## The same for what only the tests need (without Debian's recommended extras such as an MTA).
test-deps:
	@scripts/install-packages.sh --no-install-recommends $(TEST_SYSTEM_PACKAGES)

build: deps
	$(SWIFT) build -c $(CONFIG)

## Starts the throwaway PostgreSQL (scripts/postgres-test.sh) for the tests and stops it afterwards, whether the
## tests pass, fail or are interrupted; then the pages' browser tests (make test-browser). The exit status is the
## first failure's.
test: deps test-deps
	$(SWIFT) build --build-tests
	trap 'scripts/postgres-test.sh stop' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	scripts/postgres-test.sh start && \
	CIVICVAULT_TEST_POSTGRES_URL="$$(scripts/postgres-test.sh url)" CIVICVAULT_TEST_POSTGRES_CA="$$(scripts/postgres-test.sh ca)" \
	  CIVICVAULT_REQUIRE_POSTGRES=1 \
	  $(SWIFT) test --skip-build
	BIN=.build/debug/civicvault scripts/browser-tests.sh

## The pages in a real browser: Selenium drives headless chromium through each page's journey against a node it
## starts on a free loopback port, writing docs/screenshots/*.png (scripts/browser-tests.sh).
test-browser: test-deps
	$(SWIFT) build --product civicvault
	BIN=.build/debug/civicvault scripts/browser-tests.sh

## The test PostgreSQL by hand: `make pg-start`, then
## CIVICVAULT_TEST_POSTGRES_URL=$(scripts/postgres-test.sh url) swift test --filter LedgerStoreTests; `make pg-stop`.
pg-start: test-deps
	@scripts/postgres-test.sh start

pg-stop:
	@scripts/postgres-test.sh stop

run: build
	BIN=$(BIN) KEYS=$(KEYS) DATA=$(DATA) scripts/dev-run.sh

## Walk the whole story against the node started by `make run` (in another shell); SCENARIO=civil-identity,
## land-registry or certificates installs that scenario (scenarios/NAME: schemas, policy rules, transfer rule) and walks it.
demo: build
	$(BIN) demo --keys $(KEYS) --data $(DATA) --url http://127.0.0.1:8080 $(if $(SCENARIO),--scenario $(SCENARIO))

## Every benchmark beside its baseline, measured in one run (scripts/bench/run.py): writes docs/BENCHMARKS.md.
## QUICK=1: fewer iterations, written to .build/bench/BENCHMARKS.md. Installs wrk and the peers' venv when missing.
## The measurements are the `civicvault-bench` binary (Sources/CivicVaultBench); the service bench runs `civicvault`.
bench: deps
	$(SWIFT) build -c release --product civicvault
	$(SWIFT) build -c release --product civicvault-bench
	python3 scripts/bench/run.py --bin .build/release/civicvault --bench-bin .build/release/civicvault-bench $(if $(QUICK),--quick)

## The long reliability suites (docs/RELIABILITY.md): 50 kill -9 cycles of the server (on SQLite and PostgreSQL), 10^5 mutations each of
## proofs and bundles (and of every other decoder), 400 random flips of a database (both backends), the leak scan,
## schemathesis against docs/openapi.yaml and 60 s of wrk per route. Everything talks to 127.0.0.1 only.
soak: deps test-deps
	@command -v wrk >/dev/null || { SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; $$SUDO apt-get install -y wrk || { $$SUDO apt-get update && $$SUDO apt-get install -y wrk; }; }
	$(SWIFT) build --build-tests
	trap 'scripts/postgres-test.sh stop' EXIT; scripts/postgres-test.sh start && \
	export CIVICVAULT_TEST_POSTGRES_URL="$$(scripts/postgres-test.sh url)" && \
	CIVICVAULT_CRASH_CYCLES=$${CIVICVAULT_CRASH_CYCLES:-50} $(SWIFT) test --skip-build --filter ServerCrashTests && \
	CIVICVAULT_TAMPER_FLIPS=$${CIVICVAULT_TAMPER_FLIPS:-400} $(SWIFT) test --skip-build --filter VaultTamperTests
	CIVICVAULT_FUZZ_ITERATIONS=$${CIVICVAULT_FUZZ_ITERATIONS:-100000} $(SWIFT) test --skip-build --filter FuzzDecoderTests
	python3 scripts/reliability/leak_scan.py
	API_FUZZ_EXAMPLES=$${API_FUZZ_EXAMPLES:-300} python3 scripts/reliability/api_fuzz.py
	LOAD_SECONDS=$${LOAD_SECONDS:-60} python3 scripts/reliability/load.py

clean:
	rm -rf .build
