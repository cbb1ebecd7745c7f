/**
 * The machine-wide IT policy: `{ "defaults": {...}, "enforced": {...} }`. Defaults preset a
 * value the user may change; enforced values win over everything and lock the setting.
 * The file is optional. A bad file never stops the client: each invalid or unknown key is
 * reported with its path and skipped, and every valid key still applies.
 */
import { readFile } from 'node:fs/promises';
import { type Schema, ValidationError, boolean, literal, string } from '../protocol/validate.js';
import { type FieldParser, type Parsed, entries, fields, items, whole } from './lenient.js';
import type { ConfigProblem } from './problems.js';
import { fingerprint, pbxAddress } from './schemas.js';
import { appObjectName, permissionStatesSchema } from './settings.js';

/**
 * A user-name pattern: JavaScript regular expression syntax with the `u` flag, case-sensitive,
 * matched against the whole user name. The source must compile on its own: wrapped in
 * `^(?:…)$` a broken source such as `a)|(b` would compile and mean something else.
 */
export function compileUsernamePattern(source: string): RegExp {
  new RegExp(source, 'u');
  return new RegExp(`^(?:${source})$`, 'u');
}

const usernamePattern: Schema<string> = {
  parse(v, path) {
    const s = string.parse(v, path);
    try {
      compileUsernamePattern(s);
    } catch (e) {
      throw new ValidationError(path, `is not a valid regular expression (${(e as Error).message})`);
    }
    return s;
  },
};

const policyFields = {
  pbx: whole(pbxAddress),
  usernamePattern: whole(usernamePattern),
  developerMode: whole(boolean),
  appDevTools: whole(boolean),
  autostart: whole(boolean),
  updateChannel: whole(literal('stable', 'beta')),
  // Lists keep their valid entries: dropping a whole blockedApps list for one typo would unblock everything.
  allowedApps: items(appObjectName),
  blockedApps: items(appObjectName),
  certificateFingerprints: items(fingerprint),
  /** Per App Object: microphone / camera / screen `granted` or `denied` (enforced: locked; defaults: the user may change). */
  appPermissions: entries(appObjectName, permissionStatesSchema),
};

export type PolicyValues = Parsed<typeof policyFields>;

export interface Policy {
  defaults: PolicyValues;
  enforced: PolicyValues;
}

export const emptyPolicy: Policy = Object.freeze({ defaults: Object.freeze({}), enforced: Object.freeze({}) });

const fileFields: Record<'defaults' | 'enforced', FieldParser<PolicyValues>> = {
  defaults: fields(policyFields),
  enforced: fields(policyFields),
};
const parseFile = fields(fileFields, 'unknown key (ignored); policy keys go inside "defaults" or "enforced"');

export interface LoadedPolicy {
  policy: Policy;
  problems: ConfigProblem[];
}

/** Parses policy text; `source` (the file path) is named in every problem. */
export function parsePolicy(text: string, source: string): LoadedPolicy {
  const problems: ConfigProblem[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    problems.push({ source, reason: `The IT policy file is not valid JSON (${(e as Error).message}); no policy applies.`, severity: 'error' });
    return { policy: emptyPolicy, problems };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ source, reason: 'The IT policy file must hold a JSON object with "defaults" and/or "enforced"; no policy applies.', severity: 'error' });
    return { policy: emptyPolicy, problems };
  }
  // Every problem is an error: each is something IT asked for that does not apply.
  const parsed = parseFile(raw, '', (field, reason) => problems.push({ source, field, reason, severity: 'error' }));
  return { policy: { defaults: parsed?.defaults ?? {}, enforced: parsed?.enforced ?? {} }, problems };
}

/** Reads the policy file. A missing file is the normal case: no policy, no problem. */
export async function loadPolicy(file: string): Promise<LoadedPolicy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { policy: emptyPolicy, problems: [] };
    return { policy: emptyPolicy, problems: [{ source: file, reason: `The IT policy file cannot be read (${code ?? (e as Error).message}); no policy applies.`, severity: 'error' }] };
  }
  return parsePolicy(text, file);
}
