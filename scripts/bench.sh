#!/usr/bin/env bash
# Benchmarks EdgeNet against plain-socket baselines: scripts/bench.sh [--quick] [--only join,ued,...] [--repeats N] [--out DIR]
# Builds the bench jar when stale, starts real servers as their own JVMs, prints a summary and
# writes docs/PERFORMANCE.md with docs/plots/*.png (a full run of everything), else <work>/report.
# --help lists every option.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/lib.sh"

# Every device the load generator plays holds a socket, and so does the server for it: allow as
# many open files as the machine lets this user have. The bench checks what it got per size.
hard="$(ulimit -Hn)"
if [[ "$hard" == "unlimited" ]] || (( hard > 1048576 )); then
  hard=1048576
fi
ulimit -Sn "$hard" 2>/dev/null || echo "Could not raise the open-file limit to $hard; large join sizes may be skipped." >&2

# The bench jar carries the server and the client too, so its staleness covers all modules.
jar="$(ensure_built edge-bench --all)"
cd "$root"
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS holds several words on purpose
exec java -Xms512m -Xmx2g -XX:+UseG1GC -Djava.awt.headless=true ${BENCH_JAVA_OPTS:-} -jar "$jar" "$@"
