/**
 * App hosting in the core: ClientCore with the PBX emulator, app views attached the way an
 * app-frame page attaches (AppFrameHost), and apps played by the test posting the strings a
 * real app (innovaphone lib1) would post. The browser e2e tests run the same paths with real
 * app pages; these pin down the protocol details.
 */
import { describe, expect, it } from 'vitest';
import { appLoginDigest } from '../../main/core/protocol/digest.js';
import { openView, setup, until, viewOf } from '../support/core-apps.js';

describe('app views', () => {
  it('load URL: .htm with lang, scheme, name, title and the link arguments, all encoded', async () => {
    const { core } = await setup();
    const view = await openView(core, 'myapp?q=a%20b&x=%26');
    const load = view.frames[0];
    expect(load).toMatchObject({ kind: 'load', website: false, title: 'My App' });
    const url = new URL((load as { url: string }).url);
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:9/apps/myapp/innovaphone-myapp.htm');
    expect([...url.searchParams]).toEqual([['lang', 'en'], ['scheme', 'light'], ['name', 'myapp'], ['title', 'My App'], ['q', 'a b'], ['x', '&']]);
    expect(core.snapshot().activeApp).toBe(view.viewId);
    expect(core.snapshot().runningApps).toEqual([expect.objectContaining({ name: 'myapp', state: 'alive', hidden: false })]);
  });

  it('plain websites: the bare URL, and no message either way', async () => {
    const { core, pbx } = await setup();
    const view = await openView(core, 'website?x=1');
    expect(view.frames[0]).toEqual({ kind: 'load', url: 'https://www.example.com/', website: true, title: 'Website', allow: '' });
    view.post({ mt: 'getLogin', app: 'website', challenge: '1' });
    await new Promise((r) => setTimeout(r, 100));
    expect(pbx.framesOf('AppGetLogin')).toHaveLength(0);
    expect(view.posted).toEqual([]);
  });

  it('only apps the PBX lists (and not hidden ones) can be opened; unknown views cannot attach', async () => {
    const { core } = await setup();
    for (const link of ['secret', 'search', 'nope', '?x']) expect(await core.handle({ type: 'openApp', link })).toMatchObject({ ok: false });
    expect(core.attachAppFrame('0'.repeat(32), () => {})).toBeUndefined();
  });
});

describe('app login (control 7)', () => {
  it('getLogin for the app itself: AppGetLogin for its App Object, Login back to it with a digest its service can verify', async () => {
    const { core, pbx } = await setup();
    const view = await openView(core, 'myapp');
    view.post({ mt: 'getLogin', app: 'myapp', challenge: '4711' });
    const login = await view.next((m) => m.mt === 'Login');
    expect(login).toMatchObject({ pbxObj: 'myapp', app: 'innovaphone-myapp', sip: 'alice' });
    const infoJson = JSON.stringify(login.info);
    expect(login.digest).toBe(appLoginDigest({ app: 'innovaphone-myapp', domain: 'example.com', sip: 'alice', guid: login.guid as string, dn: 'Alice Example', infoJson, challenge: '4711', password: 'app-secret' }));
    expect(pbx.framesOf('AppGetLogin').map((f) => f.msg.app)).toEqual(['myapp']);
  });

  it('forgery: getLogin naming another app gets an error and the PBX never hears of it; the other app’s Login never reaches it', async () => {
    const { core, pbx } = await setup();
    const a = await openView(core, 'myapp');
    const b = await openView(core, 'contacts');
    a.post({ mt: 'getLogin', app: 'contacts', challenge: '1' });
    expect(await a.next((m) => m.mt === 'Login')).toMatchObject({ error: 1, errorText: expect.stringMatching(/only log in as "myapp"/) });
    b.post({ mt: 'getLogin', app: 'contacts', challenge: '2' });
    await b.next((m) => m.mt === 'Login' && m.pbxObj === 'contacts');
    await new Promise((r) => setTimeout(r, 50));
    expect(pbx.framesOf('AppGetLogin').map((f) => f.msg.app)).toEqual(['contacts']);
    expect(a.posted.filter((m) => m.mt === 'Login' && m.key)).toEqual([]);
  });

  it('answers getLogins in the order they were asked', async () => {
    const { core } = await setup();
    const view = await openView(core, 'myapp');
    for (const c of ['1', '2', '3', '4']) view.post({ mt: 'getLogin', app: 'myapp', challenge: c });
    await view.next(() => view.posted.filter((m) => m.mt === 'Login').length === 4);
    const keys = view.posted.filter((m) => m.mt === 'Login').map((m) => m.key);
    const { appSessionKey } = await import('../../main/core/protocol/digest.js');
    expect(keys).toEqual(['1', '2', '3', '4'].map((c) => appSessionKey(c, 'app-secret')));
  });

  it('malformed and unknown messages are dropped; the app keeps working', async () => {
    const { core } = await setup();
    const view = await openView(core, 'myapp');
    for (const bad of ['nonsense', '[]', '{"mt":5}', '{"mt":"getLogin"}', '{"mt":"ApiRequest","api":7}', '{"mt":"SomethingNew"}', 'x'.repeat(2_000_000)]) view.post(bad);
    view.post({ mt: 'getLogin', app: 'myapp', challenge: '9' });
    expect(await view.next((m) => m.mt === 'Login')).toMatchObject({ pbxObj: 'myapp' });
  });
});

