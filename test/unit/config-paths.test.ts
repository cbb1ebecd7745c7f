import { describe, expect, it } from 'vitest';
import { choosePolicyFile, defaultPolicyPath, policyPath, userConfigDir } from '../../main/core/config/paths.js';

describe('userConfigDir', () => {
  it.each([
    ['linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/a', '/xdg/myapps-desktop'],
    ['linux', {}, '/home/a', '/home/a/.config/myapps-desktop'],
    ['linux', { XDG_CONFIG_HOME: 'relative' }, '/home/a', '/home/a/.config/myapps-desktop'],
    ['freebsd', {}, '/home/a', '/home/a/.config/myapps-desktop'],
    ['win32', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'C:\\Users\\a', 'C:\\Users\\a\\AppData\\Roaming\\myapps-desktop'],
    ['win32', { AppData: 'D:\\Roaming' }, 'C:\\Users\\a', 'D:\\Roaming\\myapps-desktop'],
    ['win32', {}, 'C:\\Users\\a', 'C:\\Users\\a\\AppData\\Roaming\\myapps-desktop'],
    ['darwin', {}, '/Users/a', '/Users/a/Library/Application Support/myapps-desktop'],
  ] as const)('%s %j', (platform, env, home, expected) => {
    expect(userConfigDir(platform, env, home)).toBe(expected);
  });
});

describe('policyPath', () => {
  it.each([
    ['linux', {}, '/etc/myapps-desktop/policy.json'],
    ['win32', { ProgramData: 'D:\\PD' }, 'D:\\PD\\myapps-desktop\\policy.json'],
    ['win32', { PROGRAMDATA: 'D:\\PD' }, 'D:\\PD\\myapps-desktop\\policy.json'],
    ['win32', {}, 'C:\\ProgramData\\myapps-desktop\\policy.json'],
    ['darwin', {}, '/Library/Application Support/myapps-desktop/policy.json'],
  ] as const)('%s %j', (platform, env, expected) => {
    expect(defaultPolicyPath(platform, env)).toBe(expected);
    expect(policyPath(platform, env)).toBe(expected);
  });

  it('MYAPPS_POLICY overrides the OS location and --policy overrides both', () => {
    expect(policyPath('linux', { MYAPPS_POLICY: '/srv/p.json' })).toBe('/srv/p.json');
    expect(policyPath('linux', { MYAPPS_POLICY: '/srv/p.json' }, '/opt/q.json')).toBe('/opt/q.json');
    expect(policyPath('linux', { MYAPPS_POLICY: '' })).toBe('/etc/myapps-desktop/policy.json');
  });
});

describe('choosePolicyFile', () => {
  const machine = '/etc/myapps-desktop/policy.json';
  it('uses an override only where the machine has no policy', () => {
    expect(choosePolicyFile('linux', { MYAPPS_POLICY: '/srv/p.json' }, '/opt/q.json', () => false)).toEqual({ file: '/opt/q.json' });
    expect(choosePolicyFile('linux', {}, undefined, () => true)).toEqual({ file: machine });
  });

  it('on a managed machine the override is ignored with a warning naming both files', () => {
    const chosen = choosePolicyFile('linux', { MYAPPS_POLICY: '/tmp/mine.json' }, undefined, (p) => p === machine);
    expect(chosen.file).toBe(machine);
    expect(chosen.problem).toMatchObject({ source: '/tmp/mine.json', severity: 'warning', reason: expect.stringContaining(machine) });
    expect(choosePolicyFile('linux', {}, '/dev/null', (p) => p === machine).file).toBe(machine);
  });
});
