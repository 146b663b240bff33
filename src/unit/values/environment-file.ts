import { preview } from './boolean';
import { parseEnvAssignment } from './environment';

/** One KEY=VALUE as the env-file grammar yields it, before any name validation; line is 1-based. */
export interface RawEnvEntry {
  key: string;
  value: string;
  line: number;
}

const NEWLINE = '\n\r';
const WS = ' \t\n\r';
const COMMENTS = '#;';
/** Inside double quotes a backslash escapes only these, as in sh; before anything else it is kept. */
const SHELL_NEED_ESCAPE = '"\\`$';

type State =
  | 'PRE_KEY'
  | 'KEY'
  | 'PRE_VALUE'
  | 'VALUE'
  | 'VALUE_ESCAPE'
  | 'SINGLE_QUOTE_VALUE'
  | 'DOUBLE_QUOTE_VALUE'
  | 'DOUBLE_QUOTE_VALUE_ESCAPE'
  | 'COMMENT'
  | 'COMMENT_ESCAPE';

/**
 * The state machine of systemd's parse_env_file_internal(). Notable consequences, all systemd's:
 * a line without "=" is dropped silently; whitespace around the key and before the value is dropped and
 * trailing unquoted whitespace is chomped; quotes are only special at the start of the value, after which
 * the value may continue ("a"b -> ab, 'a' 'b' -> ab); backslash-newline continues a line (also inside
 * double quotes and comments); newlines inside quotes are kept; "export " is not special (it becomes part
 * of the key, which then fails validation).
 */
export function parseEnvFileEntries(text: string): RawEnvEntry[] {
  const out: RawEnvEntry[] = [];
  let state: State = 'PRE_KEY';
  let key: string[] = [];
  let value: string[] = [];
  let lastKeyWs = -1;
  let lastValueWs = -1;
  let line = 1;
  let keyLine = 1;

  const push = (chompValue: boolean): void => {
    const k = (lastKeyWs >= 0 ? key.slice(0, lastKeyWs) : key).join('');
    const v = (chompValue && lastValueWs >= 0 ? value.slice(0, lastValueWs) : value).join('');
    out.push({ key: k, value: v, line: keyLine });
    key = [];
    value = [];
  };

  for (const c of text) {
    switch (state) {
      case 'PRE_KEY':
        if (COMMENTS.includes(c)) state = 'COMMENT';
        else if (!WS.includes(c)) {
          state = 'KEY';
          lastKeyWs = -1;
          keyLine = line;
          key.push(c);
        }
        break;
      case 'KEY':
        if (NEWLINE.includes(c)) {
          state = 'PRE_KEY';
          key = [];
        } else if (c === '=') {
          state = 'PRE_VALUE';
          lastValueWs = -1;
        } else {
          if (!WS.includes(c)) lastKeyWs = -1;
          else if (lastKeyWs < 0) lastKeyWs = key.length;
          key.push(c);
        }
        break;
      case 'PRE_VALUE':
        if (NEWLINE.includes(c)) {
          state = 'PRE_KEY';
          push(false);
        } else if (c === "'") state = 'SINGLE_QUOTE_VALUE';
        else if (c === '"') state = 'DOUBLE_QUOTE_VALUE';
        else if (c === '\\') state = 'VALUE_ESCAPE';
        else if (!WS.includes(c)) {
          state = 'VALUE';
          value.push(c);
        }
        break;
      case 'VALUE':
        if (NEWLINE.includes(c)) {
          state = 'PRE_KEY';
          push(true);
        } else if (c === '\\') {
          state = 'VALUE_ESCAPE';
          lastValueWs = -1;
        } else {
          if (!WS.includes(c)) lastValueWs = -1;
          else if (lastValueWs < 0) lastValueWs = value.length;
          value.push(c);
        }
        break;
      case 'VALUE_ESCAPE':
        state = 'VALUE';
        if (!NEWLINE.includes(c)) value.push(c);
        break;
      case 'SINGLE_QUOTE_VALUE':
        if (c === "'") state = 'PRE_VALUE';
        else value.push(c);
        break;
      case 'DOUBLE_QUOTE_VALUE':
        if (c === '"') state = 'PRE_VALUE';
        else if (c === '\\') state = 'DOUBLE_QUOTE_VALUE_ESCAPE';
        else value.push(c);
        break;
      case 'DOUBLE_QUOTE_VALUE_ESCAPE':
        state = 'DOUBLE_QUOTE_VALUE';
        if (SHELL_NEED_ESCAPE.includes(c)) value.push(c);
        else if (c !== '\n') value.push('\\', c);
        break;
      case 'COMMENT':
        if (c === '\\') state = 'COMMENT_ESCAPE';
        else if (NEWLINE.includes(c)) state = 'PRE_KEY';
        break;
      case 'COMMENT_ESCAPE':
        state = 'COMMENT';
        break;
    }
    if (c === '\n') line++;
  }

  if (
    state === 'PRE_VALUE' ||
    state === 'VALUE' ||
    state === 'VALUE_ESCAPE' ||
    state === 'SINGLE_QUOTE_VALUE' ||
    state === 'DOUBLE_QUOTE_VALUE' ||
    state === 'DOUBLE_QUOTE_VALUE_ESCAPE'
  ) {
    push(state === 'VALUE');
  }
  return out;
}

/**
 * EnvironmentFile= contents as systemd loads them (load_env_file() then strv_env_clean()): entries with an
 * invalid name are dropped and reported; a name assigned twice keeps its first position and last value.
 */
export function parseEnvironmentFile(text: string): {
  vars: Array<[string, string]>;
  errors: Array<{ line: number; message: string }>;
} {
  const values = new Map<string, string>();
  const errors: Array<{ line: number; message: string }> = [];
  for (const e of parseEnvFileEntries(text)) {
    const a = parseEnvAssignment(`${e.key}=${e.value}`);
    if (a.ok) values.set(a.value[0], a.value[1]);
    else
      errors.push({
        line: e.line,
        message: `ignoring invalid environment assignment '${preview(e.key)}=…': ${a.error}`,
      });
  }
  return { vars: [...values], errors };
}
