import Transport from 'winston-transport';
import type { Journal } from './journal';

type Level = 'error' | 'warn' | 'info' | 'debug';
const LEVELS = new Set<string>(['error', 'warn', 'info', 'debug']);

/** rsd's own log messages into the journal: identifier "rsd", UNIT= the unit they are about. */
class JournalTransport extends Transport {
  constructor(private readonly journal: Journal) {
    super();
  }

  override log(info: { level: string; message: unknown; unit?: unknown }, next: () => void): void {
    const level = (LEVELS.has(info.level) ? info.level : 'info') as Level;
    this.journal.rsdMessage(
      level,
      String(info.message),
      typeof info.unit === 'string' ? info.unit : undefined,
    );
    next();
  }
}

export function journalTransport(journal: Journal): Transport {
  return new JournalTransport(journal);
}
