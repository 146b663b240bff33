import winston from 'winston';
import Transport from 'winston-transport';
import { consoleQueue } from './console-output';

/** Where winston's transports take the finished line from (triple-beam's MESSAGE). */
const MESSAGE = Symbol.for('message');

/**
 * rsd's own log. Each line names the unit it is about, as systemd's does ("unit: message"); the journal
 * issue will route the same entries into the journal.
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface Log {
  error(message: string, unit?: string): void;
  warn(message: string, unit?: string): void;
  info(message: string, unit?: string): void;
  debug(message: string, unit?: string): void;
}

/**
 * "Nov 23 17:12:56 rsd[PID]: unit: message", syslog's short format. The timestamp is formatted once a second:
 * a boot logs thousands of lines, and a date library's format per line was most of their cost.
 */
const line = winston.format((info) => {
  const unit = typeof info.unit === 'string' ? `${info.unit}: ` : '';
  info[MESSAGE] = `${timestamp()} rsd[${process.pid}]: ${unit}${String(info.message)}`;
  return info;
});

let stampSecond = -1;
let stamp = '';

function timestamp(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== stampSecond) {
    stampSecond = second;
    // Date's toString() is "Mon Nov 23 2026 17:12:56 GMT+0000 (...)", local time like syslog's.
    const d = new Date(now).toString();
    stamp = `${d.slice(4, 10)} ${d.slice(16, 24)}`;
  }
  return stamp;
}

/** A Log that more destinations can be added to once they exist (the journal, after boot opens it). */
export interface RsdLog extends Log {
  addTransport(t: Transport): void;
}

const RANK: Readonly<Record<LogLevel, number>> = { error: 0, warn: 1, info: 2, debug: 3 };
const done = (): void => {};

/** rsd's lines on a stream (its stdout), through the queue it shares with the journal's copies. */
class LineStreamTransport extends Transport {
  private readonly queue: ReturnType<typeof consoleQueue>;

  constructor(stream: NodeJS.WritableStream) {
    super();
    this.queue = consoleQueue(stream);
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    this.queue.write(`${info[MESSAGE] as string}\n`);
    next();
  }
}

/**
 * rsd's log: winston's format and transports, called directly. winston's Logger passes each entry through
 * a chain of object streams to each transport, which cost more than the rest of a unit's start (about 50 µs
 * a line here, two lines a unit); nothing rsd logs needs what the streams add (back-pressure, piping).
 */
export function createLog(level: LogLevel = 'info', stream: NodeJS.WritableStream = process.stdout): RsdLog {
  const format = line();
  const transports: Transport[] = [new LineStreamTransport(stream)];
  const threshold = RANK[level];
  const at =
    (l: LogLevel) =>
    (message: string, unit?: string): void => {
      if (RANK[l] > threshold) return;
      const info = format.transform({ level: l, message, unit });
      if (info === false) return;
      for (const t of transports) t.log?.(info, done);
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    addTransport: (t) => void transports.push(t),
  };
}

/** For code paths that must log somewhere but were given nowhere (tests of pure logic). */
export const silentLog: Log = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
