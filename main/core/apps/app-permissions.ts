/**
 * Microphone, camera and screen capture for apps (security control 16), decided here once for
 * both shells:
 *
 * - What an App Object may use is, in this order: the IT policy's `enforced.appPermissions`
 *   (locked), the user's remembered answer, the policy's `defaults.appPermissions`, else "ask".
 * - "Ask" shows the user one prompt per app, naming it; the answer is remembered for that App
 *   Object and can be forgotten in Settings. Plain websites are never asked: they get only
 *   what IT grants them.
 * - Nothing else ever gets these: the grant is per App Object, and only the app's own origin
 *   may use it (`originMatches`).
 *
 * How a grant takes effect differs by shell (`ShellPort.permissionGate`): the browser shell can
 * only delegate a permission to an app's iframe (`allow`), so only granted ones are delegated;
 * Electron's per-app session asks `request`/`granted` on every use.
 */
import type { AppPermission, AppPermissionEntry, PermissionPrompt } from '../bridge/views.js';
import { appPermissionNames } from '../bridge/views.js';
import type { Logger } from '../common/log.js';

export type PermissionState = 'granted' | 'denied';
/** Per App Object, per permission: what the user answered or IT decided. Keys come from outside: a Map. */
export type PermissionTable = ReadonlyMap<string, Readonly<Partial<Record<AppPermission, PermissionState>>>>;

export interface PermissionLevels {
  enforced: PermissionTable;
  user: PermissionTable;
  defaults: PermissionTable;
}

export interface PermissionDecision {
  state: PermissionState | 'ask';
  /** Set by the enforced policy. */
  locked: boolean;
}

/** The permission's state for one App Object, by precedence. */
export function permissionDecision(levels: PermissionLevels, app: string, permission: AppPermission): PermissionDecision {
  const enforced = levels.enforced.get(app)?.[permission];
  if (enforced !== undefined) return { state: enforced, locked: true };
  const chosen = levels.user.get(app)?.[permission] ?? levels.defaults.get(app)?.[permission];
  return { state: chosen ?? 'ask', locked: false };
}

/** The permissions-policy feature of each permission, for the app iframe's `allow` attribute. */
export const permissionsPolicyFeature: Readonly<Record<AppPermission, string>> = { microphone: 'microphone', camera: 'camera', screen: 'display-capture' };

/** The `allow` attribute that delegates these permissions to the app iframe (its own origin only: the default 'src'). */
export function allowAttribute(permissions: readonly AppPermission[]): string {
  return permissions.map((p) => permissionsPolicyFeature[p]).join('; ');
}

/** An app that may be asked about (a plain website is never asked). */
export interface PermissionSubject {
  name: string;
  title: string;
  website: boolean;
}

export interface AppPermissionsDeps {
  levels(): PermissionLevels;
  /** Remember the user's answer for the App Object (settings file). */
  remember(app: string, answers: Partial<Record<AppPermission, PermissionState>>): Promise<void>;
  /** The pending prompts changed. */
  changed(prompts: PermissionPrompt[]): void;
  log: Logger;
}

interface Pending {
  prompt: PermissionPrompt;
  waiting: { permissions: AppPermission[]; resolve: (granted: boolean) => void }[];
}

/** At most this many requests wait for one app's prompt; more are refused at once (an app cannot queue without bound). */
export const MAX_WAITING_PER_APP = 16;

export class AppPermissions {
  /** One prompt per App Object, keyed by its name (a Map: names come from the PBX). */
  private readonly pending = new Map<string, Pending>();
  private counter = 0;

  constructor(private readonly deps: AppPermissionsDeps) {}

  get prompts(): PermissionPrompt[] {
    return [...this.pending.values()].map((p) => p.prompt);
  }

  /** What the app may use now, without asking anyone. */
  granted(app: PermissionSubject): AppPermission[] {
    const levels = this.deps.levels();
    return appPermissionNames.filter((p) => permissionDecision(levels, app.name, p).state === 'granted');
  }

  /**
   * The app asks for `permissions` (all of them are needed). Resolves true only when every one
   * is granted — at once when decided, else after the user answered the prompt.
   */
  request(app: PermissionSubject, permissions: readonly AppPermission[]): Promise<boolean> {
    const levels = this.deps.levels();
    const wanted = [...new Set(permissions)];
    const states = wanted.map((p) => permissionDecision(levels, app.name, p).state);
    if (states.includes('denied')) return Promise.resolve(false);
    const ask = wanted.filter((_p, i) => states[i] === 'ask');
    if (ask.length === 0) return Promise.resolve(true);
    if (app.website) {
      this.deps.log('info', 'permission refused: plain websites get only what IT grants', { app: app.name, permissions: ask });
      return Promise.resolve(false);
    }
    let entry = this.pending.get(app.name);
    if (entry && entry.waiting.length >= MAX_WAITING_PER_APP) {
      this.deps.log('warn', 'permission request refused: too many waiting for the user', { app: app.name });
      return Promise.resolve(false);
    }
    if (!entry) {
      entry = { prompt: { id: `perm-${++this.counter}`, app: app.name, title: app.title, permissions: [] }, waiting: [] };
      this.pending.set(app.name, entry);
    }
    const missing = ask.filter((p) => !entry.prompt.permissions.includes(p));
    if (missing.length > 0 || entry.waiting.length === 0) {
      entry.prompt = { ...entry.prompt, permissions: appPermissionNames.filter((p) => entry.prompt.permissions.includes(p) || missing.includes(p)) };
      this.deps.changed(this.prompts);
    }
    return new Promise((resolve) => entry.waiting.push({ permissions: wanted, resolve }));
  }

  /** The user answered prompt `id`. False: no such prompt. */
  async answer(id: string, allow: boolean): Promise<boolean> {
    const entry = [...this.pending.values()].find((p) => p.prompt.id === id);
    if (!entry) return false;
    this.pending.delete(entry.prompt.app);
    this.deps.changed(this.prompts);
    const state: PermissionState = allow ? 'granted' : 'denied';
    try {
      await this.deps.remember(entry.prompt.app, Object.fromEntries(entry.prompt.permissions.map((p) => [p, state])));
    } catch (e) {
      // The answer still holds for this run; only remembering it failed.
      this.deps.log('warn', 'a permission answer could not be saved', { app: entry.prompt.app, error: String(e) });
    }
    const levels = this.deps.levels();
    for (const w of entry.waiting) w.resolve(allow && w.permissions.every((p) => entry.prompt.permissions.includes(p) || permissionDecision(levels, entry.prompt.app, p).state === 'granted'));
    return true;
  }

  /** The app went away (closed, revoked, logout): its pending requests are refused, its prompt withdrawn. */
  withdraw(app: string): void {
    const entry = this.pending.get(app);
    if (!entry) return;
    this.pending.delete(app);
    for (const w of entry.waiting) w.resolve(false);
    this.deps.changed(this.prompts);
  }

  /** Every remembered answer and IT decision, for Settings. */
  entries(): AppPermissionEntry[] {
    const levels = this.deps.levels();
    const names = new Set([...levels.enforced.keys(), ...levels.user.keys(), ...levels.defaults.keys()]);
    const out: AppPermissionEntry[] = [];
    for (const app of [...names].sort()) {
      for (const permission of appPermissionNames) {
        const d = permissionDecision(levels, app, permission);
        if (d.state !== 'ask') out.push({ app, permission, state: d.state, locked: d.locked });
      }
    }
    return out;
  }
}
