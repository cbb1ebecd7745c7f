/**
 * Faults, each with the recovery the client is meant to make and proof that nothing is lost:
 * the real core (ClientCore) on real sockets to the PBX emulator, the sample App Services, and
 * real files (a tiny tmpfs for a full disk). The keychain's faults are in faults-keychain.test.ts.
 *
 * No fixed sleeps: every wait is for an event (a core event, a frame the emulator received, a
 * socket closing), and every "this did not happen" has a positive control beside it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { ClientCore, type ClientCoreOptions } from '../../main/core/client/client.js';
import { fileSystemSteps, type AtomicWriteSteps } from '../../main/core/config/atomic-write.js';
import { ConfigService } from '../../main/core/config/config-service.js';
import { settingsPath } from '../../main/core/config/settings-store.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { credentialAccount } from '../../main/core/credentials/session-vault.js';
import { PbxSession } from '../../main/core/pbx/session.js';
import type { BackoffOptions } from '../../main/core/pbx/backoff.js';
import { appLoginFrom, JsonSocket } from '../apps/pbx-client.js';
import { verifyAppLogin } from '../apps/login.js';
import { startSampleApps, type SampleAppConfig, type SampleApps } from '../apps/server.js';
import { PbxEmulator, type EmulatorConfig } from '../pbx/index.js';
import { appsConfig, cleanups, openView, setup, type FakeView } from '../support/core-apps.js';
import { sessionTestConfig } from '../support/session-config.js';

/** Reconnect quickly and deterministically (the longest wait is the upper bound). */
const fastBackoff: BackoffOptions = { initialMs: 50, maxMs: 200, random: () => 1 };

async function emulator(config: EmulatorConfig = sessionTestConfig()): Promise<PbxEmulator> {
  const pbx = await PbxEmulator.start({ config, port: 0 });
  cleanups.push(() => pbx.stop());
  return pbx;
}

async function startCore(extra: Partial<ClientCoreOptions> = {}): Promise<{ core: ClientCore; dir: string }> {
  const dir = extra.configDir ?? mkdtempSync(join(tmpdir(), 'myapps-faults-'));
  const core = await ClientCore.start({
    configDir: dir,
    policyFile: join(dir, 'policy.json'),
    credentialStore: new MemoryCredentialStore(),
    policyPollMs: 0,
    ...extra,
    sessionOptions: { backoff: fastBackoff, ...extra.sessionOptions },
  });
  cleanups.push(() => core.dispose());
  return { core, dir };
}

