/**
 * Single sign-on (OAuth2, pbx-session.md §3.8): the core against the PBX emulator and its real
 * OpenID Connect provider (test/pbx/idp.ts), driven through bridge commands; the provider's
 * sign-in page is driven over HTTP as a browser would (test/support/idp-browser.ts). A raw
 * WebSocket server plays a PBX whose answers the emulator would never send (bad key shares,
 * a sign-in page that is no web page).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { ClientCore, type ClientCoreOptions } from '../../main/core/client/client.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { PbxSession } from '../../main/core/pbx/session.js';
import { MemoryVault } from '../../main/core/pbx/vault.js';
import { decryptSession, encryptSession, loginResultDigest } from '../../main/core/protocol/digest.js';
import { createKeyPair } from '../../main/core/protocol/key-share.js';
import { startIdentityProvider } from '../pbx/idp.js';
import { PbxEmulator, SessionStore, type EmulatorConfig } from '../pbx/index.js';
import { until as untilSnapshot } from '../support/core-apps.js';
import { IdpBrowser } from '../support/idp-browser.js';
import { sessionTestConfig } from '../support/session-config.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The IdP knows alice (the emulator maps the subject to the user with that SIP name). */
async function ssoPbx(change: (c: EmulatorConfig) => void = () => undefined, sessions?: SessionStore) {
  const idp = await startIdentityProvider({ accounts: [{ username: 'alice', password: 'idp-secret' }] });
  cleanups.push(() => idp.close());
  const config = sessionTestConfig();
  config.oauth2 = { ...idp.pbxConfig, name: 'Contoso ID' };
  change(config);
  const pbx = await PbxEmulator.start({ config, port: 0, tls: false, ...(sessions && { sessions }) });
  cleanups.push(() => pbx.stop());
  return { idp, pbx };
}

async function core(extra: Partial<ClientCoreOptions> & { policy?: object } = {}) {
  const dir = extra.configDir ?? mkdtempSync(join(tmpdir(), 'myapps-oauth2-'));
  const policyFile = join(dir, 'policy.json');
  if (extra.policy) writeFileSync(policyFile, JSON.stringify(extra.policy));
  const store = extra.credentialStore ?? new MemoryCredentialStore();
  const c = await ClientCore.start({ configDir: dir, policyFile, credentialStore: store, sessionOptions: { backoff: { initialMs: 50, maxMs: 200, random: () => 1 } }, ...extra });
  cleanups.push(() => c.dispose());
  return { core: c, dir, store: store as MemoryCredentialStore };
}

