/**
 * Lookups over the live config: users, their defaults, and which App Objects (with which
 * modes) they are granted. Everything is read from the config on each call so live
 * changes (`setAppObjects`, `setUserApps`, tests editing `emulator.config`) apply at once.
 */
import { defaultGuid, parseGrant } from './config.js';
import type { AppObjectConfig, EmulatorConfig, UserConfig } from './config.js';

export function findUser(cfg: EmulatorConfig, sip: string): UserConfig | undefined {
  return cfg.users.find((u) => u.sip === sip);
}

export function findUserByNum(cfg: EmulatorConfig, num: string): UserConfig | undefined {
  return cfg.users.find((u) => u.num !== undefined && u.num === num);
}

export function findAppObject(cfg: EmulatorConfig, name: string): AppObjectConfig | undefined {
  return cfg.appObjects.find((a) => a.name === name);
}

/** A user's identity with defaults applied: dn → sip, cn → dn, num/email → "". */
export interface UserIdentity {
  sip: string;
  guid: string;
  dn: string;
  cn: string;
  num: string;
  email: string;
}

export function identity(cfg: EmulatorConfig, u: UserConfig): UserIdentity {
  const dn = u.dn ?? u.sip;
  return { sip: u.sip, guid: u.guid ?? defaultGuid(cfg.domain, u.sip), dn, cn: u.cn ?? dn, num: u.num ?? '', email: u.email ?? '' };
}

export interface Grant {
  app: AppObjectConfig;
  /** Granted modes that the App Object actually defines, in the object's order. */
  modes: string[];
}

/**
 * The user's granted, existing App Objects in config order (one per object, however many
 * `~mode` entries name it). Grants of unknown objects or undefined modes are ignored, as a
 * PBX ignores stale references after an object is deleted.
 */
export function grantsOf(cfg: EmulatorConfig, u: UserConfig): Grant[] {
  const granted = new Map<string, Set<string>>();
  for (const entry of u.apps) {
    const { name, modes } = parseGrant(entry);
    const set = granted.get(name) ?? new Set<string>();
    for (const m of modes) set.add(m);
    granted.set(name, set);
  }
  return cfg.appObjects.flatMap((app) => {
    const modes = granted.get(app.name);
    return modes ? [{ app, modes: (app.modes ?? []).filter((m) => modes.has(m)) }] : [];
  });
}

/** `app` in AppGetLoginResult: the last path segment of the App Object URL. */
export function urlLastSegment(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** The URL's directory: App Objects sharing it belong to the same App Service instance. */
export function urlDirectory(url: string): string {
  return url.slice(0, url.lastIndexOf('/') + 1);
}
