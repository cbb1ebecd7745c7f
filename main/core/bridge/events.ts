/** Events from the core to the UI: each replaces one part of the Snapshot (`appsDelta` changes part of one). */
import type { ApiChannelChange } from './api-direct.js';
import { dict } from './records.js';
import type { Shortcut } from './shortcuts.js';
import type { InspectorEntry } from '../inspector/entries.js';
import type { ContactSearchView } from './views.js';
import type { AccountView, AppNotification, AppsView, HomeLink, Tile, ConnectionView, ContactPresence, LoginView, Notice, OwnPresenceView, PermissionPrompt, ProviderPrompt, RunningApp, SessionItem, SettingsView, Snapshot, StatusInfoView, UpdatesView, UserView } from './views.js';

export type BridgeEvent =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'connection'; connection: ConnectionView }
  | { type: 'login'; login: LoginView }
  | { type: 'account'; account: AccountView | undefined }
  | { type: 'user'; user: UserView | undefined }
  | { type: 'ownAvatar'; ownAvatar: string | undefined }
  | { type: 'apps'; apps: AppsView | undefined }
  | ({ type: 'appsDelta' } & AppsDelta)
  | { type: 'badge'; app: string; value: string | undefined }
  | { type: 'presence'; presence: ContactPresence }
  | { type: 'ownPresence'; ownPresence: OwnPresenceView }
  | { type: 'sessions'; sessions: SessionItem[] }
  | { type: 'settings'; settings: SettingsView }
  | { type: 'notices'; notices: Notice[] }
  | { type: 'runningApps'; runningApps: RunningApp[] }
  | { type: 'activeApp'; activeApp: string | undefined }
  | { type: 'notifications'; notifications: AppNotification[] }
  | { type: 'statusInfos'; statusInfos: StatusInfoView[] }
  | { type: 'permissionPrompts'; permissionPrompts: PermissionPrompt[] }
  | { type: 'providerPrompts'; providerPrompts: ProviderPrompt[] }
  | { type: 'badgeTotal'; badgeTotal: number }
  | { type: 'updates'; updates: UpdatesView }
  /** Browser shell: join (or part) two app-frame iframes with a MessagePort pair (api-direct.ts); no state of its own. */
  | { type: 'apiChannel'; change: ApiChannelChange }
  | { type: 'contactSearch'; contactSearch: ContactSearchView | undefined }
  /**
   * A keyboard shortcut the UI could not see: pressed while the focus was in an app view (the
   * app-frame page, or Electron's app view before its page saw it). The UI acts as on its own
   * keydown. No state of its own.
   */
  | { type: 'shortcut'; shortcut: Shortcut }
  /** Browser shell: bring the window up (a `Wake` for an incoming call); Electron's main process does it itself. No state of its own. */
  | { type: 'raiseWindow' }
  /**
   * The message inspector's new entries, in order, at most one batch per frame, only while a
   * panel is open (`inspectorOpen`). `stopped`: developer mode went off, every panel is closed
   * and what the core kept is gone. No state of its own.
   */
  | { type: 'inspector'; entries: InspectorEntry[]; stopped?: true };

/** Apply one event to a snapshot (the renderer's store and the tests use the same reducer). */
export function applyEvent(s: Snapshot, e: BridgeEvent): Snapshot {
  switch (e.type) {
    case 'snapshot':
      return e.snapshot;
    case 'connection':
      return { ...s, connection: e.connection };
    case 'login':
      return { ...s, login: e.login };
    case 'account':
      return withOptional(s, 'account', e.account);
    case 'user':
      return withOptional(s, 'user', e.user);
    case 'ownAvatar':
      return withOptional(s, 'ownAvatar', e.ownAvatar);
    case 'apps':
      return withOptional(s, 'apps', e.apps);
    case 'appsDelta':
      return { ...s, apps: applyAppsDelta(s.apps, e) };
    case 'badge': {
      // Keyed by App Object names: no prototype (records.ts), whatever the snapshot came as.
      const badges = Object.assign(dict<string>(), s.badges);
      if (e.value === undefined) delete badges[e.app];
      else badges[e.app] = e.value;
      return { ...s, badges };
    }
    case 'presence': {
      const presence = Object.assign(dict<ContactPresence>(), s.presence);
      presence[e.presence.sip] = e.presence;
      return { ...s, presence };
    }
    case 'ownPresence':
      return { ...s, ownPresence: e.ownPresence };
    case 'sessions':
      return { ...s, sessions: e.sessions };
    case 'settings':
      return { ...s, settings: e.settings };
    case 'notices':
      return { ...s, notices: e.notices };
    case 'runningApps':
      return { ...s, runningApps: e.runningApps };
    case 'activeApp':
      return withOptional(s, 'activeApp', e.activeApp);
    case 'notifications':
      return { ...s, notifications: e.notifications };
    case 'statusInfos':
      return { ...s, statusInfos: e.statusInfos };
    case 'permissionPrompts':
      return { ...s, permissionPrompts: e.permissionPrompts };
    case 'providerPrompts':
      return { ...s, providerPrompts: e.providerPrompts };
    case 'badgeTotal':
      return { ...s, badgeTotal: e.badgeTotal };
    case 'updates':
      return { ...s, updates: e.updates };
    case 'contactSearch':
      return withOptional(s, 'contactSearch', e.contactSearch);
    case 'apiChannel':
    case 'shortcut':
    case 'raiseWindow':
    case 'inspector':
      return s;
  }
}

