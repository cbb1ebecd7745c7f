/**
 * Security control 11, end to end: a full login → apps → app login → logout run with the real
 * configuration store, the real keychain and a debug-level log file, then every file the
 * client wrote and every keychain entry is searched for the user password, the session
 * password, the app session key and the digests.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openAccountSession } from '../../main/core/client/account-session.js';
import { fileLogger } from '../../main/core/common/log.js';
import { ConfigService } from '../../main/core/config/config-service.js';
import { KeytarCredentialStore } from '../../main/core/credentials/keytar-store.js';
import { ResilientCredentialStore } from '../../main/core/credentials/resilient-store.js';
import { PbxEmulator } from '../pbx/index.js';
import { keyringAvailable, testService } from '../support/keyring.js';
import { sessionTestConfig } from '../support/session-config.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

it.skipIf(!keyringAvailable)('after login and logout no file and no keychain entry holds a secret', async () => {
  const pbx = await PbxEmulator.start({ config: sessionTestConfig(), port: 0 });
  cleanups.push(() => pbx.stop());
  const dir = mkdtempSync(join(tmpdir(), 'myapps-secrets-'));
  const log = fileLogger(join(dir, 'logs', 'client.log'), 'debug');
  const config = await ConfigService.open({ dir, policyFile: join(dir, 'no-policy.json'), log });
  const saved = await config.saveAccount({ address: pbx.url, username: 'alice', label: 'Office' });
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  const service = testService();
  const keychain = new KeytarCredentialStore(service);
  const store = new ResilientCredentialStore(keychain, () => {
    throw new Error('the keychain should be available in this test');
  });
  cleanups.push(async () => {
    for (const a of await keychain.accounts()) await keychain.delete(a);
  });

  const session = openAccountSession(saved.value, { config, store, log });
  cleanups.push(() => session.close());
  const apps = session.next('apps');
  expect(await session.login({ username: 'alice', password: 'Secret123!' })).toMatchObject({ kind: 'logged-in' });
  await apps;
  const sessionPwd = pbx.userSessions('alice')[0]!.pwd;
  const entries = await keychain.accounts();
  expect(entries).toHaveLength(1);
  const entry = (await keychain.get(entries[0]!))!;
  expect(entry).toContain(sessionPwd); // the session secret is where it belongs…
  expect(entry).not.toContain('Secret123!'); // …and the user password is not
  const { result } = await session.appGetLogin('contacts', '4711');
  // The home-screen cache is written after each app list, asynchronously: on disk before the search.
  await config.settled();
  await session.logout();
  // Whatever the logout changed is on disk too; the settings holding the cache (below) are the
  // positive control that the search reads what was written.
  await config.settled();

  expect(await keychain.accounts()).toEqual([]);
  const secrets = ['Secret123!', sessionPwd, result.key!, result.digest!];
  const written = filesUnder(dir);
  expect(written.map((f) => f.slice(dir.length + 1)).sort()).toEqual(['logs/client.log', 'settings.json']);
  for (const file of written) {
    const text = readFileSync(file, 'utf8');
    for (const secret of secrets) expect(text.includes(secret), `${file} contains a secret`).toBe(false);
  }
  // The log is not empty: the test would be meaningless if nothing had been logged.
  const logText = readFileSync(join(dir, 'logs', 'client.log'), 'utf8');
  expect(logText).toContain('to PBX');
  expect(logText).toContain('AppGetLoginResult');
  // And the settings hold the account and the cached home screen, nothing more.
  const settings = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as { accounts: object[]; homeLayoutCache: Record<string, { apps: unknown[] }> };
  expect(settings.accounts).toHaveLength(1);
  expect(Object.values(settings.homeLayoutCache)[0]!.apps.length).toBeGreaterThan(0);
});
