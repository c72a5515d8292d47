#!/usr/bin/env bash
# Set-up shared by `make lab` and `make test`.
#
#   scripts/venv.sh             make .venv if absent; (re)install -e '.[lab,test]' into it
#                               when pyproject.toml is newer than the stamp file
#   scripts/venv.sh --chromium  the same, then make sure Debian's /usr/bin/chromium is there
#                               (installed with apt-get when running as root)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv
STAMP=$VENV/.k8slab-installed
CHROMIUM=/usr/bin/chromium

say() { echo "==> $*"; }
die() { echo "error: $*" >&2; exit 1; }

pick_python() {
    local py
    for py in python3.11 python3; do
        if command -v "$py" >/dev/null 2>&1 \
            && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            echo "$py"
            return
        fi
    done
    die "k8slab needs Python >= 3.11 (looked for python3.11, then python3)"
}

ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        local py
        py=$(pick_python)
        say "creating $VENV with $py ($("$py" -V 2>&1))"
        "$py" -m venv "$VENV"
        rm -f "$STAMP"
    fi
    if [ ! -e "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
        say "installing -e '.[lab,test]' into $VENV"
        "$VENV/bin/python" -m pip install --disable-pip-version-check --quiet -e '.[lab,test]'
        touch "$STAMP"
    fi
}

ensure_chromium() {
    [ -x "$CHROMIUM" ] && return
    if [ "$(id -u)" -ne 0 ]; then
        die "$CHROMIUM is missing; the browser tests need Debian's chromium. Install it with:
    sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium
then run make test again."
    fi
    command -v apt-get >/dev/null 2>&1 || die "$CHROMIUM is missing and there is no apt-get to install it"
    say "installing Debian's chromium (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends chromium
    [ -x "$CHROMIUM" ] || die "apt-get finished but $CHROMIUM is still missing"
}

ensure_venv
case "${1:-}" in
    "") ;;
    --chromium) ensure_chromium ;;
    *) die "usage: scripts/venv.sh [--chromium]" ;;
esac
