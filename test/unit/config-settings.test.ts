import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AtomicWriteSteps, fileSystemSteps, writeFileAtomic } from '../../main/core/config/atomic-write.js';
import { ConfigService } from '../../main/core/config/config-service.js';
import { defaultUserSettings, emptySettingsFile } from '../../main/core/config/settings.js';

let dir: string;
let settings: string;
let noPolicy: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'config-settings-'));
  settings = join(dir, 'settings.json');
  noPolicy = join(dir, 'no-policy.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const now = () => Date.UTC(2025, 0, 2, 3, 4, 5, 6);
const stamp = '2025-01-02T03-04-05-006Z';
const open = (extra: Partial<Parameters<typeof ConfigService.open>[0]> = {}) => ConfigService.open({ dir, policyFile: noPolicy, now, ...extra });
const onDisk = async () => JSON.parse(await readFile(settings, 'utf8')) as unknown;
const files = async () => (await readdir(dir)).sort();
const account = { id: 'acc1', address: 'pbx.example.com', username: 'alice' };

describe('settings file', () => {
  it('starts on defaults on first start and writes nothing until something changes', async () => {
    const config = await open();
    expect(config.settingsFile).toEqual(emptySettingsFile());
    expect(config.userSettings).toEqual(defaultUserSettings);
    expect(config.problems).toEqual([]);
    expect(await files()).toEqual([]);
  });

  it('creates the config directory on first save', async () => {
    const nested = join(dir, 'a', 'b');
    const config = await ConfigService.open({ dir: nested, policyFile: noPolicy });
    expect((await config.updateSettings({ scheme: 'dark' })).ok).toBe(true);
    expect(await readdir(nested)).toEqual(['settings.json']);
  });

  it('round-trips accounts, settings, the active account and the home layout cache', async () => {
    const config = await open();
    expect(await config.saveAccount({ ...account, label: 'Office', trustedFingerprint: 'ab'.repeat(32) })).toMatchObject({ ok: true, saved: true });
    expect(await config.saveAccount({ id: 'acc2', address: 'https://pbx2.example.com/PBX0', username: 'bob' })).toMatchObject({ ok: true, saved: true });
    expect(await config.updateSettings({ language: 'de', scheme: 'dark', mutedApps: ['chat'], startMinimized: true })).toEqual({ ok: true, value: undefined, saved: true });
    const apps = [{ name: 'contacts', title: 'Contacts', url: 'https://apps.example.com/contacts', icon: 'https://apps.example.com/contacts.png' }, { name: 'site', title: 'Site', url: 'https://example.com', website: true, hidden: false, text: 'A site' }];
    expect((await config.cacheHomeLayout('acc2', { apps, selected: 'contacts' })).ok).toBe(true);
    expect((await config.setActiveAccount('acc2')).ok).toBe(true);
    expect((await config.setAppPermissions('softphone', { microphone: 'granted', camera: 'denied' })).ok).toBe(true);
    expect((await config.setAppPermissions('softphone', { camera: null })).ok).toBe(true);
    expect((await config.setAppPermissions('__proto__', { screen: 'denied' })).ok).toBe(true);

    const reopened = await open();
    expect(reopened.problems).toEqual([]);
    expect(reopened.settingsFile).toEqual(config.settingsFile);
    expect(reopened.settingsFile).toEqual({
      version: 1,
      accounts: [
        { ...account, label: 'Office', trustedFingerprint: 'AB:'.repeat(31) + 'AB' },
        { id: 'acc2', address: 'https://pbx2.example.com/PBX0', username: 'bob' },
      ],
      activeAccount: 'acc2',
      settings: { language: 'de', scheme: 'dark', mutedApps: ['chat'], startMinimized: true },
      homeLayoutCache: { acc2: { apps, selected: 'contacts', savedAt: now() } },
      appPermissions: { softphone: { microphone: 'granted' }, ['__proto__']: { screen: 'denied' } },
      pendingKeychainWipes: [],
      defaultProviders: {},
      shellState: {},
      popOutWindows: {},
    });
    expect(reopened.permissionLevels.user.get('__proto__')).toEqual({ screen: 'denied' });
    expect(reopened.effective.values).toMatchObject({ pbx: 'https://pbx2.example.com/PBX0', username: 'bob', language: 'de', scheme: 'dark', startMinimized: true });
  });

  it('writes the file readable by its owner only', async () => {
    const config = await open();
    await config.updateSettings({ scheme: 'dark' });
    expect((await stat(settings)).mode & 0o777).toBe(0o600);
  });
});

describe('atomic write', () => {
  const before = { version: 1, accounts: [], settings: { scheme: 'dark' }, homeLayoutCache: {}, appPermissions: {}, pendingKeychainWipes: [], defaultProviders: {}, shellState: {}, popOutWindows: {} };

  async function withPreviousFile() {
    const config = await open();
    await config.updateSettings({ scheme: 'dark' });
    expect(await onDisk()).toEqual(before);
    return readFile(settings, 'utf8');
  }

  const halfThenFail: AtomicWriteSteps = {
    ...fileSystemSteps,
    async write(file, data) {
      await file.write(data.subarray(0, data.length >> 1));
      throw Object.assign(new Error('No space left on device'), { code: 'ENOSPC' });
    },
  };

  it('a write that fails half-way leaves the previous file intact and no temp file', async () => {
    const previous = await withPreviousFile();
    const config = await open({ writeSteps: halfThenFail });
    const result = await config.updateSettings({ scheme: 'light', language: 'fr' });
    expect(result).toEqual({ ok: true, value: undefined, saved: false, reason: expect.stringContaining('could not be saved (ENOSPC)') });
    expect(config.userSettings.scheme).toBe('light'); // applies to this run
    expect(await readFile(settings, 'utf8')).toBe(previous);
    expect(await files()).toEqual(['settings.json']);
  });

  it('a failure just before the rename leaves the previous file intact and no temp file', async () => {
    const previous = await withPreviousFile();
    const config = await open({
      writeSteps: {
        ...fileSystemSteps,
        rename: async () => {
          throw Object.assign(new Error('busy'), { code: 'EBUSY' });
        },
      },
    });
    expect(await config.updateSettings({ scheme: 'light' })).toMatchObject({ ok: true, saved: false });
    expect(await readFile(settings, 'utf8')).toBe(previous);
    expect(await files()).toEqual(['settings.json']);
  });

  it('a crash mid-write (the process never returns) leaves the previous file; the next start removes the temp file', async () => {
    const previous = await withPreviousFile();
    let handle: FileHandle | undefined;
    const crashed = new Promise<void>((resolve) => {
      const steps: AtomicWriteSteps = {
        ...fileSystemSteps,
        async write(file, data) {
          handle = file;
          await file.write(data.subarray(0, data.length >> 1));
          resolve();
          await new Promise(() => {}); // the process died here
        },
      };
      void open({ writeSteps: steps }).then((c) => c.updateSettings({ scheme: 'light' }));
    });
    await crashed;
    const left = await files();
    expect(left).toHaveLength(2);
    expect(left[1]).toMatch(/^settings\.json\.tmp-[0-9a-f]+$/);

    const next = await open();
    expect(next.problems).toEqual([]);
    expect(next.settingsFile.settings).toEqual({ scheme: 'dark' });
    expect(await readFile(settings, 'utf8')).toBe(previous);
    expect(await files()).toEqual(['settings.json']);
    await handle?.close();
  });

  it('writeFileAtomic replaces the content and fsyncs without leaving anything behind', async () => {
    const path = join(dir, 'x.json');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, 'two');
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await files()).toEqual(['x.json']);
  });
});

