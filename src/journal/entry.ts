/**
 * One journal entry, as rsd stores it and as the reading side hands it out. Field names on output follow
 * journald's (MESSAGE, PRIORITY, _PID, _SYSTEMD_UNIT, ...): see fields.ts.
 */

import { SYSLOG_LEVELS } from '../unit/table/enums';

/** How an entry reached the journal, as journald's _TRANSPORT= names it. */
export const TRANSPORTS = ['stdout', 'syslog', 'journal', 'driver', 'kernel'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** syslog(3) priorities, 0 (emerg) to 7 (debug): the names SyslogLevel= takes. */
export const PRIORITY_NAMES = SYSLOG_LEVELS;

/** By number (local0 is 16), so more than the names SyslogFacility= accepts (SYSLOG_FACILITIES). */
export const FACILITY_NAMES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;

/** What a source says about an entry; the store adds the timestamps, sequence number and boot id. */
export interface EntryMeta {
  /** The unit the sending process belongs to ("" if none). For rsd's own messages: the unit it is about. */
  readonly unit: string;
  readonly identifier: string;
  readonly pid: number;
  /** -1 when unknown. */
  readonly uid: number;
  readonly priority: number;
  readonly facility: number;
  readonly transport: Transport;
  /** Further fields (LogExtraFields=, native protocol fields), name and raw value. */
  readonly fields: ReadonlyArray<readonly [string, Buffer]>;
}

/** A stored entry as read back. */
export interface JournalEntry extends EntryMeta {
  /** µs since the epoch. */
  readonly realtime: number;
  /** µs of CLOCK_MONOTONIC. */
  readonly monotonic: number;
  readonly seqnum: number;
  /** 32 hex digits, as /proc/sys/kernel/random/boot_id without dashes (journald's _BOOT_ID). */
  readonly bootId: string;
  /** The bytes as written: invalid UTF-8 and NUL are kept. */
  readonly message: Buffer;
}
