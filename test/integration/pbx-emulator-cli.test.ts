/** `npm run pbx` as a process: ready line, redacted verbose log, clean signal exit, exit 2 on bad config. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { killClis, runCli } from '../support/cli-process.js';

const run = (args: string[]) => runCli('test/pbx/cli.ts', args);

afterEach(killClis);

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

  it('--oauth2 starts an identity provider, configures the PBX for it and prints its URL', async () => {
    const cli = run(['--config', 'test/pbx/demo.json', '--oauth2']);
    const [, url] = await cli.until(/^myApps PBX emulator ready: (ws:\/\/\S+)$/m);
    const [, issuer] = await cli.until(/^OAuth2 identity provider: (http:\/\/127\.0\.0\.1:\d+) /m);
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(issuer);
    const ws = new WebSocket(url!);
    await new Promise((r) => ws.once('open', r));
    const info = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
    ws.send(JSON.stringify({ mt: 'LoginInfo' }));
    expect(JSON.parse(await info)).toMatchObject({ user: { oauth2: true, oauth2Name: 'Single sign-on' } });
    ws.close();
    cli.p.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('--oauth2 with --tls exits 2: the identity provider accepts only http:// loopback callbacks', async () => {
    const cli = run(['--config', 'test/pbx/demo.json', '--oauth2', '--tls']);
    expect(await cli.exited).toBe(2);
    expect(cli.err()).toContain('--oauth2 needs the emulator without --tls');
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