describe('damaged files', () => {
  it('moves a corrupt file aside, reports it and runs on defaults', async () => {
    await writeFile(settings, '{"version":1,"accounts":[');
    const config = await open();
    expect(config.settingsFile).toEqual(emptySettingsFile());
    expect(config.problems).toEqual([
      {
        source: settings,
        reason: expect.stringMatching(new RegExp(`^The settings file is not valid JSON \\(.+\\)\\. It was kept as settings\\.json\\.corrupt-${stamp} and the app started with default settings\\.$`)),
        severity: 'error',
      },
    ]);
    expect(await files()).toEqual([`settings.json.corrupt-${stamp}`]);
    expect(await readFile(join(dir, `settings.json.corrupt-${stamp}`), 'utf8')).toBe('{"version":1,"accounts":[');
  });

  it.each([['[1,2]'], ['"text"'], ['{"version":"1"}'], ['{"version":-1}'], ['{"version":1.5}']])('treats %s as corrupt', async (text) => {
    await writeFile(settings, text);
    const config = await open();
    expect(config.settingsFile).toEqual(emptySettingsFile());
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]).toMatchObject({ source: settings, severity: 'error' });
    expect(await files()).toEqual([`settings.json.corrupt-${stamp}`]);
  });

  it('keeps the valid parts of a partly invalid file, reports each bad field and backs up the original', async () => {
    const original = JSON.stringify({
      version: 1,
      accounts: [account, { id: 'acc2', address: 'pbx2', username: 'bob', password: 'hunter2' }, { id: 'acc1', address: 'dup', username: 'dup' }, { id: 'bad id', address: 'x', username: 'y' }],
      activeAccount: 'acc9',
      settings: { language: 'de', scheme: 'blue', autostart: 'yes', mutedApps: ['chat', 3], theme: 'x' },
      homeLayoutCache: { acc1: { apps: [], selected: '', savedAt: 1 }, acc2: { apps: 'none' } },
      appPermissions: { phone: { microphone: 'granted', speaker: 'granted' }, chat: { camera: 'denied' } },
      extra: true,
    });
    await writeFile(settings, original);
    const config = await open();
    expect(config.settingsFile).toEqual({
      version: 1,
      accounts: [account],
      settings: { language: 'de', mutedApps: ['chat'] },
      homeLayoutCache: { acc1: { apps: [], selected: '', savedAt: 1 } },
      appPermissions: { chat: { camera: 'denied' } },
      pendingKeychainWipes: [],
      defaultProviders: {},
      shellState: {},
      popOutWindows: {},
    });
    const fieldProblems = config.problems.filter((p) => p.field !== undefined);
    expect(fieldProblems.map((p) => [p.field, p.reason])).toEqual([
      ['accounts[1].password', 'unknown key; accounts hold no passwords or other secrets (those live in the OS keychain only)'],
      ['accounts[2]', 'repeats "acc1" (ignored)'],
      ['accounts[3].id', 'expected an id of 1-64 letters, digits, "_" or "-"'],
      ['settings.scheme', 'expected one of "light", "dark", "system", got "blue"'],
      ['settings.autostart', 'expected boolean, got string'],
      ['settings.mutedApps[1]', 'expected string, got number'],
      ['settings.theme', 'unknown key (ignored)'],
      ['homeLayoutCache.acc2.apps', 'expected array, got string'],
      ['appPermissions.phone.speaker', 'unknown permission (expected microphone, camera or screen)'],
      ['extra', 'unknown key (ignored)'],
      ['activeAccount', 'names no saved account'],
    ]);
    expect(fieldProblems.every((p) => p.source === settings && p.severity === 'warning')).toBe(true);
    expect(config.problems.at(-1)).toEqual({ source: settings, reason: `Some settings were invalid and were reset to their defaults (each is listed); the original file was kept as settings.json.corrupt-${stamp}.`, severity: 'warning' });

    expect(await readFile(join(dir, `settings.json.corrupt-${stamp}`), 'utf8')).toBe(original);
    expect(await onDisk()).toEqual(config.settingsFile);
    expect(await readFile(settings, 'utf8')).not.toContain('hunter2');
    // Repaired once: the next start finds nothing to report.
    expect((await open()).problems).toEqual([]);
  });
});

