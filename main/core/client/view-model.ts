/**
 * Pure mappings from the core's state (config, PBX session, catalog) to the views of the
 * bridge contract. Kept apart from ClientCore so each rule has one home and is testable alone.
 */
import { parseHomeSelection } from '../apps/app-link.js';
import type { Catalog } from '../apps/catalog.js';
import { parsePresenceNote } from '../apps/presence-note.js';
import type { AccountView, Activity, AppPermissionEntry, DefaultProviderEntry, AppsView, ContactPresence, LoginView, OwnPresenceView, SessionItem, SettingsView, Tile } from '../bridge/views.js';
import type { ConfigService } from '../config/config-service.js';
import type { Account } from '../config/settings.js';
import type { Presence, PbxMessage } from '../protocol/pbx-messages.js';
import type { SessionEntry } from '../pbx/session.js';

export function accountView(a: Account): AccountView {
  return { id: a.id, address: a.address, username: a.username, ...(a.label && { label: a.label }), ...(a.trustedFingerprint && { trustedFingerprint: a.trustedFingerprint }) };
}

export function loginView(config: ConfigService, canStayLoggedIn: boolean): LoginView {
  const { values, locked } = config.effective;
  const account = config.activeAccount;
  const pbx = values.pbx ?? account?.address;
  const username = values.username ?? account?.username;
  return {
    ...(pbx !== undefined && { pbx }),
    ...(username !== undefined && { username }),
    pbxLocked: locked.has('pbx'),
    ...(values.usernamePattern !== undefined && { usernamePattern: values.usernamePattern }),
    canStayLoggedIn,
    ...(config.loginMethod !== undefined && { loginMethod: config.loginMethod }),
  };
}

export function settingsView(config: ConfigService, policySource: string | undefined, appPermissions: AppPermissionEntry[], defaultProviders: DefaultProviderEntry[]): SettingsView {
  const { values, locked, sources } = config.effective;
  return { values, locked: [...locked], sources, mutedApps: config.userSettings.mutedApps, ...(policySource && { policySource }), appPermissions, defaultProviders };
}

export function tileOf(e: { name: string; title: string; text: string; url: string; iconUrl?: string; website: boolean }): Tile {
  return { name: e.name, title: e.title, text: e.text, url: e.url, website: e.website, ...(e.iconUrl && { iconUrl: e.iconUrl }) };
}

export function appsView(catalog: Catalog, selected: string, fromCache: boolean): AppsView {
  return {
    tiles: catalog.tiles.map(tileOf),
    // Links to apps the user cannot open (not listed, hidden, blocked) are not shown.
    home: parseHomeSelection(selected).filter((l) => catalog.byName.get(l.app)?.hidden === false),
    fromCache,
  };
}

export function sessionItems(entries: readonly SessionEntry[]): SessionItem[] {
  return entries.map((e) => ({
    id: e.id,
    current: e.current === true,
    userAgent: e.userAgent ?? '',
    timestamp: e.timestamp ?? 0,
    needsAuthorization: e.needsAuthorization === true,
    ...(e.code !== undefined && e.code !== '' && { code: e.code }),
  }));
}

const activities: readonly string[] = ['', 'away', 'busy', 'dnd'];

/** The user's own presence is the `tel:` entry (`pbx-session.md` §4.4). */
export function ownPresenceView(presence: readonly Presence[]): OwnPresenceView {
  const tel = presence.find((p) => p.contact === 'tel:') ?? presence[0];
  const activity = tel?.activity ?? '';
  return { activity: (activities.includes(activity) ? activity : '') as Activity, note: parsePresenceNote(tel?.note).displayNote };
}

export function contactPresence(msg: PbxMessage<'UpdatePresence'>, sip: string): ContactPresence {
  const entries = msg.presence ?? [];
  const tel = entries.find((p) => p.contact === 'tel:') ?? entries.find((p) => p.contact !== 'app:');
  return { sip, activity: tel?.activity ?? '', status: tel?.status ?? '', note: parsePresenceNote(tel?.note).displayNote, up: msg.up !== false };
}

/** An app's badge from its `app:` presence note (`#badge:<n>`); undefined = no badge. */
export function badgeOf(msg: PbxMessage<'UpdatePresence'>): string | undefined {
  const app = (msg.presence ?? []).find((p) => p.contact === 'app:');
  const badge = parsePresenceNote(app?.note).params.badge;
  if (badge === undefined || badge === 0 || badge === '' || badge === '0') return undefined;
  return String(badge).slice(0, 8);
}
