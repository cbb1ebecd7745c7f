/**
 * The PBX emulator driven by a bare `ws` client written here: every digest is recomputed
 * inline from the spec (pbx-session.md), never with the client's or the emulator's helpers,
 * so this test checks the emulator's wire behaviour, not its code against itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { type ClientOptions } from 'ws';
import { randomHex, rc4DecryptHex, sha256Hex } from '../../main/core/protocol/crypto.js';
import { PbxEmulator, SessionStore, validateEmulatorConfig } from '../pbx/index.js';
import type { AppObjectConfig, EmulatorConfig } from '../pbx/index.js';

import { JsonSocket, type Msg } from '../support/json-socket.js';

/** The test's bare client: frames in an inbox, "take the next of this mt". */
class RawClient {
  private constructor(private readonly socket: JsonSocket) {}
  static async open(url: string, opts?: ClientOptions): Promise<RawClient> {
    return new RawClient(await JsonSocket.open(url, opts));
  }
  get ws() {
    return this.socket.ws;
  }
  get inbox() {
    return this.socket.inbox;
  }
  get closed() {
    return this.socket.closed;
  }
  send(msg: object) {
    this.socket.send(msg);
  }
  next(mt: string, pred?: (m: Msg) => boolean, timeoutMs?: number) {
    return this.socket.next(mt, pred, timeoutMs);
  }
  takeAll(mt: string) {
    return this.socket.takeAll(mt);
  }
  /**
   * A round trip on this socket (CheckBuild → CheckBuildResult, answered in any state): every
   * frame the emulator sent this socket before it handled the CheckBuild has arrived by then.
   */
  async sync(): Promise<void> {
    this.send({ mt: 'CheckBuild' });
    await this.next('CheckBuildResult');
  }
  /**
   * No message of this mt came, as far as a round trip can tell: call it after whatever would
   * have sent one, once the emulator acted on it (hooks act at once; a message from another
   * socket needs a sign of having been handled first).
   */
  async none(mt: string): Promise<void> {
    await this.sync();
    expect(this.takeAll(mt)).toEqual([]);
  }
}

// --- the spec's formulas, written out once more -------------------------------------------

const response = (type: string, domain: string, u: string, p: string, n: string, c: string) =>
  sha256Hex(`innovaphoneAppClient:${type}:${domain}:${u}:${p}:${n}:${c}`);

interface Proof { username: string; secret: string; nonce: string; challenge: string }

const resultDigest = (domain: string, p: Proof, infoJson: string) =>
  sha256Hex(`innovaphoneAppClient:loginresult:${domain}:${p.username}:${p.secret}:${p.nonce}:${p.challenge}:${infoJson}`);

const decryptSession = (p: Proof, s: { usr: string; pwd: string }) => ({
  usr: rc4DecryptHex(`innovaphoneAppClient:usr:${p.nonce}:${p.secret}`, s.usr),
  pwd: rc4DecryptHex(`innovaphoneAppClient:pwd:${p.nonce}:${p.secret}`, s.pwd),
});

const DOMAIN = 'example.com';
const APPS = 'http://127.0.0.1:9/apps';

function config(): EmulatorConfig {
  return {
    domain: DOMAIN,
    pbx: 'master',
    users: [
      {
        sip: 'alice', password: 'Secret123!', dn: 'Alice Example', num: '201', email: 'alice@example.com',
        apps: ['contacts', 'myapp~admin', 'myapp~debug', 'search', 'site', 'phone', 'badger'], groups: ['sales'], home: ['contacts', 'phone'],
      },
      { sip: 'bob', password: 'bobpass', dn: 'Bob', num: '202', apps: ['contacts'], twoFactor: true },
      { sip: 'carol', password: 'carolpass', apps: ['contacts'] },
    ],
    appObjects: [
      { name: 'contacts', title: 'Contacts', description: 'Address book', password: 'apppwd', url: `${APPS}/contacts/innovaphone-contacts` },
      { name: 'myapp', title: 'My App', password: 'app-secret', url: `${APPS}/contacts/innovaphone-myapp`, modes: ['admin', 'debug', 'audit'], unlicensed: true },
      { name: 'search', title: 'Search', password: 'searchpwd', url: `${APPS}/search/searchapi`, hidden: true, apis: { 'com.innovaphone.search': {} } },
      { name: 'site', title: 'Site', password: 'x', url: 'https://www.example.com/index', website: true, icon: 'https://www.example.com/i.png' },
      { name: 'phone', title: 'Phone', password: 'phonepwd', url: '../../APPS/phone/phone', apis: { 'com.innovaphone.phone': {} }, wake: ['phone'] },
      { name: 'badger', title: 'Badger', password: 'badgerpwd', url: `${APPS}/badger/badger`, presence: true, badge: 3 },
      { name: 'secret', title: 'Not granted', password: 'secretpwd', url: `${APPS}/secret/secret` },
    ],
  };
}

