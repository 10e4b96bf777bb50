# Sourced by the end-to-end scripts that drive `fractal devnet`: the check counter and
#   start_devnet <dir> <l1 port> <fractal devnet flags…>
# which starts the devnet in the background (log: <dir>.log, pid: $devnet_pid), waits for its
# <dir>/devnet.json and exits the script with the log when it does not come up; field <path> then
# reads devnet.json. The caller stops the devnet (kill -INT $devnet_pid) in its EXIT trap.
source tools/env.sh
fractal="${FRACTAL_BIN:-target/debug/fractal}"
passed=0; failed=0
check() { # check <description> <command...>
  local what="$1"; shift
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok   - $what"; else failed=$((failed + 1)); echo "FAIL - $what"; fi
}
devnet_pid=""
start_devnet() {
  local dir="$1" port="$2"; shift 2
  mkdir -p "$(dirname "$dir")"
  "$fractal" devnet --dir "$dir" --l1-port "$port" --l2-port $((port + 1)) --rest-port $((port + 2)) \
    "$@" > "$dir.log" 2>&1 &
  devnet_pid=$!
  for _ in $(seq 1 600); do
    [[ -f "$dir/devnet.json" ]] && break
    kill -0 "$devnet_pid" 2>/dev/null || break
    sleep 0.2
  done
  if [[ ! -f "$dir/devnet.json" ]]; then
    cat "$dir.log"; echo "0 passed, 1 failed (the devnet did not come up)"; exit 1
  fi
  devnet_json="$dir/devnet.json"
}
field() { node -e "console.log(require('$devnet_json').$1)"; }
eventually() { # eventually <seconds> <command...>: retries until it succeeds
  local until=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do (( SECONDS < until )) || return 1; sleep 0.2; done
}
