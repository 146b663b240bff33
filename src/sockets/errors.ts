import { constants } from 'node:os';

/** A failed socket operation: the errno and a message naming the call and its subject. */
export type SocketResult<T> = { ok: true; value: T } | { ok: false; errno: number; message: string };

const names = new Map<number, string>();
for (const [name, n] of Object.entries(constants.errno)) if (!names.has(n)) names.set(n, name);
// Aliases sharing a number: the name strerror-minded readers expect.
for (const name of ['EAGAIN', 'EOPNOTSUPP', 'EDEADLK'] as const) {
  const n = (constants.errno as Record<string, number>)[name];
  if (n !== undefined) names.set(n, name);
}

/** "EADDRINUSE" for 98; "errno 1234" for unknown numbers. */
export function errnoName(errno: number): string {
  return names.get(errno) ?? `errno ${errno}`;
}

export function failure<T>(errno: number, what: string): SocketResult<T> {
  return { ok: false, errno, message: `${what}: ${errnoName(errno)}` };
}
