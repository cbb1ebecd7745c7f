/**
 * The desktop citizen in the UI, for both shells (the UI reads `snapshot.shell`, never the
 * shell itself), end to end with the real core, the PBX emulator and the sample App Services:
 *
 * - call links (`followLink`, as the OS hands them over) with two phone apps: the chooser
 *   dialog, a default kept ("Always") and forgotten (Settings → Default apps), Cancel;
 * - with no phone app: the notice, and its "Call" button once a phone app runs; confirm calls
 *   (PrepareCall instead of StartCall);
 * - the window title with the badge total; notification toasts with accept / reject / reply
 *   and the app's icon; OS notifications only in the browser shell and only those that pop up;
 * - Settings → Updates: hidden in the browser shell, each state with an updater; locks;
 * - the browser shell's idle and network reports (none in the native shell).
 */
import type { Frame, FrameLocator, Page } from '@playwright/test';
import type { Command } from '../../main/core/bridge/commands.js';
import type { UpdatesView } from '../../main/core/bridge/views.js';
import type { ShellPort, ShellUpdater } from '../../main/core/client/shell-port.js';
import type { SampleApps } from '../apps/server.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { allApps, expect, logIn, shots, test, type StartOptions, type World } from './fixtures.js';
import { AppServer, appsConfig } from './probe-apps.js';
import { fakeOsNotifications, osTitles } from './fake-notifications.js';
import { sampleAppObject, startWithSampleApps } from './sample-services.js';

const PHONE_API = 'com.innovaphone.phone';

function desktopConfig(aliceApps = ['echo', 'badge', 'inbox', 'phone', 'softphone']): EmulatorConfig {
  const app = sampleAppObject;
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', email: 'alice@example.com', apps: aliceApps }],
    appObjects: [
      app('echo', 'Echo'),
      app('badge', 'Badge', { presence: true }),
      app('inbox', 'Inbox', { presence: true }),
      app('phone', 'Phone', { apis: { [PHONE_API]: {} } }),
      app('softphone', 'Softphone', { apis: { [PHONE_API]: {} } }),
    ],
  };
}

let sample: SampleApps | undefined;
test.afterEach(async () => {
  await sample?.close();
  sample = undefined;
});

/** The sample apps, the emulator and the core; the UI opened and logged in as alice. */
async function start(world: World, page: Page, opts: { aliceApps?: string[] } & Omit<StartOptions, 'config'> = {}): Promise<void> {
  const { aliceApps, ...startOptions } = opts;
  const config = desktopConfig(aliceApps);
  sample = await startWithSampleApps(world, page, config, startOptions);
}

/** The app's own document inside its app-frame page (hidden providers have one too, unseen). */
const app = (page: Page, title: string): FrameLocator => page.frameLocator(`iframe[title="${title}"]`).frameLocator(`iframe[title="${title}"]`);
const running = (page: Page) => page.getByRole('navigation', { name: 'Running apps' });
const notices = (page: Page) => page.getByRole('region', { name: 'Notices' });
const toasts = (page: Page) => page.getByRole('region', { name: 'Notifications' });