/** Resolves when the snapshot satisfies `pred` (now or after a later event); says where it is on timeout. */
function until(core: ClientCore, pred: (s: Snapshot) => boolean, what = 'condition', ms = 4000): Promise<Snapshot> {
  if (pred(core.snapshot())) return Promise.resolve(core.snapshot());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${what} not met within ${ms} ms; connection ${JSON.stringify(core.snapshot().connection)}`));
    }, ms);
    const off = core.onEvent(() => {
      if (!pred(core.snapshot())) return;
      clearTimeout(timer);
      off();
      resolve(core.snapshot());
    });
  });
}

const loggedIn = (s: Snapshot) => s.connection.kind === 'logged-in' && s.apps !== undefined && !s.apps.fromCache;
const login = (pbx: string, username = 'alice', password = 'Secret123!', stayLoggedIn = true) => ({ type: 'login', pbx, username, password, stayLoggedIn });
const sessionLogins = (pbx: PbxEmulator) => pbx.framesOf('Login').filter((f) => f.msg?.type === 'session' && f.msg?.response);
/** The user's newest connection (a black-holed one stays listed: its socket never reads the close). */
const connOf = (pbx: PbxEmulator, user: string) => pbx.connections().filter((c) => c.user === user).at(-1)?.id;

/** The `Login` messages a view was posted, in order. */
const loginsOf = (view: FakeView) => view.posted.filter((m) => m.mt === 'Login');
async function nthLogin(view: FakeView, n: number): Promise<Record<string, unknown>> {
  await view.next(() => loginsOf(view).length >= n);
  return loginsOf(view)[n - 1]!;
}

/**
 * The network between client and PBX, able to die at a chosen moment: relays frames both ways
 * and, when the PBX sends a frame that `cutBefore`'s predicate matches, drops that frame and
 * destroys both TCP connections (no close frame). From the client's side the PBX went down after
 * it processed the request and before its answer arrived. Test-local: the emulator has no hook
 * for "die just before sending X" (blackhole stops it from reading the request at all).
 */
async function cuttingRelay(pbx: PbxEmulator) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => server.once('listening', () => r()));
  let cut: { pred: (msg: Record<string, unknown>) => boolean; done: (mt: string) => void } | undefined;
  server.on('connection', (client, req) => {
    const upstream = new WebSocket(`ws://${pbx.hostPort}${req.url ?? '/'}`);
    const queued: string[] = [];
    upstream.on('open', () => queued.splice(0).forEach((t) => upstream.send(t)));
    client.on('message', (d) => (upstream.readyState === WebSocket.OPEN ? upstream.send(String(d)) : queued.push(String(d))));
    upstream.on('message', (d) => {
      const text = String(d);
      let msg: Record<string, unknown> = {};
      try {
        msg = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // relayed as it is
      }
      if (cut?.pred(msg)) {
        const { done } = cut;
        cut = undefined;
        client.terminate();
        upstream.terminate();
        done(String(msg.mt));
        return;
      }
      if (client.readyState === WebSocket.OPEN) client.send(text);
    });
    client.on('close', () => upstream.terminate());
    upstream.on('close', () => client.terminate());
    client.on('error', () => upstream.terminate());
    upstream.on('error', () => client.terminate());
  });
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const c of server.clients) c.terminate();
        server.close(() => r());
      }),
  );
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/PBX0/APPCLIENT/130000/websocket`,
    /** Arms a one-shot cut; resolves with the `mt` of the frame that was dropped. */
    cutBefore(pred: (msg: Record<string, unknown>) => boolean, ms = 4000): Promise<string> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the PBX sent no frame to cut within ${ms} ms`)), ms);
        cut = { pred, done: (mt) => (clearTimeout(timer), resolve(mt)) };
      });
    },
  };
}

// ------------------------------------------------------------------ 1. PBX killed mid-login

describe('fault 1: the PBX dies after Authenticate, before LoginResult', () => {
  it('user login: a clear error, nothing stored, and the next login works', async () => {
    const pbx = await emulator();
    const relay = await cuttingRelay(pbx);
    const store = new MemoryCredentialStore();
    const { core } = await startCore({ credentialStore: store });
    const cut = relay.cutBefore((m) => m.mt === 'LoginResult');
    const failed = until(core, (s) => s.connection.kind === 'error', 'error state');
    expect(await core.handle(login(relay.url))).toEqual({ ok: true });
    expect(await cut).toBe('LoginResult');
    // The PBX did get the second Login round (it answered it; the answer was lost).
    expect(pbx.framesOf('Login').filter((f) => f.msg?.type === 'user' && f.msg?.response)).toHaveLength(1);
    const s = await failed;
    // A user login is not retried on its own (no session to retry with): a clear, final error.
    expect(s.connection).toMatchObject({ kind: 'error', reason: 'unreachable', message: expect.stringMatching(/closed the connection during the login/) });
    expect([s.user, s.apps]).toEqual([undefined, undefined]);
    expect(await store.accounts()).toEqual([]); // no stored session, not even half of one
    expect(s.login).toMatchObject({ pbx: relay.url, username: 'alice' }); // the login screen, prefilled

    expect(await core.handle(login(relay.url))).toEqual({ ok: true });
    await until(core, loggedIn, 'logged in again');
    const stored = JSON.parse((await store.get(credentialAccount(relay.url, 'alice')))!) as { usr: string };
    // The PBX holds the orphan of the lost login and the new one; the client stored the new one.
    const sessions = pbx.userSessions('alice');
    expect(sessions).toHaveLength(2);
    expect(stored.usr).toBe(sessions[1]!.usr);
  });

  it('session login (resume at start): reconnects by itself with the stored session, unchanged', async () => {
    const pbx = await emulator();
    const relay = await cuttingRelay(pbx);
    const store = new MemoryCredentialStore();
    const first = await startCore({ credentialStore: store });
    await first.core.handle(login(relay.url));
    await until(first.core, loggedIn, 'first login');
    const account = credentialAccount(relay.url, 'alice');
    const before = await store.get(account);
    await first.core.dispose();

    const cut = relay.cutBefore((m) => m.mt === 'LoginResult');
    const { core } = await startCore({ configDir: first.dir, credentialStore: store });
    expect(await cut).toBe('LoginResult');
    // A held session means "retry": the client goes to reconnecting, then logs in by session again.
    const s = await until(core, loggedIn, 'resumed after the cut');
    expect(sessionLogins(pbx)).toHaveLength(2);
    expect(pbx.framesOf('Login').filter((f) => f.msg?.type === 'user' && f.msg?.response)).toHaveLength(1); // no password needed
    expect(s.notices).toEqual([]);
    expect(await store.get(account)).toBe(before);
  });
});

