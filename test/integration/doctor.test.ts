/** `npm run doctor` as a user runs it: a child process against the emulator, JSON lines out. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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

function doctor(args: string[], opts: { password?: string; stdin?: string } = {}): Promise<Run> {
  const env = { ...process.env };
  delete env.MYAPPS_PASSWORD;
  if (opts.password !== undefined) env.MYAPPS_PASSWORD = opts.password;
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/bin/doctor.ts', ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
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
