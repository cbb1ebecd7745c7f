/**
 * The precedence table, every row: for each key, each level that can carry it beats every
 * lower level that can carry it, and loses to every higher one.
 *   enforced policy > command line > user settings > policy defaults > built-in defaults
 */
import { describe, expect, it } from 'vitest';
import {
  type EffectiveKey,
  type EffectiveValues,
  type Levels,
  type Source,
  appAllowed,
  appDevToolsAllowed,
  builtInDefaults,
  effectiveKeys,
  resolveEffective,
  usernameAllowed,
} from '../../main/core/config/effective.js';

const order: Source[] = ['enforced', 'command-line', 'user', 'policy-default', 'built-in'];

const fpA = 'AA:'.repeat(31) + 'AA';
const fpB = 'BB:'.repeat(31) + 'BB';
/** A winning and a losing value per key; they differ, so the result shows who won. */
const samples: { [K in EffectiveKey]: [EffectiveValues[K], EffectiveValues[K]] } = {
  pbx: ['winner.example.com', 'loser.example.com'],
  username: ['winner', 'loser'],
  usernamePattern: ['w.*', 'l.*'],
  developerMode: [true, false],
  appDevTools: [true, false],
  autostart: [true, false],
  startMinimized: [true, false],
  updateChannel: ['beta', 'stable'],
  updates: [false, true],
  updateFeed: ['https://winner.example.com/updates', 'https://loser.example.com/updates'],
  confirmCalls: [true, false],
  unloadIdleAppsAfterMinutes: [5, 60],
  language: ['de', 'fr'],
  scheme: ['dark', 'light'],
  allowedApps: [['winner'], ['loser']],
  blockedApps: [['winner'], ['loser']],
  certificateFingerprints: [[fpA], [fpB]],
};

const policyKeys = new Set<EffectiveKey>(['pbx', 'usernamePattern', 'developerMode', 'appDevTools', 'autostart', 'updateChannel', 'updates', 'updateFeed', 'confirmCalls', 'unloadIdleAppsAfterMinutes', 'language', 'allowedApps', 'blockedApps', 'certificateFingerprints']);
const commandLineKeys: Partial<Record<EffectiveKey, 'pbx' | 'user' | 'developerMode' | 'minimized'>> = { pbx: 'pbx', username: 'user', developerMode: 'developerMode', startMinimized: 'minimized' };
const userSettingKeys = new Set<EffectiveKey>(['developerMode', 'appDevTools', 'autostart', 'startMinimized', 'updateChannel', 'confirmCalls', 'unloadIdleAppsAfterMinutes', 'language', 'scheme']);

function emptyLevels(): Levels {
  return { builtIn: { ...builtInDefaults }, policy: { defaults: {}, enforced: {} }, commandLine: {}, user: { settings: {} } };
}

/** Puts `value` for `key` at `level`; false if that level cannot carry the key. */
function setAt(levels: Levels, level: Source, key: EffectiveKey, value: unknown): boolean {
  const record = (o: object) => o as Record<string, unknown>;
  switch (level) {
    case 'enforced':
    case 'policy-default':
      if (!policyKeys.has(key)) return false;
      record(level === 'enforced' ? levels.policy.enforced : levels.policy.defaults)[key] = value;
      return true;
    case 'command-line': {
      const flag = commandLineKeys[key];
      if (!flag) return false;
      record(levels.commandLine)[flag] = value;
      return true;
    }
    case 'user':
      if (key === 'pbx' || key === 'username') {
        const account = levels.user.account ?? { id: 'a1', address: 'other.example.com', username: 'other' };
        levels.user.account = { ...account, [key === 'pbx' ? 'address' : 'username']: value as string };
        return true;
      }
      if (!userSettingKeys.has(key)) return false;
      record(levels.user.settings)[key] = value;
      return true;
    case 'built-in':
      record(levels.builtIn)[key] = value;
      return true;
  }
}

const rows = effectiveKeys.flatMap((key) =>
  order.flatMap((higher, h) =>
    order.slice(h + 1).flatMap((lower) => {
      const probe = emptyLevels();
      return setAt(probe, higher, key, 1) && setAt(probe, lower, key, 1) ? [{ key, higher, lower }] : [];
    }),
  ),
);