// ------------------------------------------------------------------ 2. PBX killed mid-AppGetLogin

describe('fault 2: the PBX dies while an AppGetLogin is unanswered', () => {
  it("the app's getLogin is answered with an error at once, the session comes back, the next getLogin succeeds, the home selection stays", async () => {
    const { pbx, core, dir } = await setup({ core: { policyPollMs: 0, sessionOptions: { backoff: fastBackoff, requestTimeoutMs: 60_000 } } });
    // The user's own home selection, stored at the PBX (SetApps) and in the home-screen cache.
    expect(await core.handle({ type: 'setHome', links: ['badger', 'contacts?x=1#d=Mine'] })).toEqual({ ok: true });
    await pbx.waitFor('SetApps');
    const home = core.snapshot().apps!.home;
    const view = await openView(core, 'contacts');
    await until(core, (s) => s.runningApps[0]?.state === 'alive', 'app alive');

    pbx.holdAppLogins();
    view.post({ mt: 'getLogin', app: 'contacts', challenge: 'before-the-fault' });
    await pbx.waitFor('AppGetLogin', (m) => m.challenge === 'before-the-fault');
    const reconnecting = until(core, (s) => s.connection.kind === 'reconnecting', 'reconnecting');
    const askedAt = Date.now();
    const restarted = pbx.restart({ downMs: 400 }); // every socket is dropped before this returns
    expect(pbx.releaseAppLogins()).toBe(1); // the held answer has nowhere to go: it is lost with the PBX

    // Never hangs: the app hears at once (the request timeout is 60 s), in its own words.
    const lost = await nthLogin(view, 1);
    expect(lost).toMatchObject({ mt: 'Login', app: 'contacts', error: 1, errorText: expect.stringMatching(/PBX connection was lost/) });
    expect(Date.now() - askedAt).toBeLessThan(3000);

    // While the PBX is away, a getLogin is refused at once as well (lib1 retries with backoff).
    await reconnecting;
    view.post({ mt: 'getLogin', app: 'contacts', challenge: 'while-away' });
    expect(await nthLogin(view, 2)).toMatchObject({ mt: 'Login', app: 'contacts', error: 1, errorText: expect.stringMatching(/Not logged in/) });

    // The app list is asked for again; unchanged, it sends the UI no event (only deltas go out).
    const subscribed = pbx.framesOf('SubscribeApps').length;
    await restarted;
    await until(core, (s) => s.connection.kind === 'logged-in', 'logged in again');
    await vi.waitFor(() => expect(pbx.framesOf('SubscribeApps').length).toBeGreaterThan(subscribed), { timeout: 5000 });
    expect(sessionLogins(pbx)).toHaveLength(1); // by session login, without the password
    expect(core.snapshot().apps!.home).toEqual(home);
    expect(core.snapshot().runningApps).toMatchObject([{ name: 'contacts', viewId: view.viewId, state: 'alive' }]);
    const cached = JSON.parse(readFileSync(settingsPath(dir), 'utf8')) as { homeLayoutCache: Record<string, { selected: string }> };
    expect(Object.values(cached.homeLayoutCache).map((c) => c.selected)).toEqual(['badger,contacts?x=1#d=Mine']);

    view.post({ mt: 'getLogin', app: 'contacts', challenge: 'after-the-fault' });
    const ok = await nthLogin(view, 3);
    expect(ok).toMatchObject({ mt: 'Login', app: 'innovaphone-contacts', sip: 'alice', pbxObj: 'contacts' });
    expect(ok).not.toHaveProperty('error');
    // The App Service's own check: the digest is right for this challenge and the App Object's password.
    expect(verifyAppLogin(appLoginFrom(ok), 'innovaphone-contacts', 'after-the-fault', 'apppwd')).toMatchObject({ ok: true });
    // The PBX heard the two requests made while connected, and not the one made while it was away.
    expect(pbx.framesOf('AppGetLogin').map((f) => f.msg.challenge)).toEqual(['before-the-fault', 'after-the-fault']);
  });
});

