#!/usr/bin/env bash
# The same six Debian 12 daemons booted by real systemd 252 in a container, for docs/debian-daemons.md.
# Not part of `npm test`: it needs debootstrap and systemd-container, a mirror, and ~1.5 min for the rootfs.
# Usage: tests/debian/systemd-nspawn-compare.sh ROOTFS [RUNS]
# Builds ROOTFS once (debootstrap bookworm with the daemons), then boots it RUNS times with
# /work/shared/oracle/nspawn-boot.sh (systemd-nspawn --private-network -b). A probe unit in the container
# (DefaultDependencies=no, pulled in by sysinit.target) records the epoch when each daemon first answers,
# as tests/debian/probe.ts does under rsd, then powers off. Prints ms from the spawn of systemd-nspawn.
set -euo pipefail
R=$(readlink -f "$1")
runs=${2:-3}
mirror=${MIRROR:-http://deb.debian.org/debian}
if [ ! -x "$R/usr/sbin/nginx" ]; then
  debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,dbus,procps,iproute2,nginx-light,redis-server,memcached,openssh-server,cron,rsyslog,curl,redis-tools \
    bookworm "$R" "$mirror" >/dev/null
fi
cat >"$R/usr/local/bin/rsd-probe" <<'PROBE'
#!/bin/bash
out=/root/probe.txt; : > $out
try() {
  local name=$1; shift
  for i in $(seq 4000); do if "$@" >/dev/null 2>&1; then echo "$name $(date +%s%N)" >> $out; return; fi; sleep 0.01; done
  echo "$name FAILED" >> $out
}
try nginx curl -sf http://127.0.0.1/ &
try redis sh -c 'redis-cli -h 127.0.0.1 ping | grep -q PONG' &
try memcached bash -c 'exec 3<>/dev/tcp/127.0.0.1/11211; printf "stats\r\n" >&3; timeout 1 head -1 <&3 | grep -q "STAT pid"' &
try sshd bash -c 'exec 3<>/dev/tcp/127.0.0.1/22; timeout 1 head -1 <&3 | grep -q SSH-2.0' &
wait
systemctl is-system-running --wait >/dev/null 2>&1 || true
systemd-analyze | head -1 >> $out 2>&1
systemctl poweroff
PROBE
chmod +x "$R/usr/local/bin/rsd-probe"
printf '[Unit]\nDescription=rsd comparison probe\nDefaultDependencies=no\n[Service]\nExecStart=/usr/local/bin/rsd-probe\n' \
  >"$R/etc/systemd/system/rsd-probe.service"
mkdir -p "$R/etc/systemd/system/sysinit.target.wants"
ln -sf /etc/systemd/system/rsd-probe.service "$R/etc/systemd/system/sysinit.target.wants/rsd-probe.service"
for i in $(seq "$runs"); do
  t0=$(date +%s%N)
  BOOT_TIMEOUT=60 /work/shared/oracle/nspawn-boot.sh "$R" >/dev/null 2>&1 || true
  line="run $i:"
  while read -r name t rest; do
    case "$t" in
      [0-9]*) line="$line $name +$(((t - t0) / 1000000)) ms" ;;
      *) line="$line | $name $t $rest" ;;
    esac
  done <"$R/root/probe.txt"
  echo "$line"
done
