import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtInDefaults, resolveEffective } from '../../main/core/config/effective.js';
import { emptyPolicy, loadPolicy } from '../../main/core/config/policy.js';

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

  it('reports a corrupt file as one problem and applies no policy', async () => {
    await write('{ "enforced": { "autostart": true, } ');
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual(emptyPolicy);
    expect(problems).toEqual([{ source: file, reason: expect.stringMatching(/^The IT policy file is not valid JSON \(.+\); no policy applies\.$/), severity: 'error' }]);
  });

  it.each([['[]'], ['"x"'], ['null'], ['42']])('reports a file that holds %s instead of an object', async (text) => {
    await write(text);
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual(emptyPolicy);
    expect(problems).toEqual([{ source: file, reason: expect.stringContaining('must hold a JSON object'), severity: 'error' }]);
  });

  it('reports a file that cannot be read', async () => {
    await mkdir(file);
    const { policy, problems } = await loadPolicy(file);
    expect(policy).toEqual(emptyPolicy);
    expect(problems).toEqual([{ source: file, reason: expect.stringContaining('cannot be read (EISDIR)'), severity: 'error' }]);
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
    });
    expect(problems).toEqual([
      { source: file, field: 'defaults.pbx', reason: 'PBX address "pbx example" contains spaces', severity: 'error' },
      { source: file, field: 'defaults.updateChannel', reason: 'expected one of "stable", "beta", got "nightly"', severity: 'error' },
      { source: file, field: 'enforced.autostart', reason: 'expected boolean, got string', severity: 'error' },
      { source: file, field: 'enforced.appDevTools', reason: 'expected boolean, got number', severity: 'error' },
      { source: file, field: 'enforced.blockedApps[1]', reason: 'expected string, got number', severity: 'error' },
      { source: file, field: 'enforced.blockedApps[2]', reason: 'must not be empty', severity: 'error' },
      { source: file, field: 'enforced.allowedApps', reason: 'expected array, got string', severity: 'error' },
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
    ['[a-', /is not a valid regular expression \(.+\)/],
    ['(', /is not a valid regular expression/],
    // Valid once wrapped as ^(?:a)|(b)$, but not on its own: it would silently mean something else.
    ['a)|(b', /is not a valid regular expression/],
    ['\\p{Nope}', /is not a valid regular expression/],
  ])('refuses the user-name pattern %j', async (pattern, reason) => {
    await write({ enforced: { usernamePattern: pattern, autostart: false } });
    const { policy, problems } = await loadPolicy(file);
    expect(policy.enforced).toEqual({ autostart: false });
    expect(problems).toEqual([{ source: file, field: 'enforced.usernamePattern', reason: expect.stringMatching(reason), severity: 'error' }]);
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
});
