/**
 * The emulator's OAuth2 login (pbx-session.md §3.8) against a real OpenID Connect provider
 * (test/pbx/idp.ts). The myApps side is a bare WebSocket client written here; the browser is
 * `fetch` with a small cookie jar that follows redirects and posts the sign-in form. The client's
 * own ECDH, digest and RC4 decryption are computed here from the spec, so the emulator's wire
 * behaviour is checked, not its code against itself.
 */
import { createECDH } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomHex, rc4DecryptHex, sha256Hex } from '../../main/core/protocol/crypto.js';
import { startIdentityProvider } from '../pbx/idp.js';
import type { IdentityProvider } from '../pbx/idp.js';
import { ConfigError, PbxEmulator, validateEmulatorConfig } from '../pbx/index.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { JsonSocket, type Msg } from '../support/json-socket.js';

const DOMAIN = 'example.com';
/** Sign-ins go through an IdP and a token exchange: give them more than the default 3 s. */
const WAIT = 15_000;

// --- the spec's formulas, written out here ---------------------------------------------------

interface Proof { username: string; secret: string; nonce: string; challenge: string }

const redirectDigest = (p: Proof, infoJson: string) =>
  sha256Hex(`innovaphoneAppClient:redirect:${p.username}:${p.secret}:${p.nonce}:${p.challenge}:${infoJson}`);
const resultDigest = (p: Proof, infoJson: string) =>
  sha256Hex(`innovaphoneAppClient:loginresult:${DOMAIN}:${p.username}:${p.secret}:${p.nonce}:${p.challenge}:${infoJson}`);
const decryptSession = (p: Proof, s: { usr: string; pwd: string }) => ({
  usr: rc4DecryptHex(`innovaphoneAppClient:usr:${p.nonce}:${p.secret}`, s.usr),
  pwd: rc4DecryptHex(`innovaphoneAppClient:pwd:${p.nonce}:${p.secret}`, s.pwd),
});

// --- a browser: fetch, a cookie jar, redirects followed by hand -------------------------------

interface Page { url: string; status: number; text: string }

class Browser {
  /** host → cookie name → value. Paths are ignored: a superset of what a browser would send. */
  private readonly jar = new Map<string, Map<string, string>>();

  private cookies(url: URL): Map<string, string> {
    let m = this.jar.get(url.host);
    if (!m) this.jar.set(url.host, (m = new Map()));
    return m;
  }