describe('Client APIs', () => {
  it('ConsumeApi starts the hidden provider; "*" requests wait for RegisterApi; results and consumer-closed flow', async () => {
    const { core } = await setup();
    const consumer = await openView(core, 'consumer');
    consumer.post({ mt: 'ConsumeApi', api: 'com.innovaphone.search' });
    const update = await consumer.next((m) => m.mt === 'ApiUpdate');
    expect(update.apis).toHaveProperty(['com.innovaphone.search', 'search', 'title'], 'Search');
    expect(update.defaultApiProviders).toMatchObject({ 'com.innovaphone.search': 'search', 'com.innovaphone.client': '@client' });
    const hidden = await until(core, (s) => s.runningApps.some((a) => a.name === 'search'));
    expect(hidden.runningApps.find((a) => a.name === 'search')).toMatchObject({ hidden: true });
    consumer.post({ mt: 'ApiRequest', api: 'com.innovaphone.search', provider: '*', src: 'apisrc-1', msg: { mt: 'Search', search: 'bob' } });
    const provider = viewOf(core, 'search');
    provider.post({ mt: 'Alive' });
    provider.post({ mt: 'RegisterApi', api: 'com.innovaphone.search' });
    const request = await provider.next((m) => m.mt === 'ApiRequest');
    expect(request).toEqual({ mt: 'ApiRequest', api: 'com.innovaphone.search', consumer: 'consumer', src: 'apisrc-1', msg: { mt: 'Search', search: 'bob' } });
    provider.post({ mt: 'ApiModel', api: 'com.innovaphone.search', model: { ready: true } });
    expect(await consumer.next((m) => m.mt === 'ApiUpdate' && JSON.stringify(m).includes('"ready":true'))).toHaveProperty(['apis', 'com.innovaphone.search', 'search', 'restart'], 0);
    provider.post({ mt: 'ApiResult', api: 'com.innovaphone.search', consumer: 'consumer', src: 'apisrc-1', msg: { mt: 'SearchResult' } });
    expect(await consumer.next((m) => m.mt === 'ApiResult')).toEqual({ mt: 'ApiResult', api: 'com.innovaphone.search', provider: 'search', src: 'apisrc-1', msg: { mt: 'SearchResult' } });
    await core.handle({ type: 'closeApp', viewId: consumer.viewId });
    expect(await provider.next((m) => m.mt === 'ApiConsumerClosed')).toEqual({ mt: 'ApiConsumerClosed', api: 'com.innovaphone.search', consumer: 'consumer' });
  });

  it('a request without provider goes to the default provider; an unchanged model is not resent', async () => {
    const { core, pbx } = await setup();
    const consumer = await openView(core, 'consumer');
    consumer.post({ mt: 'ConsumeApi', api: 'com.innovaphone.search' });
    await consumer.next((m) => m.mt === 'ApiUpdate');
    const provider = viewOf(core, 'search');
    provider.post({ mt: 'Alive' });
    provider.post({ mt: 'RegisterApi', api: 'com.innovaphone.search' });
    consumer.post({ mt: 'ApiRequest', api: 'com.innovaphone.search', src: 'd1', msg: { mt: 'Search', search: 'x' } });
    expect(await provider.next((m) => m.mt === 'ApiRequest')).toMatchObject({ consumer: 'consumer', src: 'd1' });
    const updates = () => consumer.posted.filter((m) => m.mt === 'ApiUpdate').length;
    const before = updates();
    // The PBX sends the same app list again: an apps event, but the model is unchanged.
    const resent = new Promise((r) => core.onEvent((e) => e.type === 'apps' && r(e)));
    pbx.setUserApps('alice', [...pbx.config.users[0]!.apps]);
    await resent;
    await new Promise((r) => setTimeout(r, 50));
    expect(updates()).toBe(before);
  });

  it('a provider that never registers: ApiResult with errorText after the timeout', async () => {
    const { core } = await setup();
    const consumer = await openView(core, 'consumer');
    consumer.post({ mt: 'ApiRequest', api: 'com.example.lazy', provider: 'lazy', src: 's1', msg: {} });
    expect(await consumer.next((m) => m.mt === 'ApiResult')).toMatchObject({ api: 'com.example.lazy', provider: 'lazy', src: 's1', errorText: expect.stringMatching(/did not start/) });
    consumer.post({ mt: 'ApiRequest', api: 'com.example.none', src: 's2', msg: {} });
    expect(await consumer.next((m) => m.mt === 'ApiResult' && m.src === 's2')).toMatchObject({ errorText: expect.stringMatching(/No app provides/) });
  });

  it('@client: presence subscription mapped to the PBX, hashtags parsed; model carries user and lang', async () => {
    const { core, pbx } = await setup();
    const app = await openView(core, 'consumer');
    app.post({ mt: 'ConsumeApi', api: 'com.innovaphone.client' });
    const update = await app.next((m) => m.mt === 'ApiUpdate');
    expect(update).toHaveProperty(['apis', 'com.innovaphone.client', '@client', 'model', 'user', 'sip'], 'alice');
    expect(update).toHaveProperty(['apis', 'com.innovaphone.client', '@client', 'model', 'lang'], 'en');
    app.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', provider: '@client', src: 'p1', msg: { mt: 'SubscribePresence', sip: 'carol' } });
    await pbx.waitFor('SubscribePresence', (m) => m.sip === 'carol');
    pbx.setPresence('carol', { activity: 'away', note: 'back soon #until:1524733200000 #free' });
    const presence = await app.next((m) => m.mt === 'ApiResult' && (m.msg as { presence?: { activity?: string }[] })?.presence?.[0]?.activity === 'away');
    expect(presence).toMatchObject({ provider: '@client', src: 'p1', msg: { mt: 'PresenceUpdated', sip: 'carol', presence: expect.arrayContaining([expect.objectContaining({ contact: 'tel:', displayNote: 'back soon', params: { until: 1524733200000, free: '' } })]) } });
  });

  it('@launcher: a notification, clicked, goes back to the app; muted apps show none', async () => {
    const { core } = await setup();
    const app = await openView(core, 'consumer');
    app.post({ mt: 'ApiRequest', api: 'com.innovaphone.launcher', provider: '*', src: 'n1', msg: { mt: 'AddLocalNotification', type: 'Default', title: 'Hello', text: 'World' } });
    const s = await until(core, (x) => x.notifications.length === 1);
    expect(s.notifications[0]).toMatchObject({ app: 'consumer', title: 'Hello', text: 'World', viewId: app.viewId });
    await core.handle({ type: 'showApp' });
    expect(await core.handle({ type: 'notificationClicked', id: s.notifications[0]!.id, action: '' })).toEqual({ ok: true });
    expect(await app.next((m) => m.mt === 'ApiResult' && m.src === 'n1')).toMatchObject({ provider: '@launcher', msg: { mt: 'LocalNotificationClicked', action: '' } });
    expect(core.snapshot().activeApp).toBe(app.viewId);
    expect(core.snapshot().notifications).toEqual([]);
    await core.handle({ type: 'updateSettings', patch: { mutedApps: ['consumer'] } });
    app.post({ mt: 'ApiRequest', api: 'com.innovaphone.launcher', provider: '*', src: 'n2', msg: { mt: 'AddLocalNotification', title: 'Muted' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(core.snapshot().notifications).toEqual([]);
  });
});

describe('actions, channels, language and scheme', () => {
  it('ShowApp @home, ShowApp with a link, SetBadge, StartActivity/FinishActivity, CloseApp', async () => {
    const { core } = await setup();
    const a = await openView(core, 'myapp');
    a.post({ mt: 'Action', type: 'ShowApp', value: '@home' });
    await until(core, (s) => s.activeApp === undefined && s.runningApps.length === 1);
    a.post({ mt: 'Action', type: 'ShowApp', value: 'contacts?id=5' });
    const s = await until(core, (x) => x.runningApps.some((r) => r.name === 'contacts'));
    const contacts = s.runningApps.find((r) => r.name === 'contacts')!;
    expect(s.activeApp).toBe(contacts.viewId);
    a.post({ mt: 'Action', type: 'SetBadge', value: 4 });
    await until(core, (x) => x.runningApps.find((r) => r.name === 'myapp')?.badge === '4');
    a.post({ mt: 'Action', type: 'StartActivity' });
    await until(core, (x) => x.activeApp === a.viewId);
    a.post({ mt: 'Action', type: 'FinishActivity' });
    await until(core, (x) => x.activeApp === contacts.viewId);
    a.post({ mt: 'Action', type: 'CloseApp' });
    await until(core, (x) => x.runningApps.every((r) => r.name !== 'myapp'));
  });

  it('channels: open, connect, messages both ways, close', async () => {
    const { core } = await setup();
    const opener = await openView(core, 'myapp');
    opener.post({ mt: 'OpenChannel', src: 'c1', dst: 'contacts', args: { x: 1 } });
    await until(core, (s) => s.runningApps.some((r) => r.name === 'contacts'));
    const target = viewOf(core, 'contacts');
    target.post({ mt: 'Alive' });
    const open = await target.next((m) => m.mt === 'OpenChannel');
    expect(open).toMatchObject({ opener: 'myapp', args: { x: 1 } });
    target.post({ mt: 'ChannelConnected', channel: open.channel as string });
    expect(await opener.next((m) => m.mt === 'ChannelConnected')).toEqual({ mt: 'ChannelConnected', src: 'c1', channel: open.channel });
    opener.post({ mt: 'ChannelMessage', channel: open.channel as string, msg: 'ping' });
    expect(await target.next((m) => m.mt === 'ChannelMessage')).toEqual({ mt: 'ChannelMessage', channel: open.channel, msg: 'ping' });
    target.post({ mt: 'ChannelMessage', channel: open.channel as string, msg: 'pong' });
    expect(await opener.next((m) => m.mt === 'ChannelMessage')).toMatchObject({ msg: 'pong' });
    opener.post({ mt: 'ChannelMessage', channel: 'ch999', msg: 'stray' });
    target.post({ mt: 'ChannelClosed', channel: open.channel as string });
    expect(await opener.next((m) => m.mt === 'ChannelClosed')).toEqual({ mt: 'ChannelClosed', channel: open.channel });
  });

  it('SetLang and SetScheme reach running apps when they change', async () => {
    const { core } = await setup();
    const view = await openView(core, 'myapp');
    await core.handle({ type: 'updateSettings', patch: { scheme: 'dark', language: 'de' } });
    expect(await view.next((m) => m.mt === 'SetScheme')).toEqual({ mt: 'SetScheme', scheme: 'dark' });
    expect(await view.next((m) => m.mt === 'SetLang')).toEqual({ mt: 'SetLang', lang: 'de' });
    const website = await openView(core, 'website');
    await core.handle({ type: 'updateSettings', patch: { scheme: 'light' } });
    await new Promise((r) => setTimeout(r, 50));
    expect(website.posted).toEqual([]);
  });

  it('opening a running app with new arguments sends it SetArgs instead of reloading it', async () => {
    const { core } = await setup();
    const view = await openView(core, 'myapp?x=1');
    await core.handle({ type: 'openApp', link: 'myapp?x=2&y=z' });
    expect(await view.next((m) => m.mt === 'SetArgs')).toEqual({ mt: 'SetArgs', args: { x: '2', y: 'z' } });
    expect(view.frames.filter((f) => f.kind === 'load')).toHaveLength(1);
  });

  it('RequestPrepareReload → PrepareReload; PrepareReloadComplete → the page is loaded again', async () => {
    const { core } = await setup();
    const view = await openView(core, 'myapp');
    view.post({ mt: 'RequestPrepareReload' });
    expect(await view.next((m) => m.mt === 'PrepareReload')).toEqual({ mt: 'PrepareReload' });
    view.post({ mt: 'PrepareReloadComplete' });
    await until(core, () => view.frames.filter((f) => f.kind === 'load').length === 2);
    expect(core.snapshot().runningApps[0]).toMatchObject({ state: 'starting' });
  });

  it('Wake from the PBX starts the app whose info lists that wake type', async () => {
    const { core, pbx } = await setup();
    pbx.wake('alice', { type: 'phone', incoming: true });
    const s = await until(core, (x) => x.runningApps.some((a) => a.name === 'softphone'));
    expect(s.runningApps.map((a) => a.name)).toEqual(['softphone']);
  });

  it('logout closes every app', async () => {
    const { core } = await setup();
    await openView(core, 'myapp');
    await core.handle({ type: 'logout' });
    expect(core.snapshot().runningApps).toEqual([]);
  });
});
