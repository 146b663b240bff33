/** The environment sd_listen_fds(3) reads; LISTEN_PID is set by the exec helper in the child. */

/** systemd's fdname_is_valid: 1..255 printable ASCII characters, no ':'. */
export function isValidFdName(name: string): boolean {
  return (
    name.length > 0 && name.length <= 255 && /^[\x21-\x39\x3b-\x7e ]+$/.test(name) && !name.includes(':')
  );
}

/**
 * LISTEN_FDS and LISTEN_FDNAMES for `fds` passed as 3, 4, ... in order; `names[i]` names `fds[i]`
 * (FileDescriptorName=, default the socket unit's name; "connection" for Accept=yes; "stored" for the fd
 * store). A missing or invalid name becomes "unknown", as sd_listen_fds_with_names reports it. No fds: {}.
 */
export function listenEnv(fds: readonly number[], names: readonly string[]): Record<string, string> {
  if (fds.length === 0) return {};
  const list = fds.map((_, i) => {
    const n = names[i];
    return n !== undefined && isValidFdName(n) ? n : 'unknown';
  });
  return { LISTEN_FDS: String(fds.length), LISTEN_FDNAMES: list.join(':') };
}
