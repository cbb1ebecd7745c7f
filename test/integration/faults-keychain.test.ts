/**
 * Fault: the keychain is locked while the client runs. The real core with its default credential
 * store (keytar → Secret Service) runs in a host process (test/support/keychain-core-host.ts)
 * on a private D-Bus session with its own gnome-keyring, which this test locks with the Secret
 * Service's own `Lock` call — the keyring test/with-keyring.sh shares with the other test files
 * is never locked, so they cannot fail because of this one. The PBX emulator runs here.
 *
 * What locking does to keytar (found here, gnome-keyring 4x / libsecret, no prompter):
 * getPassword → null (as if there were no entry), deletePassword → false (nothing removed),
 * setPassword → error "Cannot create an item in a locked collection", findCredentials → the
 * process dies (SIGSEGV, node-keytar#477).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { KEYCHAIN_SERVICE } from '../../main/core/credentials/credential-store.js';
import { credentialAccount } from '../../main/core/credentials/session-vault.js';
import { PbxEmulator } from '../pbx/index.js';
import { sessionTestConfig } from '../support/session-config.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const tools = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'];
const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
if (missing.length > 0) {
  const why = `${missing.join(', ')} not installed (apt-get install dbus gnome-keyring)`;
  // Where the keychain tests must run (CI, test/with-keyring.sh), a missing keyring is a failure.
  if (process.env.MYAPPS_TEST_KEYRING === '1' || process.env.CI === 'true') throw new Error(`keychain fault tests cannot run: ${why}`);
  console.warn(`keychain fault tests skipped: ${why}`);
}

/** Ends a process this test started (by its own handle), waiting for it to be gone. */
async function end(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await gone;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (l) => {
      lines.close();
      resolveLine(l.trim());
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before printing anything`)));
  });
}

async function poll(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const LOGIN_COLLECTION = '/org/freedesktop/secrets/collection/login';
const KEYRING_PASSWORD = 'throwaway-keyring-password\n';

/** A D-Bus session of its own with a gnome-keyring whose login collection starts unlocked. */
async function privateKeyring() {
  const home = mkdtempSync(join(tmpdir(), 'myapps-keyring-'));
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: join(home, 'run') };
  mkdirSync(env.XDG_DATA_HOME!, { recursive: true });
  mkdirSync(env.XDG_RUNTIME_DIR!, { recursive: true, mode: 0o700 });
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const daemons: ChildProcess[] = [];
  cleanups.push(async () => {
    for (const d of daemons) await end(d);
    await end(bus);
    rmSync(home, { recursive: true, force: true });
  });
  env.DBUS_SESSION_BUS_ADDRESS = await firstLine(bus);

  const dbus = (...args: string[]) => {
    const r = spawnSync('dbus-send', ['--session', '--type=method_call', '--print-reply', ...args], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`dbus-send ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const owner = () => {
    const r = spawnSync('dbus-send', ['--session', '--type=method_call', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetNameOwner', 'string:org.freedesktop.secrets'], { env, encoding: 'utf8' });
    return r.status === 0 ? /string "([^"]+)"/.exec(r.stdout)?.[1] : undefined;
  };
  /** gnome-keyring-daemon unlocking the login collection with its password (as a desktop login does). */
  const startDaemon = async (replace: boolean) => {
    const before = owner();
    const d = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets', ...(replace ? ['--replace'] : [])], { env, stdio: ['pipe', 'ignore', 'ignore'] });
    daemons.push(d);
    d.stdin!.end(KEYRING_PASSWORD);
    await poll('gnome-keyring-daemon on the private bus', () => {
      const now = owner();
      return now !== undefined && now !== before;
    });
  };
  await startDaemon(false);

  return {
    env,
    /** What a screen locker or "Lock keyring" does: the Secret Service's own Lock. */
    lock(): void {
      dbus('--dest=org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', `array:objpath:${LOGIN_COLLECTION}`);
    },
    locked(): boolean {
      return /boolean true/.test(dbus('--dest=org.freedesktop.secrets', LOGIN_COLLECTION, 'org.freedesktop.DBus.Properties.Get', 'string:org.freedesktop.Secret.Collection', 'string:Locked'));
    },
    /** Unlocking needs a prompt no headless machine has: a fresh daemon takes over and unlocks with the password. */
    async unlock(): Promise<void> {
      await startDaemon(true);
    },
    /**
     * The product's keychain accounts, read by a process of its own (never while locked:
     * keytar's findCredentials crashes on a locked collection).
     */
    accounts(): string[] {
      const script = `require('keytar').findCredentials(${JSON.stringify(KEYCHAIN_SERVICE)}).then((c) => console.log(JSON.stringify(c.map((x) => x.account).sort())))`;
      const r = spawnSync(process.execPath, ['-e', script], { env, cwd: root, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`reading the keychain failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
      return JSON.parse(r.stdout) as string[];
    },
  };
}

type Keyring = Awaited<ReturnType<typeof privateKeyring>>;

/** The client core in its host process (test/support/keychain-core-host.ts). */
class Host {
  snapshot: Snapshot | undefined;
  readonly logs: { level: string; message: string }[] = [];
  readonly exited: Promise<string>;
  private stderr = '';
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly watchers = new Set<() => void>();
  private markReady!: () => void;
  private readonly ready = new Promise<void>((r) => (this.markReady = r));

  private constructor(private readonly child: ChildProcess) {
    child.stderr!.on('data', (d) => (this.stderr = (this.stderr + String(d)).slice(-2000)));
    this.exited = new Promise((resolveExit) =>
      child.once('exit', (code, signal) => {
        const how = `keychain host exited (${signal ? `signal ${signal}` : `code ${code}`}); stderr: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`;
        for (const p of this.pending.values()) p.reject(new Error(how));
        this.pending.clear();
        resolveExit(how);
      }),
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as { ready?: true; id?: number; ok?: boolean; value?: unknown; error?: string; snapshot?: Snapshot; log?: { level: string; message: string } };
      if (m.ready) this.markReady();
      if (m.snapshot) this.snapshot = m.snapshot;
      if (m.log) this.logs.push(m.log);
      if (m.id !== undefined) {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(new Error(m.error));
      }
      for (const w of [...this.watchers]) w();
    });
  }

  static async spawn(keyring: Keyring): Promise<Host> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/keychain-core-host.ts'], { cwd: root, env: keyring.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const host = new Host(child);
    cleanups.push(async () => {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await host.exited;
      clearTimeout(timer);
    });
    const failed = await Promise.race([host.ready.then(() => undefined), host.exited]);
    if (failed !== undefined) throw new Error(failed);
    return host;
  }

  private request(msg: object): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolveReq, reject) => {
      this.pending.set(id, { resolve: resolveReq, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, ...msg })}\n`);
    });
  }

  async start(configDir: string): Promise<Snapshot> {
    this.snapshot = (await this.request({ op: 'start', configDir })) as Snapshot;
    return this.snapshot;
  }

  handle(command: object): Promise<unknown> {
    return this.request({ op: 'handle', command });
  }

  /** Resolves when the host's latest snapshot satisfies `pred` (now, or after a later line from the host). */
  until(pred: (s: Snapshot) => boolean, what: string, ms = 4000): Promise<Snapshot> {
    return new Promise((resolveSnap, reject) => {
      const check = () => {
        if (this.snapshot === undefined || !pred(this.snapshot)) return;
        clearTimeout(timer);
        this.watchers.delete(check);
        resolveSnap(this.snapshot);
      };
      const timer = setTimeout(() => {
        this.watchers.delete(check);
        reject(new Error(`${what} not met within ${ms} ms; connection ${JSON.stringify(this.snapshot?.connection)}`));
      }, ms);
      this.watchers.add(check);
      check();
    });
  }
}

async function emulator(): Promise<PbxEmulator> {
  const pbx = await PbxEmulator.start({ config: sessionTestConfig(), port: 0 });
  cleanups.push(() => pbx.stop());
  return pbx;
}

const loggedIn = (s: Snapshot) => s.connection.kind === 'logged-in' && s.apps !== undefined && !s.apps.fromCache;
const login = (pbx: PbxEmulator) => ({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: true });
const keychainNotices = (s: Snapshot | undefined) => (s?.notices ?? []).filter((n) => n.id === 'keychain');
const keychainWarnings = (host: Host) => host.logs.filter((l) => l.message === 'keychain unavailable');

/** Logged in with "stay logged in": the session is in the keychain; then the keychain is locked. */
async function loggedInThenLocked() {
  const pbx = await emulator();
  const keyring = await privateKeyring();
  const host = await Host.spawn(keyring);
  const dir = mkdtempSync(join(tmpdir(), 'myapps-faults-keychain-'));
  const started = await host.start(dir);
  expect(started.notices).toEqual([]); // the keychain works: nobody is told anything
  expect(started.login.canStayLoggedIn).toBe(true);
  expect(await host.handle(login(pbx))).toEqual({ ok: true });
  await host.until(loggedIn, 'logged in');
  const account = credentialAccount(pbx.url, 'alice');
  expect(keyring.accounts()).toEqual([account]);
  keyring.lock();
  expect(keyring.locked()).toBe(true);
  return { pbx, keyring, host, dir, account };
}

describe.skipIf(missing.length > 0)('fault 6: the keychain is locked mid-session', () => {
  it('the session keeps working; logout works; a login while locked is told once, in plain words, and runs from memory', async () => {
    const { pbx, host } = await loggedInThenLocked();

    // Nothing the running session does needs the keychain.
    expect(await host.handle({ type: 'setHome', links: ['badger', 'contacts'] })).toEqual({ ok: true });
    await pbx.waitFor('SetApps', (m) => m.home === 'badger,contacts');
    pbx.setBadge('badger', 5);
    expect(await host.handle({ type: 'setPresence', activity: 'dnd', note: 'keychain locked' })).toEqual({ ok: true });
    await host.until((s) => s.badges.badger === '5' && s.ownPresence.activity === 'dnd', 'badge and own presence');
    expect(host.snapshot!.connection.kind).toBe('logged-in');

    expect(await host.handle({ type: 'logout' })).toEqual({ ok: true });
    await pbx.waitFor('Logout');
    await host.until((x) => x.connection.kind === 'disconnected' && x.apps === undefined, 'logged out');

    // Logging in again while locked: storing the session fails, so it is kept in memory and the user told.
    expect(await host.handle(login(pbx))).toEqual({ ok: true });
    const s = await host.until((x) => loggedIn(x) && keychainNotices(x).length > 0, 'logged in with the keychain notice');
    expect(keychainNotices(s)).toEqual([{ id: 'keychain', severity: 'warning', text: expect.stringMatching(/keychain is not available.*log in and work normally.*password again/s) }]);
    expect(s.login.canStayLoggedIn).toBe(false);
    expect(s.apps!.home.map((h) => h.link)).toEqual(['badger', 'contacts']); // the selection made while locked

    // The in-memory session carries a reconnect.
    const sessionLoginsBefore = pbx.framesOf('Login').filter((f) => f.msg?.type === 'session' && f.msg?.response).length;
    pbx.killSockets({ user: 'alice' });
    await host.until((x) => x.connection.kind === 'reconnecting', 'reconnecting');
    await host.until((x) => x.connection.kind === 'logged-in', 'reconnected');
    expect(pbx.framesOf('Login').filter((f) => f.msg?.type === 'session' && f.msg?.response)).toHaveLength(sessionLoginsBefore + 1);

    expect(await host.handle({ type: 'logout' })).toEqual({ ok: true });
    const out = await host.until((x) => x.connection.kind === 'disconnected', 'logged out again');
    expect(out.connection).toEqual({ kind: 'disconnected', reason: 'logged-out' });
    // Told once: one warning for the whole run, one notice on screen.
    expect(keychainWarnings(host)).toHaveLength(1);
    expect(keychainNotices(host.snapshot)).toHaveLength(1);
    expect(host.snapshot!.login).toMatchObject({ pbx: pbx.url, username: 'alice' }); // the account is kept
  });

  // Once a defect: a locked keychain reads as "no entry", and the session ended quietly on the next
  // dropped link. The session of this run is kept in memory too (CredentialVault).
  it('a connection lost while the keychain is locked is resumed by session login', async () => {
    const { pbx, host } = await loggedInThenLocked();
    pbx.killSockets({ user: 'alice' });
    await pbx.waitFor('Login', (m) => m.type === 'session' && Boolean(m.response), 2000);
    await host.until((s) => s.connection.kind === 'logged-in', 'reconnected');
  });

  // Once a defect: a locked keychain removes nothing on logout and says nothing. Now the user is
  // told, and the next start removes the entry.
  it('logout with the keychain locked says the session could not be removed, and the next start removes it', async () => {
    const { pbx, keyring, host, account, dir } = await loggedInThenLocked();
    expect(await host.handle({ type: 'logout' })).toEqual({ ok: true });
    await pbx.waitFor('Logout');
    await host.until((s) => s.notices.some((n) => n.id === 'keychain-wipe'), 'told the wipe failed');
    await keyring.unlock();
    expect(keyring.accounts()).toEqual([account]);
    const next = await Host.spawn(keyring);
    await next.start(dir);
    expect(keyring.accounts()).toEqual([]);
  });

  // Once a defect: the start-up probe listed the keychain's entries (findCredentials), which crashes
  // the process on a locked collection (node-keytar#477). It reads one entry now.
  it('a client started while the keychain is locked starts, and a session it cannot read asks for the password', async () => {
    const { keyring, dir } = await loggedInThenLocked();
    const next = await Host.spawn(keyring);
    const started = await next.start(dir);
    expect(started.connection.kind).not.toBe('logged-in');
    expect(started.login).toMatchObject({ username: 'alice' });
  });
});
