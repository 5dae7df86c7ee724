# Shared by scripts/ensure-*.sh (sourced, POSIX sh): installs Debian packages with apt-get for a
# test tool that is missing, or says what to do. The caller sets TOOL (its name, for messages)
# and HINT (how to install it by hand or which variable points at another binary).
#
#   apt_install "pkg1 pkg2"   → 0 once installed; exits 1 with a message on stderr otherwise
#   fail "message"            → the same message format, exit 1

fail() {
  echo "$TOOL: $1" >&2
  echo "$TOOL: $HINT" >&2
  exit 1
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || fail "missing: $1, and apt-get is not available on this machine."
  SUDO=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO="sudo -n"
    else
      fail "missing: $1, and installing it needs root (no passwordless sudo)."
    fi
  fi
  echo "$TOOL: installing Debian's $1 (one time)..." >&2
  # A lock held by another apt run (a parallel test run) is waited for rather than failed on.
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 || fail "apt-get update failed."
  # shellcheck disable=SC2086 # the package list is meant to split into words
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $1 >&2 || fail "apt-get install $1 failed."
}
