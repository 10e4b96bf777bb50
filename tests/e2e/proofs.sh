#!/usr/bin/env bash
# End to end with real proofs, on anvil through `fractal devnet --prover groth16`: the suite deployed
# with Groth16BatchVerifier over the generated Groth16Verifier and Groth16DenseVerifier (development
# keys); deposits, transfers and a withdrawal on the chain; the publisher proves every batch with the
# chunk circuits and the settlement executes them, a batch of 35 new slots as a dense chunk; `fractal prove` makes the same kind of proof, which the verifier accepts
# for its batch and rejects for another; a proof made for other data is refused by `Settlement`; the
# prover refuses a batch whose writes disagree with its new root, and the withdrawal's batch with its
# message hidden (its leaves must fold the outbox's message chain). Needs `make setup` (circuit + keys).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source tests/e2e/devnet.sh
l1_port="${E2E_L1_PORT:-19045}"; l2_port=$((l1_port + 1))
dir="$root/.devnet/e2e-proofs-$$"
l1="http://127.0.0.1:$l1_port"; l2="http://127.0.0.1:$l2_port"
cleanup() {
  [[ -n "$devnet_pid" ]] && kill -INT "$devnet_pid" 2>/dev/null && wait "$devnet_pid" 2>/dev/null
  rm -rf "$dir" "$dir.log"
}
trap cleanup EXIT

start_devnet "$dir" "$l1_port" --block-time-ms 200 --batch-blocks 5 --deposit-ether 100 --prover groth16
settlement="$(field contracts.settlement)"; suite_file="$(field l1.suite)"
verifier="$(node -e "console.log(require('$suite_file').verifier)")"
operator=0xa0Ee7A142d267C1f36714E4a8F75612F20a79720   # anvil account 9, the devnet's operator
k1=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
bridge=0x0000000000000000000000000000000000010003

check "the suite records its verifier as Groth16 with the development key" \
  test "$(node -e "console.log(require('$suite_file').verifierKind)")" = groth16-development-insecure
# `fractal setup` prints each circuit's hash (wide, then dense) from the cached development keys.
mkdir -p "$dir/verifiers"
hashes=($("$fractal" setup --verifier-dir "$dir/verifiers" | awk '$1 == "circuit" {print $2}'))
check "fractal setup names the two compiled circuits" test "${#hashes[@]}" = 2
for pair in "WIDE_VERIFIER 0" "DENSE_VERIFIER 1"; do
  set -- $pair
  chunk_verifier="$(cast call "$verifier" "$1()(address)" --rpc-url "$l1")"
  check "the $1 says its key is INSECURE" test "$(cast call "$chunk_verifier" 'INSECURE()(bool)' --rpc-url "$l1")" = true
  check "the $1 was generated for its compiled circuit" \
    test "$(cast call "$chunk_verifier" 'CIRCUIT_HASH()(bytes32)' --rpc-url "$l1")" = "${hashes[$2]}"
done

# Activity on the chain: a transfer and a withdrawal (a message).
cast send 0x00000000000000000000000000000000000f4e52 --value 1ether --rpc-url "$l2" --private-key "$k1" > /dev/null
cast send "$bridge" 'withdraw(address)' 0x00000000000000000000000000000000000f4e53 --value 0.25ether --rpc-url "$l2" --private-key "$k1" > /dev/null
executed_at_least() { test "$(cast call "$settlement" 'totalBatchesExecuted()(uint64)' --rpc-url "$l1")" -ge "$1"; }
check "the publisher proves batches with the chunk circuit and the settlement executes them" eventually 600 executed_at_least 2

