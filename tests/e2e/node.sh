#!/usr/bin/env bash
# End to end against `fractal node --dev`: forge script deploys the settlement suite onto the chain,
# cast sends and calls, every kind of bad input gets a clear JSON-RPC error while the node keeps serving,
# and a kill -9 under load loses no transaction that had a receipt.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source tools/env.sh
fractal="${FRACTAL_BIN:-$root/target/debug/fractal}"
port="${E2E_NODE_PORT:-18646}"
rest_port=$((port + 1))
rest="http://127.0.0.1:$rest_port"
rpc="http://127.0.0.1:$port"
work="$root/.devnet/node-e2e-$$"
mkdir -p "$work"
key=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
key2=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
to=0x90F79bf6EB2c4f870365E785982E1f101E93b906
passed=0; failed=0
check() { local what="$1"; shift; if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok   - $what"; else failed=$((failed + 1)); echo "FAIL - $what"; fi; }
node_pid=""
start_node() {
  "$fractal" node --dev --data-dir "$work/data" --rpc-addr "127.0.0.1:$port" --rest-addr "127.0.0.1:$rest_port" --block-time-ms "${1:-200}" >> "$work/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 100); do cast chain-id -r "$rpc" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "node did not start:"; tail -20 "$work/node.log"; return 1
}
cleanup() { if [[ -n "$node_pid" ]]; then { kill -9 "$node_pid"; wait "$node_pid"; } 2>/dev/null; fi; rm -rf "$work"; }
trap cleanup EXIT
json_field() { node -e "console.log(JSON.parse(require('fs').readFileSync('$1','utf8')).$2)"; }
normalized() { node -e "const r=JSON.parse(require('fs').readFileSync('$1','utf8'));delete r.blockTimestamp;console.log(JSON.stringify(r))"; }
# A receipt without what only the seal fixes (block hash, block timestamp), keys sorted.
sealless() { node -e "const r=JSON.parse(require('fs').readFileSync('$1','utf8'));const x=r.receipt||r;delete x.blockHash;delete x.blockTimestamp;for(const l of x.logs||[]){delete l.blockHash;delete l.blockTimestamp}console.log(JSON.stringify(x,Object.keys(x).sort()))"; }
rpc_call() { curl -s -X POST -H 'content-type: application/json' --data-binary "$1" "$rpc"; }
serving() { test "$(cast chain-id -r "$rpc")" = 4242; }

start_node || { echo "0 passed, 1 failed"; exit 1; }
check "eth_chainId is the dev chain's" serving
check "dev accounts are funded" test "$(cast balance 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 -r "$rpc")" = 10000000000000000000000

# forge script --broadcast: the whole settlement suite, deployed on this chain as on any host.
out="$(FRACTAL_DEPLOYMENTS_DIR="$work" FRACTAL_HOST_NAME=dev forge script script/Deploy.s.sol --rpc-url "$rpc" \
  --broadcast --private-key "$key" --slow 2>&1)"
check "forge script deploys the suite on the chain" grep -q "ONCHAIN EXECUTION COMPLETE & SUCCESSFUL" <<< "$out"
out="$(FRACTAL_DEPLOYMENTS_DIR="$work" CHAIN_LABEL=reddit CHAIN_ID=4300 forge script script/RegisterChain.s.sol \
  --rpc-url "$rpc" --broadcast --private-key "$key" --slow 2>&1)"
check "forge script registers reddit.dev on it" grep -q "ONCHAIN EXECUTION COMPLETE & SUCCESSFUL" <<< "$out"
registry="$(node -e "console.log(require('$work/4242.json').registry)" 2>/dev/null)"
check "cast call resolves reddit.dev" test "$(cast call "$registry" 'chainIdOf(string)(uint256)' reddit.dev -r "$rpc")" = 4300
check "a reverting cast call returns the custom error" bash -c "cast call $registry 'chainIdOf(string)(uint256)' nope.dev -r $rpc 2>&1 | grep -q 'execution reverted'"
check "cast send transfers" cast send "$to" --value 1234 --private-key "$key2" -r "$rpc"
check "the transfer landed" test "$(cast balance "$to" -r "$rpc")" = 10000000000000000001234
check "eth_getLogs finds the registration" bash -c "cast logs --from-block 0 --address $registry -r $rpc | grep -q blockHash"

# The system contracts are in genesis: the outbox numbers messages; a standalone dev chain's bridge
# refuses withdrawals (it has no parent).
outbox=0x0000000000000000000000000000000000010001
bridge=0x0000000000000000000000000000000000010003
check "the outbox is predeployed" test "$(cast call $outbox 'nextNonce()(uint64)' -r "$rpc")" = 0
check "cast send through the outbox" cast send $outbox 'sendMessage(uint64,address,bytes)' 31337 "$to" 0x1234 --private-key "$key2" -r "$rpc"
check "the outbox numbered the message" test "$(cast call $outbox 'nextNonce()(uint64)' -r "$rpc")" = 1
check "the dev chain's bridge refuses withdrawals: L2BridgeNoParent" bash -c "cast call $bridge 'withdraw(address)' $to --value 1 --from $to -r $rpc 2>&1 | grep -q 0xc53882a0"

# Bad input: each gets a clear JSON-RPC error and the node keeps serving.
check "malformed JSON → -32700" grep -q -- '-32700' <<< "$(rpc_call '{"jsonrpc":"2.0","id":1,"method":')"
check "unknown method → -32601" grep -q -- '-32601' <<< "$(rpc_call '{"jsonrpc":"2.0","id":1,"method":"eth_nope","params":[]}')"
check "undecodable transaction → -32602" grep -q "failed to decode" <<< "$(rpc_call '{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x1234"]}')"
check "fractal_batchByNumber on a chain without a parent → -32000, it seals no batches" grep -q 'seals no batches' <<< "$(rpc_call '{"jsonrpc":"2.0","id":1,"method":"fractal_batchByNumber","params":["0x1"]}')"
check "fractal_messageProof with a malformed nonce → -32602" grep -q -- '-32602' <<< "$(rpc_call '{"jsonrpc":"2.0","id":1,"method":"fractal_messageProof","params":["nope"]}')"
check "fractal_genesisStateRoot answers a field element" grep -q '"result":"0x' <<< "$(rpc_call '{"jsonrpc":"2.0","id":1,"method":"fractal_genesisStateRoot","params":[]}')"
check "fractal_nextPriorityIndex is 0 on a chain that follows no queue" grep -q '"result":"0x0"' <<< "$(rpc_call '{"jsonrpc":"2.0","id":1,"method":"fractal_nextPriorityIndex","params":[]}')"
raw="$(cast mktx "$to" --value 1 --private-key "$key" -r "$rpc")"
bad="${raw:0:${#raw}-132}a0$(printf 'f%.0s' $(seq 64))a0$(printf 'f%.0s' $(seq 64))"
check "bad signature → invalid transaction signature" bash -c "cast publish $bad -r $rpc 2>&1 | grep -q 'invalid transaction signature'"
wrong="$(cast mktx "$to" --value 1 --private-key "$key" --chain 1 --nonce 0 --gas-limit 21000 --gas-price 2gwei --legacy)"
check "wrong chain id → invalid chain id" bash -c "cast publish $wrong -r $rpc 2>&1 | grep -q 'invalid chain id: expected 4242, transaction has 1'"
check "nonce gap → nonce too high" bash -c "cast send $to --value 1 --nonce 999 --private-key $key -r $rpc 2>&1 | grep -q 'nonce too high'"
check "nonce reuse → nonce too low" bash -c "cast send $to --value 1 --nonce 0 --private-key $key -r $rpc 2>&1 | grep -q 'nonce too low'"
python3 -c "print('{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\"0x' + 'ab' * 600000 + '\"]}')" > "$work/big.json"
check "oversized request → -32007 request too big" grep -q -- '-32007' <<< "$(curl -s -X POST -H 'content-type: application/json' --data-binary @"$work/big.json" "$rpc")"
check "the node still serves after bad input" serving

