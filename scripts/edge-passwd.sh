#!/usr/bin/env bash
# Adds a device to a credentials file, or changes its password, as an Argon2id hash:
#   scripts/edge-passwd.sh FILE NAME
# Reads the password twice without echo on a terminal, or one line from standard input otherwise:
#   printf '%s\n' "$password" | scripts/edge-passwd.sh config/credentials.txt my-device
# A running server reads the changed file by itself.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/lib.sh"

jar="$(ensure_built edge-server)"
# shellcheck disable=SC2086 # JAVA_OPTS holds several words on purpose
exec java ${JAVA_OPTS:-} -Dlogback.configurationFile="$root/config/logback.xml" -cp "$jar" \
  org.edgenet.server.cli.PasswdMain "$@"
