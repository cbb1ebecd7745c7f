/** `npm run doctor` as a user runs it: a child process against the emulator, JSON lines out. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { exitCodes } from '../../main/cli/doctor.js';
import { appLoginDigest } from '../../main/core/protocol/digest.js';
import { PbxEmulator } from '../pbx/index.js';
import { sessionTestConfig } from '../support/session-config.js';
import { startProxy } from '../support/ws-proxy.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function emulator(tls = false) {
  const pbx = await PbxEmulator.start({ config: sessionTestConfig(), port: 0, tls });
  cleanups.push(() => pbx.stop());
  return pbx;
}

interface Run {
  code: number | null;
  lines: Record<string, unknown>[];
  stderr: string;
}

function doctor(args: string[], opts: { password?: string; stdin?: string; preload?: string } = {}): Promise<Run> {
  const env = { ...process.env };
  delete env.MYAPPS_PASSWORD;
  if (opts.password !== undefined) env.MYAPPS_PASSWORD = opts.password;
  const preload = opts.preload === undefined ? [] : ['--import', opts.preload];
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload, 'main/cli/bin/doctor.ts', ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(opts.stdin ?? '');
  return new Promise((done) =>
    child.on('close', (code) => done({ code, stderr, lines: stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) })),
  );
}

const steps = (r: Run) => r.lines.map((l) => l.step);

describe('doctor', () => {
  it('prints each step of a login and the apps, and the Login an app would receive', async () => {
    const pbx = await emulator();
    const r = await doctor(['--pbx', pbx.url, '--user', 'alice', '--app', 'contacts', '--challenge', '4711'], { password: 'Secret123!' });
    expect(r.code, r.stderr).toBe(0);
    expect(steps(r)).toEqual(['connect', 'authenticate', 'login-result', 'user', 'app', 'app', 'app', 'app', 'app', 'complete', 'app-login']);
    expect(r.lines[3]).toMatchObject({ sip: 'alice', domain: 'example.com' });
    expect(r.lines.filter((l) => l.step === 'app').map((l) => l.name)).toContain('search');
    const login = r.lines.at(-1)!.message as Record<string, string>;
    expect(login.mt).toBe('Login');
    expect(login.pbxObj).toBe('contacts');
    const infoJson = JSON.stringify(login.info);
    expect(login.digest).toBe(appLoginDigest({ app: login.app!, domain: login.domain!, sip: login.sip!, guid: login.guid!, dn: login.dn!, infoJson, challenge: '4711', password: 'apppwd' }));
    // The password is never printed, not even under --verbose.
    const verbose = await doctor(['--pbx', pbx.url, '--user', 'alice', '--verbose'], { password: 'Secret123!' });
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toContain('session state');
    expect(verbose.stderr + JSON.stringify(verbose.lines)).not.toContain('Secret123!');
  });

  it('reads the password from stdin when MYAPPS_PASSWORD is not set', async () => {
    const pbx = await emulator();
    const r = await doctor(['--pbx', `ws://${pbx.hostPort}`, '--user', 'alice'], { stdin: 'Secret123!\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(steps(r)).toContain('complete');
  });

  it('wrong password: exit 4 and a clear message', async () => {
    const pbx = await emulator();
    const r = await doctor(['--pbx', pbx.url, '--user', 'alice'], { password: 'nope' });
    expect(r.code).toBe(4);
    expect(r.lines.at(-1)).toMatchObject({ step: 'error', reason: 'auth-failed' });
    expect(r.stderr).toMatch(/Wrong user name or password/);
  });

  it('unreachable PBX: exit 3', async () => {
    const pbx = await emulator();
    const url = pbx.url;
    await pbx.stop();
    const r = await doctor(['--pbx', url, '--user', 'alice'], { password: 'x' });
    expect(r.code).toBe(3);
    expect(r.lines.at(-1)).toMatchObject({ step: 'error', reason: 'unreachable' });
  });

  it('untrusted certificate: exit 5 with the fingerprint; --trust-fingerprint lets it through', async () => {
    const pbx = await emulator(true);
    const refused = await doctor(['--pbx', pbx.url, '--user', 'alice'], { password: 'Secret123!' });
    expect(refused.code).toBe(5);
    expect(refused.lines.at(-1)).toMatchObject({ step: 'error', reason: 'certificate-untrusted', fingerprint256: pbx.fingerprint256 });
    const trusted = await doctor(['--pbx', pbx.url, '--user', 'alice', '--trust-fingerprint', pbx.fingerprint256!], { password: 'Secret123!' });
    expect(trusted.code, trusted.stderr).toBe(0);
  });

  it('forged LoginResult digest: exit 6', async () => {
    const pbx = await emulator();
    const proxy = await startProxy(`ws://${pbx.hostPort}`, (t) => t.replace(/"digest":"[0-9a-f]{4}/, '"digest":"0000'));
    cleanups.push(() => proxy.close());
    const r = await doctor(['--pbx', proxy.url(new URL(pbx.url).pathname), '--user', 'alice'], { password: 'Secret123!' });
    expect(r.code).toBe(6);
    expect(r.lines.at(-1)).toMatchObject({ step: 'error', reason: 'forged-digest' });
  });

  it('app the user may not use: exit 7', async () => {
    const pbx = await emulator();
    const r = await doctor(['--pbx', pbx.url, '--user', 'alice', '--app', 'secret', '--challenge', '1'], { password: 'Secret123!' });
    expect(r.code).toBe(7);
    expect(r.lines.at(-1)).toMatchObject({ step: 'error', reason: 'app-login' });
  });

  it.each([[[]], [['--pbx', 'x']], [['--pbx', 'x', '--user', 'a', '--app', 'b']], [['--pbx', 'x', '--user', 'a', '--bogus']], [['--pbx', 'x', '--user', 'a', '--trust-fingerprint', 'zz']]])(
    'usage error %j: exit 2',
    async (args) => {
      const r = await doctor(args, { password: 'x' });
      expect(r.code).toBe(2);
      expect(r.lines.at(-1)).toMatchObject({ step: 'error', reason: 'usage' });
    },
  );
});

/** What a client frame does at the relay: go on to the emulator, or end the client's connection instead. */
type Verdict = 'pass' | 'close' | 'terminate';