const running: PbxEmulator[] = [];
const clients: RawClient[] = [];

async function start(opts: Partial<Parameters<typeof PbxEmulator.start>[0]> = {}): Promise<PbxEmulator> {
  const emu = await PbxEmulator.start({ config: config(), ...opts });
  running.push(emu);
  return emu;
}

async function open(url: string, opts?: ClientOptions): Promise<RawClient> {
  const c = await RawClient.open(url, opts);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

/** Both login rounds; returns what the client proved, and the round-2 reply. */
async function login(c: RawClient, type: 'user' | 'session', username: string, password: string, nonce = randomHex(8)) {
  c.send({ mt: 'Login', type, userAgent: 'raw-test' });
  const auth = await c.next('Authenticate');
  expect(auth).toMatchObject({ type, method: 'digest', domain: DOMAIN });
  expect(auth.challenge).toMatch(/^[0-9a-f]{16}$/);
  const proof: Proof = { username, secret: password, nonce, challenge: auth.challenge };
  c.send({ mt: 'Login', type, method: 'digest', username, nonce, response: response(type, DOMAIN, username, password, nonce, auth.challenge), userAgent: 'raw-test' });
  return { proof, reply: () => c.next('LoginResult') };
}

/** A successful user login; returns the socket and the decrypted session credentials. */
async function loggedIn(emu: PbxEmulator, sip = 'alice', password = 'Secret123!') {
  const c = await open(emu.url);
  const { proof, reply } = await login(c, 'user', sip, password);
  const r = await reply();
  expect(r.error).toBeUndefined();
  return { c, r, proof, session: decryptSession(proof, r.info.session) };
}

describe('PBX emulator: login', () => {
  it('user login: digest over the exact info text, RC4 session, session list, own presence', async () => {
    const emu = await start();
    const c = await open(emu.url);
    const { proof, reply } = await login(c, 'user', 'alice', 'Secret123!');
    const r = await reply();
    expect(Object.keys(r.info)).toEqual(['user', 'account', 'settings', 'session']);
    expect(r.info.user).toEqual({
      domain: DOMAIN, sip: 'alice', guid: emu.config.users[0]!.guid, dn: 'Alice Example', num: '201', email: 'alice@example.com',
      prefix: { intl: '00', ntl: '0', subs: '', area: '', country: '49' },
    });
    expect(r.info.user.guid).toMatch(/^[0-9a-f]{32}$/);
    expect(r.digest).toBe(resultDigest(DOMAIN, proof, JSON.stringify(r.info)));

    const s = decryptSession(proof, r.info.session);
    expect(s.usr).toMatch(/^[0-9a-f]{32}$/);
    expect(s.pwd).toMatch(/^[A-Za-z0-9]{23}$/);
    const [stored] = emu.userSessions('alice');
    expect(stored).toMatchObject({ usr: s.usr, pwd: s.pwd, userAgent: 'raw-test', pending: false });

    const added = await c.next('SessionAdded');
    expect(added).toMatchObject({ id: stored!.id, info: { id: stored!.id, current: true, userAgent: 'raw-test', needsAuthorization: false } });
    const own = await c.next('UpdateOwnPresence');
    expect(own.presence.map((p: Msg) => p.contact)).toEqual(['tel:', 'im:']);
    expect(emu.connections()).toEqual([{ id: expect.any(Number), user: 'alice', sessionId: stored!.id, loggedIn: true }]);
  });

  it('wrong password and unknown user get error 2; round 2 without Authenticate gets error 1', async () => {
    const emu = await start();
    const c = await open(emu.url);
    expect(await (await login(c, 'user', 'alice', 'wrong')).reply()).toEqual({ mt: 'LoginResult', error: 2, errorText: 'Authentication failed' });
    expect(await (await login(c, 'user', 'nobody', 'x')).reply()).toMatchObject({ error: 2 });
    c.send({ mt: 'Login', type: 'user', method: 'digest', username: 'alice', nonce: randomHex(8), response: 'a'.repeat(64) });
    expect(await c.next('LoginResult')).toEqual({ mt: 'LoginResult', error: 1, errorText: 'Invalid parameters' });
    expect(emu.userSessions('alice')).toEqual([]);
  });

  it('session login succeeds without new credentials, and gets error 5 once sessions expire', async () => {
    const emu = await start();
    const { session } = await loggedIn(emu);
    const c = await open(emu.url);
    const { proof, reply } = await login(c, 'session', session.usr, session.pwd);
    const r = await reply();
    expect(r.info.session).toBeUndefined();
    expect(r.digest).toBe(resultDigest(DOMAIN, proof, JSON.stringify(r.info)));
    expect(r.info.user.sip).toBe('alice');

    emu.expireSessions('alice');
    const c2 = await open(emu.url);
    expect(await (await login(c2, 'session', session.usr, session.pwd)).reply()).toEqual({ mt: 'LoginResult', error: 5, errorText: 'Session expired' });
  });

  it('refuses a reused nonce and records it', async () => {
    const emu = await start();
    const c = await open(emu.url);
    const nonce = randomHex(8);
    expect((await (await login(c, 'user', 'carol', 'carolpass', nonce)).reply()).error).toBeUndefined();
    const c2 = await open(emu.url);
    expect(await (await login(c2, 'user', 'carol', 'carolpass', nonce)).reply()).toMatchObject({ error: 2 });
    const uses = emu.framesOf('Login').filter((f) => f.msg.nonce === nonce);
    expect(uses.map((f) => f.problem)).toEqual([undefined, 'nonce-reused']);
  });

  it('rotateSessions: the next session login returns new credentials encrypted with the old session password', async () => {
    const emu = await start();
    const { session } = await loggedIn(emu);
    emu.rotateSessions();
    const c = await open(emu.url);
    const { proof, reply } = await login(c, 'session', session.usr, session.pwd);
    const r = await reply();
    const fresh = decryptSession(proof, r.info.session);
    expect(fresh.usr).not.toBe(session.usr);
    expect(emu.userSessions('alice')[0]).toMatchObject(fresh);
  });
});

describe('PBX emulator: 2FA, session list, logout', () => {
  it('a 2FA login waits with a code and completes when another session authorizes it', async () => {
    const emu = await start();
    // Bob's first device is approved by the test hook.
    const phone = await open(emu.url);
    const l1 = await login(phone, 'user', 'bob', 'bobpass');
    const authorize = await phone.next('Authorize');
    expect(authorize.code).toBeGreaterThanOrEqual(1000);
    expect(authorize.code).toBeLessThan(10000);
    expect(emu.userSessions('bob')[0]).toMatchObject({ pending: true, code: authorize.code });
    emu.approve('bob');
    const r1 = await l1.reply();
    expect(r1.digest).toBe(resultDigest(DOMAIN, l1.proof, JSON.stringify(r1.info)));

    // The second device is approved from the first through AuthorizeSession.
    const laptop = await open(emu.url);
    const l2 = await login(laptop, 'user', 'bob', 'bobpass');
    const { code } = await laptop.next('Authorize');
    const seen = await phone.next('SessionAdded', (m) => m.info.needsAuthorization);
    expect(seen.info).toMatchObject({ code, current: false, needsAuthorization: true });
    phone.send({ mt: 'AuthorizeSession', id: seen.id });
    expect((await l2.reply()).info.session).toBeDefined();
    expect(await phone.next('SessionUpdated')).toMatchObject({ id: seen.id, info: { needsAuthorization: false } });
    expect(emu.userSessions('bob').every((s) => !s.pending)).toBe(true);
  });

  it('DeleteSession on a pending login denies it with error 2', async () => {
    const emu = await start();
    const phone = await open(emu.url);
    const l1 = await login(phone, 'user', 'bob', 'bobpass');
    await phone.next('Authorize');
    emu.approve('bob');
    await l1.reply();

    const thief = await open(emu.url);
    const l2 = await login(thief, 'user', 'bob', 'bobpass');
    await thief.next('Authorize');
    const seen = await phone.next('SessionAdded', (m) => m.info.needsAuthorization);
    phone.send({ mt: 'DeleteSession', id: seen.id });
    expect(await l2.reply()).toEqual({ mt: 'LoginResult', error: 2, errorText: 'Authorization denied' });
    expect(await phone.next('SessionDeleted')).toEqual({ mt: 'SessionDeleted', id: seen.id });
    expect(emu.userSessions('bob')).toHaveLength(1);
  });

  it('DeleteSession of another device logs it out; Logout ends the own session; foreign ids are ignored', async () => {
    const emu = await start();
    const a = await loggedIn(emu);
    const b = await loggedIn(emu);
    const bId = emu.connections().find((x) => x.id === Math.max(...emu.connections().map((y) => y.id)))!.sessionId!;
    await a.c.next('SessionAdded', (m) => m.id === bId);

    const carol = await loggedIn(emu, 'carol', 'carolpass');
    carol.c.send({ mt: 'DeleteSession', id: bId });
    expect((await emu.waitFor('DeleteSession')).problem).toBe('not-own-session');

    a.c.send({ mt: 'DeleteSession', id: bId });
    expect(await b.c.next('SessionDeleted')).toEqual({ mt: 'SessionDeleted', id: bId });
    expect(await b.c.next('LogoutResult')).toEqual({ mt: 'LogoutResult' });
    await a.c.next('SessionDeleted', (m) => m.id === bId);
    expect(b.c.ws.readyState).toBe(WebSocket.OPEN); // the client closes, not the PBX

    a.c.send({ mt: 'Logout' });
    expect(await a.c.next('LogoutResult')).toEqual({ mt: 'LogoutResult' });
    expect(emu.userSessions('alice')).toEqual([]);
  });
});

describe('PBX emulator: redirect, restart, standby', () => {
  it('redirects user and session logins to a second instance that accepts the session through a shared SessionStore', async () => {
    const sessions = new SessionStore();
    const slave = await start({ sessions });
    const cfg = config();
    cfg.users[0]!.redirect = { host: slave.hostPort };
    const master = await start({ config: cfg, sessions });

    const c = await open(master.url);
    const { proof } = await login(c, 'user', 'alice', 'Secret123!');
    const red = await c.next('Redirect');
    expect(red.info).toMatchObject({ host: slave.hostPort, mod: 'PBX0' });
    const infoJson = JSON.stringify(red.info);
    expect(red.digest).toBe(sha256Hex(`innovaphoneAppClient:redirect:alice:Secret123!:${proof.nonce}:${proof.challenge}:${infoJson}`));
    const s = decryptSession(proof, red.info.session);

    const c2 = await open(`ws://${red.info.host}/${red.info.mod}/APPCLIENT/130000/websocket`);
    const r = await (await login(c2, 'session', s.usr, s.pwd)).reply();
    expect(r.info.user.sip).toBe('alice');

    // A session login on the PBX that does not host the user is redirected too, with the same session.
    const c3 = await open(master.url);
    const again = await login(c3, 'session', s.usr, s.pwd);
    const red2 = await c3.next('Redirect');
    expect(red2.digest).toBe(sha256Hex(`innovaphoneAppClient:redirect:${s.usr}:${s.pwd}:${again.proof.nonce}:${again.proof.challenge}:${JSON.stringify(red2.info)}`));
    expect(decryptSession(again.proof, red2.info.session)).toEqual(s);
  });

  it('restart keeps the port and the sessions', async () => {
    const emu = await start();
    const { c, session } = await loggedIn(emu);
    const port = emu.port;
    await emu.restart({ downMs: 20 });
    expect(await c.closed).toBe(1006);
    expect(emu.port).toBe(port);
    const c2 = await open(emu.url);
    expect((await (await login(c2, 'session', session.usr, session.pwd)).reply()).error).toBeUndefined();
  });

  it('standbyBack sends StandbyBack and closes normally', async () => {
    const emu = await start();
    const { c } = await loggedIn(emu);
    emu.standbyBack('alice');
    await c.next('StandbyBack');
    expect(await c.closed).toBe(1000);
  });
});

describe('PBX emulator: apps', () => {
  it('sends one UpdateAppsInfo per granted object, then UpdateAppsComplete; resends all on live changes', async () => {
    const emu = await start();
    const { c } = await loggedIn(emu);
    c.send({ mt: 'SubscribeApps' });
    const complete = await c.next('UpdateAppsComplete');
    const infos = c.takeAll('UpdateAppsInfo').map((m) => m.app);
    expect(infos.map((a: Msg) => a.name)).toEqual(['contacts', 'myapp', 'search', 'site', 'phone', 'badger']);
    expect(infos[0]).toEqual({
      name: 'contacts', title: 'Contacts', text: 'Address book', url: `${APPS}/contacts/innovaphone-contacts`, website: false,
      info: { hidden: false, presence: false, apis: {}, wake: [] },
    });
    expect(infos.find((a: Msg) => a.name === 'search').info.hidden).toBe(true);
    expect(infos.find((a: Msg) => a.name === 'site')).toMatchObject({ website: true, icon: 'https://www.example.com/i.png' });
    expect(infos.find((a: Msg) => a.name === 'phone')).toMatchObject({ url: '../../APPS/phone/phone', info: { wake: ['phone'] } });
    expect(complete).toEqual({ mt: 'UpdateAppsComplete', deviceApps: [{ name: 'phone', title: 'Phone', deviceapp: 'phone' }], selected: 'contacts,phone' });

    c.send({ mt: 'SetApps', home: 'badger' });
    await emu.waitFor('SetApps');
    emu.setUserApps('alice', ['contacts']);
    expect(await c.next('UpdateAppsComplete')).toEqual({ mt: 'UpdateAppsComplete', deviceApps: [], selected: 'badger' });
    expect(c.takeAll('UpdateAppsInfo').map((m) => m.app.name)).toEqual(['contacts']);

    emu.setAppObjects([{ name: 'contacts', title: 'People', password: 'apppwd', url: `${APPS}/contacts/innovaphone-contacts` }]);
    await c.next('UpdateAppsComplete');
    expect(c.takeAll('UpdateAppsInfo').map((m) => m.app.title)).toEqual(['People']);
  });

  it('legacy mode sends a single UpdateApps', async () => {
    const cfg = config();
    cfg.options = { legacyUpdateApps: true };
    const emu = await start({ config: cfg });
    const { c } = await loggedIn(emu, 'carol', 'carolpass');
    c.send({ mt: 'SubscribeApps' });
    const u = await c.next('UpdateApps');
    expect(u.apps.map((a: Msg) => a.name)).toEqual(['contacts']);
    expect(u.selected).toBe('');
    await c.none('UpdateAppsComplete');
  });

  it('AppGetLogin: verifiable digest, exact info order, plain key; error for apps not granted', async () => {
    const emu = await start();
    const { c } = await loggedIn(emu);
    const guid = emu.config.users[0]!.guid!;
    c.send({ mt: 'AppGetLogin', src: 's1', app: 'myapp', challenge: '1234567890' });
    const r = await c.next('AppGetLoginResult', (m) => m.src === 's1');
    expect(Object.keys(r)).toEqual(['mt', 'src', 'domain', 'sip', 'guid', 'dn', 'pbxObj', 'app', 'info', 'digest', 'key']);
    expect(r).toMatchObject({ domain: DOMAIN, sip: 'alice', guid, dn: 'Alice Example', pbxObj: 'myapp', app: 'innovaphone-myapp' });
    const infoJson = JSON.stringify(r.info);
    expect(infoJson).toBe(JSON.stringify({
      appobj: 'myapp~admin~debug', appdn: 'My App', appurl: `${APPS}/contacts/innovaphone-myapp`, pbx: 'master', cn: 'Alice Example',
      unlicensed: true, groups: ['sales'], apps: [{ name: 'contacts' }, { name: 'myapp' }],
    }));
    expect(r.digest).toBe(sha256Hex(`innovaphone-myapp:${DOMAIN}:alice:${guid}:Alice Example:${infoJson}:1234567890:app-secret`));
    expect(r.key).toBe(sha256Hex('innovaphoneAppSessionKey:1234567890:app-secret'));
    expect(r.salt).toBeUndefined();

    c.send({ mt: 'AppGetLogin', src: 's2', app: 'contacts', challenge: 4711 });
    const n = await c.next('AppGetLoginResult', (m) => m.src === 's2');
    expect(n.digest).toBe(sha256Hex(`innovaphone-contacts:${DOMAIN}:alice:${guid}:Alice Example:${JSON.stringify(n.info)}:4711:apppwd`));

    for (const app of ['secret', 'nope']) {
      c.send({ mt: 'AppGetLogin', src: `x-${app}`, app, challenge: '1' });
      expect(await c.next('AppGetLoginResult', (m) => m.src === `x-${app}`)).toEqual({ mt: 'AppGetLoginResult', src: `x-${app}`, app, error: 2, errorText: 'App not available' });
    }
  });

  it('App Objects without a password are accepted and listed; AppGetLogin for one is refused with a clear error, echoing src', async () => {
    const cfg = config();
    cfg.appObjects.push(
      // Left out, as a config file may: a plain website needs no shared secret.
      { name: 'page', title: 'Page', url: 'https://www.example.com/page', website: true } as AppObjectConfig,
      { name: 'blank', title: 'Blank', password: '', url: `${APPS}/blank/blank` },
    );
    cfg.users[0]!.apps.push('page', 'blank');
    const emu = await start({ config: cfg });
    const { c } = await loggedIn(emu);
    c.send({ mt: 'SubscribeApps' });
    await c.next('UpdateAppsComplete');
    expect(c.takeAll('UpdateAppsInfo').map((m) => m.app.name)).toEqual(expect.arrayContaining(['page', 'blank']));
    for (const app of ['page', 'blank']) {
      c.send({ mt: 'AppGetLogin', src: `nopw-${app}`, app, challenge: '1' });
      expect(await c.next('AppGetLoginResult', (m) => m.src === `nopw-${app}`)).toEqual({ mt: 'AppGetLoginResult', src: `nopw-${app}`, app, error: 2, errorText: 'App Object has no password' });
    }
    // An App Object with a password still gets its login on the same connection.
    c.send({ mt: 'AppGetLogin', src: 'with-pw', app: 'contacts', challenge: '1' });
    expect((await c.next('AppGetLoginResult', (m) => m.src === 'with-pw')).key).toBe(sha256Hex('innovaphoneAppSessionKey:1:apppwd'));

    // Only the shape of a given password is checked.
    const bad = { ...cfg, appObjects: [...cfg.appObjects, { name: 'n', title: 'N', password: 5, url: `${APPS}/n/n` }] };
    expect(() => validateEmulatorConfig(bad)).toThrow(expect.objectContaining({ problems: [`appObjects[${cfg.appObjects.length}].password: must be a string`] }));
  });

  it('answers many concurrent AppGetLogin requests, each matched by src', async () => {
    const emu = await start();
    const { c } = await loggedIn(emu);
    for (let i = 0; i < 100; i++) c.send({ mt: 'AppGetLogin', src: `r${i}`, app: i % 2 ? 'contacts' : 'badger', challenge: `c${i}` });
    for (let i = 0; i < 100; i++) {
      const r = await c.next('AppGetLoginResult', (m) => m.src === `r${i}`);
      const pwd = i % 2 ? 'apppwd' : 'badgerpwd';
      expect(r.key).toBe(sha256Hex(`innovaphoneAppSessionKey:c${i}:${pwd}`));
    }
  });
});

describe('PBX emulator: AppGetLogin out of order (test hook)', () => {
  it('holdAppLogins keeps answers back; releaseAppLogins("reversed") sends them last-asked first, then answers go out at once again', async () => {
    const emu = await start();
    const { c } = await loggedIn(emu);
    emu.holdAppLogins();
    for (const i of [1, 2, 3]) c.send({ mt: 'AppGetLogin', src: `h${i}`, app: 'contacts', challenge: `c${i}` });
    c.send({ mt: 'AppGetLogin', src: 'h-denied', app: 'secret', challenge: '1' });
    await emu.waitFor('AppGetLogin', (m) => m.src === 'h-denied');
    // Held means not sent: a later answer on the same socket (CheckBuildResult) comes first.
    await c.sync();
    expect(c.takeAll('AppGetLoginResult')).toEqual([]);
    expect(emu.releaseAppLogins('reversed')).toBe(4);
    await c.next('AppGetLoginResult', (m) => m.src === 'h1');
    expect(c.inbox.filter((m) => m.mt === 'AppGetLoginResult').map((m) => m.src)).toEqual(['h-denied', 'h3', 'h2', 'h1']);
    expect(c.takeAll('AppGetLoginResult').find((m) => m.src === 'h2')?.key).toBe(sha256Hex('innovaphoneAppSessionKey:c2:apppwd'));

    c.send({ mt: 'AppGetLogin', src: 'after', app: 'contacts', challenge: '9' });
    expect(await c.next('AppGetLoginResult', (m) => m.src === 'after')).toMatchObject({ src: 'after', pbxObj: 'contacts' });
    expect(emu.releaseAppLogins()).toBe(0);
  });
});

describe('PBX emulator: presence, dialogs, wake', () => {
  it('app badges arrive as app: presence and follow setBadge', async () => {
    const emu = await start();
    const { c } = await loggedIn(emu);
    c.send({ mt: 'SubscribePresence', sip: 'badger', src: 'b' });
    expect(await c.next('UpdatePresence')).toEqual({
      mt: 'UpdatePresence', sip: 'badger', num: '', up: true, ep: { sip: 'badger', dn: 'Badger', num: '', email: '', type: 'app' },
      presence: [{ contact: 'app:', activity: '', status: 'open', note: '#badge:3' }], src: 'b',
    });
    emu.setBadge('badger', 7);
    expect((await c.next('UpdatePresence')).presence[0].note).toBe('#badge:7');
    c.send({ mt: 'UnsubscribePresence', sip: 'badger' });
    await emu.waitFor('UnsubscribePresence');
    emu.setBadge('badger', 8);
    await c.none('UpdatePresence');
  });

  it('user presence: own updates to every device, UpdatePresence to subscribers, unknown users are down', async () => {
    const emu = await start();
    const alice = await loggedIn(emu);
    const carol = await loggedIn(emu, 'carol', 'carolpass');
    carol.c.send({ mt: 'SubscribePresence', num: '201' });
    expect((await carol.c.next('UpdatePresence')).ep).toEqual({ sip: 'alice', dn: 'Alice Example', num: '201', email: 'alice@example.com', type: 'user' });

    alice.c.send({ mt: 'SetOwnPresence', activity: 'busy', note: 'in a meeting' });
    const own = await alice.c.next('UpdateOwnPresence', (m) => m.presence[0].activity === 'busy');
    expect(own.presence[0]).toEqual({ contact: 'tel:', activity: 'busy', status: 'closed', note: 'in a meeting' });
    expect((await carol.c.next('UpdatePresence')).presence[0].activity).toBe('busy');

    alice.c.send({ mt: 'SetUserActivity', inactive: true });
    expect((await carol.c.next('UpdatePresence')).presence[1]).toEqual({ contact: 'im:', activity: 'away', status: 'open' });

    carol.c.send({ mt: 'SubscribePresence', sip: 'ghost' });
    expect(await carol.c.next('UpdatePresence', (m) => m.sip === 'ghost')).toEqual({ mt: 'UpdatePresence', sip: 'ghost', num: '', up: false, presence: [] });
  });

  it('dialogs and wake reach the right user', async () => {
    const emu = await start();
    const alice = await loggedIn(emu);
    const carol = await loggedIn(emu, 'carol', 'carolpass');
    emu.dialog('alice', { callId: 'c1', remote: { num: '300' }, state: { name: 'ringing' } });
    carol.c.send({ mt: 'SubscribeDialog', sip: 'alice', src: 'd' });
    expect(await carol.c.next('DialogInfo')).toMatchObject({ sip: 'alice', num: '201', callId: 'c1', state: { name: 'ringing' }, src: 'd' });
    emu.dialog('alice', { callId: 'c1', deleted: true });
    expect(await carol.c.next('DialogInfo')).toMatchObject({ callId: 'c1', deleted: true });

    alice.c.send({ mt: 'SetSessionInfo', wake: ['phone'] });
    carol.c.send({ mt: 'SetSessionInfo', wake: ['phone'] });
    await Promise.all([alice.c.sync(), carol.c.sync()]);
    emu.wake('alice', { type: 'phone', hw: 'phone', incoming: true });
    expect(await alice.c.next('Wake')).toEqual({ mt: 'Wake', type: 'phone', hw: 'phone', incoming: true });
    await carol.c.none('Wake');
  });

  it('Wake only to connections that announced the type (SetSessionInfo.wake), per connection; a bad SetSessionInfo changes nothing', async () => {
    const emu = await start();
    const first = await loggedIn(emu);
    const second = await loggedIn(emu);
    // Nothing announced yet: no Wake. The positive control is the Wake after the announcement, on
    // the same socket: had the first one been sent, it would have arrived before it.
    emu.wake('alice', { type: 'phone', hw: 'phone', incoming: true });
    first.c.send({ mt: 'SetSessionInfo', wake: ['chat', 'phone'] });
    second.c.send({ mt: 'SetSessionInfo', wake: ['chat'] });
    await Promise.all([first.c.sync(), second.c.sync()]);
    emu.wake('alice', { type: 'phone', hw: 'second-call' });
    expect(first.c.takeAll('Wake')).toEqual([]);
    expect(await first.c.next('Wake')).toEqual({ mt: 'Wake', type: 'phone', hw: 'second-call' });
    expect(first.c.takeAll('Wake')).toEqual([]);
    // The second connection announced chat only: it hears the chat wake, never the phone ones.
    emu.wake('alice', { type: 'chat' });
    expect(await second.c.next('Wake')).toEqual({ mt: 'Wake', type: 'chat' });
    expect(second.c.takeAll('Wake')).toEqual([]);
    expect(await first.c.next('Wake')).toEqual({ mt: 'Wake', type: 'chat' });

    // A new announcement replaces the old one; a malformed one is refused and replaces nothing.
    first.c.send({ mt: 'SetSessionInfo', wake: 'phone' });
    first.c.send({ mt: 'SetSessionInfo', wake: [1] });
    first.c.send({ mt: 'SetSessionInfo', wake: ['phone'], token: 7 });
    second.c.send({ mt: 'SetSessionInfo', wake: [], token: 'push-token' });
    await Promise.all([first.c.sync(), second.c.sync()]);
    expect(emu.framesOf('SetSessionInfo').map((f) => f.problem)).toEqual([undefined, undefined, 'invalid-parameters', 'invalid-parameters', 'invalid-parameters', undefined]);
    emu.wake('alice', { type: 'chat' });
    expect(await first.c.next('Wake')).toEqual({ mt: 'Wake', type: 'chat' });
    await second.c.none('Wake');
  });

  it('the announcement ends with the logout; options.wakeEveryConnection wakes every logged-in connection', async () => {
    const emu = await start();
    const alice = await loggedIn(emu);
    alice.c.send({ mt: 'SetSessionInfo', wake: ['phone'] });
    alice.c.send({ mt: 'Logout' });
    await alice.c.next('LogoutResult');
    const again = await login(alice.c, 'user', 'alice', 'Secret123!');
    expect((await again.reply()).error).toBeUndefined();
    emu.wake('alice', { type: 'phone' });
    await alice.c.none('Wake');

    emu.config.options = { wakeEveryConnection: true };
    const carol = await loggedIn(emu, 'carol', 'carolpass');
    emu.wake('alice', { type: 'phone', incoming: false });
    expect(await alice.c.next('Wake')).toEqual({ mt: 'Wake', type: 'phone', incoming: false });
    await carol.c.none('Wake');
    expect(() => validateEmulatorConfig({ ...config(), options: { wakeEveryConnection: 'yes', profileApp: 3 } })).toThrow(
      expect.objectContaining({ problems: ['options.wakeEveryConnection: must be true or false', 'options.profileApp: must be a string'] }),
    );
  });

  it('options.profileApp is UpdateRegister.profile, before and after login', async () => {
    const emu = await start({ config: { ...config(), options: { profileApp: 'contacts' } } });
    const { c } = await loggedIn(emu);
    c.send({ mt: 'SubscribeRegister' });
    expect(await c.next('UpdateRegister')).toEqual({ mt: 'UpdateRegister', profile: 'contacts', tutorial: '' });
  });
});

describe('PBX emulator: transport', () => {
  it('accepts the documented paths and answers others with 404', async () => {
    const emu = await start();
    const base = `ws://${emu.hostPort}`;
    for (const path of ['/PBX0/APPCLIENT/websocket', '/PBX1/APPCLIENT/137766/websocket', '/rp/example.com/PBX0/APPCLIENT/130000/websocket']) {
      (await open(base + path)).ws.close();
    }
    await expect(RawClient.open(`${base}/PBX0/WEBSOCKET/websocket`)).rejects.toThrow(/404/);
    const res = await fetch(`http://${emu.hostPort}/PBX0/APPCLIENT/130000/appclient.htm`);
    expect(res.status).toBe(404);
  });

  it('pre-login queries are answered in any order', async () => {
    const emu = await start();
    const c = await open(emu.url);
    c.send({ mt: 'LoginInfo' });
    c.send({ mt: 'SubscribeRegister' });
    c.send({ mt: 'CheckBuild', url: 'x' });
    expect(await c.next('LoginInfoResult')).toEqual({ mt: 'LoginInfoResult', user: { digest: true, ntlm: false, oauth2: false, oauth2Name: '' }, session: { digest: true } });
    expect(await c.next('UpdateRegister')).toMatchObject({ profile: '', tutorial: '' });
    expect(await c.next('CheckBuildResult')).toEqual({ mt: 'CheckBuildResult', version: '13r3', build: '130000', launcherUpdateBuild: '130000', appStoreUrl: 'https://store.innovaphone.com/release/download/' });
  });

  it('tolerates bad JSON, unknown mt and KeepAlive without closing, and records them', async () => {
    const emu = await start();
    const { c } = await loggedIn(emu);
    c.ws.send('{not json');
    c.send({ mt: 'NoSuchThing' });
    c.send({ mt: 'KeepAlive' });
    c.send({ nomt: 1 });
    c.send({ mt: 'AppGetLogin', src: 'after', app: 'contacts', challenge: '1' });
    await c.next('AppGetLoginResult', (m) => m.src === 'after');
    expect(emu.received.map((f) => f.problem).filter(Boolean)).toEqual(['invalid-json', 'unknown-mt', 'no-mt']);
    expect(emu.received.find((f) => f.problem === 'invalid-json')!.msg).toBeUndefined();
    expect(emu.framesOf('NoSuchThing')[0]!.user).toBe('alice');
  });

  it('answers pings until blackholed; killSockets drops TCP without a close frame', async () => {
    const emu = await start();
    const { c } = await loggedIn(emu);
    const aliceConn = emu.connections()[0]!.id;
    let pongs = 0;
    c.ws.on('pong', () => pongs++);
    const ponged = (ws: WebSocket) => new Promise((resolve) => ws.once('pong', resolve));
    const first = ponged(c.ws);
    c.ws.ping();
    await first;
    emu.blackhole({ user: 'alice' });
    c.ws.ping();
    c.send({ mt: 'SubscribeApps' });
    c.send({ mt: 'CheckBuild' });
    // Positive control: a socket opened after those frames were sent logs in, gets its apps and
    // a pong — many round trips through the same emulator, each of which the black-holed
    // socket's ping and frames would have had time to be answered in.
    const other = await loggedIn(emu, 'carol', 'carolpass');
    other.c.send({ mt: 'SubscribeApps' });
    await other.c.next('UpdateAppsComplete');
    const otherPong = ponged(other.c.ws);
    other.c.ws.ping();
    await otherPong;
    expect(pongs).toBe(1);
    expect(c.inbox.filter((m) => m.mt === 'UpdateAppsComplete' || m.mt === 'CheckBuildResult')).toEqual([]);
    expect(emu.received.filter((f) => f.connId === aliceConn && f.msg?.mt === 'SubscribeApps')).toEqual([]); // not even read
    expect(emu.connections()).toHaveLength(2);

    emu.killSockets({ user: 'carol' });
    expect(await other.c.closed).toBe(1006);
  });

  it('inject sends raw text to the chosen connections', async () => {
    const emu = await start();
    const alice = await loggedIn(emu);
    const carol = await loggedIn(emu, 'carol', 'carolpass');
    emu.inject(JSON.stringify({ mt: 'UpdateUser', user: {} }), { user: 'carol' });
    await carol.c.next('UpdateUser');
    await alice.c.none('UpdateUser');
  });

  it('TLS: a client trusting the generated certificate connects; one that does not is refused', async () => {
    const emu = await start({ tls: true });
    expect(emu.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\//);
    expect(emu.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    await expect(RawClient.open(emu.url)).rejects.toThrow(/self[- ]signed/i);
    const c = await open(emu.url, { ca: emu.certPem! });
    const r = await (await login(c, 'user', 'carol', 'carolpass')).reply();
    expect(r.info.user.sip).toBe('carol');
  });
});
