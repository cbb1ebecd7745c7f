/**
 * Network like the OS: the client reaches the PBX through the system's proxy (the shell's
 * `resolveProxy`, or HTTPS_PROXY / HTTP_PROXY / NO_PROXY in plain Node), asks the user for a
 * proxy's credentials in its own UI, and trusts the OS's CAs. Against a real CONNECT proxy
 * (test/support/connect-proxy.ts) in front of the PBX emulator; the OS trust store through
 * `SSL_CERT_FILE` in a doctor child process (Node 20 reads no OS store of its own).
 *
 * `pbx.test` is a name that never resolves (RFC 2606): only the test proxy knows it (its
 * `hosts`), or a test's `lookup`, so a login to it proves which way the connection went.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { until as untilSnapshot } from '../support/core-apps.js';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { ClientCore, type ClientCoreOptions } from '../../main/core/client/client.js';
import { browserShellPort } from '../../main/core/client/shell-port.js';
import type { Logger } from '../../main/core/common/log.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { PbxSession } from '../../main/core/pbx/session.js';
import { PbxEmulator } from '../pbx/index.js';
import { closedPort, startConnectProxy, type ConnectProxyOptions } from '../support/connect-proxy.js';
import { sessionTestConfig } from '../support/session-config.js';
import { createTestCa, startTlsFront, type TestCa } from '../support/test-ca.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const c of cleanups.splice(0).reverse()) await c();
});

const PATH = '/PBX0/APPCLIENT/130000/websocket';

async function emulator(tls = false) {
  const pbx = await PbxEmulator.start({ config: sessionTestConfig(), port: 0, tls });
  cleanups.push(() => pbx.stop());
  return pbx;
}

async function proxy(opts: ConnectProxyOptions = {}) {
  const p = await startConnectProxy({ hosts: { 'pbx.test': '127.0.0.1' }, ...opts });
  cleanups.push(() => p.close());
  return p;
}

/** Every log call as given (before the logger's redaction), to search for secrets. */
function rawLog(): { log: Logger; text: () => string } {
  const lines: string[] = [];
  return { log: (level, message, fields) => lines.push(JSON.stringify({ level, message, fields })), text: () => lines.join('\n') };
}

/** The proxy variables exactly as given; every other spelling empty (the machine's own are ignored). */
function proxyEnv(vars: { HTTPS_PROXY?: string; HTTP_PROXY?: string; NO_PROXY?: string }) {
  for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'] as const) {
    vi.stubEnv(name.toLowerCase(), '');
    vi.stubEnv(name, vars[name] ?? '');
  }
}

async function core(extra: Partial<ClientCoreOptions> = {}) {
  const dir = extra.configDir ?? mkdtempSync(join(tmpdir(), 'myapps-network-'));
  const c = await ClientCore.start({
    configDir: dir,
    policyFile: join(dir, 'policy.json'),
    credentialStore: new MemoryCredentialStore(),
    ...extra,
    sessionOptions: { backoff: { initialMs: 50, maxMs: 200, random: () => 1 }, connectTimeoutMs: 3000, ...extra.sessionOptions },
  });
  cleanups.push(() => c.dispose());
  return { core: c, dir };
}

const until = (c: ClientCore, pred: (s: Snapshot) => boolean, ms = 8000): Promise<Snapshot> => untilSnapshot(c, pred, ms);

const loggedIn = (s: Snapshot) => s.connection.kind === 'logged-in' && s.apps !== undefined && !s.apps.fromCache;
const failed = (s: Snapshot) => s.connection.kind === 'error';
const login = (pbx: string, stayLoggedIn = false) => ({ type: 'login', pbx, username: 'alice', password: 'Secret123!', stayLoggedIn });
const shellWith = (resolveProxy: (url: string) => Promise<string>) => ({ ...browserShellPort, resolveProxy });
/** Resolves `pbx.test` to loopback, as a DNS server of the company would (direct connections only). */
const testLookup: LookupFunction = (hostname, options, callback) => {
  const address = hostname === 'pbx.test' ? '127.0.0.1' : hostname;
  if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family: 4 }]);
  else callback(null, address, 4);
};

