import { Writable } from 'node:stream';
import winston from 'winston';
import type { Journal } from './journal';

type Level = 'error' | 'warn' | 'info' | 'debug';
const LEVELS = new Set<string>(['error', 'warn', 'info', 'debug']);

/**
 * rsd's own log messages into the journal: identifier "rsd", UNIT= the unit they are about. winston's
 * Stream transport hands an object-mode stream the whole message object, fields and all.
 */
export function journalTransport(journal: Journal): winston.transport {
  const sink = new Writable({
    objectMode: true,
    write(info: { level: string; message: unknown; unit?: unknown }, _enc, done) {
      const level = (LEVELS.has(info.level) ? info.level : 'info') as Level;
      journal.rsdMessage(level, String(info.message), typeof info.unit === 'string' ? info.unit : undefined);
      done();
    },
  });
  return new winston.transports.Stream({ stream: sink });
}
