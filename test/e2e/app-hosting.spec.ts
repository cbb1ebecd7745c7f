/**
 * App hosting end to end, with the sample App Services (test/apps/, written like innovaphone's
 * app library behaves): app login verified by the app's own service, forgery refused, Client
 * APIs with a hidden provider, @client and @launcher, badges, @home, channels, plain
 * websites, SetLang/SetScheme, and app state kept while switching.
 */
import type { FrameLocator, Page } from '@playwright/test';
import type { SampleApps } from '../apps/server.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { allApps, expect, shots, test, type World } from './fixtures.js';
import { sampleAppObject, startWithSampleApps } from './sample-services.js';

function hostingConfig(): EmulatorConfig {
  const app = sampleAppObject;
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [
      { sip: 'alice', password: 'Secret123!', dn: 'Alice Example', email: 'alice@example.com', apps: ['echo', 'search', 'searchclient', 'badge', 'channel', 'website', 'phone'] },
      { sip: 'bob', password: 'bobpass', dn: 'Bob Builder', apps: ['echo'] },
    ],
    appObjects: [
      app('echo', 'Echo'),
      app('search', 'Search', { hidden: true, apis: { 'com.innovaphone.search': {} } }),
      app('searchclient', 'Search client'),
      app('badge', 'Badge', { presence: true }),
      app('channel', 'Channel'),
      app('website', 'Website', { website: true }),
      app('phone', 'Phone', { apis: { 'com.innovaphone.phone': {} }, wake: ['phone'] }),
    ],
  };
}

let sample: SampleApps;

async function start(world: World, page: Page, tweak: (c: EmulatorConfig) => void = () => {}) {
  const config = hostingConfig();
  sample = await startWithSampleApps(world, page, config, { pbxOnly: tweak });
}

test.afterEach(async () => {
  await sample?.close();
});

/** The app's own document inside its app-frame page. */
const app = (page: Page, title: string): FrameLocator => page.frameLocator(`iframe[title="${title}"]`).frameLocator(`iframe[title="${title}"]`);
const running = (page: Page) => page.getByRole('navigation', { name: 'Running apps' });

async function open(page: Page, title: string): Promise<FrameLocator> {
  await allApps(page).getByRole('button', { name: title }).click();
  return app(page, title);
}

