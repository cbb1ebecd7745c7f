/**
 * The status strip (`ShowStatusInfo` / `CloseStatusInfo`, apps/status-infos.ts) end to end in
 * the browser shell, with the sample Phone app (test/apps/pages/phone.js): a call's status page
 * (phone-status.htm, served by the Phone's own App Service on its own origin) shows in the main
 * window while the phone is in the background, in our status-frame page, sandboxed; not while
 * the phone is in front; gone with CloseStatusInfo and with the app. A page of another origin
 * is refused and framed nowhere.
 */
import type { Frame, Page } from '@playwright/test';
import { statusFrameSandbox } from '../../main/core/bridge/status-frame.js';
import type { SampleApps } from '../apps/server.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { allApps, expect, shots, test, type World } from './fixtures.js';
import { sampleAppObject, startWithSampleApps } from './sample-services.js';

function config(): EmulatorConfig {
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', apps: ['echo', 'phone'] }],
    appObjects: [sampleAppObject('echo', 'Echo'), sampleAppObject('phone', 'Phone', { apis: { 'com.innovaphone.phone': {} } })],
  };
}

let sample: SampleApps;

async function start(world: World, page: Page): Promise<void> {
  sample = await startWithSampleApps(world, page, config());
}

test.afterEach(async () => {
  await sample?.close();
});

const running = (page: Page) => page.getByRole('navigation', { name: 'Running apps' });
const strip = (page: Page) => page.getByRole('region', { name: 'Status of apps in the background' });
/** Every entry of the strip, shown or hidden (hidden ones stay mounted while their app is in front). */
const entries = (page: Page) => page.locator('.status-info');
/** The phone's call, as its status page shows it (our status-frame page, then the app's page). */
const callStatus = (page: Page) => page.frameLocator('iframe[title="Status of Phone"]').frameLocator('iframe');
const phoneApp = (page: Page) => page.frameLocator('iframe[title="Phone"]').frameLocator('iframe[title="Phone"]');

/** A frame of the page by its URL (Playwright's Frame, for evaluate). */
async function frameAt(page: Page, part: string): Promise<Frame> {
  await expect.poll(() => page.frames().some((f) => f.url().includes(part))).toBe(true);
  return page.frames().find((f) => f.url().includes(part))!;
}

async function openPhone(page: Page) {
  await allApps(page).getByRole('button', { name: 'Phone' }).click();
  const phone = phoneApp(page);
  // Its page has run (a call needs no login to its service; the machine may be busy logging in).
  await expect(phone.getByRole('button', { name: 'Start call' })).toBeVisible();
  return phone;
}

/** The phone in front with a call to +49 30 5678, shown as a status page. */
async function callFromPhone(page: Page) {
  const phone = await openPhone(page);
  await phone.getByRole('textbox', { name: 'Number' }).fill('+49 30 5678');
  await phone.getByRole('button', { name: 'Start call' }).click();
  await expect(phone.getByText('Status info: shown')).toBeVisible();
  return phone;
}

test('a call shows in the strip while the phone is in the background, not while it is in front; the app’s name brings it there', async ({ page, world }) => {
  await start(world, page);
  await callFromPhone(page);
  // The phone is in front: it shows the call itself; the strip's entry is there, hidden.
  await expect(entries(page)).toHaveCount(1);
  await expect(entries(page)).toBeHidden();
  await expect(strip(page)).toBeHidden();

  // Home in front: the call shows, from the phone's own service.
  await running(page).getByRole('button', { name: 'Home screen' }).click();
  await expect(strip(page)).toBeVisible();
  await expect(callStatus(page).getByText('Call with +49 30 5678')).toBeVisible();
  await expect(callStatus(page).getByLabel('Duration')).toHaveText(/^\d+:\d\d$/);
  expect((await frameAt(page, '/apps/phone/phone-status.htm')).url().startsWith(`${sample.origin}/apps/phone/phone-status.htm?num=%2B49%2030%205678&since=`)).toBe(true);
  // Another app in front: still there.
  await allApps(page).getByRole('button', { name: 'Echo' }).click();
  await expect(page.getByRole('heading', { name: 'Echo', level: 1 })).toBeVisible();
  await expect(callStatus(page).getByText('Call with +49 30 5678')).toBeVisible();
  await shots(page, 'status-strip');

  // The app's name brings the phone to the front, where the strip hides its call.
  await strip(page).getByRole('button', { name: 'Show Phone' }).click();
  await expect(page.getByRole('heading', { name: 'Phone', level: 1 })).toBeVisible();
  await expect(strip(page)).toBeHidden();
  expect(world.core.snapshot().activeApp).toBe(world.core.snapshot().runningApps.find((a) => a.name === 'phone')!.viewId);
});

