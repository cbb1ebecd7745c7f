/**
 * Emulator configuration: the PBX's users and App Objects, as a JSON file or an object.
 * Validation collects every problem (with its JSON path) before failing, so a broken config
 * file is fixed in one round instead of one error at a time.
 */
import { readFileSync } from 'node:fs';
import { sha256Hex } from '../../main/core/protocol/crypto.js';

export type WakeType = 'phone' | 'chat';

export interface UserConfig {
  sip: string;
  password: string;
  /** 32 hex; default: first 32 hex of SHA-256(domain + ":" + sip). */
  guid?: string;
  dn?: string;
  cn?: string;
  num?: string;
  email?: string;
  /** Granted App Objects: `name` or `name~mode` (a mode entry also grants the object). */
  apps: string[];
  groups?: string[];
  /** Home-screen selection (`selected`): comma list of app links, or the links as an array. */
  home?: string | string[];
  /** User logins need approval by another session (2FA). */
  twoFactor?: boolean;
  /** This PBX does not host the user: answer user logins with `Redirect`. */
  redirect?: { host: string; mod?: string };
}

export interface AppObjectConfig {
  name: string;
  title: string;
  description?: string;
  /**
   * Shared secret with the App Service; `''` when the object has none (a plain website needs
   * none). A config may leave it out: validation fills in `''`. `AppGetLogin` for an object
   * without one gets an error.
   */
  password: string;
  /** App URL without `.htm`; absolute or relative to the myApps page. */
  url: string;
  icon?: string;
  modes?: string[];
  hidden?: boolean;
  website?: boolean;
  websocket?: boolean;
  apis?: Record<string, object>;
  presence?: boolean;
  wake?: WakeType[];
  badge?: number;
  unlicensed?: boolean;
}

export interface EmulatorOptions {
  /** Send the 13r1 `UpdateApps` array form instead of `UpdateAppsInfo`×N + `UpdateAppsComplete`. */
  legacyUpdateApps?: boolean;
  /** Every session login returns fresh session credentials (open question Q7). */
  rotateSessionOnSessionLogin?: boolean;
  /** `LoginResult.info.alt`: the standby PBX as `host[:port]/module` (pbx-session.md §3.6, Q3). */
  alt?: string;
  /** `UpdateRegister.profile`: the App Object users edit their profile with (default none, `""`). */
  profileApp?: string;
  /** `Wake` goes to every logged-in connection of the user, not only to those that announced the type (`SetSessionInfo.wake`). */
  wakeEveryConnection?: boolean;
  /**
   * OAuth2 logins: `LoginResult.info.keyShare` is another valid key (a party in the middle's)
   * while the digest and the session cipher use the real secret, so a correct client's check fails.
   */
  oauth2TamperKeyShare?: boolean;
}

/** The PBX's registration at an OpenID Connect provider (test/pbx/idp.ts makes one). */
export interface OAuth2Config {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** `LoginInfoResult.user.oauth2Name`; default "Single sign-on". */
  name?: string;
}

export interface EmulatorConfig {
  domain: string;
  pbx: string;
  build?: string;
  users: UserConfig[];
  appObjects: AppObjectConfig[];
  options?: EmulatorOptions;
  /** Offer OAuth2 user logins through this provider (pbx-session.md §3.8). */
  oauth2?: OAuth2Config;
  /** User digest logins allowed (default true); session digest logins always are. */
  userDigest?: boolean;
}

export const DEFAULT_BUILD = '130000';

