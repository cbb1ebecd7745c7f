/**
 * The sample apps' library (test/apps/applib.js) in Chromium, without our client: loaded
 * top-level it must refuse to ask for a login; hosted in an iframe by a minimal stand-in host
 * (this file: it relays getLogin to the PBX emulator and plays the API broker by hand) it must
 * behave as app-hosting.md §1–§3 says, so the client's e2e tests can rely on it.
 */
import { test, expect, type Frame, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sentMessages, type SampleAppHooks } from '../apps/hooks.js';
import { PbxUser } from '../apps/pbx-client.js';
import { startSampleApps, type SampleApps } from '../apps/server.js';
import { PbxEmulator } from '../pbx/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- messages are free-form JSON
type Msg = Record<string, any>;

const APPS = [
  { name: 'echo', kind: 'echo', password: 'echopwd' },
  { name: 'search', kind: 'search', password: 'searchpwd' },
  { name: 'searchclient', kind: 'searchClient', password: 'scpwd' },
  { name: 'badge', kind: 'badge', password: 'badgepwd' },
  { name: 'phone', kind: 'phone', password: 'phonepwd' },
  { name: 'channel', kind: 'channel', password: 'channelpwd' },
] as const;

let apps: SampleApps;
let pbx: PbxEmulator;
let hostServer: Server;
let hostOrigin: string;

test.beforeEach(async () => {
  apps = await startSampleApps({ apps: [...APPS] });
  pbx = await PbxEmulator.start({
    port: 0,
    config: {
      domain: 'example.com',
      pbx: 'master',
      users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', apps: APPS.map((a) => a.name) }],
      appObjects: APPS.map((a) => ({ name: a.name, title: a.name, password: a.password, url: apps.urlOf(a.name) })),
    },
  });
  // The stand-in host page lives on an origin of its own, like the client's app-frame page.
  hostServer = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>host</title><body></body>'));
  await new Promise<void>((r) => hostServer.listen(0, '127.0.0.1', r));
  hostOrigin = `http://127.0.0.1:${(hostServer.address() as AddressInfo).port}`;
});

test.afterEach(async () => {
  await apps.close();
  await pbx.stop();
  await new Promise((r) => hostServer.close(r));
});

/**
 * Positive control for "the app sent its service nothing more": a KeepAlive (which the service
 * records and never answers) sent on the app's own AppWebsocket (applib.js `hooks.connection`),
 * awaited at the service. Frames on one socket arrive in order: whatever the app sent before it
 * is in `apps.received` by then.
 */
async function serviceControl(page: Page, name: string, frame?: string): Promise<void> {
  const target: Frame = frame ? page.frame({ name: frame })! : page.mainFrame();
  await target.evaluate(() => (window.sampleApp as unknown as { connection: { raw(msg: object): void } }).connection.raw({ mt: 'KeepAlive' }));
  await apps.waitFor(name, 'KeepAlive');
}

const hooksOf = (page: Page, frame?: string) =>
  frame
    ? page.frame({ name: frame })!.evaluate(() => JSON.parse(JSON.stringify(window.sampleApp)) as SampleAppHooks)
    : page.evaluate(() => JSON.parse(JSON.stringify(window.sampleApp)) as SampleAppHooks);

test('loaded top-level, an app says it must run inside myApps and never posts getLogin', async ({ page }) => {
  await page.goto(`${apps.urlOf('echo')}.htm?lang=de&scheme=light&name=echo&title=Echo%20App&q=a%2Bb+c`);
  await expect(page.getByRole('status')).toHaveText('This app must run inside myApps');
  await expect(page.getByRole('heading', { name: 'Echo' })).toBeVisible();
  await expect(page.getByText('Language: de')).toBeVisible();
  await expect(page.getByText('Scheme: light')).toBeVisible();
  await expect(page.getByText('Title: Echo App')).toBeVisible();
  const hooks = await hooksOf(page);
  expect(hooks.topLevel).toBe(true);
  expect(hooks.loginState).toBe('toplevel');
  expect(sentMessages(hooks)[0]).toEqual({ mt: 'Alive' });
  expect(sentMessages(hooks).map((m) => m.mt)).not.toContain('getLogin');
  // lib1 decodes with decodeURIComponent only: "+" stays "+".
  expect(hooks.start).toMatchObject({ lang: 'de', scheme: 'light', name: 'echo', title: 'Echo App', args: { q: 'a+b+c' }, url: `${apps.origin.replace('http', 'ws')}/apps/echo` });
  // It did reach its service (a challenge), but no login was attempted: the status above says the
  // challenge's answer was handled, and an AppLogin would have gone out then, before the control.
  await apps.waitFor('echo', 'AppChallenge');
  await serviceControl(page, 'echo');
  expect(apps.received('echo').map((f) => f.mt)).toEqual(['AppChallenge', 'KeepAlive']);
});