// ------------------------------------------------------------------ 3. PBX killed during 2FA

describe('fault 3: the PBX dies while a 2FA login waits for approval', () => {
  it('a clear error, no session stored, and logging in again works', async () => {
    const pbx = await emulator();
    const store = new MemoryCredentialStore();
    const { core } = await startCore({ credentialStore: store });
    await core.handle(login(pbx.url, 'bob', 'bobpass'));
    const waiting = await until(core, (s) => s.connection.kind === 'awaiting-2fa', 'awaiting 2FA');
    expect(waiting.connection).toMatchObject({ code: expect.stringMatching(/^\d{4}$/) });

    const failed = until(core, (s) => s.connection.kind === 'error', 'error state');
    await pbx.restart();
    const s = await failed;
    expect(s.connection).toMatchObject({ kind: 'error', reason: 'unreachable', message: expect.stringMatching(/closed the connection during the login/) });
    expect([s.user, s.apps, s.sessions]).toEqual([undefined, undefined, []]);
    expect(await store.accounts()).toEqual([]);

    await core.handle(login(pbx.url, 'bob', 'bobpass'));
    await until(core, (x) => x.connection.kind === 'awaiting-2fa', 'awaiting 2FA again');
    pbx.approve('bob');
    await until(core, loggedIn, 'approved and logged in');
    const stored = JSON.parse((await store.get(credentialAccount(pbx.url, 'bob')))!) as { usr: string };
    expect(pbx.userSessions('bob').map((x) => [x.usr, x.pending])).toEqual([[stored.usr, false]]);
  });
});

// ------------------------------------------------------------------ 4. black hole found by keep-alive

