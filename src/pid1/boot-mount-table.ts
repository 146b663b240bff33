import {
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  MS_RDONLY,
  MS_NOATIME,
  MS_RELATIME,
  MS_STRICTATIME,
} from '../native/system';

/** One early-boot mount, as an fstab line says it: mount WHAT of TYPE on WHERE with OPTIONS. */
export interface BootMount {
  readonly where: string;
  readonly what: string;
  readonly type: string;
  /** mount(2) flags from the options mount(8) knows as flags (nosuid, nodev, noexec, ro, ...). */
  readonly flags: number;
  /** The other options, passed to the file system as they are. */
  readonly data: string;
}

const FLAG_OPTIONS: Readonly<Record<string, number>> = {
  nosuid: MS_NOSUID,
  nodev: MS_NODEV,
  noexec: MS_NOEXEC,
  ro: MS_RDONLY,
  noatime: MS_NOATIME,
  relatime: MS_RELATIME,
  strictatime: MS_STRICTATIME,
  rw: 0,
  defaults: 0,
};

export type MountLine = { ok: true; value: BootMount } | { ok: false; error: string };

/** `WHAT TYPE [OPTIONS]` for mount point `where`. */
export function parseMountLine(where: string, value: string): MountLine {
  if (!where.startsWith('/')) return { ok: false, error: 'the mount point must be an absolute path' };
  const [what, type, options = '', ...extra] = value.split(/\s+/);
  if (!what || !type) return { ok: false, error: 'expected "WHAT TYPE [OPTIONS]" or "skip"' };
  if (extra.length > 0) return { ok: false, error: 'options must be one comma-separated word' };
  let flags = 0;
  const data: string[] = [];
  for (const o of options.split(',').filter((x) => x !== '')) {
    const f = FLAG_OPTIONS[o];
    if (f === undefined) data.push(o);
    else flags |= f;
  }
  return { ok: true, value: { where, what, type, flags, data: data.join(',') } };
}

const line = (where: string, value: string): BootMount => {
  const m = parseMountLine(where, value);
  if (!m.ok) throw new Error(`bad built-in mount ${where}: ${m.error}`);
  return m.value;
};

/** systemd's mount_table (src/shared/mount-setup.c), the part an init needs before any unit runs. */
export const DEFAULT_BOOT_MOUNTS: readonly BootMount[] = [
  line('/proc', 'proc proc nosuid,nodev,noexec'),
  line('/sys', 'sysfs sysfs nosuid,nodev,noexec'),
  line('/dev', 'devtmpfs devtmpfs nosuid,strictatime,mode=0755,size=4m'),
  line('/dev/shm', 'tmpfs tmpfs nosuid,nodev,strictatime,mode=1777'),
  line('/dev/pts', 'devpts devpts nosuid,noexec,gid=5,mode=0620,ptmxmode=000'),
  line('/run', 'tmpfs tmpfs nosuid,nodev,strictatime,mode=0755,size=20%'),
];