/** A minimal host: iframes named after their app, messages relayed to Node, getLogin answered through the PBX. */
class Host {
  readonly inbox = new Map<string, Msg[]>();
  refuseLoginFor = new Set<string>();
  private closed = false;
  private constructor(readonly page: Page, readonly user: PbxUser) {}

  static async open(page: Page): Promise<Host> {
    const host = new Host(page, await PbxUser.login(pbx.url, 'alice', 'Secret123!'));
    await page.exposeFunction('toHost', (name: string, data: unknown) => host.fromApp(name, data));
    await page.goto(`${hostOrigin}/host.html`);
    await page.evaluate(() => {
      window.addEventListener('message', (e) => {
        const frame = [...document.querySelectorAll('iframe')].find((f) => f.contentWindow === e.source);
        if (frame) (window as unknown as { toHost: (n: string, d: unknown) => void }).toHost(frame.name, typeof e.data === 'string' ? e.data : { notAString: true });
      });
    });
    return host;
  }

  async start(name: string, args = '', sandbox?: string): Promise<void> {
    this.inbox.set(name, []);
    const url = `${apps.urlOf(name)}.htm?lang=en&scheme=dark&name=${name}&title=${encodeURIComponent(name)}${args}`;
    await this.page.evaluate(([n, u, sb]) => {
      const f = document.createElement('iframe');
      f.name = n!;
      f.title = n!;
      if (sb !== undefined) f.setAttribute('sandbox', sb);
      f.src = u!;
      f.style.width = '600px';
      f.style.height = '500px';
      document.body.append(f);
    }, [name, url, sandbox] as const);
  }

  frame(name: string) {
    return this.page.frameLocator(`iframe[name="${name}"]`);
  }

  async post(name: string, msg: Msg | string): Promise<void> {
    await this.page.evaluate(([n, t]) => (document.querySelector(`iframe[name="${n}"]`) as HTMLIFrameElement).contentWindow!.postMessage(t, '*'), [name, typeof msg === 'string' ? msg : JSON.stringify(msg)]);
  }

  async next(name: string, mt: string, pred: (m: Msg) => boolean = () => true): Promise<Msg> {
    let found: Msg | undefined;
    await expect.poll(() => (found = this.inbox.get(name)?.find((m) => m.mt === mt && pred(m))), { message: `${name}: ${mt}` }).toBeTruthy();
    return found!;
  }

  private fromApp(name: string, data: unknown): void {
    const msg = typeof data === 'string' ? (JSON.parse(data) as Msg) : { mt: '(not a string)' };
    this.inbox.get(name)?.push(msg);
    if (msg.mt === 'getLogin') this.login(name, msg).catch((e: unknown) => (this.closed ? undefined : console.error(e)));
  }

  /** The host, not the message, decides which app asks: AppGetLogin for the frame's app. */
  private async login(name: string, msg: Msg): Promise<void> {
    const r = await this.user.appGetLogin(name, String(msg.challenge));
    const { src: _src, ...fields } = r;
    const login: Msg = { ...fields, mt: 'Login' };
    if (this.refuseLoginFor.has(name)) login.pbxObj = 'someone-else';
    await this.post(name, login);
  }

  close(): void {
    this.closed = true;
    this.user.close();
  }
}

