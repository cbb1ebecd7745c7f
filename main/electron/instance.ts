/**
 * The pure parts of starting the shell and of the single-instance hand-over (security
 * control 14): which files and link schemes are ours, which arguments are ours, what a
 * second instance forwarded, what the main window needs from the core's settings.
 * No electron import; unit-tested in Node.
 *
 * Decisions:
 * - A second instance sends its own user arguments as `additionalData` of
 *   `app.requestSingleInstanceLock` (Electron's `argv` of the `second-instance` event may be
 *   reordered and gets Chromium switches appended). The data comes from another process, so
 *   it is checked (an array of at most 64 strings of at most 4096 characters); if it is not
 *   usable, the event's `argv` is used instead. Either way everything then goes through
 *   `parseCommandLine`, which validates every flag and deep link.
 * - Flags of a second instance (`--pbx`, `--user`, ...) do not change the running client:
 *   they are reported and ignored. `--minimized` there means "do not bring the window up".
 * - Every valid deep link becomes one `followLink` command, rebuilt from the parsed link
 *   (`linkText`: `tel:<number>`, `sip:<uri>`, `myapps://app/<name>?<args>` — never the raw
 *   argument). The core decides what follows: it keeps links that come before login (or
 *   before the app list) and follows them then, dials calls through a phone app, opens apps.
 */
import { join } from 'node:path';
import type { Command, CommandResult } from '../core/bridge/commands.js';
import type { CommandLine } from '../core/config/command-line.js';
import { type DeepLink, linkText } from '../core/config/deep-link.js';

/** Link schemes the client handles (electron-builder.yml declares the same for macOS and Linux). */
export const LINK_SCHEMES = ['tel', 'sip', 'callto', 'myapps'] as const;

/** Inside the app (`app.getAppPath()`, the asar root when packaged): the files the shell loads. */
export const PRELOAD_BUNDLE = 'dist/preload/bridge.cjs';
/** The app views' preload (`window.myappsAppFrame` for the app-frame page). */
export const APP_FRAME_PRELOAD_BUNDLE = 'dist/preload/app-frame.cjs';
export const RENDERER_ROOT = 'renderer/dist';
/** Images the main process uses: `tray/` (tray icons), `badges/` (Windows taskbar overlays), `icon.png` (notifications). */
export const ASSETS_DIR = 'assets';

/** The Windows AppUserModelId: electron-builder.yml's `appId`, so toasts work from an installed build. */
export const APP_USER_MODEL_ID = 'com.github.myapps-desktop';

export function shellPaths(appPath: string): { preload: string; appFramePreload: string; rendererRoot: string; assets: string } {
  const at = (relative: string) => join(appPath, ...relative.split('/'));
  return { preload: at(PRELOAD_BUNDLE), appFramePreload: at(APP_FRAME_PRELOAD_BUNDLE), rendererRoot: at(RENDERER_ROOT), assets: at(ASSETS_DIR) };
}

export const MAX_FORWARDED_ARGS = 64;
export const MAX_FORWARDED_ARG_LENGTH = 4096;

/**
 * The arguments meant for us: without the executable, and in development (`electron .`, where
 * `process.defaultApp` is true) without the app path either. (Start the development build with
 * `electron .` from the repository root: `electron dist/main/electron/main.js` would make that
 * folder the app path, and the preloads and the renderer would not be found.)
 */
export function userArguments(argv: readonly string[], defaultApp: boolean): string[] {
  return argv.slice(defaultApp ? 2 : 1);
}

/** What a second instance passes as `additionalData`. */
export type ForwardedData = { argv: string[] };

/** The second instance's user arguments: its `additionalData` if well-formed, else the event's argv. */
export function forwardedArguments(additionalData: unknown, fallback: readonly string[]): string[] {
  if (typeof additionalData === 'object' && additionalData !== null && Object.hasOwn(additionalData, 'argv')) {
    const argv: unknown = (additionalData as { argv: unknown }).argv;
    if (Array.isArray(argv) && argv.length <= MAX_FORWARDED_ARGS && argv.every((a) => typeof a === 'string' && a.length <= MAX_FORWARDED_ARG_LENGTH)) return [...(argv as string[])];
  }
  return fallback.slice(0, MAX_FORWARDED_ARGS).filter((a) => a.length <= MAX_FORWARDED_ARG_LENGTH);
}

/** `myapps://app/x?a=1` as the app link the core's `openApp` takes: `x?a=1` (URLSearchParams form). */
export function appLinkOf(link: Extract<DeepLink, { kind: 'app' }>): string {
  const query = new URLSearchParams(link.args).toString();
  return query === '' ? link.name : `${link.name}?${query}`;
}

export { linkText };

export interface DeepLinkActions {
  /** One `followLink` per link, in the order given. */
  commands: Extract<Command, { type: 'followLink' }>[];
}

export function deepLinkActions(links: readonly DeepLink[]): DeepLinkActions {
  return { commands: links.map((link) => ({ type: 'followLink', link: linkText(link) })) };
}

export interface SecondInstanceActions extends DeepLinkActions {
  /** Bring the main window up (not when the second instance was started with `--minimized`). */
  focus: boolean;
  /** Flags that cannot change the running client, by name. */
  ignoredFlags: string[];
}

export function secondInstanceActions(commandLine: CommandLine): SecondInstanceActions {
  const { minimized, ...others } = commandLine.options;
  const ignoredFlags = Object.keys(others).filter((k) => others[k as keyof typeof others] !== undefined);
  return { ...deepLinkActions(commandLine.deepLinks), focus: minimized !== true, ignoredFlags };
}

/** What the shell itself needs from the settings in force. */
export interface ShellSettings {
  developerMode: boolean;
  startMinimized: boolean;
}

/** Read from a `getSnapshot` result; anything unexpected gives the safe defaults (off). */
export function shellSettings(result: CommandResult): ShellSettings {
  const values = field(field(result.ok ? result.value : undefined, 'settings'), 'values');
  return { developerMode: field(values, 'developerMode') === true, startMinimized: field(values, 'startMinimized') === true };
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}
