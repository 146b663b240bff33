#!/usr/bin/env bash
# Builds an OCI bundle (BUNDLE/rootfs + BUNDLE/config.json) in which rsd runs as PID 1 under runc: the
# same layout as dockerfiles/Dockerfile's image, made from this machine's files instead of Alpine's.
#
#   scripts/container/make-rootfs.sh BUNDLE UNITS_DIR [RSD_ARG...]
#
# BUNDLE must not exist or be empty. The rootfs holds busybox-static (with a link for each applet), the
# node binary and the shared libraries it and koffi need (from ldd), /etc/passwd and /etc/group. rsd itself
# (dist/, node_modules/, units/, native/build/ with the glibc-built exec helper) and UNITS_DIR are
# bind-mounted read-only, so a bundle costs a few MB and a second to make. The process is the image's:
# dockerfiles/Dockerfile's ENTRYPOINT, then its CMD or the RSD_ARGs given instead. The cgroup path is /rsd-ct-<basename of BUNDLE>:
# give each run its own bundle name. RSD_EXEC_HELPER=FILE (e.g. native/build/musl/rsd-exec-helper, the
# Alpine image's) is mounted in the container and named there by rsd's own RSD_EXEC_HELPER variable.
# RSD_CGROUP2=1
# gives the container its own cgroup namespace and a writable cgroup2 mount at /sys/fs/cgroup (as
# `podman run --systemd=always` or a privileged `docker run --cgroupns=private` do), so rsd makes a cgroup
# per unit; otherwise /sys/fs/cgroup is runc's default read-only mount and rsd tracks process groups.
# Needs: busybox-static, runc, jq (scripts/install-container-packages.sh).
set -euo pipefail

