/**
 * The machine-wide IT policy: `{ "defaults": {...}, "enforced": {...} }`. Defaults preset a
 * value the user may change; enforced values win over everything and lock the setting.
 * The file is optional. A bad file never stops the client: each invalid or unknown key is
 * reported with its path and skipped, and every valid key still applies — except that an
 * enforced SECURITY key (`securityKeys`) whose value cannot be read fails closed: it gets its
 * safe value, locked (`failedClosed`; the values are applied by `resolveEffective`), and its
 * problem says so. A file that cannot be read at all fails every security key closed.
 */
import { readFile } from 'node:fs/promises';
import { type Schema, ValidationError, boolean, literal, string } from '../protocol/validate.js';
import { type FieldParser, type Parsed, entries, fields, items, whole } from './lenient.js';
import type { ConfigProblem } from './problems.js';
import { fingerprint, httpsUrl, pbxAddress, plainText } from './schemas.js';
import { appObjectName, languageSetting, permissionStatesSchema, unloadIdleMinutes } from './settings.js';

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
  /** false: no automatic updates (IT updates the client itself). */
  updates: whole(boolean),
  /** A generic update server (https), e.g. a mirror inside the company. */
  updateFeed: whole(httpsUrl),
  confirmCalls: whole(boolean),
  /** Only this login method is offered: `digest` (user name and password) or `oauth2` (single sign-on). Enforced only. */
  loginMethod: whole(literal('digest', 'oauth2')),
  /** Minutes in the background before an idle app view is unloaded (0: never); enforced locks it. */
  unloadIdleAppsAfterMinutes: whole(unloadIdleMinutes),
  /** The UI's and the apps' language ("auto": the OS's); enforced locks it, defaults preset it. */
  language: whole(languageSetting),
  /** Per Client API, the app that handles it (`com.innovaphone.phone` → `softphone`): enforced locks it, defaults preset it. */
  defaultApiProviders: entries(plainText(256), appObjectName),
  // Lists keep their valid entries: dropping a whole blockedApps list for one typo would unblock everything.
  allowedApps: items(appObjectName),
  blockedApps: items(appObjectName),
  certificateFingerprints: items(fingerprint),
  /** Per App Object: microphone / camera / screen `granted` or `denied` (enforced: locked; defaults: the user may change). */
  appPermissions: entries(appObjectName, permissionStatesSchema),
};

export type PolicyValues = Parsed<typeof policyFields>;

/**
 * The keys whose enforced value guards something: an unreadable one must not silently drop its
 * lock. Each fails closed to its safe value (applied in `effective.ts`, documented in
 * docs/it-deployment.md): developer mode and app DevTools off; no certificate trusted by the
 * policy; no user name allowed; no app allowed (an allow- or block-list that cannot be read).
 * In this order the fail-closed problems are listed.
 */
export const securityKeys = ['developerMode', 'appDevTools', 'certificateFingerprints', 'usernamePattern', 'allowedApps', 'blockedApps'] as const;
export type SecurityKey = (typeof securityKeys)[number];

/** What applies instead of an unreadable enforced value: the end of each fail-closed problem's reason. */
export const failClosedEffects: Readonly<Record<SecurityKey, string>> = {
  developerMode: 'developer mode is off (locked) until the IT policy is fixed',
  appDevTools: 'app DevTools are off (locked) until the IT policy is fixed',
  certificateFingerprints: 'no certificate is trusted by the IT policy until it is fixed',
  usernamePattern: 'no user name may log in until the IT policy is fixed',
  allowedApps: 'no app may run until the IT policy is fixed',
  blockedApps: 'no app may run until the IT policy is fixed',
};

