import { fdLayoutActions } from '../../src/exec/fd-layout';
import type { FileAction } from '../../src/native/libc';

/** Applies file actions to a simulated fd table, the way the child would, to check the outcome. */
function simulate(table: Map<number, string>, actions: FileAction[]): Map<number, string> {
  const t = new Map(table);
  for (const a of actions) {
    if (a.op === 'dup2') {
      const v = t.get(a.from);
      if (v === undefined) throw new Error(`EBADF ${a.from}`);
      t.set(a.to, v);
    } else if (a.op === 'open') t.set(a.fd, a.path);
    else if (a.op === 'close') t.delete(a.fd);
    else for (const fd of [...t.keys()]) if (fd >= a.lowest) t.delete(fd);
  }
  return t;
}

const parent = new Map([
  [0, 'tty-in'],
  [1, 'tty-out'],
  [2, 'journal'],
  [3, 'socket-a'],
  [4, 'socket-b'],
  [7, 'log-file'],
  [40, 'stray'],
]);

test('swapped and overlapping sources end up where they should, nothing else survives', () => {
  const actions = fdLayoutActions([
    { kind: 'fd', fd: 4 },
    { kind: 'fd', fd: 2 },
    { kind: 'fd', fd: 1 },
    { kind: 'fd', fd: 0 },
    { kind: 'fd', fd: 3 },
  ]);
  expect(simulate(parent, actions)).toEqual(
    new Map([
      [0, 'socket-b'],
      [1, 'journal'],
      [2, 'tty-out'],
      [3, 'tty-in'],
      [4, 'socket-a'],
    ]),
  );
});

test('null slots get /dev/null opened with a direction that fits the fd', () => {
  const actions = fdLayoutActions([
    { kind: 'null' },
    { kind: 'fd', fd: 7 },
    { kind: 'null' },
    { kind: 'null' },
  ]);
  expect(simulate(parent, actions)).toEqual(
    new Map([
      [0, '/dev/null'],
      [1, 'log-file'],
      [2, '/dev/null'],
      [3, '/dev/null'],
    ]),
  );
  const opens = actions.filter((a) => a.op === 'open');
  expect(opens.map((a) => (a.op === 'open' ? [a.fd, a.flags] : []))).toEqual([
    [0, 0], // O_RDONLY
    [2, 1], // O_WRONLY
    [3, 2], // O_RDWR
  ]);
});

test('temporaries sit above every source and every target, and closefrom ends the list', () => {
  const actions = fdLayoutActions([{ kind: 'fd', fd: 40 }, { kind: 'null' }, { kind: 'fd', fd: 2 }]);
  const temps = actions.filter((a) => a.op === 'dup2' && a.to > 2).map((a) => (a.op === 'dup2' ? a.to : -1));
  expect(Math.min(...temps)).toBeGreaterThan(40);
  expect(actions[actions.length - 1]).toEqual({ op: 'closefrom', lowest: 3 });
});