# The sequencer's REST API: submit and wait for the receipt, look up, latest block, bad input.
raw="$(cast mktx "$to" --value 5 --private-key "$key2" -r "$rpc")"
out="$(curl -s -X POST -H 'content-type: application/json' -d "{\"raw\":\"$raw\"}" "$rest/v1/transactions?wait=true")"
check "REST submit with wait=true returns the receipt" grep -q '"status":"0x1"' <<< "$out"
hash="$(node -e "console.log(JSON.parse(process.argv[1]).hash)" "$out")"
check "REST looks the transaction up (executed, or already sealed)" grep -qE '"(executed|included)"' <<< "$(curl -s "$rest/v1/transactions/$hash")"
sleep 0.5
check "REST looks the transaction up as included once sealed" grep -q '"included"' <<< "$(curl -s "$rest/v1/transactions/$hash")"
check "REST serves the latest block" grep -q '"parentHash"' <<< "$(curl -s "$rest/v1/blocks/latest")"
check "REST serves its OpenAPI document" grep -q '"openapi"' <<< "$(curl -s "$rest/openapi.json")"
check "REST rejects a replayed transaction with 400" test "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' -d "{\"raw\":\"$raw\"}" "$rest/v1/transactions")" = 400
check "REST rejects malformed JSON with 400" test "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' -d '{"raw":' "$rest/v1/transactions")" = 400
check "REST answers 404 for an unknown hash" test "$(curl -s -o /dev/null -w '%{http_code}' "$rest/v1/transactions/0x$(printf '0%.0s' $(seq 64))")" = 404
check "REST answers 400 for a malformed hash" test "$(curl -s -o /dev/null -w '%{http_code}' "$rest/v1/transactions/0x12")" = 400

