import { STRERROR, type InstallChange, type InstallErrno } from './changes';

/** What systemctl calls each operation in its messages ("Failed to %s unit, ..."). */
export type Verb = 'enable' | 'disable' | 'reenable' | 'mask' | 'unmask' | 'set default';

/** One line systemctl writes (all of these go to stderr: they are log messages). */
export interface MessageLine {
  readonly level: 'info' | 'notice' | 'warning' | 'error';
  readonly text: string;
}

/**
 * install_changes_dump() of systemd 252: one line per change, then "Failed to VERB: %m." when the operation
 * failed without any change explaining why.
 */
export function dumpChanges(
  failure: InstallErrno | null,
  verb: Verb,
  changes: readonly InstallChange[],
): MessageLine[] {
  const out: MessageLine[] = [];
  let logged = false;
  const err = (text: string): void => {
    out.push({ level: 'error', text });
    logged = true;
  };
  for (const c of changes) {
    switch (c.type) {
      case 'symlink':
        out.push({ level: 'info', text: `Created symlink ${c.path} \u2192 ${c.source}.` });
        break;
      case 'unlink':
        out.push({ level: 'info', text: `Removed "${c.path}".` });
        break;
      case 'is-masked':
        out.push({ level: 'info', text: `Unit ${c.path} is masked, ignoring.` });
        break;
      case 'is-dangling':
        out.push({
          level: 'info',
          text: `Unit ${c.path} is an alias to a unit that is not present, ignoring.`,
        });
        break;
      case 'destination-not-present':
        out.push({
          level: 'warning',
          text: `Unit ${c.source} is added as a dependency to a non-existent unit ${c.path}.`,
        });
        break;
      case 'auxiliary-failed':
        out.push({ level: 'warning', text: `Failed to enable auxiliary unit ${c.path}, ignoring.` });
        break;
      case 'error':
        err(errorText(verb, c));
        break;
    }
  }
  if (failure !== null && !logged) err(`Failed to ${verb}: ${STRERROR[failure]}.`);
  return out;
}

function errorText(verb: Verb, c: Extract<InstallChange, { type: 'error' }>): string {
  switch (c.errno) {
    case 'EEXIST':
      return c.source !== null
        ? `Failed to ${verb} unit, file "${c.path}" already exists and is a symlink to "${c.source}".`
        : `Failed to ${verb} unit, file "${c.path}" already exists.`;
    case 'ERFKILL':
      return `Failed to ${verb} unit, unit ${c.path} is masked.`;
    case 'EADDRNOTAVAIL':
      return `Failed to ${verb} unit, unit ${c.path} is transient or generated.`;
    case 'EBADSLT':
      return `Failed to ${verb} unit, invalid specifier in "${c.path}".`;
    case 'EIDRM':
      return `Failed to ${verb} ${c.source ?? ''}, destination unit ${c.path} is a non-template unit.`;
    case 'EUCLEAN':
      return `Failed to ${verb} unit, "${c.path}" is not a valid unit name.`;
    case 'ELOOP':
      return `Failed to ${verb} unit, refusing to operate on linked unit file ${c.path}.`;
    case 'EXDEV':
      return c.source !== null
        ? `Failed to ${verb} unit, cannot alias ${c.source} as ${c.path}.`
        : `Failed to ${verb} unit, invalid unit reference "${c.path}".`;
    case 'ENOENT':
      return `Failed to ${verb} unit, unit ${c.path} does not exist.`;
    case 'EUNATCH':
      return `Failed to ${verb} unit, cannot resolve specifiers in "${c.path}".`;
    case 'EISDIR':
    case 'ENOTTY':
      // A unit name that is a directory or a device: systemctl 252 fails with this wording for every verb.
      return `Failed to look up unit file state: ${STRERROR[c.errno]}`;
    default:
      return `Failed to ${verb} unit, file "${c.path}": ${c.detail ?? STRERROR[c.errno]}`;
  }
}

/** systemctl's notice when nothing that was enabled carries [Install] rules (systemctl-enable.c). */
export const NO_INSTALL_INFO_NOTICE: readonly string[] = [
  'The unit files have no installation config (WantedBy=, RequiredBy=, Also=,',
  'Alias= settings in the [Install] section, and DefaultInstance= for template',
  'units). This means they are not meant to be enabled using systemctl.',
  ' ',
  'Possible reasons for having this kind of units are:',
  "\u2022 A unit may be statically enabled by being symlinked from another unit's",
  '  .wants/ or .requires/ directory.',
  "\u2022 A unit's purpose may be to act as a helper for some other unit which has",
  '  a requirement dependency on it.',
  '\u2022 A unit may be started when needed via activation (socket, path, timer,',
  '  D-Bus, udev, scripted systemctl call, ...).',
  '\u2022 In case of template units, the unit is meant to be enabled with some',
  '  instance name specified.',
];
