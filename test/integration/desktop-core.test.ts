/**
 * What the core decides for the desktop build, in both shells (issue: a desktop citizen):
 * click-to-dial (links before login, a phone app chosen by default or by the user, none at all),
 * `myapps://` links, the badge total, do-not-disturb for notification popups, the user's idleness
 * and an immediate reconnect, the updater driven by policy, and what the PBX says of its build.
 * The real core against the PBX emulator; apps attached as app-frame pages attach.
 */
import { describe, expect, it } from 'vitest';
import type { UpdatesView } from '../../main/core/bridge/views.js';
import type { ShellPort, ShellUpdater } from '../../main/core/client/shell-port.js';
import { PbxEmulator } from '../pbx/index.js';
import { FakeView, appsConfig, cleanups, openView, setup, until } from '../support/core-apps.js';
import { ClientCore } from '../../main/core/client/client.js';
import { startWebShell } from '../../main/web/start.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Two phone apps: the session config's softphone and a desk phone. */
function twoPhones() {
  const c = appsConfig();
  c.appObjects.push({ name: 'deskphone', title: 'Desk phone', password: 'p', url: 'http://127.0.0.1:9/apps/deskphone/deskphone', apis: { 'com.innovaphone.phone': {} } } as never);
  c.users[0]!.apps.push('deskphone');
  return c;
}

function onePhone() {
  const c = appsConfig();
  return c;
}

function noPhone() {
  const c = appsConfig();
  c.users[0]!.apps = c.users[0]!.apps.filter((a) => a !== 'softphone');
  return c;
}

/** The phone app the core started for the call (hidden), attached and registered: the request it gets. */
async function phoneRequest(core: ClientCore, name: string): Promise<Record<string, unknown>> {
  const s = await until(core, (x) => x.runningApps.some((a) => a.name === name));
  const view = new FakeView(core, s.runningApps.find((a) => a.name === name)!.viewId);
  view.post({ mt: 'Alive' });
  view.post({ mt: 'RegisterApi', api: 'com.innovaphone.phone' });
  return view.next((m) => m.mt === 'ApiRequest');
}

