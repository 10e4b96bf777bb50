#!/usr/bin/env bash
# End to end on anvil, through `fractal devnet`: the suite deployed and the chain registered with its
# genesis state root; a deposit made with `cast` on L1 reaches the chain; transfers on the chain; a
# withdrawal through the bridge; its batch committed, proven (development verifier) and executed on L1
# by the publisher; the withdrawal finalized with `fractal withdraw finalize`; every balance exact; the
# state rebuilt from L1 alone. E2E_DA=rollup-blob runs the same with the pubdata in EIP-4844 blobs.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source tests/e2e/devnet.sh
da="${E2E_DA:-rollup-calldata}"
l1_port="${E2E_L1_PORT:-18745}"; l2_port=$((l1_port + 1))
dir="$root/.devnet/e2e-rollup-$$"
l1="http://127.0.0.1:$l1_port"; l2="http://127.0.0.1:$l2_port"
cleanup() {
  [[ -n "$devnet_pid" ]] && kill -INT "$devnet_pid" 2>/dev/null && wait "$devnet_pid" 2>/dev/null
  rm -rf "$dir" "$dir.log"
}
trap cleanup EXIT

start_devnet "$dir" "$l1_port" --block-time-ms 200 --batch-blocks 5 --deposit-ether 100 --da "$da"
vault="$(field contracts.bridgeVault)"; settlement="$(field contracts.settlement)"
chain_file="$(field chain.deployment)"; suite_file="$(field l1.suite)"
bridge=0x0000000000000000000000000000000000010003
ether=1000000000000000000
# anvil's dev accounts 1, 2 and 3 (public keys for local use only).
k1=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d; a1=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
k2=0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a
k3=0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6
fresh=0x00000000000000000000000000000000000f4e51   # no balance anywhere
other=0x00000000000000000000000000000000000f4e52
l1dest=0x00000000000000000000000000000000000f4e53
balance() { cast balance "$1" --rpc-url "$2"; }
vault_balance() { cast call "$vault" 'chainBalance(uint256,address)(uint256)' 4242 0x0000000000000000000000000000000000000000 --rpc-url "$l1" | cut -d' ' -f1; }

echo "# pubdata DA: $da"
check "the chain is registered with the $da DA policy" test "$(node -e "console.log(require('$chain_file').daKind)")" = "$da"
check "the devnet's deposits reached the chain: dev account 1 holds exactly 100 ETH there" \
  test "$(balance $a1 "$l2")" = "$((100))000000000000000000"
check "the vault holds the ten deposits" test "$(vault_balance)" = "1000$(printf '%018d' 0)"

# A deposit made with cast on L1 shows up on the chain, exactly.
cast send "$vault" 'depositEth(uint256,address)' 4242 "$fresh" --value 3ether --rpc-url "$l1" --private-key "$k2" > /dev/null
has_balance() { test "$(balance "$1" "$2")" = "$3"; }
check "a cast deposit of 3 ETH shows up on the chain" eventually 30 has_balance "$fresh" "$l2" "3$(printf '%018d' 0)"
has_priority_tx() { # a block among the first 60 holds a type-0x7f transaction, served with its receipt
  local n
  for n in $(seq 1 60); do
    if cast rpc eth_getBlockByNumber "$(cast to-hex "$n")" true --rpc-url "$l2" | grep -q '"type":"0x7f"'; then
      cast rpc eth_getBlockReceipts "$(cast to-hex "$n")" --rpc-url "$l2" | grep -q '"type":"0x7f"'
      return
    fi
  done
  return 1
}
check "the chain serves deposits as priority transactions (type 0x7f) with receipts" has_priority_tx

# Transfers on the chain.
cast send "$other" --value 1ether --rpc-url "$l2" --private-key "$k1" > /dev/null
check "a transfer on the chain moves exactly 1 ETH" test "$(balance $other "$l2")" = "$ether"

# A withdrawal: 0.25 ETH from dev account 1 on the chain to a fresh address on L1.
out="$(cast send "$bridge" 'withdraw(address)' "$l1dest" --value 0.25ether --rpc-url "$l2" --private-key "$k1" --json)"
tx="$(node -e "console.log(JSON.parse(process.argv[1]).transactionHash)" "$out")"
check "the withdrawal succeeds on the chain" node -e "process.exit(JSON.parse(process.argv[1]).status === '0x1' ? 0 : 1)" "$out"
check "the chain's bridge locks the 0.25 ETH" test "$(balance $bridge "$l2")" = "250000000000000000"
check "finalizing before the batch is executed is refused clearly" \
  bash -c "'$fractal' withdraw finalize --l1-rpc '$l1' --l2-rpc '$l2' --chain-file '$chain_file' --suite-file '$suite_file' --private-key '$k3' --tx '$tx' 2>&1 | grep -q 'is not in a sealed batch yet\\|has executed batches up to'"
