/**
 * OS notifications for the apps' notifications (`snapshot.notifications`, AddLocalNotification
 * of each app; the core keeps the list, mutes apps, and marks with `popup: false` those only
 * to be listed in the window — do-not-disturb).
 *
 * - Each NEW notification with `popup: true` becomes one Electron `Notification`: the title,
 *   the text, the client's own icon (apps' icons are remote URLs; Electron takes only a local
 *   file or image). A call (`PhoneCall`) gets Accept and Reject buttons (macOS, Windows), no
 *   timeout and critical urgency (Windows, Linux); a chat message (`ChatMessage`) an inline
 *   reply (macOS, Windows). A notification seen once is never popped up again (not even when
 *   do-not-disturb ends).
 * - Click → `notificationClicked{ id, action: '' }` and the main window comes to the front
 *   (restored, shown); the core answers the app (LocalNotificationClicked) and brings it to
 *   the front. A button → `accept` (the window comes up too) or `reject`; a reply → `reply`
 *   with the text.
 * - A notification the core drops (the app removed it, the user dismissed it in the window)
 *   closes its OS notification (in the notification centre too). Closing the OS notification
 *   (or its timing out into the notification centre) changes nothing in the core.
 * - Electron loses the events of a Notification that is garbage-collected: each is kept until
 *   the core drops it, so a click in the notification centre still reaches the app.
 *
 * The option building and the list diff are PURE (unit-tested). Only `import type` from electron.
 */
import type { NativeImage, NotificationConstructorOptions, Notification as NotificationClass } from 'electron';
import type { CommandOf } from '../core/bridge/commands.js';
import type { AppNotification } from '../core/bridge/views.js';
import type { Logger } from '../core/common/log.js';

export type NotificationAction = CommandOf<'notificationClicked'>['action'];

/** Platforms whose notifications show buttons (`actions`) and an inline reply (`hasReply`). */
const BUTTONS: ReadonlySet<NodeJS.Platform> = new Set(['darwin', 'win32']);

/** The Electron options of one app notification. */
export function osNotificationOptions(n: AppNotification, platform: NodeJS.Platform, icon?: NativeImage | string): NotificationConstructorOptions {
  const options: NotificationConstructorOptions = { title: n.title === '' ? n.app : n.title, body: n.text, silent: false };
  if (icon !== undefined) options.icon = icon;
  if (n.type === 'PhoneCall') {
    if (BUTTONS.has(platform)) {
      options.actions = [
        { type: 'button', text: n.acceptTitle || 'Accept' },
        { type: 'button', text: n.rejectTitle || 'Reject' },
      ];
    }
    // A ringing call stays until it is answered or the app removes it.
    if (platform !== 'darwin') {
      options.timeoutType = 'never';
      options.urgency = 'critical';
    }
  } else if (n.type === 'ChatMessage' && BUTTONS.has(platform)) {
    options.hasReply = true;
    options.replyPlaceholder = n.replyTitle || 'Reply';
  }
  return options;
}

/** The action of a button (by its index in `actions`), for the notification's type. */
export function buttonAction(n: Pick<AppNotification, 'type'>, actionIndex: number): NotificationAction | undefined {
  if (n.type !== 'PhoneCall') return undefined;
  return actionIndex === 0 ? 'accept' : actionIndex === 1 ? 'reject' : undefined;
}

/** What to show and what to close, given the ids seen before and the list now. */
export function notificationChanges(seen: ReadonlySet<string>, open: ReadonlySet<string>, now: readonly AppNotification[]): { show: AppNotification[]; close: string[] } {
  const ids = new Set(now.map((n) => n.id));
  return {
    show: now.filter((n) => n.popup && !seen.has(n.id)),
    close: [...open].filter((id) => !ids.has(id)),
  };
}

/** Where the action of an event is: Electron 45 passes it in the event's details (and, deprecated, as arguments). */
function detail<T>(details: unknown, key: string, positional: unknown, valid: (v: unknown) => v is T): T | undefined {
  const fromEvent = typeof details === 'object' && details !== null ? (details as Record<string, unknown>)[key] : undefined;
  if (valid(fromEvent)) return fromEvent;
  return valid(positional) ? positional : undefined;
}
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isString = (v: unknown): v is string => typeof v === 'string';

export interface OsNotificationsOptions {
  platform: NodeJS.Platform;
  Notification: Pick<typeof NotificationClass, 'isSupported'> & (new (options: NotificationConstructorOptions) => NotificationClass);
  /** The client's icon, if there is one. */
  icon: () => NativeImage | undefined;
  /** `notificationClicked` to the core. */
  clicked: (command: CommandOf<'notificationClicked'>) => void;
  /** Bring the main window to the front. */
  focusWindow: () => void;
  log: Logger;
}

export class OsNotifications {
  /** Every id seen in the list, popped up or not (forgotten when it leaves the list). */
  private readonly seen = new Set<string>();
  private readonly open = new Map<string, NotificationClass>();
  private unsupportedLogged = false;

  constructor(private readonly options: OsNotificationsOptions) {}

  update(now: readonly AppNotification[]): void {
    const { show, close } = notificationChanges(this.seen, new Set(this.open.keys()), now);
    for (const id of close) {
      const n = this.open.get(id);
      this.open.delete(id);
      n?.close();
    }
    const ids = new Set(now.map((n) => n.id));
    for (const id of [...this.seen]) if (!ids.has(id)) this.seen.delete(id);
    for (const n of now) this.seen.add(n.id);
    for (const n of show) this.show(n);
  }

  /** Close every OS notification (quitting). */
  dispose(): void {
    for (const n of this.open.values()) n.close();
    this.open.clear();
  }

  private show(n: AppNotification): void {
    const { Notification, log } = this.options;
    if (!Notification.isSupported()) {
      if (!this.unsupportedLogged) log('info', 'OS notifications are not supported here; app notifications are listed in the window only');
      this.unsupportedLogged = true;
      return;
    }
    const os = new Notification(osNotificationOptions(n, this.options.platform, this.options.icon()));
    this.open.set(n.id, os);
    const clicked = (action: NotificationAction, replyText?: string) => this.options.clicked({ type: 'notificationClicked', id: n.id, action, ...(replyText !== undefined && { replyText }) });
    os.on('click', () => {
      clicked('');
      this.options.focusWindow();
    });
    os.on('action', (details: unknown, index?: unknown) => {
      const action = buttonAction(n, detail(details, 'actionIndex', index, isNumber) ?? -1);
      if (action === undefined) return;
      clicked(action);
      if (action === 'accept') this.options.focusWindow();
    });
    os.on('reply', (details: unknown, reply?: unknown) => {
      const text = detail(details, 'reply', reply, isString);
      if (text !== undefined) clicked('reply', text);
    });
    os.on('failed', (_event: unknown, error: unknown) => log('warn', 'an OS notification could not be shown', { app: n.app, error: String(error) }));
    os.show();
  }
}
