#!/usr/bin/env bash
# Runs every test on a fresh Debian/Ubuntu machine: installs what is missing, then the UI unit tests, the UI build
# the desktop app embeds, formatting and lint checks, and `cargo test` over the whole workspace (core unit and
# integration tests, CLI end to end, and the desktop end-to-end test under Xvfb through tauri-driver).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh

# A one-shot CI build gains nothing from incremental caches, which take ~1.3 GB beside the test binaries; a CI run
# once died of a full disk. Say how much room there is, so a full disk is told apart from a failing test.
if [ "${CI:-}" = true ]; then
  export CARGO_INCREMENTAL=0
fi
echo "== Disk: $(df -h . | awk 'NR==2 {print $4 " free of " $2}') =="

echo "== UI: install, unit tests, type check, build =="
# npm install (not npm ci): this npm omits optional platform packages from the lock file, which npm ci rejects;
# install still follows package-lock.json for every version.
(cd ui && npm install --no-audit --no-fund && npm test && npm run check && npm run build)

echo "== The repository stands alone =="
# A fresh clone has nothing beside it: no code, test or script may read a path outside the repository.
if git grep -nE '\.\./shared|/work/' -- ':!*.md' ':!scripts/test.sh'; then
  echo "the lines above refer to files outside the repository; copy what they need into it" >&2
  exit 1
fi

echo "== Rust: format and lint =="
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== Rust: all tests (core, CLI, desktop end to end) =="
# Tests must never touch a real user's database: point the OS data directory at an empty folder and check that
# no Go-Live Signoff database appeared there (WebKit's own cache for the test window may, and is harmless).
data_home=$(mktemp -d)
XDG_DATA_HOME="$data_home" cargo test --workspace --locked
leaked=$(find "$data_home" -name 'golive.sqlite*' -print)
if [ -n "$leaked" ]; then
  echo "a test wrote to the default database location: $leaked" >&2
  exit 1
fi
