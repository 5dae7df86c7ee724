#!/bin/sh
# Makes sure a headless-capable Chromium is at /usr/bin/chromium for the browser tests
# (playwright-core drives it; no browser is downloaded by npm). On Debian/Ubuntu it installs the
# distribution's `chromium` package with apt-get when missing. Exit 0 = ready, non-zero = a message
# on stderr says what to do. CHROMIUM_PATH overrides the binary checked.
set -eu

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
TOOL=ensure-chromium
HINT="install it yourself (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary."
. "$(dirname "$0")/lib/apt-install.sh"

ready() {
  [ -x "$CHROMIUM" ] && "$CHROMIUM" --headless --no-sandbox --version >/dev/null 2>&1
}

ready && exit 0
apt_install "chromium fonts-dejavu-core"
ready || fail "chromium was installed but $CHROMIUM does not start headless."
echo "$TOOL: $("$CHROMIUM" --version 2>/dev/null)" >&2
