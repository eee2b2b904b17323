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
