#!/usr/bin/env bash
# A CI job's body: boots UNITS_DIR in the rsd image, waits for the boot to finish, checks that UNITs are
# active with rsdctl inside the container, stops it as `docker stop` does and checks that rsd stopped
# everything and exited 0. Prints the container's log at the end, pass or fail.
#   dockerfiles/ci-check.sh UNITS_DIR UNIT...          IMAGE=rsd:latest  DOCKER=docker
set -euo pipefail
[ $# -ge 2 ] || {
  echo "usage: dockerfiles/ci-check.sh UNITS_DIR UNIT..." >&2
  exit 2
}
units="$(cd "$1" && pwd)"
shift
docker="${DOCKER:-docker}"
name="rsd-ci-$$"
trap '"$docker" logs "$name" 2>&1 | tail -n 200; "$docker" rm -f "$name" >/dev/null 2>&1 || true' EXIT

"$docker" run -d --name "$name" --stop-timeout 100 --tmpfs /run --tmpfs /tmp \
  -v "$units:/etc/rsd/units:ro" "${IMAGE:-rsd:latest}" >/dev/null
for _ in $(seq 120); do
  "$docker" logs "$name" 2>&1 | grep -q 'Startup finished' && break
  [ "$("$docker" inspect -f '{{.State.Running}}' "$name")" = true ] || {
    echo "ci-check: rsd exited during boot" >&2
    exit 1
  }
  sleep 0.5
done
"$docker" logs "$name" 2>&1 | grep -q 'Startup finished' || {
  echo "ci-check: no 'Startup finished' within 60 s" >&2
  exit 1
}
"$docker" exec "$name" rsdctl list-units
"$docker" exec "$name" rsdctl is-active "$@"

# docker stop sends the image's STOPSIGNAL (SIGRTMIN+3, halt), SIGKILL after --stop-timeout.
"$docker" stop "$name" >/dev/null
code="$("$docker" inspect -f '{{.State.ExitCode}}' "$name")"
[ "$code" = 0 ] || {
  echo "ci-check: rsd exited with status $code, expected 0" >&2
  exit 1
}
"$docker" logs "$name" 2>&1 | tail -n 1 | grep -q 'All units stopped. Exiting.' || {
  echo "ci-check: the log does not end with 'All units stopped. Exiting.'" >&2
  exit 1
}
echo "ci-check: booted, $* active, stopped in order, exit 0"
