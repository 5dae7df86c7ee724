#!/bin/sh
# Makes sure the two foreign SOAP stacks of the interoperability tests (tests/interop/) are
# installed: Python zeep for the system Python (/usr/bin/python3, Debian's python3-zeep; not a
# pyenv or virtualenv python3 that may come first on PATH) and PHP's SoapClient (Debian's php-cli,
# php-soap and php-xml). On Debian/Ubuntu it installs the missing packages with apt-get.
# Exit 0 = ready, non-zero = a message on stderr says what to do.
# PYTHON_FOR_ZEEP and PHP_PATH override the interpreters checked.
set -eu

PYTHON="${PYTHON_FOR_ZEEP:-/usr/bin/python3}"
PHP="${PHP_PATH:-/usr/bin/php}"
TOOL=ensure-soap-clients
HINT="install them yourself (Debian/Ubuntu: apt-get install -y python3-zeep php-cli php-soap php-xml), or set PYTHON_FOR_ZEEP / PHP_PATH to interpreters that have zeep / SoapClient."
. "$(dirname "$0")/lib/apt-install.sh"

zeep_ready() {
  [ -x "$PYTHON" ] && "$PYTHON" -c 'import zeep, requests' >/dev/null 2>&1
}

php_ready() {
  [ -x "$PHP" ] && "$PHP" -r 'exit(class_exists("SoapClient") && class_exists("DOMDocument") ? 0 : 1);' >/dev/null 2>&1
}

PACKAGES=""
zeep_ready || PACKAGES="$PACKAGES python3-zeep"
php_ready || PACKAGES="$PACKAGES php-cli php-soap php-xml"
[ -z "$PACKAGES" ] && exit 0

apt_install "${PACKAGES# }"
zeep_ready || fail "python3-zeep was installed but $PYTHON cannot import zeep."
php_ready || fail "php-soap was installed but $PHP has no SoapClient."
echo "$TOOL: zeep $("$PYTHON" -c 'import zeep; print(zeep.__version__)'), $("$PHP" -r 'echo PHP_VERSION;') with SoapClient" >&2
