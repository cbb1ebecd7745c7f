/**
 * Memory control (apps/idle-unload.ts): app views idle in the background longer than
 * `unloadIdleAppsAfterMinutes` are unloaded — entry kept, view gone — and load again when shown,
 * with the state they saved on `PrepareReload`. The real core against the PBX emulator, apps
 * played by FakeView; the minute is made short (`idleUnload.minuteMs`) instead of waited for.
 * Every "never" has a control in the same test that does get unloaded, so a timer that never
 * runs cannot pass for a rule.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToAppFrame } from '../../main/core/bridge/app-frame.js';
import type { AppMemoryView, RunningApp, Snapshot } from '../../main/core/bridge/views.js';
import { ClientCore } from '../../main/core/client/client.js';
import { browserShellPort } from '../../main/core/client/shell-port.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { PbxEmulator } from '../pbx/index.js';
import { FakeView, appsConfig, cleanups, openView, setup, until, viewOf } from '../support/core-apps.js';

/** A "minute" of 50 ms, looked at every 10 ms; an app gets 150 ms to answer PrepareReload. */
const fast = { checkEveryMs: 10, minuteMs: 50, prepareReloadTimeoutMs: 150 };
/** Long enough for many idle periods to pass (the setting is one 50 ms minute). */
const MANY_PERIODS_MS = 600;

const app = (s: Snapshot, name: string): RunningApp | undefined => s.runningApps.find((a) => a.name === name);
const stateOf = (core: ClientCore, name: string) => app(core.snapshot(), name)?.state;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `minutes`: the user's setting to save first (null: none). */
async function idleSetup(options: Parameters<typeof setup>[0] = {}, minutes: number | null = 1) {
  const s = await setup({ ...options, core: { idleUnload: fast, policyPollMs: 0, ...options.core } });
  if (minutes !== null) expect(await s.core.handle({ type: 'updateSettings', patch: { unloadIdleAppsAfterMinutes: minutes } })).toMatchObject({ ok: true });
  return s;
}

const unloaded = (core: ClientCore, name: string, ms = 3000) => until(core, (s) => app(s, name)?.state === 'unloaded', ms);
const loadFrame = (view: FakeView) => view.frame((f) => f.kind === 'load') as Promise<Extract<ToAppFrame, { kind: 'load' }>>;