describe('click-to-dial', () => {
  it('a tel: link followed before login waits, and is dialled at the only phone app after login', async () => {
    const pbx = await PbxEmulator.start({ config: onePhone(), port: 0 });
    cleanups.push(() => pbx.stop());
    const dir = mkdtempSync(join(tmpdir(), 'myapps-dial-'));
    const core = await ClientCore.start({ configDir: dir, policyFile: join(dir, 'policy.json'), credentialStore: new MemoryCredentialStore(), policyPollMs: 0 });
    cleanups.push(() => core.dispose());
    expect(await core.handle({ type: 'followLink', link: 'tel:+49 (30) 1234-56' })).toEqual({ ok: true });
    await core.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
    const request = await phoneRequest(core, 'softphone');
    expect(request).toEqual({ mt: 'ApiRequest', api: 'com.innovaphone.phone', consumer: '@client', msg: { mt: 'StartCall', num: '+4930123456' } });
    expect(core.snapshot().runningApps.find((a) => a.name === 'softphone')).toMatchObject({ hidden: true });
  });

  it('the browser shell\'s command line: a link after the options waits for the login like one from the OS; a bad one is refused', async () => {
    const pbx = await PbxEmulator.start({ config: onePhone(), port: 0 });
    cleanups.push(() => pbx.stop());
    const dir = mkdtempSync(join(tmpdir(), 'myapps-web-link-'));
    const quiet = () => {};
    await expect(startWebShell(['--port', '0', '--config-dir', dir, 'javascript:alert(1)'], quiet, quiet, quiet)).rejects.toThrow(/javascript/);
    const run = await startWebShell(['--pbx', pbx.url, '--port', '0', '--config-dir', dir, '--policy', join(dir, 'policy.json'), 'callto:+4930123'], quiet, quiet, quiet);
    cleanups.push(() => run.close());
    await run.core.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
    expect(await phoneRequest(run.core, 'softphone')).toMatchObject({ consumer: '@client', msg: { mt: 'StartCall', num: '+4930123' } });
  });

  it('two phone apps: the user picks one by title and may keep it; the default is used from then on and can be reset', async () => {
    const { core } = await setup({ config: twoPhones() });
    await core.handle({ type: 'followLink', link: 'sip:bob@example.com' });
    const prompt = (await until(core, (s) => s.providerPrompts.length === 1)).providerPrompts[0]!;
    expect(prompt).toEqual({ id: expect.any(String), api: 'com.innovaphone.phone', purpose: 'Call bob@example.com', providers: [{ name: 'softphone', title: 'Softphone' }, { name: 'deskphone', title: 'Desk phone' }] });
    expect(await core.handle({ type: 'answerProviderPrompt', id: prompt.id, provider: 'evil', remember: true })).toMatchObject({ ok: false });
    expect(await core.handle({ type: 'answerProviderPrompt', id: prompt.id, provider: 'deskphone', remember: true })).toEqual({ ok: true });
    expect(await phoneRequest(core, 'deskphone')).toMatchObject({ consumer: '@client', msg: { mt: 'StartCall', sip: 'bob@example.com' } });
    expect(core.snapshot().settings.defaultProviders).toEqual([{ api: 'com.innovaphone.phone', provider: 'deskphone', locked: false, source: 'user' }]);
    // The default: no prompt for the next call (positive control: the call arrives).
    const desk = new FakeView(core, core.snapshot().runningApps.find((a) => a.name === 'deskphone')!.viewId);
    await core.handle({ type: 'followLink', link: 'tel:200' });
    expect(await desk.next((m) => m.mt === 'ApiRequest' && JSON.stringify(m.msg).includes('200'))).toMatchObject({ msg: { mt: 'StartCall', num: '200' } });
    expect(core.snapshot().providerPrompts).toEqual([]);
    // Reset in Settings: asked again.
    expect(await core.handle({ type: 'resetDefaultProvider', api: 'com.innovaphone.phone' })).toEqual({ ok: true });
    await core.handle({ type: 'followLink', link: 'tel:300' });
    const again = (await until(core, (s) => s.providerPrompts.length === 1)).providerPrompts[0]!;
    expect(await core.handle({ type: 'answerProviderPrompt', id: again.id, remember: false })).toEqual({ ok: true });
    expect(core.snapshot().settings.defaultProviders).toEqual([]);
  });

  it('IT names the phone app: no prompt, shown locked, not reset', async () => {
    const { core } = await setup({ config: twoPhones(), policy: { enforced: { defaultApiProviders: { 'com.innovaphone.phone': 'softphone' } } } });
    await core.handle({ type: 'followLink', link: 'callto:+4930999' });
    expect(await phoneRequest(core, 'softphone')).toMatchObject({ msg: { mt: 'StartCall', num: '+4930999' } });
    expect(core.snapshot().providerPrompts).toEqual([]);
    expect(core.snapshot().settings.defaultProviders).toEqual([{ api: 'com.innovaphone.phone', provider: 'softphone', locked: true, source: 'enforced' }]);
    expect(await core.handle({ type: 'resetDefaultProvider', api: 'com.innovaphone.phone' })).toMatchObject({ ok: false, error: expect.stringMatching(/enforced by the IT policy/) });
  });

  it('confirm calls: PrepareCall instead of StartCall', async () => {
    const { core } = await setup({ config: onePhone() });
    await core.handle({ type: 'updateSettings', patch: { confirmCalls: true } });
    await core.handle({ type: 'followLink', link: 'tel:+4930123' });
    expect(await phoneRequest(core, 'softphone')).toMatchObject({ msg: { mt: 'PrepareCall', txt: '+4930123' } });
  });

  it('no phone app: the user is told, the call is kept and offered again when a phone app starts', async () => {
    const { core, pbx } = await setup({ config: noPhone() });
    await core.handle({ type: 'followLink', link: 'tel:+4930777' });
    const told = await until(core, (s) => s.notices.some((n) => n.id.startsWith('call-')));
    const notice = told.notices.find((n) => n.id.startsWith('call-'))!;
    expect(notice).toMatchObject({ severity: 'warning', text: expect.stringMatching(/No phone app can make the call to \+4930777/) });
    expect(notice.actionLabel).toBeUndefined();
    // A phone app becomes available and starts (the PBX grants it; the user opens it).
    pbx.setUserApps('alice', appsConfig().users[0]!.apps);
    await until(core, (s) => s.apps?.tiles.some((t) => t.name === 'softphone') === true);
    const phone = await openView(core, 'softphone');
    phone.post({ mt: 'RegisterApi', api: 'com.innovaphone.phone' });
    const offered = await until(core, (s) => s.notices.some((n) => n.id === notice.id && n.actionLabel === 'Call'));
    expect(offered.notices.find((n) => n.id === notice.id)!.text).toMatch(/Call \+4930777 now\?/);
    expect(await core.handle({ type: 'noticeAction', id: notice.id })).toEqual({ ok: true });
    expect(await phone.next((m) => m.mt === 'ApiRequest')).toMatchObject({ msg: { mt: 'StartCall', num: '+4930777' } });
    expect(core.snapshot().notices.some((n) => n.id === notice.id)).toBe(false);
  });

  it('myapps:// links open the app once the app list is known; unknown apps and bad links say why', async () => {
    const pbx = await PbxEmulator.start({ config: appsConfig(), port: 0 });
    cleanups.push(() => pbx.stop());
    const dir = mkdtempSync(join(tmpdir(), 'myapps-links-'));
    const core = await ClientCore.start({ configDir: dir, policyFile: join(dir, 'policy.json'), credentialStore: new MemoryCredentialStore(), policyPollMs: 0 });
    cleanups.push(() => core.dispose());
    await core.handle({ type: 'followLink', link: 'myapps://app/myapp?x=1' });
    await core.handle({ type: 'followLink', link: 'myapps://app/nope' });
    expect(await core.handle({ type: 'followLink', link: 'javascript:alert(1)' })).toMatchObject({ ok: false, error: expect.stringMatching(/cannot be followed/) });
    await core.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
    const s = await until(core, (x) => x.runningApps.some((a) => a.name === 'myapp') && x.notices.some((n) => n.text.includes('nope')));
    expect(s.activeApp).toBe(s.runningApps.find((a) => a.name === 'myapp')!.viewId);
  });

  it('a default IT presets (not enforced) is listed, and only the user’s own choice can be forgotten', async () => {
    const { core } = await setup({ config: twoPhones(), policy: { defaults: { defaultApiProviders: { 'com.innovaphone.phone': 'softphone' } } } });
    expect(core.snapshot().settings.defaultProviders).toEqual([{ api: 'com.innovaphone.phone', provider: 'softphone', locked: false, source: 'policy-default' }]);
    await core.handle({ type: 'followLink', link: 'tel:400' });
    expect(await phoneRequest(core, 'softphone')).toMatchObject({ msg: { mt: 'StartCall', num: '400' } });
  });
});

