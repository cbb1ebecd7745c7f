/**
 * Security control 1: every web contents we create gets these webPreferences.
 * Each flag is asserted on its own, so removing or flipping one fails a named test.
 */
import { describe, expect, it } from 'vitest';
import { MAX_READABLE_PARTITION_NAME, appPartition, secureWebPreferences } from '../../main/electron/web-preferences.js';

const variants = {
  shell: secureWebPreferences('shell', { preload: '/app/dist/preload/bridge.cjs' }),
  'shell without preload': secureWebPreferences('shell'),
  app: secureWebPreferences('app', { appName: 'phone' }),
  'app with DevTools': secureWebPreferences('app', { appName: 'phone', devTools: true }),
};

describe('secureWebPreferences', () => {
  const required = {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    enableWebSQL: false,
  } as const;

  for (const [name, prefs] of Object.entries(variants)) {
    for (const [flag, value] of Object.entries(required)) {
      it(`${name}: ${flag} is ${value}`, () => {
        expect(prefs[flag as keyof typeof prefs]).toBe(value);
      });
    }
    it(`${name}: never enables Blink features`, () => {
      expect(Object.hasOwn(prefs, 'enableBlinkFeatures')).toBe(false);
    });
    it(`${name}: sets nothing beyond the reviewed keys`, () => {
      const reviewed = new Set([...Object.keys(required), 'devTools', 'preload', 'partition', 'backgroundThrottling']);
      expect(Object.keys(prefs).filter((k) => !reviewed.has(k))).toEqual([]);
    });
  }

  it('app views keep running in the background; the shell window may be throttled', () => {
    expect(variants.app.backgroundThrottling).toBe(false);
    expect(Object.hasOwn(secureWebPreferences('shell'), 'backgroundThrottling')).toBe(false);
  });

  it('DevTools are off unless asked for (control 13)', () => {
    expect(secureWebPreferences('shell').devTools).toBe(false);
    expect(secureWebPreferences('shell', { devTools: false }).devTools).toBe(false);
    expect(secureWebPreferences('shell', { devTools: true }).devTools).toBe(true);
    expect(variants.app.devTools).toBe(false);
    expect(variants['app with DevTools'].devTools).toBe(true);
  });

  it('the preload is passed through; none is set when none is given', () => {
    expect(variants.shell.preload).toBe('/app/dist/preload/bridge.cjs');
    expect(Object.hasOwn(variants['shell without preload'], 'preload')).toBe(false);
    expect(Object.hasOwn(variants.app, 'preload')).toBe(false);
  });

  it('the shell uses the default session; an app view its own persistent partition', () => {
    expect(Object.hasOwn(variants.shell, 'partition')).toBe(false);
    expect(variants.app.partition).toBe('persist:app-phone');
  });

  it('an app view without an app name is refused', () => {
    expect(() => secureWebPreferences('app', {} as { appName: string })).toThrow();
    expect(() => secureWebPreferences('app', { appName: '' })).toThrow();
  });

  it('returns a fresh object each time (a caller cannot weaken the next window)', () => {
    const a = secureWebPreferences('shell');
    a.nodeIntegration = true;
    expect(secureWebPreferences('shell').nodeIntegration).toBe(false);
  });
});

describe('appPartition', () => {
  it('keeps lower-case names readable', () => {
    expect(appPartition('phone')).toBe('persist:app-phone');
    expect(appPartition('user-admin-2')).toBe('persist:app-user-admin-2');
  });

  it('escapes everything else, including upper case, "_" and "."', () => {
    expect(appPartition('Phone')).toBe('persist:app-_50hone');
    expect(appPartition('my_app.v2')).toBe('persist:app-my_5fapp_2ev2');
    expect(appPartition('a/../b')).toBe('persist:app-a_2f_2e_2e_2fb');
    expect(appPartition('ä')).toBe('persist:app-_c3_a4');
  });

  it('is injective: names differing only in case or escapes get different partitions', () => {
    const names = ['phone', 'Phone', 'PHONE', 'p_hone', 'p_5fhone', '_50hone', 'a.b', 'a_2eb', 'a-b', 'x'.repeat(200), 'x'.repeat(201), `h${'0'.repeat(40)}`];
    const partitions = names.map(appPartition);
    expect(new Set(partitions).size).toBe(names.length);
    for (const p of partitions) expect(p.toLowerCase()).toBe(p);
    for (const p of partitions) expect(p).toMatch(/^persist:app-[a-z0-9_-]+$/);
  });

  it('hashes very long names to a bounded, distinct form', () => {
    const long = appPartition('A'.repeat(256));
    expect(long).toMatch(/^persist:app-_h[0-9a-f]{40}$/);
    expect(appPartition('x'.repeat(MAX_READABLE_PARTITION_NAME))).toBe(`persist:app-${'x'.repeat(MAX_READABLE_PARTITION_NAME)}`);
    expect(appPartition('x'.repeat(MAX_READABLE_PARTITION_NAME + 1))).toMatch(/^persist:app-_h/);
  });
});