describe('resolveEffective: precedence', () => {
  it.each(rows)('$key: $higher beats $lower', ({ key, higher, lower }) => {
    const [win, lose] = samples[key];
    const levels = emptyLevels();
    setAt(levels, lower, key, lose);
    setAt(levels, higher, key, win);
    const effective = resolveEffective(levels);
    expect(effective.values[key]).toEqual(win);
    expect(effective.sources[key]).toBe(higher);

    // And the other way round: with the higher level silent, the lower one shows through.
    const without = emptyLevels();
    setAt(without, lower, key, lose);
    expect(resolveEffective(without).values[key]).toEqual(lose);
    expect(resolveEffective(without).sources[key]).toBe(lower);
  });

  it('covers every level as winner and as loser, and every key', () => {
    for (const [i, level] of order.entries()) {
      if (i > 0) expect(rows.some((r) => r.lower === level)).toBe(true);
      if (i < order.length - 1) expect(rows.some((r) => r.higher === level)).toBe(true);
    }
    expect(new Set(rows.map((r) => r.key))).toEqual(new Set(effectiveKeys));
  });

  it('walks down all five levels of one key as each higher level falls silent', () => {
    const levels = emptyLevels();
    const values: Record<Source, string> = { enforced: 'e.example.com', 'command-line': 'c.example.com', user: 'u.example.com', 'policy-default': 'd.example.com', 'built-in': 'b.example.com' };
    for (const level of order) setAt(levels, level, 'pbx', values[level]);
    for (const level of order) {
      const effective = resolveEffective(levels);
      expect([effective.values.pbx, effective.sources.pbx]).toEqual([values[level], level]);
      setAt(levels, level, 'pbx', undefined);
    }
  });

  it('uses built-in defaults when nothing else speaks', () => {
    const effective = resolveEffective(emptyLevels());
    expect(effective.values).toEqual(builtInDefaults);
    expect(Object.values(effective.sources).every((s) => s === 'built-in')).toBe(true);
    expect(effective.locked.size).toBe(0);
  });

  it('takes the user level of pbx and username from the active account only', () => {
    const levels = emptyLevels();
    levels.user = { settings: {}, account: { id: 'x', address: 'pbx.example.com', username: 'alice' } };
    const effective = resolveEffective(levels);
    expect([effective.values.pbx, effective.values.username, effective.sources.username]).toEqual(['pbx.example.com', 'alice', 'user']);
  });

  it('maps --minimized to startMinimized and --developer-mode to developerMode', () => {
    const levels = emptyLevels();
    levels.commandLine = { minimized: true, developerMode: true };
    levels.user.settings = { startMinimized: false, developerMode: false };
    const effective = resolveEffective(levels);
    expect(effective.values).toMatchObject({ startMinimized: true, developerMode: true });
    expect(effective.sources).toMatchObject({ startMinimized: 'command-line', developerMode: 'command-line' });
  });

  it('takes lists whole from one level, never merged', () => {
    const levels = emptyLevels();
    levels.policy.defaults.blockedApps = ['a', 'b'];
    levels.policy.enforced.blockedApps = ['c'];
    expect(resolveEffective(levels).values.blockedApps).toEqual(['c']);
  });

  it('locks exactly the keys the enforced policy sets, including an enforced false', () => {
    const levels = emptyLevels();
    levels.policy.enforced = { developerMode: false, pbx: 'pbx.example.com', allowedApps: [] };
    levels.policy.defaults = { autostart: true };
    const effective = resolveEffective(levels);
    expect([...effective.locked].sort()).toEqual(['allowedApps', 'developerMode', 'pbx']);
    expect(effective.sources).toMatchObject({ developerMode: 'enforced', autostart: 'policy-default' });
  });

  it('gives out copies of lists, so a caller cannot change a level through them', () => {
    const levels = emptyLevels();
    levels.policy.enforced.blockedApps = ['a'];
    resolveEffective(levels).values.blockedApps.push('b');
    expect(levels.policy.enforced.blockedApps).toEqual(['a']);
  });
});

function withLists(allowedApps: string[], blockedApps: string[]) {
  const levels = emptyLevels();
  levels.policy.enforced = { allowedApps, blockedApps };
  return resolveEffective(levels);
}

describe('appAllowed', () => {
  it.each([
    [[], [], 'contacts', true],
    [[], ['games'], 'contacts', true],
    [[], ['games'], 'games', false],
    [['contacts'], [], 'contacts', true],
    [['contacts'], [], 'games', false],
    [['contacts', 'games'], ['games'], 'games', false], // blocked wins over allowed
    [['contacts'], [], 'Contacts', false], // exact names
  ])('allowed %j, blocked %j: %s → %s', (allowed, blocked, name, expected) => {
    expect(appAllowed(name, withLists(allowed, blocked))).toBe(expected);
  });
});

describe('usernameAllowed', () => {
  function withPattern(usernamePattern: string | undefined) {
    const levels = emptyLevels();
    if (usernamePattern !== undefined) levels.policy.enforced.usernamePattern = usernamePattern;
    return resolveEffective(levels);
  }

  it.each([
    [undefined, 'anyone', true],
    ['[a-z]+\\.[a-z]+', 'jane.doe', true],
    ['[a-z]+\\.[a-z]+', 'xjane.doe!', false], // whole-name match, not a substring search
    ['[a-z]+\\.[a-z]+', 'Jane.Doe', false], // case-sensitive
    ['a|b', 'a', true],
    ['a|b', 'ax', false], // the alternation is grouped before anchoring
    ['a|b', 'xb', false],
  ])('pattern %j, name %j → %s', (pattern, name, expected) => {
    expect(usernameAllowed(name, withPattern(pattern))).toBe(expected);
  });

  it('refuses every name when a pattern somehow does not compile', () => {
    expect(usernameAllowed('a', withPattern('('))).toBe(false);
  });
});

describe('appDevToolsAllowed', () => {
  it.each([
    [false, false, false],
    [false, true, false],
    [true, false, false],
    [true, true, true],
  ])('developerMode %s, appDevTools %s → %s', (developerMode, appDevTools, expected) => {
    const levels = emptyLevels();
    levels.user.settings = { developerMode, appDevTools };
    expect(appDevToolsAllowed(resolveEffective(levels))).toBe(expected);
  });
});
