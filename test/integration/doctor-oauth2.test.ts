/**
 * `npm run doctor -- --method oauth2` as IT runs it: a child process against the emulator and
 * its OpenID Connect provider; the test plays the user in the browser (test/support/idp-browser.ts)
 * once doctor has printed the sign-in page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startIdentityProvider } from '../pbx/idp.js';
import { PbxEmulator } from '../pbx/index.js';
import { IdpBrowser } from '../support/idp-browser.js';
import { sessionTestConfig } from '../support/session-config.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function ssoPbx() {
  const idp = await startIdentityProvider({ accounts: [{ username: 'alice', password: 'idp-secret' }] });
  cleanups.push(() => idp.close());
  const config = sessionTestConfig();
  config.oauth2 = { ...idp.pbxConfig, name: 'Contoso ID' };
  const pbx = await PbxEmulator.start({ config, port: 0, tls: false });
  cleanups.push(() => pbx.stop());
  return pbx;
}

type Line = Record<string, unknown>;

/** doctor running: its JSON lines as they come, the first line of a step, and its end. */
function doctor(args: string[]) {
  const env = { ...process.env };
  delete env.MYAPPS_PASSWORD;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'main/cli/bin/doctor.ts', ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  const lines: Line[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += String(d);
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffer.slice(0, nl)) as Line);
      buffer = buffer.slice(nl + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
  child.stdin!.end('');
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  const step = async (name: string): Promise<Line> => {
    for (;;) {
      const found = lines.find((l) => l.step === name);
      if (found) return found;
      if (child.exitCode !== null) throw new Error(`doctor ended without a "${name}" line: ${JSON.stringify(lines)} ${stderr}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return { child, lines, step, exited, stderr: () => stderr };
}

describe('doctor --method oauth2', () => {
  it('prints the methods and the sign-in page, waits for the sign-in, then reports the login like the password path', async () => {
    const pbx = await ssoPbx();
    const d = doctor(['--pbx', pbx.url, '--method', 'oauth2']);
    const signIn = await d.step('sign-in');
    expect(signIn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth2\/start\?state=/);
    expect((await new IdpBrowser().signIn(String(signIn.url), 'alice', 'idp-secret')).text).toContain('Signed in.');
    expect(await d.exited, d.stderr()).toBe(0);
    const steps = d.lines.map((l) => l.step);
    expect(steps.slice(0, 5)).toEqual(['connect', 'authenticate', 'login-methods', 'sign-in', 'login-result']);
    expect(d.lines.find((l) => l.step === 'login-methods')).toMatchObject({ digest: true, oauth2: true, oauth2Name: 'Contoso ID' });
    expect(d.lines.find((l) => l.step === 'user')).toMatchObject({ sip: 'alice' });
    expect(steps.at(-1)).toBe('complete');
  });

  it('a sign-in cancelled at the identity provider: exit 4 with the reason', async () => {
    const pbx = await ssoPbx();
    const d = doctor(['--pbx', pbx.url, '--method', 'oauth2']);
    const browser = new IdpBrowser();
    await browser.submit(await browser.open(String((await d.step('sign-in')).url)), {}, 'cancel');
    expect(await d.exited).toBe(4);
    expect(d.lines.at(-1)).toMatchObject({ step: 'error', reason: 'sign-in-failed', message: expect.stringMatching(/cancelled/) });
  });

  it('Ctrl+C while waiting: the attempt is closed, exit 4, and the PBX no longer waits', async () => {
    const pbx = await ssoPbx();
    const d = doctor(['--pbx', pbx.url, '--method', 'oauth2']);
    const url = String((await d.step('sign-in')).url);
    d.child.kill('SIGINT');
    expect(await d.exited).toBe(4);
    expect(d.lines.at(-1)).toMatchObject({ step: 'error', reason: 'sign-in-failed', message: expect.stringMatching(/Ctrl\+C/) });
    expect(d.lines.some((l) => l.step === 'login-result')).toBe(false);
    // The process is gone and its socket with it: the sign-in link leads nowhere now.
    for (let i = 0; pbx.connections().length > 0 && i < 500; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await new IdpBrowser().open(url)).text).toMatch(/Sign-in failed/);
  });

  it('--sign-in-timeout bounds the wait', async () => {
    const pbx = await ssoPbx();
    const d = doctor(['--pbx', pbx.url, '--method', 'oauth2', '--sign-in-timeout', '500']);
    await d.step('sign-in');
    expect(await d.exited).toBe(1);
    expect(d.lines.at(-1)).toMatchObject({ step: 'error', reason: 'protocol', message: expect.stringMatching(/did not answer the sign-in within 0.5 s/) });
  });

  it.each([
    [['--method', 'oauth2', '--user', 'alice'], /--user does not go with --method oauth2/],
    [['--method', 'ntlm', '--user', 'alice'], /--method must be digest or oauth2/],
    [['--user', 'alice', '--sign-in-timeout', '5'], /--sign-in-timeout goes with --method oauth2/],
  ])('usage %j: exit 2', async (args, reason) => {
    const d = doctor(['--pbx', 'pbx.example.com', ...args]);
    expect(await d.exited).toBe(2);
    expect(d.lines.at(-1)).toMatchObject({ step: 'error', reason: 'usage', message: expect.stringMatching(reason) });
  });
});
