/**
 * No keychain reachable (no D-Bus session bus): the user is told in plain words, the login
 * works for this run with the session kept in memory, and nothing is written to disk.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { PbxEmulator } from '../pbx/index.js';
import { sessionTestConfig } from '../support/session-config.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
let pbx: PbxEmulator | undefined;
afterEach(() => pbx?.stop());

it('without a Secret Service: clear notice, login works from memory, no file written', async () => {
  pbx = await PbxEmulator.start({ config: sessionTestConfig(), port: 0 });
  const home = mkdtempSync(join(tmpdir(), 'myapps-nokeychain-'));
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share'), DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(home, 'no-bus')}`, MYAPPS_TEST_PBX: pbx.url, MYAPPS_TEST_SERVICE: 'myapps-desktop-test-nokeychain' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/no-keychain-login.ts'], { cwd: root, env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((r) => child.on('close', r));
  expect(code, err).toBe(0);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines[0]).toMatchObject({ notice: expect.stringMatching(/keychain is not available.*password again/s) });
  expect(lines[1]).toEqual({ probe: false });
  expect(lines[2]).toEqual({ state: 'logged-in', storeKind: 'memory', stored: true });
  expect(lines[3]).toEqual({ again: 'logged-in' });
  expect(lines.filter((l) => 'notice' in l)).toHaveLength(1); // told once, not on every call
  expect(readdirSync(home)).toEqual([]); // no plaintext fallback file anywhere under HOME
});