describe('backups are readable by their owner only, like settings.json', () => {
  const modeOf = async (name: string) => (await stat(join(dir, name))).mode & 0o777;
  const partlyInvalid = JSON.stringify({ version: 1, accounts: [account], settings: { scheme: 'blue' } });

  // 0o600: what the app writes. 0o644: a file saved by an editor or a sync tool under the usual umask.
  it.each([['0600', 0o600], ['0644', 0o644]])('a partly invalid file of mode %s: the corrupt-* backup is 0600, as is the repaired file', async (_, mode) => {
    await writeFile(settings, partlyInvalid, { mode });
    await chmod(settings, mode);
    const config = await open();
    expect(config.problems.at(-1)?.reason).toContain(`kept as settings.json.corrupt-${stamp}`);
    expect(await modeOf(`settings.json.corrupt-${stamp}`)).toBe(0o600);
    expect(await modeOf('settings.json')).toBe(0o600);
  });

  it.each([['0600', 0o600], ['0644', 0o644]])('a corrupt file of mode %s: moved aside as a 0600 backup', async (_, mode) => {
    await writeFile(settings, '{"version":1,"accounts":[', { mode });
    await chmod(settings, mode);
    await open();
    expect(await files()).toEqual([`settings.json.corrupt-${stamp}`]);
    expect(await modeOf(`settings.json.corrupt-${stamp}`)).toBe(0o600);
  });

  it('the backup of an upgraded file (settings.json.v0) is 0600', async () => {
    await writeFile(settings, JSON.stringify({ pbx: 'pbx.example.com', user: 'alice' }), { mode: 0o644 });
    await chmod(settings, 0o644);
    await open();
    expect(await modeOf('settings.json.v0')).toBe(0o600);
  });
});

