import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogLevel } from '../../main/core/common/log.js';
import { parseCommandLine } from '../../main/core/config/command-line.js';
import { ConfigService } from '../../main/core/config/config-service.js';
import { appAllowed, appDevToolsAllowed, usernameAllowed } from '../../main/core/config/effective.js';

let dir: string;
let policyFile: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'config-service-'));
  policyFile = join(dir, 'policy.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = (extra: Partial<Parameters<typeof ConfigService.open>[0]> = {}) => ConfigService.open({ dir, policyFile, ...extra });
const writePolicy = (policy: unknown) => writeFile(policyFile, JSON.stringify(policy));
const onDisk = async () => JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as { accounts: unknown[]; settings: Record<string, unknown> };

describe('ConfigService accounts', () => {
  it('gives a new account an id and makes the first one active', async () => {
    const config = await open();
    const first = await config.saveAccount({ address: 'pbx.example.com', username: 'alice' });
    const second = await config.saveAccount({ address: 'pbx2.example.com', username: 'bob' });
    expect(first.ok && second.ok).toBe(true);
    const id = first.ok ? first.value.id : '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(config.settingsFile.activeAccount).toBe(id);
    expect(config.activeAccount).toEqual({ id, address: 'pbx.example.com', username: 'alice' });
  });

  it('replaces an account with the same id', async () => {
    const config = await open();
    await config.saveAccount({ id: 'a', address: 'pbx.example.com', username: 'alice' });
    await config.saveAccount({ id: 'a', address: 'pbx.example.com', username: 'alice2', label: 'Office' });
    expect(config.settingsFile.accounts).toEqual([{ id: 'a', address: 'pbx.example.com', username: 'alice2', label: 'Office' }]);
  });

  it('validates addresses, names and fingerprints', async () => {
    const config = await open();
    const result = await config.saveAccount({ id: '../a', address: 'ftp://pbx', username: 'al\u0000ice', trustedFingerprint: 'xyz' });
    expect(result.ok).toBe(false);
    // The schema stops at the first bad member; each is refused.
    expect(result.ok === false && result.errors[0]).toMatchObject({ field: 'account.id', severity: 'error' });
    for (const bad of [{ address: 'ftp://pbx' }, { username: '' }, { username: 'a\u202eb' }, { trustedFingerprint: 'xyz' }, { label: '' }]) {
      expect((await config.saveAccount({ id: 'a', address: 'pbx', username: 'alice', ...bad })).ok).toBe(false);
    }
    expect(config.settingsFile.accounts).toEqual([]);
  });

  it('refuses an address other than the enforced PBX, comparing what the client would connect to', async () => {
    await writePolicy({ enforced: { pbx: 'pbx.example.com' } });
    const config = await open();
    const refused = await config.saveAccount({ address: 'evil.example.com', username: 'alice' });
    expect(refused).toEqual({ ok: false, errors: [expect.objectContaining({ field: 'account.address', reason: `the IT policy (${policyFile}) requires the PBX "pbx.example.com"` })] });
    expect((await config.saveAccount({ address: 'https://PBX.example.com/PBX0', username: 'alice' })).ok).toBe(true);
  });

  it('refuses a user name that does not match the enforced pattern, and accepts one that does', async () => {
    await writePolicy({ enforced: { usernamePattern: '[a-z]+\\.[a-z]+' } });
    const config = await open();
    const refused = await config.saveAccount({ address: 'pbx', username: 'alice' });
    expect(refused).toEqual({ ok: false, errors: [expect.objectContaining({ field: 'account.username', reason: expect.stringContaining('does not match the user name pattern') })] });
    expect((await config.saveAccount({ address: 'pbx', username: 'alice.smith' })).ok).toBe(true);
  });

  it('only an enforced pattern refuses; a default pattern is advice', async () => {
    await writePolicy({ defaults: { usernamePattern: '[a-z]+\\.[a-z]+' } });
    const config = await open();
    expect((await config.saveAccount({ address: 'pbx', username: 'alice' })).ok).toBe(true);
  });

  it('removes an account with its home layout and active mark', async () => {
    const config = await open();
    await config.saveAccount({ id: 'a', address: 'pbx', username: 'alice' });
    await config.saveAccount({ id: 'b', address: 'pbx', username: 'bob' });
    await config.cacheHomeLayout('a', { apps: [], selected: '' });
    await config.cacheHomeLayout('b', { apps: [], selected: '' });
    expect((await config.removeAccount('a')).ok).toBe(true);
    expect(config.settingsFile.accounts.map((a) => a.id)).toEqual(['b']);
    expect(config.settingsFile.activeAccount).toBeUndefined();
    expect(Object.keys(config.settingsFile.homeLayoutCache)).toEqual(['b']);
    expect(config.effective.sources.username).toBe('built-in');
    expect(await onDisk()).toEqual(config.settingsFile);
  });

  it('refuses unknown account ids and invalid layouts', async () => {
    const config = await open();
    expect((await config.removeAccount('x')).ok).toBe(false);
    expect((await config.setActiveAccount('x')).ok).toBe(false);
    expect((await config.cacheHomeLayout('x', { apps: [], selected: '' })).ok).toBe(false);
    await config.saveAccount({ id: 'a', address: 'pbx', username: 'alice' });
    const bad = await config.cacheHomeLayout('a', { apps: [{ name: 'x', title: 'X', url: 'u', secret: 'k' }], selected: '' } as never);
    expect(bad).toEqual({ ok: false, errors: [expect.objectContaining({ field: 'homeLayoutCache.a.apps[0].secret', reason: 'unknown key' })] });
  });
});

describe('ConfigService as a whole', () => {
  it('collects the problems of policy, settings and command line, and logs them', async () => {
    await writeFile(policyFile, '{"enforced":{"autostart":"yes"}}');
    await writeFile(join(dir, 'settings.json'), 'garbage');
    const logged: [LogLevel, string, Record<string, unknown> | undefined][] = [];
    const config = await open({ commandLine: parseCommandLine(['--bogus', '--no-sandbox']), log: (level, message, fields) => logged.push([level, message, fields]) });
    expect(config.problems.map((p) => [p.source, p.field, p.severity])).toEqual([
      [policyFile, 'enforced.autostart', 'error'],
      [join(dir, 'settings.json'), undefined, 'error'],
      ['command line', undefined, 'warning'],
    ]);
    expect(logged.map(([level, message]) => [level, message])).toEqual([
      ['error', 'configuration problem'],
      ['error', 'configuration problem'],
      ['warn', 'configuration problem'],
      ['debug', 'runtime switch on the command line ignored'],
    ]);
  });

  it('applies the command line for this run without saving it', async () => {
    const config = await open({ commandLine: parseCommandLine(['--pbx', 'cli.example.com', '--user', 'carol', '--minimized', '--developer-mode']) });
    await config.saveAccount({ id: 'a', address: 'pbx.example.com', username: 'alice' });
    expect(config.effective.values).toMatchObject({ pbx: 'cli.example.com', username: 'carol', startMinimized: true, developerMode: true });
    expect(await onDisk()).toMatchObject({ accounts: [{ address: 'pbx.example.com', username: 'alice' }], settings: {} });
  });

  it('reads the policy named by --policy when no policy file is given', async () => {
    await writePolicy({ enforced: { updateChannel: 'beta' } });
    const config = await ConfigService.open({ dir, commandLine: parseCommandLine(['--policy', policyFile]) });
    expect(config.effective.sources.updateChannel).toBe('enforced');
  });

  it('emits changed with the new effective values', async () => {
    const config = await open();
    const next = config.next('changed');
    await config.updateSettings({ scheme: 'dark' });
    const { effective, settingsFile } = await next;
    expect(effective.values.scheme).toBe('dark');
    expect(settingsFile.settings).toEqual({ scheme: 'dark' });
  });

  it('saves changes in order: the last change is what is on disk', async () => {
    const config = await open();
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => config.updateSettings({ mutedApps: [name] })));
    expect(results.every((r) => r.ok && r.saved)).toBe(true);
    expect((await onDisk()).settings).toEqual({ mutedApps: ['e'] });
  });
});