# Crash: kill -9 while transactions flow; every receipt given out before must survive unchanged.
# cast takes the `latest` nonce; between blocks, consecutive sends must number themselves.
n0="$(cast nonce 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 -r "$rpc")"
for i in $(seq 1 20); do cast send "$to" --value "$i" --nonce $((n0 + i - 1)) --private-key "$key2" -r "$rpc" --async > "$work/tx-$i" 2>/dev/null; done
sleep 1.5
for i in $(seq 1 20); do
  h="$(cat "$work/tx-$i")"; cast receipt "$h" --json -r "$rpc" > "$work/receipt-$i.json" 2>/dev/null || rm -f "$work/receipt-$i.json"
done
before=$(ls "$work"/receipt-*.json 2>/dev/null | wc -l); echo "# $before receipts before the crash"
( for i in $(seq 21 60); do cast send "$to" --value "$i" --nonce $((n0 + i - 1)) --private-key "$key2" -r "$rpc" --async >/dev/null 2>&1; done ) &
load=$!
sleep 0.7
{ kill -9 "$node_pid"; wait "$node_pid"; } 2>/dev/null; wait "$load" 2>/dev/null
start_node || { echo "$passed passed, $((failed + 1)) failed"; exit 1; }
same=0
for f in "$work"/receipt-*.json; do
  h="$(json_field "$f" transactionHash)"
  cast receipt "$h" --json -r "$rpc" > "$f.after" 2>/dev/null && cmp -s <(normalized "$f") <(normalized "$f.after") && same=$((same + 1))
done
check "20 receipts were given out before the crash" test "$before" = 20
check "after kill -9 and restart every receipt is identical" test "$same" = "$before"
check "the restarted node produces blocks again" bash -c "b=\$(cast block-number -r $rpc); sleep 0.6; test \$(cast block-number -r $rpc) -gt \$b"
check "the restarted node accepts transactions" cast send "$to" --value 1 --private-key "$key2" -r "$rpc"

# Crash between execution and seal: the REST API answers with a receipt as soon as a transaction has
# executed, before its block is sealed. With a 5 s block, give out 10 such receipts, kill -9 before the
# seal, restart: the write-ahead log brings the block back and every receipt comes out the same.
{ kill "$node_pid"; wait "$node_pid"; } 2>/dev/null
start_node 5000 || { echo "$passed passed, $((failed + 1)) failed"; exit 1; }
key3=0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a
n3="$(cast nonce 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC -r "$rpc")"
for i in $(seq 0 9); do
  cast mktx "$to" --value $((100 + i)) --nonce $((n3 + i)) --chain 4242 --gas-limit 21000 --gas-price 2gwei --legacy --private-key "$key3" > "$work/pre-raw-$i"
done
for i in $(seq 0 9); do
  curl -s -X POST -H 'content-type: application/json' -d "{\"raw\":\"$(cat "$work/pre-raw-$i")\"}" "$rest/v1/transactions?wait=true" > "$work/pre-$i.json"
done
executed=$(grep -l '"status":"executed"' "$work"/pre-*.json | wc -l)
unsealed=$(for i in $(seq 0 9); do curl -s "$rest/v1/transactions/$(json_field "$work/pre-$i.json" hash)"; echo; done | grep -c '"executed"')
{ kill -9 "$node_pid"; wait "$node_pid"; } 2>/dev/null
check "10 receipts given out before their block was sealed" test "$executed" = 10 -a "$unsealed" -ge 1
start_node || { echo "$passed passed, $((failed + 1)) failed"; exit 1; }
sleep 0.6
same=0
for i in $(seq 0 9); do
  h="$(json_field "$work/pre-$i.json" hash)"
  cast receipt "$h" --json -r "$rpc" > "$work/pre-$i.after" 2>/dev/null && cmp -s <(sealless "$work/pre-$i.json") <(sealless "$work/pre-$i.after") && same=$((same + 1))
done
check "after kill -9 before the seal every early receipt is in the chain unchanged" test "$same" = 10

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
