#!/usr/bin/env bash
# Starts an EdgeNet device: scripts/run-client.sh <server_host> <server_port> <client_udp_server_port> [options]
# Builds the client first when its jar is missing or older than the sources. Works from any directory;
# the device's files live in the current directory unless --dir says otherwise.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/lib.sh"

jar="$(ensure_built edge-client)"
# shellcheck disable=SC2086 # JAVA_OPTS holds several words on purpose
exec java ${JAVA_OPTS:-} -jar "$jar" "$@"