describe('fault 4: a black-holed connection is found by the keep-alive', () => {
  it('noticed within ~2 intervals, reconnected, and nothing lost: apps, home selection, presence subscriptions', async () => {
    const config = sessionTestConfig();
    config.users[0]!.home = 'contacts#s=carol&d=Carol,badger';
    const pbx = await emulator(config);
    // Short enough to be quick, long enough that a busy test machine's pauses are not taken for a dead link.
    const keepAlive = { intervalMs: 250, missedPongs: 2 };
    const { core } = await startCore({ sessionOptions: { keepAlive } });
    await core.handle(login(pbx.url, 'alice', 'Secret123!', false));
    await until(core, (s) => loggedIn(s) && s.badges.badger === '3', 'logged in with badge');
    const oldConn = connOf(pbx, 'alice')!;
    const subscribedOn = (conn: number) => pbx.received.filter((f) => f.connId === conn && f.msg?.mt === 'SubscribePresence').map((f) => f.msg.sip as string).sort();
    await pbx.waitFor('SubscribePresence', (m, f) => f.connId === oldConn && m.sip === 'carol');
    expect(subscribedOn(oldConn)).toEqual(['badger', 'carol']);
    const before = core.snapshot();

    // The positive control: carol's session, same keep-alive, same PBX, not black-holed.
    const control = new PbxSession({ address: pbx.url, keepAlive });
    cleanups.push(() => control.close());
    expect(await control.login({ username: 'carol', password: 'carolpass' })).toMatchObject({ kind: 'logged-in' });
    const controlConn = connOf(pbx, 'carol')!;
    const controlStates: string[] = [];
    control.on('state', (st) => controlStates.push(st.kind));

    const noticed = until(core, (s) => s.connection.kind === 'reconnecting', 'dead link noticed', 3000);
    const since = Date.now();
    pbx.blackhole({ user: 'alice' });
    const dead = await noticed;
    const took = Date.now() - since;
    expect(dead.connection).toMatchObject({ kind: 'reconnecting', lastError: expect.stringMatching(/no answer from the PBX/) });
    // Dead after `missedPongs` silent intervals: more than one interval after the last pong, at most one tick later.
    expect(took).toBeGreaterThanOrEqual(keepAlive.intervalMs);
    expect(took).toBeLessThan(keepAlive.intervalMs * (keepAlive.missedPongs + 1) + 350);
    // Meanwhile the healthy link lived through the same silent intervals untouched.
    expect(controlStates).toEqual([]);
    expect(control.state.kind).toBe('logged-in');
    expect(pbx.connections().some((c) => c.id === controlConn)).toBe(true);
    // The home screen stays while reconnecting.
    expect(dead.apps).toEqual(before.apps);

    const after = await until(core, (s) => s.connection.kind === 'logged-in', 'reconnected');
    const newConn = connOf(pbx, 'alice')!;
    expect(newConn).not.toBe(oldConn);
    expect(sessionLogins(pbx).map((f) => f.connId)).toEqual([newConn]);
    await pbx.waitFor('SubscribeApps', (_m, f) => f.connId === newConn);
    await pbx.waitFor('SubscribePresence', (m, f) => f.connId === newConn && m.sip === 'carol');
    await pbx.waitFor('SubscribePresence', (m, f) => f.connId === newConn && m.sip === 'badger');
    expect(subscribedOn(newConn)).toEqual(subscribedOn(oldConn)); // re-sent, each once
    expect(after.apps!.tiles).toEqual(before.apps!.tiles);
    expect(after.apps!.home).toEqual(before.apps!.home);
    // The subscriptions are live on the new link: a badge and a contact's presence arrive.
    pbx.setBadge('badger', 9);
    pbx.setPresence('carol', { activity: 'busy' });
    await until(core, (s) => s.badges.badger === '9' && s.presence.carol?.activity === 'busy', 'badge and presence after reconnect');
  });
});

// ------------------------------------------------------------------ 5. App Service down

const echoApp: SampleAppConfig = { name: 'echo', kind: 'echo', password: 'echopwd' };

/** Plays the echo app as its library would: its own AppWebsocket, getLogin through the client, AppLogin. */
async function appLogsIn(view: FakeView, serviceUrl: string): Promise<JsonSocket> {
  const service = await JsonSocket.open(serviceUrl);
  cleanups.push(() => service.close());
  service.send({ mt: 'AppChallenge' });
  const { challenge } = await service.next('AppChallengeResult');
  const n = loginsOf(view).length + 1;
  view.post({ mt: 'getLogin', app: 'echo', challenge });
  const answer = await nthLogin(view, n);
  expect(answer).toMatchObject({ pbxObj: 'echo', sip: 'alice' });
  expect(answer).not.toHaveProperty('error');
  service.send(appLoginFrom(answer));
  // The service checks the digest with the App Object password before it says ok.
  expect(await service.next('AppLoginResult')).toEqual({ mt: 'AppLoginResult', ok: true });
  return service;
}

