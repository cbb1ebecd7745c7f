/**
 * OS notifications (notifications.ts) and presence from the desktop (power.ts): the pure
 * decisions, and the classes driven with recording fakes of Electron's Notification,
 * powerMonitor and net. The wiring is tested against the stand-in (electron-desktop.test.ts).
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppNotification } from '../../main/core/bridge/views.js';
import { OsNotifications, buttonAction, notificationChanges, osNotificationOptions } from '../../main/electron/notifications.js';
import { ActivityState, isInactive, networkBack, watchPower } from '../../main/electron/power.js';

const note = (id: string, extra: Partial<AppNotification> = {}): AppNotification => ({ id, viewId: 'v1', app: 'chat', title: `T${id}`, text: `body ${id}`, type: 'Default', popup: true, ...extra });

describe('osNotificationOptions', () => {
  it('title (the app name if none), body, the client icon', () => {
    expect(osNotificationOptions(note('1'), 'linux', '/app/assets/icon.png')).toEqual({ title: 'T1', body: 'body 1', silent: false, icon: '/app/assets/icon.png' });
    expect(osNotificationOptions(note('1', { title: '' }), 'linux')).toEqual({ title: 'chat', body: 'body 1', silent: false });
  });

  it('a call: Accept and Reject buttons (the app\'s labels) on macOS and Windows; no timeout and critical urgency off macOS', () => {
    const call = note('c', { type: 'PhoneCall', acceptTitle: 'Annehmen', rejectTitle: '' });
    expect(osNotificationOptions(call, 'win32')).toMatchObject({ actions: [{ type: 'button', text: 'Annehmen' }, { type: 'button', text: 'Reject' }], timeoutType: 'never', urgency: 'critical' });
    const mac = osNotificationOptions(call, 'darwin');
    expect(mac.actions).toHaveLength(2);
    expect(mac).not.toHaveProperty('timeoutType');
    const linux = osNotificationOptions(call, 'linux');
    expect(linux).not.toHaveProperty('actions');
    expect(linux).toMatchObject({ timeoutType: 'never', urgency: 'critical' });
  });

  it('a chat message: an inline reply on macOS and Windows', () => {
    const chat = note('m', { type: 'ChatMessage', replyTitle: 'Answer' });
    expect(osNotificationOptions(chat, 'darwin')).toMatchObject({ hasReply: true, replyPlaceholder: 'Answer' });
    expect(osNotificationOptions(note('m', { type: 'ChatMessage' }), 'win32')).toMatchObject({ hasReply: true, replyPlaceholder: 'Reply' });
    expect(osNotificationOptions(chat, 'linux')).not.toHaveProperty('hasReply');
  });

  it('buttons: accept and reject for calls only', () => {
    expect(buttonAction({ type: 'PhoneCall' }, 0)).toBe('accept');
    expect(buttonAction({ type: 'PhoneCall' }, 1)).toBe('reject');
    expect(buttonAction({ type: 'PhoneCall' }, 2)).toBeUndefined();
    expect(buttonAction({ type: 'ChatMessage' }, 0)).toBeUndefined();
  });
});

describe('notificationChanges', () => {
  it('shows new pop-up notifications, closes those gone; a quiet one (do-not-disturb) is never shown', () => {
    expect(notificationChanges(new Set(), new Set(), [note('1'), note('2', { popup: false })])).toEqual({ show: [note('1')], close: [] });
    expect(notificationChanges(new Set(['1', '2']), new Set(['1']), [note('2'), note('3')])).toEqual({ show: [note('3')], close: ['1'] });
    // Seen while quiet, still not shown when do-not-disturb ends.
    expect(notificationChanges(new Set(['2']), new Set(), [note('2')])).toEqual({ show: [], close: [] });
  });
});

class FakeNotification extends EventEmitter {
  static supported = true;
  static made: FakeNotification[] = [];
  static isSupported = () => FakeNotification.supported;
  shown = 0;
  closed = 0;
  constructor(readonly options: Electron.NotificationConstructorOptions) {
    super();
    FakeNotification.made.push(this);
  }
  show() {
    this.shown++;
  }
  close() {
    this.closed++;
  }
}

describe('OsNotifications', () => {
  const setup = (platform: NodeJS.Platform = 'win32') => {
    FakeNotification.made = [];
    FakeNotification.supported = true;
    const clicked = vi.fn();
    const focusWindow = vi.fn();
    const log = vi.fn();
    const n = new OsNotifications({ platform, Notification: FakeNotification as unknown as typeof Electron.Notification, icon: () => undefined, clicked, focusWindow, log });
    return { n, clicked, focusWindow, log };
  };

  it('shows each new one once; a click is answered and brings the window up', () => {
    const { n, clicked, focusWindow } = setup();
    n.update([note('1')]);
    n.update([note('1')]);
    expect(FakeNotification.made).toHaveLength(1);
    expect(FakeNotification.made[0]!.shown).toBe(1);
    FakeNotification.made[0]!.emit('click', {});
    expect(clicked).toHaveBeenCalledWith({ type: 'notificationClicked', id: '1', action: '' });
    expect(focusWindow).toHaveBeenCalledTimes(1);
  });

  it('call buttons (Electron 45 details and the deprecated index alike) and a reply', () => {
    const { n, clicked, focusWindow } = setup();
    n.update([note('c', { type: 'PhoneCall' }), note('m', { type: 'ChatMessage' })]);
    const [call, chat] = FakeNotification.made;
    call!.emit('action', { actionIndex: 1, selectionIndex: -1 }, 1, -1);
    call!.emit('action', {}, 0);
    chat!.emit('reply', { reply: 'on my way' }, 'on my way');
    expect(clicked.mock.calls.map(([c]) => c)).toEqual([
      { type: 'notificationClicked', id: 'c', action: 'reject' },
      { type: 'notificationClicked', id: 'c', action: 'accept' },
      { type: 'notificationClicked', id: 'm', action: 'reply', replyText: 'on my way' },
    ]);
    expect(focusWindow).toHaveBeenCalledTimes(1); // accept only
  });

  it('closes the OS notification when the core drops it; the user closing it changes nothing', () => {
    const { n, clicked } = setup();
    n.update([note('1'), note('2')]);
    FakeNotification.made[1]!.emit('close', { reason: 'userCanceled' });
    n.update([note('2')]);
    expect(FakeNotification.made.map((f) => f.closed)).toEqual([1, 0]);
    n.update([]);
    expect(FakeNotification.made.map((f) => f.closed)).toEqual([1, 1]);
    expect(clicked).not.toHaveBeenCalled();
  });

  it('where the OS has no notifications: nothing shown, said once', () => {
    const { n, log } = setup();
    FakeNotification.supported = false;
    n.update([note('1')]);
    n.update([note('1'), note('2')]);
    expect(FakeNotification.made).toEqual([]);
    expect(log.mock.calls.filter(([, m]) => /not supported/.test(m as string))).toHaveLength(1);
  });
});

describe('presence from the desktop', () => {
  it('idle or locked is away; unknown counts as present', () => {
    expect(isInactive('active', false)).toBe(false);
    expect(isInactive('unknown', false)).toBe(false);
    expect(isInactive('idle', false)).toBe(true);
    expect(isInactive('locked', false)).toBe(true);
    expect(isInactive('active', true)).toBe(true);
  });

  it('only changes are reported, starting from present', () => {
    const a = new ActivityState();
    expect([false, true, true, false, false, true].map((v) => a.next(v))).toEqual([undefined, true, undefined, false, undefined, true]);
  });

  it('the network is back on an offline → online edge only', () => {
    expect(networkBack(undefined, true)).toBe(false);
    expect(networkBack(true, true)).toBe(false);
    expect(networkBack(true, false)).toBe(false);
    expect(networkBack(false, true)).toBe(true);
  });

  describe('watchPower', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it('polls idle and the network, follows the screen lock and resume', () => {
      const monitor = Object.assign(new EventEmitter(), { idle: 'active' as 'active' | 'idle' | 'locked' | 'unknown', getSystemIdleState: vi.fn((_threshold: number) => monitor.idle) });
      const net = { online: true, isOnline: () => net.online };
      const core = { setUserActivity: vi.fn(), reconnectNow: vi.fn() };
      const stop = watchPower({ powerMonitor: monitor as never, net, core, log: () => {}, pollMs: 1000, idleThresholdS: 300 });
      vi.advanceTimersByTime(3000);
      expect(core.setUserActivity).not.toHaveBeenCalled();
      expect(monitor.getSystemIdleState).toHaveBeenCalledWith(300);
      monitor.idle = 'idle';
      vi.advanceTimersByTime(1000);
      expect(core.setUserActivity.mock.calls).toEqual([[true]]);
      monitor.idle = 'active';
      vi.advanceTimersByTime(1000);
      monitor.emit('lock-screen');
      monitor.emit('lock-screen');
      monitor.emit('unlock-screen');
      expect(core.setUserActivity.mock.calls).toEqual([[true], [false], [true], [false]]);

      net.online = false;
      vi.advanceTimersByTime(1000);
      expect(core.reconnectNow).not.toHaveBeenCalled();
      net.online = true;
      vi.advanceTimersByTime(1000);
      expect(core.reconnectNow.mock.calls).toEqual([['network back']]);
      monitor.emit('resume');
      expect(core.reconnectNow.mock.calls.at(-1)).toEqual(['resumed from sleep']);

      stop();
      monitor.idle = 'idle';
      vi.advanceTimersByTime(5000);
      monitor.emit('resume');
      expect(core.setUserActivity).toHaveBeenCalledTimes(4);
      expect(core.reconnectNow).toHaveBeenCalledTimes(2);
      expect(monitor.listenerCount('resume')).toBe(0);
    });
  });
});