test('the call’s page goes with CloseStatusInfo (hang up) and with the app', async ({ page, world }) => {
  await start(world, page);
  const phone = await callFromPhone(page);
  await running(page).getByRole('button', { name: 'Home screen' }).click();
  await expect(callStatus(page).getByText('Call with +49 30 5678')).toBeVisible();
  // Hang up: CloseStatusInfo{id}; the entry is gone, not only hidden.
  await running(page).getByRole('button', { name: 'Phone', exact: true }).click();
  await phone.getByRole('button', { name: 'Hang up' }).click();
  await expect(entries(page)).toHaveCount(0);
  await running(page).getByRole('button', { name: 'Home screen' }).click();
  await expect(strip(page)).toHaveCount(0);

  // Another call shows again; closing the phone ends it.
  await running(page).getByRole('button', { name: 'Phone', exact: true }).click();
  await phone.getByRole('button', { name: 'Start call' }).click();
  await running(page).getByRole('button', { name: 'Home screen' }).click();
  await expect(callStatus(page).getByText('Call with +49 30 5678')).toBeVisible();
  await running(page).getByRole('button', { name: 'Close Phone' }).click();
  await expect(entries(page)).toHaveCount(0);
  expect(page.frames().some((f) => f.url().includes('phone-status.htm'))).toBe(false);
});

test('with two apps showing status pages, each hides only while its own app is in front', async ({ page, world }) => {
  await start(world, page);
  await callFromPhone(page);
  // Echo shows one too: a page of its own origin (the sample apps share one), here the phone's page.
  await running(page).getByRole('button', { name: 'Home screen' }).click();
  await allApps(page).getByRole('button', { name: 'Echo' }).click();
  // Its page has run: the library (and the test hooks) are there.
  await expect(page.frameLocator('iframe[title="Echo"]').frameLocator('iframe[title="Echo"]').getByRole('heading', { name: 'Echo' })).toBeVisible();
  const echo = await frameAt(page, '/apps/echo/echo.htm');
  await echo.evaluate(() => {
    const msg = { mt: 'ShowStatusInfo', url: '../phone/phone-status.htm?num=echo', id: 'e' };
    (window as unknown as { sampleApp: { post(raw: unknown): void } }).sampleApp.post(JSON.stringify({ mt: 'ApiRequest', api: 'com.innovaphone.client', provider: '@client', src: 'e', msg }));
  });
  const entryOf = (title: string) => page.locator('.status-info', { has: page.locator(`button[aria-label="Show ${title}"]`) });
  await expect(entries(page)).toHaveCount(2);
  // Echo in front: the phone's call shows, Echo's own page does not.
  await expect(entryOf('Phone')).toBeVisible();
  await expect(entryOf('Echo')).toBeHidden();
  // The phone in front: the other way round.
  await strip(page).getByRole('button', { name: 'Show Phone' }).click();
  await expect(page.getByRole('heading', { name: 'Phone', level: 1 })).toBeVisible();
  await expect(entryOf('Echo')).toBeVisible();
  await expect(page.frameLocator('iframe[title="Status of Echo"]').frameLocator('iframe').getByText('Call with echo')).toBeVisible();
  await expect(entryOf('Phone')).toBeHidden();
});

