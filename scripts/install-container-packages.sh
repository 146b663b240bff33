#!/usr/bin/env bash
# Installs what the real-container tests (tests/container/) need from Debian: runc (the OCI runtime),
# busybox-static (the container's userland), jq (edits runc's config.json), musl-tools (builds the exec
# helper with musl as the Alpine image does: native/build.sh --musl). Idempotent: returns at once
# when everything is there. Exits non-zero with the reason on stderr when something cannot be installed
# (not root, no apt-get, no network); the tests then skip and print that reason.
set -euo pipefail

packages=(runc busybox-static jq musl-tools)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-container-packages: not root, cannot install ${missing[*]}" >&2
  exit 1
fi
command -v apt-get >/dev/null || {
  echo "install-container-packages: no apt-get, install ${missing[*]} by hand" >&2
  exit 1
}
# Two test files may call this at once on a fresh machine: the second waits for the first, then finds all.
exec 9>/tmp/rsd-install-container-packages.lock
flock -w 300 9 || true
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
export DEBIAN_FRONTEND=noninteractive
# Another session or test may hold the dpkg lock for a while: wait for it rather than fail.
apt=(apt-get -o DPkg::Lock::Timeout=120 -o Acquire::Retries=2 -q)
if ! "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  "${apt[@]}" update >/dev/null 2>&1 || true
  if ! "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >&2; then
    echo "install-container-packages: apt-get could not install ${missing[*]}" >&2
    exit 1
  fi
fi