describe('unloading idle app views', () => {
  it('an app in the background past the idle time is asked to save (PrepareReload), unloaded, and loads again with what it saved', async () => {
    const { core } = await idleSetup({ core: { idleUnload: { ...fast, prepareReloadTimeoutMs: 10_000 } } });
    const contacts = await openView(core, 'contacts');
    expect((await loadFrame(contacts)).url).not.toContain('draft=');
    const before = app(core.snapshot(), 'contacts')!;
    await openView(core, 'consumer');
    // Saving: PrepareReload goes out, the app stays loaded until it answers.
    await contacts.next((m) => m.mt === 'PrepareReload');
    expect(stateOf(core, 'contacts')).toBe('alive');
    contacts.post({ mt: 'Action', type: 'SetArgs', args: { draft: 'hello world', id: '13' }, title: 'Draft to Bob' });
    contacts.post({ mt: 'PrepareReloadComplete' });
    // Unloaded on the answer, long before the 10 s limit for answering.
    await unloaded(core, 'contacts', 2000);
    const entry = app(core.snapshot(), 'contacts')!;
    expect(entry).toMatchObject({ viewId: before.viewId, title: 'Contacts', hidden: false, state: 'unloaded' });
    // Nothing more goes to the old page, and what it says now is not heard.
    const posts = contacts.frames.length;
    contacts.post({ mt: 'Action', type: 'BringToFront' });
    expect(core.snapshot().activeApp).not.toBe(contacts.viewId);
    // Reopened: the same entry, a new page (frameEpoch), loaded with the saved arguments.
    expect(await core.handle({ type: 'openApp', link: 'contacts' })).toEqual({ ok: true, value: { viewId: before.viewId } });
    const woken = await until(core, (s) => app(s, 'contacts')?.state === 'starting');
    expect(app(woken, 'contacts')!.frameEpoch).toBe(before.frameEpoch + 1);
    expect(woken.activeApp).toBe(before.viewId);
    const again = new FakeView(core, before.viewId);
    const load = await loadFrame(again);
    expect(new URL(load.url).searchParams.get('draft')).toBe('hello world');
    expect(new URL(load.url).searchParams.get('id')).toBe('13');
    again.post({ mt: 'Alive' });
    await until(core, (s) => app(s, 'contacts')?.state === 'alive');
    expect(contacts.frames.length).toBe(posts);
  });

  it('an app that does not answer PrepareReload is unloaded anyway after the short limit', async () => {
    const { core } = await idleSetup();
    const contacts = await openView(core, 'contacts');
    await openView(core, 'consumer');
    await contacts.next((m) => m.mt === 'PrepareReload');
    expect(stateOf(core, 'contacts')).toBe('alive');
    await unloaded(core, 'contacts');
  });

  it('the app in front is never unloaded; once it is not, it is', async () => {
    const { core } = await idleSetup();
    const badger = await openView(core, 'badger');
    const contacts = await openView(core, 'contacts');
    // Control: the app behind it goes.
    await unloaded(core, 'badger');
    await sleep(MANY_PERIODS_MS);
    expect(stateOf(core, 'contacts')).toBe('alive');
    expect(contacts.posted.some((m) => m.mt === 'PrepareReload')).toBe(false);
    expect(await core.handle({ type: 'unloadApp', viewId: contacts.viewId })).toEqual({ ok: false, error: '“Contacts” stays loaded: it is the app in front.' });
    // The home screen in front: now it is idle too.
    expect(await core.handle({ type: 'showApp' })).toEqual({ ok: true });
    await unloaded(core, 'contacts');
    expect(badger.viewId).not.toBe(contacts.viewId);
  });

  it('a hidden provider whose API another app uses is never unloaded; once nobody uses it, it is', async () => {
    const { core } = await idleSetup();
    await openView(core, 'contacts');
    const consumer = await openView(core, 'consumer');
    consumer.post({ mt: 'ConsumeApi', api: 'com.example.lazy' });
    await until(core, (s) => app(s, 'lazy') !== undefined);
    const lazy = viewOf(core, 'lazy');
    lazy.post({ mt: 'Alive' });
    lazy.post({ mt: 'RegisterApi', api: 'com.example.lazy' });
    await until(core, (s) => app(s, 'lazy')?.state === 'alive');
    // Control: contacts, behind the consumer, goes.
    await unloaded(core, 'contacts');
    await sleep(MANY_PERIODS_MS);
    expect(app(core.snapshot(), 'lazy')).toMatchObject({ hidden: true, state: 'alive' });
    expect(lazy.posted.some((m) => m.mt === 'PrepareReload')).toBe(false);
    expect(await core.handle({ type: 'unloadApp', viewId: lazy.viewId })).toMatchObject({ ok: false, error: expect.stringContaining('provides an API another app uses') });
    // Its consumer closes: nobody uses it any more.
    await core.handle({ type: 'closeApp', viewId: consumer.viewId });
    await unloaded(core, 'lazy');
  });

  it('an unloaded provider an app asks again loads again, and the request reaches it', async () => {
    const { core } = await idleSetup();
    const consumer = await openView(core, 'consumer');
    consumer.post({ mt: 'ApiRequest', api: 'com.example.lazy', provider: 'lazy', src: 'r1', msg: { mt: 'Ping' } });
    await until(core, (s) => app(s, 'lazy') !== undefined);
    const lazy = viewOf(core, 'lazy');
    lazy.post({ mt: 'Alive' });
    lazy.post({ mt: 'RegisterApi', api: 'com.example.lazy' });
    await lazy.next((m) => m.mt === 'ApiRequest' && m.src === 'r1');
    // Nobody consumes it: it is idle, and goes.
    await unloaded(core, 'lazy');
    consumer.post({ mt: 'ApiRequest', api: 'com.example.lazy', provider: 'lazy', src: 'r2', msg: { mt: 'Ping' } });
    await until(core, (s) => app(s, 'lazy')?.state === 'starting');
    const again = new FakeView(core, lazy.viewId);
    again.post({ mt: 'Alive' });
    again.post({ mt: 'RegisterApi', api: 'com.example.lazy' });
    expect(await again.next((m) => m.mt === 'ApiRequest')).toMatchObject({ consumer: 'consumer', src: 'r2' });
  });

  it('an app showing a status in the background (ShowStatusInfo, a call) is never unloaded; after CloseStatusInfo it is', async () => {
    const { core } = await idleSetup();
    const phone = await openView(core, 'softphone');
    phone.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', src: 'st1', msg: { mt: 'ShowStatusInfo', url: 'http://127.0.0.1:9/apps/softphone/call.htm', id: 'call-1' } });
    expect(await phone.next((m) => m.mt === 'ApiResult' && m.src === 'st1')).toMatchObject({ msg: { mt: 'ShowStatusInfoResult' } });
    await openView(core, 'badger');
    await openView(core, 'contacts');
    // Control: badger, idle in the background like the phone, goes.
    await unloaded(core, 'badger');
    await sleep(MANY_PERIODS_MS);
    expect(stateOf(core, 'softphone')).toBe('alive');
    expect(phone.posted.some((m) => m.mt === 'PrepareReload')).toBe(false);
    // Another id closed: still showing one.
    phone.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', src: 'st2', msg: { mt: 'CloseStatusInfo', id: 'other' } });
    await phone.next((m) => m.mt === 'ApiResult' && m.src === 'st2');
    await sleep(MANY_PERIODS_MS / 2);
    expect(stateOf(core, 'softphone')).toBe('alive');
    phone.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', src: 'st3', msg: { mt: 'CloseStatusInfo', id: 'call-1' } });
    await unloaded(core, 'softphone');
  });

  it('two apps with a channel open between them stay loaded; once it is closed, they go', async () => {
    const { core } = await idleSetup();
    const consumer = await openView(core, 'consumer');
    consumer.post({ mt: 'OpenChannel', src: 7, dst: 'badger', args: { hello: 1 } });
    await until(core, (s) => app(s, 'badger') !== undefined);
    const badger = viewOf(core, 'badger');
    badger.post({ mt: 'Alive' });
    const incoming = await badger.next((m) => m.mt === 'OpenChannel');
    badger.post({ mt: 'ChannelConnected', channel: incoming.channel });
    await consumer.next((m) => m.mt === 'ChannelConnected');
    await openView(core, 'contacts');
    await sleep(MANY_PERIODS_MS);
    expect([stateOf(core, 'consumer'), stateOf(core, 'badger')]).toEqual(['alive', 'alive']);
    expect(await core.handle({ type: 'unloadApp', viewId: consumer.viewId })).toMatchObject({ ok: false, error: expect.stringContaining('has a channel open') });
    consumer.post({ mt: 'ChannelClosed', channel: incoming.channel });
    await unloaded(core, 'consumer');
    await unloaded(core, 'badger');
  });

  it('a PBX Wake (an incoming call) loads an unloaded phone app again', async () => {
    const { core, pbx } = await idleSetup();
    const phone = await openView(core, 'softphone');
    await openView(core, 'contacts');
    await unloaded(core, 'softphone');
    // The PBX wakes only sessions that announced the type.
    await pbx.waitFor('SetSessionInfo', (m) => (m.wake as string[]).includes('phone'));
    pbx.wake('alice', { type: 'phone', incoming: true });
    const woken = await until(core, (s) => app(s, 'softphone')?.state === 'starting');
    expect(app(woken, 'softphone')!.viewId).toBe(phone.viewId);
    // An incoming call brings it to the front (wake.ts).
    expect(woken.activeApp).toBe(phone.viewId);
  });

  it('0 means never; the setting applies at once when changed', async () => {
    const { core } = await idleSetup({}, 0);
    await openView(core, 'contacts');
    await openView(core, 'consumer');
    await sleep(MANY_PERIODS_MS);
    expect(stateOf(core, 'contacts')).toBe('alive');
    expect(await core.handle({ type: 'updateSettings', patch: { unloadIdleAppsAfterMinutes: 1 } })).toEqual({ ok: true });
    await unloaded(core, 'contacts');
  });
});