describe('the proxy of the environment (plain Node: browser shell, doctor)', () => {
  it('HTTPS_PROXY: the session logs in through it, one CONNECT to the PBX host:port', async () => {
    const pbx = await emulator(true);
    const p = await proxy();
    proxyEnv({ HTTPS_PROXY: `http://${p.hostPort}` });
    const dir = mkdtempSync(join(tmpdir(), 'myapps-network-'));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ enforced: { certificateFingerprints: [pbx.fingerprint256] } }));
    const { core: c } = await core({ configDir: dir });
    await c.handle(login(`pbx.test:${pbx.port}`));
    await until(c, loggedIn);
    expect(p.requests).toEqual([{ target: `pbx.test:${pbx.port}`, status: 200 }]);
    expect(p.tunnels()).toBe(1);
  });

  it('HTTP_PROXY is used for ws:, HTTPS_PROXY is not', async () => {
    const pbx = await emulator();
    const p = await proxy();
    proxyEnv({ HTTP_PROXY: p.hostPort, HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}` });
    const { core: c } = await core();
    await c.handle(login(`ws://pbx.test:${pbx.port}${PATH}`));
    await until(c, loggedIn);
    expect(p.tunnels()).toBe(1);
  });

  it('NO_PROXY: a listed host is reached directly (the proxy sees nothing); others still go through it', async () => {
    const pbx = await emulator();
    const p = await proxy();
    proxyEnv({ HTTP_PROXY: `http://${p.hostPort}`, NO_PROXY: 'intranet.example, .test' });
    const { core: c } = await core({ sessionOptions: { lookup: testLookup } });
    await c.handle(login(`ws://pbx.test:${pbx.port}${PATH}`));
    await until(c, loggedIn);
    expect(p.requests).toEqual([]);
    // The control: the same PBX under a name NO_PROXY does not list goes through the proxy.
    proxyEnv({ HTTP_PROXY: `http://${p.hostPort}`, NO_PROXY: 'intranet.example' });
    await c.handle(login(`ws://pbx.test:${pbx.port}${PATH}`));
    await until(c, (s) => loggedIn(s) && p.tunnels() === 1);
  });

  it('loopback addresses never go through the proxy', async () => {
    const pbx = await emulator();
    const p = await proxy();
    proxyEnv({ HTTP_PROXY: `http://${p.hostPort}` });
    const { core: c } = await core();
    await c.handle(login(pbx.url));
    await until(c, loggedIn);
    expect(p.requests).toEqual([]);
  });
});

describe("the shell's system proxy (Electron: session.resolveProxy)", () => {
  it('"PROXY host:port; DIRECT" is used, asked for the https form of the PBX URL', async () => {
    const pbx = await emulator();
    const p = await proxy();
    const asked: string[] = [];
    const { core: c } = await core({ shell: shellWith(async (url) => (asked.push(url), `PROXY ${p.hostPort}; DIRECT`)) });
    await c.handle(login(pbx.url));
    await until(c, loggedIn);
    expect(asked).toEqual([pbx.url.replace(/^ws/, 'http')]);
    expect(p.requests).toEqual([{ target: pbx.hostPort, status: 200 }]);
  });

  it('"DIRECT" connects directly, whatever the environment says', async () => {
    const pbx = await emulator();
    const p = await proxy();
    proxyEnv({ HTTP_PROXY: `http://${p.hostPort}` });
    const { core: c } = await core({ shell: shellWith(async () => 'DIRECT'), sessionOptions: { lookup: testLookup } });
    await c.handle(login(`ws://pbx.test:${pbx.port}${PATH}`));
    await until(c, loggedIn);
    expect(p.requests).toEqual([]);
  });

  it('an unreachable proxy, then one that refuses, then SOCKS: each skipped with a log line, and DIRECT works', async () => {
    const pbx = await emulator();
    const refusing = await proxy({ refuse: 403 });
    const down = await closedPort();
    const { log, text } = rawLog();
    const { core: c } = await core({ log, shell: shellWith(async () => `PROXY 127.0.0.1:${down}; PROXY ${refusing.hostPort}; SOCKS5 127.0.0.1:1080; DIRECT`) });
    await c.handle(login(pbx.url));
    await until(c, loggedIn);
    expect(refusing.requests).toEqual([{ target: pbx.hostPort, status: 403 }]);
    expect(text()).toContain(`cannot reach the proxy 127.0.0.1:${down}: ECONNREFUSED`);
    expect(text()).toContain(`the proxy ${refusing.hostPort} refused the connection (HTTP 403)`);
    expect(text()).toContain('proxy \\"SOCKS5 127.0.0.1:1080\\" skipped: SOCKS proxies are not supported; trying the next entry');
  });

  it('with nothing left to try, the error names every entry and why it failed', async () => {
    const pbx = await emulator();
    const down = await closedPort();
    const { core: c } = await core({ shell: shellWith(async () => `PROXY 127.0.0.1:${down}; SOCKS 127.0.0.1:1080`) });
    await c.handle(login(pbx.url));
    const s = await until(c, failed);
    expect(s.connection).toMatchObject({ reason: 'unreachable' });
    expect((s.connection as { message: string }).message).toBe(
      `cannot reach ${pbx.url}: cannot reach the proxy 127.0.0.1:${down}: ECONNREFUSED; "SOCKS 127.0.0.1:1080" skipped (SOCKS proxies are not supported)`,
    );
  });

  it('a proxy asking for NTLM only is not usable: the next entry is tried', async () => {
    const pbx = await emulator();
    const ntlm = await proxy({ onlyScheme: 'NTLM' });
    const { log, text } = rawLog();
    const { core: c } = await core({ log, shell: shellWith(async () => `PROXY ${ntlm.hostPort}; DIRECT`) });
    await c.handle(login(pbx.url));
    await until(c, loggedIn);
    expect(text()).toContain('asks for a kind of login myApps does not support (NTLM)');
  });
});

