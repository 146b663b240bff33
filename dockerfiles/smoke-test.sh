#!/bin/sh
# Build-time smoke test of the image (POSIX sh, busybox is enough): rsd, not PID 1 here, boots a oneshot
# service that prints a word and asks rsd to exit with status 42. Fails when rsd cannot start a service or
# rsdctl cannot reach it, so such an image is never built. Needs rsd and rsdctl in PATH.
set -eu
d="$(mktemp -d)"
printf '[Unit]\nWants=smoke.service\n' >"$d/default.target"
printf '[Service]\nType=oneshot\nExecStart=/bin/echo smoke-ok\nExecStartPost=%s --socket %s exit 42\n' \
  "$(command -v rsdctl)" "$d/rsd.sock" >"$d/smoke.service"
rc=0
timeout 30 rsd --unit-dir "$d" --socket "$d/rsd.sock" --cgroup-subtree "rsd-smoke-$$" >"$d/log" 2>&1 || rc=$?
cat "$d/log"
if [ "$rc" != 42 ] || ! grep -q 'smoke\[[0-9]*\]: smoke-ok' "$d/log"; then
  echo "smoke-test: rsd exited $rc (expected 42) or the service did not run" >&2
  rm -rf "$d"
  exit 1
fi
rm -rf "$d"
echo "smoke-test: ok"