describe('saving on a read-only file system', () => {
  const run = promisify(execFile);
  const isRoot = process.getuid?.() === 0;

  /** Runs `test` on a read-only bind mount of a fresh directory (needs root), then unmounts; the reason when none can be made. */
  async function onReadOnlyMount(test: (path: string) => Promise<void>): Promise<string | undefined> {
    const source = join(dir, 'src');
    const path = join(dir, 'ro');
    await mkdir(source);
    await mkdir(path);
    try {
      await run('mount', ['-o', 'bind,ro', source, path]);
    } catch (e) {
      return `mount -o bind,ro failed: ${(e as Error).message.split('\n')[0]}`;
    }
    try {
      await test(path);
    } finally {
      await run('umount', [path]);
    }
    return undefined;
  }

  it('the injected write step fails with EROFS: the reason says EROFS and the change applies to this run', async () => {
    const erofs: AtomicWriteSteps = {
      ...fileSystemSteps,
      async write() {
        throw Object.assign(new Error('read-only file system'), { code: 'EROFS' });
      },
    };
    const config = await open({ writeSteps: erofs });
    expect(await config.updateSettings({ scheme: 'dark' })).toEqual({
      ok: true,
      value: undefined,
      saved: false,
      reason: 'the settings could not be saved (EROFS); this change applies to this run only',
    });
    expect(config.effective.values.scheme).toBe('dark');
  });

  it.skipIf(!isRoot)('for real (root: a read-only bind mount): the reason says EROFS, also for a config directory that does not exist yet', async (ctx) => {
    const skipped = await onReadOnlyMount(async (ro) => {
      for (const configDir of [ro, join(ro, 'myapps-desktop'), join(ro, 'a', 'b', 'myapps-desktop')]) {
        const config = await ConfigService.open({ dir: configDir, policyFile: noPolicy, now });
        const result = await config.updateSettings({ scheme: 'dark' });
        expect(result, configDir).toEqual({ ok: true, value: undefined, saved: false, reason: 'the settings could not be saved (EROFS); this change applies to this run only' });
        expect(config.effective.values.scheme).toBe('dark');
      }
    });
    if (skipped !== undefined) {
      console.warn(`skipped: ${skipped}`);
      ctx.skip();
    }
  });

  it.skipIf(isRoot)('for real (not root: a directory without write permission): a missing config directory reports EACCES, not ENOENT', async () => {
    const locked = join(dir, 'locked');
    await mkdir(locked, { mode: 0o500 });
    try {
      const config = await ConfigService.open({ dir: join(locked, 'a', 'myapps-desktop'), policyFile: noPolicy, now });
      expect(await config.updateSettings({ scheme: 'dark' })).toMatchObject({ ok: true, saved: false, reason: 'the settings could not be saved (EACCES); this change applies to this run only' });
    } finally {
      await chmod(locked, 0o700);
    }
  });
});

