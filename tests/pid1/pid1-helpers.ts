import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');

/** The real rsdctl against the rsd listening on `socket`. */
export function ctl(socket: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync('node', [RSDCTL, '--socket', socket, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The cgroup v2 directory a process is in, as this process sees the hierarchy. */
export function cgroupDirOf(pid: number): string | null {
  const mount = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' - '))
    .find(([, after]) => after?.startsWith('cgroup2 '))?.[0]
    ?.split(' ')[4];
  const own = readFileSync(`/proc/${pid}/cgroup`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('0::'))
    ?.slice(3);
  return mount && own !== undefined ? join(mount, own) : null;
}

/** A process's pid as its innermost PID namespace numbers it (NSpid's last field). */
export function nsPid(pid: number): number {
  const f = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]?.split(/\s+/);
  return Number(f?.[f.length - 1]);
}

/** rsd.conf that skips every default boot mount (tests never mount over the real /dev or /run). */
export const NO_BOOT_MOUNTS =
  '[Mounts]\n' +
  ['/proc', '/sys', '/dev', '/dev/shm', '/dev/pts', '/run'].map((m) => `${m} = skip\n`).join('');

/**
 * A shell prologue for Rsd.start({ wrap }) that runs rsd outside a container although this machine's root
 * carries /.dockerenv: in rsd's private mount namespace, an overlay of / with that file whited out becomes
 * the root (chroot), with /proc, /sys, /dev, /tmp and /run bound in. `extra` runs before the chroot, with
 * $R the new root. `scratch` is an empty directory (a tmpfs is mounted on it, privately).
 */
export function outsideContainer(scratch: string, extra = ''): string {
  return [
    'set -e',
    `X=${scratch}`,
    'mount -t tmpfs tmpfs $X',
    'mkdir $X/u $X/w $X/root',
    'mknod $X/u/.dockerenv c 0 0',
    'rm -f $X/u/run/.containerenv',
    'mount -t overlay overlay -o lowerdir=/,upperdir=$X/u,workdir=$X/w $X/root',
    'for m in proc sys dev tmp run; do mount --rbind /$m $X/root/$m; done',
    'R=$X/root',
    extra,
    'exec chroot $X/root "$@"',
  ].join('\n');
}
