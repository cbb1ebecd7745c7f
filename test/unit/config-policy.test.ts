import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Effective, appAllowed, appDevToolsAllowed, builtInDefaults, resolveEffective, usernameAllowed } from '../../main/core/config/effective.js';
import { type Policy, emptyPolicy, loadPolicy } from '../../main/core/config/policy.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'config-policy-'));
  file = join(dir, 'policy.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (content: unknown) => writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
const fp = 'ab'.repeat(32);
const fpDisplay = 'AB:'.repeat(31) + 'AB';

/** The security-relevant keys, in the order their fail-closed problems are listed. */
const securityKeys = ['developerMode', 'appDevTools', 'certificateFingerprints', 'usernamePattern', 'allowedApps', 'blockedApps'] as const;
type SecurityKey = (typeof securityKeys)[number];
const effects: Record<SecurityKey, string> = {
  developerMode: 'developer mode is off (locked) until the IT policy is fixed',
  appDevTools: 'app DevTools are off (locked) until the IT policy is fixed',
  certificateFingerprints: 'no certificate is trusted by the IT policy until it is fixed',
  usernamePattern: 'no user name may log in until the IT policy is fixed',
  allowedApps: 'no app may run until the IT policy is fixed',
  blockedApps: 'no app may run until the IT policy is fixed',
};
const lockedDown: Policy = { defaults: {}, enforced: {}, failedClosed: [...securityKeys] };
const failedClosed = (why: string) => securityKeys.map((k) => ({ source: file, field: `enforced.${k}`, reason: `${why} — ${effects[k]}`, severity: 'error' }));

/**
 * Resolves `policy` with every lower level asking for the open value: the command line and the
 * user turn developer mode and app DevTools on, the policy defaults trust a certificate and
 * allow every app and user name. What wins shows whether the policy failed closed.
 */
function resolveOpen(policy: Policy): Effective {
  const open = { certificateFingerprints: [fpDisplay], allowedApps: [], blockedApps: [], usernamePattern: '.*' };
  return resolveEffective({
    builtIn: builtInDefaults,
    policy: { ...policy, defaults: { ...open, ...policy.defaults } },
    commandLine: { developerMode: true },
    user: { settings: { developerMode: true, appDevTools: true }, account: { id: 'a', address: 'pbx.example.com', username: 'alice' } },
  });
}

function expectLockedDown(effective: Effective): void {
  expect(effective.values).toMatchObject({ developerMode: false, appDevTools: false, certificateFingerprints: [], appsBlockedByPolicyError: true, usernamesBlockedByPolicyError: true });
  for (const key of securityKeys) {
    expect(effective.locked.has(key), key).toBe(true);
    expect(effective.sources[key], key).toBe('enforced');
  }
  expect(appDevToolsAllowed(effective)).toBe(false);
  for (const app of ['contacts', 'games', '__proto__', 'constructor']) expect(appAllowed(app, effective), app).toBe(false);
  for (const name of ['alice', 'jane.doe', '']) expect(usernameAllowed(name, effective), name).toBe(false);
}

describe('loadPolicy', () => {
  it('treats a missing file as "no policy" without a problem', async () => {
    expect(await loadPolicy(join(dir, 'none.json'))).toEqual({ policy: emptyPolicy, problems: [] });
  });

  it('reads a complete valid policy', async () => {
    const section = {
      pbx: 'pbx.example.com',
      usernamePattern: '[a-z]+\\.[a-z]+',
      developerMode: false,
      appDevTools: false,
      autostart: true,
      updateChannel: 'beta',
      allowedApps: ['contacts', 'phone'],
      blockedApps: ['games'],
      certificateFingerprints: [fp],
    };
    await write({ defaults: { autostart: true }, enforced: section });
    const { policy, problems } = await loadPolicy(file);
    expect(problems).toEqual([]);
    expect(policy.defaults).toEqual({ autostart: true });
    expect(policy.enforced).toEqual({ ...section, certificateFingerprints: [fpDisplay] });
  });

  it('accepts a UTF-8 byte-order mark (Windows editors write one)', async () => {
    await write('\uFEFF{"enforced":{"autostart":true}}');
    expect(await loadPolicy(file)).toEqual({ policy: { defaults: {}, enforced: { autostart: true } }, problems: [] });
  });

  it('fails closed on a corrupt file: every security key gets its safe value, locked; the rest does not apply', async () => {
    await write('{ "enforced": { "autostart": true, "developerMode": false, "blockedApps": ["games"], ');
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual(lockedDown);
    expect(problems).toEqual([
      { source: file, reason: expect.stringMatching(/^The IT policy file is not valid JSON \(.+\); its security settings fail closed \(each is listed\) and its other settings do not apply\.$/), severity: 'error' },
      ...failedClosed('the IT policy file could not be read'),
    ]);
    expectLockedDown(resolveOpen(policy));
    expect(resolveOpen(policy).values.autostart).toBe(false); // a non-security key simply does not apply
  });

  it.each([['[]'], ['"x"'], ['null'], ['42']])('fails closed on a file that holds %s instead of an object', async (text) => {
    await write(text);
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual(lockedDown);
    expect(problems).toEqual([
      { source: file, reason: 'The IT policy file must hold a JSON object with "defaults" and/or "enforced"; its security settings fail closed (each is listed) and its other settings do not apply.', severity: 'error' },
      ...failedClosed('the IT policy file could not be read'),
    ]);
    expectLockedDown(resolveOpen(policy));
  });

  it('fails closed on a file that cannot be read', async () => {
    await mkdir(file);
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual(lockedDown);
    expect(problems).toEqual([
      { source: file, reason: 'The IT policy file cannot be read (EISDIR); its security settings fail closed (each is listed) and its other settings do not apply.', severity: 'error' },
      ...failedClosed('the IT policy file could not be read'),
    ]);
    expectLockedDown(resolveOpen(policy));
  });

  it('applies the valid parts of a partly invalid file and names file, field and reason of each bad one', async () => {
    await write({
      defaults: { pbx: 'pbx example', autostart: true, updateChannel: 'nightly' },
      enforced: {
        autostart: 'yes',
        developerMode: false,
        appDevTools: 0,
        blockedApps: ['games', 17, '', 'chat'],
        allowedApps: 'contacts',
        certificateFingerprints: [fp, 'not-a-fingerprint'],
        pbx: 'pbx.example.com',
      },
    });
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual({
      defaults: { autostart: true },
      enforced: { developerMode: false, blockedApps: ['games', 'chat'], certificateFingerprints: [fpDisplay], pbx: 'pbx.example.com' },
      // Security keys with an unreadable value fail closed; a non-security key (autostart) is just skipped.
      failedClosed: ['appDevTools', 'allowedApps'],
    });
    expect(problems).toEqual([
      { source: file, field: 'defaults.pbx', reason: 'PBX address "pbx example" contains spaces', severity: 'error' },
      { source: file, field: 'defaults.updateChannel', reason: 'expected one of "stable", "beta", got "nightly"', severity: 'error' },
      { source: file, field: 'enforced.autostart', reason: 'expected boolean, got string', severity: 'error' },
      { source: file, field: 'enforced.appDevTools', reason: 'expected boolean, got number — app DevTools are off (locked) until the IT policy is fixed', severity: 'error' },
      { source: file, field: 'enforced.blockedApps[1]', reason: 'expected string, got number', severity: 'error' },
      { source: file, field: 'enforced.blockedApps[2]', reason: 'must not be empty', severity: 'error' },
      { source: file, field: 'enforced.allowedApps', reason: 'expected array, got string — no app may run until the IT policy is fixed', severity: 'error' },
      { source: file, field: 'enforced.certificateFingerprints[1]', reason: 'expected a SHA-256 fingerprint (64 hex digits, colons optional)', severity: 'error' },
    ]);
  });

  it('reports a section that is not an object and keeps the other', async () => {
    await write({ defaults: ['autostart'], enforced: { autostart: false } });
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual({ defaults: {}, enforced: { autostart: false } });
    expect(problems).toEqual([{ source: file, field: 'defaults', reason: 'expected object, got array', severity: 'error' }]);
  });

  it.each([
    ['[a-', /^is not a valid regular expression \(.+\) — no user name may log in until the IT policy is fixed$/],
    ['(', /is not a valid regular expression/],
    // Valid once wrapped as ^(?:a)|(b)$, but not on its own: it would silently mean something else.
    ['a)|(b', /is not a valid regular expression/],
    ['\\p{Nope}', /is not a valid regular expression/],
  ])('refuses the enforced user-name pattern %j, and then no user name may log in', async (pattern, reason) => {
    await write({ enforced: { usernamePattern: pattern, autostart: false } });
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual({ defaults: {}, enforced: { autostart: false }, failedClosed: ['usernamePattern'] });
    expect(problems).toEqual([{ source: file, field: 'enforced.usernamePattern', reason: expect.stringMatching(reason), severity: 'error' }]);
    expect(usernameAllowed('alice', resolveOpen(policy))).toBe(false);
  });

  it('reports unknown keys and ignores them, at the top and inside sections', async () => {
    await write({ pbx: 'pbx.example.com', enforced: { autoStart: true, autostart: false, password: 'x' }, default: {} });
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual({ defaults: {}, enforced: { autostart: false } });
    expect(problems).toEqual([
      { source: file, field: 'pbx', reason: 'unknown key (ignored); policy keys go inside "defaults" or "enforced"', severity: 'error' },
      { source: file, field: 'enforced.autoStart', reason: 'unknown key (ignored)', severity: 'error' },
      { source: file, field: 'enforced.password', reason: 'unknown key (ignored)', severity: 'error' },
      { source: file, field: 'default', reason: 'unknown key (ignored); policy keys go inside "defaults" or "enforced"', severity: 'error' },
    ]);
  });

  it('does not take keys from the object prototype', async () => {
    await write('{"enforced":{"constructor":true,"__proto__":{"autostart":true}}}');
    const { policy, problems } = await loadPolicy(file);
    expect(policy.enforced).toEqual({});
    expect(problems.map((p) => p.field)).toEqual(['enforced.constructor', 'enforced.__proto__']);
  });

  it('feeds the precedence: defaults preset, enforced locks', async () => {
    await write({ defaults: { autostart: true, updateChannel: 'beta' }, enforced: { developerMode: false, blockedApps: ['games'] } });
    const { policy } = await loadPolicy(file);
    const effective = resolveEffective({ builtIn: builtInDefaults, policy, commandLine: { developerMode: true }, user: { settings: { updateChannel: 'stable' } } });
    expect(effective.values).toMatchObject({ autostart: true, updateChannel: 'stable', developerMode: false, blockedApps: ['games'] });
    expect(effective.sources).toMatchObject({ autostart: 'policy-default', updateChannel: 'user', developerMode: 'enforced' });
    expect([...effective.locked].sort()).toEqual(['blockedApps', 'developerMode']);
  });

  it('language: enforced locks the language of the UI and the apps over the user\'s choice, a default presets it; no language code is reported', async () => {
    await write({ defaults: { language: 'fr' }, enforced: { language: 'de' } });
    const locked = resolveEffective({ builtIn: builtInDefaults, policy: (await loadPolicy(file)).policy, commandLine: {}, user: { settings: { language: 'it' } } });
    expect(locked.values.language).toBe('de');
    expect(locked.locked.has('language')).toBe(true);
    await write({ defaults: { language: 'fr' }, enforced: { language: 'German' } });
    const { policy, problems } = await loadPolicy(file);
    expect(problems).toEqual([{ source: file, field: 'enforced.language', reason: 'expected "auto" or a two-letter language code', severity: 'error' }]);
    const preset = (settings: { language?: string }) => resolveEffective({ builtIn: builtInDefaults, policy, commandLine: {}, user: { settings } });
    expect(preset({}).values.language).toBe('fr');
    expect(preset({ language: 'it' }).values.language).toBe('it');
    expect(preset({}).locked.has('language')).toBe(false);
  });
});

describe('loadPolicy: security keys fail closed', () => {
  it('enforced.blockedApps: "games" (a string, not a list): no app may run, the rest of the policy applies', async () => {
    await write({ enforced: { blockedApps: 'games', autostart: true, developerMode: true } });
    const { policy, problems } = await loadPolicy(file);
    expect(problems).toEqual([{ source: file, field: 'enforced.blockedApps', reason: 'expected array, got string — no app may run until the IT policy is fixed', severity: 'error' }]);
    expect(policy).toEqual({ defaults: {}, enforced: { autostart: true, developerMode: true }, failedClosed: ['blockedApps'] });
    const effective = resolveOpen(policy);
    expect(effective.values).toMatchObject({ autostart: true, developerMode: true, blockedApps: [], appsBlockedByPolicyError: true, usernamesBlockedByPolicyError: false });
    expect(effective.locked.has('blockedApps')).toBe(true);
    for (const app of ['contacts', 'games', '__proto__']) expect(appAllowed(app, effective), app).toBe(false);
    expect(usernameAllowed('alice', effective)).toBe(true);
  });

  const fingerprintString = fpDisplay;
  it.each<[SecurityKey, unknown, (e: Effective) => void]>([
    ['developerMode', 'no', (e) => expect([e.values.developerMode, appDevToolsAllowed(e)]).toEqual([false, false])],
    ['appDevTools', 0, (e) => expect([e.values.appDevTools, appDevToolsAllowed(e)]).toEqual([false, false])],
    ['certificateFingerprints', fingerprintString, (e) => expect(e.values.certificateFingerprints).toEqual([])],
    ['usernamePattern', ['[a-z]+'], (e) => expect([usernameAllowed('alice', e), e.values.usernamesBlockedByPolicyError, e.values.usernamePattern]).toEqual([false, true, undefined])],
    ['allowedApps', { contacts: true }, (e) => expect([appAllowed('contacts', e), e.values.appsBlockedByPolicyError]).toEqual([false, true])],
    ['blockedApps', null, (e) => expect([appAllowed('contacts', e), e.values.appsBlockedByPolicyError]).toEqual([false, true])],
  ])('enforced.%s with an invalid value fails closed, locked, and says what applies instead', async (key, value, check) => {
    await write({ enforced: { [key]: value } });
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual({ defaults: {}, enforced: {}, failedClosed: [key] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toEqual({ source: file, field: `enforced.${key}`, reason: expect.stringMatching(new RegExp(` — ${effects[key].replace(/[()]/g, '\\$&')}$`)), severity: 'error' });
    const effective = resolveOpen(policy);
    expect(effective.locked.has(key)).toBe(true);
    expect(effective.sources[key]).toBe('enforced');
    check(effective);
    // Only that key: the others still follow the lower levels.
    for (const other of securityKeys.filter((k) => k !== key)) expect(effective.locked.has(other), other).toBe(false);
  });

  it('an "enforced" section that is not an object fails every security key closed', async () => {
    await write({ defaults: { autostart: true }, enforced: ['developerMode', false] });
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual({ defaults: { autostart: true }, enforced: {}, failedClosed: [...securityKeys] });
    expect(problems).toEqual([
      { source: file, field: 'enforced', reason: 'expected object, got array — its security settings fail closed (each is listed)', severity: 'error' },
      ...failedClosed('"enforced" could not be read'),
    ]);
    expectLockedDown(resolveOpen(policy));
  });

  it('an allow-list whose entries are all invalid fails closed instead of allowing every app', async () => {
    await write({ enforced: { allowedApps: [17, ''] } });
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual({ defaults: {}, enforced: {}, failedClosed: ['allowedApps'] });
    expect(problems).toEqual([
      { source: file, field: 'enforced.allowedApps[0]', reason: 'expected string, got number', severity: 'error' },
      { source: file, field: 'enforced.allowedApps[1]', reason: 'must not be empty', severity: 'error' },
      { source: file, field: 'enforced.allowedApps', reason: 'none of its entries is valid — no app may run until the IT policy is fixed', severity: 'error' },
    ]);
    expect(appAllowed('contacts', resolveOpen(policy))).toBe(false);
  });

  it('a bad entry in an allow-list narrows it, never widens it; in a block-list the valid entries stay blocked', async () => {
    await write({ enforced: { allowedApps: ['contacts', 17, '__proto__'], blockedApps: [{}, 'games'] } });
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual({ defaults: {}, enforced: { allowedApps: ['contacts', '__proto__'], blockedApps: ['games'] } });
    expect(problems.map((p) => p.field)).toEqual(['enforced.allowedApps[1]', 'enforced.blockedApps[0]']);
    const effective = resolveOpen(policy);
    expect(effective.values.appsBlockedByPolicyError).toBe(false);
    expect(['contacts', '__proto__', 'games', 'chat', 'constructor'].filter((app) => appAllowed(app, effective))).toEqual(['contacts', '__proto__']);
  });

  it('an explicitly empty allow-list still means "every app" (it is valid)', async () => {
    await write({ enforced: { allowedApps: [] } });
    const { policy, problems } = await loadPolicy(file);
    expect([policy.failedClosed, problems]).toEqual([undefined, []]);
    expect(appAllowed('contacts', resolveOpen(policy))).toBe(true);
  });

  it('an invalid security value in "defaults" is only reported: defaults never lock', async () => {
    await write({ defaults: { developerMode: 'yes', blockedApps: 'games', usernamePattern: '(' } });
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual({ defaults: {}, enforced: {} });
    expect(problems.map((p) => [p.field, p.reason])).toEqual([
      ['defaults.developerMode', 'expected boolean, got string'],
      ['defaults.blockedApps', 'expected array, got string'],
      ['defaults.usernamePattern', expect.stringMatching(/^is not a valid regular expression \([^—]+\)$/)],
    ]);
    const effective = resolveOpen(policy);
    expect(effective.locked.size).toBe(0);
    expect([effective.values.appsBlockedByPolicyError, effective.values.usernamesBlockedByPolicyError]).toEqual([false, false]);
  });

  it('does not mistake an own "__proto__" key in "enforced" for a security key', async () => {
    await write('{"enforced":{"__proto__":{"developerMode":"x","blockedApps":"y"}}}');
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual({ defaults: {}, enforced: {} });
    expect(problems.map((p) => p.field)).toEqual(['enforced.__proto__']);
  });
});
