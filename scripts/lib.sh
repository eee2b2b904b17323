# Shared by the run scripts: builds a module's runnable jar when it is missing or stale.
# shellcheck shell=bash

# Prints the path of <module>'s runnable jar, building it first if any source is newer.
ensure_built() {
  local module="$1"
  local jar="$root/$module/target/$module-app.jar"
  local stale=""
  if [[ -f "$jar" ]]; then
    stale="$(find "$root/pom.xml" "$root/edge-common" "$root/$module" \
      -path '*/target' -prune -o -type f -newer "$jar" -print -quit)"
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

# As ensure_built, for a module that depends on every other one (the bench): any source counts.
ensure_built_all() {
  local module="$1"
  local jar="$root/$module/target/$module-app.jar"
  local stale=""
  if [[ -f "$jar" ]]; then
    stale="$(find "$root/pom.xml" "$root"/edge-* -path '*/target' -prune -o -type f -newer "$jar" -print -quit)"
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