describe('proxy authentication, asked in our UI', () => {
  it('407 → proxy-auth-required → credentials → logged in; wrong ones are asked for again; kept for this run only, never written or logged', async () => {
    const pbx = await emulator();
    const p = await proxy({ auth: { username: 'jdoe', password: 'Pr0xy-S3cret!', realm: 'Example Corp' } });
    const store = new MemoryCredentialStore();
    const { log, text } = rawLog();
    const shell = shellWith(async () => `PROXY ${p.hostPort}`);
    const { core: c, dir } = await core({ log, shell, credentialStore: store });

    await c.handle(login(pbx.url, true));
    let s = await until(c, failed);
    expect(s.connection).toEqual({ kind: 'error', reason: 'proxy-auth-required', message: `The proxy ${p.hostPort} needs a user name and password.`, proxy: p.hostPort, realm: 'Example Corp' });
    expect(pbx.connections()).toEqual([]);

    // Only the proxy that asked may be answered.
    expect(await c.handle({ type: 'proxyCredentials', proxy: '10.0.0.1:3128', username: 'jdoe', password: 'x' })).toMatchObject({ ok: false });
    expect(await c.handle({ type: 'proxyCredentials', proxy: p.hostPort, username: 'jdoe', password: 'wrong-guess' })).toEqual({ ok: true, value: { resumed: false } });
    await c.handle(login(pbx.url, true));
    s = await until(c, (x) => failed(x) && p.requests.length === 2);
    expect(s.connection).toMatchObject({ reason: 'proxy-auth-required', proxy: p.hostPort, proxyCredentialsRefused: true });

    expect(await c.handle({ type: 'proxyCredentials', proxy: p.hostPort, username: 'jdoe', password: 'Pr0xy-S3cret!' })).toEqual({ ok: true, value: { resumed: false } });
    await c.handle(login(pbx.url, true));
    await until(c, loggedIn);
    expect(p.requests.map((r) => r.status)).toEqual([407, 407, 200]);
    expect(p.requests[2]!.authorization).toBe(`Basic ${Buffer.from('jdoe:Pr0xy-S3cret!').toString('base64')}`);

    // A restart: the credentials were this run's only, so the stored session waits for them, then resumes by itself.
    await c.dispose();
    const { core: next } = await core({ log, shell, credentialStore: store, configDir: dir });
    s = await until(next, failed);
    expect(s.connection).toMatchObject({ reason: 'proxy-auth-required', proxy: p.hostPort });
    expect(await next.handle({ type: 'proxyCredentials', proxy: p.hostPort, username: 'jdoe', password: 'Pr0xy-S3cret!' })).toEqual({ ok: true, value: { resumed: true } });
    await until(next, loggedIn);
    await next.dispose();

    const secrets = ['Pr0xy-S3cret!', 'wrong-guess', Buffer.from('jdoe:Pr0xy-S3cret!').toString('base64')];
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    const stored = JSON.stringify(await Promise.all((await store.accounts()).map((a) => store.get(a))));
    expect(files).toContain('"accounts"'); // the control: these are the files the client wrote
    expect(text()).toContain('the proxy asks for a user name and password');
    for (const secret of secrets) {
      expect(files).not.toContain(secret);
      expect(stored).not.toContain(secret);
      expect(text()).not.toContain(secret);
    }
  });

  it('credentials in the proxy variable are used (the doctor and the browser shell behind an authenticating proxy)', async () => {
    const pbx = await emulator();
    const p = await proxy({ auth: { username: 'jdoe', password: 'p@ss:word' } });
    proxyEnv({ HTTP_PROXY: `http://jdoe:${encodeURIComponent('p@ss:word')}@${p.hostPort}` });
    const { core: c } = await core();
    await c.handle(login(`ws://pbx.test:${pbx.port}${PATH}`));
    await until(c, loggedIn);
    expect(p.requests.map((r) => r.status)).toEqual([200]);
  });
});