# A batch of more rows than a wide chunk takes (28), all within the young chain's first 1,024
# positions: one transaction creating a contract whose constructor writes 35 new slots (PUSH1 v,
# PUSH1 k, SSTORE, for k = v = 1 … 35; the code left behind is empty). The prover proves it as a
# dense chunk, and the settlement executes it.
initcode="0x$(for k in $(seq 1 35); do printf '60%02x60%02x55' "$k" "$k"; done)00"
created=0
cast send --rpc-url "$l2" --private-key "$k1" --create "$initcode" > /dev/null && created=1
check "a transaction creating a contract that writes 35 slots executes on the chain" test "$created" = 1
dense_batch() { # the first batch the publisher proved with a dense chunk
  sed 's/\x1b\[[0-9;]*m//g' "$dir.log" | grep 'batch proven' | grep -E 'circuits=[a-z,]*dense' | head -1 | sed -E 's/.* batch=([0-9]+).*/\1/'
}
has_dense_batch() { test -n "$(dense_batch)"; }
check "the publisher proves a batch of 35 new slots with a dense chunk" eventually $((created ? 600 : 1)) has_dense_batch
dense_executed() { local n; n="$(dense_batch)"; [[ -n "$n" ]] && executed_at_least "$n"; }
check "the settlement executes the batch proven with a dense chunk" eventually $((created ? 180 : 1)) dense_executed
check "the publisher logged its proving progress" grep -q "batch proven" "$dir.log"
batches="$(cast call "$settlement" 'totalBatchesExecuted()(uint64)' --rpc-url "$l1")"
check "the last executed state root is the node's batch root" \
  test "$(cast call "$settlement" 'stateRoot(uint64)(bytes32)' "$batches" --rpc-url "$l1")" = \
       "$(cast rpc fractal_batchByNumber "$(cast to-hex "$batches")" --rpc-url "$l2" | node -e "console.log(JSON.parse(require('fs').readFileSync(0)).header.newStateRoot)")"

# `fractal prove` on batch 1 and batch 2, from the node.
"$fractal" prove --l2-rpc "$l2" --batch 1 --out "$dir/proof1.hex" 2> "$dir/prove1.log"
"$fractal" prove --l2-rpc "$l2" --batch 2 --out "$dir/proof2.hex" 2> "$dir/prove2.log"
proof1="$(cat "$dir/proof1.hex")"; proof2="$(cat "$dir/proof2.hex")"
header_of() { # the header tuple of batch $1, as cast takes it
  cast rpc fractal_batchByNumber "$(cast to-hex "$1")" --rpc-url "$l2" | node -e "
    const h = JSON.parse(require('fs').readFileSync(0)).header;
    console.log('(' + [h.batchNumber, h.timestamp, h.priorityOpsCount, h.prevStateRoot, h.newStateRoot, h.pubdataCommitment,
      h.messageRoot, h.priorityOpsHash, h.childRootsAggregated, h.importedRootsHash, h.rowCommitment,
      h.writesEvaluation, h.writesLength].join(',') + ')')"
}
H='(uint64,uint64,uint64,bytes32,bytes32,bytes32,bytes32,bytes32,bytes32,bytes32,bytes32,bytes32,uint32)'
inputs_of() { cast call "$settlement" "publicInputs($H)(uint256[])" "$(header_of "$1")" --rpc-url "$l1" | tr -d ' ' | sed -E 's/\[[0-9.]+e[0-9]+\]//g'; }
verifies() { test "$(cast call "$verifier" 'verifyProof(bytes,uint256[])(bool)' "$1" "$2" --rpc-url "$l1")" = "$3"; }
check "fractal prove's proof of batch 1 verifies on L1 for batch 1" verifies "$proof1" "$(inputs_of 1)" true
check "fractal prove's proof of batch 2 verifies on L1 for batch 2" verifies "$proof2" "$(inputs_of 2)" true
check "the proof of batch 1 is rejected for batch 2's public inputs" verifies "$proof1" "$(inputs_of 2)" false
check "the proof of batch 2 is rejected for batch 1's public inputs" verifies "$proof2" "$(inputs_of 1)" false

# Settlement refuses a proof made for other data: batch 2 proven with batch 1's proof, as the operator,
# at the block where batch 2 was committed and not yet proven.
commit_block="$(cast logs --from-block 0 --address "$settlement" 'BatchCommitted(uint64 indexed,bytes32,bytes32,bytes32)' "$(cast to-uint256 2)" --rpc-url "$l1" --json | node -e "console.log(Number(JSON.parse(require('fs').readFileSync(0))[0].blockNumber))")"
refused="$(cast call "$settlement" "proveBatches(${H}[],bytes[])" "[$(header_of 2)]" "[$proof1]" --from "$operator" --block "$commit_block" --rpc-url "$l1" 2>&1)"
check "Settlement refuses batch 2 with a proof made for batch 1 (SettlementInvalidProof(2))" \
  grep -q "$(cast calldata 'SettlementInvalidProof(uint64)' 2 | cut -c1-10)\|SettlementInvalidProof" <<< "$refused"

# The withdrawal's batch: its message leaf is checked against the outbox's message chain, which the
# batch writes. Proven and executed with its message; hidden (the message dropped and the header's message
# root made the empty tree's, so that nothing else disagrees), the prover refuses it.
withdrawal_batch=""
for n in $(seq 1 "$batches"); do
  sent="$(cast rpc fractal_batchByNumber "$(cast to-hex "$n")" --rpc-url "$l2" | node -e "console.log(JSON.parse(require('fs').readFileSync(0)).messages.length)")"
  if [[ "$sent" != 0 ]]; then withdrawal_batch="$n"; break; fi
