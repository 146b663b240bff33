#!/usr/bin/env bash
# Builds rsd's native programs into native/build/: rsd-exec-helper (runs between posix_spawn and the
# service's execve) and spawn-floor (the C-speed floor for boot benchmarks). Rebuilds only what is older
# than its source or this script; silent on success. CC overrides the compiler.
#
# `native/build.sh --musl` builds only the helper, with musl (musl-gcc, Debian's musl-tools, unless CC
# says otherwise), into native/build/musl/: the helper of the Alpine image (dockerfiles/), built and tested
# on a glibc machine. On Alpine the default build is already a musl build.
set -euo pipefail
cd "$(dirname "$0")"
out_dir=build
if [ "${1:-}" = --musl ]; then
  CC="${CC:-musl-gcc}"
  out_dir=build/musl
fi
CC="${CC:-cc}"
CFLAGS=(-O2 -Wall -Wextra -Werror -std=gnu11 -D_FORTIFY_SOURCE=2)
mkdir -p "$out_dir"

build() { # build OUTPUT SOURCE [EXTRA CFLAGS...]
  local out="$out_dir/$1" src="$2"
  shift 2
  if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt build.sh ]; then return 0; fi
  # Compile to a temporary name, then rename: a concurrent build or a running test never sees half a file.
  "$CC" "${CFLAGS[@]}" "$@" -o "$out.tmp.$$" "$src"
  mv -f "$out.tmp.$$" "$out"
}

# The helper runs once per service start: linked statically it skips the dynamic loader, about 0.1 ms a
# start here. Where no static libc is installed, the dynamic build is the same program.
build rsd-exec-helper exec-helper.c -static 2>/dev/null || build rsd-exec-helper exec-helper.c
[ "$out_dir" = build ] || exit 0
build spawn-floor spawn-floor.c
