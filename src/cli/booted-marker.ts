import { mkdir } from 'node:fs/promises';
import type { Log } from '../log';

/**
 * What sd_booted(3) looks for: programs built with libsystemd (rsyslog, sshd, ...) take the sockets and
 * speak the protocols of a systemd-managed system only when /run/systemd/system/ exists. systemd's PID 1
 * creates it at boot; rsd as PID 1 does the same, since it offers those protocols (sockets passed with
 * LISTEN_FDS, NOTIFY_SOCKET). Without it, rsyslog ignores syslog.socket and binds /dev/log itself.
 */
export async function markBootedBySystemdProtocols(log: Log): Promise<void> {
  try {
    await mkdir('/run/systemd/system', { recursive: true, mode: 0o755 });
  } catch (e) {
    log.warn(`Cannot create /run/systemd/system (sd_booted() will say no): ${(e as Error).message}`);
  }
}