check "the withdrawal is finalized on L1 once its batch is executed" \
  timeout 120 "$fractal" withdraw finalize --l1-rpc "$l1" --l2-rpc "$l2" --chain-file "$chain_file" --suite-file "$suite_file" \
  --private-key "$k3" --tx "$tx" --wait
check "the L1 recipient received exactly 0.25 ETH" test "$(balance $l1dest "$l1")" = "250000000000000000"
check "the vault holds exactly the deposits minus the withdrawal" test "$(vault_balance)" = "1002750000000000000000"
executed="$(cast call "$settlement" 'totalBatchesExecuted()(uint64)' --rpc-url "$l1")"
check "batches were committed, proven and executed on L1" test "$executed" -ge 1
l1_root="$(cast call "$settlement" 'stateRoot(uint64)(bytes32)' "$executed" --rpc-url "$l1")"
node_root="$(cast rpc fractal_batchByNumber "$(cast to-hex "$executed")" --rpc-url "$l2" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).header.newStateRoot))")"
check "L1's state root of the last executed batch is the node's" test "$l1_root" = "$node_root"
check "finalizing twice is refused and pays nothing more" \
  bash -c "! '$fractal' withdraw finalize --l1-rpc '$l1' --l2-rpc '$l2' --chain-file '$chain_file' --suite-file '$suite_file' --private-key '$k3' --tx '$tx' && test \"\$(cast balance $l1dest --rpc-url '$l1')\" = 250000000000000000"
check "a transaction that withdrew nothing is refused" \
  bash -c "! '$fractal' withdraw finalize --l1-rpc '$l1' --l2-rpc '$l2' --chain-file '$chain_file' --suite-file '$suite_file' --private-key '$k3' --tx 0x$(printf '%064d' 1)"

# Rebuild: the state from anvil's data alone (the commits' calldata), every batch's root checked, and every
# rebuilt account and slot equal to the node's at the last rebuilt block.
config="$(field chain.config)"
rebuilt="$("$fractal" rebuild --l1-rpc "$l1" --chain-file "$chain_file" --config "$config" --check-rpc "$l2" --out "$dir/rebuilt.json" 2>/dev/null)"
check "fractal rebuild from L1 alone agrees with the node on every account and slot" grep -q "equals the node's" <<< "$rebuilt"
batches_rebuilt="$(node -e "console.log(require('$dir/rebuilt.json').batchNumber)")"
check "the rebuild covers several batches" test "$batches_rebuilt" -ge 3
rebuilt_root="$(node -e "console.log(require('$dir/rebuilt.json').stateRoot)")"
node_batch_root="$(cast rpc fractal_batchByNumber "$(cast to-hex "$batches_rebuilt")" --rpc-url "$l2" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).header.newStateRoot))")"
check "the rebuilt state root is the node's for the same batch" test "$rebuilt_root" = "$node_batch_root"
check "the rebuilt state gives the cast deposit's recipient exactly 3 ETH" \
  node -e "const s=require('$dir/rebuilt.json'); process.exit(BigInt(s.accounts['$fresh'.toLowerCase()]?.balance ?? s.accounts['$fresh']?.balance ?? 0) === 3n*10n**18n ? 0 : 1)"
check "fractal genesis prints the registered genesis root" test "$("$fractal" genesis --config "$config" 2>/dev/null)" = "$(field chain.genesisStateRoot)"
check "fractal genesis refuses a file that is not a chain configuration" bash -c "! '$fractal' genesis --config '$root/package.json'"
sed 's/chain_id = 4242/chain_id = 4243/' "$config" > "$dir/other.toml"
check "rebuilding with another chain's configuration is refused" \
  bash -c "! '$fractal' rebuild --l1-rpc '$l1' --chain-file '$chain_file' --config '$dir/other.toml'"

# Ctrl-C stops everything cleanly.
kill -INT "$devnet_pid"
wait "$devnet_pid"; status=$?
devnet_pid=""
check "the devnet stops cleanly on SIGINT (exit 0)" test "$status" = 0
check "anvil stopped with it" bash -c "! cast chain-id --rpc-url '$l1'"
check "the states anvil persisted (in the devnet directory, not ~/.foundry) are removed with it" test ! -e "$dir/anvil-states"

echo "$passed passed, $failed failed"
[[ $failed == 0 ]] || { echo "--- devnet log"; tail -50 "$dir.log"; }
[[ $failed == 0 ]]
