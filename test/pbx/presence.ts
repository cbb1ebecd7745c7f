/**
 * Presence model and the UpdatePresence/UpdateOwnPresence frames (pbx-session.md §4.4).
 * A user has a `tel:` presence (SetOwnPresence) and an `im:` presence (SetUserActivity);
 * an App Object publishes its badge as `app:` presence with note `#badge:<n>`.
 */
import type { AppObjectConfig, EmulatorConfig, UserConfig } from './config.js';
import { findAppObject, findUser, findUserByNum, identity } from './directory.js';

export interface Presence {
  tel: { activity: string; note?: string };
  im: { activity: string };
}

export function initialPresence(): Presence {
  return { tel: { activity: '' }, im: { activity: '' } };
}

/** "closed" for activities that mean "do not reach me"; the PBX's exact mapping is not documented. */
function status(activity: string): 'open' | 'closed' {
  return activity === 'busy' || activity === 'dnd' ? 'closed' : 'open';
}

export function presenceEntries(p: Presence): object[] {
  return [
    { contact: 'tel:', activity: p.tel.activity, status: status(p.tel.activity), ...(p.tel.note ? { note: p.tel.note } : {}) },
    { contact: 'im:', activity: p.im.activity, status: status(p.im.activity) },
  ];
}

/** A presence or dialog subscription as the client addressed it (`sip` wins over `num`). */
export interface Subscription {
  sip?: string;
  num?: string;
  src?: unknown;
}

/** What a subscription addresses: users by sip or num, App Objects by name (badges). */
export type PresenceTarget = { kind: 'user'; user: UserConfig } | { kind: 'app'; app: AppObjectConfig } | { kind: 'unknown' };

export function resolveTarget(cfg: EmulatorConfig, sub: Subscription): PresenceTarget {
  if (sub.sip !== undefined) {
    const user = findUser(cfg, sub.sip);
    if (user) return { kind: 'user', user };
    const app = findAppObject(cfg, sub.sip);
    if (app) return { kind: 'app', app };
    return { kind: 'unknown' };
  }
  const user = sub.num !== undefined ? findUserByNum(cfg, sub.num) : undefined;
  return user ? { kind: 'user', user } : { kind: 'unknown' };
}

function withSrc(msg: object, sub: Subscription): object {
  return sub.src === undefined ? msg : { ...msg, src: sub.src };
}

/** The UpdatePresence a subscriber gets for its subscription right now. */
export function presenceUpdate(cfg: EmulatorConfig, sub: Subscription, presenceOf: (sip: string) => Presence): object {
  const t = resolveTarget(cfg, sub);
  if (t.kind === 'user') {
    const id = identity(cfg, t.user);
    return withSrc({
      mt: 'UpdatePresence', sip: id.sip, num: id.num, up: true,
      ep: { sip: id.sip, dn: id.dn, num: id.num, email: id.email, type: 'user' },
      presence: presenceEntries(presenceOf(id.sip)),
    }, sub);
  }
  if (t.kind === 'app') {
    return withSrc({
      mt: 'UpdatePresence', sip: t.app.name, num: '', up: true,
      ep: { sip: t.app.name, dn: t.app.title, num: '', email: '', type: 'app' },
      presence: [{ contact: 'app:', activity: '', status: 'open', note: `#badge:${t.app.badge ?? 0}` }],
    }, sub);
  }
  return withSrc({ mt: 'UpdatePresence', sip: sub.sip ?? '', num: sub.num ?? '', up: false, presence: [] }, sub);
}

/** Whether a subscription addresses the user or App Object named `name`. */
export function subscribes(cfg: EmulatorConfig, sub: Subscription, name: string): boolean {
  const t = resolveTarget(cfg, sub);
  return (t.kind === 'user' && t.user.sip === name) || (t.kind === 'app' && t.app.name === name);
}
