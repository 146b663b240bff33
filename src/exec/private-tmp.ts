/**
 * PrivateTmp='s host directories: per unit, made before its first process and removed when it stops, so
 * ExecStartPre=, ExecStart= and ExecStartPost= share one /tmp and one /var/tmp, and a restart gets fresh
 * ones, as systemd does. Like systemd's systemd-private-*, each is a sticky, world-writable `tmp` inside a
 * directory only root may enter.
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PrivateTmpDirs } from './sandbox-mounts';

async function make(base: string, unit: string): Promise<string> {
  const outer = await mkdtemp(join(base, `rsd-private-${unit}-`)); // mode 0700
  const inner = join(outer, 'tmp');
  await mkdir(inner);
  await chmod(inner, 0o1777); // mkdir's mode goes through the umask
  return inner;
}

export async function createPrivateTmp(unit: string): Promise<PrivateTmpDirs> {
  const tmp = await make('/tmp', unit);
  try {
    return { tmp, varTmp: await make('/var/tmp', unit) };
  } catch (e) {
    await rm(dirname(tmp), { recursive: true, force: true });
    throw e;
  }
}

export async function removePrivateTmp(dirs: PrivateTmpDirs): Promise<void> {
  await Promise.all(
    [dirs.tmp, dirs.varTmp].map((d) =>
      rm(dirname(d), { recursive: true, force: true }).catch(() => undefined),
    ),
  );
}
