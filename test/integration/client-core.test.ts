/**
 * ClientCore — the whole client behind the bridge — against the PBX emulator, driven only
 * through bridge commands and observed only through bridge events, as a shell would.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { until as untilSnapshot } from '../support/core-apps.js';
import type { BridgeEvent } from '../../main/core/bridge/events.js';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { ClientCore, type ClientCoreOptions } from '../../main/core/client/client.js';
import { settingsPath } from '../../main/core/config/settings-store.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { PbxEmulator, type EmulatorConfig } from '../pbx/index.js';
import { sessionTestConfig } from '../support/session-config.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function emulator(config: EmulatorConfig = sessionTestConfig(), tls = false) {
  const pbx = await PbxEmulator.start({ config, port: 0, tls });
  cleanups.push(() => pbx.stop());
  return pbx;
}

async function core(extra: Partial<ClientCoreOptions> = {}) {
  const dir = extra.configDir ?? mkdtempSync(join(tmpdir(), 'myapps-core-'));
  const c = await ClientCore.start({ configDir: dir, policyFile: join(dir, 'policy.json'), credentialStore: new MemoryCredentialStore(), sessionOptions: { backoff: { initialMs: 50, maxMs: 200, random: () => 1 } }, ...extra });
  cleanups.push(() => c.dispose());
  return { core: c, dir };
}

const until = (c: ClientCore, pred: (s: Snapshot) => boolean, ms = 5000): Promise<Snapshot> => untilSnapshot(c, pred, ms);

/** Resolves once settings.json in `dir` holds a home-screen cache (written after each app list, asynchronously). */
async function homeScreenCached(dir: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const file = JSON.parse(readFileSync(settingsPath(dir), 'utf8')) as { homeLayoutCache?: object };
      if (Object.keys(file.homeLayoutCache ?? {}).length > 0) return;
    } catch {
      // not written yet
    }
    if (Date.now() > deadline) throw new Error(`no home-screen cache in ${settingsPath(dir)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const loggedIn = (s: Snapshot) => s.connection.kind === 'logged-in' && s.apps !== undefined && !s.apps.fromCache;

async function loggedInCore(pbx: PbxEmulator, extra: Partial<ClientCoreOptions> = {}) {
  const made = await core(extra);
  expect(await made.core.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: true })).toEqual({ ok: true });
  await until(made.core, loggedIn);
  return made;
}

describe('bridge commands are validated', () => {
  it.each([
    [null, /not an object/],
    [{ type: 'rm -rf' }, /unknown command/],
    [{ type: 'login', pbx: 'x', username: 'a' }, /login\.password: expected string/],
    [{ type: 'login', pbx: 'x', username: 'a', password: 1, stayLoggedIn: true }, /login\.password/],
    [{ type: 'setPresence', activity: 'partying', note: '' }, /setPresence\.activity/],
    [{ type: 'setHome', links: 'contacts' }, /setHome\.links: expected array/],
    [{ type: 'login', pbx: 'x'.repeat(5000), username: 'a', password: 'b', stayLoggedIn: false }, /longer than/],
  ])('%j is rejected', async (raw, reason) => {
    const { core: c } = await core();
    const result = await c.handle(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(reason);
  });

  it('commands that need a session say so when there is none', async () => {
    const { core: c } = await core();
    for (const cmd of [{ type: 'logout' }, { type: 'setPresence', activity: 'busy', note: '' }, { type: 'setHome', links: [] }, { type: 'authorizeSession', id: 'x' }]) {
      expect(await c.handle(cmd)).toMatchObject({ ok: false, error: /Not logged in/ });
    }
  });
});

describe('login and the home screen', () => {
  it('logs in, lists visible apps as tiles with resolved icon URLs, home links and badges', async () => {
    const pbx = await emulator();
    const { core: c } = await loggedInCore(pbx);
    const s = c.snapshot();
    expect(s.user).toMatchObject({ sip: 'alice', dn: 'Alice Example' });
    expect(s.account).toMatchObject({ address: pbx.url, username: 'alice' });
    const names = s.apps!.tiles.map((t) => t.name);
    expect(names).toEqual(['contacts', 'myapp', 'website', 'badger']); // hidden "search" is not a tile
    const contacts = s.apps!.tiles.find((t) => t.name === 'contacts')!;
    expect(contacts).toMatchObject({ title: 'Contacts', text: 'Address book', url: 'http://127.0.0.1:9/apps/contacts/innovaphone-contacts', iconUrl: 'http://127.0.0.1:9/apps/contacts/innovaphone-contacts.png' });
    expect(s.apps!.tiles.find((t) => t.name === 'website')).not.toHaveProperty('iconUrl');
    expect(s.apps!.home.map((h) => h.app)).toEqual(['contacts', 'badger']);
    await until(c, (x) => x.badges.badger === '3');
    pbx.setBadge('badger', 7);
    await until(c, (x) => x.badges.badger === '7');
    pbx.setBadge('badger', 0);
    await until(c, (x) => !('badger' in x.badges));
  });

  it('after a login the UI gets the first home screen as one snapshot, not a burst of small events; later app list changes are deltas', async () => {
    const pbx = await emulator();
    const { core: c } = await core();
    const events: BridgeEvent[] = [];
    c.onEvent((e) => events.push(e));
    /** Resolves once an event `pred` matches has reached the UI (the core's state runs ahead of its coalesced events). */
    const delivered = (pred: (e: BridgeEvent) => boolean) => vi.waitFor(() => expect(events.some(pred), 'event not delivered').toBe(true));
    await c.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: true });
    await until(c, loggedIn);
    await delivered((e) => e.type === 'snapshot' && e.snapshot.apps !== undefined);
    const at = events.findIndex((e) => e.type === 'connection' && e.connection.kind === 'logged-in');
    const after = events.slice(at + 1);
    const first = after.findIndex((e) => e.type === 'snapshot' && e.snapshot.apps !== undefined);
    expect(first).toBeGreaterThanOrEqual(0);
    // Nothing the snapshot holds went out before it one by one (all of that is in already: it came before the snapshot).
    expect(after.slice(0, first).filter((e) => ['user', 'sessions', 'ownPresence', 'apps', 'appsDelta'].includes(e.type))).toEqual([]);
    // The PBX changes the list: a delta with just that.
    const mark = events.length;
    pbx.setUserApps('alice', ['contacts', 'myapp~admin~debug', 'search', 'website']);
    // Positive control: the PBX sends alice's presence after the list, on the same socket; its event
    // reaches the UI no earlier than whatever the core made of the list (the coalescer never lets
    // an event out after one pushed later, unless it was pushed again) — a second delta or a whole
    // 'apps' event would be in by then.
    pbx.setPresence('alice', { activity: 'away' });
    await delivered((e) => e.type === 'ownPresence' && e.ownPresence.activity === 'away');
    expect(c.snapshot().apps!.tiles).toHaveLength(3);
    expect(events.slice(mark).filter((e) => e.type === 'appsDelta')).toMatchObject([{ type: 'appsDelta', added: [], changed: [], removed: ['badger'] }]);
    // Never the whole apps view after the snapshot: not right after it, not for the change.
    expect(events.slice(at + 1).filter((e) => e.type === 'apps')).toEqual([]);
  });

  it('wrong password: an error state the login screen can show', async () => {
    const pbx = await emulator();
    const { core: c } = await core();
    await c.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'nope', stayLoggedIn: false });
    const s = await until(c, (x) => x.connection.kind === 'error');
    expect(s.connection).toMatchObject({ kind: 'error', reason: 'auth-failed' });
  });

  it('a bad PBX address is refused before anything is saved', async () => {
    const { core: c } = await core();
    expect(await c.handle({ type: 'login', pbx: 'ftp://x', username: 'alice', password: 'p', stayLoggedIn: false })).toMatchObject({ ok: false, error: /ftp/ });
    expect(c.snapshot().account).toBeUndefined();
  });

  it('own presence, home selection and session list round-trip through the PBX', async () => {
    const pbx = await emulator();
    const { core: c } = await loggedInCore(pbx);
    await c.handle({ type: 'setPresence', activity: 'dnd', note: 'focus time' });
    await until(c, (x) => x.ownPresence.activity === 'dnd' && x.ownPresence.note === 'focus time');
    expect(await c.handle({ type: 'setHome', links: ['myapp?x=1#d=Mine', 'contacts'] })).toEqual({ ok: true });
    expect((await pbx.waitFor('SetApps')).msg.home).toBe('myapp?x=1#d=Mine,contacts');
    expect(c.snapshot().apps!.home).toEqual([
      { link: 'myapp?x=1#d=Mine', app: 'myapp', args: 'x=1', label: 'Mine' },
      { link: 'contacts', app: 'contacts', args: '' },
    ]);
    expect(await c.handle({ type: 'setHome', links: ['a,b'] })).toMatchObject({ ok: false });
    await until(c, (x) => x.sessions.length === 1 && x.sessions[0]!.current);
  });

  it('presence dots for home links with #s=', async () => {
    const config = sessionTestConfig();
    config.users[0]!.home = 'contacts#s=carol&d=Carol';
    const pbx = await emulator(config);
    const { core: c } = await loggedInCore(pbx);
    pbx.setPresence('carol', { activity: 'busy', note: 'on a call #until:1524733200000' });
    const s = await until(c, (x) => x.presence.carol?.activity === 'busy');
    expect(s.presence.carol).toMatchObject({ sip: 'carol', activity: 'busy', note: 'on a call' });
  });

  it('openApp: visible apps only', async () => {
    const pbx = await emulator();
    const { core: c } = await loggedInCore(pbx);
    const opened = await c.handle({ type: 'openApp', link: 'contacts?id=3' });
    expect(opened).toMatchObject({ ok: true, value: { viewId: expect.any(String) } });
    expect(c.snapshot().runningApps.map((a) => a.name)).toEqual(['contacts']);
    expect(await c.handle({ type: 'openApp', link: 'search' })).toMatchObject({ ok: false });
    expect(await c.handle({ type: 'openApp', link: 'secret' })).toMatchObject({ ok: false });
    await c.handle({ type: 'closeApp', viewId: (opened as { value: { viewId: string } }).value.viewId });
    expect(c.snapshot().runningApps).toEqual([]);
  });

  it('apps with unusable URLs are not shown; HTML in titles stays plain text for the renderer', async () => {
    const config = sessionTestConfig();
    config.appObjects.push({ name: 'evil', title: '<img src=x onerror=alert(1)>', password: 'x', url: 'javascript:alert(1)//x' } as never);
    config.appObjects.push({ name: 'html', title: '<b>Bold</b>', password: 'x', url: 'https://apps.example.com/html/html' } as never);
    config.users[0]!.apps.push('evil', 'html');
    const pbx = await emulator(config);
    const { core: c } = await loggedInCore(pbx);
    const names = c.snapshot().apps!.tiles.map((t) => t.name);
    expect(names).not.toContain('evil');
    expect(c.snapshot().apps!.tiles.find((t) => t.name === 'html')!.title).toBe('<b>Bold</b>');
  });

  it('logout clears the session views and returns to the login screen', async () => {
    const pbx = await emulator();
    const { core: c } = await loggedInCore(pbx);
    expect(await c.handle({ type: 'logout' })).toEqual({ ok: true });
    const s = c.snapshot();
    expect(s.connection).toEqual({ kind: 'disconnected', reason: 'logged-out' });
    expect(s.apps).toBeUndefined();
    expect(s.user).toBeUndefined();
    expect(s.login.pbx).toBe(pbx.url); // prefilled for the next login
  });
});

describe('the PBX ends the session', () => {
  it('a bare unsolicited LogoutResult wipes the stored session, closes the apps and returns to the login screen', async () => {
    const pbx = await emulator();
    const store = new MemoryCredentialStore();
    const { core: c } = await loggedInCore(pbx, { credentialStore: store });
    expect(await store.accounts()).toHaveLength(1);
    expect(await c.handle({ type: 'openApp', link: 'contacts' })).toMatchObject({ ok: true });
    pbx.inject('{"mt":"LogoutResult"}', { user: 'alice' });
    const s = await until(c, (x) => x.connection.kind !== 'logged-in' && x.apps === undefined);
    expect(s.connection).toEqual({ kind: 'disconnected', reason: 'remote-logout' });
    expect(await store.accounts()).toEqual([]);
    expect([s.apps, s.user, s.runningApps, s.sessions]).toEqual([undefined, undefined, [], []]);
    expect(s.login.pbx).toBe(pbx.url); // the login screen, prefilled
  });
});

describe('policy', () => {
  function policy(dir: string, p: object) {
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(p));
  }

  it('blocked apps are not shown; enforced settings are locked and refused', async () => {
    const pbx = await emulator();
    const dir = mkdtempSync(join(tmpdir(), 'myapps-core-'));
    policy(dir, { enforced: { blockedApps: ['myapp'], developerMode: false }, defaults: { pbx: pbx.url } });
    const { core: c } = await core({ configDir: dir });
    expect(c.snapshot().login).toMatchObject({ pbx: pbx.url, pbxLocked: false });
    expect(c.snapshot().settings.locked).toEqual(expect.arrayContaining(['blockedApps', 'developerMode']));
    await c.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
    await until(c, loggedIn);
    expect(c.snapshot().apps!.tiles.map((t) => t.name)).not.toContain('myapp');
    const refused = await c.handle({ type: 'updateSettings', patch: { developerMode: true } });
    expect(refused).toMatchObject({ ok: false, details: [expect.stringMatching(/enforced by the IT policy/)] });
    expect(await c.handle({ type: 'updateSettings', patch: { scheme: 'dark' } })).toEqual({ ok: true });
    expect(c.snapshot().settings.values.scheme).toBe('dark');
  });

  it('a broken policy file becomes a notice, and its valid parts apply', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'myapps-core-'));
    policy(dir, { enforced: { autostart: 'yes', developerMode: true } });
    const { core: c } = await core({ configDir: dir });
    expect(c.snapshot().notices.map((n) => n.text)).toEqual([expect.stringMatching(/enforced\.autostart.*expected boolean/)]);
    expect(c.snapshot().settings.values.developerMode).toBe(true);
    await c.handle({ type: 'dismissNotice', id: c.snapshot().notices[0]!.id });
    expect(c.snapshot().notices).toEqual([]);
  });

  it('an enforced username pattern refuses other usernames', async () => {
    const pbx = await emulator();
    const dir = mkdtempSync(join(tmpdir(), 'myapps-core-'));
    policy(dir, { enforced: { usernamePattern: '[a-z]+\\.[a-z]+' } });
    const { core: c } = await core({ configDir: dir });
    expect(await c.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'x', stayLoggedIn: false })).toMatchObject({ ok: false, error: /not allowed/ });
  });
});

describe('certificates and restarts', () => {
  it('an untrusted certificate can be trusted by the fingerprint the PBX presented, and only that one', async () => {
    const pbx = await emulator(sessionTestConfig(), true);
    const { core: c } = await core();
    const login = { type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false };
    await c.handle(login);
    const s = await until(c, (x) => x.connection.kind === 'error');
    expect(s.connection).toMatchObject({ reason: 'certificate-untrusted', fingerprint256: pbx.fingerprint256 });
    expect(await c.handle({ type: 'trustCertificate', pbx: pbx.url, username: 'alice', fingerprint: 'AA'.repeat(32) })).toMatchObject({ ok: false });
    expect(await c.handle({ type: 'trustCertificate', pbx: pbx.url, username: 'alice', fingerprint: pbx.fingerprint256! })).toEqual({ ok: true });
    expect(c.snapshot().account?.trustedFingerprint).toBe(pbx.fingerprint256);
    await c.handle(login);
    await until(c, loggedIn);
  });

  it('a restart shows the cached home screen at once and resumes the stored session', async () => {
    const pbx = await emulator();
    const store = new MemoryCredentialStore();
    const { dir, core: first } = await loggedInCore(pbx, { credentialStore: store });
    await homeScreenCached(dir);
    await first.dispose();
    const events: string[] = [];
    const { core: second } = await core({ configDir: dir, credentialStore: store });
    // The PBX's list replaces the cached one: a delta that, at least, says it is no longer from the cache.
    second.onEvent((e) => events.push(e.type === 'apps' ? `apps(${e.apps?.fromCache ? 'cache' : 'pbx'})` : e.type === 'appsDelta' && e.fromCache === false ? 'apps(pbx)' : e.type));
    expect(second.snapshot().apps?.fromCache).toBe(true);
    expect(second.snapshot().apps!.tiles.map((t) => t.name)).toContain('contacts');
    await until(second, loggedIn);
    expect(pbx.framesOf('Login').filter((f) => f.msg?.type === 'session' && f.msg?.response)).toHaveLength(1);
    expect(events).toContain('apps(pbx)');
  });

  it('"stay logged in" off: nothing is kept for the next start', async () => {
    const pbx = await emulator();
    const store = new MemoryCredentialStore();
    const { core: c, dir } = await core({ credentialStore: store });
    await c.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
    await until(c, loggedIn);
    expect(await store.accounts()).toEqual([]);
    await c.dispose();
    // The control: a core that kept its session, started after the one under test, resumes it.
    const kept = new MemoryCredentialStore();
    const { core: keeper, dir: keptDir } = await loggedInCore(pbx, { credentialStore: kept });
    await keeper.dispose();
    const sessionLogins = () => pbx.framesOf('Login').filter((f) => f.msg?.type === 'session' && f.msg?.response).length;
    expect(sessionLogins()).toBe(0);
    const { core: next } = await core({ configDir: dir, credentialStore: store });
    const { core: control } = await core({ configDir: keptDir, credentialStore: kept });
    await until(control, loggedIn);
    expect(next.snapshot().connection).toEqual({ kind: 'disconnected', reason: 'initial' });
    expect(sessionLogins()).toBe(1); // the control's
  });

  it('while the PBX restarts the home screen stays, then the session comes back', async () => {
    const pbx = await emulator();
    const { core: c } = await loggedInCore(pbx);
    const reconnecting = until(c, (x) => x.connection.kind === 'reconnecting');
    await pbx.restart({ downMs: 100 });
    const during = await reconnecting;
    expect(during.apps?.tiles.length).toBeGreaterThan(0);
    await until(c, (x) => x.connection.kind === 'logged-in');
  });
});
