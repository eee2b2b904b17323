#!/usr/bin/env bash
# Runs every test: scripts/test.sh [maven arguments]
# The dashboard's test drives headless Chromium, so Debian's chromium and chromium-driver are
# installed first when missing (with sudo when not root). Further arguments go to Maven.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  :
elif ! command -v apt-get > /dev/null; then
  echo "No apt-get here: install Chromium and its driver as /usr/bin/chromium and /usr/bin/chromedriver," \
    "or the dashboard's browser test fails." >&2
else
  echo "Installing chromium and chromium-driver for the dashboard's browser test." >&2
  as_root=()
  if (( EUID != 0 )); then
    as_root=(sudo)
  fi
  if ! "${as_root[@]}" apt-get install -y chromium chromium-driver; then
    # A fresh machine may not know the packages yet.
    "${as_root[@]}" apt-get update
    "${as_root[@]}" apt-get install -y chromium chromium-driver
  fi
fi

cd "$root"
exec mvn -B verify "$@"
