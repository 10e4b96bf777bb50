# Fractal — every target bootstraps what it needs (pinned, idempotent). `make help` lists them.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
ENV := source tools/env.sh &&
# CI (CI=true) and `make test` use the deep Foundry profile: 1,000 fuzz runs, 1,000 invariant runs.
FOUNDRY_PROFILE ?= ci
export FOUNDRY_PROFILE
# A stage's first line: its name and the wall-clock time, so a CI log shows where the minutes go.
STAMP = @echo "\# [$$(date -u +%T)] $@"

.DEFAULT_GOAL := help
.PHONY: help devnet bootstrap circuits setup fixture setup-check build test test-rust test-circuits test-contracts test-e2e lint fmt vectors gas system-contracts bench-node bench-rollup bench-proofs deploy-local pr clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

devnet: setup ## The whole stack: anvil (L1), the suite, a chain with its node and a publisher submitting Groth16 proofs, deposits; Ctrl-C stops it
	$(ENV) forge build -q
	$(ENV) target/debug/fractal devnet --prover groth16

circuits: bootstrap ## Compile the chunk circuits (wide and dense) into circuits/build (skipped when their sources did not change)
	$(STAMP)
	tools/circuits

VERIFIERS := Groth16Verifier.sol Groth16DenseVerifier.sol

setup: circuits ## Development keys (INSECURE, cached by circuit hash) for the chunk circuits, and Groth16Verifier.sol and Groth16DenseVerifier.sol from them
	$(STAMP)
	cargo build -q -p fractal-cli
	target/debug/fractal setup
	$(ENV) forge fmt $(addprefix contracts/src/settlement/,$(VERIFIERS))

fixture: setup ## Prove the sample batch again for the Foundry tests (contracts/test/fixtures/groth16-batch.json)
	target/debug/fractal setup --fixture contracts/test/fixtures/groth16-batch.json
	$(ENV) forge fmt $(addprefix contracts/src/settlement/,$(VERIFIERS))

setup-check: circuits ## Fail when Groth16Verifier.sol or Groth16DenseVerifier.sol is not what the circuits' development keys render
	$(STAMP)
	cargo build -q -p fractal-cli
	mkdir -p .devnet/setup-check
	target/debug/fractal setup --verifier-dir .devnet/setup-check > /dev/null
	$(ENV) forge fmt $(addprefix .devnet/setup-check/,$(VERIFIERS))
	for f in $(VERIFIERS); do diff -u contracts/src/settlement/$$f .devnet/setup-check/$$f || { echo "$$f is stale: run make setup and commit it" >&2; exit 1; }; done

bootstrap: ## Install the pinned toolchain (npm: Foundry, solc-js, circom2, circomlib, snarkjs)
	@tools/bootstrap

build: bootstrap ## Build contracts and the Rust workspace
	$(ENV) forge build
	cargo build --workspace

test: bootstrap lint setup-check test-rust test-circuits test-contracts test-e2e ## Everything CI runs: lint, the verifier drift check, Rust, circuit templates, contracts, end to end

test-rust: circuits ## Rust unit and integration tests (the prover's use the compiled circuit), and the shared-vector drift check
	$(STAMP)
	cargo test --workspace
	cargo run -q -p fractal-cli -- vectors --check

test-circuits: bootstrap ## Circuit templates on their own, against references written in the tests (tests/circuits)
	$(STAMP)
	node tests/circuits/stream_append.mjs
	node tests/circuits/pubdata_row.mjs
	node tests/circuits/bound_writes.mjs
	node tests/circuits/batch_chunk.mjs

test-contracts: bootstrap ## Foundry unit, fuzz and invariant tests (profile ci by default)
	$(STAMP)
	$(ENV) forge test

test-e2e: bootstrap setup ## End to end: the suite on anvil, `fractal node --dev`, the rollup loop through `fractal devnet`, real proofs
	$(STAMP)
	cargo build -q -p fractal-cli
	$(ENV) forge build -q
	bash tests/e2e/deploy_local.sh
	bash tests/e2e/node.sh
	bash tests/e2e/rollup.sh
	bash tests/e2e/proofs.sh
	E2E_DA=rollup-blob E2E_L1_PORT=18845 bash tests/e2e/rollup.sh
	bash tests/e2e/publisher_crash.sh
	@echo "# the node benchmark runs end to end (a small workload; figures come from make bench-node)"
	$(ENV) target/debug/fractal bench node --senders 10 --txs 200 --latency-txs 100 --rate 100 --repeats 1 --out .devnet/bench-smoke/node > /dev/null
	@echo "# the rollup benchmark runs end to end (a small workload; figures come from make bench-rollup)"
	$(ENV) target/debug/fractal bench rollup --holders 4 --slots 16 --out .devnet/bench-smoke/rollup --work-dir .devnet/bench-smoke/rollup-devnet > /dev/null
	@echo "# the proof benchmark runs end to end (one repeat, no snarkjs; figures come from make bench-proofs)"
	$(ENV) target/debug/fractal bench proofs --repeats 1 --skip-snarkjs --out .devnet/bench-smoke/proofs > /dev/null

lint: bootstrap ## cargo fmt, clippy -D warnings, rustdoc, forge fmt (check only)
	$(STAMP)
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q
	$(ENV) forge fmt --check contracts script
	tools/system-contracts --check

fmt: bootstrap ## Format Rust and Solidity
	cargo fmt --all
	$(ENV) forge fmt contracts script

system-contracts: bootstrap ## Regenerate crates/node/genesis/*.hex (the genesis system contracts' runtime code)
	tools/system-contracts

vectors: ## Regenerate contracts/test/vectors/shared.json from the Rust encodings
	cargo run -q -p fractal-cli -- vectors

gas: bootstrap ## Write the contracts' gas report to bench/gas-report.md
	$(ENV) tools/gas-report > bench/gas-report.md

bench-node: bootstrap ## Node vs anvil on the same workload: tx/s, ratio, p50/p99 submit→receipt → bench/node.md
	$(ENV) forge build -q
	cargo build -q --release -p fractal-cli
	$(ENV) target/release/fractal bench node

bench-rollup: bootstrap ## Pubdata bytes per transfer, first and repeated write; L1 gas per batch, through fractal devnet → bench/rollup.md
	$(ENV) forge build -q
	@# Sizes and gas do not depend on the build profile: the debug build that make devnet uses.
	cargo build -q -p fractal-cli
	$(ENV) target/debug/fractal bench rollup

bench-proofs: circuits ## arkworks vs snarkjs on one chunk (same key, same witness), constraints per write, proven writes/s, key sizes, verification gas → bench/proofs.md
	$(ENV) forge build -q
	@# The dev profile compiles fractal-prover and its dependencies at opt-level 3: the debug build proves at full speed.
	cargo build -q -p fractal-cli
	$(ENV) target/debug/fractal bench proofs

deploy-local: ## Start anvil, deploy the suite, register chain `base`, deposit, print the addresses
	tools/deploy-local

pr: test gas ## What a pull request must pass, plus a fresh gas report

clean: ## Remove build outputs (keeps node_modules)
	cargo clean
	rm -rf out cache broadcast .devnet
