/**
 * Updates of the desktop build: electron-updater's `autoUpdater` on a generic feed, driven by
 * the core (`ShellPort.updater`: configure / check / install / onState), which applies the
 * settings and IT's policy (`updates`, `updateChannel`, `updateFeed`) and publishes the state
 * to the UI (`snapshot.updates`).
 *
 * - Feed: IT's (`updateFeed`), else the built-in `BUILT_IN_UPDATE_FEED` — the `publish.url`
 *   of electron-builder.yml, which uploads there. A `${channel}` in the feed is the channel's
 *   folder: `latest` for stable, `beta` for beta (electron-builder names them so); a feed
 *   without it holds both. In it, electron-updater reads the channel's file: `latest*.yml`
 *   (stable) or `beta*.yml` (beta) — its `channel`, which also lets a user going back from beta
 *   to stable get the stable version (a downgrade, as electron-updater does on a channel change).
 * - Downloads start by themselves and a downloaded update is installed when the client quits
 *   (`autoDownload`, `autoInstallOnAppQuit`); Install in the UI quits and installs at once.
 *   Checks: 10 s after updates are turned on (the login goes first), then every 4 hours, and
 *   when the user asks.
 * - Off, with the reason in `detail` (`disabled`), when:
 *   - IT turned updates off (`updates: false` in the policy; the core passes `enabled: false`);
 *   - the build is not packaged (a development build has nothing to update);
 *   - Windows, and no NSIS uninstaller (`Uninstall myApps Desktop.exe`) beside the executable:
 *     the MSI package installs per machine, for IT to update (an NSIS update over it would
 *     leave two installations); every installation by our NSIS installer, per user or per
 *     machine, has that uninstaller;
 *   - Linux, not running from an AppImage (`$APPIMAGE` unset): deb and rpm installations are
 *     updated by the package manager, like the rest of the system.
 * - electron-updater's events become `UpdatesView` states (`updateStateOf`): checking,
 *   up-to-date, available (+ version), downloading (+ version), ready (+ version), error
 *   (+ what failed).
 *
 * electron-updater is loaded only when updates are on (`load`, from main.ts), so development
 * builds and the tests of the rest never load it. The decisions are PURE (unit-tested, and the
 * event mapping with a fake autoUpdater); no electron import.
 */
import { join } from 'node:path';
import type { UpdatesView } from '../core/bridge/views.js';
import type { ShellUpdater } from '../core/client/shell-port.js';
import type { Logger } from '../core/common/log.js';
import { PRODUCT_NAME } from './tray.js';

/** The update server of the project's builds: electron-builder.yml's `publish.url`, where they are uploaded. */
export const BUILT_IN_UPDATE_FEED = 'https://updates.myapps-desktop.invalid/${channel}';
/** The first check after updates are turned on. */
export const FIRST_CHECK_DELAY_MS = 10_000;
export const CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;
/** The NSIS installer's uninstaller beside the executable (electron-builder: `Uninstall ${productFilename}.exe`). */
export const NSIS_UNINSTALLER = `Uninstall ${PRODUCT_NAME}.exe`;

export type UpdateChannel = 'stable' | 'beta';
export type UpdateState = Omit<UpdatesView, 'channel' | 'pbxAnnounces'>;

/** electron-builder's (and electron-updater's) name of a channel. */
export function electronUpdaterChannel(channel: UpdateChannel): 'latest' | 'beta' {
  return channel === 'beta' ? 'beta' : 'latest';
}

/**
 * The feed of a channel: `${channel}` in it names the channel's folder (also as the URL parser
 * writes it, `$%7Bchannel%7D`: the policy's `updateFeed` is a parsed URL).
 */
export function updateFeedUrl(feed: string | undefined, channel: UpdateChannel): string {
  return (feed ?? BUILT_IN_UPDATE_FEED).replace(/\$(?:\{|%7B)channel(?:\}|%7D)/gi, electronUpdaterChannel(channel));
}

export interface Installation {
  platform: NodeJS.Platform;
  packaged: boolean;
  execPath: string;
  env: Readonly<Record<string, string | undefined>>;
  exists: (path: string) => boolean;
}

/** Whether this installation updates itself; if not, why (in words for the UI). */
export function selfUpdating(i: Installation): { ok: true } | { ok: false; detail: string } {
  if (!i.packaged) return { ok: false, detail: 'This is a development build; it is not updated.' };
  if (i.platform === 'win32' && !i.exists(join(i.execPath, '..', NSIS_UNINSTALLER))) return { ok: false, detail: 'Installed from the MSI package: your IT updates it.' };
  if (i.platform === 'linux' && !i.env.APPIMAGE) return { ok: false, detail: 'Installed from a deb or rpm package: it is updated with your system.' };
  if (!['win32', 'darwin', 'linux'].includes(i.platform)) return { ok: false, detail: 'Updates are not available on this system.' };
  return { ok: true };
}

/** The state an autoUpdater event stands for (undefined: not one that changes it). */
export function updateStateOf(event: string, arg: unknown, current: UpdateState): UpdateState | undefined {
  const version = typeof arg === 'object' && arg !== null && typeof (arg as { version?: unknown }).version === 'string' ? (arg as { version: string }).version : undefined;
  const withVersion = (state: UpdateState['state'], v = version ?? current.version) => (v === undefined ? { state } : { state, version: v });
  switch (event) {
    case 'checking-for-update':
      return { state: 'checking' };
    case 'update-not-available':
      return { state: 'up-to-date' };
    case 'update-available':
      return withVersion('available');
    case 'download-progress':
      return withVersion('downloading');
    case 'update-downloaded':
      return withVersion('ready');
    case 'update-cancelled':
      return { state: 'idle' };
    case 'error': {
      const message = arg instanceof Error ? arg.message : String(arg);
      return { state: 'error', detail: message.split('\n', 1)[0]!.slice(0, 300) };
    }
    default:
      return undefined;
  }
}

