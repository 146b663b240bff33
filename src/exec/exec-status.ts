/**
 * Learns how far a helper-spawned process got, from the status pipe the helper writes to (protocol at the
 * top of native/exec-helper.c): the read end is watched with uv_poll, so nothing blocks and nothing polls.
 * The pipe's write end closes at execve (close-on-exec) or at exit, so EOF always comes.
 */
import { close, read } from '../native/libc';
import { FdWatcher } from '../native/uv-poll';
import { execFailure, isExecStep } from './exec-failure';
import type { ExecOutcome } from './spawn-spec';

const EAGAIN = 11;
const EINTR = 4;

/** The last record decides: "EXEC" then EOF is success; a "FAIL" after "EXEC" is a failed execve. */
export function parseExecStatus(text: string): ExecOutcome {
  let outcome: ExecOutcome = { kind: 'lost' };
  for (const line of text.split('\n')) {
    if (line === 'EXEC') {
      outcome = { kind: 'executed' };
      continue;
    }
    const m = /^FAIL (\S+) (\d+) (\d+)$/.exec(line);
    if (m && isExecStep(m[1])) {
      const failure = execFailure(m[1], Number(m[2]));
      outcome = { kind: 'failed', failure: { ...failure, exitCode: Number(m[3]) } };
    }
  }
  return outcome;
}

/** Takes ownership of `fd` (non-blocking read end) and closes it at EOF. */
export function watchExecStatus(fd: number): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(512);
    const finish = (outcome: ExecOutcome): void => {
      watcher.close();
      close(fd);
      resolve(outcome);
    };
    const watcher = new FdWatcher(fd, (event) => {
      if (event.kind === 'error') return finish({ kind: 'lost' });
      for (;;) {
        const r = read(fd, buf);
        if (!r.ok) {
          if (r.errno === EINTR) continue;
          if (r.errno === EAGAIN) return; // more to come
          return finish({ kind: 'lost' });
        }
        if (r.value === 0) return finish(parseExecStatus(Buffer.concat(chunks).toString('utf8')));
        chunks.push(Buffer.from(buf.subarray(0, r.value)));
      }
    });
  });
}
