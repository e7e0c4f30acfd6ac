#!/usr/bin/env bash
# Installs everything the desktop app and its tests need on a fresh Debian/Ubuntu machine:
# the WebKitGTK stack Tauri 2 links against, Xvfb + WebKitWebDriver for the end-to-end test (and xdotool, to press
# Escape in a native file chooser), poppler for reading PDFs back, and tauri-driver. Safe to run more than once.
set -euo pipefail

packages=(
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
  librsvg2-dev libayatana-appindicator3-dev build-essential pkg-config libssl-dev
  xvfb webkit2gtk-driver poppler-utils imagemagick sqlite3 fonts-dejavu-core xdotool
  # ssh-keygen and ssh-agent: tests/signing.rs checks golive's SSH signatures against the real OpenSSH tools.
  openssh-client
  # A private session bus and GNOME Keyring for tests/keychain_secret_service.rs (probe secrets in the desktop keyring).
  dbus-daemon gnome-keyring libsecret-tools
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node 20.19+ builds the UI; Debian's own nodejs is older, so only fall back to it when nothing is installed.
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm
fi

rustup component add rustfmt clippy >/dev/null 2>&1 || true

if ! command -v tauri-driver >/dev/null 2>&1; then
  cargo install tauri-driver --version '^2' --locked
fi
