#!/usr/bin/env bash
# Makes sure headless Chromium is on this machine, for the test that renders
# the quality report (tests/test_report.py). Installs Debian's `chromium`
# package when no Chromium is found; does nothing when one is.
#
#   scripts/ensure_chromium.sh          # prints the browser's path
#
# Needs root (or sudo without a password) and the Debian package registry to
# install. It never fails the caller: when Chromium cannot be installed it says
# why on stderr and exits 0, and the browser test is skipped with that reason.
set -uo pipefail

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
    echo "$path"
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

echo "ensure_chromium: installing Debian's chromium (apt-get update, then apt-get install -y chromium)" >&2
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
