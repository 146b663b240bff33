import { open, type FileHandle } from 'node:fs/promises';
import { Socket } from 'node:net';
import { close, O_CLOEXEC, pipe2 } from '../native/libc';
import type { StandardInput, StandardOutput } from '../unit/table/parsers-exec';
import { LazyPipeSocket } from './lazy-pipe-socket';
import type { StdioSource } from './spawn';

/**
 * Takes the read end of a journal-bound stream (StandardOutput=journal, kmsg, syslog, with or without
 * +console; `kind` says which) and reads it until it ends (src/journal/capture.ts).
 */
export type OutputCapture = (pipe: Socket, stream: 'stdout' | 'stderr', kind: StandardOutput['kind']) => void;

/**
 * The three standard fds of one command, set up before the spawn: a journal-bound stream is a pipe whose
 * read end goes to the OutputCapture. After the spawn, `afterSpawn()` closes rsd's copies of what the child
 * now owns and hands the captured streams over (not before: each line is stamped with the pid).
 */
export interface PreparedStdio {
  readonly stdio: [StdioSource, StdioSource, StdioSource];
  afterSpawn(): void;
}

const JOURNAL_KINDS = new Set([
  'journal',
  'journal+console',
  'kmsg',
  'kmsg+console',
  'syslog',
  'syslog+console',
]);

class Resources {
  readonly handles: FileHandle[] = [];
  readonly childEnds: number[] = [];
  /**
   * Capture pipes, handed to their OutputCapture once the spawn has settled (a line taken earlier would
   * have no pid). Their readers exist from the start, so what the process writes is read as it comes.
   */
  readonly readers: Array<() => void> = [];

  async file(path: string, flags: string): Promise<number> {
    const h = await open(path, flags, 0o644);
    this.handles.push(h);
    return h.fd;
  }

  release(): void {
    for (const fd of this.childEnds) close(fd);
    for (const h of this.handles) void h.close();
    for (const start of this.readers) start();
  }
}

/** A pipe whose read end goes to `capture`; returns the write end for the child. */
function capturePipe(
  res: Resources,
  stream: 'stdout' | 'stderr',
  kind: StandardOutput['kind'],
  capture: OutputCapture,
): number {
  const p = pipe2(O_CLOEXEC);
  if (!p.ok) throw new Error(`pipe2: errno ${p.errno}`);
  res.childEnds.push(p.value.write);
  // A net.Socket reads the pipe through libuv's event loop, never a threadpool thread; it is made when
  // the first output (or the end) comes.
  const reader = new LazyPipeSocket(p.value.read);
  res.readers.push(() => reader.whenOpen((socket) => capture(socket, stream, kind)));
  return p.value.write;
}

/** A stream that could not be set up: systemd's process fails at step STDIN, STDOUT or STDERR. */
export class StdioSetupError extends Error {
  constructor(
    readonly stream: 'stdin' | 'stdout' | 'stderr',
    override readonly cause: unknown,
  ) {
    super(
      `Failed to set up standard ${STREAM_WORDS[stream]}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

const STREAM_WORDS = { stdin: 'input', stdout: 'output', stderr: 'error' } as const;
const STREAMS = ['stdin', 'stdout', 'stderr'] as const;

/** What one output becomes: at once, or after a file is opened. */
type Source = StdioSource | Promise<StdioSource>;

function output(
  o: StandardOutput,
  stream: 'stdout' | 'stderr',
  res: Resources,
  capture: OutputCapture,
  socketFd: number | null,
): Source {
  if (o.kind === 'socket' && socketFd !== null) return socketFd;
  switch (o.kind) {
    case 'null':
      return null;
    case 'inherit':
      return 'inherit';
    case 'tty':
      return res.file('/dev/console', 'w').catch(() => 'inherit' as const);
    case 'file':
      return res.file(o.path, 'r+').catch(() => res.file(o.path, 'w'));
    case 'append':
      return res.file(o.path, 'a');
    case 'truncate':
      return res.file(o.path, 'w');
    case 'socket':
    case 'fd':
      // Socket activation and fd stores come with the sockets issue; until then such output is logged.
      return capturePipe(res, stream, o.kind, capture);
    default:
      if (JOURNAL_KINDS.has(o.kind)) return capturePipe(res, stream, o.kind, capture);
      return 'inherit';
  }
}

/** StandardInput=data: the bytes go through a pipe that rsd writes and closes. */
function dataPipe(res: Resources, data: Buffer): number {
  const p = pipe2(O_CLOEXEC);
  if (!p.ok) throw new Error(`pipe2: errno ${p.errno}`);
  res.childEnds.push(p.value.read);
  const writer = new Socket({ fd: p.value.write, readable: false, writable: true });
  writer.on('error', () => writer.destroy());
  writer.end(data);
  return p.value.read;
}

function input(i: StandardInput, res: Resources, data: Buffer, socketFd: number | null): Source {
  switch (i.kind) {
    case 'socket':
      return socketFd;
    case 'data':
      return dataPipe(res, data);
    case 'file':
      return res.file(i.path, 'r');
    case 'tty':
    case 'tty-force':
    case 'tty-fail':
      return res.file('/dev/console', 'r').catch(() => null);
    default:
      return null;
  }
}

/**
 * The three streams of one command. Synchronous unless a file must be opened (file:, append:, tty...): most
 * commands' streams are null, inherited or journal pipes, and a start makes no promise for them.
 */
export function prepareStdio(
  standardInput: StandardInput,
  standardOutput: StandardOutput,
  standardError: StandardOutput,
  capture: OutputCapture,
  inputData: Buffer = NO_INPUT,
  socketFd: number | null = null,
): PreparedStdio | Promise<PreparedStdio> {
  const res = new Resources();
  const afterSpawn = (): void => res.release();
  let sources: [Source, Source, Source];
  try {
    const stdin = input(standardInput, res, inputData, socketFd);
    // With StandardInput=socket, output defaults to the connection too (systemd.exec(5), StandardOutput=).
    const out: StandardOutput =
      standardInput.kind === 'socket' && standardOutput.kind === 'journal' && socketFd !== null
        ? { kind: 'socket' }
        : standardOutput;
    const stdout = output(out, 'stdout', res, capture, socketFd);
    // StandardError=inherit means "where stdout goes" (systemd.exec(5)).
    const stderr =
      standardError.kind === 'inherit' ? stdout : output(standardError, 'stderr', res, capture, socketFd);
    sources = [stdin, stdout, stderr];
  } catch (e) {
    res.release();
    throw e;
  }
  if (!(sources[0] instanceof Promise || sources[1] instanceof Promise || sources[2] instanceof Promise))
    return { stdio: sources as [StdioSource, StdioSource, StdioSource], afterSpawn };
  // Every open settles before anything is released, so no file opened late is left behind.
  return Promise.allSettled(sources).then((settled) => {
    const stdio: StdioSource[] = [];
    for (let i = 0; i < settled.length; i++) {
      const r = settled[i]!;
      if (r.status === 'rejected') {
        res.release();
        throw new StdioSetupError(STREAMS[i]!, r.reason);
      }
      stdio.push(r.value);
    }
    return { stdio: stdio as [StdioSource, StdioSource, StdioSource], afterSpawn };
  });
}

const NO_INPUT = Buffer.alloc(0);
