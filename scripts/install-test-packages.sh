#!/usr/bin/env bash
# Installs the Debian packages that the tests drive as real daemons (today: redis-server for the sd_notify
# test). Idempotent and quick when everything is there already. Nothing installed may start: a policy-rc.d
# that exits 101 is in place for the duration of the install (and removed again if we put it there).
# Exit status: 0 when every package is installed, non-zero otherwise (no apt, no network, no such package);
# tests that need a package skip with this script's output as the reason.
set -euo pipefail

PACKAGES=(redis-server redis-tools)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "install-test-packages: no apt-get on this machine; cannot install ${missing[*]}" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-packages: must run as root to install ${missing[*]}" >&2
  exit 2
fi

# Serialised with install-debian-daemons.sh (which installs redis too): both put a policy-rc.d in place and
# remove it after, so one must not take it away while the other's install runs.
exec 9>/tmp/rsd-apt-install.lock
flock -w 900 9 || true
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

policy=/usr/sbin/policy-rc.d
ours=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  ours=1
fi
cleanup() { if [ "$ours" -eq 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
# Only refresh the package lists when apt does not know the packages yet (no list, or lists from elsewhere).
if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
  timeout 300 apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 || { echo "install-test-packages: apt-get update failed (no network?)" >&2; exit 3; }
fi
install() { timeout 900 apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >&2; }
# Stale lists name versions the mirror no longer has: refresh once and try again.
if ! install && ! { timeout 300 apt-get update -qq >&2 && install; }; then
  echo "install-test-packages: apt-get install ${missing[*]} failed" >&2
  exit 4
fi
