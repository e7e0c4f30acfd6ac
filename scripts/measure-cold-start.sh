#!/usr/bin/env bash
# Measures the desktop app's cold start: from asking WebDriver for a new window of the release build to the
# launches list showing its rows, on a workspace holding one launch, under Xvfb. Prints one figure per run.
#
#   cargo build --release -p golive-desktop && bash scripts/measure-cold-start.sh [runs] [path/to/golive-desktop]
#
# Uses what the end-to-end test uses (Xvfb, tauri-driver, WebKitWebDriver; scripts/install-system-deps.sh) and
# speaks WebDriver with curl, so it needs no test build.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
app=${2:-${CARGO_TARGET_DIR:-target}/release/golive-desktop}
[ -x "$app" ] || { echo "no release build at $app: cargo build --release -p golive-desktop" >&2; exit 1; }
# The CLI only prepares the workspace: any build of it will do.
cli() {
  local bin
  for bin in "$(dirname "$app")/golive" "${CARGO_TARGET_DIR:-target}/debug/golive"; do
    [ -x "$bin" ] && { "$bin" "$@"; return; }
  done
  cargo run -q -p golive -- "$@"
}

work=$(mktemp -d)
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
pids=()
trap cleanup EXIT

export GOLIVE_DB="$work/golive.sqlite" GOLIVE_ACTOR=launch_mgr
mkdir -p "$work/home/.config"
cli launch new --name "Acme EUR-USDT" --partner partner_123 --surface 0pools \
  --template 0pools-sandbox-to-production >/dev/null

display=:$((200 + RANDOM % 100))
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
export DISPLAY=$display WEBKIT_DISABLE_DMABUF_RENDERER=1
sleep 1
port=$((4500 + RANDOM % 500))
# The app's own empty home: no keys or settings of the person running this.
HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" \
  tauri-driver --port "$port" --native-port $((port + 1)) >/dev/null 2>&1 &
pids+=($!)
sleep 1

wd() { curl -s -X "$1" "http://127.0.0.1:$port$2" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
now_ms() { date +%s%3N; }

for n in $(seq "$runs"); do
  start=$(now_ms)
  session=$(wd POST /session "{\"capabilities\":{\"alwaysMatch\":{\"tauri:options\":{\"application\":\"$app\"}}}}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["value"]["sessionId"])')
  while :; do
    found=$(wd POST "/session/$session/elements" '{"using":"css selector","value":"[data-testid=\"launch-row\"]"}' |
      python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("value") or []))')
    [ "$found" -gt 0 ] && break
    [ $(($(now_ms) - start)) -gt 30000 ] && { echo "run $n: no launches list within 30 s" >&2; exit 1; }
    sleep 0.02
  done
  echo "run $n: launches list shown $(($(now_ms) - start)) ms after the window was asked for"
  wd DELETE "/session/$session" >/dev/null
  sleep 1
done