describe('unloadIdleAppsAfterMinutes: user setting, IT policy, bad input', () => {
  it("IT's enforced value wins over the user's saved one, and the user cannot change it", async () => {
    // The user chose "never" earlier; IT then enforces 1 minute.
    const dir = mkdtempSync(join(tmpdir(), 'myapps-idle-'));
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ version: 1, accounts: [], settings: { unloadIdleAppsAfterMinutes: 0 } }));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ enforced: { unloadIdleAppsAfterMinutes: 1 } }));
    const pbx = await PbxEmulator.start({ config: appsConfig(), port: 0 });
    cleanups.push(() => pbx.stop());
    const core = await ClientCore.start({ configDir: dir, policyFile: join(dir, 'policy.json'), credentialStore: new MemoryCredentialStore(), policyPollMs: 0, idleUnload: fast });
    cleanups.push(() => core.dispose());
    const { settings } = core.snapshot();
    expect(settings.values.unloadIdleAppsAfterMinutes).toBe(1);
    expect(settings.sources.unloadIdleAppsAfterMinutes).toBe('enforced');
    expect(settings.locked).toContain('unloadIdleAppsAfterMinutes');
    const refused = await core.handle({ type: 'updateSettings', patch: { unloadIdleAppsAfterMinutes: 0 } });
    expect(refused).toMatchObject({ ok: false, details: [expect.stringMatching(/^settings\.unloadIdleAppsAfterMinutes is enforced by the IT policy/)] });
    await core.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
    await until(core, (s) => s.connection.kind === 'logged-in' && s.apps !== undefined);
    await openView(core, 'contacts');
    await openView(core, 'consumer');
    await unloaded(core, 'contacts');
  });

  it('a policy value of the wrong type or out of range is reported with its field and reason, and the rest applies', async () => {
    const { core } = await idleSetup({ policy: { defaults: { unloadIdleAppsAfterMinutes: -5, confirmCalls: true }, enforced: { unloadIdleAppsAfterMinutes: 'ten' } } }, null);
    const texts = core.snapshot().notices.map((n) => n.text);
    expect(texts).toContainEqual(expect.stringMatching(/\(defaults\.unloadIdleAppsAfterMinutes\): expected a whole number from 0 to 10080/));
    expect(texts).toContainEqual(expect.stringMatching(/\(enforced\.unloadIdleAppsAfterMinutes\): expected number, got string/));
    const { settings } = core.snapshot();
    expect(settings.values.unloadIdleAppsAfterMinutes).toBe(30);
    expect(settings.sources.unloadIdleAppsAfterMinutes).toBe('built-in');
    expect(settings.locked).not.toContain('unloadIdleAppsAfterMinutes');
    // The valid key next to it still applies.
    expect(settings.values.confirmCalls).toBe(true);
  });

  it("a bad value from the UI is refused with the reason; the user's value is kept", async () => {
    const { core } = await idleSetup({}, 45);
    for (const bad of [-1, 2.5, '10', 10_081, true]) {
      const r = await core.handle({ type: 'updateSettings', patch: { unloadIdleAppsAfterMinutes: bad } });
      expect(r).toMatchObject({ ok: false, details: [expect.stringMatching(/^settings\.unloadIdleAppsAfterMinutes (expected a whole number from 0 to 10080|expected number)/)] });
    }
    expect(core.snapshot().settings.values.unloadIdleAppsAfterMinutes).toBe(45);
    expect(core.snapshot().settings.sources.unloadIdleAppsAfterMinutes).toBe('user');
    // null: back to the default.
    expect(await core.handle({ type: 'updateSettings', patch: { unloadIdleAppsAfterMinutes: null } })).toEqual({ ok: true });
    expect(core.snapshot().settings.values.unloadIdleAppsAfterMinutes).toBe(30);
  });
});