describe('badges, notifications, presence from the desktop', () => {
  it('the badge total sums presence badges and the apps’ own, numeric only', async () => {
    const { core, pbx } = await setup();
    pbx.setBadge('badger', 3);
    await until(core, (s) => s.badgeTotal === 3);
    const app = await openView(core, 'myapp');
    app.post({ mt: 'Action', type: 'SetBadge', value: 4 });
    await until(core, (s) => s.badgeTotal === 7);
    app.post({ mt: 'Action', type: 'SetBadge', value: 'new' });
    await until(core, (s) => s.badgeTotal === 3);
    app.post({ mt: 'Action', type: 'SetBadge', value: 0 });
    pbx.setBadge('badger', 0);
    expect((await until(core, (s) => s.badgeTotal === 0)).badgeTotal).toBe(0);
  });

  it('notifications pop up in the OS unless the user is in do-not-disturb; calls carry accept/reject, chats a reply', async () => {
    const { core } = await setup();
    const app = await openView(core, 'myapp');
    const notify = (src: string, msg: object) => app.post({ mt: 'ApiRequest', api: 'com.innovaphone.launcher', provider: '*', src, msg: { mt: 'AddLocalNotification', ...msg } });
    notify('1', { type: 'PhoneCall', title: 'Bob calls', text: '201', rejectTitle: 'Decline', largeIcon: 'bob.png' });
    let s = await until(core, (x) => x.notifications.length === 1);
    expect(s.notifications[0]).toMatchObject({ type: 'PhoneCall', acceptTitle: 'Accept', rejectTitle: 'Decline', popup: true, iconUrl: 'http://127.0.0.1:9/apps/myapp/bob.png' });
    await core.handle({ type: 'setPresence', activity: 'dnd', note: '' });
    await until(core, (x) => x.ownPresence.activity === 'dnd');
    notify('2', { type: 'ChatMessage', title: 'Carol', text: 'lunch?' });
    s = await until(core, (x) => x.notifications.length === 2);
    expect(s.notifications[1]).toMatchObject({ type: 'ChatMessage', replyTitle: 'Reply', popup: false });
  });

  it('idleness goes to the PBX on changes only, and again after a reconnect', async () => {
    const { core, pbx } = await setup({ core: { sessionOptions: { backoff: { initialMs: 50, maxMs: 50, random: () => 1 } } } });
    core.setUserActivity(true);
    core.setUserActivity(true);
    await pbx.waitFor('SetUserActivity', (m) => m.inactive === true);
    core.setUserActivity(false);
    await pbx.waitFor('SetUserActivity', (m) => m.inactive === false);
    expect(pbx.framesOf('SetUserActivity').map((f) => f.msg.inactive)).toEqual([true, false]);
    core.setUserActivity(true);
    await pbx.waitFor('SetUserActivity', (m, f) => m.inactive === true && f.at > 0 && pbx.framesOf('SetUserActivity').length === 3);
    pbx.killSockets();
    await until(core, (s) => s.connection.kind === 'reconnecting');
    await until(core, (s) => s.connection.kind === 'logged-in');
    await pbx.waitFor('SetUserActivity', () => pbx.framesOf('SetUserActivity').length === 4);
    expect(pbx.framesOf('SetUserActivity').at(-1)!.msg.inactive).toBe(true);
  });

  it('a network change reconnects now instead of after the backoff', async () => {
    const { core, pbx } = await setup({ core: { sessionOptions: { backoff: { initialMs: 60_000, maxMs: 60_000, random: () => 1 } } } });
    await pbx.restart({ downMs: 0 });
    await until(core, (s) => s.connection.kind === 'reconnecting');
    const started = Date.now();
    expect(await core.handle({ type: 'networkChanged' })).toEqual({ ok: true });
    await until(core, (s) => s.connection.kind === 'logged-in', 5000);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('updates', () => {
  function fakeUpdater() {
    const calls: string[] = [];
    let listener: ((s: Omit<UpdatesView, 'channel' | 'pbxAnnounces'>) => void) | undefined;
    const updater: ShellUpdater = {
      configure: (c) => calls.push(`configure ${c.enabled} ${c.channel} ${c.feedUrl ?? ''}`.trim()),
      check: () => calls.push('check'),
      install: () => calls.push('install'),
      onState: (l) => {
        listener = l;
        return () => {};
      },
    };
    const shell: ShellPort = { view: { appViews: 'native', appDevTools: 'open' }, permissionGate: 'session', updater };
    return { shell, calls, emit: (s: Omit<UpdatesView, 'channel' | 'pbxAnnounces'>) => listener?.(s) };
  }

  it('follows the settings and the policy; its state is published; install only when an update is ready', async () => {
    const u = fakeUpdater();
    const { core } = await setup({ core: { shell: u.shell } });
    expect(u.calls[0]).toBe('configure true stable');
    expect(core.snapshot().updates).toMatchObject({ state: 'idle', channel: 'stable', pbxAnnounces: { version: '13r3' } });
    await core.handle({ type: 'updateSettings', patch: { updateChannel: 'beta' } });
    expect(u.calls).toContain('configure true beta');
    expect(await core.handle({ type: 'installUpdate' })).toMatchObject({ ok: false });
    expect(await core.handle({ type: 'checkForUpdates' })).toEqual({ ok: true });
    u.emit({ state: 'ready', version: '0.2.0' });
    expect(core.snapshot().updates).toMatchObject({ state: 'ready', version: '0.2.0', channel: 'beta' });
    expect(await core.handle({ type: 'installUpdate' })).toEqual({ ok: true });
    expect(u.calls.slice(-2)).toEqual(['check', 'install']);
  });

  it('IT turns them off: disabled with the reason, the updater configured off, commands refused', async () => {
    const u = fakeUpdater();
    const { core } = await setup({ core: { shell: u.shell }, policy: { enforced: { updates: false, updateFeed: 'https://mirror.example.com/myapps' } } });
    expect(u.calls.at(-1)).toBe('configure false stable https://mirror.example.com/myapps');
    expect(core.snapshot().updates).toMatchObject({ state: 'disabled', detail: 'Updates are turned off by your IT department.' });
    u.emit({ state: 'available', version: '9' });
    expect(core.snapshot().updates.state).toBe('disabled');
    expect(await core.handle({ type: 'checkForUpdates' })).toMatchObject({ ok: false });
  });


  it('the browser shell has none', async () => {
    const { core } = await setup();
    expect(core.snapshot().updates.state).toBe('unsupported');
    expect(await core.handle({ type: 'checkForUpdates' })).toMatchObject({ ok: false });
  });
});
