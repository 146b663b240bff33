#!/usr/bin/env bash
# Builds rsd's native programs into native/build/: rsd-exec-helper (runs between posix_spawn and the
# service's execve), librsd-spawn.so (spawns into a cgroup) and spawn-floor (the C-speed floor for boot benchmarks). Rebuilds only what is older
# than its source or this script; silent on success.
set -euo pipefail
cd "$(dirname "$0")"
CC="${CC:-cc}"
CFLAGS=(-O2 -Wall -Wextra -Werror -std=gnu11 -D_FORTIFY_SOURCE=2)
mkdir -p build

build() { # build OUTPUT SOURCE [EXTRA CFLAGS...]
  local out="build/$1" src="$2"
  shift 2
  if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt build.sh ]; then return 0; fi
  # Compile to a temporary name, then rename: a concurrent build or a running test never sees half a file.
  "$CC" "${CFLAGS[@]}" "$@" -o "$out.tmp.$$" "$src"
  mv -f "$out.tmp.$$" "$out"
}

# The helper runs once per service start: linked statically it skips the dynamic loader, about 0.1 ms a
# start here. Where no static libc is installed, the dynamic build is the same program.
build rsd-exec-helper exec-helper.c -static 2>/dev/null || build rsd-exec-helper exec-helper.c
# posix_spawn straight into a unit's cgroup (clone3 CLONE_INTO_CGROUP), loaded by rsd through koffi.
build librsd-spawn.so spawn-into-cgroup.c -shared -fPIC
build spawn-floor spawn-floor.c
