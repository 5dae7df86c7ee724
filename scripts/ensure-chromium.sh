#!/bin/sh
# Makes sure a headless-capable Chromium is at /usr/bin/chromium for the dashboard browser test
# (playwright-core drives it; no browser is downloaded by npm). On Debian/Ubuntu it installs the
# distribution's `chromium` package with apt-get when missing. Exit 0 = ready, non-zero = a message
# on stderr says what to do. CHROMIUM_PATH overrides the binary checked.
set -eu

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

ready() {
  [ -x "$CHROMIUM" ] && "$CHROMIUM" --headless --no-sandbox --version >/dev/null 2>&1
}

if ready; then
  exit 0
fi

fail() {
  echo "ensure-chromium: $1" >&2
  echo "ensure-chromium: install it yourself (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary." >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "$CHROMIUM is missing and apt-get is not available on this machine."

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    fail "$CHROMIUM is missing and installing it needs root (no passwordless sudo)."
  fi
fi

echo "ensure-chromium: installing Debian's chromium package (one time)..." >&2
# A lock held by another apt run (a parallel test run) is waited for rather than failed on.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 || fail "apt-get update failed."
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2 || fail "apt-get install chromium failed."

ready || fail "chromium was installed but $CHROMIUM does not start headless."
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null)" >&2
