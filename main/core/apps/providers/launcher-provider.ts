/**
 * `com.innovaphone.launcher`, provided by the desktop client as `@launcher` (`app-hosting.md`
 * §3.4): local notifications. `AddLocalNotification` (its `src` is the notification id) shows
 * one unless the user muted the app; a click comes back as `LocalNotificationClicked`.
 */
import type { AppNotification } from '../../bridge/views.js';
import type { AppInstance } from '../app-instance.js';
import type { BuiltInProvider } from '../api-broker.js';

export interface LauncherDeps {
  muted(app: string): boolean;
  /** Whether a new notification pops up in the OS too (not while the user is in do-not-disturb). */
  popup(): boolean;
  changed(notifications: AppNotification[]): void;
  /** The app went over its notification limit (the host logs it). */
  limited(app: AppInstance): void;
}

/** Notifications one app may have shown at once; its oldest goes when a newer one comes. */
export const MAX_NOTIFICATIONS_PER_APP = 20;

interface Shown {
  view: AppNotification;
  consumer: AppInstance;
  reply: (msg: unknown) => void;
}

const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

/** An icon URL from an app, resolved against its App URL; only http(s), without user info. */
function httpUrl(v: unknown, base: string): string | undefined {
  if (typeof v !== 'string' || v === '' || v.length > 2048) return undefined;
  try {
    const u = new URL(v, base);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export class LauncherProvider implements BuiltInProvider {
  readonly name = '@launcher';
  readonly api = 'com.innovaphone.launcher';
  readonly title = 'myApps Desktop';
  private shown: Shown[] = [];
  private counter = 0;

  constructor(private readonly deps: LauncherDeps) {}

  model(): unknown {
    return { notifications: true };
  }

  get notifications(): AppNotification[] {
    return this.shown.map((s) => s.view);
  }

  request(consumer: AppInstance, src: string | undefined, raw: unknown, reply: (msg: unknown) => void): void {
    const msg = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (msg.mt === 'AddLocalNotification') {
      if (this.deps.muted(consumer.name)) return;
      if (!consumer.limits.notification.take()) return this.deps.limited(consumer);
      // The app's src names the notification; ours must be unique across apps.
      this.remove((s) => s.consumer === consumer && s.view.id.endsWith(`:${src}`));
      const type = msg.type === 'PhoneCall' || msg.type === 'ChatMessage' ? msg.type : 'Default';
      const iconUrl = httpUrl(msg.largeIcon ?? msg.smallIcon, consumer.entry.url);
      const view: AppNotification = {
        id: `n${++this.counter}:${src ?? ''}`,
        viewId: consumer.viewId,
        app: consumer.name,
        title: text(msg.title, 200),
        text: text(msg.text, 1000),
        type,
        ...(type === 'PhoneCall' && { acceptTitle: text(msg.acceptTitle, 40) || 'Accept', rejectTitle: text(msg.rejectTitle, 40) || 'Reject' }),
        ...(type === 'ChatMessage' && { replyTitle: text(msg.replyTitle, 40) || 'Reply' }),
        ...(iconUrl && { iconUrl }),
        popup: this.deps.popup(),
      };
      const mine = this.shown.filter((x) => x.consumer === consumer);
      if (mine.length >= MAX_NOTIFICATIONS_PER_APP) this.shown = this.shown.filter((x) => x !== mine[0]);
      this.shown.push({ view, consumer, reply });
      this.deps.changed(this.notifications);
    } else if (msg.mt === 'RemoveLocalNotification') {
      this.remove((s) => s.consumer === consumer && s.view.id.endsWith(`:${src}`));
    }
  }

  /** The user clicked the notification (or a button of it). */
  clicked(id: string, action: string, replyText: string | undefined): boolean {
    const s = this.shown.find((x) => x.view.id === id);
    if (!s) return false;
    s.reply({ mt: 'LocalNotificationClicked', action, ...(replyText !== undefined && { replyText }) });
    this.remove((x) => x === s);
    return true;
  }

  dismiss(id: string): boolean {
    const before = this.shown.length;
    this.remove((x) => x.view.id === id);
    return this.shown.length !== before;
  }

  consumerClosed(consumer: AppInstance): void {
    this.remove((s) => s.consumer === consumer);
  }

  private remove(pred: (s: Shown) => boolean): void {
    const before = this.shown.length;
    this.shown = this.shown.filter((s) => !pred(s));
    if (this.shown.length !== before) this.deps.changed(this.notifications);
  }
}