describe('ConfigService: an IT policy that cannot be read fails closed', () => {
  const truncated = '{"enforced":{"developerMode":false,"blockedApps":["games"],"usernamePattern":"[a-z]+\\\\.[a-z]+","appDevTools":fal';

  it('at start: developer mode and app DevTools stay off whatever the command line and the user say, and cannot be changed', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ version: 1, accounts: [], settings: { developerMode: true, appDevTools: true }, homeLayoutCache: {}, appPermissions: {} }));
    await writeFile(policyFile, truncated);
    const config = await open({ commandLine: parseCommandLine(['--developer-mode']) });
    expect(config.effective.values).toMatchObject({ developerMode: false, appDevTools: false, certificateFingerprints: [], appsBlockedByPolicyError: true, usernamesBlockedByPolicyError: true });
    expect(appDevToolsAllowed(config.effective)).toBe(false);
    expect(config.problems.filter((p) => p.field?.startsWith('enforced.')).map((p) => [p.field, p.severity])).toEqual(
      ['developerMode', 'appDevTools', 'certificateFingerprints', 'usernamePattern', 'allowedApps', 'blockedApps'].map((k) => [`enforced.${k}`, 'error']),
    );
    for (const key of ['developerMode', 'appDevTools'] as const) {
      const refused = await config.updateSettings({ [key]: true });
      expect(refused).toEqual({ ok: false, errors: [{ source: join(dir, 'settings.json'), field: `settings.${key}`, reason: `is locked: the IT policy (${policyFile}) could not be read for it, so it keeps its safe value until IT fixes the policy`, severity: 'error' }] });
    }
    expect(config.effective.values.developerMode).toBe(false);
    // Settings the policy does not touch still change.
    expect(await config.updateSettings({ scheme: 'dark' })).toMatchObject({ ok: true, saved: true });
  });

  it('refuses every account while the enforced user-name pattern cannot be read, naming the IT policy', async () => {
    await writeFile(policyFile, JSON.stringify({ enforced: { usernamePattern: ['[a-z]+'] } }));
    const config = await open();
    expect(usernameAllowed('alice', config.effective)).toBe(false);
    const refused = await config.saveAccount({ address: 'pbx.example.com', username: 'alice' });
    expect(refused).toEqual({
      ok: false,
      errors: [expect.objectContaining({ field: 'account.username', reason: `no user name may log in: the user name pattern of the IT policy (${policyFile}) could not be read; ask your IT department to fix the policy` })],
    });
    expect(config.usernameRefusal('alice')).toBe(`no user name may log in: the user name pattern of the IT policy (${policyFile}) could not be read; ask your IT department to fix the policy`);
    expect(config.settingsFile.accounts).toEqual([]);
  });

  it('applies the same rules when the policy is read again while the client runs, and lifts them once it is fixed', async () => {
    await writePolicy({ enforced: { blockedApps: ['games'], developerMode: true } });
    const config = await open();
    expect([appAllowed('contacts', config.effective), appAllowed('games', config.effective), config.effective.values.developerMode]).toEqual([true, false, true]);

    // IT's tool writes the file in place and the client reads it half-written.
    await writeFile(policyFile, truncated);
    const reloaded = config.next('policyReloaded');
    const changed = config.next('changed');
    await config.reloadPolicy();
    const problems = await reloaded;
    expect(problems.filter((p) => p.field !== undefined).map((p) => p.reason)).toEqual(expect.arrayContaining(['the IT policy file could not be read — no app may run until the IT policy is fixed']));
    const { effective } = await changed;
    expect([appAllowed('contacts', effective), effective.values.developerMode, usernameAllowed('alice', effective)]).toEqual([false, false, false]);
    expect((await config.updateSettings({ developerMode: true })).ok).toBe(false);

    // A type error in one security key on the next read: only that key fails closed.
    await writePolicy({ enforced: { blockedApps: 'games', developerMode: true } });
    await config.reloadPolicy();
    expect([appAllowed('contacts', config.effective), config.effective.values.developerMode, usernameAllowed('alice', config.effective)]).toEqual([false, true, true]);

    await writePolicy({ enforced: { blockedApps: ['games'] } });
    await config.reloadPolicy();
    expect([appAllowed('contacts', config.effective), appAllowed('games', config.effective), config.effective.locked.has('developerMode')]).toEqual([true, false, false]);
    expect((await config.updateSettings({ developerMode: true })).ok).toBe(true);
  });

  it('watchPolicy picks up a policy file that turns unreadable', async () => {
    await writePolicy({ enforced: { developerMode: true } });
    const config = await open();
    const reloaded = config.next('policyReloaded');
    const stop = config.watchPolicy(10);
    try {
      await writeFile(policyFile, '{"enforced":{"developerMode":tr');
      const problems = await reloaded;
      expect(problems[0]?.reason).toMatch(/^The IT policy file is not valid JSON/);
      expect([config.effective.values.developerMode, config.effective.locked.has('developerMode')]).toEqual([false, true]);
    } finally {
      stop();
    }
  });
});