  private async request(url: string, init: RequestInit = {}): Promise<Page> {
    let u = new URL(url);
    let req = init;
    for (let hops = 0; hops < 20; hops++) {
      const jar = this.cookies(u);
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(u, { ...req, redirect: 'manual', headers: { ...(req.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
      for (const sc of res.headers.getSetCookie()) {
        const [pair = '', ...attrs] = sc.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now()));
        if (expired) jar.delete(name);
        else jar.set(name, pair.slice(eq + 1).trim());
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        u = new URL(location, u);
        req = {}; // 302/303: the next request is a GET
        continue;
      }
      return { url: u.href, status: res.status, text: await res.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  open(url: string): Promise<Page> {
    return this.request(url);
  }

  /** Posts the sign-in form of `page` (its `action`) with the given fields and button. */
  submit(page: Page, fields: Record<string, string>): Promise<Page> {
    const action = /<form method="post" action="([^"]+)"/.exec(page.text)?.[1];
    if (!action) throw new Error(`no sign-in form on ${page.url}: ${page.text.slice(0, 300)}`);
    return this.request(new URL(action.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))), page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

// --- setup -----------------------------------------------------------------------------------

let idp: IdentityProvider;
const running: PbxEmulator[] = [];
const sockets: JsonSocket[] = [];

beforeAll(async () => {
  idp = await startIdentityProvider({
    accounts: [
      { username: 'alice', password: 'alice-sso' },
      { username: 'bob', password: 'bob-sso' },
      { username: 'mallory', password: 'mallory-sso' }, // known to the IdP, not to the PBX
    ],
  });
});
afterAll(async () => idp.close());
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

function config(over: Partial<EmulatorConfig> = {}): EmulatorConfig {
  return {
    domain: DOMAIN,
    pbx: 'master',
    users: [
      { sip: 'alice', password: 'Secret123!', dn: 'Alice Example', apps: [] },
      { sip: 'bob', password: 'bobpass', apps: [], twoFactor: true },
    ],
    appObjects: [],
    oauth2: { ...idp.pbxConfig, name: 'Company SSO' },
    ...over,
  };
}

async function start(over: Partial<EmulatorConfig> = {}): Promise<PbxEmulator> {
  const emu = await PbxEmulator.start({ config: config(over) });
  running.push(emu);
  return emu;
}

async function connect(emu: PbxEmulator): Promise<JsonSocket> {
  const s = await JsonSocket.open(emu.url);
  sockets.push(s);
  return s;
}

/** `Login{method:"oauth2"}` with a fresh key pair; returns what the client keeps, and Authenticate. */
async function beginOAuth2(s: JsonSocket) {
  const ecdh = createECDH('prime256v1');
  const keyShare = ecdh.generateKeys().subarray(1).toString('hex');
  const nonce = randomHex(8);
  s.send({ mt: 'Login', type: 'user', method: 'oauth2', nonce, keyShare, userAgent: 'raw-oauth2-test' });
  const auth = await s.next('Authenticate');
  expect(auth).toMatchObject({ type: 'user', method: 'oauth2', domain: DOMAIN });
  expect(auth.challenge).toMatch(/^[0-9a-f]{16}$/);
  /** S from the PBX's key share, as a client computes it (throws for a point not on the curve). */
  const secretFor = (pbxShare: string) => ecdh.computeSecret(Buffer.concat([Buffer.from([4]), Buffer.from(pbxShare, 'hex')])).toString('hex');
  return { nonce, auth, secretFor };
}

/** Opens Authenticate.url in the browser: the IdP's sign-in page. */
async function signInPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.open(url);
  expect(page.url.startsWith(idp.issuer), page.url).toBe(true);
  expect(page.text).toContain('<label for="username">Username</label>');
  expect(page.text).toContain('<label for="password">Password</label>');
  expect(page.text).toContain('>Sign in</button>');
  expect(page.text).toContain('>Cancel</button>');
  return page;
}

async function signIn(browser: Browser, url: string, username: string, password: string): Promise<Page> {
  return browser.submit(await signInPage(browser, url), { username, password, action: 'signin' });
}

/** Checks a successful OAuth2 LoginResult the way a client must, and returns the session. */
function verifyResult(r: Msg, begin: Awaited<ReturnType<typeof beginOAuth2>>) {
  expect(r.error).toBeUndefined();
  expect(r.info.keyShare).toMatch(/^[0-9a-f]{128}$/);
  const proof: Proof = { username: r.info.user.sip, secret: begin.secretFor(r.info.keyShare), nonce: begin.nonce, challenge: begin.auth.challenge };
  expect(proof.secret).toMatch(/^[0-9a-f]{64}$/);
  expect(r.digest).toBe(resultDigest(proof, JSON.stringify(r.info)));
  const session = decryptSession(proof, r.info.session);
  expect(session.usr).toMatch(/^[0-9a-f]{32}$/);
  expect(session.pwd).toMatch(/^[A-Za-z0-9]{23}$/);
  return session;
}

async function sessionLogin(emu: PbxEmulator, session: { usr: string; pwd: string }): Promise<Msg> {
  const s = await connect(emu);
  s.send({ mt: 'Login', type: 'session', userAgent: 'raw-oauth2-test' });
  const auth = await s.next('Authenticate');
  const nonce = randomHex(8);
  const response = sha256Hex(`innovaphoneAppClient:session:${DOMAIN}:${session.usr}:${session.pwd}:${nonce}:${auth.challenge}`);
  s.send({ mt: 'Login', type: 'session', method: 'digest', username: session.usr, nonce, response, userAgent: 'raw-oauth2-test' });
  const r = await s.next('LoginResult');
  expect(r.error).toBeUndefined();
  expect(r.digest).toBe(resultDigest({ username: session.usr, secret: session.pwd, nonce, challenge: auth.challenge }, JSON.stringify(r.info)));
  return r;
}

// --- tests -----------------------------------------------------------------------------------

describe('PBX emulator: OAuth2 login through a real OpenID Connect provider', () => {
  it('LoginInfo → key share → Authenticate.url → IdP sign-in → LoginResult (digest, session) → session login; user digest off', async () => {
    const emu = await start({ userDigest: false });
    const s = await connect(emu);
    s.send({ mt: 'LoginInfo' });
    expect(await s.next('LoginInfoResult')).toEqual({
      mt: 'LoginInfoResult', user: { digest: false, ntlm: false, oauth2: true, oauth2Name: 'Company SSO' }, session: { digest: true },
    });
    const begin = await beginOAuth2(s);
    expect(begin.auth.url).toMatch(new RegExp(`^http://${emu.hostPort.replace(/\./g, '\\.')}/oauth2/start\\?state=[0-9a-f]{32}$`));

    const browser = new Browser();
    const done = await signIn(browser, begin.auth.url, 'alice', 'alice-sso');
    expect(done.text).toContain('Signed in. You can close this window.');
    expect(new URL(done.url).pathname).toBe('/oauth2/callback');

    const r = await s.next('LoginResult', undefined, WAIT);
    expect(r.info.user).toMatchObject({ sip: 'alice', dn: 'Alice Example', domain: DOMAIN });
    const session = verifyResult(r, begin);
    expect(emu.userSessions('alice').map((x) => [x.usr, x.userAgent])).toEqual([[session.usr, 'raw-oauth2-test']]);

    // The session works for a digest login although user digest logins are off.
    const again = await sessionLogin(emu, session);
    expect(again.info.user.sip).toBe('alice');

    // The callback's state is spent: the same URL again is an error page, and the socket hears nothing more.
    const replay = await browser.open(done.url);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('Sign-in failed');
  });

  it('a wrong password shows the form again and the PBX keeps waiting; the right one then signs in', async () => {
    const emu = await start();
    const s = await connect(emu);
    const begin = await beginOAuth2(s);
    const browser = new Browser();
    const form = await signInPage(browser, begin.auth.url);
    const wrong = await browser.submit(form, { username: 'alice', password: 'nope', action: 'signin' });
    expect(wrong.text).toContain('Wrong username or password.');
    expect(wrong.url.startsWith(idp.issuer)).toBe(true);
    const done = await browser.submit(wrong, { username: 'alice', password: 'alice-sso', action: 'signin' });
    expect(done.text).toContain('Signed in. You can close this window.');
    // The first LoginResult on the socket is the success: the wrong password sent none.
    verifyResult(await s.next('LoginResult', undefined, WAIT), begin);
  });

  it('Cancel at the IdP ends the login with error 2 "sign-in cancelled"', async () => {
    const emu = await start();
    const s = await connect(emu);
    const begin = await beginOAuth2(s);
    const browser = new Browser();
    const page = await browser.submit(await signInPage(browser, begin.auth.url), { username: '', password: '', action: 'cancel' });
    expect(page.text).toContain('Sign-in failed: sign-in cancelled.');
    expect(await s.next('LoginResult', undefined, WAIT)).toEqual({ mt: 'LoginResult', error: 2, errorText: 'sign-in cancelled' });
  });

  it('an IdP account the PBX does not know gets error 2', async () => {
    const emu = await start();
    const s = await connect(emu);
    const begin = await beginOAuth2(s);
    const page = await signIn(new Browser(), begin.auth.url, 'mallory', 'mallory-sso');
    expect(page.text).toContain('Sign-in failed: unknown user');
    const r = await s.next('LoginResult', undefined, WAIT);
    expect(r).toMatchObject({ error: 2 });
    expect(r.errorText).toContain('unknown user');
    expect(emu.userSessions('alice')).toEqual([]);
  });

  it('a key share that is not a P-256 point, or not 128 hex, gets error 1', async () => {
    const emu = await start();
    const s = await connect(emu);
    // A valid point with junk after it: Buffer.from(…, 'hex') would silently drop the junk.
    const valid = createECDH('prime256v1').generateKeys().subarray(1).toString('hex');
    for (const keyShare of ['ab'.repeat(64), 'ab'.repeat(32), undefined, 'zz'.repeat(64), `${valid}zz`, `04${valid}`]) {
      s.send({ mt: 'Login', type: 'user', method: 'oauth2', nonce: randomHex(8), keyShare, userAgent: 't' });
      const r = await s.next('LoginResult');
      expect(r.error, String(keyShare)).toBe(1);
      expect(r.errorText).toContain('keyShare');
    }
    // Positive control on the same socket: a valid share gets its Authenticate.
    await beginOAuth2(s);
  });

  it('oauth2TamperKeyShare: the key share in LoginResult is another valid key, so the digest does not match', async () => {
    const emu = await start({ options: { oauth2TamperKeyShare: true } });
    const s = await connect(emu);
    const begin = await beginOAuth2(s);
    await signIn(new Browser(), begin.auth.url, 'alice', 'alice-sso');
    const r = await s.next('LoginResult', undefined, WAIT);
    expect(r.error).toBeUndefined();
    // A point on the curve (the secret derives), but not the PBX's: the digest fails.
    const secret = begin.secretFor(r.info.keyShare);
    expect(r.digest).not.toBe(resultDigest({ username: 'alice', secret, nonce: begin.nonce, challenge: begin.auth.challenge }, JSON.stringify(r.info)));
  });

  it('2FA: Authorize{code} first, LoginResult with the key share once approved', async () => {
    const emu = await start();
    const s = await connect(emu);
    const begin = await beginOAuth2(s);
    await signIn(new Browser(), begin.auth.url, 'bob', 'bob-sso');
    const authz = await s.next('Authorize', undefined, WAIT);
    expect(authz.code).toBeGreaterThanOrEqual(1000);
    expect(emu.userSessions('bob')).toMatchObject([{ pending: true, code: authz.code }]);
    emu.approve('bob');
    verifyResult(await s.next('LoginResult'), begin);
  });

  it('a user hosted elsewhere gets Redirect with the key share, digest (U empty: the client knows no user yet) and session keyed by the ECDH secret', async () => {
    const emu = await start({ users: [{ sip: 'alice', password: 'x', apps: [], redirect: { host: 'slave1.example.com' } }] });
    const s = await connect(emu);
    const begin = await beginOAuth2(s);
    await signIn(new Browser(), begin.auth.url, 'alice', 'alice-sso');
    const r = await s.next('Redirect', undefined, WAIT);
    expect(r.info).toMatchObject({ host: 'slave1.example.com', mod: 'PBX0' });
    const proof: Proof = { username: '', secret: begin.secretFor(r.info.keyShare), nonce: begin.nonce, challenge: begin.auth.challenge };
    expect(r.info.user).toBeUndefined();
    expect(r.digest).toBe(redirectDigest(proof, JSON.stringify(r.info)));
    expect(decryptSession(proof, r.info.session).usr).toBe(emu.userSessions('alice')[0]?.usr);
  });

  it('an OAuth2 login reusing a nonce of the same user gets error 2', async () => {
    const emu = await start();
    const first = await connect(emu);
    const b1 = await beginOAuth2(first);
    await signIn(new Browser(), b1.auth.url, 'alice', 'alice-sso');
    verifyResult(await first.next('LoginResult', undefined, WAIT), b1);
    const s = await connect(emu);
    const ecdh = createECDH('prime256v1');
    s.send({ mt: 'Login', type: 'user', method: 'oauth2', nonce: b1.nonce, keyShare: ecdh.generateKeys().subarray(1).toString('hex'), userAgent: 't' });
    const auth = await s.next('Authenticate');
    const page = await signIn(new Browser(), auth.url, 'alice', 'alice-sso');
    expect(page.text).toContain('Sign-in failed: nonce already used.'); // the IdP said yes; the PBX refuses
    expect(await s.next('LoginResult', undefined, WAIT)).toEqual({ mt: 'LoginResult', error: 2, errorText: 'nonce already used' });
    expect(emu.userSessions('alice')).toHaveLength(1);
  });

  it('a socket closed while its user signs in drops the sign-in: the link is dead', async () => {
    const emu = await start();
    const s = await connect(emu);
    const begin = await beginOAuth2(s);
    s.close();
    await s.closed;
    // The emulator handles the close asynchronously; wait until it forgot the connection.
    while (emu.connections().length) await new Promise((r) => setImmediate(r));
    const page = await new Browser().open(begin.auth.url);
    expect(page.status).toBe(400);
    expect(page.text).toContain('Sign-in failed');
    // Positive control: a live socket's link does lead to the IdP.
    const s2 = await connect(emu);
    await signInPage(new Browser(), (await beginOAuth2(s2)).auth.url);
  });

  it('pending sign-ins are bounded: the 101st is refused until a closed socket frees a place', async () => {
    const emu = await start();
    const waiting = await Promise.all(Array.from({ length: 100 }, () => connect(emu)));
    await Promise.all(waiting.map((s) => beginOAuth2(s)));
    const extra = await connect(emu);
    const keyShare = () => createECDH('prime256v1').generateKeys().subarray(1).toString('hex');
    extra.send({ mt: 'Login', type: 'user', method: 'oauth2', nonce: randomHex(8), keyShare: keyShare(), userAgent: 't' });
    expect(await extra.next('LoginResult')).toEqual({ mt: 'LoginResult', error: 2, errorText: 'Too many sign-ins in progress' });
    // One of the hundred goes away: its place is free again.
    waiting[0]!.close();
    while (emu.connections().length > 100) await new Promise((r) => setImmediate(r));
    await beginOAuth2(extra);
  });

  it('user digest logins are refused with error 2 when userDigest is false', async () => {
    const emu = await start({ userDigest: false });
    const s = await connect(emu);
    s.send({ mt: 'Login', type: 'user', userAgent: 't' });
    expect(await s.next('LoginResult')).toMatchObject({ error: 2 });
    expect(emu.framesOf('Login').at(-1)?.problem).toBe('method-disabled');
    // Positive control: the same login with the default config gets its challenge.
    emu.config = validateEmulatorConfig(config());
    s.send({ mt: 'Login', type: 'user', userAgent: 't' });
    expect(await s.next('Authenticate')).toMatchObject({ method: 'digest' });
  });

  it('OAuth2 is refused without an oauth2 config; the config is validated', async () => {
    const emu = await start({ oauth2: undefined });
    const s = await connect(emu);
    s.send({ mt: 'LoginInfo' });
    expect((await s.next('LoginInfoResult')).user).toMatchObject({ digest: true, oauth2: false });
    const keyShare = createECDH('prime256v1').generateKeys().subarray(1).toString('hex');
    s.send({ mt: 'Login', type: 'user', method: 'oauth2', nonce: randomHex(8), keyShare, userAgent: 't' });
    expect(await s.next('LoginResult')).toEqual({ mt: 'LoginResult', error: 2, errorText: 'OAuth2 login is not enabled' });

    const bad = (oauth2: unknown, userDigest?: unknown) => {
      try {
        validateEmulatorConfig({ ...config(), oauth2, ...(userDigest !== undefined ? { userDigest } : {}) });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).problems;
      }
      return [];
    };
    expect(bad({ issuer: 'not a url', clientId: 'x', clientSecret: 'y' })).toEqual(['oauth2.issuer: must be an absolute URL']);
    expect(bad({ issuer: idp.issuer, clientId: 'x' })).toEqual(['oauth2.clientSecret: required string']);
    expect(bad(JSON.parse(`{"issuer":"${idp.issuer}","clientId":"x","clientSecret":"y","__proto__":{}}`))[0]).toMatch(/^oauth2: unknown key "__proto__"/);
    expect(bad(idp.pbxConfig, 'no')).toEqual(['config.userDigest: must be true or false']);
    expect(bad(idp.pbxConfig)).toEqual([]);
  });
});
