/**
 * Security control 14 on the shell side: what a second instance forwards is checked, then
 * parsed by parseCommandLine like any argument; links become commands the core validates.
 */
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../main/core/config/command-line.js';
import fc from 'fast-check';
import { parseDeepLink } from '../../main/core/config/deep-link.js';
import { MAX_FORWARDED_ARGS, appLinkOf, deepLinkActions, forwardedArguments, linkText, secondInstanceActions, shellPaths, shellSettings, userArguments } from '../../main/electron/instance.js';

describe('userArguments', () => {
  it('drops the executable, and in development the app path too', () => {
    expect(userArguments(['/opt/myApps Desktop/myapps-desktop', '--', 'tel:123'], false)).toEqual(['--', 'tel:123']);
    expect(userArguments(['/repo/node_modules/electron/dist/electron', '.', '--minimized'], true)).toEqual(['--minimized']);
    expect(userArguments(['electron'], true)).toEqual([]);
  });
});

describe('forwardedArguments', () => {
  const fallback = ['--', 'tel:1', '--original-process-start-time=1'];

  it('uses the second instance\'s additionalData when well-formed', () => {
    expect(forwardedArguments({ argv: ['--', 'sip:alice@example.com'] }, fallback)).toEqual(['--', 'sip:alice@example.com']);
    expect(forwardedArguments({ argv: [] }, fallback)).toEqual([]);
  });

  it('falls back to the event argv when the data is missing or malformed', () => {
    for (const data of [undefined, null, 'x', 42, [], {}, { argv: 'tel:1' }, { argv: [1, 2] }, { argv: ['ok', null] }, { argv: Array(MAX_FORWARDED_ARGS + 1).fill('x') }, { argv: ['x'.repeat(5000)] }, Object.create({ argv: ['inherited'] })]) {
      expect(forwardedArguments(data, fallback), JSON.stringify(data)).toEqual(fallback);
    }
  });

  it('bounds the fallback too', () => {
    expect(forwardedArguments(undefined, Array(100).fill('a'))).toHaveLength(MAX_FORWARDED_ARGS);
    expect(forwardedArguments(undefined, ['ok', 'y'.repeat(5000)])).toEqual(['ok']);
  });
});

describe('second-instance actions', () => {
  it('an app link becomes followLink with the link rebuilt from its parsed form; the core decides', () => {
    const cl = parseCommandLine(['--', 'myapps://app/phone?call=%2B4930123&x=a%20b']);
    const actions = secondInstanceActions(cl);
    expect(actions.commands).toEqual([{ type: 'followLink', link: 'myapps://app/phone?call=%2B4930123&x=a%20b' }]);
    expect(actions.focus).toBe(true);
  });

  it('every call link becomes followLink too (click-to-dial: the core queues and dials), in order', () => {
    const actions = deepLinkActions(parseCommandLine(['--', 'tel:+49 (30) 1234', 'sip:alice@example.com;transport=tls', 'callto://+4930555/', 'callto:bob@example.com', 'myapps://app/x']).deepLinks);
    expect(actions.commands).toEqual([
      { type: 'followLink', link: 'tel:+49301234' },
      { type: 'followLink', link: 'sip:alice@example.com' },
      { type: 'followLink', link: 'tel:+4930555' },
      { type: 'followLink', link: 'sip:bob@example.com' },
      { type: 'followLink', link: 'myapps://app/x' },
    ]);
  });

  it('linkText is read back by the deep-link parser as the same link (generated links)', () => {
    const value = fc.string({ unit: 'binary', maxLength: 30 }).filter((v) => parseDeepLink(`myapps://app/a?k=${encodeURIComponent(v)}`).kind === 'app');
    const key = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/);
    const appLink = fc.record({ name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/), args: fc.dictionary(key, value, { maxKeys: 5 }) }).map((l) => ({ kind: 'app' as const, name: l.name, args: Object.fromEntries(Object.entries(l.args)) }));
    const telLink = fc.stringMatching(/^\+?[0-9*#]{1,30}$/).map((number) => ({ kind: 'call' as const, scheme: 'tel' as const, number }));
    fc.assert(
      fc.property(fc.oneof(appLink, telLink), (link) => {
        expect(parseDeepLink(linkText(link))).toEqual(link);
      }),
      { seed: 7, numRuns: 300 },
    );
    expect(linkText({ kind: 'app', name: 'phone', args: { to: '+49 30 & co' } })).toBe('myapps://app/phone?to=%2B49%2030%20%26%20co');
    expect(linkText({ kind: 'call', scheme: 'sip', uri: 'alice@example.com' })).toBe('sip:alice@example.com');
  });

  it('crafted links and flags are refused by the parser and produce no command', () => {
    const cl = parseCommandLine(['--', 'javascript:alert(1)', 'myapps://app/../x', 'myapps://evil/x', 'tel:1-800-FLOWERS', 'file:///etc/passwd', 'sip:u:pw@host']);
    expect(cl.problems.length).toBe(6);
    expect(secondInstanceActions(cl).commands).toEqual([]);
  });

  it('flags of a second instance are ignored; --minimized keeps the window down', () => {
    const a = secondInstanceActions(parseCommandLine(['--pbx', 'pbx.example.com', '--user', 'alice', '--developer-mode']));
    expect(a.ignoredFlags.sort()).toEqual(['developerMode', 'pbx', 'user']);
    expect(a.focus).toBe(true);
    expect(secondInstanceActions(parseCommandLine(['--minimized'])).focus).toBe(false);
    expect(secondInstanceActions(parseCommandLine(['--minimized'])).ignoredFlags).toEqual([]);
  });

  it('appLinkOf round-trips arguments the way the core reads them (URLSearchParams)', () => {
    // As parseDeepLink builds it: an argument named "__proto__" is an own property.
    const link = appLinkOf({ kind: 'app', name: 'phone', args: Object.fromEntries([['to', '+49 30 & co'], ['__proto__', 'x']]) });
    expect(link).toBe('phone?to=%2B49+30+%26+co&__proto__=x');
    expect([...new URLSearchParams(link.split('?')[1])]).toEqual([['to', '+49 30 & co'], ['__proto__', 'x']]);
    expect(appLinkOf({ kind: 'app', name: 'phone', args: {} })).toBe('phone');
  });
});

describe('shellSettings', () => {
  const snapshot = (values: unknown) => ({ ok: true as const, value: { settings: { values } } });

  it('reads developer mode and start-minimised from the snapshot', () => {
    expect(shellSettings(snapshot({ developerMode: true, startMinimized: true }))).toEqual({ developerMode: true, startMinimized: true });
    expect(shellSettings(snapshot({ developerMode: false, startMinimized: false }))).toEqual({ developerMode: false, startMinimized: false });
  });

  it('anything unexpected means off (DevTools stay closed)', () => {
    for (const r of [{ ok: false as const, error: 'x' }, { ok: true as const }, { ok: true as const, value: null }, snapshot(undefined), snapshot({ developerMode: 'yes', startMinimized: 1 })]) {
      expect(shellSettings(r)).toEqual({ developerMode: false, startMinimized: false });
    }
  });
});

describe('shellPaths', () => {
  it('the preload bundle, the renderer build and the images inside the app', () => {
    expect(shellPaths('/opt/app/resources/app.asar')).toEqual({
      assets: '/opt/app/resources/app.asar/assets',
      preload: '/opt/app/resources/app.asar/dist/preload/bridge.cjs',
      appFramePreload: '/opt/app/resources/app.asar/dist/preload/app-frame.cjs',
      rendererRoot: '/opt/app/resources/app.asar/renderer/dist',
    });
  });
});
