/**
 * MaxConnectionsPerSource= (systemd 252 socket_acquire_peer): connections are counted per source address
 * for IPv4, IPv6 (an IPv4-mapped address counts as the IPv4 one) and vsock (the CID); systemd 252 does not
 * count AF_UNIX peers, so neither does rsd.
 */
import type { SockAddr } from '../native/socket';
import { remoteEnv } from './accept';

/** The source a connection is counted under; null when its family is not counted. */
export function sourceOf(remote: SockAddr): string | null {
  if (remote.family === 'ipv4' || remote.family === 'ipv6') return remoteEnv(remote).REMOTE_ADDR ?? null;
  if (remote.family === 'vsock') return `vsock:${remote.cid}`;
  return null;
}

/** Open connections per source. Invariant: no source is kept with a count of 0. */
export class PerSourceCount {
  private readonly counts = new Map<string, number>();

  count(source: string): number {
    return this.counts.get(source) ?? 0;
  }

  add(source: string): void {
    this.counts.set(source, this.count(source) + 1);
  }

  release(source: string): void {
    const n = this.count(source) - 1;
    if (n > 0) this.counts.set(source, n);
    else this.counts.delete(source);
  }
}
