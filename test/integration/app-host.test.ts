/**
 * App hosting in the core: ClientCore with the PBX emulator, app views attached the way an
 * app-frame page attaches (AppFrameHost), and apps played by the test posting the strings a
 * real app (innovaphone lib1) would post. The browser e2e tests run the same paths with real
 * app pages; these pin down the protocol details.
 */
import { describe, expect, it } from 'vitest';
import { appLoginDigest, appSessionKey } from '../../main/core/protocol/digest.js';
import { openView, setup, until, viewOf, type FakeView } from '../support/core-apps.js';

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

  it('plain websites: the bare URL, and no message either way, though alive — while an app next to it gets every one', async () => {
    const { core, pbx } = await setup();
    const app = await openView(core, 'myapp'); // the positive control: a real app
    const site = await openView(core, 'website?x=1');
    expect(site.frames[0]).toEqual({ kind: 'load', url: 'https://www.example.com/', website: true, title: 'Website', allow: '' });
    site.loaded();
    await until(core, (s) => s.runningApps.find((a) => a.name === 'website')?.state === 'alive');

    // Nothing the website posts is heard (were it, the PBX would see its AppGetLogin before the app's).
    site.post({ mt: 'getLogin', app: 'website', challenge: '1' });
    site.post({ mt: 'ConsumeApi', api: 'com.innovaphone.client' });
    site.post({ mt: 'OpenChannel', src: 'x', dst: 'myapp' });
    app.post({ mt: 'ConsumeApi', api: 'com.innovaphone.client' });
    app.post({ mt: 'getLogin', app: 'myapp', challenge: '2' });
    await app.next((m) => m.mt === 'Login');
    expect(pbx.framesOf('AppGetLogin').map((f) => f.msg.app)).toEqual(['myapp']);
    expect(app.posted.map((m) => m.mt)).toEqual(['ApiUpdate', 'Login']);

    // What is posted to every app is not posted to the website; each step is checked done at the app.
    await core.handle({ type: 'setSystemPreferences', languages: ['de'], dark: true });
    expect(app.posted.filter((m) => m.mt === 'SetLang' || m.mt === 'SetScheme')).toEqual([{ mt: 'SetLang', lang: 'de' }, { mt: 'SetScheme', scheme: 'dark' }]);
    expect(await core.handle({ type: 'setHome', links: ['myapp?pinned=1'] })).toEqual({ ok: true });
    expect(await app.next((m) => m.mt === 'ApiUpdate' && JSON.stringify(m).includes('myapp?pinned=1'))).toBeDefined();
    await core.handle({ type: 'openApp', link: 'website?x=2' });
    await core.handle({ type: 'openApp', link: 'myapp?x=2' });
    expect(await app.next((m) => m.mt === 'SetArgs')).toEqual({ mt: 'SetArgs', args: { x: '2' } });
    expect(site.posted).toEqual([]);
    expect(site.frames).toHaveLength(1);
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
    // b asked after a, on the same PBX socket: had a's request gone out, the PBX would have it
    // first, and its answer would have come before b's.
    await b.next((m) => m.mt === 'Login' && m.pbxObj === 'contacts');
    expect(pbx.framesOf('AppGetLogin').map((f) => f.msg.app)).toEqual(['contacts']);
    expect(a.posted.filter((m) => m.mt === 'Login' && m.key)).toEqual([]);
  });

  it('answers getLogins in the order they were asked, though the PBX answers them last first', async () => {
    const { core, pbx } = await setup();
    const view = await openView(core, 'myapp');
    pbx.holdAppLogins();
    for (const c of ['1', '2', '3', '4']) view.post({ mt: 'getLogin', app: 'myapp', challenge: c });
    await pbx.waitFor('AppGetLogin', (m) => m.challenge === '4');
    expect(pbx.releaseAppLogins('reversed')).toBe(4);
    await view.next(() => view.posted.filter((m) => m.mt === 'Login').length === 4);
    const keys = view.posted.filter((m) => m.mt === 'Login').map((m) => m.key);
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
    expect(consumer.posted.filter((m) => m.mt === 'ApiUpdate').at(-1)).toHaveProperty(['apis', 'com.example.lazy', 'lazy']);
    // The PBX sends the same app list again: an apps event, but the model is unchanged.
    const apps = [...pbx.config.users[0]!.apps];
    pbx.setUserApps('alice', apps);
    // Positive control: a list that does change the model, sent after it on the same socket, is
    // the one more ApiUpdate.
    pbx.setUserApps('alice', apps.filter((a) => a !== 'lazy'));
    await consumer.next((m) => m.mt === 'ApiUpdate' && !JSON.stringify(m).includes('com.example.lazy'));
    expect(updates()).toBe(before + 1);
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

  it('@client: a second subscriber of a target the PBX already reports (one subscription there) gets its presence at once; an unsubscribed target is forgotten', async () => {
    const { core, pbx } = await setup();
    const first = await openView(core, 'consumer');
    first.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', provider: '@client', src: 'p1', msg: { mt: 'SubscribePresence', sip: 'carol' } });
    await pbx.waitFor('SubscribePresence', (m) => m.sip === 'carol');
    pbx.setPresence('carol', { activity: 'busy', note: 'in a call' });
    await first.next((m) => m.mt === 'ApiResult' && JSON.stringify(m.msg).includes('in a call'));
    // Another app, and the first app again under a new src: the PBX is not asked again, and each
    // gets carol's presence as the PBX last reported it, without waiting for the next change.
    const second = await openView(core, 'myapp');
    second.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', provider: '@client', src: 'q1', msg: { mt: 'SubscribePresence', sip: 'carol' } });
    first.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', provider: '@client', src: 'p2', msg: { mt: 'SubscribePresence', sip: 'carol' } });
    for (const [app, src] of [[second, 'q1'], [first, 'p2']] as const) {
      expect(await app.next((m) => m.mt === 'ApiResult' && m.src === src)).toMatchObject({ msg: { mt: 'PresenceUpdated', sip: 'carol', presence: expect.arrayContaining([expect.objectContaining({ activity: 'busy', note: 'in a call' })]) } });
    }
    expect(pbx.framesOf('SubscribePresence').filter((f) => f.msg?.sip === 'carol')).toHaveLength(1);
    // Every subscriber gone: the next subscriber waits for the PBX's own answer, not an old presence.
    first.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', provider: '@client', src: 'u1', msg: { mt: 'UnsubscribePresence' } });
    second.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', provider: '@client', src: 'u2', msg: { mt: 'UnsubscribePresence' } });
    await pbx.waitFor('UnsubscribePresence', (m) => m.sip === 'carol');
    pbx.setPresence('carol', { activity: 'away', note: 'gone' });
    second.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', provider: '@client', src: 'q2', msg: { mt: 'SubscribePresence', sip: 'carol' } });
    const fresh = await second.next((m) => m.mt === 'ApiResult' && m.src === 'q2');
    expect(JSON.stringify(fresh.msg)).toContain('gone');
    expect(JSON.stringify(fresh.msg)).not.toContain('in a call');
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
    // Positive control: an app that is not muted, asking after it, gets its notification shown.
    const other = await openView(core, 'myapp');
    other.post({ mt: 'ApiRequest', api: 'com.innovaphone.launcher', provider: '*', src: 'n3', msg: { mt: 'AddLocalNotification', title: 'Not muted' } });
    const shown = await until(core, (x) => x.notifications.length > 0);
    expect(shown.notifications.map((n) => [n.app, n.title])).toEqual([['myapp', 'Not muted']]);
  });
});

