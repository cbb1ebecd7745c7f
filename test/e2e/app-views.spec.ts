/**
 * App views in the browser shell, end to end with the real core: the running-apps strip,
 * app frames that stay mounted (no reload when switching), loading / failed / retry, reload,
 * DevTools help, hidden providers running invisibly, notifications (in-app and OS), and the
 * app-frame page's own guarantees — one sandboxed iframe at the URL the core built, only
 * strings from that iframe relayed (control 7), nothing for plain websites (control 8).
 *
 * The apps are tiny probe pages on an origin of their own (probe-apps.ts).
 */
import type { Frame, Page } from '@playwright/test';
import { allApps, expect, logIn, postThenControl, shots, test, type StartOptions, type World } from './fixtures.js';
import { fakeOsNotifications } from './fake-notifications.js';
import { AppServer, appsConfig } from './probe-apps.js';

let apps: AppServer;
test.beforeEach(async () => {
  apps = await AppServer.start();
});
test.afterEach(async () => {
  await apps.close();
});

async function start(page: Page, world: World, opts: Omit<StartOptions, 'config'> = {}): Promise<void> {
  await world.start({ config: appsConfig(apps.base), ...opts });
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

test('plain websites: sandboxed, nothing they post relayed, never posted to, cannot navigate the client', async ({ page, world }) => {
  await start(page, world);
  const shellUrl = page.url();
  await open(page, 'Site');
  const site = await appFrame(page, 'site');
  const host = site.parentFrame()!;
  expect(await host.evaluate(() => document.querySelector('iframe')!.getAttribute('src'))).toBe(`${apps.base}/apps/site/index.html`);
  expect(await host.evaluate(() => document.querySelector('iframe')!.getAttribute('sandbox'))).not.toContain('allow-top-navigation');
  await expect(page.getByText('Loading Site…')).toHaveCount(0);
  // Not relayed, not even counted as dropped (checked once the page has had it).
  await postThenControl(host, site, JSON.stringify({ mt: 'Action', type: 'SetBadge', value: 5 }));
  // The sandbox refuses each navigation as it is asked for (an exception): none is started that a
  // wait could see land. Both refusals are the positive control for the URLs below.
  const refused = await site.evaluate(() =>
    [window.top!, window.parent].map((w) => {
      try {
        w.location.href = 'https://evil.example/';
        return 'navigating';
      } catch (e) {
        return (e as Error).name;
      }
    }),
  );
  expect(refused).toEqual(['SecurityError', 'SecurityError']);
  expect(await host.evaluate(() => (window as unknown as { __appFrameDropped?: number }).__appFrameDropped)).toBe(0);
  expect(page.url()).toBe(shellUrl);
  expect(new URL(host.url()).pathname).toBe('/appframe.html');
  // Positive control for the core: a reload's `loaded` goes over the page's link after anything
  // the page had sent on it, so once the core has the site alive again it would have the badge.
  const siteState = () => world.core.snapshot().runningApps.find((a) => a.name === 'site');
  const states: string[] = [];
  const off = world.core.onEvent(() => {
    const state = siteState()?.state ?? 'gone';
    if (states.at(-1) !== state) states.push(state);
  });
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect.poll(() => states.join(' ')).toMatch(/starting.* alive$/);
  off();
  expect(siteState()?.badge).toBeUndefined();
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

test('DevTools: the button shows only with developer mode and app DevTools on; the browser shell explains how', async ({ page, world }) => {
  await start(page, world);
  await open(page, 'Probe');
  const button = page.getByRole('button', { name: 'Open DevTools' });
  await expect(button).toHaveCount(0);
  const settings = async (developerMode: boolean, appDevTools: boolean) => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('switch', { name: 'Developer mode' }).setChecked(developerMode);
    await page.getByRole('switch', { name: 'App DevTools' }).setChecked(appDevTools);
    await expect.poll(() => world.core.snapshot().settings.values).toMatchObject({ developerMode, appDevTools });
    await strip(page).getByRole('button', { name: 'Probe', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Probe' })).toBeVisible();
  };
  await settings(true, false);
  await expect(button).toHaveCount(0);
  await settings(false, true);
  await expect(button).toHaveCount(0);
  await settings(true, true);
  await button.click();
  // The browser shell opens nothing itself (openAppDevTools answers opened: false): the UI says how.
  const dialog = page.getByRole('dialog', { name: 'DevTools for Probe' });
  await expect(dialog).toContainText('F12');
  await expect(dialog).toContainText('Ctrl+Shift+I');
  await expect(dialog).toContainText('choose the frame of Probe');
  await shots(page, 'app-devtools');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(button).toBeFocused();
});

/** The rows of the Permissions pop-up of the app in front, as "Label: state". */
async function permissionStates(page: Page, title: string): Promise<string[]> {
  const panel = page.getByRole('dialog', { name: `Permissions of ${title}` });
  await expect(panel).toBeVisible();
  return (await panel.getByRole('listitem').evaluateAll((items) => items.map((li) => [...li.children].map((c) => c.textContent).join(': '))));
}

test('permissions: asked from the app header, answered in the prompt naming the app, delegated to the app frame, listed in Settings with Forget', async ({ page, world }) => {
  await start(page, world);
  await open(page, 'Probe');
  const host = await hostFrame(page, 'probe');
  expect(await host.evaluate(() => document.querySelector('iframe')!.getAttribute('allow'))).toBeNull();
  const menu = page.getByRole('button', { name: 'Permissions' });
  await menu.click();
  expect(await permissionStates(page, 'Probe')).toEqual(['Microphone: Not allowed', 'Camera: Not allowed', 'Screen sharing: Not allowed']);
  await shots(page, 'app-permissions-menu');
  await page.getByRole('button', { name: 'Allow microphone and camera…' }).click();

  const prompt = page.getByRole('dialog', { name: '“Probe” wants to use your microphone and camera.' });
  await expect(prompt).toBeVisible();
  await expect(prompt).toHaveAccessibleDescription(/remembered for this app/);
  await expect(prompt.getByRole('button', { name: 'Don’t allow' })).toBeFocused();
  await shots(page, 'app-permission-prompt');
  await prompt.getByRole('button', { name: 'Allow', exact: true }).click();
  await expect(prompt).toHaveCount(0);
  await expect(menu).toBeFocused();
  // Browser shell: the grant is delegated to the app's iframe, which is reloaded to take it.
  await expect.poll(async () => (await hostFrame(page, 'probe')).evaluate(() => document.querySelector('iframe')?.getAttribute('allow'))).toBe('microphone; camera');
  await expect.poll(async () => (await appFrame(page, 'probe')).evaluate(() => (window as unknown as { allows?(f: string): boolean }).allows?.('microphone'))).toBe(true);
  await menu.click();
  expect(await permissionStates(page, 'Probe')).toEqual(['Microphone: Allowed', 'Camera: Allowed', 'Screen sharing: Not allowed']);
  await expect(page.getByRole('button', { name: 'Allow microphone and camera…' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Allow screen sharing…' }).click();
  const screen = page.getByRole('dialog', { name: '“Probe” wants to use your screen.' });
  await screen.getByRole('button', { name: 'Don’t allow' }).click();
  await expect(screen).toHaveCount(0);
  await menu.click();
  expect(await permissionStates(page, 'Probe')).toEqual(['Microphone: Allowed', 'Camera: Allowed', 'Screen sharing: Refused by you — change it in Settings']);
  await expect(page.getByRole('dialog', { name: 'Permissions of Probe' }).getByRole('button')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Permissions of Probe' })).toHaveCount(0);
  await expect(menu).toBeFocused();

  await page.getByRole('button', { name: 'Settings' }).click();
  const section = page.getByRole('region', { name: 'App permissions' });
  await expect(section.getByRole('listitem')).toHaveText([/^Probe\s*Microphone\s*Allowed\s*Forget$/, /^Probe\s*Camera\s*Allowed\s*Forget$/, /^Probe\s*Screen sharing\s*Denied\s*Forget$/]);
  await section.scrollIntoViewIfNeeded();
  await shots(page, 'settings-app-permissions');
  await section.getByRole('button', { name: 'Forget screen for Probe' }).click();
  await expect(section.getByRole('listitem')).toHaveText([/Probe\s*Microphone\s*Allowed/, /Probe\s*Camera\s*Allowed/]);
  await section.getByRole('button', { name: 'Forget microphone for Probe' }).click();
  await section.getByRole('button', { name: 'Forget camera for Probe' }).click();
  await expect(section.getByRole('listitem')).toHaveCount(0);
  await expect(section).toContainText('No app has asked to use your microphone, camera or screen yet.');
  // Forgotten: the app may ask again.
  await strip(page).getByRole('button', { name: 'Probe', exact: true }).click();
  await menu.click();
  expect(await permissionStates(page, 'Probe')).toEqual(['Microphone: Not allowed', 'Camera: Not allowed', 'Screen sharing: Not allowed']);
});

test('permissions: Escape answers “Don’t allow”; what IT decides is locked; websites have no Permissions', async ({ page, world }) => {
  await start(page, world, { policy: { enforced: { appPermissions: { probe: { camera: 'denied' } } } } });
  await open(page, 'Probe');
  await page.getByRole('button', { name: 'Permissions' }).click();
  expect(await permissionStates(page, 'Probe')).toEqual(['Microphone: Not allowed', 'Camera: Blocked by your IT department', 'Screen sharing: Not allowed']);
  await page.getByRole('button', { name: 'Allow microphone…' }).click();
  const prompt = page.getByRole('dialog', { name: '“Probe” wants to use your microphone.' });
  await expect(prompt).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(prompt).toHaveCount(0);
  await expect.poll(() => world.core.snapshot().settings.appPermissions.find((e) => e.app === 'probe' && e.permission === 'microphone')?.state).toBe('denied');

  await page.getByRole('button', { name: 'Settings' }).click();
  const section = page.getByRole('region', { name: 'App permissions' });
  const camera = section.getByRole('listitem').filter({ hasText: 'Camera' });
  await expect(camera).toContainText('Denied');
  await expect(camera).toContainText('Set by your IT department');
  await expect(camera.getByRole('button')).toHaveCount(0);
  await expect(section.getByRole('listitem').filter({ hasText: 'Microphone' }).getByRole('button', { name: 'Forget microphone for Probe' })).toBeVisible();

  await page.getByRole('button', { name: 'Home', exact: true }).click();
  await open(page, 'Site');
  await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Permissions' })).toHaveCount(0);
});

test('a view whose app-frame page never attached: Retry creates the page anew (frame epoch)', async ({ page, world }) => {
  let appFramePages = 0;
  // The first app-frame page never arrives, so the view never attaches and fails.
  await page.route('**/appframe.html?*', (route) => (++appFramePages === 1 ? route.abort() : route.continue()));
  await start(page, world, { appAttachTimeoutMs: 1500 });
  await open(page, 'Probe');
  await expect(page.getByRole('alert')).toContainText('Probe could not be loaded');
  await expect(page.getByRole('alert')).toContainText(/The app view did not start within/);
  const epoch = world.core.snapshot().runningApps[0]!.frameEpoch;
  await page.getByRole('button', { name: 'Retry' }).click();
  const probe = page.frameLocator('iframe[title="Probe"]').frameLocator('iframe[title="Probe"]');
  await expect(probe.getByText('Loads: 1')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(world.core.snapshot().runningApps[0]!.frameEpoch).toBe(epoch + 1);
  expect(appFramePages).toBe(2);
  await expect(page.locator('iframe[title="Probe"]')).toHaveCount(1);
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
  await fakeOsNotifications(page, 'default');
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
