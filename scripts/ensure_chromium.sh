#!/usr/bin/env bash
# Makes sure headless Chromium is on this machine, for the test that renders
# the quality report (tests/test_report.py). Installs Debian's `chromium`
# package when no Chromium is found; does nothing when one is.
#
#   scripts/ensure_chromium.sh             # prints the browser's path
#   scripts/ensure_chromium.sh --announce  # also says on stderr what it found or is about to do (make test)
#
# Needs root (or sudo without a password) and the Debian package registry to
# install. It never fails the caller: when Chromium cannot be installed it says
# why on stderr and exits 0, and the browser test is skipped with that reason.
# ZZ_NO_CHROMIUM_INSTALL=1 never installs anything (the browser test is then
# skipped when no Chromium is found).
set -uo pipefail

ANNOUNCE=""
[ "${1:-}" = "--announce" ] && ANNOUNCE=1
say() { [ -n "$ANNOUNCE" ] && echo "ensure_chromium: $*" >&2; return 0; }

find_chromium() {
    for name in chromium chromium-browser google-chrome; do
        if path=$(command -v "$name" 2>/dev/null); then
            echo "$path"
            return 0
        fi
    done
    return 1
}

if path=$(find_chromium); then
    say "the report test (tests/test_report.py) renders in headless Chromium: $path"
    echo "$path"
    exit 0
fi

if [ -n "${ZZ_NO_CHROMIUM_INSTALL:-}" ]; then
    echo "ensure_chromium: no Chromium, and ZZ_NO_CHROMIUM_INSTALL is set: not installing it; the browser test is skipped" >&2
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: no Chromium and no apt-get on this machine; install Chromium by hand to run the browser test" >&2
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "ensure_chromium: no Chromium, and installing it needs root: sudo apt-get install -y chromium" >&2
        exit 0
    fi
fi

echo "ensure_chromium: no Chromium found; the report test needs one. Installing Debian's chromium package" \
     "now, as root: ${SUDO:+$SUDO }apt-get update, then ${SUDO:+$SUDO }apt-get install -y chromium" \
     "(ZZ_NO_CHROMIUM_INSTALL=1 skips this and the browser test)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -q >&2; then
    echo "ensure_chromium: apt-get update failed" >&2
fi
if ! $SUDO apt-get install -y -q chromium >&2; then
    echo "ensure_chromium: apt-get install chromium failed" >&2
    exit 0
fi

if path=$(find_chromium); then
    echo "$path"
else
    echo "ensure_chromium: chromium installed but not found on PATH" >&2
fi
exit 0