const until = (c: ClientCore, pred: (s: Snapshot) => boolean, ms = 8000) => untilSnapshot(c, pred, ms);
const signInUrlOf = async (c: ClientCore) => {
  const s = await until(c, (x) => x.connection.kind === 'awaiting-sign-in' || x.connection.kind === 'error');
  if (s.connection.kind !== 'awaiting-sign-in') throw new Error(`no sign-in page: ${JSON.stringify(s.connection)}`);
  return s.connection.signInUrl;
};
const loggedIn = (s: Snapshot) => s.connection.kind === 'logged-in' && s.apps !== undefined && !s.apps.fromCache;
/** Until the emulator has seen every socket close. */
async function noConnections(pbx: PbxEmulator): Promise<void> {
  const deadline = Date.now() + 5000;
  while (pbx.connections().length > 0) {
    if (Date.now() > deadline) throw new Error(`${pbx.connections().length} connections left at the PBX`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('single sign-on through the identity provider', () => {
  it('the PBX announces it; the sign-in in the browser logs the user in, the session is kept, and the next start resumes it without the IdP', async () => {
    const { idp, pbx } = await ssoPbx();
    const { core: c, dir, store } = await core();
    expect(await c.handle({ type: 'loginMethods', pbx: pbx.url })).toEqual({ ok: true, value: { digest: true, oauth2: true, oauth2Name: 'Contoso ID', answered: true } });

    expect(await c.handle({ type: 'loginOAuth2', pbx: pbx.url, stayLoggedIn: true })).toEqual({ ok: true });
    const url = await signInUrlOf(c);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth2\/start\?state=/);
    expect(await store.accounts()).toEqual([]); // nothing before the PBX has answered

    const page = await new IdpBrowser().signIn(url, 'alice', 'idp-secret');
    expect(page.text).toContain('Signed in. You can close this window.');
    const s = await until(c, loggedIn);
    expect(s.user).toMatchObject({ sip: 'alice' });
    // The account is the user the PBX signed in; the session is kept under that user.
    expect(s.account).toMatchObject({ username: 'alice' });
    expect(await store.accounts()).toEqual([`alice@${pbx.url.replace(/^ws:\/\/([^/]+).*$/, 'ws://$1/PBX0/APPCLIENT/130000/websocket')}`]);

    // Restart with the identity provider gone: the stored session logs in, no sign-in.
    await c.dispose();
    await idp.close();
    const logins = (method: string, type: string) => pbx.framesOf('Login').filter((f) => f.msg?.method === method && f.msg?.type === type).length;
    expect([logins('oauth2', 'user'), logins('digest', 'session')]).toEqual([1, 0]);
    const again = await core({ configDir: dir, credentialStore: store });
    const s2 = await until(again.core, loggedIn);
    expect(s2.user).toMatchObject({ sip: 'alice' });
    expect([logins('oauth2', 'user'), logins('digest', 'session')]).toEqual([1, 1]);
  });

  it('a user hosted on another PBX: the verified Redirect after the sign-in is followed and the session logs in there', async () => {
    const sessions = new SessionStore();
    const home = await PbxEmulator.start({ config: sessionTestConfig(), port: 0, tls: false, sessions });
    cleanups.push(() => home.stop());
    const { pbx } = await ssoPbx((config) => {
      config.users = config.users.map((u) => (u.sip === 'alice' ? { ...u, redirect: { host: home.hostPort, mod: 'PBX0' } } : u));
    }, sessions);
    const { core: c } = await core();
    await c.handle({ type: 'loginOAuth2', pbx: pbx.url, stayLoggedIn: true });
    expect((await new IdpBrowser().signIn(await signInUrlOf(c), 'alice', 'idp-secret')).text).toContain('Signed in.');
    const s = await until(c, (x) => loggedIn(x) || x.connection.kind === 'error');
    expect(s.connection).toMatchObject({ kind: 'logged-in' });
    expect(s.user).toMatchObject({ sip: 'alice' });
    // The session the Redirect carried (decrypted with S) is what logged in at the home PBX.
    expect(home.framesOf('Login').filter((f) => f.msg?.type === 'session' && f.msg?.method === 'digest')).toHaveLength(1);
  });

  it('a wrong password at the IdP shows its error and the PBX keeps waiting; the right one then logs in', async () => {
    const { pbx } = await ssoPbx();
    const { core: c } = await core();
    await c.handle({ type: 'loginOAuth2', pbx: pbx.url, stayLoggedIn: true });
    const browser = new IdpBrowser();
    const form = await browser.open(await signInUrlOf(c));
    const wrong = await browser.submit(form, { username: 'alice', password: 'nope' });
    expect(wrong.text).toContain('Wrong username or password.');
    expect(c.snapshot().connection.kind).toBe('awaiting-sign-in');
    const right = await browser.submit(wrong, { username: 'alice', password: 'idp-secret' });
    expect(right.text).toContain('Signed in.');
    await until(c, loggedIn);
  });

  it('Cancel at the IdP: the login ends with a sign-in error, nothing is stored', async () => {
    const { pbx } = await ssoPbx();
    const { core: c, store } = await core();
    await c.handle({ type: 'loginOAuth2', pbx: pbx.url, stayLoggedIn: true });
    const browser = new IdpBrowser();
    await browser.submit(await browser.open(await signInUrlOf(c)), {}, 'cancel');
    const s = await until(c, (x) => x.connection.kind === 'error');
    expect(s.connection).toMatchObject({ kind: 'error', reason: 'sign-in-failed', message: expect.stringMatching(/cancelled/) });
    expect(await store.accounts()).toEqual([]);
    expect(s.account?.username ?? '').toBe('');
  });

  it('Cancel in the client closes that attempt: back to the login form, nothing stored, the PBX no longer waits', async () => {
    const { pbx } = await ssoPbx();
    const { core: c, store } = await core();
    await c.handle({ type: 'loginOAuth2', pbx: pbx.url, stayLoggedIn: true });
    const url = await signInUrlOf(c);
    expect(await c.handle({ type: 'cancelLogin' })).toEqual({ ok: true });
    expect(c.snapshot().connection).toEqual({ kind: 'disconnected', reason: 'closed' });
    await noConnections(pbx);
    // The socket is gone: a sign-in finished now reaches nobody (the PBX forgot the attempt).
    const page = await new IdpBrowser().open(url);
    expect(page.text).toMatch(/Sign-in failed/);
    expect(page.text).not.toContain('<form');
    expect(c.snapshot().connection).toEqual({ kind: 'disconnected', reason: 'closed' });
    expect(await store.accounts()).toEqual([]);
  });

  it('a PBX key share that was tampered with fails the digest: a clear error, nothing stored, no account', async () => {
    const { pbx } = await ssoPbx((c) => (c.options = { ...c.options, oauth2TamperKeyShare: true }));
    const { core: c, store } = await core();
    await c.handle({ type: 'loginOAuth2', pbx: pbx.url, stayLoggedIn: true });
    expect((await new IdpBrowser().signIn(await signInUrlOf(c), 'alice', 'idp-secret')).text).toContain('Signed in.');
    const s = await until(c, (x) => x.connection.kind === 'error');
    expect(s.connection).toMatchObject({ kind: 'error', reason: 'forged-digest' });
    expect(await store.accounts()).toEqual([]);
    expect(s.user).toBeUndefined();
  });

  it('a PBX without user passwords offers only single sign-on, and a password login there fails clearly', async () => {
    const { pbx } = await ssoPbx((c) => (c.userDigest = false));
    const { core: c } = await core();
    expect(await c.handle({ type: 'loginMethods', pbx: pbx.url })).toMatchObject({ ok: true, value: { digest: false, oauth2: true } });
    await c.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
    const s = await until(c, (x) => x.connection.kind === 'error');
    expect(s.connection).toMatchObject({ reason: 'login-rejected', message: expect.stringMatching(/does not offer login with a password.*Sign in with Contoso ID/) });
  });
});

describe('IT policy: loginMethod', () => {
  it('oauth2 forced: the password login is neither offered nor accepted', async () => {
    const { pbx } = await ssoPbx();
    const { core: c } = await core({ policy: { enforced: { loginMethod: 'oauth2' } } });
    expect(c.snapshot().login).toMatchObject({ loginMethod: 'oauth2' });
    expect(await c.handle({ type: 'loginMethods', pbx: pbx.url })).toMatchObject({ ok: true, value: { digest: false, oauth2: true } });
    expect(await c.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false })).toEqual({ ok: false, error: expect.stringMatching(/only single sign-on/) });
    // Positive control: single sign-on goes ahead.
    expect(await c.handle({ type: 'loginOAuth2', pbx: pbx.url, stayLoggedIn: false })).toEqual({ ok: true });
    await signInUrlOf(c);
  });

  it('digest forced: single sign-on is neither offered nor accepted, though the PBX offers it', async () => {
    const { pbx } = await ssoPbx();
    const { core: c } = await core({ policy: { enforced: { loginMethod: 'digest' } } });
    expect(await c.handle({ type: 'loginMethods', pbx: pbx.url })).toMatchObject({ ok: true, value: { digest: true, oauth2: false } });
    expect(await c.handle({ type: 'loginOAuth2', pbx: pbx.url, stayLoggedIn: false })).toEqual({ ok: false, error: expect.stringMatching(/only the login with user name and password/) });
    expect(c.snapshot().connection.kind).toBe('disconnected');
    // Positive control: the password login goes ahead.
    expect(await c.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false })).toEqual({ ok: true });
    await until(c, loggedIn);
  });
});

