import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Log } from '../log';
import { sethostname } from '../native/system';

/** hostname(5): the first line that is not a comment, if it is a valid host name. */
export function parseHostnameFile(text: string): string | null {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    return /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/.test(line) && line.length <= 64 ? line : null;
  }
  return null;
}

/** Early boot: the host name from /etc/hostname (systemd's hostname_setup()), unless it is set already. */
export function setHostnameFromFile(log: Log, file = '/etc/hostname'): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const name = parseHostnameFile(text);
  if (name === null) {
    log.warn(`${file} holds no valid host name; leaving the host name as it is.`);
    return;
  }
  if (hostname() === name) return;
  const r = sethostname(name);
  if (r.ok) log.info(`Hostname set to <${name}>.`);
  else log.warn(`Failed to set the host name to ${name}: errno ${r.errno}.`);
}
