import {
  disable,
  enable,
  formatUnitFiles,
  getDefault,
  isEnabled,
  listUnitFiles,
  mask,
  reenable,
  setDefault,
  unmask,
  type OperationResult,
} from '../src/install';

/*
 * The unit-file verbs work on the file system, with or without a running rsd, exactly as `systemctl
 * --root=DIR` does; against the live system (root /), rsd is then told to re-read its units.
 */

export type InstallVerb = 'enable' | 'disable' | 'reenable' | 'mask' | 'unmask';

function print(r: OperationResult, quiet: boolean): number {
  for (const l of r.lines) if (!quiet || l.level === 'error') console.error(l.text);
  return r.exitStatus;
}

export function runInstallVerb(
  verb: InstallVerb,
  root: string,
  units: string[],
  o: { runtime: boolean; quiet: boolean; force: boolean },
): number {
  const opts = { runtime: o.runtime, force: o.force };
  const ops = { enable, disable, reenable, mask, unmask };
  return print(ops[verb](root, units.map(withSuffix), opts), o.quiet);
}

const line = (s: string): string => (s.endsWith('\n') ? s : `${s}\n`);

/** systemctl adds `.service` to a name without a type suffix. */
const withSuffix = (n: string): string => (/\.[a-z]+$/.test(n) ? n : `${n}.service`);

export function runIsEnabled(root: string, units: string[], quiet: boolean): number {
  let code = 1;
  for (const u of units) {
    const r = isEnabled(root, withSuffix(u));
    if (r.ok) {
      if (!quiet) process.stdout.write(line(r.stdout));
      if (r.exitStatus === 0) code = 0;
    } else if (!quiet) process.stderr.write(line(r.stderr));
  }
  return code;
}

export function runListUnitFiles(root: string, patterns: string[]): number {
  process.stdout.write(formatUnitFiles(listUnitFiles(root, patterns)));
  return 0;
}

export function runGetDefault(root: string): number {
  const r = getDefault(root);
  if (r.ok) process.stdout.write(line(r.stdout));
  else process.stderr.write(line(r.stderr));
  return r.exitStatus;
}

export function runSetDefault(root: string, unit: string): number {
  return print(setDefault(root, unit), false);
}
