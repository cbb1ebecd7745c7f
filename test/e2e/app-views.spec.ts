/**
 * App views in the browser shell, end to end with the real core: the running-apps strip,
 * app frames that stay mounted (no reload when switching), loading / failed / retry, reload,
 * DevTools help, hidden providers running invisibly, notifications (in-app and OS), and the
 * app-frame page's own guarantees — one sandboxed iframe at the URL the core built, only
 * strings from that iframe relayed (control 7), nothing for plain websites (control 8).
 *
 * The apps are tiny probe pages on an origin of their own (a local HTTP server).
 */
import type { Frame, Page } from '@playwright/test';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorConfig } from '../pbx/index.js';
import { allApps, expect, logIn, shots, test, type World } from './fixtures.js';

/** A probe app: says Alive, counts clicks, records every string it is posted, and contains a nested frame. */
const probePage = `<!doctype html><html><head><meta charset="utf-8"><title>probe</title></head>
<body><h1 id="title"></h1><p id="count">Count: 0</p><button id="inc">Count</button><p id="loads"></p>
<iframe id="nested" src="nested.html" title="nested"></iframe>
<script>
  const params = new URLSearchParams(location.search);
  document.getElementById('title').textContent = params.get('title') || 'probe';
  const loads = Number(sessionStorage.getItem('loads') || '0') + 1;
  sessionStorage.setItem('loads', String(loads));
  document.getElementById('loads').textContent = 'Loads: ' + loads;
  let count = 0;
  document.getElementById('inc').addEventListener('click', () => { document.getElementById('count').textContent = 'Count: ' + ++count; });
  window.received = [];
  addEventListener('message', (e) => { if (typeof e.data === 'string') window.received.push(JSON.parse(e.data)); });
  window.send = (msg) => parent.postMessage(JSON.stringify(msg), '*');
  if (params.get('name') === 'search') window.send({ mt: 'RegisterApi', api: 'com.innovaphone.search' });
  window.send({ mt: 'Alive' });
</script></body></html>`;
const nestedPage = `<!doctype html><title>nested</title><p>nested</p>`;
const sitePage = `<!doctype html><title>site</title><p>A plain website</p>`;

class AppServer {
  readonly requests: string[] = [];
  /** Paths whose first request is never answered (the app "does not load"). */
  readonly hangOnce = new Set<string>();
  private readonly hanging: ServerResponse[] = [];
  private constructor(
    private readonly server: Server,
    readonly base: string,
  ) {}

