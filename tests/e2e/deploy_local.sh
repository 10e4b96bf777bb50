#!/usr/bin/env bash
# End to end: anvil as L1, the suite deployed by `forge script`, chain `base` registered, a deposit made
# with `cast`; then the Rust side reads the addresses files and the chain answers on L1 as registered.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source tools/env.sh
port="${E2E_PORT:-18545}"
dir="$root/.devnet/e2e-$$"
rpc="http://127.0.0.1:$port"
passed=0; failed=0
check() { # check <description> <command...>
  local what="$1"; shift
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok   - $what"; else failed=$((failed + 1)); echo "FAIL - $what"; fi
}
cleanup() { [[ -f "$dir/anvil.pid" ]] && kill "$(cat "$dir/anvil.pid")" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

mkdir -p "$root/.devnet"
if ! tools/deploy-local --detach --port "$port" --dir "$dir" > "$dir.out" 2>&1; then
  cat "$dir.out"; echo "0 passed, 1 failed"; exit 1
fi
rm -f "$dir.out"
fractal="${FRACTAL_BIN:-target/debug/fractal}"
suite="$dir/31337.json"; chain="$dir/31337-base.json"
field() { node -e "console.log(require('$1').$2)"; }
registry="$(field "$suite" registry)"; vault="$(field "$suite" bridgeVault)"; queue="$(field "$chain" priorityQueue)"
settlement="$(field "$chain" settlement)"

check "the Rust side parses the suite file" "$fractal" deployment "$suite"
check "the Rust side parses the chain file" "$fractal" deployment "$chain"
check "the registry resolves 'base' to 4242" test "$(cast call "$registry" 'chainIdOf(string)(uint256)' base --rpc-url "$rpc")" = 4242
check "the registry maps 4242 to its settlement" test "$(cast call "$registry" 'settlementOf(uint256)(address)' 4242 --rpc-url "$rpc")" = "$settlement"
check "the deposit is queued for base" test "$(cast call "$queue" 'length()(uint64)' --rpc-url "$rpc")" = 1
check "the vault holds the deposit for base" test "$(cast call "$vault" 'chainBalance(uint256,address)(uint256)' 4242 0x0000000000000000000000000000000000000000 --rpc-url "$rpc" | cut -d' ' -f1)" = 1000000000000000000
check "batch 0 is the genesis" test "$(cast call "$settlement" 'totalBatchesExecuted()(uint64)' --rpc-url "$rpc")" = 0
# Bad input: the same chain id again is refused with the registry's custom error, and nothing changes.
key=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
out="$(FRACTAL_DEPLOYMENTS_DIR="$dir" CHAIN_LABEL=again CHAIN_ID=4242 forge script script/RegisterChain.s.sol \
  --rpc-url "$rpc" --broadcast --private-key "$key" 2>&1)"
check "registering a taken chain id fails with RegistryChainIdTaken" grep -q "RegistryChainIdTaken" <<< "$out"
check "the registry still holds one chain" test "$(cast call "$registry" 'chainCount()(uint256)' --rpc-url "$rpc")" = 1
check "a malformed deployment file is rejected" bash -c "! '$fractal' deployment '$root/package.json'"

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
