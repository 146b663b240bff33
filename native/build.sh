#!/usr/bin/env bash
# Builds rsd's native programs into native/build/: rsd-exec-helper (runs between posix_spawn and the
# service's execve), librsd-spawn.so (spawns into a cgroup) and spawn-floor (the C-speed floor for boot
# benchmarks). Rebuilds only what is older than its source or this script; silent on success. CC overrides
# the compiler.
#
# `native/build.sh --musl` builds what the Alpine image ships (the helper and librsd-spawn.so) with musl
# (musl-gcc, Debian's musl-tools, unless CC says otherwise) into native/build/musl/, so they are built and
# checked on a glibc machine. On Alpine the default build is already a musl build.
set -euo pipefail
cd "$(dirname "$0")"
out_dir=build
CFLAGS=(-O2 -Wall -Wextra -Werror -std=gnu11 -D_FORTIFY_SOURCE=2)
if [ "${1:-}" = --musl ]; then
  CC="${CC:-musl-gcc}"
  out_dir=build/musl
  # musl-gcc sees no kernel headers: give it the system's linux/, asm/ and asm-generic/, and nothing else.
  kernel="$out_dir/kernel-include"
  mkdir -p "$kernel"
  for d in linux asm-generic "$(uname -m)-linux-gnu/asm"; do
    [ -d "/usr/include/$d" ] && ln -sfn "/usr/include/$d" "$kernel/$(basename "$d")"
  done
  CFLAGS+=(-idirafter "$kernel")
fi
CC="${CC:-cc}"
mkdir -p "$out_dir"

build() { # build OUTPUT "SOURCE [SOURCE...]" [EXTRA CFLAGS...]
  local out="$out_dir/$1" srcs fresh=1
  read -r -a srcs <<<"$2"
  shift 2
  for f in "${srcs[@]}" build.sh *.h; do [ "$out" -nt "$f" ] || fresh=0; done
  if [ -x "$out" ] && [ "$fresh" = 1 ]; then return 0; fi
  # Compile to a temporary name, then rename: a concurrent build or a running test never sees half a file.
  "$CC" "${CFLAGS[@]}" "$@" -o "$out.tmp.$$" "${srcs[@]}"
  mv -f "$out.tmp.$$" "$out"
}

# The helper runs once per service start: linked statically it skips the dynamic loader, about 0.1 ms a
# start here. Where no static libc is installed, the dynamic build is the same program.
HELPER_SOURCES="exec-helper.c exec-helper-sandbox.c"
build rsd-exec-helper "$HELPER_SOURCES" -static 2>/dev/null || build rsd-exec-helper "$HELPER_SOURCES"
# posix_spawn straight into a unit's cgroup (clone3 CLONE_INTO_CGROUP), loaded by rsd through koffi.
build librsd-spawn.so spawn-into-cgroup.c -shared -fPIC
[ "$out_dir" = build ] || exit 0
build spawn-floor spawn-floor.c