describe('fault 5: the App Service goes down while its app runs', () => {
  it("the app's own reconnect logs in through the client again once the service is back", async () => {
    let apps: SampleApps = await startSampleApps({ apps: [echoApp] });
    cleanups.push(() => apps.close());
    const config = appsConfig();
    config.appObjects.push({ name: 'echo', title: 'Echo', password: 'echopwd', url: apps.urlOf('echo') } as never);
    config.users[0]!.apps.push('echo');
    const { pbx, core } = await setup({ config, core: { policyPollMs: 0 } });
    const url = apps.urlOf('echo');
    const serviceUrl = url.slice(0, url.lastIndexOf('/')).replace('http', 'ws');
    const view = await openView(core, 'echo');
    await until(core, (s) => s.runningApps[0]?.state === 'alive', 'app alive');
    const first = await appLogsIn(view, serviceUrl);
    const pbxLogins = pbx.framesOf('Login').length;
    const pbxConn = connOf(pbx, 'alice');

    await apps.close();
    await first.closed; // the app sees its service go
    // The app's first reconnect finds nobody there (the service is really down).
    await expect(JsonSocket.open(serviceUrl)).rejects.toThrow(/ECONNREFUSED/);

    apps = await startSampleApps({ port: Number(new URL(apps.origin).port), apps: [echoApp] });
    const again = await appLogsIn(view, serviceUrl);
    again.send({ mt: 'Echo', src: 'e1', text: 'still here' });
    expect(await again.next('EchoResult')).toMatchObject({ src: 'e1', text: 'still here' });
    expect(apps.received('echo').filter((f) => f.mt === 'AppLogin')).toHaveLength(1); // verified by the new service

    // The client was not disturbed: same PBX connection, no new login, the app still running.
    expect(pbx.framesOf('AppGetLogin').map((f) => f.msg.app)).toEqual(['echo', 'echo']);
    expect(pbx.framesOf('Login')).toHaveLength(pbxLogins);
    expect(connOf(pbx, 'alice')).toBe(pbxConn);
    expect(core.snapshot().connection.kind).toBe('logged-in');
    expect(core.snapshot().runningApps).toMatchObject([{ name: 'echo', viewId: view.viewId, state: 'alive' }]);
  });
});

// ------------------------------------------------------------------ 7. disk full while saving settings

