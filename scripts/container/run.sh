#!/usr/bin/env bash
# Boots UNITS_DIR with rsd as PID 1 in a runc container, in the foreground, as dockerfiles/run.sh does with
# Docker: rsd's log on stdout, Ctrl-C (runc forwards it) stops every unit, the exit status is rsd's. The
# bundle lives in a temp directory, removed at the end with the container.
#   scripts/container/run.sh UNITS_DIR [RSD_ARG...]       (prints the container id first, for `runc exec`)
set -euo pipefail
[ $# -ge 1 ] || {
  echo "usage: scripts/container/run.sh UNITS_DIR [RSD_ARG...]" >&2
  exit 2
}
units="$1"
shift
dir="$(mktemp -d /tmp/rsd-runc-XXXXXX)"
id="$(basename "$dir")"
trap 'runc delete -f "$id" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
"$(dirname "$0")/make-rootfs.sh" "$dir/$id" "$units" "$@"
echo "container $id: runc exec $id rsdctl list-units" >&2
runc run --bundle "$dir/$id" "$id"