describe('app memory', () => {
  it('the browser shell says it does not measure: apps listed, no figures invented', async () => {
    const { core } = await idleSetup();
    await openView(core, 'contacts');
    const r = await core.handle({ type: 'getAppMemory' });
    expect(r).toEqual({ ok: true, value: { measured: false, apps: [{ viewId: expect.any(String), name: 'contacts', title: 'Contacts', hidden: false, state: 'alive' }] } });
  });

  it("a shell that measures: each app's figure by view id and the total; an unloaded app has none", async () => {
    let figures = new Map<string, number>();
    const { core } = await idleSetup({ core: { shell: { ...browserShellPort, appMemory: async () => figures } } });
    const contacts = await openView(core, 'contacts');
    const consumer = await openView(core, 'consumer');
    figures = new Map([
      [contacts.viewId, 150 * 2 ** 20],
      [consumer.viewId, 90 * 2 ** 20],
      ['some-other-view', 1],
    ]);
    await unloaded(core, 'contacts');
    const r = await core.handle({ type: 'getAppMemory' });
    const value = (r as { value: AppMemoryView }).value;
    expect(value).toEqual({
      measured: true,
      apps: [
        { viewId: contacts.viewId, name: 'contacts', title: 'Contacts', hidden: false, state: 'unloaded' },
        { viewId: consumer.viewId, name: 'consumer', title: 'Consumer', hidden: false, state: 'alive', bytes: 90 * 2 ** 20 },
      ],
      totalBytes: 90 * 2 ** 20,
    });
  });
});

