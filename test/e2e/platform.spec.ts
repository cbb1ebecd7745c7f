/**
 * The platform the apps expect, end to end in the browser shell with the sample App Services:
 *
 * - an app's Client API request without a provider and two phone apps: the user is asked by
 *   title and may keep the choice; Settings shows the default, Forget brings the question back;
 *   IT's default is used without asking and shown locked;
 * - Wake: what the client announces (SetSessionInfo), the standard phone app started hidden or,
 *   for an incoming call, in front with the window; a phone app that is not the standard one is
 *   not started for an incoming call;
 * - `com.innovaphone.client`: UpdateProfile, profileApp, deviceApps, adminSettings;
 * - an app's own menu (SetMenuState) behind our menu button.
 */
import type { Frame, FrameLocator, Page } from '@playwright/test';
import type { SampleApps } from '../apps/server.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { allApps, expect, shots, test, type StartOptions, type World } from './fixtures.js';
import { phoneAppObjects, sampleAppObject, startWithSampleApps } from './sample-services.js';

const PHONE = 'com.innovaphone.phone';
const CLIENT = 'com.innovaphone.client';

function platformConfig(phone: Parameters<typeof phoneAppObjects>[0] = {}): EmulatorConfig {
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', email: 'alice@example.com', apps: ['echo', 'phone', 'softphone'] }],
    appObjects: [sampleAppObject('echo', 'Echo'), ...phoneAppObjects(phone)],
  };
}

let sample: SampleApps | undefined;
test.afterEach(async () => {
  await sample?.close();
  sample = undefined;
});

async function start(world: World, page: Page, options: Omit<StartOptions, 'config'> & { config?: EmulatorConfig } = {}): Promise<void> {
  const { config = platformConfig(), ...rest } = options;
  sample = await startWithSampleApps(world, page, config, rest);
}

/** The app's own document inside its app-frame page (hidden apps have one too, unseen). */
const app = (page: Page, title: string): FrameLocator => page.frameLocator(`iframe[title="${title}"]`).frameLocator(`iframe[title="${title}"]`);
const running = (page: Page) => page.getByRole('navigation', { name: 'Running apps' });

/** The sample app's frame, for its test hooks (`window.sampleApp`). */
function appFrame(page: Page, name: string): Frame {
  const frame = page.frames().find((f) => f.url().includes(`/apps/${name}/${name}.htm`));
  if (!frame) throw new Error(`no frame of ${name}`);
  return frame;
}

type Hooks = { sampleApp: { post(raw: unknown): void; received: Record<string, unknown>[] } };

/** The app posts `msg` to the client as its library would (a JSON string to its parent). */
async function post(page: Page, name: string, msg: object): Promise<void> {
  await appFrame(page, name).evaluate((m) => (window as unknown as Hooks).sampleApp.post(JSON.stringify(m)), msg);
}

/** What the app has received from the client so far (accepted by its library). */
function received(page: Page, name: string): Promise<Record<string, unknown>[]> {
  return appFrame(page, name).evaluate(() => (window as unknown as Hooks).sampleApp.received);
}

