#!/bin/sh
# Makes sure Prometheus' promtool is at /usr/bin/promtool for the metrics lint test
# (tests/observability/promtool.test.ts pipes a live GET /metrics into `promtool check metrics`).
# On Debian/Ubuntu it installs the distribution's `prometheus` package (which ships promtool) with
# apt-get when missing. Exit 0 = ready, non-zero = a message on stderr says what to do.
# PROMTOOL_PATH overrides the binary checked.
set -eu

PROMTOOL="${PROMTOOL_PATH:-/usr/bin/promtool}"
TOOL=ensure-promtool
HINT="install it yourself (Debian/Ubuntu: apt-get install -y prometheus) or set PROMTOOL_PATH to a promtool binary."
. "$(dirname "$0")/lib/apt-install.sh"

ready() {
  [ -x "$PROMTOOL" ] && "$PROMTOOL" --version >/dev/null 2>&1
}

ready && exit 0
apt_install "prometheus"
ready || fail "prometheus was installed but $PROMTOOL does not run."
echo "$TOOL: $("$PROMTOOL" --version 2>&1 | head -n 1)" >&2