test('an app logs in to its own service through the client; the service verifies the digest', async ({ page, world }) => {
  await start(world, page);
  const echo = await open(page, 'Echo');
  await expect(echo.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  await expect(echo.getByText('Session key: verified')).toBeVisible();
  const login = await sample.waitFor('echo', 'AppLogin');
  expect(login).toMatchObject({ app: 'echo', pbxObj: 'echo', sip: 'alice' });
  expect(world.pbx.framesOf('AppGetLogin').map((f) => f.msg.app)).toEqual(['echo']);
  await shots(page, 'app-echo');
});

test('a wrong App Object password at the PBX makes the app show the failure', async ({ page, world }) => {
  await start(world, page, (c) => {
    c.appObjects.find((a) => a.name === 'echo')!.password = 'not-what-the-service-has';
  });
  const echo = await open(page, 'Echo');
  await expect(echo.getByRole('status')).toHaveText(/Login failed: digest mismatch/);
});

test('forgery: an app asking for another app’s login gets an error; the PBX never sees it; non-strings ignored', async ({ page, world }) => {
  await start(world, page);
  const echo = await open(page, 'Echo');
  await expect(echo.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  const echoFrame = page.frames().find((f) => f.url().includes('/apps/echo/echo.htm'))!;
  await echoFrame.evaluate(() => {
    const hooks = (window as unknown as { sampleApp: { post(raw: unknown): void } }).sampleApp;
    hooks.post(JSON.stringify({ mt: 'getLogin', app: 'badge', challenge: '1234' }));
    hooks.post({ mt: 'getLogin', app: 'echo', challenge: 'as-object' }); // not a string: dropped by the app-frame page
  });
  await expect
    .poll(() => echoFrame.evaluate(() => (window as unknown as { sampleApp: { received: { mt?: string; errorText?: string }[] } }).sampleApp.received.filter((m) => m.mt === 'Login' && m.errorText).length))
    .toBe(1);
  // The badge app is opened later: its own login works, and its key never went to echo.
  await running(page).getByRole('button', { name: 'Home screen' }).click();
  const badge = await open(page, 'Badge');
  await expect(badge.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  const apps = world.pbx.framesOf('AppGetLogin').map((f) => f.msg);
  expect(apps.filter((m) => m.app === 'badge')).toHaveLength(1);
  expect(apps.some((m) => m.challenge === '1234' || m.challenge === 'as-object')).toBe(false);
  const echoLogins = await echoFrame.evaluate(() => (window as unknown as { sampleApp: { received: { mt?: string; pbxObj?: string }[] } }).sampleApp.received.filter((m) => m.mt === 'Login').map((m) => m.pbxObj));
  expect(echoLogins).not.toContain('badge');
});

test('Client APIs: the hidden search provider starts on demand, answers "*", and hears when the consumer closes', async ({ page, world }) => {
  await start(world, page);
  const client = await open(page, 'Search client');
  await expect(client.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  await client.getByRole('searchbox', { name: 'Query' }).fill('bob');
  await client.getByRole('button', { name: 'Search' }).click();
  const results = client.getByRole('list', { name: 'Results' });
  await expect(results).toContainText('search: Result 1 for bob');
  await expect(results).toContainText('search: Result 2 for bob');
  // The provider runs without a tab.
  expect(world.core.snapshot().runningApps.find((a) => a.name === 'search')).toMatchObject({ hidden: true });
  await expect(running(page).getByRole('button', { name: 'Search', exact: true })).toHaveCount(0);
  await shots(page, 'app-search-client');
  await running(page).getByRole('button', { name: 'Close Search client' }).click();
  await sample.waitFor('search', 'ConsumerClosed', (m) => m.consumer === 'searchclient');
});

test('@client presence, @launcher notification, badges on tile and tab, @home', async ({ page, world }) => {
  await start(world, page);
  const badge = await open(page, 'Badge');
  await expect(badge.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  await badge.getByRole('button', { name: 'Subscribe presence' }).click();
  await world.pbx.waitFor('SubscribePresence', (m) => m.sip === 'bob');
  world.pbx.setPresence('bob', { activity: 'busy', note: 'in a call #until:1524733200000' });
  await expect(badge.getByText('bob: busy — in a call')).toBeVisible();

  await badge.getByRole('button', { name: 'Increment' }).click();
  await badge.getByRole('button', { name: 'Increment' }).click();
  await expect(running(page).getByRole('button', { name: 'Badge', exact: true })).toHaveAccessibleDescription(/2 new/);
  world.pbx.setBadge('badge', 5);
  await running(page).getByRole('button', { name: 'Home screen' }).click();
  await expect(allApps(page).getByRole('listitem').filter({ has: page.getByRole('button', { name: 'Badge', exact: true }) }).getByRole('img', { name: '5 new' })).toBeVisible();

  await running(page).getByRole('button', { name: 'Badge', exact: true }).click();
  await badge.getByRole('button', { name: 'Notify', exact: true }).click();
  const notifications = page.getByRole('region', { name: 'Notifications' });
  await expect(notifications).toContainText('From the badge app');
  await shots(page, 'app-notification');
  await notifications.getByRole('button', { name: 'Hello' }).click();
  await expect(badge.getByText('Notification clicked: default')).toBeVisible();

  // @home from an app: the home screen shows, the app keeps running.
  const echo = await (async () => {
    await running(page).getByRole('button', { name: 'Home screen' }).click();
    return open(page, 'Echo');
  })();
  await echo.getByRole('button', { name: 'Go home' }).click();
  await expect(page.getByRole('heading', { name: 'Home', exact: true })).toBeVisible();
  await expect(running(page).getByRole('button', { name: 'Echo', exact: true })).toBeVisible();
});

test('channels between apps', async ({ page, world }) => {
  await start(world, page);
  const channel = await open(page, 'Channel');
  await expect(channel.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  await channel.getByRole('button', { name: 'Open channel' }).click();
  await expect(channel.getByText('Channel: connected to echo')).toBeVisible();
  await channel.getByRole('button', { name: 'Send' }).click();
  await expect(channel.getByRole('list', { name: 'Received messages' })).toContainText('Received: hello');
});

test('a plain website gets no parameters and no messages', async ({ page, world }) => {
  await start(world, page);
  const site = await open(page, 'Website');
  await expect(site.getByText('Query: (none)')).toBeVisible();
  expect(sample.requests('website').every((u) => !u.includes('?'))).toBe(true);
  expect(world.pbx.framesOf('AppGetLogin')).toHaveLength(0);
});

test('SetLang and SetScheme reach running apps; switching apps keeps each app’s state', async ({ page, world }) => {
  await start(world, page);
  const echo = await open(page, 'Echo');
  await expect(echo.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  for (let i = 0; i < 3; i++) await echo.getByRole('button', { name: 'Count' }).click();
  await expect(echo.getByText('Count: 3')).toBeVisible();
  await running(page).getByRole('button', { name: 'Home screen' }).click();
  const badge = await open(page, 'Badge');
  await badge.getByRole('button', { name: 'Increment' }).click();
  await expect(badge.getByText('Badge: 1')).toBeVisible();
  await running(page).getByRole('button', { name: 'Echo', exact: true }).click();
  await expect(echo.getByText('Count: 3')).toBeVisible();
  await running(page).getByRole('button', { name: 'Badge', exact: true }).click();
  await expect(badge.getByText('Badge: 1')).toBeVisible();
  expect(sample.requests('echo').filter((u) => u.includes('echo.htm'))).toHaveLength(1); // never reloaded

  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'Dark' }).check();
  await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Deutsch' });
  // The UI is German now: the strip is "Laufende Apps".
  await page.getByRole('navigation', { name: 'Laufende Apps' }).getByRole('button', { name: 'Echo', exact: true }).click();
  await expect(echo.getByText('Scheme: dark')).toBeVisible();
  await expect(echo.getByText('Language: de')).toBeVisible();
  await shots(page, 'app-switching');
});
