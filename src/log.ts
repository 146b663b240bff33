import winston from 'winston';

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

const line = winston.format.printf((info) => {
  const unit = typeof info.unit === 'string' ? `${info.unit}: ` : '';
  return `${String(info.timestamp)} rsd[${process.pid}]: ${unit}${String(info.message)}`;
});

/** A Log that more destinations can be added to once they exist (the journal, after boot opens it). */
export interface RsdLog extends Log {
  addTransport(t: winston.transport): void;
}

export function createLog(level: LogLevel = 'info', stream: NodeJS.WritableStream = process.stdout): RsdLog {
  const logger = winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp({ format: 'MMM DD HH:mm:ss' }), line),
    transports: [new winston.transports.Stream({ stream })],
  });
  const at =
    (l: LogLevel) =>
    (message: string, unit?: string): void => {
      logger.log({ level: l, message, unit });
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    addTransport: (t) => void logger.add(t),
  };
}

/** For code paths that must log somewhere but were given nowhere (tests of pure logic). */
export const silentLog: Log = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
