/**
 * Memory control in the browser shell, end to end with the sample App Services: an app idle in
 * the background is unloaded (its app-frame iframe removed, its running-apps entry marked),
 * opening it loads it again with the state it kept (SetArgs → `start.args`); Settings → Memory
 * lists the running apps, says honestly that the browser shell does not measure them, unloads
 * one on request and sets the idle time. The core's minute is made short (`idleUnload`).
 */
import type { FrameLocator, Page } from '@playwright/test';
import type { SampleAppHooks } from '../apps/hooks.js';
import type { SampleApps } from '../apps/server.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { allApps, expect, shots, test, type StartOptions, type World } from './fixtures.js';
import { sampleAppObject, startWithSampleApps } from './sample-services.js';

function memoryConfig(): EmulatorConfig {
  const app = sampleAppObject;
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', email: 'alice@example.com', apps: ['echo', 'badge'] }],
    appObjects: [app('echo', 'Echo'), app('badge', 'Badge')],
  };
}

let sample: SampleApps;

async function start(world: World, page: Page, options: StartOptions = {}) {
  const config = memoryConfig();
  sample = await startWithSampleApps(world, page, config, options);
}

test.afterEach(async () => {
  await sample?.close();
});

const frameOf = (page: Page, title: string) => page.locator(`iframe[title="${title}"]`);
const app = (page: Page, title: string): FrameLocator => page.frameLocator(`iframe[title="${title}"]`).frameLocator(`iframe[title="${title}"]`);
const running = (page: Page) => page.getByRole('navigation', { name: 'Running apps' });
const hooksOf = (page: Page, path: string) => page.frames().find((f) => f.url().includes(path))!.evaluate(() => JSON.parse(JSON.stringify(window.sampleApp)) as SampleAppHooks);

async function openLoggedIn(page: Page, title: string) {
  await allApps(page).getByRole('button', { name: title }).click();
  await expect(app(page, title).getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
}

test('an app idle in the background is unloaded: its frame goes, its entry says so; opening it loads it with the state it kept', async ({ page, world }) => {
  await start(world, page, { idleUnload: { minuteMs: 400, checkEveryMs: 50 } });
  expect(await world.core.handle({ type: 'updateSettings', patch: { unloadIdleAppsAfterMinutes: 1 } })).toEqual({ ok: true });
  await openLoggedIn(page, 'Echo');
  // What Echo wants back after an unload, kept the protocol's way (Action SetArgs).
  const echoFrame = page.frames().find((f) => f.url().includes('/apps/echo/echo.htm'))!;
  await echoFrame.evaluate(() => (window as unknown as { sampleApp: { post(raw: unknown): void } }).sampleApp.post(JSON.stringify({ mt: 'Action', type: 'SetArgs', args: { note: 'kept over the unload' } })));
  await page.getByRole('button', { name: 'Home', exact: true }).click();
  await openLoggedIn(page, 'Badge');
  // Echo, in the background, is asked to save (the sample library answers at once) and unloaded.
  await expect(frameOf(page, 'Echo')).toHaveCount(0, { timeout: 5000 });
  await expect(frameOf(page, 'Badge')).toHaveCount(1);
  const echoEntry = running(page).getByRole('button', { name: 'Echo', exact: true });
  await expect(echoEntry).toHaveAccessibleDescription(/unloaded to save memory/);
  await shots(page, 'memory-unloaded-entry');
  // Chosen again: a new frame, a new login, and the state it kept in its start arguments.
  await echoEntry.click();
  await expect(app(page, 'Echo').getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  await expect(echoEntry).not.toHaveAccessibleDescription(/unloaded/);
  const hooks = await hooksOf(page, '/apps/echo/echo.htm');
  expect(hooks.start.args).toMatchObject({ note: 'kept over the unload' });
  expect((await sample.waitFor('echo', 'AppLogin')).app).toBe('echo');
});

test('Settings → Memory: the running apps, "not measured in the browser shell", Unload now, and the idle time', async ({ page, world }) => {
  await start(world, page);
  await openLoggedIn(page, 'Echo');
  await page.getByRole('button', { name: 'Home', exact: true }).click();
  await openLoggedIn(page, 'Badge');
  await page.getByRole('button', { name: 'Settings' }).click();
  const memory = page.getByRole('region', { name: 'Memory' });
  await expect(memory.getByText('Not measured in the browser shell')).toBeVisible();
  await expect(memory.getByRole('row', { name: /Echo/ })).toBeVisible();
  await expect(memory.getByRole('row', { name: /Badge/ })).toBeVisible();
  // No figures are invented: no MB anywhere, no total.
  await expect(memory.getByText(/\d\s*MB/)).toHaveCount(0);
  await expect(memory.getByRole('rowheader', { name: 'Total' })).toHaveCount(0);
  await shots(page, 'memory-settings');
  await memory.screenshot({ path: test.info().outputPath('memory-section.png') });
  // Echo is in the background: unloaded on request; the list says so (refreshed by itself).
  await memory.getByRole('button', { name: 'Unload Echo now' }).click();
  await expect(memory.getByRole('row', { name: /Echo/ })).toContainText('unloaded');
  await expect(frameOf(page, 'Echo')).toHaveCount(0);
  await expect(frameOf(page, 'Badge')).toHaveCount(1);
  // With Settings in front no app is: Badge may go too. Opened again, it loads again.
  await memory.getByRole('button', { name: 'Unload Badge now' }).click();
  await expect(memory.getByRole('row', { name: /Badge/ })).toContainText('unloaded');
  await expect(frameOf(page, 'Badge')).toHaveCount(0);
  await expect(memory.getByRole('button', { name: /^Unload / })).toHaveCount(0);
  // The idle time: saved as a whole number; a bad one is refused with the reason and the value stays.
  const minutes = memory.getByRole('spinbutton', { name: 'Unload apps in the background after (minutes)' });
  await expect(minutes).toHaveValue('30');
  await minutes.fill('5');
  await minutes.press('Enter');
  await expect.poll(() => world.core.snapshot().settings.values.unloadIdleAppsAfterMinutes).toBe(5);
  await minutes.fill('2.5');
  await minutes.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'expected a whole number from 0 to 10080' })).toBeVisible();
  expect(world.core.snapshot().settings.values.unloadIdleAppsAfterMinutes).toBe(5);
});

test('IT enforces the idle time: the field is locked', async ({ page, world }) => {
  await start(world, page, { policy: { enforced: { unloadIdleAppsAfterMinutes: 10 } } });
  await page.getByRole('button', { name: 'Settings' }).click();
  const minutes = page.getByRole('region', { name: 'Memory' }).getByRole('spinbutton', { name: 'Unload apps in the background after (minutes)' });
  await expect(minutes).toHaveValue('10');
  await expect(minutes).toBeDisabled();
});