die() {
  echo "make-rootfs: $*" >&2
  exit 1
}
[ $# -ge 2 ] || die "usage: make-rootfs.sh BUNDLE UNITS_DIR [RSD_ARG...]"
bundle="$1"
units="$(realpath "$2")"
shift 2
repo="$(realpath "$(dirname "$0")/../..")"
busybox=/bin/busybox
node="$(realpath "$(command -v node)")"

for tool in runc jq; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
# Debian's busybox-static is the only static busybox: a dynamic one would need its libraries too.
[ -x "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 || die "$busybox is missing or not static (busybox-static)"
[ -d "$units" ] || die "$units is not a directory"
[ -f "$repo/dist/src/cli/rsd.js" ] || die "rsd is not built ($repo/dist): run ./build_all.sh"
[ -x "$repo/native/build/rsd-exec-helper" ] || die "the exec helper is not built: run native/build.sh"
alt_helper="${RSD_EXEC_HELPER:+$(realpath "$RSD_EXEC_HELPER")}"
[ -z "$alt_helper" ] || [ -x "$alt_helper" ] || die "RSD_EXEC_HELPER=$alt_helper is not an executable file"
modules="$(realpath "$repo/node_modules")"
[ -d "$modules/koffi" ] || die "node_modules is not installed: npm ci"

mkdir -p "$bundle"
bundle="$(realpath "$bundle")"
[ -z "$(ls -A "$bundle")" ] || die "$bundle is not empty"
rootfs="$bundle/rootfs"
mkdir -p "$rootfs"/{bin,sbin,etc,usr/bin,usr/sbin,opt/rsd,proc,sys,dev,run,tmp,var/tmp,root}
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"

# busybox and its applets (sh, sleep, ps, cat, env, ...), as links at their usual paths.
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list-full); do
  [ -e "$rootfs/$applet" ] || ln -s /bin/busybox "$rootfs/$applet"
done

# node and every shared library node and koffi load, at the paths the dynamic loader looks them up by.
copy_with_libs() { # copy_with_libs FILE...: the libraries each FILE needs (ldd), at their own paths
  local lib
  for lib in $(for f in "$@"; do ldd "$f"; done | awk '$2 == "=>" { print $3 } $1 ~ /^\// { print $1 }' | sort -u); do
    [ -e "$rootfs$lib" ] && continue
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
}
cp "$node" "$rootfs/usr/bin/node"
koffi_node="$(find "$modules" -path '*linux_x64/koffi.node' -print -quit)"
copy_with_libs "$node" ${koffi_node:+"$koffi_node"}
# The rootfs's own loader cache, so a dlopen by soname (koffi.load('libc.so.6')) resolves as on the host.
printf '/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n' >"$rootfs/etc/ld.so.conf"
ldconfig -r "$rootfs" 2>/dev/null || true

# rsd and rsdctl are links in /usr/local/bin, as in the image (node follows the links to /opt/rsd).
mkdir -p "$rootfs/usr/local/bin"
ln -s /opt/rsd/dist/src/cli/rsd.js "$rootfs/usr/local/bin/rsd"
ln -s /opt/rsd/dist/ctl/rsdctl.js "$rootfs/usr/local/bin/rsdctl"
mkdir -p "$rootfs/opt/rsd"/{dist,node_modules,units,native/build}
cp "$repo/package.json" "$rootfs/opt/rsd/package.json"

cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
nogroup:x:65534:
EOF
echo rsd-container >"$rootfs/etc/hostname"
: >"$rootfs/.dockerenv"

# config.json: runc's own template, then what a `docker run` of dockerfiles/Dockerfile's image would set.
(cd "$bundle" && runc spec)
args_json="$(jq -cn '$ARGS.positional' --args -- "$@")"
# The image's ENTRYPOINT and CMD (exec form, JSON arrays, one line each).
dockerfile="$repo/dockerfiles/Dockerfile"
entrypoint="$(sed -n 's/^ENTRYPOINT //p' "$dockerfile")"
cmd="$(sed -n 's/^CMD //p' "$dockerfile")"
volume="$(sed -n 's/^VOLUME //p' "$dockerfile")"
for a in "$entrypoint" "$cmd" "$volume"; do
  jq -e 'type == "array"' <<<"$a" >/dev/null 2>&1 || die "no ENTRYPOINT [...], CMD [...] and VOLUME [...] in $dockerfile"
done
jq \
  --arg repo "$repo" --arg alt_helper "$alt_helper" --arg modules "$modules" --arg units "$units" \
  --arg cgroup "/rsd-ct-$(basename "$bundle")" --argjson args "$args_json" \
  --argjson entrypoint "$entrypoint" --argjson cmd "$cmd" --argjson volume "$volume" \
  --argjson cgroup2 "$([ "${RSD_CGROUP2:-0}" = 1 ] && echo true || echo false)" '
  def bind($src; $dst): {destination: $dst, type: "bind", source: $src, options: ["rbind", "ro"]};
  .process.terminal = false
  | .process.args = $entrypoint + (if ($args | length) > 0 then $args else $cmd end)
  # As docker run: the image'"'"'s PATH (Alpine'"'"'s), no container= variable, a /.dockerenv file.
  | .process.env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
  # Docker'"'"'s default capability set: what rsd gets in `docker run` without --privileged.
  | .process.capabilities = ([
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
      "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
      "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"
    ] as $caps | {bounding: $caps, effective: $caps, permitted: $caps})
  | del(.process.capabilities.inheritable, .process.capabilities.ambient)
  | .process.noNewPrivileges = false
  | .root = {path: "rootfs", readonly: false}
  | .hostname = "rsd-container"
  | .mounts += [
      {destination: "/run", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=755"]},
      {destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]},
      bind($repo + "/dist"; "/opt/rsd/dist"),
      bind($modules; "/opt/rsd/node_modules"),
      bind($repo + "/units"; "/opt/rsd/units"),
      bind($repo + "/native/build"; "/opt/rsd/native/build"),
      bind($units; $volume[0])
    ]
  | if $alt_helper != "" then
      .mounts += [bind($alt_helper; "/opt/rsd/alt-helper/rsd-exec-helper")]
      | .process.env += ["RSD_EXEC_HELPER=/opt/rsd/alt-helper/rsd-exec-helper"]
    else . end
  | .linux.namespaces = [{type: "pid"}, {type: "mount"}, {type: "ipc"}, {type: "uts"}, {type: "network"}]
  | .linux.cgroupsPath = $cgroup
  | if $cgroup2 then
      .linux.namespaces += [{type: "cgroup"}]
      | .mounts = [.mounts[] | if .destination == "/sys/fs/cgroup" then
          {destination: "/sys/fs/cgroup", type: "cgroup2", source: "cgroup2",
           options: ["nosuid", "noexec", "nodev", "rw"]}
        else . end]
    else . end
  ' "$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"
