/**
 * Turns "what each fd of the child should be" into posix_spawn file actions.
 *
 * dup2 actions run in order, so a plain `dup2(a, 0); dup2(b, 1)` breaks when b is 0 (already overwritten).
 * Every source is therefore first moved above every target and every source, then moved down into place;
 * then fds meant to be /dev/null are opened, and everything above the last target is closed so no stray fd
 * of the manager (Node keeps many) leaks into a service.
 */
import { O_RDONLY, O_RDWR, O_WRONLY, type FileAction } from '../native/libc';

/** The content of one child fd: /dev/null, or a copy of one of our fds. */
export type FdSource = { kind: 'null' } | { kind: 'fd'; fd: number };

/** `layout[i]` becomes fd i in the child; fds from `layout.length` up are closed. */
export function fdLayoutActions(layout: readonly FdSource[]): FileAction[] {
  let base = layout.length;
  for (const s of layout) if (s.kind === 'fd' && s.fd >= base) base = s.fd + 1;

  const actions: FileAction[] = [];
  layout.forEach((s, i) => {
    if (s.kind === 'fd') actions.push({ op: 'dup2', from: s.fd, to: base + i });
  });
  layout.forEach((s, i) => {
    // dup2 (unlike fcntl) leaves the new fd without close-on-exec, which Node sets on everything.
    if (s.kind === 'fd') actions.push({ op: 'dup2', from: base + i, to: i });
  });
  layout.forEach((s, i) => {
    if (s.kind === 'null')
      actions.push({ op: 'open', fd: i, path: '/dev/null', flags: nullFlags(i), mode: 0 });
  });
  actions.push({ op: 'closefrom', lowest: layout.length });
  return actions;
}

function nullFlags(fd: number): number {
  if (fd === 0) return O_RDONLY;
  if (fd <= 2) return O_WRONLY;
  return O_RDWR;
}
