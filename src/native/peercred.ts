import koffi from 'koffi';
import type { Sys } from './libc';

/** The credentials of the process at the other end of a unix socket (SO_PEERCRED). */
export interface PeerCredentials {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

const SOL_SOCKET = 1;
const SO_PEERCRED = 17;

let getsockopt: ((fd: number, level: number, name: number, value: Buffer, len: number[]) => number) | null =
  null;

function bind(): NonNullable<typeof getsockopt> {
  if (!getsockopt) {
    const libc = koffi.load('libc.so.6');
    getsockopt = libc.func(
      'int getsockopt(int fd, int level, int name, void *value, _Inout_ uint32_t *len)',
    ) as (fd: number, level: number, name: number, value: Buffer, len: number[]) => number;
  }
  return getsockopt;
}

/** Reads SO_PEERCRED of a connected unix socket fd: who is asking, as the kernel vouches. */
export function peerCredentials(fd: number): Sys<PeerCredentials> {
  const buf = Buffer.alloc(12);
  const len = [12];
  const r = bind()(fd, SOL_SOCKET, SO_PEERCRED, buf, len);
  if (r !== 0) return { ok: false, errno: koffi.errno() };
  return { ok: true, value: { pid: buf.readInt32LE(0), uid: buf.readUInt32LE(4), gid: buf.readUInt32LE(8) } };
}
