/** `npm run pbx` as a process: ready line, redacted verbose log, clean signal exit, exit 2 on bad config. */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const procs: ChildProcessWithoutNullStreams[] = [];

function run(args: string[]) {
  const p = spawn(tsx, ['test/pbx/cli.ts', ...args], { cwd: root });
  procs.push(p);
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => (out += String(d)));
  p.stderr.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
  const until = async (re: RegExp): Promise<RegExpExecArray> => {
    for (let i = 0; i < 200; i++) {
      const m = re.exec(out);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${re} in stdout: ${out}\nstderr: ${err}`);
  };
  return { p, exited, until, out: () => out, err: () => err };
}

afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

describe('PBX emulator CLI', () => {
  it('prints one ready line, logs frames with secrets redacted, exits 0 on SIGTERM', async () => {
    const cli = run(['--config', 'test/pbx/demo.json', '--port', '0', '--verbose']);
    const [, url] = await cli.until(/^myApps PBX emulator ready: (ws:\/\/127\.0\.0\.1:\d+\/PBX0\/APPCLIENT\/130000\/websocket)$/m);
    const ws = new WebSocket(url!);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ mt: 'Login', type: 'user', method: 'digest', username: 'alice', nonce: 'n', response: 'topsecretresponse' }));
    await cli.until(/LoginResult/);
    ws.close();
    expect(cli.out()).toContain('"response":"***"');
    expect(cli.out()).not.toContain('topsecretresponse');
    expect(cli.out().match(/ready:/g)).toHaveLength(1);
    cli.p.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('--tls serves wss and prints the certificate fingerprint', async () => {
    const cli = run(['--config', 'test/pbx/demo.json', '--tls']);
    await cli.until(/^myApps PBX emulator ready: wss:\/\//m);
    await cli.until(/^TLS certificate SHA-256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}$/m);
    cli.p.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('exits 2 with the validation errors on a bad config', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pbx-cli-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ domain: 'x', pbx: 'y', users: [{ sip: 's', password: 'p', apps: ['foo'] }], appObjects: [] }));
    const cli = run(['--config', file]);
    expect(await cli.exited).toBe(2);
    expect(cli.err()).toContain('users[0].apps[0]: unknown App Object "foo"');
    expect(cli.out()).toBe('');
  });
});
