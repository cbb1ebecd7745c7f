import type { Activity, ContactPresence } from '../../main/core/bridge/views.js';
import type { MessageKey } from './i18n.js';

/** The presence kinds the UI draws (a dot's colour and shape) and names. */
export type PresenceKind = 'available' | 'away' | 'busy' | 'dnd' | 'offline' | 'unknown';

const byActivity: Record<string, PresenceKind> = { '': 'available', away: 'away', busy: 'busy', dnd: 'dnd' };

export function contactPresenceKind(p: ContactPresence | undefined): PresenceKind {
  if (!p) return 'unknown';
  if (!p.up) return 'offline';
  // The PBX reports busy/dnd as `status: "closed"` (pbx-session.md §4.4), so a set activity
  // wins; only a closed contact without an activity is offline.
  if (p.activity) return (Object.hasOwn(byActivity, p.activity) ? byActivity[p.activity] : undefined) ?? 'away'; // unknown activities (e.g. "lunch") read as away
  return p.status === 'closed' ? 'offline' : 'available';
}

export function ownPresenceKind(activity: Activity): PresenceKind {
  return (Object.hasOwn(byActivity, activity) ? byActivity[activity] : undefined) ?? 'available';
}

export const presenceLabel: Record<PresenceKind, MessageKey> = {
  available: 'presence.available',
  away: 'presence.away',
  busy: 'presence.busy',
  dnd: 'presence.dnd',
  offline: 'presence.offline',
  unknown: 'presence.unknown',
};

/** The choices of the own-presence menu, in menu order. */
export const ownActivities: readonly { activity: Activity; label: MessageKey }[] = [
  { activity: '', label: 'own.available' },
  { activity: 'away', label: 'own.away' },
  { activity: 'busy', label: 'own.busy' },
  { activity: 'dnd', label: 'own.dnd' },
];
