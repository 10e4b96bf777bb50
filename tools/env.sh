# Puts the npm-installed Foundry binaries on PATH. Source it: `source tools/env.sh`.
_fractal_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for _tool in forge anvil cast; do
  PATH="$_fractal_root/node_modules/@foundry-rs/$_tool-linux-amd64/bin:$PATH"
done
export PATH
unset _tool _fractal_root