describe('certificates through the tunnel', () => {
  it("the PBX's certificate is still checked inside the tunnel: refused until its fingerprint is trusted", async () => {
    const pbx = await emulator(true);
    const p = await proxy();
    const { core: c } = await core({ shell: shellWith(async () => `PROXY ${p.hostPort}`) });
    await c.handle(login(pbx.url));
    const s = await until(c, failed);
    expect(s.connection).toMatchObject({ reason: 'certificate-untrusted', fingerprint256: pbx.fingerprint256 });
    expect(p.tunnels()).toBe(1);
    expect(await c.handle({ type: 'trustCertificate', pbx: pbx.url, username: 'alice', fingerprint: pbx.fingerprint256! })).toEqual({ ok: true });
    await c.handle(login(pbx.url));
    await until(c, loggedIn);
    expect(p.tunnels()).toBe(2);
  });

  it('a PBX session alone (no client) follows proxyFor too', async () => {
    const pbx = await emulator();
    const p = await proxy();
    const session = new PbxSession({ address: `ws://pbx.test:${pbx.port}${PATH}`, proxyFor: () => `PROXY ${p.hostPort}` });
    cleanups.push(() => session.close());
    expect(await session.login({ username: 'alice', password: 'Secret123!' })).toMatchObject({ kind: 'logged-in' });
    expect(p.tunnels()).toBe(1);
  });
});

// ------------------------------------------------------------------ the OS trust store, in a child process

interface DoctorRun {
  code: number | null;
  lines: Record<string, unknown>[];
  stderr: string;
}

