/** Events from the core to the UI: each replaces one part of the Snapshot. */
import { dict } from './records.js';
import type { AccountView, AppNotification, AppsView, ConnectionView, ContactPresence, LoginView, Notice, OwnPresenceView, PermissionPrompt, ProviderPrompt, RunningApp, SessionItem, SettingsView, Snapshot, UpdatesView, UserView } from './views.js';

export type BridgeEvent =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'connection'; connection: ConnectionView }
  | { type: 'login'; login: LoginView }
  | { type: 'account'; account: AccountView | undefined }
  | { type: 'user'; user: UserView | undefined }
  | { type: 'apps'; apps: AppsView | undefined }
  | { type: 'badge'; app: string; value: string | undefined }
  | { type: 'presence'; presence: ContactPresence }
  | { type: 'ownPresence'; ownPresence: OwnPresenceView }
  | { type: 'sessions'; sessions: SessionItem[] }
  | { type: 'settings'; settings: SettingsView }
  | { type: 'notices'; notices: Notice[] }
  | { type: 'runningApps'; runningApps: RunningApp[] }
  | { type: 'activeApp'; activeApp: string | undefined }
  | { type: 'notifications'; notifications: AppNotification[] }
  | { type: 'permissionPrompts'; permissionPrompts: PermissionPrompt[] }
  | { type: 'providerPrompts'; providerPrompts: ProviderPrompt[] }
  | { type: 'badgeTotal'; badgeTotal: number }
  | { type: 'updates'; updates: UpdatesView };

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
    case 'apps':
      return withOptional(s, 'apps', e.apps);
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
    case 'permissionPrompts':
      return { ...s, permissionPrompts: e.permissionPrompts };
    case 'providerPrompts':
      return { ...s, providerPrompts: e.providerPrompts };
    case 'badgeTotal':
      return { ...s, badgeTotal: e.badgeTotal };
    case 'updates':
      return { ...s, updates: e.updates };
  }
}

function withOptional<K extends 'account' | 'user' | 'apps' | 'activeApp'>(s: Snapshot, key: K, value: Snapshot[K]): Snapshot {
  const next = { ...s };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}
