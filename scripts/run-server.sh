#!/usr/bin/env bash
# Starts the EdgeNet server: scripts/run-server.sh <server_port> <number_of_consecutive_failed_attempts> [options]
# Builds the server first when its jar is missing or older than the sources. Works from any directory;
# files the server reads and writes are relative to the current directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/lib.sh"

jar="$(ensure_built edge-server)"
args=("$@")
# The settings file the server will read: --config FILE, else config/edge-server.properties here.
settings="config/edge-server.properties"
for ((i = 1; i <= $#; i++)); do
  case "${!i}" in
    --config) j=$((i + 1)); settings="${!j:-}" ;;
    --config=*) settings="${!i#--config=}" ;;
  esac
done
# With no credentials.txt here and none named, here or in the settings file, use the default in config/.
if [[ ! -f credentials.txt ]] && [[ " $* " != *" --credentials"* ]] \
    && ! grep -qE '^[[:space:]]*credentials[[:space:]]*[=:]' "$settings" 2>/dev/null; then
  args+=(--credentials "$root/config/credentials.txt")
fi
# shellcheck disable=SC2086 # JAVA_OPTS holds several words on purpose
exec java ${JAVA_OPTS:-} -Dlogback.configurationFile="$root/config/logback.xml" -jar "$jar" "${args[@]}"