export class ConfigError extends Error {
  constructor(readonly problems: string[], source?: string) {
    super(`Invalid PBX emulator config${source ? ` ${source}` : ''}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** The default user GUID; deterministic so digests in tests and docs stay stable. */
export function defaultGuid(domain: string, sip: string): string {
  return sha256Hex(`${domain}:${sip}`).slice(0, 32);
}

/** Splits a grant entry `name~mode~mode` into the App Object name and its modes. */
export function parseGrant(entry: string): { name: string; modes: string[] } {
  const [name = '', ...modes] = entry.split('~');
  return { name, modes };
}

const TOP_KEYS = ['domain', 'pbx', 'build', 'users', 'appObjects', 'options', 'oauth2', 'userDigest'];
const OAUTH2_KEYS = ['issuer', 'clientId', 'clientSecret', 'name'];
const USER_KEYS = ['sip', 'password', 'guid', 'dn', 'cn', 'num', 'email', 'apps', 'groups', 'home', 'twoFactor', 'redirect'];
const APP_KEYS = ['name', 'title', 'description', 'password', 'url', 'icon', 'modes', 'hidden', 'website', 'websocket', 'apis', 'presence', 'wake', 'badge', 'unlicensed'];
const OPTION_KEYS = ['legacyUpdateApps', 'rotateSessionOnSessionLogin', 'wakeEveryConnection', 'oauth2TamperKeyShare'];

type Obj = Record<string, unknown>;

/** Collects problems; each check returns whether the value passed so callers can skip dependent checks. */
class Checker {
  readonly problems: string[] = [];

  fail(path: string, text: string): false {
    this.problems.push(`${path}: ${text}`);
    return false;
  }

  object(v: unknown, path: string): v is Obj {
    return (typeof v === 'object' && v !== null && !Array.isArray(v)) || this.fail(path, 'must be an object');
  }

  keys(o: Obj, path: string, allowed: string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.fail(path, `unknown key "${k}" (allowed: ${allowed.join(', ')})`);
    }
  }

  requiredString(o: Obj, key: string, path: string): boolean {
    const v = o[key];
    return (typeof v === 'string' && v !== '') || this.fail(`${path}.${key}`, 'required string');
  }

  optionalString(o: Obj, key: string, path: string): boolean {
    return o[key] === undefined || typeof o[key] === 'string' || this.fail(`${path}.${key}`, 'must be a string');
  }

  optionalBoolean(o: Obj, key: string, path: string): void {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') this.fail(`${path}.${key}`, 'must be true or false');
  }

  stringArray(v: unknown, path: string): v is string[] {
    if (!Array.isArray(v)) return this.fail(path, 'must be an array of strings');
    let ok = true;
    v.forEach((s, i) => {
      if (typeof s !== 'string' || s === '') ok = this.fail(`${path}[${i}]`, 'must be a non-empty string');
    });
    return ok;
  }
}

/**
 * Validates App Objects on their own (used for live `setAppObjects` too, where users may
 * legitimately keep grants to objects that no longer exist).
 */
function checkAppObjects(c: Checker, raw: unknown, path: string): raw is AppObjectConfig[] {
  if (!Array.isArray(raw)) return c.fail(path, 'must be an array');
  const seen = new Set<string>();
  raw.forEach((a: unknown, i) => {
    const p = `${path}[${i}]`;
    if (!c.object(a, p)) return;
    c.keys(a, p, APP_KEYS);
    if (c.requiredString(a, 'name', p)) {
      const name = a.name as string;
      if (name.includes('~')) c.fail(`${p}.name`, `"${name}" must not contain "~" (it separates modes)`);
      if (seen.has(name)) c.fail(`${p}.name`, `duplicate App Object "${name}"`);
      seen.add(name);
    }
    c.requiredString(a, 'title', p);
    // A real PBX lets the field stay empty (a plain website shares no secret with anyone).
    c.optionalString(a, 'password', p);
    if (c.requiredString(a, 'url', p) && /\.htm$/i.test(a.url as string)) {
      c.fail(`${p}.url`, 'must not end with ".htm" (the client appends it)');
    }
    c.optionalString(a, 'description', p);
    c.optionalString(a, 'icon', p);
    if (a.modes !== undefined && c.stringArray(a.modes, `${p}.modes`)) {
      a.modes.forEach((m, j) => {
        if (m.includes('~')) c.fail(`${p}.modes[${j}]`, `"${m}" must not contain "~"`);
      });
    }
    for (const flag of ['hidden', 'website', 'websocket', 'presence', 'unlicensed']) c.optionalBoolean(a, flag, p);
    if (a.apis !== undefined && c.object(a.apis, `${p}.apis`)) {
      for (const [api, v] of Object.entries(a.apis)) c.object(v, `${p}.apis["${api}"]`);
    }
    if (a.wake !== undefined) {
      if (!Array.isArray(a.wake)) c.fail(`${p}.wake`, 'must be an array of "phone" | "chat"');
      else a.wake.forEach((w: unknown, j) => {
        if (w !== 'phone' && w !== 'chat') c.fail(`${p}.wake[${j}]`, `must be "phone" or "chat", got ${JSON.stringify(w)}`);
      });
    }
    if (a.badge !== undefined && !(Number.isInteger(a.badge) && (a.badge as number) >= 0)) {
      c.fail(`${p}.badge`, 'must be a non-negative integer');
    }
  });
  return true;
}

function checkUser(c: Checker, u: Obj, p: string, apps: Map<string, AppObjectConfig>, hasApps: boolean): void {
  c.keys(u, p, USER_KEYS);
  c.requiredString(u, 'sip', p);
  c.requiredString(u, 'password', p);
  if (c.optionalString(u, 'guid', p) && u.guid !== undefined && !/^[0-9a-f]{32}$/.test(u.guid as string)) {
    c.fail(`${p}.guid`, 'must be 32 lowercase hex characters');
  }
  for (const k of ['dn', 'cn', 'num', 'email']) c.optionalString(u, k, p);
  if (u.apps === undefined) c.fail(`${p}.apps`, 'required array of App Object names ([] for none)');
  else if (c.stringArray(u.apps, `${p}.apps`) && hasApps) {
    u.apps.forEach((entry, j) => {
      const { name, modes } = parseGrant(entry);
      const obj = apps.get(name);
      if (!obj) return void c.fail(`${p}.apps[${j}]`, `unknown App Object "${name}"`);
      for (const m of modes) {
        if (!obj.modes?.includes(m)) {
          c.fail(`${p}.apps[${j}]`, `App Object "${name}" has no mode "${m}" (modes: ${obj.modes?.join(', ') || 'none'})`);
        }
      }
    });
  }
  if (u.groups !== undefined) c.stringArray(u.groups, `${p}.groups`);
  if (u.home !== undefined && typeof u.home !== 'string') c.stringArray(u.home, `${p}.home`);
  c.optionalBoolean(u, 'twoFactor', p);
  if (u.redirect !== undefined && c.object(u.redirect, `${p}.redirect`)) {
    c.keys(u.redirect, `${p}.redirect`, ['host', 'mod']);
    c.requiredString(u.redirect, 'host', `${p}.redirect`);
    c.optionalString(u.redirect, 'mod', `${p}.redirect`);
  }
}

/** Validates a parsed config; returns a deep copy with `build` and every user's `guid` filled in. */
export function validateEmulatorConfig(raw: unknown, source?: string): EmulatorConfig {
  const c = new Checker();
  if (!c.object(raw, 'config')) throw new ConfigError(c.problems, source);
  c.keys(raw, 'config', TOP_KEYS);
  c.requiredString(raw, 'domain', 'config');
  c.requiredString(raw, 'pbx', 'config');
  c.optionalString(raw, 'build', 'config');

  const hasApps = checkAppObjects(c, raw.appObjects, 'appObjects');
  const apps = new Map<string, AppObjectConfig>();
  if (hasApps) for (const a of raw.appObjects as AppObjectConfig[]) if (typeof a?.name === 'string') apps.set(a.name, a);

  if (!Array.isArray(raw.users)) c.fail('users', 'must be an array');
  else {
    const sips = new Set<string>();
    raw.users.forEach((u: unknown, i) => {
      const p = `users[${i}]`;
      if (!c.object(u, p)) return;
      checkUser(c, u, p, apps, hasApps);
      if (typeof u.sip !== 'string') return;
      if (sips.has(u.sip)) c.fail(`${p}.sip`, `duplicate user "${u.sip}"`);
      // Presence subscriptions address users and App Objects by the same name.
      if (apps.has(u.sip)) c.fail(`${p}.sip`, `"${u.sip}" is also an App Object name`);
      sips.add(u.sip);
    });
  }

  if (raw.options !== undefined && c.object(raw.options, 'options')) {
    c.keys(raw.options, 'options', [...OPTION_KEYS, 'alt', 'profileApp']);
    for (const k of OPTION_KEYS) c.optionalBoolean(raw.options, k, 'options');
    c.optionalString(raw.options, 'profileApp', 'options');
    const alt = (raw.options as Obj).alt;
    if (alt !== undefined && (typeof alt !== 'string' || !/^[^/\s]+\/[A-Za-z0-9_.-]+$/.test(alt))) c.fail('options.alt', 'expected "host[:port]/module"');
  }
  c.optionalBoolean(raw, 'userDigest', 'config');
  if (raw.oauth2 !== undefined && c.object(raw.oauth2, 'oauth2')) {
    c.keys(raw.oauth2, 'oauth2', OAUTH2_KEYS);
    if (c.requiredString(raw.oauth2, 'issuer', 'oauth2') && !URL.canParse(raw.oauth2.issuer as string)) c.fail('oauth2.issuer', 'must be an absolute URL');
    c.requiredString(raw.oauth2, 'clientId', 'oauth2');
    c.requiredString(raw.oauth2, 'clientSecret', 'oauth2');
    c.optionalString(raw.oauth2, 'name', 'oauth2');
  }
  if (c.problems.length) throw new ConfigError(c.problems, source);

  const cfg = structuredClone(raw) as unknown as EmulatorConfig;
  cfg.build ??= DEFAULT_BUILD;
  for (const u of cfg.users) u.guid ??= defaultGuid(cfg.domain, u.sip);
  fillAppObjectDefaults(cfg.appObjects);
  return cfg;
}

/** An App Object left without a password has the empty one. */
function fillAppObjectDefaults(objs: AppObjectConfig[]): void {
  for (const a of objs) a.password ??= '';
}

/** Validates App Objects for a live change; throws {@link ConfigError}. */
export function validateAppObjects(raw: unknown): AppObjectConfig[] {
  const c = new Checker();
  checkAppObjects(c, raw, 'appObjects');
  if (c.problems.length) throw new ConfigError(c.problems);
  const objs = structuredClone(raw) as AppObjectConfig[];
  fillAppObjectDefaults(objs);
  return objs;
}

/** Reads and validates a JSON config file; throws {@link ConfigError} listing all problems. */
export function loadEmulatorConfig(path: string): EmulatorConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([`cannot read file: ${(e as Error).message}`], path);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([`not valid JSON: ${(e as Error).message}`], path);
  }
  return validateEmulatorConfig(raw, path);
}