test('a status page on another origin is refused and framed nowhere; the app’s own, asked next, shows', async ({ page, world }) => {
  await start(world, page);
  await openPhone(page);
  const phone = await frameAt(page, '/apps/phone/phone.htm');
  const foreign = `${world.iconBase}/apps/phone/phone-status.htm?num=666`;
  await phone.evaluate((url) => {
    const hooks = (window as unknown as { sampleApp: { post(raw: unknown): void } }).sampleApp;
    const ask = (src: string, msg: object) => hooks.post(JSON.stringify({ mt: 'ApiRequest', api: 'com.innovaphone.client', provider: '@client', src, msg }));
    ask('foreign', { mt: 'ShowStatusInfo', url, id: 'foreign' });
    ask('own', { mt: 'ShowStatusInfo', url: 'phone-status.htm?num=42', id: 'own' });
  }, foreign);
  const results = () => phone.evaluate(() => (window as unknown as { sampleApp: { received: { mt?: string; src?: string; msg?: { error?: string } }[] } }).sampleApp.received.filter((m) => m.mt === 'ApiResult'));
  await expect.poll(async () => (await results()).map((r) => r.src)).toEqual(['foreign', 'own']);
  const [refused, taken] = await results();
  expect(refused!.msg!.error).toBe(`a status page must be on the app's own origin (${sample.origin}), not ${world.iconBase}`);
  expect(taken!.msg).toEqual({ mt: 'ShowStatusInfoResult' });

  await running(page).getByRole('button', { name: 'Home screen' }).click();
  // The own page shows: the strip is up, with exactly one entry.
  await expect(callStatus(page).getByText('Call with 42')).toBeVisible();
  await expect(entries(page)).toHaveCount(1);
  expect(page.frames().filter((f) => f.url().startsWith(world.iconBase))).toHaveLength(0);
  // Nor would the shell serve our status-frame page for it: only for what the core shows.
  const token = new URL(world.shell.url).searchParams.get('token')!;
  const frameFor = (url: string) => page.request.get(`${world.shell.origin}/statusframe.html?url=${encodeURIComponent(url)}&token=${encodeURIComponent(token)}`);
  expect((await frameFor(foreign)).status()).toBe(404);
  const own = await frameFor(world.core.snapshot().statusInfos[0]!.url);
  expect(own.status()).toBe(200);
  expect(own.headers()['content-security-policy']).toContain(`frame-src ${sample.origin};`);
});

test('the status page is sandboxed: scripts only, an opaque origin, no way to the window around it', async ({ page, world }) => {
  await start(world, page);
  const phone = await openPhone(page);
  await phone.getByRole('button', { name: 'Start call' }).click();
  await running(page).getByRole('button', { name: 'Home screen' }).click();
  await expect(callStatus(page).getByText('Call with +49 30 1234')).toBeVisible();

  const wrapper = await frameAt(page, '/statusframe.html');
  const status = await frameAt(page, '/apps/phone/phone-status.htm');
  expect(await wrapper.evaluate(() => document.querySelector('iframe')!.getAttribute('sandbox'))).toBe('allow-scripts');
  expect(statusFrameSandbox).toBe('allow-scripts');
  // Its scripts run (the call's duration ticks) on an opaque origin.
  expect(await status.evaluate(() => self.origin)).toBe('null');
  const probe = () => {
    const read = (f: () => unknown) => {
      try {
        return String(f());
      } catch (e) {
        return `blocked: ${(e as Error).name}`;
      }
    };
    return { top: read(() => window.top!.document.title), parent: read(() => window.parent.document.title), storage: read(() => window.localStorage.length) };
  };
  expect(await status.evaluate(probe)).toEqual({ top: 'blocked: SecurityError', parent: 'blocked: SecurityError', storage: 'blocked: SecurityError' });
  // Control: the same probe in our own status-frame page (same origin as the UI) reads them all.
  expect(await wrapper.evaluate(probe)).toEqual({ top: await page.title(), parent: await page.title(), storage: expect.stringMatching(/^\d+$/) });
});