/**
 * A relay in front of the emulator that decides, frame by frame from the client, whether the
 * "PBX" carries on or ends the connection (with a close frame, or a TCP reset) — a PBX that
 * fails at an exact step of the protocol, which the emulator's hooks cannot time.
 */
async function relay(upstreamOrigin: string, onClientFrame: (msg: Record<string, unknown>) => Verdict) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (client, req) => {
    const upstream = new WebSocket(upstreamOrigin + (req.url ?? '/'));
    const queue: string[] = [];
    upstream.on('open', () => queue.splice(0).forEach((t) => upstream.send(t)));
    client.on('message', (d) => {
      const text = d.toString();
      const verdict = onClientFrame(JSON.parse(text) as Record<string, unknown>);
      if (verdict === 'close') return client.close(1011, 'going away');
      if (verdict === 'terminate') return client.terminate();
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else queue.push(text);
    });
    upstream.on('message', (d) => client.readyState === WebSocket.OPEN && client.send(d.toString()));
    client.on('close', () => upstream.close());
    upstream.on('close', () => client.close());
    upstream.on('error', () => client.terminate());
  });
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  );
  return (path: string) => `ws://127.0.0.1:${(wss.address() as AddressInfo).port}${path}`;
}

/** Every line on stdout is JSON (the helper parses each), the last is an error with a reason, and nothing anywhere is a stack trace. */
function expectCleanFailure(r: Run, reason: string): Record<string, unknown> {
  const last = r.lines.at(-1)!;
  expect(last).toMatchObject({ step: 'error', reason, message: expect.any(String) });
  expect(r.stderr + JSON.stringify(r.lines)).not.toMatch(/\bat .+:\d+:\d+|^\s+at /m);
  return last;
}