function doctor(args: string[], env: Record<string, string>): Promise<DoctorRun> {
  const childEnv: Record<string, string | undefined> = { ...process.env, MYAPPS_PASSWORD: 'Secret123!', ...env };
  for (const name of ['https_proxy', 'http_proxy', 'no_proxy', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'SSL_CERT_DIR', 'NODE_EXTRA_CA_CERTS']) if (!(name in env)) delete childEnv[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/bin/doctor.ts', '--timeout', '5000', ...args], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('close', (code) => done({ code, stderr, lines: stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) })));
}

describe('the OS trust store: a PBX signed by a company CA (doctor, SSL_CERT_FILE)', () => {
  let ca: TestCa | undefined;
  async function companyPbx() {
    ca ??= createTestCa();
    const pbx = await emulator();
    const front = await startTlsFront(ca.issue({ dns: ['pbx.test'], ip: ['127.0.0.1'] }), pbx.port);
    cleanups.push(() => front.close());
    const dir = mkdtempSync(join(tmpdir(), 'myapps-ca-'));
    const withCa = join(dir, 'system-bundle.pem');
    const withoutCa = join(dir, 'other-bundle.pem');
    writeFileSync(withCa, `${createTestCa('Some Other CA').certPem}\n${ca.certPem}`);
    writeFileSync(withoutCa, createTestCa('Some Other CA').certPem);
    return { front, withCa, withoutCa };
  }
  afterEach(() => {
    ca?.dispose();
    ca = undefined;
  });

  it('accepted with the CA in the system list, refused without it', async () => {
    const { front, withCa, withoutCa } = await companyPbx();
    const address = `wss://127.0.0.1:${front.port}${PATH}`;
    const trusted = await doctor(['--pbx', address, '--user', 'alice'], { SSL_CERT_FILE: withCa });
    expect(trusted.code, trusted.stderr).toBe(0);
    const refused = await doctor(['--pbx', address, '--user', 'alice'], { SSL_CERT_FILE: withoutCa });
    expect(refused.code, refused.stderr).toBe(5);
    expect(refused.lines.at(-1)).toMatchObject({ step: 'error', reason: 'certificate-untrusted' });
  });

  it('through HTTPS_PROXY to pbx.test: the name the certificate carries is checked, not the proxy', async () => {
    const { front, withCa } = await companyPbx();
    const p = await proxy();
    const r = await doctor(['--pbx', `pbx.test:${front.port}`, '--user', 'alice'], { SSL_CERT_FILE: withCa, HTTPS_PROXY: `http://${p.hostPort}` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines[0]).toMatchObject({ step: 'connect', proxy: `PROXY ${p.hostPort}` });
    expect(p.requests).toEqual([{ target: `pbx.test:${front.port}`, status: 200 }]);
    // A certificate of the same CA for another name is refused.
    const other = await startTlsFront(ca!.issue({ dns: ['other.test'] }), front.port);
    cleanups.push(() => other.close());
    const wrongName = await doctor(['--pbx', `pbx.test:${other.port}`, '--user', 'alice'], { SSL_CERT_FILE: withCa, HTTPS_PROXY: `http://${p.hostPort}` });
    expect(wrongName.code).toBe(5);
    expect(wrongName.lines.at(-1)).toMatchObject({ reason: 'certificate-untrusted', message: expect.stringContaining('ERR_TLS_CERT_ALTNAME_INVALID') });
  });

  it('an HTTPS proxy: TLS to the proxy (its certificate checked against the system list), TLS to the PBX inside', async () => {
    const { front, withCa, withoutCa } = await companyPbx();
    const p = await proxy({ tls: ca!.issue({ ip: ['127.0.0.1'] }) });
    const env = { HTTPS_PROXY: `https://${p.hostPort}` };
    const ok = await doctor(['--pbx', `pbx.test:${front.port}`, '--user', 'alice'], { ...env, SSL_CERT_FILE: withCa });
    expect(ok.code, ok.stderr).toBe(0);
    expect(p.tunnels()).toBe(1);
    const untrustedProxy = await doctor(['--pbx', `pbx.test:${front.port}`, '--user', 'alice'], { ...env, SSL_CERT_FILE: withoutCa });
    expect(untrustedProxy.code).toBe(3);
    expect(untrustedProxy.lines.at(-1)).toMatchObject({ reason: 'unreachable', message: expect.stringContaining(`the certificate of the proxy ${p.hostPort} is not trusted`) });
  });

  it('a proxy that wants a password: exit 3 with how to give it; with it in HTTPS_PROXY, logged in', async () => {
    const { front, withCa } = await companyPbx();
    const p = await proxy({ auth: { username: 'jdoe', password: 'Pr0xy-S3cret!' } });
    const without = await doctor(['--pbx', `pbx.test:${front.port}`, '--user', 'alice'], { SSL_CERT_FILE: withCa, HTTPS_PROXY: `http://${p.hostPort}` });
    expect(without.code).toBe(3);
    expect(without.lines.at(-1)).toMatchObject({ reason: 'proxy-auth-required', proxy: p.hostPort, message: expect.stringContaining(`HTTPS_PROXY=http://<user>:<password>@${p.hostPort}`) });
    const withAuth = await doctor(['--pbx', `pbx.test:${front.port}`, '--user', 'alice', '--verbose'], { SSL_CERT_FILE: withCa, HTTPS_PROXY: `http://jdoe:Pr0xy-S3cret!@${p.hostPort}` });
    expect(withAuth.code, withAuth.stderr).toBe(0);
    expect(JSON.stringify(withAuth.lines) + withAuth.stderr).not.toContain('Pr0xy-S3cret!');
  });
});
