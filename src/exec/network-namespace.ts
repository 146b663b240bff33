/**
 * A unit's PrivateNetwork= namespace, shared by all its processes as systemd shares it: a datagram socket
 * pair that rsd keeps from the unit's start to its stop and that holds the namespace's fd in its queue. The
 * exec helper of the unit's first process creates the namespace and stores it; the others join it. Closing
 * the pair lets the namespace go once its last process has ended.
 */
import { close } from '../native/libc';
import { AF_UNIX, SOCK_CLOEXEC, SOCK_DGRAM, socketpair } from '../native/socket';

export class NetworkNamespaceStorage {
  private constructor(readonly fds: readonly [number, number]) {}

  /** null when no socket pair can be made (out of fds): each process then gets a namespace of its own. */
  static create(): NetworkNamespaceStorage | null {
    const r = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC);
    return r.ok ? new NetworkNamespaceStorage(r.value) : null;
  }

  close(): void {
    close(this.fds[0]);
    close(this.fds[1]);
  }
}
