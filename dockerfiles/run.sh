#!/usr/bin/env bash
# Runs the rsd image with a directory of unit files as /etc/rsd/units (read-only), rsd as PID 1.
#   dockerfiles/run.sh UNITS_DIR [EXTRA DOCKER RUN ARGS...] [-- RSD ARGS...]
#   IMAGE=rsd:latest  NAME=rsd  DOCKER=docker (or podman)  STOP_TIMEOUT=100
# In the foreground: its log is rsd's, Ctrl-C or `docker stop NAME` stops every unit and ends it.
set -euo pipefail
[ $# -ge 1 ] || {
  echo "usage: dockerfiles/run.sh UNITS_DIR [DOCKER RUN ARGS...] [-- RSD ARGS...]" >&2
  exit 2
}
units="$(cd "$1" && pwd)"
shift
docker_args=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  docker_args+=("$1")
  shift
done
[ "${1:-}" = -- ] && shift
rsd_args=("$@")
[ ${#rsd_args[@]} -gt 0 ] || rsd_args=(--unit-dir /etc/rsd/units)
# --stop-timeout: how long `docker stop` waits before SIGKILL; it must cover the units' TimeoutStopSec=
#   (90 s by default), or the container is killed in the middle of an orderly stop.
# --tmpfs /run: a fresh /run per boot, as on a real system (rsd's sockets, RuntimeDirectory=).
# No --init: rsd is the init.
exec "${DOCKER:-docker}" run --rm --name "${NAME:-rsd}" \
  --stop-timeout "${STOP_TIMEOUT:-100}" \
  --tmpfs /run --tmpfs /tmp \
  -v "$units:/etc/rsd/units:ro" \
  "${docker_args[@]}" "${IMAGE:-rsd:latest}" "${rsd_args[@]}"
