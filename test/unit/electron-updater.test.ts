/**
 * Updates of the desktop build (updater.ts): which installations update themselves, the feed
 * of a channel, and electron-updater's events mapped to the states the UI shows — driven with
 * a fake, EventEmitter-based autoUpdater (electron-updater itself loads under the stand-in
 * too: test/integration/electron-desktop.test.ts).
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AutoUpdaterLike, BUILT_IN_UPDATE_FEED, ElectronUpdater, NSIS_UNINSTALLER, type UpdateState, selfUpdating, updateFeedUrl, updateStateOf } from '../../main/electron/updater.js';

describe('which installations update themselves', () => {
  const base = { packaged: true, env: {}, exists: () => false };

  it('a development build does not', () => {
    expect(selfUpdating({ ...base, platform: 'darwin', packaged: false, execPath: '/x' })).toEqual({ ok: false, detail: expect.stringMatching(/development build/) });
  });

  it('Windows: an NSIS installation (its uninstaller beside the executable) does; the MSI installation is IT\'s', () => {
    const exe = '/Program Files/myApps Desktop/myapps-desktop.exe';
    expect(NSIS_UNINSTALLER).toBe('Uninstall myApps Desktop.exe');
    expect(selfUpdating({ ...base, platform: 'win32', execPath: exe, exists: (p) => p === join('/Program Files/myApps Desktop', NSIS_UNINSTALLER) })).toEqual({ ok: true });
    expect(selfUpdating({ ...base, platform: 'win32', execPath: exe })).toEqual({ ok: false, detail: expect.stringMatching(/MSI/) });
  });

  it('Linux: an AppImage does; deb and rpm are updated by the package manager', () => {
    expect(selfUpdating({ ...base, platform: 'linux', execPath: '/tmp/.mount/x', env: { APPIMAGE: '/home/a/myApps.AppImage' } })).toEqual({ ok: true });
    expect(selfUpdating({ ...base, platform: 'linux', execPath: '/opt/myApps Desktop/myapps-desktop' })).toEqual({ ok: false, detail: expect.stringMatching(/deb or rpm/) });
  });

  it('macOS does', () => {
    expect(selfUpdating({ ...base, platform: 'darwin', execPath: '/Applications/myApps Desktop.app/Contents/MacOS/myApps Desktop' })).toEqual({ ok: true });
  });
});

describe('the feed', () => {
  it('${channel} in the feed is the channel\'s folder (electron-builder\'s names: latest, beta); IT\'s feed first', () => {
    expect(updateFeedUrl(undefined, 'stable')).toBe('https://updates.myapps-desktop.invalid/latest');
    expect(updateFeedUrl(undefined, 'beta')).toBe('https://updates.myapps-desktop.invalid/beta');
    expect(updateFeedUrl('https://mirror.example.com/myapps/${channel}/', 'beta')).toBe('https://mirror.example.com/myapps/beta/');
    // The policy's updateFeed comes as a parsed URL, braces escaped.
    expect(updateFeedUrl(new URL('https://mirror.example.com/${channel}').href, 'stable')).toBe('https://mirror.example.com/latest');
    // A feed without it holds both channels' files (latest*.yml, beta*.yml).
    expect(updateFeedUrl('https://mirror.example.com/myapps', 'beta')).toBe('https://mirror.example.com/myapps');
  });

  it('the built-in feed is where electron-builder.yml publishes', () => {
    const yml = readFileSync(join(import.meta.dirname, '../../electron-builder.yml'), 'utf8');
    const publish = /^publish:\n((?:[ \t]+.*\n)+)/m.exec(yml)?.[1] ?? '';
    expect(publish).toMatch(/^\s+provider:\s*generic\s*$/m);
    expect(/^\s+url:\s*["']?([^"'\s]+)/m.exec(publish)?.[1]).toBe(BUILT_IN_UPDATE_FEED);
  });
});

describe('electron-updater events as states', () => {
  const idle: UpdateState = { state: 'idle' };
  it('each event', () => {
    expect(updateStateOf('checking-for-update', undefined, idle)).toEqual({ state: 'checking' });
    expect(updateStateOf('update-not-available', { version: '0.1.0' }, idle)).toEqual({ state: 'up-to-date' });
    expect(updateStateOf('update-available', { version: '0.2.0' }, idle)).toEqual({ state: 'available', version: '0.2.0' });
    expect(updateStateOf('download-progress', { percent: 40 }, { state: 'available', version: '0.2.0' })).toEqual({ state: 'downloading', version: '0.2.0' });
    expect(updateStateOf('update-downloaded', { version: '0.2.0' }, idle)).toEqual({ state: 'ready', version: '0.2.0' });
    expect(updateStateOf('error', new Error('net::ERR_INTERNET_DISCONNECTED\n    at stack'), idle)).toEqual({ state: 'error', detail: 'net::ERR_INTERNET_DISCONNECTED' });
    expect(updateStateOf('update-cancelled', {}, idle)).toEqual({ state: 'idle' });
    expect(updateStateOf('login', {}, idle)).toBeUndefined();
  });
});

class FakeAutoUpdater extends EventEmitter implements AutoUpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  allowPrerelease = false;
  allowDowngrade = false;
  channel: string | null = null;
  logger: unknown = console;
  feeds: unknown[] = [];
  checks = 0;
  installs: unknown[][] = [];
  setFeedURL(options: { provider: 'generic'; url: string }) {
    this.feeds.push(options);
  }
  checkForUpdates() {
    this.checks++;
    return Promise.resolve(null);
  }
  quitAndInstall(...args: unknown[]) {
    this.installs.push(args);
  }
}

describe('ElectronUpdater', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setup = (installation: Partial<Parameters<typeof selfUpdating>[0]> = {}) => {
    const fake = new FakeAutoUpdater();
    const load = vi.fn(() => fake);
    const beforeInstall = vi.fn();
    const updater = new ElectronUpdater({ installation: { platform: 'darwin', packaged: true, execPath: '/x', env: {}, exists: () => false, ...installation }, load, beforeInstall, log: () => {}, firstCheckDelayMs: 100, checkIntervalMs: 1000 });
    const states: UpdateState[] = [];
    updater.onState((s) => states.push(s));
    return { fake, load, beforeInstall, updater, states };
  };

  it('on: the feed of the channel, downloads and install-on-quit on; checks later and periodically', () => {
    const { fake, updater, states } = setup();
    updater.configure({ enabled: true, channel: 'beta', feedUrl: 'https://mirror.example.com/u' });
    expect(fake.feeds).toEqual([{ provider: 'generic', url: 'https://mirror.example.com/u' }]);
    expect(fake).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true, allowPrerelease: true, channel: 'beta' });
    expect(states.at(-1)).toEqual({ state: 'idle' });
    expect(fake.checks).toBe(0);
    vi.advanceTimersByTime(100);
    expect(fake.checks).toBe(1);
    vi.advanceTimersByTime(2000);
    expect(fake.checks).toBe(3);
    // The same settings again change nothing.
    updater.configure({ enabled: true, channel: 'beta', feedUrl: 'https://mirror.example.com/u' });
    expect(fake.feeds).toHaveLength(1);
  });

  it('maps the updater\'s events to states and installs only a downloaded update', () => {
    const { fake, updater, states, beforeInstall } = setup();
    updater.configure({ enabled: true, channel: 'stable' });
    expect(fake.feeds).toEqual([{ provider: 'generic', url: 'https://updates.myapps-desktop.invalid/latest' }]);
    expect(fake.channel).toBe('latest');
    updater.install();
    expect(fake.installs).toEqual([]);
    fake.emit('checking-for-update');
    fake.emit('update-available', { version: '0.3.0' });
    fake.emit('download-progress', { percent: 10 });
    fake.emit('download-progress', { percent: 20 });
    fake.emit('update-downloaded', { version: '0.3.0' });
    expect(states.slice(1)).toEqual([{ state: 'idle' }, { state: 'checking' }, { state: 'available', version: '0.3.0' }, { state: 'downloading', version: '0.3.0' }, { state: 'ready', version: '0.3.0' }]);
    updater.check();
    expect(fake.checks).toBe(0); // downloaded: nothing to ask
    updater.install();
    expect(beforeInstall).toHaveBeenCalled();
    expect(fake.installs).toEqual([[false, true]]);
  });

  it('off by IT: disabled, electron-updater not even loaded; off later: no install on quit', () => {
    const { load, updater, states, fake } = setup();
    updater.configure({ enabled: false, channel: 'stable' });
    expect(states.at(-1)).toEqual({ state: 'disabled', detail: 'Turned off by your IT.' });
    expect(load).not.toHaveBeenCalled();
    updater.configure({ enabled: true, channel: 'stable' });
    expect(fake.autoInstallOnAppQuit).toBe(true);
    updater.configure({ enabled: false, channel: 'stable' });
    expect(fake.autoInstallOnAppQuit).toBe(false);
    vi.advanceTimersByTime(5000);
    expect(fake.checks).toBe(0);
  });

  it('an MSI installation: disabled with the reason, electron-updater not loaded', () => {
    const { load, updater, states } = setup({ platform: 'win32', execPath: 'C:\\Program Files\\myApps Desktop\\myapps-desktop.exe' });
    updater.configure({ enabled: true, channel: 'stable' });
    expect(states.at(-1)).toEqual({ state: 'disabled', detail: 'Installed from the MSI package: your IT updates it.' });
    expect(load).not.toHaveBeenCalled();
  });

  it('an updater that cannot load is an error, not a crash', () => {
    const updater = new ElectronUpdater({ installation: { platform: 'darwin', packaged: true, execPath: '/x', env: {}, exists: () => false }, load: () => { throw new Error('no module'); }, beforeInstall: () => {}, log: () => {} });
    const states: UpdateState[] = [];
    updater.onState((s) => states.push(s));
    updater.configure({ enabled: true, channel: 'stable' });
    expect(states.at(-1)).toEqual({ state: 'error', detail: 'The updater could not be started.' });
  });
});