async function openApp(page: Page, title: string): Promise<FrameLocator> {
  if ((await running(page).count()) > 0) await running(page).getByRole('button', { name: 'Home screen' }).click();
  await allApps(page).getByRole('button', { name: title, exact: true }).click();
  const frame = app(page, title);
  await expect(frame.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  return frame;
}

async function follow(world: World, link: string): Promise<void> {
  expect(await world.core.handle({ type: 'followLink', link })).toEqual({ ok: true });
}

/** Every command the UI sends from now on (the web shell hands each to `core.handle`). */
function recordCommands(world: World): Command[] {
  const seen: Command[] = [];
  const core = world.core;
  const handle = core.handle.bind(core);
  core.handle = (raw: unknown) => {
    seen.push(raw as Command);
    return handle(raw);
  };
  return seen;
}

test('a call link with two phone apps: the user chooses one, keeps it, and can forget it in Settings', async ({ page, world }) => {
  await start(world, page);
  await follow(world, 'tel:+49 30 1234-56');
  const dialog = page.getByRole('dialog', { name: 'Call +4930123456' });
  await expect(dialog).toBeVisible();
  const choices = dialog.getByRole('group', { name: 'Which app?' });
  await expect(choices.getByRole('radio')).toHaveCount(2);
  await expect(choices.getByRole('radio', { name: 'Phone', exact: true })).toBeChecked();
  await expect(choices.getByRole('radio', { name: 'Phone', exact: true })).toBeFocused();
  await expect(choices.getByRole('radio', { name: 'Softphone' })).not.toBeChecked();
  await expect(dialog.getByRole('checkbox', { name: 'Always use this app for calls' })).not.toBeChecked();
  await shots(page, 'provider-chooser');

  await choices.getByRole('radio', { name: 'Softphone' }).check();
  await dialog.getByRole('checkbox', { name: 'Always use this app for calls' }).check();
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(dialog).toHaveCount(0);
  // The softphone, started hidden for the call (no tab), dials; the other phone app is not started.
  const softphone = app(page, 'Softphone');
  await expect(softphone.getByRole('list', { name: 'Calls' })).toContainText('Calling +4930123456');
  expect(world.core.snapshot().runningApps.map((a) => [a.name, a.hidden])).toEqual([['softphone', true]]);
  await expect(running(page)).toHaveCount(0);
  expect(world.core.snapshot().settings.defaultProviders).toEqual([{ api: PHONE_API, provider: 'softphone', locked: false, source: 'user' }]);

  // The next link goes straight there.
  await follow(world, 'sip:bob@example.com');
  await expect(softphone.getByRole('list', { name: 'Calls' })).toContainText('Calling bob@example.com');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(world.core.snapshot().providerPrompts).toEqual([]);

  // Settings: the default, by title and use; Forget asks again next time.
  await page.getByRole('button', { name: 'Settings' }).click();
  const defaults = page.getByRole('region', { name: 'Default apps' });
  await expect(defaults.getByRole('listitem')).toHaveText(['CallsSoftphoneForget']);
  await defaults.scrollIntoViewIfNeeded();
  await shots(page, 'settings-default-apps');
  await defaults.getByRole('button', { name: 'Forget Softphone for Calls' }).click();
  await expect(defaults.getByText('No default apps yet.', { exact: false })).toBeVisible();
  expect(world.core.snapshot().settings.defaultProviders).toEqual([]);

  // Asked again; Escape cancels: nothing is dialled, and nothing kept.
  await follow(world, 'tel:200');
  await expect(page.getByRole('dialog', { name: 'Call 200' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  // And once more, Cancel, then a choice without "Always": dialled, not kept.
  await follow(world, 'tel:201');
  await page.getByRole('dialog', { name: 'Call 201' }).getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await follow(world, 'tel:202');
  await page.getByRole('dialog', { name: 'Call 202' }).getByRole('button', { name: 'Continue' }).click();
  await expect(app(page, 'Phone').getByRole('list', { name: 'Calls' })).toContainText('Calling 202');
  await expect(softphone.getByRole('list', { name: 'Calls' }).getByRole('listitem')).toHaveCount(2);
  await expect(app(page, 'Phone').getByRole('list', { name: 'Calls' }).getByRole('listitem')).toHaveCount(1);
  expect(world.core.snapshot().settings.defaultProviders).toEqual([]);
});

test('default apps and confirm calls set by IT: shown with the lock, nothing to forget', async ({ page, world }) => {
  await start(world, page, { policy: { enforced: { defaultApiProviders: { [PHONE_API]: 'phone', 'com.example.fax': 'echo' }, confirmCalls: true } } });
  await page.getByRole('button', { name: 'Settings' }).click();
  const defaults = page.getByRole('region', { name: 'Default apps' });
  await expect(defaults.getByRole('listitem')).toHaveText(['com.example.faxEchoSet by your IT department', 'CallsPhoneSet by your IT department']);
  await expect(defaults.getByRole('button')).toHaveCount(0);
  const confirm = page.getByRole('switch', { name: 'Confirm calls from links in the phone app' });
  await expect(confirm).toBeChecked();
  await expect(confirm).toBeDisabled();
  await expect(confirm).toHaveAccessibleDescription(/Set by your IT department/);
  await defaults.scrollIntoViewIfNeeded();
  await shots(page, 'settings-locked-calls');
  // The enforced default takes the link without asking; confirm calls prepares it.
  await follow(world, 'tel:300');
  await expect(app(page, 'Phone').getByText('Prepared 300')).toBeAttached();
  await expect(page.getByRole('dialog')).toHaveCount(0);
});

test('no phone app: the call waits in a notice, whose "Call" button calls once a phone app runs; confirm calls prepares instead', async ({ page, world }) => {
  await start(world, page, { aliceApps: ['echo', 'badge'] });
  await follow(world, 'tel:+4930111');
  await expect(notices(page)).toContainText('No phone app can make the call to +4930111');
  await expect(notices(page).getByRole('button', { name: 'Call' })).toHaveCount(0);

  // IT grants a phone app; the user opens it: the notice offers the call.
  world.pbx.setUserApps('alice', ['echo', 'badge', 'phone']);
  const phone = await openApp(page, 'Phone');
  const call = notices(page).getByRole('button', { name: 'Call' });
  await expect(call).toBeVisible();
  await expect(call).toHaveAccessibleDescription('A phone app is ready. Call +4930111 now?');
  await shots(page, 'notice-call');
  await call.click();
  await expect(phone.getByText('Calling +4930111')).toBeVisible();
  await expect(notices(page)).toHaveCount(0);

  // Confirm calls: the phone app gets the number, the user starts the call there.
  await page.getByRole('button', { name: 'Settings' }).click();
  const confirm = page.getByRole('switch', { name: 'Confirm calls from links in the phone app' });
  await expect(confirm).not.toBeChecked();
  await confirm.check();
  await expect.poll(() => world.core.snapshot().settings.values.confirmCalls).toBe(true);
  await follow(world, 'tel:+4930222');
  await expect(phone.getByText('Prepared +4930222')).toBeAttached();
  await expect(phone.getByRole('list', { name: 'Calls' }).getByRole('listitem')).toHaveText(['Calling +4930111']);
});

test('the window title counts the badges; toasts answer calls and chat messages, with the app’s icon', async ({ page, world }) => {
  await start(world, page);
  await expect(page).toHaveTitle('myApps');
  const badge = await openApp(page, 'Badge');
  await badge.getByRole('button', { name: 'Increment' }).click();
  await badge.getByRole('button', { name: 'Increment' }).click();
  await expect(page).toHaveTitle('(2) myApps');
  world.pbx.setBadge('inbox', 3);
  await expect(page).toHaveTitle('(5) myApps');
  world.pbx.setBadge('inbox', 0);
  await expect(page).toHaveTitle('(2) myApps');

  // A call: Accept and the app's own "Decline", with its icon; Accept reaches the app.
  await badge.getByRole('button', { name: 'Notify call' }).click();
  const callToast = toasts(page).locator('.toast').filter({ hasText: 'Call from Bob' });
  await expect(callToast.getByRole('button', { name: 'Accept' })).toBeVisible();
  await expect(callToast.getByRole('button', { name: 'Decline' })).toHaveAccessibleDescription('Call from Bob');
  await expect(callToast.locator('img.toast-icon')).toHaveAttribute('src', `${sample!.origin}/apps/badge/call.png`);
  await expect.poll(() => callToast.locator('img.toast-icon').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  // A chat message: a reply field.
  await badge.getByRole('button', { name: 'Notify message' }).click();
  const reply = toasts(page).getByRole('textbox', { name: 'Your reply to Message from Bob' });
  await expect(reply).toBeVisible();
  await expect(toasts(page).getByRole('button', { name: 'Reply' })).toBeDisabled();
  await shots(page, 'notifications-call-and-message');

  await callToast.getByRole('button', { name: 'Accept' }).click();
  await expect(badge.getByText('Notification clicked: accept')).toBeVisible();
  await expect(toasts(page).getByText('Call from Bob')).toHaveCount(0);
  await reply.fill('On my way');
  await toasts(page).getByRole('button', { name: 'Reply' }).click();
  await expect(badge.getByText('Notification clicked: reply — On my way')).toBeVisible();
  await expect(toasts(page)).toHaveCount(0);

  // Reject too.
  await badge.getByRole('button', { name: 'Notify call' }).click();
  await toasts(page).getByRole('button', { name: 'Decline' }).click();
  await expect(badge.getByText('Notification clicked: reject')).toBeVisible();
});


test('browser shell: OS notifications only for those that pop up (not in do-not-disturb); a click opens it in the app', async ({ page, world }) => {
  await fakeOsNotifications(page);
  await start(world, page);
  const badge = await openApp(page, 'Badge');
  await badge.getByRole('button', { name: 'Notify', exact: true }).click();
  await expect(toasts(page).getByRole('button', { name: 'Hello' })).toBeVisible();
  await expect.poll(() => osTitles(page)).toEqual(['Hello']);

  // Do not disturb: listed in the window, not popped up by the OS.
  expect(await world.core.handle({ type: 'setPresence', activity: 'dnd', note: '' })).toEqual({ ok: true });
  await expect.poll(() => world.core.snapshot().ownPresence.activity).toBe('dnd');
  await badge.getByRole('button', { name: 'Notify call' }).click();
  await expect(toasts(page).getByRole('button', { name: 'Call from Bob' })).toBeVisible();
  expect(world.core.snapshot().notifications.map((n) => [n.title, n.popup])).toEqual([
    ['Hello', true],
    ['Call from Bob', false],
  ]);
  expect(await osTitles(page)).toEqual(['Hello']);

  // The OS notification's click: the app hears it (action ""), the toast goes.
  await running(page).getByRole('button', { name: 'Home screen' }).click();
  await page.evaluate(() => (window as unknown as { osNotifications: { onclick: () => void }[] }).osNotifications[0]!.onclick());
  await expect(badge.getByText('Notification clicked: default')).toBeVisible();
  await expect(toasts(page).getByRole('button', { name: 'Hello' })).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1, name: 'Badge' })).toBeVisible();
});

/**
 * Probe apps in a native shell (what Electron does, told to the core), plus two phone apps
 * that never load (only their names count here): the UI frames nothing, shows no OS
 * notifications itself, and hides the app's native view under its dialogs.
 */
async function startNative(page: Page, world: World, shell: ShellPort): Promise<{ probe: Frame; apps: AppServer }> {
  const apps = await AppServer.start();
  const config = appsConfig(apps.base);
  for (const [name, title] of [
    ['deskphone', 'Desk phone'],
    ['mobilephone', 'Mobile phone'],
  ] as const) {
    config.appObjects.push({ name, title, password: 'x', url: `${apps.base}/apps/${name}/probe`, apis: { [PHONE_API]: {} } });
    config.users[0]!.apps.push(name);
  }
  await world.start({ config, shell });
  await world.open();
  await logIn(page, world);
  await allApps(page).getByRole('button', { name: 'Probe', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Probe' })).toBeVisible();
  // The app's view, as Electron would show it: its app-frame page top-level in a page of its own.
  const viewId = world.core.snapshot().runningApps.find((a) => a.name === 'probe')!.viewId;
  const view = await page.context().newPage();
  await view.goto(`${world.shell.origin}/appframe.html?view=${encodeURIComponent(viewId)}&token=${encodeURIComponent(world.shell.token)}`);
  await expect.poll(() => view.frames().some((f) => f.url().includes('/apps/probe/probe.htm'))).toBe(true);
  return { probe: view.frames().find((f) => f.url().includes('/apps/probe/probe.htm'))!, apps };
}

test('native shell: the chooser hides the app view; toasts only (the main process shows OS notifications); no idle or network reports from the UI', async ({ page, world }) => {
  const placed: unknown[] = [];
  const nativeShell: ShellPort = { view: { appViews: 'native', appDevTools: 'open' }, permissionGate: 'session', placeAppView: (bounds) => void placed.push(bounds) };
  await fakeOsNotifications(page);
  await page.clock.install();
  const { probe, apps } = await startNative(page, world, nativeShell);
  try {
    const commands = recordCommands(world);
    // The app's view is placed; the chooser (a modal dialog of the UI) hides it until answered.
    await expect.poll(() => placed.at(-1)).toBeDefined();
    const bounds = placed.at(-1);
    await follow(world, 'tel:100');
    const dialog = page.getByRole('dialog', { name: 'Call 100' });
    await expect(dialog.getByRole('radio', { name: 'Desk phone' })).toBeChecked();
    await expect(dialog.getByRole('radio', { name: 'Mobile phone' })).toBeVisible();
    await expect.poll(() => placed.at(-1)).toBeUndefined();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    await expect.poll(() => placed.at(-1)).toEqual(bounds);

    await probe.evaluate(() =>
      (window as unknown as { send(m: unknown): void }).send({ mt: 'ApiRequest', api: 'com.innovaphone.launcher', src: 'n1', msg: { mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Call from Carol', text: '' } }),
    );
    await expect(toasts(page).getByRole('button', { name: 'Accept' })).toBeVisible();
    expect(await osTitles(page)).toEqual([]);
    // Settings offers no browser notification permission there.
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Desktop notifications' })).toHaveCount(0);

    await page.clock.fastForward('06:00');
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.mouse.move(20, 20);
    await page.keyboard.press('Shift');
    // A command the UI sends anyway, to know the earlier ones would have arrived.
    await toasts(page).getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => commands.map((c) => c.type)).toContain('dismissNotification');
    expect(commands.map((c) => c.type)).not.toContain('setUserActivity');
    expect(commands.map((c) => c.type)).not.toContain('networkChanged');
    expect(world.pbx.framesOf('SetUserActivity')).toHaveLength(0);
    expect(await osTitles(page)).toEqual([]);
  } finally {
    await apps.close();
  }
});

test('browser shell: idle after 5 minutes without input, back on input (changes only); the network coming back is reported', async ({ page, world }) => {
  await page.clock.install();
  await start(world, page);
  const commands = recordCommands(world);
  const activity = () => world.pbx.framesOf('SetUserActivity').map((f) => f.msg.inactive);
  await page.mouse.move(10, 10);
  await page.clock.fastForward('04:00');
  // Input before the five minutes are up starts them again.
  await page.mouse.move(30, 30);
  await page.clock.fastForward('04:00');
  await page.keyboard.press('Shift');
  await page.clock.fastForward('04:59');
  expect(commands.filter((c) => c.type === 'setUserActivity')).toEqual([]);
  expect(activity()).toEqual([]);
  await page.clock.fastForward('00:02');
  await world.pbx.waitFor('SetUserActivity', (m) => m.inactive === true);
  // Still idle: nothing more.
  await page.clock.fastForward('10:00');
  // Back: one report, however much input follows.
  await page.mouse.move(200, 200);
  await world.pbx.waitFor('SetUserActivity', (m) => m.inactive === false);
  await page.mouse.move(220, 220);
  await page.keyboard.press('Shift');
  await page.mouse.wheel(0, 40);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect.poll(() => commands.map((c) => c.type)).toContain('networkChanged');
  expect(commands.filter((c) => c.type === 'setUserActivity')).toEqual([
    { type: 'setUserActivity', inactive: true },
    { type: 'setUserActivity', inactive: false },
  ]);
  expect(activity()).toEqual([true, false]);
});

/** A fake updater the test drives: records what the core asks, and reports the states the test gives. */
function fakeUpdater() {
  const asked: string[] = [];
  const configured: Parameters<ShellUpdater['configure']>[0][] = [];
  let listener: ((state: Omit<UpdatesView, 'channel' | 'pbxAnnounces'>) => void) | undefined;
  const updater: ShellUpdater = {
    configure: (settings) => void configured.push(settings),
    check: () => void asked.push('check'),
    install: () => void asked.push('install'),
    onState: (l) => {
      listener = l;
      return () => (listener = undefined);
    },
  };
  return { updater, asked, configured, emit: (state: Omit<UpdatesView, 'channel' | 'pbxAnnounces'>) => listener!(state) };
}

test('Settings → Updates: hidden in the browser shell', async ({ page, world }) => {
  await start(world, page);
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Default apps' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Updates' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Check for updates' })).toHaveCount(0);
});

test('Settings → Updates with an updater: each state in words, check, channel, restart and install, what the PBX runs', async ({ page, world }) => {
  const fake = fakeUpdater();
  await start(world, page, { shell: { view: { appViews: 'frames', appDevTools: 'instructions' }, permissionGate: 'frame', updater: fake.updater } });
  await page.getByRole('button', { name: 'Settings' }).click();
  const updates = page.getByRole('region', { name: 'Updates' });
  const state = updates.getByRole('status');
  await expect(state).toHaveText('myApps looks for updates by itself.');
  await expect(updates.getByText(/^Your PBX runs 13r3 \(build .+\)\.$/)).toBeVisible();

  await updates.getByRole('button', { name: 'Check for updates' }).click();
  await expect.poll(() => fake.asked).toEqual(['check']);
  fake.emit({ state: 'checking' });
  await expect(state).toHaveText('Looking for updates…');
  await expect(updates.getByRole('button', { name: 'Check for updates' })).toBeDisabled();
  fake.emit({ state: 'up-to-date' });
  await expect(state).toHaveText('myApps is up to date.');
  await expect(updates.getByRole('button', { name: 'Check for updates' })).toBeEnabled();
  fake.emit({ state: 'available', version: '2.1.0' });
  await expect(state).toHaveText('An update is available.Version 2.1.0');
  fake.emit({ state: 'downloading', version: '2.1.0' });
  await expect(state).toHaveText('Downloading the update…Version 2.1.0');
  await expect(updates.getByRole('button', { name: 'Restart and install' })).toHaveCount(0);
  fake.emit({ state: 'error', detail: 'The update server could not be reached.' });
  await expect(state).toHaveText('The last look for updates failed.The update server could not be reached.');
  fake.emit({ state: 'ready', version: '2.1.0' });
  await expect(state).toHaveText('The update is ready to install.Version 2.1.0');
  await shots(page, 'settings-updates');
  await updates.getByRole('button', { name: 'Restart and install' }).click();
  await expect.poll(() => fake.asked).toEqual(['check', 'install']);

  // The channel: a setting the updater follows.
  const channel = updates.getByRole('combobox', { name: 'Update channel' });
  await expect(channel).toHaveValue('stable');
  await channel.selectOption({ label: 'Beta (earlier, less tested)' });
  await expect.poll(() => fake.configured.at(-1)).toMatchObject({ enabled: true, channel: 'beta' });
  expect(world.core.snapshot().updates.channel).toBe('beta');

  // IT turns updates off (and fixes the channel): said, with why; nothing to press.
  await world.restartClient({ policy: { enforced: { updates: false, updateChannel: 'stable' } } });
  await world.open();
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(state).toHaveText('Automatic updates are off.Updates are turned off by your IT department.');
  await expect(updates.getByRole('button')).toHaveCount(0);
  await expect(updates.getByRole('combobox')).toHaveCount(0);
  await updates.scrollIntoViewIfNeeded();
  await shots(page, 'settings-updates-disabled');

  // Updates on, channel enforced: the channel shows with the lock.
  await world.restartClient({ policy: { enforced: { updateChannel: 'stable' } } });
  await world.open();
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(updates.getByRole('combobox', { name: 'Update channel' })).toBeDisabled();
  await expect(updates.getByRole('combobox', { name: 'Update channel' })).toHaveAccessibleDescription(/Set by your IT department/);
});
