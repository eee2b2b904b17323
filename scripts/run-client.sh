#!/usr/bin/env bash
# Starts an EdgeNet device: scripts/run-client.sh <server_host> <server_port> <client_udp_server_port> [options]
# Builds the client first when its jar is missing or older than the sources. Works from any directory;
# the device's files live in the current directory unless --dir says otherwise. Starts the JVM for a
# quick start (see run_device in lib.sh); JAVA_OPTS reaches the JVM after those options and wins.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/lib.sh"

jar="$(ensure_built edge-client)"
# A small heap, C1 only and a class data sharing archive made on first use; JAVA_OPTS still wins.
run_device "$jar" "$@"
