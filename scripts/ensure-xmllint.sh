#!/bin/sh
# Makes sure xmllint (libxml2's command-line tool) is at /usr/bin/xmllint for the tests that check
# every published XML example with a standard tool (tests/examples/xmllint.test.ts). On
# Debian/Ubuntu it installs the distribution's `libxml2-utils` package with apt-get when missing.
# Exit 0 = ready, non-zero = a message on stderr says what to do. XMLLINT_PATH overrides the binary.
set -eu

XMLLINT="${XMLLINT_PATH:-/usr/bin/xmllint}"
TOOL=ensure-xmllint
HINT="install it yourself (Debian/Ubuntu: apt-get install -y libxml2-utils) or set XMLLINT_PATH to an xmllint binary."
. "$(dirname "$0")/lib/apt-install.sh"

ready() {
  [ -x "$XMLLINT" ] && "$XMLLINT" --version >/dev/null 2>&1
}

ready && exit 0
apt_install "libxml2-utils"
ready || fail "libxml2-utils was installed but $XMLLINT does not run."
echo "$TOOL: $("$XMLLINT" --version 2>&1 | head -n 1)" >&2
