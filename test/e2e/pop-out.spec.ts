/**
 * Apps in windows of their own, in the browser shell (core apps/pop-out.ts, renderer popOut.ts,
 * PopOutPage.tsx): the real UI in Chromium, the real core and the sample App Services.
 * - "Pop out" opens a window of ours (the UI page with `?popout=`) in the click; the app saves
 *   its state (PrepareReload → SetArgs), loads again there with it, logs in to its service again
 *   (the same App Object, through the client), and its Client API requests still work; the main
 *   window shows where it is, with "Bring to front" and "Dock back" (the keyboard reaches them).
 * - "Dock back" brings it back the same way and closes its window; closing the window docks it.
 * - The window's place is remembered per App Object and given to the browser next time.
 * - A browser that blocks the window: the UI says so and the app stays.
 */
import type { FrameLocator, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SampleAppHooks } from '../apps/hooks.js';
import type { SampleApps } from '../apps/server.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { allApps, expect, shots, test, type World } from './fixtures.js';
import { sampleAppObject, startWithSampleApps } from './sample-services.js';

function popOutConfig(): EmulatorConfig {
  const app = sampleAppObject;
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', email: 'alice@example.com', apps: ['echo', 'search', 'searchclient'] }],
    appObjects: [app('echo', 'Echo'), app('search', 'Search', { hidden: true, apis: { 'com.innovaphone.search': {} } }), app('searchclient', 'Search client')],
  };
}

let sample: SampleApps;
test.afterEach(async () => {
  await sample?.close();
});
// Windows as the browser makes them (no fixed viewport): a pop-up gets the size it is opened with.
test.use({ viewport: null });

/** The app's own document inside its app-frame page, in a page (the main window or the app's own). */
const app = (page: Page, title: string): FrameLocator => page.frameLocator(`iframe[title="${title}"]`).frameLocator(`iframe[title="${title}"]`);
const header = (page: Page) => page.locator('.app-header');
const hooksOf = (page: Page, path: string) => page.frames().find((f) => f.url().includes(path))!.evaluate(() => JSON.parse(JSON.stringify(window.sampleApp)) as SampleAppHooks);
const popOutBounds = (world: World) => (JSON.parse(readFileSync(join(world.configDir, 'settings.json'), 'utf8')) as { popOutWindows?: Record<string, unknown> }).popOutWindows;

