import { close } from '../native/libc';
import { AF_UNIX, sendmsg, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK, socket } from '../native/socket';
import type { EntryMeta } from './entry';

/**
 * journald's ForwardToSyslog=: each entry, as an RFC 3164 datagram, to the socket a syslog daemon reads
 * (/run/systemd/journal/syslog, Debian's syslog.socket; rsyslog takes it from there). Like journald, it never
 * waits: a full or absent socket drops the message. With nobody listening, it tries again only a second after
 * the last failure, so a missing daemon costs one syscall a second, not one a line.
 */
const RETRY_NS = 1_000_000_000n;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function stamp(realtimeUsec: number): string {
  const d = new Date(realtimeUsec / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export class SyslogForwarder {
  private fd = -1;
  private pausedUntil = 0n;

  constructor(private readonly path: string) {}

  forward(meta: EntryMeta, priority: number, message: Buffer, realtimeUsec: number): void {
    const now = process.hrtime.bigint();
    if (now < this.pausedUntil) return;
    if (this.fd < 0) {
      const s = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (!s.ok) return;
      this.fd = s.value;
    }
    const pri = meta.facility * 8 + priority;
    const tag = meta.pid > 0 ? `${meta.identifier}[${meta.pid}]` : meta.identifier;
    const head = Buffer.from(`<${pri}>${stamp(realtimeUsec)} ${tag}: `, 'utf8');
    const r = sendmsg(this.fd, Buffer.concat([head, message]), { to: { family: 'unix', path: this.path } });
    // EAGAIN (the daemon is behind) drops this one only; no socket or no reader pauses forwarding a while.
    if (!r.ok && r.errno !== 11) this.pausedUntil = now + RETRY_NS;
  }

  close(): void {
    if (this.fd >= 0) close(this.fd);
    this.fd = -1;
  }
}
