/**
 * A service's file descriptor store (FDSTORE=1, systemd.service(5) FileDescriptorStoreMax=): fds kept for the
 * service across its restarts and handed back at each start. As systemd does, each stored fd is watched for
 * POLLHUP/POLLERR (with uv_poll, only those events, so a readable fd costs nothing) and dropped when it gets
 * one, unless the service sent FDPOLL=0; an fd epoll cannot watch (a regular file) is simply kept.
 * Invariant: every fd in `entries` is open and owned by the store until removed.
 */
import { close } from '../native/libc';
import { FdWatcher } from '../native/uv-poll';

export interface StoredFd {
  readonly fd: number;
  readonly name: string;
}

type Entry = StoredFd & { watcher: FdWatcher | null };

export type StoreLog = (message: string, level: 'info' | 'warn') => void;

export class FdStore {
  private entries: Entry[] = [];

  constructor(private readonly log: StoreLog) {}

  get size(): number {
    return this.entries.length;
  }

  /** Keeps as many of `fds` as `max` leaves room for; returns those kept (the caller closes the rest). */
  add(fds: readonly number[], name: string, poll: boolean, max: number): number[] {
    const room = max - this.entries.length;
    if (room <= 0) {
      this.log(
        `Attempted to store ${fds.length} fds, but FileDescriptorStoreMax=${max} is reached; closing them.`,
        'warn',
      );
      return [];
    }
    const kept = fds.slice(0, room);
    for (const fd of kept) {
      const entry: Entry = { fd, name, watcher: null };
      if (poll) entry.watcher = this.watch(entry);
      this.entries.push(entry);
    }
    if (kept.length < fds.length)
      this.log(`FileDescriptorStoreMax=${max} reached: ${fds.length - kept.length} fds closed.`, 'warn');
    return kept;
  }

  private watch(entry: Entry): FdWatcher | null {
    try {
      return new FdWatcher(
        entry.fd,
        () => {
          this.log(`Stored fd '${entry.name}' got POLLHUP or POLLERR; removing it from the store.`, 'info');
          this.drop((e) => e === entry);
        },
        'hangup',
      );
    } catch {
      return null; // not pollable: kept without a watch, as systemd keeps it
    }
  }

  /** FDSTOREREMOVE=1 with FDNAME=: closes every stored fd of that name. */
  remove(name: string): void {
    this.drop((e) => e.name === name);
  }

  /** The stored fds in the order they were stored. */
  list(): StoredFd[] {
    return this.entries.map(({ fd, name }) => ({ fd, name }));
  }

  /** Closes everything (a stop someone asked for). */
  clear(): void {
    this.drop(() => true);
  }

  private drop(which: (e: Entry) => boolean): void {
    const gone = this.entries.filter(which);
    this.entries = this.entries.filter((e) => !which(e));
    for (const e of gone) {
      e.watcher?.close();
      close(e.fd);
    }
  }
}
