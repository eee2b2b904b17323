# Shared by the scripts: builds a module's runnable jar when it is missing or stale.
# shellcheck shell=bash

# Prints the path of <module>'s runnable jar, building it first when it is missing or older than
# any of its sources: the parent pom, edge-common and the module itself, or with --all every
# module (for a module that depends on all the others, as the bench does).
ensure_built() {
  local module="$1" scope="${2:-}"
  local jar="$root/$module/target/$module-app.jar"
  local sources=("$root/pom.xml" "$root/edge-common" "$root/$module")
  if [[ "$scope" == "--all" ]]; then
    sources=("$root/pom.xml" "$root"/edge-*)
  fi
  local stale=""
  # Set by the bench, which measures starts and must never start a build in the middle of one.
  if [[ "${EDGENET_NO_BUILD:-}" == 1 ]]; then
    if [[ ! -f "$jar" ]]; then
      echo "No $module jar at $jar; build it with mvn -B package -DskipTests." >&2
      exit 1
    fi
    printf '%s\n' "$jar"
    return
  fi
  if [[ -f "$jar" ]]; then
    stale="$(find "${sources[@]}" -path '*/target' -prune -o -type f -newer "$jar" -print -quit)"
  fi
  if [[ ! -f "$jar" || -n "$stale" ]]; then
    echo "Building $module ..." >&2
    if ! (cd "$root" && mvn -B -q -DskipTests package -pl "$module" -am) >&2; then
      echo "Build of $module failed; see the Maven output above." >&2
      exit 1
    fi
  fi
  printf '%s\n' "$jar"
}

# A device is a JVM per device, so its start is part of the product: C1 alone compiles soon enough
# for a console, and a serial collector on a small heap starts with the least memory. Without
# performance data the JVM neither creates nor updates a shared-memory file per device (jps and
# jstat do not see devices). Options of JAVA_OPTS come after these and win.
DEVICE_JVM=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms8m -Xmx128m -Xss512k -XX:-UsePerfData)

# Runs <jar> as a device with a class data sharing archive beside it (<jar without .jar>.jsa), so
# that the classes a device loads come mapped from disk instead of parsed and verified each time.
# The first run, or the first after the jar or the JDK changed, records the archive as it exits
# (kept only when the device exited 0);
# one run records at a time and the archive appears only once complete, so devices started
# together never read a half-written one. Never returns: exits with the device's status.
run_device() {
  local jar="$1"
  shift
  local archive="${jar%.jar}.jsa"
  local jvm
  jvm="$(readlink -f "$(command -v java)" 2>/dev/null || true)"
  jvm="${jvm%/bin/java}/lib/server/libjvm.so"
  # CDS reports a skipped class or an unusable archive as a warning on stdout, which is the device's console.
  local quiet=(-Xlog:cds=off -Xlog:cds+dynamic=off)
  if [[ -f "$archive" && "$archive" -nt "$jar" && ( ! -f "$jvm" || "$archive" -nt "$jvm" ) ]]; then
    # shellcheck disable=SC2086 # JAVA_OPTS holds several words on purpose
    exec java "${DEVICE_JVM[@]}" "${quiet[@]}" -XX:SharedArchiveFile="$archive" ${JAVA_OPTS:-} -jar "$jar" "$@"
  fi
  local lock="$archive.recording"
  # A recorder that died without cleaning up leaves its lock; after ten minutes another run may take over.
  find "$lock" -maxdepth 0 -mmin +10 -delete 2>/dev/null || true
  if ! (set -o noclobber; : >"$lock") 2>/dev/null; then
    # shellcheck disable=SC2086
    exec java "${DEVICE_JVM[@]}" ${JAVA_OPTS:-} -jar "$jar" "$@"
  fi
  local tmp="$archive.$$" status=0 child
  # The recording device is a child of this shell: never leave the lock or a partial archive behind,
  # pass a request to stop on to the device, and let Ctrl-C reach the device alone (it says goodbye).
  trap "rm -f $(printf '%q %q' "$tmp" "$lock")" EXIT
  # shellcheck disable=SC2086
  java "${DEVICE_JVM[@]}" "${quiet[@]}" -XX:ArchiveClassesAtExit="$tmp" ${JAVA_OPTS:-} -jar "$jar" "$@" <&0 &
  child=$!
  trap "kill -TERM $child 2>/dev/null" TERM HUP
  trap ':' INT
  wait "$child" || status=$?
  # A trapped signal ends the wait early: wait on for the device's own status.
  while kill -0 "$child" 2>/dev/null; do
    status=0
    wait "$child" || status=$?
  done
  # Only a device that ran and ended well leaves an archive: a refused start loads too few classes.
  if [[ "$status" == 0 && -s "$tmp" ]]; then
    mv -f "$tmp" "$archive" 2>/dev/null || true
  fi
  exit "$status"
}
