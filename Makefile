# Fractal — every target bootstraps what it needs (pinned, idempotent). `make help` lists them.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
ENV := source tools/env.sh &&
# CI (CI=true) and `make test` use the deep Foundry profile: 1,000 fuzz runs, 1,000 invariant runs.
FOUNDRY_PROFILE ?= ci
export FOUNDRY_PROFILE

.DEFAULT_GOAL := help
.PHONY: help devnet bootstrap build test test-rust test-contracts test-e2e lint fmt vectors gas system-contracts bench-node bench-rollup deploy-local pr clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

devnet: bootstrap ## The whole stack: anvil (L1), the suite, a chain with its node and publisher, deposits; Ctrl-C stops it
	$(ENV) forge build -q
	cargo build -q -p fractal-cli
	$(ENV) target/debug/fractal devnet

bootstrap: ## Install the pinned toolchain (npm: Foundry, solc-js, circom2, circomlib, snarkjs)
	@tools/bootstrap

build: bootstrap ## Build contracts and the Rust workspace
	$(ENV) forge build
	cargo build --workspace

test: bootstrap lint test-rust test-contracts test-e2e ## Everything CI runs: lint, Rust, contracts, end to end

test-rust: ## Rust unit and integration tests, and the shared-vector drift check
	cargo test --workspace
	cargo run -q -p fractal-cli -- vectors --check

test-contracts: bootstrap ## Foundry unit, fuzz and invariant tests (profile ci by default)
	$(ENV) forge test

test-e2e: bootstrap ## End to end: the suite on anvil, `fractal node --dev`, and the rollup loop through `fractal devnet`
	cargo build -q -p fractal-cli
	$(ENV) forge build -q
	bash tests/e2e/deploy_local.sh
	bash tests/e2e/node.sh
	bash tests/e2e/rollup.sh
	E2E_DA=rollup-blob E2E_L1_PORT=18845 bash tests/e2e/rollup.sh
	bash tests/e2e/publisher_crash.sh
	@echo "# the node benchmark runs end to end (a small workload; figures come from make bench-node)"
	$(ENV) target/debug/fractal bench node --senders 10 --txs 200 --latency-txs 100 --rate 100 --repeats 1 --out .devnet/bench-smoke/node > /dev/null
	@echo "# the rollup benchmark runs end to end (a small workload; figures come from make bench-rollup)"
	$(ENV) target/debug/fractal bench rollup --holders 4 --slots 16 --out .devnet/bench-smoke/rollup --work-dir .devnet/bench-smoke/rollup-devnet > /dev/null

lint: bootstrap ## cargo fmt, clippy -D warnings, rustdoc, forge fmt (check only)
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

deploy-local: ## Start anvil, deploy the suite, register chain `base`, deposit, print the addresses
	tools/deploy-local

pr: test gas ## What a pull request must pass, plus a fresh gas report

clean: ## Remove build outputs (keeps node_modules)
	cargo clean
	rm -rf out cache broadcast .devnet