export interface Policy {
  defaults: PolicyValues;
  enforced: PolicyValues;
  /** Enforced security keys whose value could not be read: each applies its safe value, locked. Absent when none. */
  failedClosed?: readonly SecurityKey[];
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One problem per security key: it failed closed because `why`. */
function failEveryKey(source: string, why: string): ConfigProblem[] {
  return securityKeys.map((key): ConfigProblem => ({ source, field: `enforced.${key}`, reason: `${why} — ${failClosedEffects[key]}`, severity: 'error' }));
}

/** A file that cannot be read at all: its security keys fail closed, nothing else applies. */
function unreadable(source: string, what: string): LoadedPolicy {
  return {
    policy: { defaults: {}, enforced: {}, failedClosed: [...securityKeys] },
    problems: [
      { source, reason: `${what}; its security settings fail closed (each is listed) and its other settings do not apply.`, severity: 'error' },
      ...failEveryKey(source, 'the IT policy file could not be read'),
    ],
  };
}

/** Parses policy text; `source` (the file path) is named in every problem. */
export function parsePolicy(text: string, source: string): LoadedPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return unreadable(source, `The IT policy file is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(raw)) return unreadable(source, 'The IT policy file must hold a JSON object with "defaults" and/or "enforced"');
  // Every problem is an error: each is something IT asked for that does not apply.
  const problems: ConfigProblem[] = [];
  const parsed = parseFile(raw, '', (field, reason) => problems.push({ source, field, reason, severity: 'error' }));
  const defaults = parsed?.defaults ?? {};
  const enforced: Record<string, unknown> = { ...parsed?.enforced };

  const failed = new Set<SecurityKey>();
  /** Ends the problem reported at `field` with what applies instead (or reports one). */
  const explain = (field: string, reasonIfUnreported: string, effect: string) => {
    const reported = problems.find((p) => p.field === field);
    if (reported) reported.reason = `${reported.reason} — ${effect}`;
    else problems.push({ source, field, reason: `${reasonIfUnreported} — ${effect}`, severity: 'error' });
  };
  const rawEnforced = Object.hasOwn(raw, 'enforced') ? raw.enforced : undefined;
  if (rawEnforced !== undefined && !isPlainObject(rawEnforced)) {
    // The section IT enforces cannot be read: which locks it held is unknown, so all security keys fail closed.
    explain('enforced', 'is not an object', 'its security settings fail closed (each is listed)');
    for (const key of securityKeys) failed.add(key);
    problems.push(...failEveryKey(source, '"enforced" could not be read'));
  } else if (rawEnforced !== undefined) {
    for (const key of securityKeys) {
      if (!Object.hasOwn(rawEnforced, key)) continue;
      const value = Object.hasOwn(enforced, key) ? enforced[key] : undefined;
      const given = rawEnforced[key];
      if (value === undefined) {
        explain(`enforced.${key}`, 'could not be read', failClosedEffects[key]);
        failed.add(key);
      } else if (key === 'allowedApps' && Array.isArray(given) && given.length > 0 && Array.isArray(value) && value.length === 0) {
        // Only invalid entries would leave [] — "every app": the opposite of what IT asked for.
        explain('enforced.allowedApps', 'none of its entries is valid', failClosedEffects[key]);
        failed.add(key);
      }
    }
  }
  for (const key of failed) delete enforced[key];
  // A default login method would mean nothing (the user picks per login): say so rather than ignore it silently.
  if (defaults.loginMethod !== undefined) {
    problems.push({ source, field: 'defaults.loginMethod', reason: 'applies only under "enforced" (ignored here)', severity: 'error' });
    delete (defaults as Record<string, unknown>).loginMethod;
  }
  const failedClosed = securityKeys.filter((k) => failed.has(k));
  const policy: Policy = { defaults, enforced: enforced as PolicyValues, ...(failedClosed.length > 0 && { failedClosed }) };
  return { policy, problems };
}

/**
 * Reads the policy file. A missing file is the normal case: no policy, no problem. A file that
 * exists but cannot be read fails its security keys closed, as an invalid one does.
 */
export async function loadPolicy(file: string): Promise<LoadedPolicy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { policy: emptyPolicy, problems: [] };
    return unreadable(file, `The IT policy file cannot be read (${code ?? (e as Error).message})`);
  }
  return parsePolicy(text, file);
}