describe('doctor when the PBX fails', () => {
  it('a PBX that never answers AppGetLogin: exit 8, "app-login-timeout"', async () => {
    const pbx = await emulator();
    pbx.holdAppLogins();
    const r = await doctor(['--pbx', pbx.url, '--user', 'alice', '--app', 'contacts', '--challenge', '4711', '--timeout', '1500'], { password: 'Secret123!' });
    expect(r.code, r.stderr).toBe(8);
    expect(steps(r)).toEqual(['connect', 'authenticate', 'login-result', 'user', 'app', 'app', 'app', 'app', 'app', 'complete', 'error']);
    expect(expectCleanFailure(r, 'app-login-timeout').message).toBe('The PBX did not answer the app login for "contacts" within 1500 ms.');
    expect(pbx.framesOf('AppGetLogin')).toHaveLength(1);
  });

  it('a PBX that closes the connection during the login: exit 3 and a sentence that reads', async () => {
    const pbx = await emulator();
    const url = await relay(`ws://${pbx.hostPort}`, (msg) => (msg.mt === 'Login' && msg.method === 'digest' ? 'close' : 'pass'));
    const r = await doctor(['--pbx', url(new URL(pbx.url).pathname), '--user', 'alice'], { password: 'Secret123!' });
    expect(r.code, r.stderr).toBe(3);
    expect(expectCleanFailure(r, 'unreachable').message).toBe('The PBX closed the connection during the login.');
    expect(r.stderr).toBe('doctor: The PBX closed the connection during the login.\n');
  });

  it('a PBX that closes the connection at the login request: exit 3', async () => {
    const pbx = await emulator();
    const url = await relay(`ws://${pbx.hostPort}`, (msg) => (msg.mt === 'Login' ? 'close' : 'pass'));
    const r = await doctor(['--pbx', url(new URL(pbx.url).pathname), '--user', 'alice'], { password: 'Secret123!' });
    expect(r.code, r.stderr).toBe(3);
    expect(expectCleanFailure(r, 'unreachable').message).toBe('The PBX closed the connection during the login request.');
  });

  it('a PBX that drops the connection while the app login is pending: exit 3, "unreachable"', async () => {
    const pbx = await emulator();
    const url = await relay(`ws://${pbx.hostPort}`, (msg) => (msg.mt === 'AppGetLogin' ? 'terminate' : 'pass'));
    const r = await doctor(['--pbx', url(new URL(pbx.url).pathname), '--user', 'alice', '--app', 'contacts', '--challenge', '1'], { password: 'Secret123!' });
    expect(r.code, r.stderr).toBe(3);
    expect(expectCleanFailure(r, 'unreachable').message).toMatch(/^No app login for "contacts": the PBX connection was lost \(.+\)\.$/);
  });

  it('a server that is not a PBX (HTTP 404 on the WebSocket path): exit 3', async () => {
    const server: Server = createServer((_req, res) => res.writeHead(404).end('not here'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const r = await doctor(['--pbx', `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, '--user', 'alice'], { password: 'x' });
    expect(r.code, r.stderr).toBe(3);
    expectCleanFailure(r, 'unreachable');
  });

  it('a PBX that sends garbage instead of the login: warnings, then exit 1 with the reason "protocol"', async () => {
    const pbx = await emulator();
    const proxy = await startProxy(`ws://${pbx.hostPort}`, () => '<html>not a PBX</html>');
    cleanups.push(() => proxy.close());
    const r = await doctor(['--pbx', proxy.url(new URL(pbx.url).pathname), '--user', 'alice', '--timeout', '1000'], { password: 'Secret123!' });
    expect(r.code, r.stderr).toBe(1);
    expect(steps(r)).toContain('warning');
    expect(expectCleanFailure(r, 'protocol').message).toBe('The PBX did not answer the login request within 1 s.');
  });

  it('an error nobody expected still ends in one JSON line and exit 1, never a stack trace', async () => {
    // Fault injection from outside: once doctor has printed its first step, something rejects unhandled.
    const dir = await mkdtemp(join(tmpdir(), 'doctor-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const preload = join(dir, 'fault.mjs');
    await writeFile(
      preload,
      `const write = process.stdout.write.bind(process.stdout);
let armed = true;
process.stdout.write = (chunk, ...rest) => {
  if (armed) { armed = false; setImmediate(() => Promise.reject(new Error('injected fault'))); }
  return write(chunk, ...rest);
};
`,
    );
    const pbx = await emulator();
    pbx.holdAppLogins();
    const r = await doctor(['--pbx', pbx.url, '--user', 'alice', '--app', 'contacts', '--challenge', '1'], { password: 'Secret123!', preload: pathToFileURL(preload).href });
    expect(r.code, r.stderr).toBe(1);
    expect(expectCleanFailure(r, 'internal').message).toBe('injected fault');
    expect(r.stderr).toContain('doctor: internal error: injected fault');
  });

  it('no password (stdin ends before a line): a usage error, exit 2', async () => {
    const r = await doctor(['--pbx', 'ws://127.0.0.1:9', '--user', 'alice'], { stdin: '' });
    expect(r.code, r.stderr).toBe(2);
    expect(expectCleanFailure(r, 'usage').message).toBe('no password: set MYAPPS_PASSWORD or type it at the prompt');
  });
});

describe('doctor documentation', () => {
  it("README's exit table has a row for every exit code doctor uses, and no other", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = /\| exit \| meaning \|\n\|---\|---\|\n((?:\|.*\n)+)/.exec(readme)?.[1] ?? '';
    const documented = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented.sort()).toEqual([...new Set([0, 1, ...Object.values(exitCodes)])].sort());
  });
});