async function openEcho(page: Page): Promise<FrameLocator> {
  await allApps(page).getByRole('button', { name: 'Echo' }).click();
  const echo = app(page, 'Echo');
  await expect(echo.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  return echo;
}

const call = (src: string, num: string, title?: string) => ({ mt: 'ApiRequest', api: PHONE, src, msg: { mt: 'StartCall', num }, ...(title !== undefined && { title }) });

test('an app’s request without a provider: asked by title, kept, used without asking; Settings shows it and Forget asks again', async ({ page, world }) => {
  await start(world, page);
  await openEcho(page);
  await post(page, 'echo', call('e1', '200', 'Call 200'));
  const dialog = page.getByRole('dialog', { name: 'Call 200' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('Asked by Echo')).toBeVisible();
  const choices = dialog.getByRole('group', { name: 'Which app?' });
  await expect(choices.getByRole('radio')).toHaveCount(2);
  await expect(choices.getByRole('radio', { name: 'Phone', exact: true })).toBeChecked();
  await expect(choices.getByRole('radio', { name: 'Softphone' })).not.toBeChecked();
  await shots(page, 'provider-chooser-app-request');
  await choices.getByRole('radio', { name: 'Softphone' }).check();
  await dialog.getByRole('checkbox', { name: 'Always use this app for calls' }).check();
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(dialog).toHaveCount(0);
  // The softphone, started for the request without a tab, takes the call; the Phone app is not started.
  const softphone = app(page, 'Softphone');
  await expect(softphone.getByRole('list', { name: 'Calls' })).toContainText('Calling 200');
  expect(world.core.snapshot().runningApps.map((a) => [a.name, a.hidden])).toEqual([
    ['echo', false],
    ['softphone', true],
  ]);

  // Kept: the next request goes there without a question (the call arriving is the control).
  await post(page, 'echo', call('e2', '201'));
  await expect(softphone.getByRole('list', { name: 'Calls' })).toContainText('Calling 201');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  // Echo's library sees the softphone as the default provider now (ApiUpdate).
  await post(page, 'echo', { mt: 'ConsumeApi', api: PHONE });
  await expect.poll(async () => (await received(page, 'echo')).filter((m) => m.mt === 'ApiUpdate').map((m) => (m.defaultApiProviders as Record<string, string>)[PHONE]).at(-1)).toBe('softphone');

  await running(page).getByRole('button', { name: 'Home screen' }).click();
  await page.getByRole('button', { name: 'Settings' }).click();
  const defaults = page.getByRole('region', { name: 'Default apps' });
  await expect(defaults.getByRole('listitem')).toHaveText(['CallsSoftphoneForget']);
  await defaults.getByRole('button', { name: 'Forget Softphone for Calls' }).click();
  await expect(defaults.getByRole('listitem')).toHaveCount(0);

  // Asked again; this time without a title of its own, so the dialog names the app. Cancel: the request fails with a reason.
  await post(page, 'echo', call('e3', '202'));
  const again = page.getByRole('dialog', { name: 'A request from Echo' });
  await expect(again).toBeVisible();
  await again.getByRole('button', { name: 'Cancel' }).click();
  await expect.poll(async () => (await received(page, 'echo')).find((m) => m.mt === 'ApiResult' && m.src === 'e3')).toEqual({ mt: 'ApiResult', api: PHONE, src: 'e3', errorText: `No app was chosen for ${PHONE}.` });
  await expect(softphone.getByRole('list', { name: 'Calls' }).getByRole('listitem')).toHaveCount(2);
});

test('IT names the phone app: an app’s request goes there without asking, and Settings shows it locked', async ({ page, world }) => {
  await start(world, page, { policy: { enforced: { defaultApiProviders: { [PHONE]: 'phone', 'com.innovaphone.chat': 'echo' } } } });
  await openEcho(page);
  await post(page, 'echo', call('i1', '300'));
  await expect(app(page, 'Phone').getByRole('list', { name: 'Calls' })).toContainText('Calling 300');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await running(page).getByRole('button', { name: 'Home screen' }).click();
  await page.getByRole('button', { name: 'Settings' }).click();
  const defaults = page.getByRole('region', { name: 'Default apps' });
  // Every API IT names is listed, not only calls.
  await expect(defaults.getByRole('listitem')).toHaveText(['com.innovaphone.chatEchoSet by your IT department', 'CallsPhoneSet by your IT department']);
  await expect(defaults.getByRole('button')).toHaveCount(0);
});

test('Wake: SetSessionInfo announces the phone; the standard phone app starts hidden for an outgoing call, and in front with the window for an incoming one', async ({ page, world }) => {
  await start(world, page, { config: platformConfig({ wake: ['phone'] }), policy: { defaults: { defaultApiProviders: { [PHONE]: 'phone' } } } });
  await world.pbx.waitFor('SetSessionInfo');
  expect(world.pbx.framesOf('SetSessionInfo').map((f) => f.msg)).toEqual([{ mt: 'SetSessionInfo', wake: ['phone'] }]);
  // The page's focus requests, counted (a browser may refuse them; asking is the shell's part).
  await page.evaluate(() => {
    const w = window as unknown as { focusCalls: number };
    w.focusCalls = 0;
    window.focus = () => void w.focusCalls++;
  });
  const focusCalls = () => page.evaluate(() => (window as unknown as { focusCalls: number }).focusCalls);

  world.pbx.wake('alice', { type: 'phone', hw: 'phone', incoming: false });
  await expect.poll(() => world.core.snapshot().runningApps.map((a) => [a.name, a.hidden])).toEqual([['phone', true]]);
  await expect(app(page, 'Phone').getByText(`API: ${PHONE} registered`)).toBeAttached();
  await expect(running(page).getByRole('button', { name: 'Phone', exact: true })).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1, name: 'Phone' })).toHaveCount(0);

  world.pbx.wake('alice', { type: 'phone', hw: 'phone', incoming: true });
  await expect(page.getByRole('heading', { level: 1, name: 'Phone' })).toBeVisible();
  await expect(running(page).getByRole('button', { name: 'Phone', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect.poll(focusCalls).toBe(1);
  expect(world.core.snapshot().runningApps.map((a) => a.name)).toEqual(['phone']);
  await shots(page, 'wake-incoming');
});

test('Wake: an incoming call for a phone app that is not the standard one starts nothing; an outgoing one starts it hidden', async ({ page, world }) => {
  await start(world, page, { config: platformConfig({ wake: ['phone'] }), policy: { defaults: { defaultApiProviders: { [PHONE]: 'phone' } } } });
  await world.pbx.waitFor('SetSessionInfo');
  world.pbx.wake('alice', { type: 'phone', hw: 'softphone', incoming: true });
  // Positive control: the outgoing Wake after it, on the same socket, starts the softphone.
  world.pbx.wake('alice', { type: 'phone', hw: 'softphone', incoming: false });
  await expect.poll(() => world.core.snapshot().runningApps.map((a) => [a.name, a.hidden])).toEqual([['softphone', true]]);
  expect(world.core.snapshot().activeApp).toBeUndefined();
  await expect(allApps(page)).toBeVisible();
});

test('@client: UpdateProfile is answered; profileApp, deviceApps and adminSettings in the model', async ({ page, world }) => {
  const config = platformConfig();
  config.options = { profileApp: 'echo' };
  await start(world, page, { config, policy: { enforced: { confirmCalls: true } } });
  await openEcho(page);
  await post(page, 'echo', { mt: 'ConsumeApi', api: CLIENT });
  await post(page, 'echo', { mt: 'ApiRequest', api: CLIENT, provider: '@client', src: 'u1', msg: { mt: 'UpdateProfile' } });
  await expect.poll(async () => (await received(page, 'echo')).find((m) => m.mt === 'ApiResult' && m.src === 'u1')).toEqual({ mt: 'ApiResult', api: CLIENT, provider: '@client', src: 'u1', msg: { mt: 'UpdateProfileResult' } });
  const update = (await received(page, 'echo')).filter((m) => m.mt === 'ApiUpdate').at(-1)!;
  const model = (update.apis as Record<string, Record<string, { model: Record<string, unknown> }>>)[CLIENT]!['@client']!.model;
  expect(model).toMatchObject({
    profileApp: 'echo',
    deviceApps: [
      { name: 'phone', title: 'Phone', deviceapp: 'phone' },
      { name: 'softphone', title: 'Softphone', deviceapp: 'softphone' },
    ],
    adminSettings: { confirmCalls: { value: true, force: true }, developerMode: { value: false, force: false } },
  });
});

test('an app’s own menu: announced with SetMenuState, our menu button shows and toggles it, and the app hears each toggle', async ({ page, world }) => {
  await start(world, page);
  await openEcho(page);
  const menu = page.getByRole('button', { name: 'Menu of Echo' });
  // No menu announced: no button (the app heading is the positive control: the header is drawn).
  await expect(page.getByRole('heading', { level: 1, name: 'Echo' })).toBeVisible();
  await expect(menu).toHaveCount(0);
  await post(page, 'echo', { mt: 'SetMenuState', value: 'closed' });
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await shots(page, 'app-menu-button');
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect.poll(async () => (await received(page, 'echo')).filter((m) => m.mt === 'SetMenuState')).toEqual([{ mt: 'SetMenuState', value: 'open' }]);
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect.poll(async () => (await received(page, 'echo')).filter((m) => m.mt === 'SetMenuState')).toEqual([
    { mt: 'SetMenuState', value: 'open' },
    { mt: 'SetMenuState', value: 'closed' },
  ]);
  // The app opens its menu itself: the button follows.
  await post(page, 'echo', { mt: 'SetMenuState', value: 'open' });
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
});
