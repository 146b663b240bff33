import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nothing listens on now, for a socket unit a test writes. It is taken below the
 * kernel's ephemeral range (32768 and up here), so no outgoing connection of another test can be holding it,
 * and a bind proves nobody listens on it.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port between 20000 and 32000');
}