test('echo in a frame: Alive first, login through the host, lang/scheme/args, actions, string-only messages', async ({ page }) => {
  const host = await Host.open(page);
  await host.start('echo', '&q=x');
  const echo = host.frame('echo');
  await expect(echo.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  await expect(echo.getByText('Session key: verified')).toBeVisible();
  await expect(echo.getByText('Service: Alice Example (alice@example.com)')).toBeVisible();
  expect(host.inbox.get('echo')![0]).toEqual({ mt: 'Alive' });
  expect(await host.next('echo', 'getLogin')).toEqual({ mt: 'getLogin', app: 'echo', challenge: expect.stringMatching(/^[0-9a-f]{16}$/) });
  const login = await apps.waitFor('echo', 'AppLogin');
  expect(login).toMatchObject({ app: 'echo', sip: 'alice', pbxObj: 'echo', info: { appobj: 'echo' } });
  expect(login.key).toBeUndefined();

  await expect(echo.getByText('Args: {"q":"x"}')).toBeVisible();
  await host.post('echo', { mt: 'SetLang', lang: 'de' });
  await host.post('echo', { mt: 'SetScheme', scheme: 'light' });
  await host.post('echo', { mt: 'SetArgs', args: { q: 'y' } });
  await expect(echo.getByText('Language: de')).toBeVisible();
  await expect(echo.getByText('Scheme: light')).toBeVisible();
  await expect(echo.getByText('Args: {"q":"y"}')).toBeVisible();

  await echo.getByRole('button', { name: 'Count' }).click();
  await echo.getByRole('button', { name: 'Count' }).click();
  await expect(echo.getByText('Count: 2')).toBeVisible();
  await echo.getByRole('button', { name: 'Set badge' }).click();
  await echo.getByRole('button', { name: 'Go home' }).click();
  await echo.getByRole('button', { name: 'Open search client' }).click();
  await echo.getByRole('button', { name: 'Set args' }).click();
  await host.next('echo', 'Action', (m) => m.type === 'SetArgs');
  expect(host.inbox.get('echo')!.filter((m) => m.mt === 'Action')).toEqual([
    { mt: 'Action', type: 'SetBadge', value: 2 },
    { mt: 'Action', type: 'ShowApp', value: '@home' },
    { mt: 'Action', type: 'ShowApp', value: 'searchclient?q=x' },
    { mt: 'Action', type: 'SetArgs', args: { count: '2' }, title: 'Echo 2' },
  ]);

  // Only strings count; API messages only from the parent.
  await page.evaluate(() => (document.querySelector('iframe[name="echo"]') as HTMLIFrameElement).contentWindow!.postMessage({ mt: 'SetLang', lang: 'fr' }, '*'));
  await page.frame({ name: 'echo' })!.evaluate(() => window.postMessage(JSON.stringify({ mt: 'ApiUpdate', apis: { x: { evil: {} } } }), '*'));
  await expect.poll(async () => (await hooksOf(page, 'echo')).ignored.map((i) => i.reason)).toEqual(['not a string', 'not from the parent']);
  await expect(echo.getByText('Language: de')).toBeVisible();
  expect((await hooksOf(page, 'echo')).start.apis).toEqual({});

  // Test hook: post anything, e.g. a getLogin for another app, or a non-string.
  await page.frame({ name: 'echo' })!.evaluate(() => {
    window.sampleApp!.post(JSON.stringify({ mt: 'getLogin', app: 'other', challenge: '1' }));
    window.sampleApp!.post({ mt: 'Alive' });
  });
  await host.next('echo', '(not a string)');
  // The host asks the PBX for the frame's own app; the Login finds no pending getLogin in the app.
  await expect.poll(async () => (await hooksOf(page, 'echo')).ignored.map((i) => i.reason)).toContain('Login without a pending getLogin');
  expect(await apps.waitFor('echo', 'AppLogin')).toBeDefined();
  expect(apps.received('echo').filter((f) => f.mt === 'AppLogin')).toHaveLength(1);
  host.close();
});

test('an app also runs in a sandboxed frame with an opaque origin (allow-scripts only)', async ({ page }) => {
  const host = await Host.open(page);
  await host.start('echo', '', 'allow-scripts');
  await expect(host.frame('echo').getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  await expect(host.frame('echo').getByText('Session key: verified')).toBeVisible();
  host.close();
});

test('a Login for another App Object is refused: no AppLogin, the key is dropped', async ({ page }) => {
  const host = await Host.open(page);
  host.refuseLoginFor.add('echo');
  await host.start('echo');
  await expect(host.frame('echo').getByRole('status')).toHaveText('Login failed: login refused: not for this app');
  // The status says the Login was handled; an AppLogin would have gone out then, before the control.
  await serviceControl(page, 'echo', 'echo');
  expect(apps.received('echo').map((f) => f.mt)).toEqual(['AppChallenge', 'KeepAlive']);
  host.close();
});

test('search provider logs in, registers, answers Search with two SearchInfo and a SearchResult, reports closed consumers', async ({ page }) => {
  const host = await Host.open(page);
  await host.start('search');
  await expect(host.frame('search').getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  expect(await host.next('search', 'RegisterApi')).toEqual({ mt: 'RegisterApi', api: 'com.innovaphone.search' });
  await host.post('search', { mt: 'ApiRequest', api: 'com.innovaphone.search', consumer: 'searchclient', src: 'apisrc-7', msg: { mt: 'Search', type: 'contact', search: 'ann' } });
  await host.next('search', 'ApiResult', (m) => m.msg.mt === 'SearchResult');
  expect(host.inbox.get('search')!.filter((m) => m.mt === 'ApiResult').map((m) => [m.api, m.consumer, m.src, m.msg.mt, m.msg.dn])).toEqual([
    ['com.innovaphone.search', 'searchclient', 'apisrc-7', 'SearchInfo', 'Result 1 for ann'],
    ['com.innovaphone.search', 'searchclient', 'apisrc-7', 'SearchInfo', 'Result 2 for ann'],
    ['com.innovaphone.search', 'searchclient', 'apisrc-7', 'SearchResult', undefined],
  ]);
  await expect(host.frame('search').getByText('Last search: ann (from searchclient)')).toBeVisible();
  await host.post('search', { mt: 'ApiConsumerClosed', api: 'com.innovaphone.search', consumer: 'searchclient' });
  expect(await apps.waitFor('search', 'ConsumerClosed')).toEqual({ mt: 'ConsumerClosed', api: 'com.innovaphone.search', consumer: 'searchclient' });
  host.close();
});

test('search client: app-link args search at once, ApiUpdate providers, results per provider', async ({ page }) => {
  const host = await Host.open(page);
  await host.start('searchclient', '&q=x');
  const sc = host.frame('searchclient');
  const req = await host.next('searchclient', 'ApiRequest');
  expect(req).toEqual({ mt: 'ApiRequest', api: 'com.innovaphone.search', src: 'apisrc-1', provider: '*', msg: { mt: 'Search', type: 'contact', search: 'x' } });
  expect(host.inbox.get('searchclient')!.map((m) => m.mt)).toContain('ConsumeApi');
  await expect(sc.getByRole('searchbox', { name: 'Query' })).toHaveValue('x');
  await host.post('searchclient', { mt: 'ApiUpdate', apis: { 'com.innovaphone.search': { search: { title: 'Search' }, contacts: {} } }, defaultApiProviders: { 'com.innovaphone.search': 'search' } });
  await expect(sc.getByText('Providers: search, contacts')).toBeVisible();
  await expect(sc.getByText('Default provider: search')).toBeVisible();
  for (const m of [{ mt: 'SearchInfo', dn: 'Result 1 for x' }, { mt: 'SearchResult' }]) await host.post('searchclient', { mt: 'ApiResult', api: 'com.innovaphone.search', provider: 'search', src: req.src, msg: m });
  await expect(sc.getByRole('list', { name: 'Results' }).getByRole('listitem')).toHaveText(['search: Result 1 for x']);
  await expect(sc.getByText('Complete: search')).toBeVisible();
  await expect(sc.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  host.close();
});

test('badge: SetBadge per Increment, presence through @client, launcher notification', async ({ page }) => {
  const host = await Host.open(page);
  await host.start('badge');
  const badge = host.frame('badge');
  await expect(badge.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
  await badge.getByRole('button', { name: 'Increment' }).click();
  await badge.getByRole('button', { name: 'Increment' }).click();
  await expect(badge.getByText('Badge: 2')).toBeVisible();
  expect(host.inbox.get('badge')!.filter((m) => m.mt === 'Action')).toEqual([{ mt: 'Action', type: 'SetBadge', value: 1 }, { mt: 'Action', type: 'SetBadge', value: 2 }]);
  // Subscribes once an ApiUpdate lists @client.
  await host.post('badge', { mt: 'ApiUpdate', apis: { 'com.innovaphone.client': { '@client': { model: {} } } }, defaultApiProviders: {} });
  const sub = await host.next('badge', 'ApiRequest', (m) => m.msg.mt === 'SubscribePresence');
  expect(sub).toMatchObject({ api: 'com.innovaphone.client', provider: '@client', msg: { mt: 'SubscribePresence', sip: 'bob' } });
  await host.post('badge', { mt: 'ApiResult', api: 'com.innovaphone.client', provider: '@client', src: sub.src, msg: { mt: 'PresenceUpdated', sip: 'bob', presence: [{ contact: 'tel:', activity: 'busy', note: 'In a meeting #until:1', displayNote: 'In a meeting' }] } });
  await expect(badge.getByText('bob: busy — In a meeting')).toBeVisible();
  await badge.getByRole('button', { name: 'Notify', exact: true }).click();
  const note = await host.next('badge', 'ApiRequest', (m) => m.api === 'com.innovaphone.launcher');
  expect(note).toMatchObject({ provider: '*', msg: { mt: 'AddLocalNotification', type: 'Default', title: 'Hello', text: 'From the badge app' } });
  await host.post('badge', { mt: 'ApiResult', api: 'com.innovaphone.launcher', provider: 'launcher', src: note.src, msg: { mt: 'LocalNotificationClicked', action: '' } });
  await expect(badge.getByText('Notification clicked: default')).toBeVisible();
  await badge.getByRole('button', { name: 'Notify call' }).click();
  const call = await host.next('badge', 'ApiRequest', (m) => m.api === 'com.innovaphone.launcher' && m.msg.type === 'PhoneCall');
  expect(call).toMatchObject({ provider: '*', msg: { mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Call from Bob', rejectTitle: 'Decline', largeIcon: 'call.png' } });
  expect(call.src).not.toBe(note.src);
  await host.post('badge', { mt: 'ApiResult', api: 'com.innovaphone.launcher', provider: 'launcher', src: call.src, msg: { mt: 'LocalNotificationClicked', action: 'reply', replyText: 'on my way' } });
  await expect(badge.getByText('Notification clicked: reply — on my way')).toBeVisible();
  host.close();
});

test('phone: provides com.innovaphone.phone and publishes calls', async ({ page }) => {
  const host = await Host.open(page);
  await host.start('phone');
  await host.next('phone', 'ApiModel');
  expect(host.inbox.get('phone')!.filter((m) => m.mt === 'RegisterApi' || m.mt === 'ApiModel')).toEqual([
    { mt: 'RegisterApi', api: 'com.innovaphone.phone' },
    { mt: 'ApiModel', api: 'com.innovaphone.phone', model: { registered: true, calls: [] } },
  ]);
  await host.post('phone', { mt: 'ApiRequest', api: 'com.innovaphone.phone', consumer: 'echo', src: 's1', msg: { mt: 'StartCall', num: '202' } });
  await expect(host.frame('phone').getByText('Calling 202')).toBeVisible();
  expect(await host.next('phone', 'ApiModel', (m) => m.model.calls.length === 1)).toEqual({ mt: 'ApiModel', api: 'com.innovaphone.phone', model: { registered: true, calls: [{ id: 1, dir: 'o', state: 'Setup', num: '202' }] } });
  // PrepareCall only fills in the number: no call.
  await host.post('phone', { mt: 'ApiRequest', api: 'com.innovaphone.phone', consumer: '@client', src: 's2', msg: { mt: 'PrepareCall', txt: 'sip:bob@example.com' } });
  await expect(host.frame('phone').getByText('Prepared sip:bob@example.com')).toBeVisible();
  await expect(host.frame('phone').getByText('Calls: 1')).toBeVisible();
  host.close();
});

test('channel: opener src, accepted by echo, messages both ways; rejected without onopenchannel', async ({ page }) => {
  const host = await Host.open(page);
  await host.start('channel');
  await host.start('echo');
  const ch = host.frame('channel');
  await ch.getByRole('button', { name: 'Open channel' }).click();
  const open = await host.next('channel', 'OpenChannel');
  expect(open).toEqual({ mt: 'OpenChannel', src: 1, dst: 'echo', args: { from: 'channel' } });
  // The host relays: the destination gets the channel id and the opener's name.
  await host.post('echo', { mt: 'OpenChannel', channel: 'c1', opener: 'channel', args: open.args });
  expect(await host.next('echo', 'ChannelConnected')).toEqual({ mt: 'ChannelConnected', channel: 'c1' });
  // Our client echoes the numeric src as a string; lib1 compares loosely, so must the sample library.
  await host.post('channel', { mt: 'ChannelConnected', src: '1', channel: 'c1' });
  await expect(ch.getByText('Channel: connected to echo')).toBeVisible();
  await ch.getByRole('button', { name: 'Send' }).click();
  const sent = await host.next('channel', 'ChannelMessage');
  expect(sent).toEqual({ mt: 'ChannelMessage', channel: 'c1', msg: { text: 'hello' } });
  await host.post('echo', sent);
  const echoed = await host.next('echo', 'ChannelMessage');
  expect(echoed).toEqual(sent);
  await host.post('channel', echoed);
  await expect(ch.getByText('Received: hello')).toBeVisible();
  // Badge has no onopenchannel: lib1 rejects at once.
  await host.start('badge');
  await host.next('badge', 'Alive'); // its listener is in place
  await host.post('badge', { mt: 'OpenChannel', channel: 'c2', opener: 'channel', args: {} });
  expect(await host.next('badge', 'ChannelClosed')).toEqual({ mt: 'ChannelClosed', channel: 'c2' });
  host.close();
});
