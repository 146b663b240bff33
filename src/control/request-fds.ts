import { close } from '../native/libc';

/**
 * The descriptors one request brought (only the fd transport carries any). A method takes the ones it keeps;
 * the rest are closed once the request is answered, so a client cannot make rsd hoard fds.
 */
export class RequestFds {
  private readonly taken = new Set<number>();

  constructor(private readonly fds: readonly number[]) {}

  get count(): number {
    return this.fds.length;
  }

  /** The fd at `index`, now the caller's to close; undefined if the request has no such fd. */
  take(index: number): number | undefined {
    const fd = this.fds[index];
    if (fd === undefined) return undefined;
    this.taken.add(index);
    return fd;
  }

  closeRest(): void {
    this.fds.forEach((fd, i) => {
      if (!this.taken.has(i)) close(fd);
    });
  }
}
