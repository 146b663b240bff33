/**
 * koffi bindings for the calls only an init makes: mount(2), umount2(2), sethostname(2), sync(2), reboot(2)
 * and execve(2) (Node 20 has no process.execve). Kept apart from libc.ts, whose calls every service start
 * uses; failures come back as values, never as exceptions.
 */
import koffi from 'koffi';
import type { Sys } from './libc';

/** reboot(2) commands (<sys/reboot.h>). */
export const RB_AUTOBOOT = 0x01234567;
export const RB_HALT_SYSTEM = 0xcdef0123;
export const RB_POWER_OFF = 0x4321fedc;
export type RebootCommand = typeof RB_AUTOBOOT | typeof RB_HALT_SYSTEM | typeof RB_POWER_OFF;

/** mount(2) flags (<sys/mount.h>). */
export const MS_RDONLY = 1;
export const MS_NOSUID = 2;
export const MS_NODEV = 4;
export const MS_NOEXEC = 8;
export const MS_NOATIME = 1024;
export const MS_RELATIME = 1 << 21;
export const MS_STRICTATIME = 1 << 24;
export const MNT_DETACH = 2;

interface Bindings {
  mount(source: string, target: string, type: string, flags: number, data: string | null): number;
  umount2(target: string, flags: number): number;
  sethostname(name: string, len: number): number;
  sync(): void;
  reboot(cmd: number): number;
  execve(path: string, argv: (string | null)[], envp: (string | null)[]): number;
}

let bound: Bindings | undefined;

function bindings(): Bindings {
  if (bound) return bound;
  const lib = koffi.load('libc.so.6');
  const f = (decl: string): unknown => lib.func(decl);
  bound = {
    mount: f(
      'int mount(const char *source, const char *target, const char *type, unsigned long flags, const char *data)',
    ),
    umount2: f('int umount2(const char *target, int flags)'),
    sethostname: f('int sethostname(const char *name, size_t len)'),
    sync: f('void sync()'),
    reboot: f('int reboot(int cmd)'),
    execve: f('int execve(const char *path, const char **argv, const char **envp)'),
  } as Bindings;
  return bound;
}

function sys(result: number): Sys<number> {
  return result < 0 ? { ok: false, errno: koffi.errno() } : { ok: true, value: result };
}

export function mount(
  source: string,
  target: string,
  type: string,
  flags: number,
  data: string | null,
): Sys<number> {
  return sys(bindings().mount(source, target, type, flags, data));
}

export function umount2(target: string, flags: number): Sys<number> {
  return sys(bindings().umount2(target, flags));
}

export function sethostname(name: string): Sys<number> {
  return sys(bindings().sethostname(name, Buffer.byteLength(name)));
}

export function sync(): void {
  bindings().sync();
}

/**
 * reboot(2). In the initial PID namespace this halts, powers off or restarts the machine; called by the init
 * of any other PID namespace it ends that namespace instead (pid_namespaces(7)). Returns only on failure.
 */
export function reboot(cmd: RebootCommand): Sys<number> {
  // koffi passes an int: the commands above 0x7fffffff are given as their two's-complement value.
  return sys(bindings().reboot(cmd | 0));
}

/** execve(2): replaces this process's image; returns only on failure. */
export function execve(path: string, argv: readonly string[], env: readonly string[]): Sys<number> {
  return sys(bindings().execve(path, [...argv, null], [...env, null]));
}