/** What this module needs of electron-updater's `autoUpdater` (a fake in the unit tests). */
export interface AutoUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowPrerelease: boolean;
  allowDowngrade: boolean;
  /** electron-updater: setting it also allows a downgrade (beta → stable). */
  channel: string | null;
  logger: unknown;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

const EVENTS = ['checking-for-update', 'update-not-available', 'update-available', 'download-progress', 'update-downloaded', 'update-cancelled', 'error'] as const;

export interface ElectronUpdaterOptions {
  installation: Installation;
  /** electron-updater's autoUpdater (loaded the first time updates are on). */
  load: () => AutoUpdaterLike;
  /** Quitting to install is a real quit: the window must close, not hide (background.ts). */
  beforeInstall: () => void;
  log: Logger;
  firstCheckDelayMs?: number;
  checkIntervalMs?: number;
}

export class ElectronUpdater implements ShellUpdater {
  private updater: AutoUpdaterLike | undefined;
  private state: UpdateState = { state: 'disabled', detail: 'Not configured yet.' };
  private readonly listeners = new Set<(state: UpdateState) => void>();
  private configured = '';
  private firstCheck: ReturnType<typeof setTimeout> | undefined;
  private interval: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: ElectronUpdaterOptions) {}

  configure(settings: { enabled: boolean; channel: UpdateChannel; feedUrl?: string }): void {
    const key = JSON.stringify([settings.enabled, settings.channel, settings.feedUrl ?? null]);
    if (key === this.configured) return;
    this.configured = key;
    this.stopChecks();
    const { log } = this.options;
    if (this.updater) this.updater.autoInstallOnAppQuit = false;
    if (!settings.enabled) {
      log('info', 'updates are off: turned off by IT');
      return this.set({ state: 'disabled', detail: 'Turned off by your IT.' });
    }
    const support = selfUpdating(this.options.installation);
    if (!support.ok) {
      log('info', 'updates are off for this installation', { detail: support.detail });
      return this.set({ state: 'disabled', detail: support.detail });
    }
    let updater: AutoUpdaterLike;
    try {
      updater = this.autoUpdater();
    } catch (e) {
      log('error', 'the updater could not be loaded', { error: String(e) });
      return this.set({ state: 'error', detail: 'The updater could not be started.' });
    }
    const url = updateFeedUrl(settings.feedUrl, settings.channel);
    updater.setFeedURL({ provider: 'generic', url });
    updater.channel = electronUpdaterChannel(settings.channel);
    updater.allowPrerelease = settings.channel === 'beta';
    updater.autoInstallOnAppQuit = true;
    log('info', 'updates are on', { feed: url, channel: updater.channel });
    this.set({ state: 'idle' });
    this.firstCheck = setTimeout(() => this.check(), this.options.firstCheckDelayMs ?? FIRST_CHECK_DELAY_MS);
    this.interval = setInterval(() => this.check(), this.options.checkIntervalMs ?? CHECK_INTERVAL_MS);
    this.firstCheck.unref?.();
    this.interval.unref?.();
  }

  check(): void {
    if (!this.updater || this.state.state === 'disabled') return;
    // A download under way or done: nothing new to ask.
    if (this.state.state === 'downloading' || this.state.state === 'ready') return;
    this.updater.checkForUpdates().catch((e: unknown) => {
      // electron-updater emits 'error' as well; this only keeps the rejection from going unhandled.
      this.options.log('warn', 'the update check failed', { error: String(e).split('\n', 1)[0] });
    });
  }

  install(): void {
    if (!this.updater || this.state.state !== 'ready') return;
    this.options.log('info', 'quitting to install the update', { version: this.state.version });
    this.options.beforeInstall();
    this.updater.quitAndInstall(false, true);
  }

  onState(listener: (state: UpdateState) => void): () => void {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.stopChecks();
    this.listeners.clear();
  }

  private autoUpdater(): AutoUpdaterLike {
    if (this.updater) return this.updater;
    const updater = this.options.load();
    updater.autoDownload = true;
    updater.autoInstallOnAppQuit = true;
    const { log } = this.options;
    updater.logger = {
      info: (m: unknown) => log('info', `updater: ${String(m)}`),
      warn: (m: unknown) => log('warn', `updater: ${String(m)}`),
      error: (m: unknown) => log('warn', `updater: ${String(m).split('\n', 1)[0]}`),
      debug: (m: unknown) => log('debug', `updater: ${String(m)}`),
    };
    for (const event of EVENTS) {
      updater.on(event, (arg: unknown) => {
        const next = updateStateOf(event, arg, this.state);
        if (next) this.set(next);
      });
    }
    this.updater = updater;
    return updater;
  }

  private set(state: UpdateState): void {
    if (JSON.stringify(state) === JSON.stringify(this.state)) return;
    this.state = state;
    for (const l of this.listeners) l(state);
  }

  private stopChecks(): void {
    clearTimeout(this.firstCheck);
    clearInterval(this.interval);
    this.firstCheck = this.interval = undefined;
  }
}