async function openApp(page: Page, title: string): Promise<FrameLocator> {
  await allApps(page).getByRole('button', { name: title }).click();
  const frame = app(page, title);
  await expect(frame.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  return frame;
}

/** Press "Pop out" in the header of the app in front; the window it opens. */
async function popOut(page: Page): Promise<Page> {
  const [popup] = await Promise.all([page.waitForEvent('popup'), header(page).getByRole('button', { name: 'Pop out' }).click()]);
  return popup;
}

test('pop out: a window of its own with the app, its state kept (PrepareReload), logged in again; the main window says where it is; dock back', async ({ page, world }) => {
  sample = await startWithSampleApps(world, page, popOutConfig());
  const echo = await openApp(page, 'Echo');
  for (let i = 0; i < 2; i++) await echo.getByRole('button', { name: 'Count' }).click();
  await expect(echo.getByText('Count: 2')).toBeVisible();

  const popup = await popOut(page);
  const url = new URL(popup.url());
  expect(url.pathname).toBe('/');
  expect(url.searchParams.get('popout')).toBe(world.core.snapshot().runningApps.find((a) => a.name === 'echo')!.viewId);
  expect(url.searchParams.get('token')).toBe(world.shell.token);
  // In its own window: the same App Object, logged in to its service again, its count back (saved with SetArgs on PrepareReload).
  const own = app(popup, 'Echo');
  await expect(own.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  await expect(own.getByText('Count: 2')).toBeVisible();
  await expect(own.getByText('Session key: verified')).toBeVisible();
  await expect(popup).toHaveTitle('Echo');
  expect((await hooksOf(popup, '/apps/echo/echo.htm')).start.args).toMatchObject({ count: '2' });
  expect(world.pbx.framesOf('AppGetLogin').map((f) => f.msg.app)).toEqual(['echo', 'echo']);
  expect(sample.received('echo').filter((f) => f.mt === 'AppLogin')).toHaveLength(2);

  // The main window: no frame of Echo, a placeholder saying where it is, its buttons within reach of the keyboard.
  await expect(page.locator('iframe[title="Echo"]')).toHaveCount(0);
  const placeholder = page.getByRole('region', { name: 'Echo' });
  await expect(placeholder.getByRole('status')).toHaveText('Echo is in its own window');
  await expect(header(page).getByRole('button', { name: 'Pop out' })).toHaveCount(0);
  await shots(page, 'pop-out-main-window');
  await shots(popup, 'pop-out-window');
  await placeholder.getByRole('button', { name: 'Bring to front' }).focus();
  await page.keyboard.press('Tab');
  await expect(placeholder.getByRole('button', { name: 'Dock back' })).toBeFocused();

  // Counted on in its own window, then docked back with the keyboard: saved again, the window closes, the frame is back.
  await own.getByRole('button', { name: 'Count' }).click();
  await expect(own.getByText('Count: 3')).toBeVisible();
  const closed = popup.waitForEvent('close');
  await page.keyboard.press('Enter');
  await closed;
  await expect(app(page, 'Echo').getByText('Count: 3')).toBeVisible();
  await expect(app(page, 'Echo').getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  expect(world.core.snapshot().runningApps.find((a) => a.name === 'echo')).toMatchObject({ poppedOut: false, state: 'alive' });
  await expect(header(page).getByRole('button', { name: 'Pop out' })).toBeVisible();
});

test('an app in its own window keeps using Client APIs (a search through the hidden provider); Dock back in that window', async ({ page, world }) => {
  sample = await startWithSampleApps(world, page, popOutConfig());
  await openApp(page, 'Search client');
  const popup = await popOut(page);
  const own = app(popup, 'Search client');
  await expect(own.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  await own.getByRole('searchbox', { name: 'Query' }).fill('anna');
  await own.getByRole('button', { name: 'Search' }).click();
  // The hidden provider starts for it, logs in to its service and registers first: room for a busy machine.
  await expect(own.getByRole('list', { name: 'Results' }).getByRole('listitem')).toHaveText(['search: Result 1 for anna', 'search: Result 2 for anna'], { timeout: 15_000 });
  await expect(own.getByText('Complete: search')).toBeVisible();

  const closed = popup.waitForEvent('close');
  await popup.getByRole('button', { name: 'Dock back' }).click();
  await closed;
  await expect(app(page, 'Search client').getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
});

test('closing its window docks the app; the window’s place is remembered and asked for next time', async ({ page, world }) => {
  sample = await startWithSampleApps(world, page, popOutConfig());
  await openApp(page, 'Echo');
  const popup = await popOut(page);
  await expect(app(popup, 'Echo').getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  // Where the browser put it, as the page sees itself (outer position, content size).
  const place = (p: Page) => p.evaluate(() => ({ x: window.screenX, y: window.screenY, width: window.innerWidth, height: window.innerHeight }));
  const first = await place(popup);
  // The user moves it and resizes it (as the window manager does: a page cannot resize a window here).
  const cdp = await popup.context().newCDPSession(popup);
  const { windowId } = (await cdp.send('Browser.getWindowForTarget')) as { windowId: number };
  // Smaller than this headless browser's 800×600 screen, which a window.open is kept within.
  await cdp.send('Browser.setWindowBounds', { windowId, bounds: { left: 50, top: 60, width: 700, height: 500 } });
  // Remembered once the resizing settles: the place, and the size that opens this window again.
  await expect.poll(() => popOutBounds(world)?.echo).toBeDefined();
  const moved = await place(popup);
  expect(moved).toMatchObject({ x: 50, y: 60 });
  expect(moved.width).toBeLessThan(first.width);
  const saved = popOutBounds(world)!.echo as { x: number; y: number; width: number; height: number };
  expect(saved).toMatchObject({ x: 50, y: 60, width: 700 });
  expect(world.core.snapshot().runningApps.find((a) => a.name === 'echo')!.popOutBounds).toEqual(saved);

  // Closed by the user: docked, loaded again in the main window.
  await popup.close();
  await expect(app(page, 'Echo').getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  expect(world.core.snapshot().runningApps.find((a) => a.name === 'echo')).toMatchObject({ poppedOut: false });

  // Popped out again: asked for where it was, and as large as it was (this headless browser puts every window at 0,0).
  await page.evaluate(() => {
    const open = window.open.bind(window);
    window.open = (...args: Parameters<typeof window.open>) => {
      (window as unknown as { opened?: unknown[] }).opened = args;
      return open(...args);
    };
  });
  const again = await popOut(page);
  await expect(app(again, 'Echo').getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  // What was saved last (this headless browser may report the top once more as the page goes: the frame's edge).
  const last = popOutBounds(world)!.echo as typeof saved;
  expect({ x: last.x, width: last.width, height: last.height }).toEqual({ x: saved.x, width: saved.width, height: saved.height });
  expect(((await page.evaluate(() => (window as unknown as { opened: unknown[] }).opened)) as string[])[2]).toBe(`popup,left=${last.x},top=${last.y},width=${last.width},height=${last.height}`);
  // As wide as it was (the height this headless browser gives a window near its 800×600 screen's edge varies with its frame).
  expect((await place(again)).width).toBe(moved.width);
});

test('a browser that blocks the window: the UI says so, and the app stays in the main window', async ({ page, world }) => {
  sample = await startWithSampleApps(world, page, popOutConfig());
  const echo = await openApp(page, 'Echo');
  // Headless Chromium has no pop-up blocker: a blocking browser's answer is stood in for — window.open gives null (HTML: no browsing context).
  await page.evaluate(() => {
    window.open = () => null;
  });
  await header(page).getByRole('button', { name: 'Pop out' }).click();
  await expect(header(page).getByRole('alert')).toHaveText('The browser blocked the window for Echo. Allow pop-up windows for this page, then try again.');
  // Never asked of the core: the app did not save, move or reload.
  await expect(echo.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  expect(world.core.snapshot().runningApps.find((a) => a.name === 'echo')).toMatchObject({ poppedOut: false, state: 'alive', frameEpoch: 0 });
  expect(world.core.snapshot().runningApps.find((a) => a.name === 'echo')!.moving).toBeUndefined();
  expect((await hooksOf(page, '/apps/echo/echo.htm')).received.some((m) => m.mt === 'PrepareReload')).toBe(false);
});