/** A 64 KiB tmpfs, or why none can be mounted here. */
function tinyDisk(): { dir: string } | { skipped: string } {
  const dir = mkdtempSync(join(tmpdir(), 'myapps-diskfull-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const err = e as { stderr?: Buffer; message: string };
    return { skipped: (err.stderr?.toString().trim() || err.message).split('\n')[0]! };
  }
  cleanups.push(() => {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir };
}

/** Fills the file system holding `dir` to the last byte; returns the filler to delete. */
function fillDisk(dir: string): string {
  const filler = join(dir, 'filler');
  writeFileSync(filler, '');
  const chunk = Buffer.alloc(1024, 1);
  for (let i = 0; i < 10_000; i++) {
    try {
      writeFileSync(filler, chunk, { flag: 'a' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC') return filler;
      throw e;
    }
  }
  throw new Error('the disk never filled up');
}

const tempFiles = (dir: string) => readdirSync(dir).filter((n) => n.includes('.tmp-'));

describe('fault 7: the disk is full while settings are saved', () => {
  it('(real tmpfs) the change applies now, the command says it was not saved and why, the old file stays intact, the next save writes everything', async (ctx) => {
    const disk = tinyDisk();
    if ('skipped' in disk) {
      console.warn(`disk-full test on a real tmpfs skipped: cannot mount one here (${disk.skipped}); the writeSteps test below covers the fault`);
      ctx.skip();
      return;
    }
    const pbx = await emulator();
    const { core } = await startCore({ configDir: disk.dir });
    await core.handle(login(pbx.url, 'alice', 'Secret123!', false));
    await until(core, loggedIn, 'logged in');
    expect(await core.handle({ type: 'updateSettings', patch: { scheme: 'dark' } })).toEqual({ ok: true }); // saved: the control
    const onDisk = readFileSync(settingsPath(disk.dir));
    expect(JSON.parse(onDisk.toString())).toMatchObject({ settings: { scheme: 'dark' }, accounts: [{ username: 'alice' }] });

    const filler = fillDisk(disk.dir);
    const result = await core.handle({ type: 'updateSettings', patch: { language: 'de', developerMode: true } });
    expect(result).toEqual({ ok: true, value: { notSaved: expect.stringMatching(/could not be saved \(ENOSPC\).*applies to this run only/) } });
    expect(core.snapshot().settings.values).toMatchObject({ scheme: 'dark', language: 'de', developerMode: true }); // in force now
    expect(readFileSync(settingsPath(disk.dir))).toEqual(onDisk); // the previous file, byte for byte
    expect(tempFiles(disk.dir)).toEqual([]); // no half-written temp file left to fill the disk

    unlinkSync(filler);
    expect(await core.handle({ type: 'updateSettings', patch: { startMinimized: true } })).toEqual({ ok: true });
    const saved = JSON.parse(readFileSync(settingsPath(disk.dir), 'utf8')) as { settings: object; accounts: object[] };
    expect(saved.settings).toMatchObject({ scheme: 'dark', language: 'de', developerMode: true, startMinimized: true });
    expect(saved.accounts).toMatchObject([{ username: 'alice' }]);
  });

  it('(writeSteps seam) a write that fails half-way with ENOSPC: same recovery, and the partial temp file is removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'myapps-diskfull-seam-'));
    let full = false;
    const steps: AtomicWriteSteps = {
      async write(file, data) {
        if (!full) return fileSystemSteps.write(file, data);
        await file.write(data.subarray(0, data.length >> 1)); // what fitted before the disk ran out
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
      rename: fileSystemSteps.rename,
    };
    const config = await ConfigService.open({ dir, policyFile: join(dir, 'policy.json'), writeSteps: steps });
    expect(await config.updateSettings({ scheme: 'dark' })).toMatchObject({ ok: true, saved: true });
    const onDisk = readFileSync(settingsPath(dir));

    full = true;
    const result = await config.updateSettings({ language: 'de' });
    expect(result).toMatchObject({ ok: true, saved: false, reason: expect.stringMatching(/ENOSPC.*this run only/) });
    expect(config.effective.values).toMatchObject({ scheme: 'dark', language: 'de' });
    expect(readFileSync(settingsPath(dir))).toEqual(onDisk);
    expect(tempFiles(dir)).toEqual([]);

    full = false;
    expect(await config.updateSettings({ startMinimized: true })).toMatchObject({ ok: true, saved: true });
    expect(JSON.parse(readFileSync(settingsPath(dir), 'utf8'))).toMatchObject({ settings: { scheme: 'dark', language: 'de', startMinimized: true } });
  });

  it('a login does not wait for the settings file: logged in while its write is held; the account is on disk once it is let go', async () => {
    const pbx = await emulator();
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    let writes = 0;
    const steps: AtomicWriteSteps = {
      async write(file, data) {
        writes++;
        await held;
        return fileSystemSteps.write(file, data);
      },
      rename: fileSystemSteps.rename,
    };
    const { core, dir } = await startCore({ writeSteps: steps });
    try {
      expect(await core.handle(login(pbx.url, 'alice', 'Secret123!', false))).toEqual({ ok: true });
      await until(core, loggedIn, 'logged in');
      // Positive control: the write had begun (and is held), so the login did not wait for it.
      expect(writes).toBeGreaterThan(0);
      expect(existsSync(settingsPath(dir))).toBe(false);
    } finally {
      release();
    }
    await expect.poll(() => existsSync(settingsPath(dir)) && JSON.parse(readFileSync(settingsPath(dir), 'utf8'))).toMatchObject({ accounts: [{ username: 'alice' }] });
  });

  // Once a defect: "not saved" reached only the updateSettings command's result; saves the core makes
  // by itself only logged it. Now a notice in plain words, until a save succeeds.
  it('(real tmpfs) the user sees a notice that settings were not saved, until a save succeeds', async (ctx) => {
    const disk = tinyDisk();
    if ('skipped' in disk) {
      console.warn(`disk-full notice test skipped: cannot mount a tmpfs here (${disk.skipped})`);
      ctx.skip();
      return;
    }
    const { core } = await startCore({ configDir: disk.dir });
    expect(await core.handle({ type: 'updateSettings', patch: { scheme: 'dark' } })).toEqual({ ok: true });
    const filler = fillDisk(disk.dir);
    expect(await core.handle({ type: 'updateSettings', patch: { language: 'de' } })).toMatchObject({ ok: true, value: { notSaved: expect.any(String) } });
    expect(core.snapshot().notices).toContainEqual(expect.objectContaining({ id: 'settings-not-saved', severity: 'error', text: expect.stringMatching(/could not be saved: the disk is full/) }));
    rmSync(filler);
    expect(await core.handle({ type: 'updateSettings', patch: { language: 'fr' } })).toEqual({ ok: true });
    expect(core.snapshot().notices.some((n) => n.id === 'settings-not-saved')).toBe(false);
  });
});
