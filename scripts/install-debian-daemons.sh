#!/usr/bin/env bash
# Installs the real Debian daemons tests/debian/ boots under rsd with their unmodified units: nginx-light,
# redis-server, memcached, openssh-server, cron, rsyslog. A policy-rc.d that answers 101 ("action
# forbidden") keeps the packages' maintainer scripts from starting anything during the install; a previous
# policy-rc.d is restored afterwards. Idempotent: returns at once when everything is installed. Exits
# non-zero with the reason on stderr when something cannot be installed (not root, no apt-get, no network,
# unknown package); the test then skips and prints that reason.
set -euo pipefail

# iproute2: the test bed brings its loopback up with `ip` (a minimal image may lack it).
packages=(nginx-light redis-server memcached openssh-server cron rsyslog iproute2)
missing_packages() {
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
}
missing_packages
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-debian-daemons: not root, cannot install ${missing[*]}" >&2
  exit 1
fi
command -v apt-get >/dev/null || {
  echo "install-debian-daemons: no apt-get, install ${missing[*]} by hand" >&2
  exit 1
}
# Two callers at once on a fresh machine: the second waits for the first, then finds everything there. The
# lock is shared with install-test-packages.sh: both put a policy-rc.d in place and take it away again.
exec 9>/tmp/rsd-apt-install.lock
flock -w 600 9 || true
missing_packages
[ ${#missing[@]} -eq 0 ] && exit 0

policy=/usr/sbin/policy-rc.d
saved=''
if [ -e "$policy" ] || [ -L "$policy" ]; then
  saved=$(mktemp /tmp/rsd-policy-rc.d.XXXXXX)
  cp -a "$policy" "$saved"
fi
restore_policy() {
  if [ -n "$saved" ]; then
    mv -f "$saved" "$policy"
  else
    rm -f "$policy"
  fi
}
trap restore_policy EXIT
printf '#!/bin/sh\n# written by rsd scripts/install-debian-daemons.sh: start nothing during the install\nexit 101\n' >"$policy"
chmod 755 "$policy"

export DEBIAN_FRONTEND=noninteractive
# Another session or test may hold the dpkg lock for a while: wait for it rather than fail.
apt=(apt-get -o DPkg::Lock::Timeout=300 -o Acquire::Retries=2 -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
log=$(mktemp /tmp/rsd-install-debian-daemons.XXXXXX.log)
if ! "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
  # Only a package apt does not know yet is worth an update (a fresh machine with empty lists).
  if grep -qE 'Unable to locate package|has no installation candidate|Failed to fetch|404' "$log"; then
    if ! "${apt[@]}" update >>"$log" 2>&1; then
      echo "install-debian-daemons: apt-get update failed (no network?):" >&2
      tail -5 "$log" >&2
      exit 1
    fi
  fi
  if ! "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    echo "install-debian-daemons: apt-get could not install ${missing[*]}:" >&2
    tail -5 "$log" >&2
    exit 1
  fi
fi
rm -f "$log"
missing_packages
if [ ${#missing[@]} -ne 0 ]; then
  echo "install-debian-daemons: still not installed after apt-get: ${missing[*]}" >&2
  exit 1
fi
