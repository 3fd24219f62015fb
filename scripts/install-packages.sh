#!/usr/bin/env bash
# Install the given Debian/Ubuntu packages that are missing; does nothing (and prints nothing) when all are
# present. Used by `make deps` and `make test-deps`. Runs apt-get through sudo unless we are root.
# Leading arguments that start with -- are passed to apt-get install (e.g. --no-install-recommends).
set -euo pipefail
options=()
while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do options+=("$1"); shift; done
missing=""
for p in "$@"; do
  # No pipe into grep -q here: with pipefail an early-exiting grep could make an installed package look missing.
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  # shellcheck disable=SC2086 # $missing is a space-separated list of package names
  $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y ${options[@]+"${options[@]}"} $missing
fi
