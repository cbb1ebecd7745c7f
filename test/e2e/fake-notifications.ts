/**
 * A stand-in for the browser's Notification API (there is no notification centre in headless
 * Chromium), installed before the page's scripts: it records what the UI shows in
 * `window.osNotifications`. `permission`: what the page finds at first ('default' asks, and the
 * request grants).
 */
import type { Page } from '@playwright/test';

export interface RecordedNotification {
  title: string;
  body: string;
  closed: boolean;
  onclick: (() => void) | null;
}

export async function fakeOsNotifications(page: Page, permission: NotificationPermission = 'granted'): Promise<void> {
  await page.addInitScript((initial: NotificationPermission) => {
    const shown: RecordedNotification[] = [];
    class FakeNotification {
      static permission: NotificationPermission = initial;
      static requestPermission(): Promise<NotificationPermission> {
        FakeNotification.permission = 'granted';
        return Promise.resolve('granted');
      }
      title: string;
      body: string;
      closed = false;
      onclick: (() => void) | null = null;
      constructor(title: string, options: NotificationOptions) {
        this.title = title;
        this.body = options.body ?? '';
        shown.push(this);
      }
      close(): void {
        this.closed = true;
      }
    }
    Object.assign(window, { Notification: FakeNotification, osNotifications: shown });
  }, permission);
}

/** The titles of what the UI showed, in order. */
export const osTitles = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { osNotifications: RecordedNotification[] }).osNotifications.map((n) => n.title));
