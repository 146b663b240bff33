import { basename } from 'node:path';

/**
 * Invoked through a `systemctl` symlink, rsdctl speaks as systemctl: its name in messages and help, and a
 * `--version` whose first line scripts parse for systemd's version ("systemd 252 (...)").
 */
export const AS_SYSTEMCTL = basename(process.argv[1] ?? '') === 'systemctl';

export const PROGRAM = AS_SYSTEMCTL ? 'systemctl' : 'rsdctl';

/** The systemd release whose unit-file semantics and systemctl behaviour rsd follows. */
export const SYSTEMD_VERSION = 252;

export function versionText(rsdVersion: string): string {
  return AS_SYSTEMCTL
    ? `systemd ${SYSTEMD_VERSION} (rsd ${rsdVersion})\n-PAM -AUDIT -SELINUX -APPARMOR -SMACK -SECCOMP -ACL`
    : `rsdctl ${rsdVersion} (systemd ${SYSTEMD_VERSION} compatible)`;
}

/**
 * systemctl options that scripts pass and that change nothing here: rsd manages one system, never asks for
 * passwords, pages nothing and does not truncate.
 */
export const HARMLESS_FLAGS: ReadonlySet<string> = new Set([
  '--system',
  '--no-ask-password',
  '--no-pager',
  '--full',
  '-l',
  '--no-warn',
]);
