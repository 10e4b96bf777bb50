#!/usr/bin/env bash
# Publisher crash test, end to end: `fractal devnet --no-publisher` and `fractal publisher` as its own
# process; while the chain keeps sealing batches, the publisher is killed with kill -9 right after a
# commit is mined and before that batch is executed, then started again on the same data directory.
# Every batch must be committed exactly once, none skipped, and all executed in the end.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source tests/e2e/devnet.sh
l1_port="${E2E_L1_PORT:-18945}"; l2_port=$((l1_port + 1))
dir="$root/.devnet/e2e-publisher-crash-$$"
l1="http://127.0.0.1:$l1_port"; l2="http://127.0.0.1:$l2_port"
publisher_pid=""; traffic_pid=""
cleanup() {
  [[ -n "$traffic_pid" ]] && kill "$traffic_pid" 2>/dev/null
  [[ -n "$publisher_pid" ]] && kill -9 "$publisher_pid" 2>/dev/null
  [[ -n "$devnet_pid" ]] && kill -INT "$devnet_pid" 2>/dev/null && wait "$devnet_pid" 2>/dev/null
  rm -rf "$dir" "$dir".*log
}
trap cleanup EXIT

start_devnet "$dir" "$l1_port" --block-time-ms 200 --batch-blocks 3 --deposit-ether 10 --no-publisher
settlement="$(field contracts.settlement)"; chain_file="$(field chain.deployment)"
operator_key=0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6   # anvil dev account 9
user_key=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d       # anvil dev account 1
counter() { cast call "$settlement" "totalBatches$1()(uint64)" --rpc-url "$l1"; }
start_publisher() {
  "$fractal" publisher --l1-rpc "$l1" --l2-rpc "$l2" --chain-file "$chain_file" --private-key "$operator_key" \
    --data-dir "$dir/publisher" --poll-ms 100 >> "$dir.publisher.log" 2>&1 &
  publisher_pid=$!
}

# Traffic on the chain, so that batches keep closing.
( nonce=0; while true; do
    cast send 0x00000000000000000000000000000000000f4e60 --value 1 --rpc-url "$l2" --private-key "$user_key" \
      --nonce "$nonce" --async > /dev/null 2>&1 && nonce=$((nonce + 1))
    sleep 0.3
  done ) &
traffic_pid=$!

start_publisher
killed_at=""
for _ in $(seq 1 1200); do
  committed="$(counter Committed)"; executed="$(counter Executed)"
  if [[ -n "$committed" && -n "$executed" && "$committed" -gt "$executed" && "$committed" -ge 2 ]]; then
    kill -9 "$publisher_pid"; wait "$publisher_pid" 2>/dev/null; publisher_pid=""
    killed_at="$committed"
    break
  fi
  sleep 0.05
done
check "the publisher was killed (kill -9) with a batch committed but not executed" test -n "$killed_at"
after_kill_executed="$(counter Executed)"
check "the batch stays committed and unexecuted while the publisher is down" test "$(counter Committed)" -gt "$after_kill_executed"

start_publisher
target=$(( ${killed_at:-0} + 3 ))
for _ in $(seq 1 600); do
  [[ "$(counter Executed)" -ge "$target" ]] && break
  sleep 0.2
done
check "after the restart the publisher goes on: batches past the crash are executed" test "$(counter Executed)" -ge "$target"
kill "$traffic_pid" 2>/dev/null; traffic_pid=""
latest_sealed=$(( $(cast rpc fractal_latestBatch --rpc-url "$l2" | tr -d '"') ))
for _ in $(seq 1 300); do
  [[ "$(counter Executed)" -ge "$latest_sealed" ]] && break
  sleep 0.2
done
committed="$(counter Committed)"; executed="$(counter Executed)"
check "every sealed batch is committed and executed in the end" test "$executed" -ge "$latest_sealed" -a "$committed" = "$executed"
logs="$(cast logs --from-block 0 --address "$settlement" 'BatchCommitted(uint64 indexed,bytes32,bytes32,bytes32)' --rpc-url "$l1" --json)"
check "no batch was committed twice and none was skipped" node -e "
  const logs = JSON.parse(process.argv[1]);
  const numbers = logs.map(l => Number(BigInt(l.topics[1])));
  const once = new Set(numbers).size === numbers.length;
  const contiguous = numbers.every((n, i) => n === i + 1);
  process.exit(once && contiguous && numbers.length === Number(process.argv[2]) ? 0 : 1);" "$logs" "$committed"
idle() { node -e "const p = JSON.parse(require('fs').readFileSync('$dir/publisher/publisher.json')); process.exit(p.inFlight == null ? 0 : 1)"; }
settles() { for _ in $(seq 1 100); do idle && return 0; sleep 0.2; done; return 1; }
check "once the chain is quiet, nothing is left in flight in publisher.json" settles
kill "$publisher_pid"; wait "$publisher_pid" 2>/dev/null; publisher_pid=""

echo "$passed passed, $failed failed"
if [[ $failed != 0 ]]; then echo "--- publisher log"; tail -40 "$dir.publisher.log"; fi
[[ $failed == 0 ]]
