/**
 * `com.innovaphone.client`, provided by the client itself as `@client` (`app-hosting.md`
 * §3.4): the user, home links, device apps, language, scheme and connection in its model;
 * requests mapped onto the PBX session (presence and dialog subscriptions, home links);
 * status-info pages kept by status-infos.ts.
 */
import type { PbxMessage, PresenceTarget } from '../../protocol/pbx-messages.js';
import type { AppInstance } from '../app-instance.js';
import { parsePresenceNote } from '../presence-note.js';
import type { BuiltInProvider } from '../api-broker.js';
import type { StatusInfos } from '../status-infos.js';

export interface ClientProviderDeps {
  model(): unknown;
  subscribePresence(target: PresenceTarget): (() => void) | undefined;
  subscribeDialog(target: PresenceTarget): (() => void) | undefined;
  /** Attach or detach a home-screen link of the consumer app; false when refused. */
  setAttachedToHome(app: string, reference: string, attached: boolean): boolean;
  /** `ShowStatusInfo` / `CloseStatusInfo`: the pages each app shows, decided and kept there. */
  statusInfos: StatusInfos;
  /** `UpdateProfile`: the user's picture changed at its provider and is loaded again (apps/avatar.ts). */
  profileUpdated(): void;
}

/** Presence and dialog subscriptions one app may hold (each is one at the PBX). */
export const MAX_SUBSCRIPTIONS_PER_APP = 500;

interface Subscription {
  consumer: AppInstance;
  kind: 'presence' | 'dialog';
  target: PresenceTarget;
  src: string | undefined;
  reply: (msg: unknown) => void;
  off: () => void;
}

const targetOf = (msg: Record<string, unknown>): PresenceTarget | undefined =>
  typeof msg.sip === 'string' && msg.sip ? { sip: msg.sip } : typeof msg.num === 'string' && msg.num ? { num: msg.num } : undefined;

const matches = (t: PresenceTarget, m: { sip?: string | undefined; num?: string | undefined }) => ('sip' in t ? t.sip === m.sip : t.num === m.num);

const targetKey = (t: PresenceTarget): string => ('sip' in t ? `sip:${t.sip}` : `num:${t.num}`);

/** What an app gets for a PBX `UpdatePresence`: the same fields, hashtags in notes parsed. */
const presenceUpdated = (update: PbxMessage<'UpdatePresence'>) => ({
  mt: 'PresenceUpdated',
  sip: update.sip,
  num: update.num,
  up: update.up,
  ep: update.ep,
  presence: (update.presence ?? []).map((p) => ({ ...p, ...parsePresenceNote(p.note) })),
});

export class ClientProvider implements BuiltInProvider {
  readonly name = '@client';
  readonly api = 'com.innovaphone.client';
  readonly title = 'myApps';
  private subs: Subscription[] = [];
  /**
   * The last presence of each subscribed target. The session subscribes each target at the PBX
   * once, however many apps ask, and the PBX answers a subscription with the current presence
   * only once: a later subscriber of the same target gets it from here, not at the next change.
   * Kept while someone subscribes the target (so at most the subscriptions' number).
   */
  private readonly lastPresence = new Map<string, PbxMessage<'UpdatePresence'>>();

  constructor(private readonly deps: ClientProviderDeps) {}

  model(): unknown {
    return this.deps.model();
  }

  request(consumer: AppInstance, src: string | undefined, raw: unknown, reply: (msg: unknown) => void): void {
    const msg = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    switch (msg.mt) {
      case 'SubscribePresence':
      case 'SubscribeDialog': {
        const kind = msg.mt === 'SubscribePresence' ? 'presence' : 'dialog';
        const target = targetOf(msg);
        if (!target) return reply({ mt: `${msg.mt}Result`, error: 'sip or num required' });
        if (this.subs.filter((x) => x.consumer === consumer).length >= MAX_SUBSCRIPTIONS_PER_APP) {
          return reply({ mt: `${msg.mt}Result`, error: `at most ${MAX_SUBSCRIPTIONS_PER_APP} subscriptions per app` });
        }
        const off = (kind === 'presence' ? this.deps.subscribePresence(target) : this.deps.subscribeDialog(target)) ?? (() => {});
        this.subs.push({ consumer, kind, target, src, reply, off });
        const known = kind === 'presence' ? this.lastPresence.get(targetKey(target)) : undefined;
        if (known) reply(presenceUpdated(known));
        return;
      }
      case 'UnsubscribePresence':
      case 'UnsubscribeDialog': {
        const kind = msg.mt === 'UnsubscribePresence' ? 'presence' : 'dialog';
        const target = targetOf(msg);
        // Without a target: all of this consumer's subscriptions of that kind (§3.4).
        this.drop((s) => s.consumer === consumer && s.kind === kind && (!target || matches(s.target, 'sip' in target ? { sip: target.sip } : { num: target.num })));
        return;
      }
      case 'SetAttachedToHome': {
        const ok = typeof msg.reference === 'string' && this.deps.setAttachedToHome(consumer.name, msg.reference, msg.attached !== false);
        return reply({ mt: 'SetAttachedToHomeResult', ...(ok ? {} : { error: 'only links to the app itself can be attached' }) });
      }
      case 'ShowStatusInfo':
        return reply(this.deps.statusInfos.show(consumer, msg));
      case 'CloseStatusInfo':
        return reply(this.deps.statusInfos.close(consumer, msg));
      case 'UpdateProfile':
        // "The user's profile picture changed and shall be reloaded" (SDK): a new picture URL,
        // which the UI fetches again; the app hears that it was taken.
        this.deps.profileUpdated();
        return reply({ mt: 'UpdateProfileResult' });
      default:
        reply({ mt: 'Error', error: `unknown request ${JSON.stringify(msg.mt)}` });
    }
  }

  consumerClosed(consumer: AppInstance): void {
    this.drop((s) => s.consumer === consumer);
    this.deps.statusInfos.appGone(consumer);
  }

  /** A PBX `UpdatePresence`: to every subscriber of that user, with hashtags parsed. */
  presence(update: PbxMessage<'UpdatePresence'>): void {
    const subscribers = this.subs.filter((s) => s.kind === 'presence' && matches(s.target, update));
    if (subscribers.length === 0) return;
    const msg = presenceUpdated(update);
    for (const s of subscribers) {
      this.lastPresence.set(targetKey(s.target), update);
      s.reply(msg);
    }
  }

  dialog(info: PbxMessage<'DialogInfo'>): void {
    const { mt: _mt, src: _src, ...fields } = info;
    for (const s of this.subs) if (s.kind === 'dialog' && matches(s.target, info)) s.reply({ mt: 'DialogInfo', ...fields });
  }

  private drop(pred: (s: Subscription) => boolean): void {
    for (const s of this.subs) if (pred(s)) s.off();
    this.subs = this.subs.filter((s) => !pred(s));
    const subscribed = new Set(this.subs.filter((s) => s.kind === 'presence').map((s) => targetKey(s.target)));
    for (const key of this.lastPresence.keys()) if (!subscribed.has(key)) this.lastPresence.delete(key);
  }
}
