/**
 * The errors install operations report, by the errno systemd 252's install.c uses for them; each has its own
 * message in install_changes_dump().
 */
export type InstallErrno =
  | 'EEXIST'
  | 'ERFKILL'
  | 'EADDRNOTAVAIL'
  | 'EBADSLT'
  | 'EIDRM'
  | 'EUCLEAN'
  | 'ELOOP'
  | 'EXDEV'
  | 'ENOENT'
  | 'ENOLINK'
  | 'EUNATCH'
  | 'EINVAL'
  | 'EISDIR'
  | 'ENOTTY'
  | 'ENOTDIR'
  | 'EACCES'
  | 'EIO';

/**
 * One thing an operation did or refused to do: systemd's InstallChange. Paths carry the root prefix, except a
 * symlink's `source`, which is the link's target as written (inside the root).
 */
export type InstallChange =
  | { readonly type: 'symlink'; readonly path: string; readonly source: string }
  | { readonly type: 'unlink'; readonly path: string }
  | { readonly type: 'is-masked'; readonly path: string }
  | { readonly type: 'is-dangling'; readonly path: string }
  | { readonly type: 'destination-not-present'; readonly path: string; readonly source: string }
  | { readonly type: 'auxiliary-failed'; readonly path: string }
  | {
      readonly type: 'error';
      readonly errno: InstallErrno;
      readonly path: string;
      readonly source: string | null;
      /** strerror() text for errors without a message of their own. */
      readonly detail?: string;
    };

export type InstallErrorChange = Extract<InstallChange, { type: 'error' }>;

/** strerror() for the errno values that can reach a "Failed to VERB: %m." line. */
export const STRERROR: Readonly<Record<InstallErrno, string>> = {
  EEXIST: 'File exists',
  ERFKILL: 'Operation not possible due to RF-kill',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EBADSLT: 'Invalid slot',
  EIDRM: 'Identifier removed',
  EUCLEAN: 'Structure needs cleaning',
  ELOOP: 'Too many levels of symbolic links',
  EXDEV: 'Invalid cross-device link',
  ENOENT: 'No such file or directory',
  ENOLINK: 'Link has been severed',
  EUNATCH: 'Protocol driver not attached',
  EINVAL: 'Invalid argument',
  EISDIR: 'Is a directory',
  ENOTTY: 'Inappropriate ioctl for device',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  EIO: 'Input/output error',
};

export class ChangeList {
  readonly items: InstallChange[] = [];

  add(c: InstallChange): void {
    this.items.push(c);
  }

  error(errno: InstallErrno, path: string, source: string | null = null, detail?: string): InstallErrno {
    this.items.push(
      detail === undefined
        ? { type: 'error', errno, path, source }
        : { type: 'error', errno, path, source, detail },
    );
    return errno;
  }
}