// ---------------------------------------------------------------- a PBX the emulator would never be

/**
 * Answers `LoginInfo` with nothing (a PBX older than 13r3), and the OAuth2 Login with
 * Authenticate naming `signInUrl`; `finish` then makes the LoginResult from the client's Login.
 */
async function scriptedPbx(signInUrl: string, finish?: (login: Record<string, string>, challenge: string) => string) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  cleanups.push(() => new Promise((r) => wss.close(r)));
  const seen: string[] = [];
  wss.on('connection', (ws: WebSocket) => {
    cleanups.push(() => ws.terminate());
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as Record<string, string>;
      seen.push(msg.mt!);
      if (msg.mt !== 'Login' || msg.method !== 'oauth2') return;
      ws.send(JSON.stringify({ mt: 'Authenticate', type: 'user', method: 'oauth2', domain: 'example.com', url: signInUrl, challenge: 'fedcba9876543210' }));
      if (finish) ws.send(finish(msg, 'fedcba9876543210'));
    });
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/PBX0/APPCLIENT/websocket`, seen };
}

/** A LoginResult as a PBX with private key `pbxKey` would make it, but carrying `keyShare` as its share. */
function loginResultWith(login: Record<string, string>, challenge: string, keyShare: string): string {
  const pbxKeys = createKeyPair();
  const secret = pbxKeys.sharedSecret(login.keyShare);
  const info = { user: { sip: 'alice' }, session: encryptSession({ usr: 'u'.repeat(32), pwd: 'p'.repeat(23) }, login.nonce!, secret), keyShare };
  return JSON.stringify({ mt: 'LoginResult', info, digest: loginResultDigest({ domain: 'example.com', username: 'alice', secret, nonce: login.nonce!, challenge, infoJson: JSON.stringify(info) }) });
}

describe('what the client refuses from a PBX', () => {
  const ssoSession = (url: string, vault = new MemoryVault()) => {
    const s = new PbxSession({ address: url, vault, loginTimeoutMs: 3000, authorizeTimeoutMs: 3000 });
    cleanups.push(() => s.close());
    return s;
  };

  it.each([
    ['not 128 hex characters', 'zz'.repeat(64), /not 128 hex/],
    ['too short', 'ab'.repeat(32), /not 128 hex/],
    ['not a point on P-256', 'ab'.repeat(64), /not a point on the P-256 curve/],
  ])('a key share %s: a clear error, nothing stored', async (_what, share, reason) => {
    const pbx = await scriptedPbx('https://idp.example.com/auth', (login, challenge) => loginResultWith(login, challenge, share));
    const vault = new MemoryVault();
    const state = await ssoSession(pbx.url, vault).login({ method: 'oauth2' });
    expect(state).toMatchObject({ kind: 'error', reason: 'forged-digest', message: expect.stringMatching(reason) });
    expect(await vault.load()).toBeUndefined();
  });

  it('positive control: the same PBX with its real key share logs in, and the session decrypts with S', async () => {
    let sent: { secret: string; nonce: string } | undefined;
    const pbx = await scriptedPbx('https://idp.example.com/auth', (login, challenge) => {
      const pbxKeys = createKeyPair();
      const secret = pbxKeys.sharedSecret(login.keyShare);
      sent = { secret, nonce: login.nonce! };
      const info = { user: { sip: 'alice' }, session: encryptSession({ usr: 'u'.repeat(32), pwd: 'p'.repeat(23) }, login.nonce!, secret), keyShare: pbxKeys.keyShare };
      return JSON.stringify({ mt: 'LoginResult', info, digest: loginResultDigest({ domain: 'example.com', username: 'alice', secret, nonce: login.nonce!, challenge, infoJson: JSON.stringify(info) }) });
    });
    const vault = new MemoryVault();
    expect(await ssoSession(pbx.url, vault).login({ method: 'oauth2' })).toMatchObject({ kind: 'logged-in' });
    expect(await vault.load()).toMatchObject({ usr: 'u'.repeat(32), pwd: 'p'.repeat(23) });
    expect(decryptSession(encryptSession({ usr: 'a', pwd: 'b' }, sent!.nonce, sent!.secret), sent!.nonce, sent!.secret)).toEqual({ usr: 'a', pwd: 'b' });
    // LoginInfo went first, and the PBX that never answered it did not hold the login up.
    expect(pbx.seen.slice(0, 2)).toEqual(['LoginInfo', 'Login']);
  });

  it.each([['javascript:alert(1)'], ['file:///etc/passwd'], ['https://user:pw@idp.example.com/'], ['not a url']])('a sign-in page %s is not opened: a clear error', async (bad) => {
    const pbx = await scriptedPbx(bad);
    const s = ssoSession(pbx.url);
    const kinds: string[] = [];
    s.on('state', (st) => kinds.push(st.kind));
    expect(await s.login({ method: 'oauth2' })).toMatchObject({ kind: 'error', reason: 'protocol', message: expect.stringMatching(/no usable sign-in page/) });
    expect(kinds).not.toContain('awaiting-sign-in');
  });

  it('each sign-in sends a fresh key share and nonce', async () => {
    const shares: string[] = [];
    const pbx = await scriptedPbx('https://idp.example.com/auth', (login) => {
      shares.push(`${login.keyShare}/${login.nonce}`);
      return JSON.stringify({ mt: 'LoginResult', error: 2, errorText: 'no' });
    });
    for (let i = 0; i < 2; i++) expect(await ssoSession(pbx.url).login({ method: 'oauth2' })).toMatchObject({ kind: 'error', reason: 'sign-in-failed' });
    expect(shares).toHaveLength(2);
    const [share1, nonce1, share2, nonce2] = shares.flatMap((s) => s.split('/'));
    expect(share1).toMatch(/^[0-9a-f]{128}$/);
    expect(share1).not.toBe(share2);
    expect(nonce1).not.toBe(nonce2);
  });

  it('a PBX that never answers LoginInfo: the login methods are unannounced (the password login), within the bound', async () => {
    const pbx = await scriptedPbx('https://idp.example.com/auth');
    expect(await new PbxSession({ address: pbx.url }).probeLoginMethods(300)).toEqual({ digest: true, oauth2: false, oauth2Name: '', answered: false });
    expect(pbx.seen).toEqual(['LoginInfo']);
  });
});