function withOptional<K extends 'account' | 'user' | 'ownAvatar' | 'apps' | 'activeApp' | 'contactSearch'>(s: Snapshot, key: K, value: Snapshot[K]): Snapshot {
  const next = { ...s };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/**
 * What changed in the apps view, tiles by App Object name (with thousands of apps the whole
 * view is large, and one changed tile should not re-send, re-parse and re-render all of them).
 * Applied in this order: `removed` go, `changed` replace their tile in place, `added` are
 * appended in their order (a name in both `removed` and `added` moves to the end), then the
 * tiles are put in `order` if given. `home` and `fromCache` are sent whole when they changed.
 */
export interface AppsDelta {
  added: Tile[];
  changed: Tile[];
  removed: string[];
  /** Every tile's name in the new order, when that is not the old order minus `removed` plus `added`. */
  order?: string[];
  home?: HomeLink[];
  fromCache?: boolean;
}

const noApps: AppsView = { tiles: [], home: [], fromCache: false };

function sameTile(a: Tile, b: Tile): boolean {
  return a.name === b.name && a.title === b.title && a.text === b.text && a.url === b.url && a.iconUrl === b.iconUrl && a.website === b.website;
}

function sameHome(a: HomeLink[], b: HomeLink[]): boolean {
  return a.length === b.length && a.every((l, i) => JSON.stringify(l) === JSON.stringify(b[i]));
}

/** The delta from one apps view to the next; undefined when nothing changed. */
export function diffApps(before: AppsView, after: AppsView): AppsDelta | undefined {
  const old = new Map(before.tiles.map((t) => [t.name, t]));
  const kept = new Set(after.tiles.map((t) => t.name));
  const removed = before.tiles.filter((t) => !kept.has(t.name)).map((t) => t.name);
  const added: Tile[] = [];
  const changed: Tile[] = [];
  for (const t of after.tiles) {
    const was = old.get(t.name);
    if (!was) added.push(t);
    else if (!sameTile(was, t)) changed.push(t);
  }
  const implied = [...before.tiles.filter((t) => kept.has(t.name)), ...added];
  const reordered = implied.some((t, i) => t.name !== after.tiles[i]?.name);
  const homeChanged = !sameHome(before.home, after.home);
  const cacheChanged = before.fromCache !== after.fromCache;
  if (!added.length && !changed.length && !removed.length && !reordered && !homeChanged && !cacheChanged) return undefined;
  return {
    added,
    changed,
    removed,
    ...(reordered && { order: after.tiles.map((t) => t.name) }),
    ...(homeChanged && { home: after.home }),
    ...(cacheChanged && { fromCache: after.fromCache }),
  };
}

/** `tiles` without the `removed` names, `changed` ones in place of theirs, then `added` — each name once (an added tile already there replaces it). */
function withChanges(tiles: readonly Tile[], removed: ReadonlySet<string>, changed: ReadonlyMap<string, Tile>, added: readonly Tile[]): Tile[] {
  const out = tiles.filter((t) => !removed.has(t.name)).map((t) => changed.get(t.name) ?? t);
  const at = new Map(out.map((t, i) => [t.name, i]));
  for (const t of added) {
    const i = at.get(t.name);
    if (i === undefined) at.set(t.name, out.push(t) - 1);
    else out[i] = t;
  }
  return out;
}

/** Apply a delta; tiles it does not touch stay the same objects (memoised tiles do not re-render). */
export function applyAppsDelta(apps: AppsView | undefined, d: AppsDelta): AppsView {
  const base = apps ?? noApps;
  // Applying a delta twice (a snapshot that already had it) leaves one tile, not two.
  let tiles = withChanges(base.tiles, new Set(d.removed), new Map(d.changed.map((t) => [t.name, t])), d.added);
  if (d.order) {
    const place = new Map(d.order.map((name, i) => [name, i]));
    // Stable: a tile the order does not name keeps its place after those it names.
    tiles = tiles.slice().sort((a, b) => (place.get(a.name) ?? Infinity) - (place.get(b.name) ?? Infinity));
  }
  return { tiles, home: d.home ?? base.home, fromCache: d.fromCache ?? base.fromCache };
}

/** One delta that does what `first` then `second` do (the core's coalescer holds at most one per frame). */
export function mergeAppsDeltas(first: AppsDelta, second: AppsDelta): AppsDelta {
  const gone = new Set(second.removed);
  const later = new Map(second.changed.map((t) => [t.name, t]));
  const added = withChanges(first.added, gone, later, second.added);
  const addedAt = new Set(added.map((t) => t.name));
  const changed = first.changed.filter((t) => !gone.has(t.name)).map((t) => later.get(t.name) ?? t);
  const changedNames = new Set(changed.map((t) => t.name));
  for (const t of second.changed) if (!addedAt.has(t.name) && !changedNames.has(t.name)) changed.push(t);
  const order = second.order ?? first.order?.filter((name) => !gone.has(name));
  const home = second.home ?? first.home;
  const fromCache = second.fromCache ?? first.fromCache;
  return {
    added,
    changed,
    removed: [...new Set([...first.removed, ...second.removed])],
    ...(order && { order }),
    ...(home && { home }),
    ...(fromCache !== undefined && { fromCache }),
  };
}

export type AppsEvent = Extract<BridgeEvent, { type: 'apps' | 'appsDelta' }>;

export function isAppsEvent(e: BridgeEvent): e is AppsEvent {
  return e.type === 'apps' || e.type === 'appsDelta';
}

/** Two events for the apps view as one (whole views replace, deltas compose). */
export function mergeAppsEvents(first: AppsEvent, second: AppsEvent): AppsEvent {
  if (second.type === 'apps') return second;
  if (first.type === 'apps') return { type: 'apps', apps: applyAppsDelta(first.apps, second) };
  return { type: 'appsDelta', ...mergeAppsDeltas(first, second) };
}
