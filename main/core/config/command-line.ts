/**
 * Command-line flags and deep-link arguments (security control 14). Nothing here is fatal:
 * a bad flag is reported and skipped so a typo in a shortcut never keeps the client from
 * starting. Values are validated like the same values from a file.
 *
 * Decisions:
 * - `--name value` and `--name=value`; flags without a value (`--minimized`) take none.
 *   A value may not start with `--` (so `--pbx --user x` reports a missing value).
 * - A repeated flag: the last one wins, with a warning.
 * - `--` ends the options: everything after it is a deep link. OS integrations register the
 *   client as `myapps-desktop -- %u`, so a link can never be mistaken for a flag.
 * - Every other argument (not starting with `-`) is a deep link; a bad one is reported.
 * - Chromium, Electron and Node add switches of their own (e.g. in the argv a second instance
 *   forwards, or when developers start the app). They are not ours to judge, and reporting
 *   them to users would be noise, so the ones listed in `runtimeSwitch` are returned in
 *   `ignored` (logged at debug level) instead of `problems`. Any other unknown flag is a
 *   warning. Runtime switches always use the `=` form, so none consumes the next argument.
 */
import type { Schema } from '../protocol/validate.js';
import { whole } from './lenient.js';
import { type DeepLink, parseDeepLink } from './deep-link.js';
import { COMMAND_LINE_SOURCE, type ConfigProblem } from './problems.js';
import { pbxAddress, plainText } from './schemas.js';
import { quote } from './text.js';

export interface CommandLineOptions {
  /** `--pbx <address>`: the PBX for this run. */
  pbx?: string;
  /** `--user <name>`: the user name for this run. */
  user?: string;
  /** `--policy <file>`: read this policy file instead of the OS location. */
  policy?: string;
  /** `--developer-mode` */
  developerMode?: boolean;
  /** `--minimized`: start minimised this run. */
  minimized?: boolean;
}

export interface CommandLine {
  options: CommandLineOptions;
  deepLinks: DeepLink[];
  problems: ConfigProblem[];
  /** Runtime (Chromium/Electron/Node) switches that were passed and are none of our business. */
  ignored: string[];
}

const valueFlags: Record<string, { key: 'pbx' | 'user' | 'policy'; schema: Schema<string> }> = {
  pbx: { key: 'pbx', schema: pbxAddress },
  user: { key: 'user', schema: plainText(256) },
  policy: { key: 'policy', schema: plainText(4096) },
};
const booleanFlags: Record<string, 'developerMode' | 'minimized'> = { 'developer-mode': 'developerMode', minimized: 'minimized' };

const runtimeSwitch =
  /^--(?:no-sandbox|disable-gpu[a-z-]*|enable-logging|v|vmodule|inspect|inspect-brk|inspect-port|remote-debugging-port|remote-debugging-pipe|allow-file-access-from-files|original-process-start-time|enable-features|disable-features|ozone-platform|ozone-platform-hint|enable-wayland-ime|force-device-scale-factor|lang|user-data-dir|js-flags|disable-dev-shm-usage)(?:=|$)/;

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const result: CommandLine = { options: {}, deepLinks: [], problems: [], ignored: [] };
  const problem = (field: string | undefined, reason: string, severity: ConfigProblem['severity']) =>
    result.problems.push({ source: COMMAND_LINE_SOURCE, ...(field === undefined ? {} : { field }), reason, severity });
  const set = <K extends keyof CommandLineOptions>(flag: string, key: K, value: CommandLineOptions[K]) => {
    if (result.options[key] !== undefined) problem(flag, 'is given more than once; the last one is used', 'warning');
    result.options[key] = value;
  };
  const deepLink = (arg: string) => {
    const link = parseDeepLink(arg);
    if (link.kind === 'error') problem('deep link', `the link ${quote(arg)} was ignored: ${link.reason}`, 'error');
    else result.deepLinks.push(link);
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      argv.slice(i + 1).forEach(deepLink);
      break;
    }
    if (!arg.startsWith('-')) {
      deepLink(arg);
      continue;
    }
    if (runtimeSwitch.test(arg)) {
      result.ignored.push(arg);
      continue;
    }
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
    const name = m?.[1] ?? '';
    const inline = m?.[2];
    const flag = `--${name}`;
    if (Object.hasOwn(booleanFlags, name)) {
      if (inline !== undefined) problem(flag, 'takes no value; the option was ignored', 'error');
      else set(flag, booleanFlags[name]!, true);
      continue;
    }
    const spec = Object.hasOwn(valueFlags, name) ? valueFlags[name] : undefined;
    if (!spec) {
      problem(undefined, `unknown option ${quote(arg.split('=', 1)[0]!)} was ignored`, 'warning');
      continue;
    }
    let value = inline;
    if (value === undefined && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) value = argv[++i];
    if (value === undefined) {
      problem(flag, 'needs a value; the option was ignored', 'error');
      continue;
    }
    const parsed = whole(spec.schema)(value, flag, (field, reason) => problem(field, `${reason}; the option was ignored`, 'error'));
    if (parsed !== undefined) set(flag, spec.key, parsed);
  }
  return result;
}
