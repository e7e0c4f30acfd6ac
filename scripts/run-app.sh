#!/usr/bin/env bash
# Builds and launches the desktop app on a fresh Debian/Ubuntu machine, installing what is missing first.
# The database is GOLIVE_DB if set, else golive.sqlite in the OS data directory.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh
(cd ui && npm install --no-audit --no-fund && npm run build)
cargo build --release --locked -p golive-desktop -p golive
exec ./target/release/golive-desktop "$@"
