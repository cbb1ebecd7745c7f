/**
 * PbxSession against the PBX emulator over real sockets.
 * Each test starts its own emulator on a free port and stops it afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appLoginDigest, appSessionKey } from '../../main/core/protocol/digest.js';
import { PbxSession, type PbxSessionOptions } from '../../main/core/pbx/session.js';
import type { SessionState } from '../../main/core/pbx/state.js';
import { MemoryVault } from '../../main/core/pbx/vault.js';
import { PbxEmulator, SessionStore, type EmulatorConfig } from '../pbx/index.js';
import { sessionTestConfig } from '../support/session-config.js';
import { startProxy, type Proxy } from '../support/ws-proxy.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function emulator(opts: { config?: EmulatorConfig; tls?: boolean; sessions?: SessionStore } = {}): Promise<PbxEmulator> {
  const pbx = await PbxEmulator.start({ config: opts.config ?? sessionTestConfig(), port: 0, ...(opts.tls && { tls: true }), ...(opts.sessions && { sessions: opts.sessions }) });
  cleanups.push(() => pbx.stop());
  return pbx;
}

function session(address: string, extra: Partial<PbxSessionOptions> = {}): PbxSession {
  const s = new PbxSession({ address, backoff: { initialMs: 100, maxMs: 400, random: () => 1 }, loginTimeoutMs: 3000, ...extra });
  cleanups.push(() => s.close());
  return s;
}

function until(s: PbxSession, kind: SessionState['kind'], timeoutMs = 5000): Promise<SessionState> {
  if (s.state.kind === kind) return Promise.resolve(s.state);
  return Promise.race([
    s.next('state', (st) => st.kind === kind),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`state ${kind} not reached; now ${JSON.stringify(s.state)}`)), timeoutMs)),
  ]);
}

/** `p`, or a clear failure after `timeoutMs`. */
function within<T>(p: Promise<T>, what: string, timeoutMs = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The session list once it satisfies `pred` (it may already). */
function sessionsWhere(s: PbxSession, pred: (list: PbxSession['sessions']) => boolean) {
  return pred(s.sessions) ? Promise.resolve(s.sessions) : s.next('sessions', pred);
}

const logins = (pbx: PbxEmulator, type: 'user' | 'session') => pbx.framesOf('Login').filter((f) => f.msg?.type === type && f.msg?.response);

describe('login', () => {
  it('user login: verified LoginResult, decrypted session kept in the vault, password never on the wire', async () => {
    const pbx = await emulator();
    const vault = new MemoryVault();
    const s = session(pbx.url, { vault });
    const states: string[] = [];
    s.on('state', (st) => states.push(st.kind));
    const state = await s.login({ username: 'alice', password: 'Secret123!' });
    expect(state).toMatchObject({ kind: 'logged-in', user: { sip: 'alice', dn: 'Alice Example', domain: 'example.com', num: '201' }, standby: false });
    expect(states).toEqual(['connecting', 'authenticating', 'logged-in']);
    const stored = await vault.load();
    expect(stored?.usr).toMatch(/^[0-9a-f]{32}$/);
    expect(stored?.pwd).toMatch(/^[A-Za-z0-9]{23}$/);
    expect(pbx.userSessions('alice').map((x) => x.usr)).toContain(stored!.usr);
    const [login] = logins(pbx, 'user');
    expect(login!.msg).toMatchObject({ type: 'user', method: 'digest', username: 'alice' });
    expect(login!.msg.nonce).toMatch(/^[0-9a-f]{16}$/);
    expect(login!.msg.userAgent).toContain('myApps');
    expect(pbx.received.some((f) => f.text.includes('Secret123!'))).toBe(false);
  });

  it('session login next time, with a fresh nonce, no password needed', async () => {
    const pbx = await emulator();
    const vault = new MemoryVault();
    await session(pbx.url, { vault }).login({ username: 'alice', password: 'Secret123!' });
    const second = session(pbx.url, { vault });
    expect(await second.login()).toMatchObject({ kind: 'logged-in', user: { sip: 'alice' } });
    const [userLogin] = logins(pbx, 'user');
    const [sessionLogin] = logins(pbx, 'session');
    expect(sessionLogin!.msg.username).toBe((await vault.load())!.usr);
    expect(sessionLogin!.msg.nonce).not.toBe(userLogin!.msg.nonce);
  });

  it('expired session: error 5 wipes the vault; with a password it falls back to a user login', async () => {
    const pbx = await emulator();
    const vault = new MemoryVault();
    await session(pbx.url, { vault }).login({ username: 'alice', password: 'Secret123!' });
    pbx.expireSessions('alice');
    const noPassword = session(pbx.url, { vault });
    expect(await noPassword.login()).toMatchObject({ kind: 'error', reason: 'session-expired', pbxError: 5 });
    expect(await vault.load()).toBeUndefined();

    await session(pbx.url, { vault }).login({ username: 'alice', password: 'Secret123!' });
    pbx.expireSessions('alice');
    const withPassword = session(pbx.url, { vault });
    expect(await withPassword.login({ username: 'alice', password: 'Secret123!' })).toMatchObject({ kind: 'logged-in' });
    expect(logins(pbx, 'session').length).toBeGreaterThanOrEqual(2);
    expect(await vault.load()).toBeDefined();
  });

  it('wrong password: clear error, nothing stored', async () => {
    const pbx = await emulator();
    const vault = new MemoryVault();
    const s = session(pbx.url, { vault });
    expect(await s.login({ username: 'alice', password: 'wrong' })).toMatchObject({ kind: 'error', reason: 'auth-failed', pbxError: 2 });
    expect(await vault.load()).toBeUndefined();
    expect(await s.login({ username: 'nobody', password: 'x' })).toMatchObject({ kind: 'error', reason: 'auth-failed' });
  });

  it('no credentials and nothing stored: asks for them', async () => {
    const pbx = await emulator();
    expect(await session(pbx.url).login()).toMatchObject({ kind: 'error', reason: 'credentials-required' });
  });

  it('unreachable PBX on a user login: error, no endless retry', async () => {
    const pbx = await emulator();
    const url = pbx.url;
    await pbx.stop();
    expect(await session(url).login({ username: 'alice', password: 'Secret123!' })).toMatchObject({ kind: 'error', reason: 'unreachable' });
  });

  it('bad address: error naming the problem', async () => {
    expect(await session('ftp://pbx').login({ username: 'a', password: 'b' })).toMatchObject({ kind: 'error', reason: 'bad-address' });
  });
});

describe('two-factor authorization', () => {
  it('shows the code, waits, and logs in once approved (by a test hook, then by another session)', async () => {
    const pbx = await emulator();
    const first = session(pbx.url);
    const pending = first.login({ username: 'bob', password: 'bobpass' });
    const waiting = await until(first, 'awaiting-2fa');
    expect(waiting.kind === 'awaiting-2fa' && waiting.code).toMatch(/^\d{4}$/);
    pbx.approve('bob');
    expect(await pending).toMatchObject({ kind: 'logged-in', user: { sip: 'bob' } });

    // A second device of bob's: the first session sees it pending, with the same code, and authorizes it.
    const second = session(pbx.url);
    const secondDone = second.login({ username: 'bob', password: 'bobpass' });
    const code = await until(second, 'awaiting-2fa').then((st) => (st.kind === 'awaiting-2fa' ? st.code : ''));
    const sessions = await sessionsWhere(first, (list) => list.some((e) => e.needsAuthorization));
    const pendingEntry = sessions.find((e) => e.needsAuthorization)!;
    expect(String(pendingEntry.code)).toBe(code);
    first.authorizeSession(pendingEntry.id);
    expect(await secondDone).toMatchObject({ kind: 'logged-in' });
  });

  it('denied: a clear error', async () => {
    const pbx = await emulator();
    const s = session(pbx.url);
    const pending = s.login({ username: 'bob', password: 'bobpass' });
    await until(s, 'awaiting-2fa');
    pbx.deny('bob');
    expect(await pending).toMatchObject({ kind: 'error', reason: 'auth-failed' });
  });
});

describe('digests protect the login', () => {
  let proxy: Proxy;
  async function through(pbx: PbxEmulator, rewrite: (msg: Record<string, unknown>) => Record<string, unknown>) {
    proxy = await startProxy(`ws://${pbx.hostPort}`, (text) => {
      const msg = JSON.parse(text) as Record<string, unknown>;
      return JSON.stringify(rewrite(msg));
    });
    cleanups.push(() => proxy.close());
    return proxy.url(new URL(pbx.url).pathname);
  }

  it('a LoginResult whose info was altered is rejected and nothing is stored', async () => {
    const pbx = await emulator();
    const url = await through(pbx, (m) => (m.mt === 'LoginResult' && m.info ? { ...m, info: { ...(m.info as object), user: { sip: 'mallory' } } } : m));
    const vault = new MemoryVault();
    expect(await session(url, { vault }).login({ username: 'alice', password: 'Secret123!' })).toMatchObject({ kind: 'error', reason: 'forged-digest' });
    expect(await vault.load()).toBeUndefined();
  });

  it('a LoginResult with a made-up digest is rejected', async () => {
    const pbx = await emulator();
    const url = await through(pbx, (m) => (m.mt === 'LoginResult' ? { ...m, digest: '0'.repeat(64) } : m));
    expect(await session(url).login({ username: 'alice', password: 'Secret123!' })).toMatchObject({ kind: 'error', reason: 'forged-digest' });
  });
});

describe('redirect', () => {
  it('follows a verified Redirect to the home PBX, keeps the new session first, logs in there by session', async () => {
    const sessions = new SessionStore();
    const home = await emulator({ sessions });
    const config = sessionTestConfig();
    config.users = config.users.map((u) => (u.sip === 'carol' ? { ...u, redirect: { host: home.hostPort, mod: 'PBX0' } } : u));
    const master = await emulator({ config, sessions });
    const vault = new MemoryVault();
    const s = session(master.url, { vault });
    const seen: SessionState[] = [];
    s.on('state', (st) => seen.push(st));
    expect(await s.login({ username: 'carol', password: 'carolpass' })).toMatchObject({ kind: 'logged-in', url: home.url, user: { sip: 'carol' } });
    expect(seen).toContainEqual({ kind: 'connecting', url: home.url, redirectedFrom: master.url });
    expect(master.framesOf('Redirect')).toHaveLength(0); // Redirect is sent, not received
    expect(logins(home, 'session')).toHaveLength(1);
    expect((await vault.load())?.url).toBe(home.url);
  });

  it('a Redirect with a forged digest is not followed and its session not kept', async () => {
    const sessions = new SessionStore();
    const home = await emulator({ sessions });
    const config = sessionTestConfig();
    config.users = config.users.map((u) => (u.sip === 'carol' ? { ...u, redirect: { host: home.hostPort } } : u));
    const master = await emulator({ config, sessions });
    const proxy = await startProxy(`ws://${master.hostPort}`, (text) => {
      const m = JSON.parse(text) as Record<string, unknown>;
      return JSON.stringify(m.mt === 'Redirect' ? { ...m, info: { ...(m.info as object), host: '127.0.0.1:1' } } : m);
    });
    cleanups.push(() => proxy.close());
    const vault = new MemoryVault();
    expect(await session(proxy.url(new URL(master.url).pathname), { vault }).login({ username: 'carol', password: 'carolpass' })).toMatchObject({ kind: 'error', reason: 'forged-digest' });
    expect(await vault.load()).toBeUndefined();
    expect(home.connections()).toHaveLength(0);
  });

  it('a redirect loop ends with a clear error', async () => {
    const sessions = new SessionStore();
    const b = await emulator({ sessions });
    const configA = sessionTestConfig();
    configA.users = configA.users.map((u) => (u.sip === 'carol' ? { ...u, redirect: { host: b.hostPort } } : u));
    const a = await emulator({ config: configA, sessions });
    // b sends session logins of carol back to a.
    const configB = sessionTestConfig();
    configB.users = configB.users.map((u) => (u.sip === 'carol' ? { ...u, redirect: { host: a.hostPort } } : u));
    b.config = configB;
    expect(await session(a.url, { maxRedirects: 3 }).login({ username: 'carol', password: 'carolpass' })).toMatchObject({ kind: 'error', reason: 'redirect-loop' });
  });
});

describe('staying connected', () => {
  it('StandbyBack: reconnects at once by session login', async () => {
    const pbx = await emulator();
    const s = session(pbx.url);
    await s.login({ username: 'alice', password: 'Secret123!' });
    const relogged = s.next('state', (st) => st.kind === 'logged-in');
    pbx.standbyBack('alice');
    await relogged;
    expect(logins(pbx, 'session')).toHaveLength(1);
  });

  it('emulator restart: reconnecting state, then automatic session re-login; the app list survives', async () => {
    const pbx = await emulator();
    const s = session(pbx.url);
    await s.login({ username: 'alice', password: 'Secret123!' });
    await s.next('apps');
    const reconnecting = until(s, 'reconnecting');
    await pbx.restart({ downMs: 150 });
    const st = await reconnecting;
    expect(st).toMatchObject({ kind: 'reconnecting', attempt: 1 });
    expect(s.apps?.apps.length).toBeGreaterThan(0); // home screen stays usable meanwhile
    await until(s, 'logged-in');
    expect(logins(pbx, 'session')).toHaveLength(1);
  });

  it('a black-holed socket is detected by the keep-alive and the session comes back', async () => {
    const pbx = await emulator();
    const s = session(pbx.url, { keepAlive: { intervalMs: 100, missedPongs: 2 } });
    await s.login({ username: 'alice', password: 'Secret123!' });
    const reconnecting = until(s, 'reconnecting', 3000);
    pbx.blackhole({ user: 'alice' });
    const st = await reconnecting;
    expect(st.kind === 'reconnecting' && st.lastError).toMatch(/no answer/);
    await until(s, 'logged-in');
    expect(logins(pbx, 'session')).toHaveLength(1);
  });

  /**
   * `s` stays logged out. The control, another session of alice's with the same backoff, is
   * dropped by the PBX after `s` logged out: once it is back by session login, a session that
   * meant to come back would have shown it (it says `reconnecting` before it waits).
   */
  async function staysLoggedOut(pbx: PbxEmulator, s: PbxSession, control: PbxSession): Promise<void> {
    const states: string[] = [];
    const off = s.on('state', (st) => states.push(st.kind));
    const sessionLogins = logins(pbx, 'session').length;
    const back = control.next('state', (st) => st.kind === 'logged-in');
    pbx.killSockets({ user: 'alice' });
    await within(back, 'the control session back');
    off();
    expect(states).toEqual([]);
    expect(logins(pbx, 'session')).toHaveLength(sessionLogins + 1); // the control's
  }

  it('SessionDeleted for its own session (deleted on another device) wipes the session, and it stays logged out', async () => {
    const pbx = await emulator();
    const vault = new MemoryVault();
    const a = session(pbx.url, { vault });
    await a.login({ username: 'alice', password: 'Secret123!' });
    const aId = await sessionsWhere(a, (l) => l.some((e) => e.current)).then((l) => l.find((e) => e.current)!.id);
    const b = session(pbx.url);
    await b.login({ username: 'alice', password: 'Secret123!' });
    await sessionsWhere(b, (l) => l.length >= 2);
    const loggedOut = a.next('loggedOut');
    b.deleteSession(aId);
    expect(await within(loggedOut, 'loggedOut')).toEqual({ remote: true });
    expect(a.state).toEqual({ kind: 'disconnected', reason: 'remote-logout' });
    expect(await vault.load()).toBeUndefined();
    await staysLoggedOut(pbx, a, b);
  });

  it('a bare unsolicited LogoutResult (the PBX ended the session) wipes the session, and it stays logged out', async () => {
    const pbx = await emulator();
    const vault = new MemoryVault();
    const a = session(pbx.url, { vault });
    await a.login({ username: 'alice', password: 'Secret123!' });
    expect(await vault.load()).toBeDefined();
    const loggedOut = a.next('loggedOut');
    pbx.inject('{"mt":"LogoutResult"}', { user: 'alice' }); // no SessionDeleted before it
    expect(await within(loggedOut, 'loggedOut')).toEqual({ remote: true });
    expect(a.state).toEqual({ kind: 'disconnected', reason: 'remote-logout' });
    expect(await vault.load()).toBeUndefined();
    expect(pbx.userSessions('alice')).toHaveLength(1); // the PBX itself deleted nothing
    const control = session(pbx.url);
    await control.login({ username: 'alice', password: 'Secret123!' });
    await staysLoggedOut(pbx, a, control);
  });

  it('logout: Logout sent, vault wiped, disconnected', async () => {
    const pbx = await emulator();
    const vault = new MemoryVault();
    const s = session(pbx.url, { vault });
    await s.login({ username: 'alice', password: 'Secret123!' });
    await s.logout();
    expect(pbx.framesOf('Logout')).toHaveLength(1);
    expect(s.state).toEqual({ kind: 'disconnected', reason: 'logged-out' });
    expect(await vault.load()).toBeUndefined();
    expect(pbx.userSessions('alice')).toHaveLength(0);
  });
});

describe('after login', () => {
  async function loggedIn(user = 'alice', password = 'Secret123!') {
    const pbx = await emulator();
    const s = session(pbx.url);
    const apps = s.next('apps');
    await s.login({ username: user, password });
    return { pbx, s, apps: await apps };
  }

  it('app list: every granted App Object once, with hidden, website and presence flags; home selection', async () => {
    const { apps } = await loggedIn();
    const byName = Object.fromEntries(apps.apps.map((a) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(['badger', 'contacts', 'myapp', 'search', 'website']);
    expect(byName.search!.info?.hidden).toBe(true);
    expect(byName.search!.info?.apis).toHaveProperty(['com.innovaphone.search']);
    expect(byName.website!.website).toBe(true);
    expect(byName.badger!.info?.presence).toBe(true);
    expect(byName.contacts).toMatchObject({ title: 'Contacts', text: 'Address book' });
    expect(apps.selected).toBe('contacts,badger');
  });

  it('live change of the app list arrives as a new snapshot; SetApps reaches the PBX', async () => {
    const { pbx, s } = await loggedIn();
    const next = s.next('apps');
    pbx.setUserApps('alice', ['contacts']);
    expect((await next).apps.map((a) => a.name)).toEqual(['contacts']);
    s.setApps('contacts');
    expect((await pbx.waitFor('SetApps')).msg).toEqual({ mt: 'SetApps', home: 'contacts' });
  });

  it('AppGetLogin for a granted app: the App Service can verify the digest; modes in appobj', async () => {
    const { s } = await loggedIn();
    const { result, infoJson } = await s.appGetLogin('myapp', '1234567890');
    expect(result).toMatchObject({ app: 'innovaphone-myapp', pbxObj: 'myapp', domain: 'example.com', sip: 'alice', dn: 'Alice Example' });
    expect(result.error).toBeUndefined();
    expect(Object.keys(result.info!)).toEqual(['appobj', 'appdn', 'appurl', 'pbx', 'cn', 'groups', 'apps']);
    expect(result.info!.appobj).toBe('myapp~admin~debug');
    const digest = appLoginDigest({ app: result.app!, domain: result.domain!, sip: result.sip!, guid: result.guid!, dn: result.dn!, infoJson, challenge: '1234567890', password: 'app-secret' });
    expect(result.digest).toBe(digest);
    expect(result.key).toBe(appSessionKey('1234567890', 'app-secret'));
  });

  it('AppGetLogin for an app the user may not use: an error answer, not a login', async () => {
    const { s } = await loggedIn();
    const { result } = await s.appGetLogin('secret', '42');
    expect(result.error).toBeTypeOf('number');
    expect(result.digest).toBeUndefined();
    expect(result.key).toBeUndefined();
  });

  it('concurrent AppGetLogins are correlated by src', async () => {
    const { pbx, s } = await loggedIn();
    const challenges = Array.from({ length: 20 }, (_, i) => `c${i}x${Math.random().toString(16).slice(2, 8)}`);
    const apps = ['contacts', 'myapp'];
    const answers = await Promise.all(challenges.map((c, i) => s.appGetLogin(apps[i % 2]!, c)));
    answers.forEach(({ result }, i) => {
      const password = i % 2 === 0 ? 'apppwd' : 'app-secret';
      expect(result.key).toBe(appSessionKey(challenges[i]!, password));
    });
    const srcs = pbx.framesOf('AppGetLogin').map((f) => f.msg.src);
    expect(new Set(srcs).size).toBe(20);
  });

  it('AppGetLogin times out when the PBX does not answer', async () => {
    const { pbx, s } = await loggedIn();
    pbx.blackhole({ user: 'alice' });
    await expect(s.appGetLogin('contacts', '1', 200)).rejects.toMatchObject({ reason: 'timeout' });
  });

  it('malformed frames from the PBX are logged and dropped; the session survives', async () => {
    const { pbx, s } = await loggedIn();
    const errors: string[] = [];
    s.on('protocolError', (e) => errors.push(e.error));
    for (const raw of ['not json', '[]', '{"no":"mt"}', '{"mt":"UpdateAppsInfo","app":5}', '{"mt":"AppGetLoginResult"}', '{"mt":"SessionAdded","id":1,"info":{}}', '{"mt":"UpdatePresence","presence":"x"}', '{"mt":"SomethingNew"}']) {
      pbx.inject(raw, { user: 'alice' });
    }
    const { result } = await s.appGetLogin('contacts', '7');
    expect(result.key).toBe(appSessionKey('7', 'apppwd'));
    expect(s.state.kind).toBe('logged-in');
    expect(errors).toHaveLength(7); // the unknown mt is tolerated silently
    expect(errors[3]).toMatch(/UpdateAppsInfo\.app: expected object, got number/);
  });

  it('presence: own presence set and pushed; subscription to an app badge', async () => {
    const { s } = await loggedIn();
    const own = s.next('ownPresence', (p) => p.some((x) => x.activity === 'busy'));
    s.setOwnPresence('busy', 'in a meeting');
    expect((await own).find((x) => x.contact === 'tel:')).toMatchObject({ activity: 'busy', note: 'in a meeting' });
    const badge = s.next('presence', (p) => p.sip === 'badger');
    s.subscribePresence({ sip: 'badger' });
    expect((await badge).presence?.[0]?.note).toBe('#badge:3');
  });

  it('presence subscriptions are renewed after a reconnect', async () => {
    const { pbx, s } = await loggedIn();
    s.subscribePresence({ sip: 'carol' });
    await pbx.waitFor('SubscribePresence');
    await pbx.restart({ downMs: 50 });
    await until(s, 'logged-in');
    await pbx.waitFor('SubscribePresence', (_m, f) => f.connId !== pbx.framesOf('SubscribePresence')[0]!.connId);
  });
});

describe('TLS', () => {
  it('an untrusted certificate is refused with its fingerprint; trusting it by fingerprint lets the login through; another certificate is refused again', async () => {
    const pbx = await emulator({ tls: true });
    const refused = await session(pbx.url).login({ username: 'alice', password: 'Secret123!' });
    expect(refused).toMatchObject({ kind: 'error', reason: 'certificate-untrusted', fingerprint256: pbx.fingerprint256 });
    expect(pbx.received).toHaveLength(0);

    const trusted = session(pbx.url, { trustedFingerprints: [pbx.fingerprint256!] });
    expect(await trusted.login({ username: 'alice', password: 'Secret123!' })).toMatchObject({ kind: 'logged-in' });

    const other = await emulator({ tls: true });
    expect(other.fingerprint256).not.toBe(pbx.fingerprint256);
    const wrongPin = await session(other.url, { trustedFingerprints: [pbx.fingerprint256!] }).login({ username: 'alice', password: 'Secret123!' });
    expect(wrongPin).toMatchObject({ kind: 'error', reason: 'certificate-untrusted', fingerprint256: other.fingerprint256 });
  });
});

describe('a failing vault', () => {
  it('ends in a visible error state instead of an unhandled rejection', async () => {
    const pbx = await emulator();
    const broken = { load: async () => undefined, save: async () => Promise.reject(new Error('keychain locked')), clear: async () => {} };
    expect(await session(pbx.url, { vault: broken }).login({ username: 'alice', password: 'Secret123!' })).toMatchObject({ kind: 'error', reason: 'internal', message: /keychain locked/ });
  });
});

describe('protocol variants the emulator can switch to', () => {
  it('13r1 UpdateApps (one message) gives the same snapshot', async () => {
    const config = sessionTestConfig();
    config.options = { legacyUpdateApps: true };
    const pbx = await emulator({ config });
    const s = session(pbx.url);
    const apps = s.next('apps');
    await s.login({ username: 'alice', password: 'Secret123!' });
    expect((await apps).apps.map((a) => a.name).sort()).toEqual(['badger', 'contacts', 'myapp', 'search', 'website']);
  });

  it('rotated session credentials after a session login (Q7) are stored and work next time', async () => {
    const pbx = await emulator();
    const vault = new MemoryVault();
    await session(pbx.url, { vault }).login({ username: 'alice', password: 'Secret123!' });
    const before = await vault.load();
    pbx.rotateSessions();
    expect(await session(pbx.url, { vault }).login()).toMatchObject({ kind: 'logged-in' });
    const after = await vault.load();
    expect(after!.usr).not.toBe(before!.usr);
    expect(await session(pbx.url, { vault }).login()).toMatchObject({ kind: 'logged-in' });
  });
});

describe('standby PBX (LoginResult.info.alt)', () => {
  it('when the home PBX is down the client falls back to the standby, and StandbyBack brings it home', async () => {
    const sessions = new SessionStore();
    const standby = await emulator({ sessions });
    const config = sessionTestConfig();
    config.options = { alt: `${standby.hostPort}/PBX0` };
    const home = await emulator({ config, sessions });
    const s = session(home.url);
    expect(await s.login({ username: 'alice', password: 'Secret123!' })).toMatchObject({ kind: 'logged-in', standby: false });
    const onStandby = s.next('state', (st) => st.kind === 'logged-in' && st.standby);
    await home.stop();
    expect(await onStandby).toMatchObject({ url: standby.url, standby: true });
    await home.restart({ downMs: 0 });
    const back = s.next('state', (st) => st.kind === 'logged-in' && !st.standby);
    standby.standbyBack('alice');
    expect(await back).toMatchObject({ url: home.url });
  });
});