describe('__proto__ as an App Object name', () => {
  it('is unloaded, kept by its ShowStatusInfo, and loads again like any app; nothing leaks into prototypes', async () => {
    const config = appsConfig();
    config.appObjects.push({ name: '__proto__', title: 'Proto', password: 'pp', url: 'http://127.0.0.1:9/apps/proto/proto' } as never);
    config.users[0]!.apps.push('__proto__');
    const { core } = await idleSetup({ config });
    const proto = await openView(core, '__proto__');
    await openView(core, 'contacts');
    await proto.next((m) => m.mt === 'PrepareReload');
    proto.post({ mt: 'Action', type: 'SetArgs', args: { __proto__: 'x', constructor: 'y' } });
    proto.post({ mt: 'PrepareReloadComplete' });
    await unloaded(core, '__proto__');
    expect(app(core.snapshot(), '__proto__')).toMatchObject({ title: 'Proto', state: 'unloaded' });
    expect((await core.handle({ type: 'openApp', link: '__proto__' })).ok).toBe(true);
    const again = new FakeView(core, proto.viewId);
    const load = await loadFrame(again);
    expect(new URL(load.url).searchParams.get('name')).toBe('__proto__');
    again.post({ mt: 'Alive' });
    again.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', src: 's', msg: { mt: 'ShowStatusInfo', url: 'x', id: '__proto__' } });
    await again.next((m) => m.mt === 'ApiResult');
    await core.handle({ type: 'showApp', viewId: app(core.snapshot(), 'contacts')!.viewId });
    await sleep(MANY_PERIODS_MS);
    expect(stateOf(core, '__proto__')).toBe('alive');
    again.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', src: 's2', msg: { mt: 'CloseStatusInfo', id: '__proto__' } });
    await unloaded(core, '__proto__');
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(((await core.handle({ type: 'getAppMemory' })) as { value?: unknown }).value).toMatchObject({ measured: false, apps: expect.arrayContaining([expect.objectContaining({ name: '__proto__', state: 'unloaded' })]) });
  });
});
