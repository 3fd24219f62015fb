#!/usr/bin/env bash
# `make test`'s browser step: Selenium (PyPI, in a venv under .build/) drives Debian's headless chromium through each
# page's main journey against a real node (tests/browser/conftest.py starts one on a free loopback port) and writes
# a screenshot of each to docs/screenshots/. Needs chromium and chromium-driver (make test-deps installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/debug/civicvault}
VENV=.build/browser-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" || { rm -rf "$VENV"; scripts/install-packages.sh --no-install-recommends python3-venv; python3 -m venv "$VENV"; }
fi
if ! "$VENV/bin/python" -c 'import selenium, pytest' 2>/dev/null; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/browser/requirements.txt
fi
exec "$VENV/bin/python" -m pytest -p no:cacheprovider -q tests/browser --bin "$BIN" "$@"
