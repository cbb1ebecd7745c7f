/** Emulator config validation: every problem named by its path, all at once; the demo config is valid. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultGuid, loadEmulatorConfig, validateEmulatorConfig } from '../pbx/index.js';
import type { EmulatorConfig } from '../pbx/index.js';

const demoPath = fileURLToPath(new URL('../pbx/demo.json', import.meta.url));

function minimal(): Record<string, unknown> {
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'pw', apps: ['a~admin'] }],
    appObjects: [{ name: 'a', title: 'A', password: 'p', url: 'http://x/a/a', modes: ['admin'] }],
  };
}

function problems(raw: unknown): string[] {
  try {
    validateEmulatorConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('config was accepted');
}

describe('emulator config', () => {
  it('fills build and a deterministic guid, and leaves the input untouched', () => {
    const raw = minimal();
    const cfg = validateEmulatorConfig(raw);
    expect(cfg.build).toBe('130000');
    expect(cfg.users[0]!.guid).toBe(defaultGuid('example.com', 'alice'));
    expect(cfg.users[0]!.guid).toMatch(/^[0-9a-f]{32}$/);
    expect((raw.users as { guid?: string }[])[0]!.guid).toBeUndefined();
  });

  it('names each problem by its path and reports all of them together', () => {
    const raw = minimal();
    raw.extra = 1;
    raw.users = [
      { sip: 'alice', password: 'pw', apps: ['a'] },
      { sip: 'bob', password: 'pw', apps: ['a~nope'] },
      { sip: 'carol', password: 'pw', apps: ['foo'], guid: 'XYZ', redirect: { mod: 'PBX0' } },
      { sip: 'alice', apps: [], twoFactor: 'yes' },
    ];
    raw.appObjects = [
      { name: 'a', title: 'A', password: 'p', url: 'http://x/a/a', modes: ['admin'] },
      { name: 'b', title: 'B', url: 'http://x/b/b.htm', wake: ['sms'], badge: -1, colour: 'red' },
    ];
    raw.options = { legacyUpdateApps: 'no' };
    expect(problems(raw)).toEqual([
      'config: unknown key "extra" (allowed: domain, pbx, build, users, appObjects, options, oauth2, userDigest)',
      'appObjects[1]: unknown key "colour" (allowed: name, title, description, password, url, icon, modes, hidden, website, websocket, apis, presence, wake, badge, unlicensed)',
      'appObjects[1].url: must not end with ".htm" (the client appends it)',
      'appObjects[1].wake[0]: must be "phone" or "chat", got "sms"',
      'appObjects[1].badge: must be a non-negative integer',
      'users[1].apps[0]: App Object "a" has no mode "nope" (modes: admin)',
      'users[2].guid: must be 32 lowercase hex characters',
      'users[2].apps[0]: unknown App Object "foo"',
      'users[2].redirect.host: required string',
      'users[3].password: required string',
      'users[3].twoFactor: must be true or false',
      'users[3].sip: duplicate user "alice"',
      'options.legacyUpdateApps: must be true or false',
    ]);
  });

  it('rejects wrong top-level shapes and clashing names', () => {
    expect(problems(null)).toEqual(['config: must be an object']);
    expect(problems({ domain: '', users: {}, appObjects: 'x' })).toEqual([
      'config.domain: required string',
      'config.pbx: required string',
      'appObjects: must be an array',
      'users: must be an array',
    ]);
    const raw = minimal();
    raw.users = [{ sip: 'a', password: 'pw', apps: [] }];
    expect(problems(raw)).toEqual(['users[0].sip: "a" is also an App Object name']);
  });

  it('error message lists the source and every problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pbx-config-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ domain: 'x', pbx: 'y', users: [{ sip: 's', password: 'p', apps: ['foo'] }], appObjects: [] }));
    expect(() => loadEmulatorConfig(file)).toThrow(`Invalid PBX emulator config ${file}:\n  users[0].apps[0]: unknown App Object "foo"`);
    writeFileSync(file, '{ nope');
    expect(() => loadEmulatorConfig(file)).toThrow(/not valid JSON/);
    expect(() => loadEmulatorConfig(join(dir, 'missing.json'))).toThrow(/cannot read file/);
  });

  it('demo.json is valid and exercises every App Object flag', () => {
    const demo: EmulatorConfig = loadEmulatorConfig(demoPath);
    const apps = demo.appObjects;
    expect(demo.domain).toBe('example.com');
    expect(apps.some((a) => a.hidden && a.apis?.['com.innovaphone.search'])).toBe(true);
    expect(apps.some((a) => a.wake?.includes('phone') && a.apis?.['com.innovaphone.phone'])).toBe(true);
    for (const flag of ['website', 'websocket', 'presence', 'unlicensed'] as const) expect(apps.some((a) => a[flag])).toBe(true);
    expect(apps.some((a) => a.modes?.length)).toBe(true);
    expect(apps.some((a) => a.icon)).toBe(true);
    expect(apps.some((a) => (a.badge ?? 0) > 0)).toBe(true);
    expect(apps.some((a) => !/^https?:/.test(a.url))).toBe(true);
    expect(demo.users.some((u) => u.twoFactor)).toBe(true);
    expect(demo.users.some((u) => u.apps.some((g) => g.includes('~')))).toBe(true);
  });
});