describe('versions', () => {
  it('migrates the version-0 prototype file, backs it up and saves version 1', async () => {
    const v0 = JSON.stringify({ pbx: 'pbx.example.com', user: 'alice', scheme: 'dark' });
    await writeFile(settings, v0);
    const config = await open();
    expect(config.problems).toEqual([]);
    const [migrated] = config.settingsFile.accounts;
    expect(migrated).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), address: 'pbx.example.com', username: 'alice' });
    expect(config.settingsFile).toEqual({ version: 1, accounts: [migrated], activeAccount: migrated!.id, settings: { scheme: 'dark' }, homeLayoutCache: {}, appPermissions: {}, pendingKeychainWipes: [], defaultProviders: {}, shellState: {}, popOutWindows: {} });
    expect(config.effective.values).toMatchObject({ pbx: 'pbx.example.com', username: 'alice', scheme: 'dark' });
    expect(await onDisk()).toEqual(config.settingsFile);
    expect(await readFile(join(dir, 'settings.json.v0'), 'utf8')).toBe(v0);
    // The id is stable from now on.
    expect((await open()).settingsFile.accounts[0]!.id).toBe(migrated!.id);
  });

  it('migrates a version-0 file without an account and reports what it could not carry over', async () => {
    await writeFile(settings, JSON.stringify({ pbx: 'pbx.example.com', scheme: 'purple' }));
    const config = await open();
    expect(config.settingsFile.accounts).toEqual([]);
    expect(config.problems.map((p) => p.field)).toEqual(['accounts[0].username', 'settings.scheme', 'activeAccount', undefined]);
  });

  it('leaves a file from a newer version untouched and runs on defaults in memory', async () => {
    const newer = JSON.stringify({ version: 2, accounts: [{ ...account, region: 'eu' }], settings: { scheme: 'dark', newThing: 1 } });
    await writeFile(settings, newer);
    const config = await open();
    expect(config.settingsFile).toEqual(emptySettingsFile());
    expect(config.problems).toEqual([{ source: settings, field: 'version', reason: expect.stringContaining('newer version of myApps Desktop (settings version 2; this version knows 1)'), severity: 'warning' }]);
    const result = await config.updateSettings({ scheme: 'light' });
    expect(result).toMatchObject({ ok: true, saved: false });
    expect(config.userSettings.scheme).toBe('light');
    expect(await config.saveAccount(account)).toMatchObject({ ok: true, saved: false });
    expect(await readFile(settings, 'utf8')).toBe(newer);
    expect(await files()).toEqual(['settings.json']);
  });
});

describe('no secrets', () => {
  it('refuses an account carrying a password or session secret', async () => {
    const config = await open();
    for (const secret of ['password', 'pwd', 'session', 'token']) {
      const result = await config.saveAccount({ ...account, [secret]: 'hunter2' } as typeof account);
      expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ field: `account.${secret}`, reason: expect.stringContaining('no passwords'), severity: 'error' })] });
    }
    expect(config.settingsFile.accounts).toEqual([]);
    expect(await files()).toEqual([]);
  });

  it('refuses a password among the settings', async () => {
    const config = await open();
    const result = await config.updateSettings({ password: 'hunter2' } as never);
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ field: 'settings.password', reason: 'is not a setting' })] });
    expect(await files()).toEqual([]);
  });
});

describe('updateSettings and the policy', () => {
  it('refuses a key locked by the enforced policy, says so, and applies nothing of that patch', async () => {
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ enforced: { developerMode: false }, defaults: { autostart: true } }));
    const config = await open({ policyFile });
    const result = await config.updateSettings({ developerMode: true, scheme: 'dark' });
    expect(result).toEqual({
      ok: false,
      errors: [{ source: settings, field: 'settings.developerMode', reason: `is enforced by the IT policy (${policyFile}) and cannot be changed`, severity: 'error' }],
    });
    expect(config.settingsFile.settings).toEqual({});
    expect(await files()).toEqual(['policy.json']);

    // A policy default is only a default: the user may change it.
    expect(await config.updateSettings({ autostart: false })).toMatchObject({ ok: true, saved: true });
    expect(config.effective.sources.autostart).toBe('user');
  });

  it('validates every value and refuses the whole patch on any error', async () => {
    const config = await open();
    const result = await config.updateSettings({ scheme: 'dark', language: 'german', mutedApps: ['ok', ''] } as never);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.errors.map((e) => e.field)).toEqual(['settings.language', 'settings.mutedApps[1]']);
    expect(config.settingsFile.settings).toEqual({});
  });

  it('null removes the user choice so the policy default applies again', async () => {
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ defaults: { updateChannel: 'beta' } }));
    const config = await open({ policyFile });
    await config.updateSettings({ updateChannel: 'stable' });
    expect(config.effective.values.updateChannel).toBe('stable');
    await config.updateSettings({ updateChannel: null });
    expect(config.effective.values.updateChannel).toBe('beta');
    expect(await onDisk()).toMatchObject({ settings: {} });
  });
});