describe('@client SetAttachedToHome', () => {
  it('an app pins its own links to the home screen, never another app’s', async () => {
    const { core, pbx } = await setup();
    const app = await openView(core, 'consumer');
    const attach = (src: string, reference: string) =>
      app.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', provider: '@client', src, msg: { mt: 'SetAttachedToHome', reference, attached: true } });
    const result = (src: string) => app.next((m) => m.mt === 'ApiResult' && m.src === src);
    attach('other', 'contacts?id=1');
    attach('prefix', 'consumerevil');
    attach('own', 'consumer?id=7#d=Seven');
    expect((await result('other')).msg).toEqual({ mt: 'SetAttachedToHomeResult', error: 'only links to the app itself can be attached' });
    expect((await result('prefix')).msg).toMatchObject({ error: expect.any(String) });
    expect((await result('own')).msg).toEqual({ mt: 'SetAttachedToHomeResult' });
    // The own link's SetApps is the control: refused ones, asked for before it, would have come first.
    await pbx.waitFor('SetApps');
    expect(pbx.framesOf('SetApps').map((f) => f.msg.home)).toEqual(['contacts,badger,consumer?id=7#d=Seven']);
    expect(core.snapshot().apps!.home.map((h) => h.link)).toEqual(['contacts', 'badger', 'consumer?id=7#d=Seven']);
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

  it('channels: only the two ends use a channel; a third app knowing its id reaches no one', async () => {
    const { core } = await setup();
    const opener = await openView(core, 'myapp');
    const target = await openView(core, 'contacts');
    const third = await openView(core, 'consumer');
    opener.post({ mt: 'OpenChannel', src: 'c1', dst: 'contacts' });
    const { channel } = (await target.next((m) => m.mt === 'OpenChannel')) as { channel: string };
    // Before the target connects, nobody else can connect it for the target.
    third.post({ mt: 'ChannelConnected', channel });
    target.post({ mt: 'ChannelConnected', channel });
    await opener.next((m) => m.mt === 'ChannelConnected');
    third.post({ mt: 'ChannelMessage', channel, msg: 'intruder' });
    third.post({ mt: 'ChannelConnected', channel });
    third.post({ mt: 'ChannelClosed', channel });
    // Positive control: the ends still talk, both ways, after everything the third app posted.
    opener.post({ mt: 'ChannelMessage', channel, msg: 'ping' });
    expect(await target.next((m) => m.mt === 'ChannelMessage')).toEqual({ mt: 'ChannelMessage', channel, msg: 'ping' });
    target.post({ mt: 'ChannelMessage', channel, msg: 'pong' });
    await opener.next((m) => m.mt === 'ChannelMessage' && m.msg === 'pong');
    const channelTraffic = (v: FakeView) => v.posted.filter((m) => m.mt !== 'ApiUpdate');
    expect(channelTraffic(opener)).toEqual([{ mt: 'ChannelConnected', src: 'c1', channel }, { mt: 'ChannelMessage', channel, msg: 'pong' }]);
    expect(channelTraffic(target)).toEqual([{ mt: 'OpenChannel', channel, opener: 'myapp' }, { mt: 'ChannelMessage', channel, msg: 'ping' }]);
    expect(third.posted).toEqual([]);
  });

  it('SetLang and SetScheme reach running apps when they change', async () => {
    const { core } = await setup();
    const view = await openView(core, 'myapp');
    await core.handle({ type: 'updateSettings', patch: { scheme: 'dark', language: 'de' } });
    expect(await view.next((m) => m.mt === 'SetScheme')).toEqual({ mt: 'SetScheme', scheme: 'dark' });
    expect(await view.next((m) => m.mt === 'SetLang')).toEqual({ mt: 'SetLang', lang: 'de' });
    // Unchanged: nothing new (the change after it is the control; websites: see "plain websites").
    await core.handle({ type: 'updateSettings', patch: { language: 'de' } });
    await core.handle({ type: 'updateSettings', patch: { scheme: 'light' } });
    await view.next((m) => m.mt === 'SetScheme' && m.scheme === 'light');
    expect(view.posted.filter((m) => m.mt === 'SetLang' || m.mt === 'SetScheme')).toEqual([
      { mt: 'SetLang', lang: 'de' },
      { mt: 'SetScheme', scheme: 'dark' },
      { mt: 'SetScheme', scheme: 'light' },
    ]);
  });

  it('the OS language changing (language "auto") reaches @client consumers in the model', async () => {
    const { core } = await setup();
    const view = await openView(core, 'myapp');
    view.post({ mt: 'ConsumeApi', api: 'com.innovaphone.client' });
    await view.next((m) => m.mt === 'ApiUpdate');
    await core.handle({ type: 'setSystemPreferences', languages: ['fr-CH'], dark: false });
    const update = await view.next((m) => m.mt === 'ApiUpdate' && JSON.stringify(m).includes('"lang":"fr"'));
    expect(update).toHaveProperty(['apis', 'com.innovaphone.client', '@client', 'model', 'lang'], 'fr');
    // The UI's rule: the first OS language the UI has strings for (Polish has none), so the app
    // speaks what the client around it speaks.
    await core.handle({ type: 'setSystemPreferences', languages: ['pl-PL', 'de-DE'], dark: false });
    await core.handle({ type: 'setSystemPreferences', languages: ['it-IT'], dark: false });
    await view.next((m) => m.mt === 'SetLang' && m.lang === 'it');
    expect(view.posted.filter((m) => m.mt === 'SetLang')).toEqual([
      { mt: 'SetLang', lang: 'fr' },
      { mt: 'SetLang', lang: 'de' },
      { mt: 'SetLang', lang: 'it' },
    ]);
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

  it('logout closes every app', async () => {
    const { core } = await setup();
    await openView(core, 'myapp');
    await core.handle({ type: 'logout' });
    expect(core.snapshot().runningApps).toEqual([]);
  });
});