  static async start(): Promise<AppServer> {
    const handler: { app?: AppServer } = {};
    const server = createServer((req, res) => handler.app!.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    handler.app = new AppServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return handler.app;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0]!;
    this.requests.push(req.url ?? '');
    if (this.hangOnce.delete(path)) {
      this.hanging.push(res);
      return;
    }
    const html = (body: string) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(body);
    if (path.endsWith('/probe.htm')) html(probePage);
    else if (path.endsWith('/nested.html')) html(nestedPage);
    else if (path === '/apps/site/index.html') html(sitePage);
    else res.writeHead(404).end();
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

function appsConfig(base: string): EmulatorConfig {
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', cn: 'Alice Example', apps: ['probe', 'other', 'search', 'slow', 'site'], home: 'probe' }],
    appObjects: [
      { name: 'probe', title: 'Probe', password: 'probepwd', url: `${base}/apps/probe/probe` },
      { name: 'other', title: 'Other App', password: 'otherpwd', url: `${base}/apps/other/probe` },
      { name: 'search', title: 'Search', password: 'searchpwd', url: `${base}/apps/search/probe`, hidden: true, apis: { 'com.innovaphone.search': {} } },
      { name: 'slow', title: 'Slow', password: 'slowpwd', url: `${base}/apps/slow/probe` },
      { name: 'site', title: 'Site', password: 'x', url: `${base}/apps/site/index.html`, website: true },
    ],
  } as EmulatorConfig;
}

let apps: AppServer;
test.beforeEach(async () => {
  apps = await AppServer.start();
});
test.afterEach(async () => {
  await apps.close();
});

async function start(page: Page, world: World): Promise<void> {
  await world.start({ config: appsConfig(apps.base) });
  await world.open();
  await logIn(page, world);
  await expect(allApps(page).getByRole('button', { name: 'Probe' })).toBeVisible();
}

const strip = (page: Page) => page.getByRole('navigation', { name: 'Running apps' });

/** The app's own document (inside the app-frame page) once it exists. */
async function appFrame(page: Page, name: string): Promise<Frame> {
  const pattern = new RegExp(`/apps/${name}/`);
  await expect.poll(() => page.frames().some((f) => pattern.test(f.url()) && !f.url().endsWith('nested.html'))).toBe(true);
  return page.frames().find((f) => pattern.test(f.url()) && !f.url().endsWith('nested.html'))!;
}

/** The app-frame page hosting the app (the parent of its frame). */
async function hostFrame(page: Page, name: string): Promise<Frame> {
  return (await appFrame(page, name)).parentFrame()!;
}

async function open(page: Page, title: string): Promise<void> {
  await allApps(page).getByRole('button', { name: title, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
}

test('opening apps: the strip, the app in front, switching keeps each app running without a reload', async ({ page, world }) => {
  await start(page, world);
  await expect(strip(page)).toHaveCount(0);
  await open(page, 'Probe');
  await expect(strip(page).getByRole('button', { name: 'Probe', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(strip(page).getByRole('button', { name: 'Home screen' })).toBeVisible();
  await expect(strip(page).getByRole('button', { name: 'Close Probe' })).toBeVisible();
  // The app-frame iframe and the app iframe are both titled with the app's title.
  await expect(page.locator('iframe[title="Probe"]')).toHaveCount(1);
  const probe = page.frameLocator('iframe[title="Probe"]').frameLocator('iframe[title="Probe"]');
  await expect(probe.getByRole('heading', { name: 'Probe' })).toBeVisible();
  await expect(page.getByText('Loading Probe…')).toHaveCount(0);
  await probe.getByRole('button', { name: 'Count' }).click();
  await probe.getByRole('button', { name: 'Count' }).click();
  await shots(page, 'app-view');

  await strip(page).getByRole('button', { name: 'Home screen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
  await expect(strip(page).getByRole('button', { name: 'Home screen' })).toHaveAttribute('aria-current', 'page');
  await open(page, 'Other App');
  await expect(strip(page).getByRole('list')).toMatchAriaSnapshot(`
    - list:
      - listitem:
        - button "Home screen"
      - listitem:
        - button "Probe"
        - button "Close Probe"
      - listitem:
        - button "Other App"
        - button "Close Other App"
  `);
  await strip(page).getByRole('button', { name: 'Probe', exact: true }).click();
  await expect(probe.getByText('Count: 2')).toBeVisible();
  await expect(probe.getByText('Loads: 1')).toBeVisible();
  expect(apps.requests.filter((r) => r.startsWith('/apps/probe/probe.htm'))).toHaveLength(1);
  // Only the app in front is visible; the other keeps its full size, unseen.
  const other = page.locator('iframe[title="Other App"]');
  expect(await other.evaluate((el) => getComputedStyle(el).visibility)).toBe('hidden');
  expect((await other.boundingBox())?.width).toBeGreaterThan(100);

  await strip(page).getByRole('button', { name: 'Close Other App' }).click();
  await expect(page.locator('iframe[title="Other App"]')).toHaveCount(0);
  await strip(page).getByRole('button', { name: 'Close Probe' }).click();
  await expect(strip(page)).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
});

test('the app-frame page: one sandboxed iframe at the URL the core built; only strings from the app itself reach the core', async ({ page, world }) => {
  await start(page, world);
  await open(page, 'Probe');
  const host = await hostFrame(page, 'probe');
  const app = await appFrame(page, 'probe');
  expect(new URL(host.url()).pathname).toBe('/appframe.html');
  const iframe = await host.evaluate(() => {
    const frames = document.querySelectorAll('iframe');
    const f = frames[0]!;
    return { count: frames.length, src: f.getAttribute('src'), sandbox: f.getAttribute('sandbox'), allow: f.getAttribute('allow'), title: f.title, referrerPolicy: f.referrerPolicy };
  });
  expect(iframe).toEqual({
    count: 1,
    src: `${apps.base}/apps/probe/probe.htm?lang=en&scheme=light&name=probe&title=Probe`,
    sandbox: 'allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads',
    allow: null,
    title: 'Probe',
    referrerPolicy: 'no-referrer',
  });
  const dropped = () => host.evaluate(() => (window as unknown as { __appFrameDropped?: number }).__appFrameDropped);
  expect(await dropped()).toBe(0);

  // The app itself: its badge arrives.
  await app.evaluate(() => (window as unknown as { send(m: unknown): void }).send({ mt: 'Action', type: 'SetBadge', value: 3 }));
  await expect(strip(page).getByRole('img', { name: '3 new' })).toBeVisible();
  // A nested frame of the app, an object instead of a string, and the UI itself: dropped.
  const nested = app.childFrames()[0]!;
  await nested.evaluate(() => window.parent.parent.postMessage(JSON.stringify({ mt: 'Action', type: 'SetBadge', value: 9 }), '*'));
  await app.evaluate(() => window.parent.postMessage({ mt: 'Action', type: 'SetBadge', value: 8 }, '*'));
  await page.evaluate(() => document.querySelector<HTMLIFrameElement>('iframe[title="Probe"]')!.contentWindow!.postMessage(JSON.stringify({ mt: 'Action', type: 'SetBadge', value: 7 }), '*'));
  await expect.poll(dropped).toBe(3);
  await app.evaluate(() => (window as unknown as { send(m: unknown): void }).send({ mt: 'Action', type: 'SetBadge', value: 4 }));
  await expect(strip(page).getByRole('img', { name: '4 new' })).toBeVisible();

  // The core's answers reach the app: a login for itself, an error for another app (control 7).
  await app.evaluate(() => (window as unknown as { send(m: unknown): void }).send({ mt: 'getLogin', app: 'other', challenge: '1234' }));
  await app.evaluate(() => (window as unknown as { send(m: unknown): void }).send({ mt: 'getLogin', app: 'probe', challenge: '5678' }));
  type Received = { mt: string; app?: string; error?: number; key?: string }[];
  await expect.poll(async () => (await app.evaluate(() => (window as unknown as { received: Received }).received)).filter((m) => m.mt === 'Login').length).toBe(2);
  const logins = (await app.evaluate(() => (window as unknown as { received: Received }).received)).filter((m) => m.mt === 'Login');
  expect(logins[0]).toMatchObject({ app: 'other', error: 1 });
  expect(logins[1]).toMatchObject({ app: 'probe' });
  expect(logins[1]!.error).toBeFalsy();
  expect(await nested.evaluate(() => (window as unknown as { received?: unknown }).received)).toBeUndefined();
});

test('plain websites: sandboxed, no message listener, never posted to, cannot navigate the client', async ({ page, world }) => {
  await start(page, world);
  const shellUrl = page.url();
  await open(page, 'Site');
  const site = await appFrame(page, 'site');
  const host = site.parentFrame()!;
  expect(await host.evaluate(() => document.querySelector('iframe')!.getAttribute('src'))).toBe(`${apps.base}/apps/site/index.html`);
  expect(await host.evaluate(() => document.querySelector('iframe')!.getAttribute('sandbox'))).not.toContain('allow-top-navigation');
  await expect(page.getByText('Loading Site…')).toHaveCount(0);
  // No listener: nothing is even counted as dropped.
  await site.evaluate(() => window.parent.postMessage(JSON.stringify({ mt: 'Action', type: 'SetBadge', value: 5 }), '*'));
  await site.evaluate(() => {
    try {
      window.top!.location.href = 'https://evil.example/';
    } catch {
      /* blocked by the sandbox */
    }
    try {
      window.parent.location.href = 'https://evil.example/';
    } catch {
      /* blocked by the sandbox */
    }
  });
  await page.waitForTimeout(300);
  expect(await host.evaluate(() => (window as unknown as { __appFrameDropped?: number }).__appFrameDropped)).toBe(0);
  expect(page.url()).toBe(shellUrl);
  expect(new URL(host.url()).pathname).toBe('/appframe.html');
  await expect(strip(page).getByRole('img')).toHaveCount(0);
});

test('an app that does not load: failed with the reason, Retry loads it again; Reload reloads', async ({ page, world }) => {
  apps.hangOnce.add('/apps/slow/probe.htm');
  await page.clock.install();
  await start(page, world);
  await open(page, 'Slow');
  await expect(page.getByText('Loading Slow…')).toBeVisible();
  await expect(strip(page).getByRole('button', { name: 'Slow', exact: true })).toHaveAccessibleDescription('loading');
  await shots(page, 'app-loading');
  await page.clock.runFor(16_000);
  await expect(page.getByRole('alert')).toContainText('Slow could not be loaded');
  await expect(page.getByRole('alert')).toContainText('The app did not load within 15 seconds.');
  await expect(strip(page).getByRole('button', { name: 'Slow', exact: true })).toHaveAccessibleDescription('could not be loaded');
  await shots(page, 'app-failed');
  await page.getByRole('button', { name: 'Retry' }).click();
  const slow = page.frameLocator('iframe[title="Slow"]').frameLocator('iframe[title="Slow"]');
  await expect(slow.getByText('Loads: 1')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByText('Loading Slow…')).toHaveCount(0);

  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(slow.getByText('Loads: 2')).toBeVisible();
});

test('developer mode: Open DevTools explains how to reach the app in the browser’s DevTools', async ({ page, world }) => {
  await start(page, world);
  await open(page, 'Probe');
  await expect(page.getByRole('button', { name: 'Open DevTools' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('switch', { name: 'Developer mode' }).check();
  await strip(page).getByRole('button', { name: 'Probe', exact: true }).click();
  await page.getByRole('button', { name: 'Open DevTools' }).click();
  const dialog = page.getByRole('dialog', { name: 'DevTools for Probe' });
  await expect(dialog).toContainText('F12');
  await expect(dialog).toContainText('Ctrl+Shift+I');
  await expect(dialog).toContainText('choose the frame of Probe');
  await shots(page, 'app-devtools');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Open DevTools' })).toBeFocused();
});

test('a hidden provider runs without a tab, invisibly but at full size', async ({ page, world }) => {
  await start(page, world);
  await open(page, 'Probe');
  const app = await appFrame(page, 'probe');
  await app.evaluate(() => (window as unknown as { send(m: unknown): void }).send({ mt: 'ConsumeApi', api: 'com.innovaphone.search' }));
  await expect.poll(() => world.core.snapshot().runningApps.map((a) => [a.name, a.hidden, a.state])).toEqual([
    ['probe', false, 'alive'],
    ['search', true, 'alive'],
  ]);
  const search = page.locator('iframe[title="Search"]');
  await expect(search).toHaveCount(1);
  expect(await search.evaluate((el) => getComputedStyle(el).visibility)).toBe('hidden');
  expect(await search.evaluate((el) => getComputedStyle(el).display)).not.toBe('none');
  expect((await search.boundingBox())?.width).toBeGreaterThan(100);
  await expect(strip(page).getByRole('list')).toMatchAriaSnapshot(`
    - list:
      - listitem:
        - button "Home screen"
      - listitem:
        - button "Probe"
        - button "Close Probe"
  `);
});

test('notifications: a toast with Open and Dismiss, and an OS notification whose click opens it too', async ({ page, world }) => {
  // A stand-in for the browser's Notification API, recording what the UI shows.
  await page.addInitScript(() => {
    const shown: { title: string; body: string; closed: boolean; onclick: (() => void) | null }[] = [];
    class FakeNotification {
      static permission: NotificationPermission = 'default';
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
  });
  await start(page, world);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Enable desktop notifications' }).click();
  await expect(page.getByText('Desktop notifications are on.')).toBeVisible();
  await page.getByRole('button', { name: 'Home', exact: true }).click();
  await open(page, 'Probe');
  const app = await appFrame(page, 'probe');
  const notify = (src: string, title: string, text: string) =>
    app.evaluate(([src, title, text]) => (window as unknown as { send(m: unknown): void }).send({ mt: 'ApiRequest', api: 'com.innovaphone.launcher', src, msg: { mt: 'AddLocalNotification', title, text } }), [src, title, text] as const);
  await strip(page).getByRole('button', { name: 'Home screen' }).click();
  await notify('a', 'New message', 'Hello from Probe');
  await notify('b', 'Second', 'Another one');
  const toasts = page.getByRole('region', { name: 'Notifications' });
  await expect(toasts.getByRole('button', { name: 'New message' })).toBeVisible();
  await expect(toasts).toContainText('Hello from Probe');
  await shots(page, 'app-notifications');
  type Os = { title: string; body: string; closed: boolean }[];
  await expect.poll(() => page.evaluate(() => (window as unknown as { osNotifications: Os }).osNotifications.map((n) => n.title))).toEqual(['New message', 'Second']);

  // Open from the toast: the core tells the app and brings it to the front.
  await toasts.getByRole('button', { name: 'New message' }).click();
  await expect(toasts.getByRole('button', { name: 'New message' })).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1, name: 'Probe' })).toBeVisible();
  await expect.poll(() => app.evaluate(() => (window as unknown as { received: { mt: string; msg?: { mt?: string } }[] }).received.some((m) => m.mt === 'ApiResult' && m.msg?.mt === 'LocalNotificationClicked'))).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { osNotifications: Os }).osNotifications[0]!.closed)).toBe(true);

  // Dismiss the other; then one more, opened from the OS notification.
  await toasts.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('region', { name: 'Notifications' })).toHaveCount(0);
  await notify('c', 'Third', 'From the OS');
  await expect.poll(() => page.evaluate(() => (window as unknown as { osNotifications: Os }).osNotifications.length)).toBe(3);
  await page.evaluate(() => (window as unknown as { osNotifications: { onclick: () => void }[] }).osNotifications[2]!.onclick());
  await expect(page.getByRole('region', { name: 'Notifications' })).toHaveCount(0);
});
