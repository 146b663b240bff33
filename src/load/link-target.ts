/**
 * The absolute path a symlink at `linkPath` points to, when the text alone tells it, or null. `linkPath`'s
 * directory must be a real path (no symlinks in it, as the scanned `.wants/` directories are), and `target`
 * absolute, `NAME` or `../NAME`, with no other empty, `.` or `..` component: a `..` after a symlinked
 * component is for the kernel to resolve, not for string operations.
 */
export function plainLinkTarget(linkPath: string, target: string): string | null {
  let dir: string;
  let rest: string;
  if (target.startsWith('/')) {
    dir = '';
    rest = target.slice(1);
  } else {
    dir = linkPath.slice(0, linkPath.lastIndexOf('/'));
    rest = target;
    if (rest.startsWith('../')) {
      dir = dir.slice(0, dir.lastIndexOf('/'));
      rest = rest.slice(3);
    }
    if (rest.includes('/')) return null;
  }
  for (const part of rest.split('/')) if (part === '' || part === '.' || part === '..') return null;
  return `${dir}/${rest}`;
}
