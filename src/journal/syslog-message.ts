/**
 * A datagram sent to /dev/log, parsed as journald does (journald-syslog.c): an optional "<PRI>", then an
 * RFC 5424 header ("1 TIMESTAMP HOST APP PROCID MSGID SD MSG") or the RFC 3164 shape ("Mmm dd hh:mm:ss "
 * optional, then "TAG[PID]: MSG"). Anything that does not fit is kept as the message with
 * the defaults (user.notice), never dropped.
 */

export interface SyslogMessage {
  readonly priority: number;
  readonly facility: number;
  readonly identifier: string;
  /** The pid the message claims (SYSLOG_PID); the kernel's SCM_CREDENTIALS pid is what attributes it. */
  readonly pid: number | null;
  readonly message: Buffer;
}

const RFC3164_TIME = /^[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d /;

export function parseSyslog(datagram: Buffer): SyslogMessage {
  let b = datagram;
  // Trailing newlines and NULs are the sender's framing, not the message.
  let end = b.length;
  while (end > 0 && (b[end - 1] === 0x0a || b[end - 1] === 0x00)) end--;
  b = b.subarray(0, end);
  let priority = 5;
  let facility = 1;
  let i = 0;
  const pri = /^<(\d{1,3})>/.exec(b.toString('latin1', 0, Math.min(5, b.length)));
  if (pri && Number(pri[1]) <= 191) {
    const v = Number(pri[1]);
    priority = v & 7;
    facility = v >> 3;
    i = pri[0].length;
  }
  const head = b.toString('latin1', i, Math.min(b.length, i + 512));
  const r5424 = /^1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+) ?/.exec(head);
  if (r5424) {
    const app = r5424[3] === '-' ? '' : r5424[3]!;
    const procid = r5424[4] === '-' ? null : Number(r5424[4]);
    let body = b.subarray(i + Buffer.byteLength(r5424[0], 'latin1'));
    // A UTF-8 BOM may start the message (RFC 5424 §6.4).
    if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) body = body.subarray(3);
    return {
      priority,
      facility,
      identifier: app,
      pid: procid !== null && Number.isInteger(procid) ? procid : null,
      message: Buffer.from(body),
    };
  }
  let rest = head;
  let skip = 0;
  const t = RFC3164_TIME.exec(rest);
  if (t) {
    skip += t[0].length;
    rest = rest.slice(t[0].length);
  }
  // journald's syslog_parse_identifier: the first word, if it ends with ":", is "TAG" or "TAG[PID]".
  const word = /^\s*(\S+)/.exec(rest);
  if (word && word[1]!.endsWith(':')) {
    const w = word[1]!.slice(0, -1);
    const withPid = /^(.*)\[(\d+)\]$/.exec(w);
    skip += word[0].length;
    if (rest[word[0].length] === ' ') skip++;
    return {
      priority,
      facility,
      identifier: withPid ? withPid[1]! : w,
      pid: withPid ? Number(withPid[2]) : null,
      message: Buffer.from(b.subarray(i + skip)),
    };
  }
  return { priority, facility, identifier: '', pid: null, message: Buffer.from(b.subarray(i + skip)) };
}
