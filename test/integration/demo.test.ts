/** `npm run demo` as the README tells a newcomer to run it: it prints a PBX URL one can log in to. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { PbxSession } from '../../main/core/pbx/session.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

it('npm run demo starts the emulator and the browser shell and prints their URLs and the demo users', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/demo.ts'], { cwd: root, env: { ...process.env, MYAPPS_DEMO_PBX_PORT: '0', MYAPPS_DEMO_PORT: '0', MYAPPS_DEMO_APPS_PORT: '0' } });
  stops.push(() => child.kill('SIGTERM'));
  let out = '';
  const url = await new Promise<string>((done, fail) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /PBX emulator:\s+(ws:\/\/\S+)/.exec(out);
      if (m && out.includes('Ctrl+C')) done(m[1]!);
    });
    child.on('exit', (code) => fail(new Error(`demo exited with ${code}: ${out}`)));
  });
  expect(out).toMatch(/alice\s+Secret123!/);
  const shellUrl = /Open the client:\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out)?.[1];
  expect(shellUrl).toBeDefined();
  const page = await fetch(shellUrl!);
  expect([200, 503]).toContain(page.status); // 503 only when the renderer is not built
  const appsOrigin = /Sample apps:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
  expect((await fetch(`${appsOrigin}/apps/echo/echo.htm`)).status).toBe(200);
  const session = new PbxSession({ address: url });
  stops.push(() => session.close());
  expect(await session.login({ username: 'alice', password: 'Secret123!' })).toMatchObject({ kind: 'logged-in' });
});