done
check "an executed batch holds the withdrawal's message, proven against the outbox's message chain" test -n "$withdrawal_batch"
if [[ -n "$withdrawal_batch" ]]; then
  cast rpc fractal_batchByNumber "$(cast to-hex "$withdrawal_batch")" --rpc-url "$l2" > "$dir/wbatch.json"
  cast rpc fractal_batchWitness "$(cast to-hex "$withdrawal_batch")" --rpc-url "$l2" > "$dir/wwitness.json"
  node --input-type=module -e "
    import {buildPoseidon} from 'circomlibjs';
    import fs from 'node:fs';
    const poseidon = await buildPoseidon();
    let empty = 0n;
    for (let h = 0; h < 10; h++) empty = poseidon.F.toObject(poseidon([empty, empty]));
    const b = JSON.parse(fs.readFileSync('$dir/wbatch.json'));
    b.messages = [];
    b.header.messageRoot = '0x' + empty.toString(16).padStart(64, '0');
    fs.writeFileSync('$dir/wbatch-hidden.json', JSON.stringify(b));"
  check "the prover refuses the withdrawal's batch with its message hidden (the leaves do not fold the outbox's chain)" \
    bash -c "'$fractal' prove --batch-file '$dir/wbatch-hidden.json' --witness-file '$dir/wwitness.json' --chain-id 4242 2>&1 | grep -q 'message chain'"
fi

# The prover refuses a batch whose writes do not lead to its new root.
cast rpc fractal_batchByNumber 0x2 --rpc-url "$l2" > "$dir/batch2.json"
cast rpc fractal_batchWitness 0x2 --rpc-url "$l2" > "$dir/witness2.json"
node -e "
  const fs = require('fs'); const b = JSON.parse(fs.readFileSync('$dir/batch2.json'));
  b.header.newStateRoot = '0x' + '00'.repeat(31) + '07'; fs.writeFileSync('$dir/batch2-lie.json', JSON.stringify(b));"
check "the prover refuses a batch whose writes disagree with its new root" \
  bash -c "'$fractal' prove --batch-file '$dir/batch2-lie.json' --witness-file '$dir/witness2.json' --chain-id 4242 2>&1 | grep -q 'cannot be proven: its writes take the state root'"
node -e "
  const fs = require('fs'); const w = JSON.parse(fs.readFileSync('$dir/witness2.json'));
  const row = w.writes[0].siblings[0];
  row[1] = '0x' + (BigInt(row[1]) ^ 1n).toString(16);
  fs.writeFileSync('$dir/witness2-lie.json', JSON.stringify(w));"
check "the prover refuses a write whose path does not match its roots (the circuit rejects it)" \
  bash -c "'$fractal' prove --batch-file '$dir/batch2.json' --witness-file '$dir/witness2-lie.json' --chain-id 4242 2>&1 | grep -q 'the circuit rejects the witness'"
check "fractal prove refuses an unknown batch clearly" \
  bash -c "'$fractal' prove --l2-rpc '$l2' --batch 999999 2>&1 | grep -q 'no sealed batch 999999'"
check "fractal prove refuses a missing circuit clearly" \
  bash -c "'$fractal' prove --l2-rpc '$l2' --batch 1 --circuit-dir /nonexistent 2>&1 | grep -q 'make circuits'"
check "fractal setup refuses a zkey that is not one" \
  bash -c "echo nope > '$dir/bad.zkey'; mkdir -p '$dir/v'; '$fractal' setup --zkey '$dir/bad.zkey' --dense-zkey '$dir/bad.zkey' --keys-dir '$dir/keys' --verifier-dir '$dir/v' 2>&1 | grep -q 'not a Groth16 zkey' && test ! -e '$dir/v/Groth16Verifier.sol'"
check "fractal setup refuses a ceremony key for one circuit only" \
  bash -c "'$fractal' setup --zkey '$dir/bad.zkey' --keys-dir '$dir/keys' --verifier-dir '$dir/v' 2>&1 | grep -q 'dense-zkey'"

kill -INT "$devnet_pid"
wait "$devnet_pid"; status=$?
devnet_pid=""
check "the devnet stops cleanly on SIGINT (exit 0), proving or not" test "$status" = 0
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
