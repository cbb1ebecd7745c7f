/**
 * The webPreferences of every web contents we create (security control 1), built in one
 * place so no window or view can forget a flag. PURE: only `import type` from electron, so
 * the unit tests run in plain Node.
 *
 * Decisions:
 * - Every flag that matters is set explicitly, even where Electron 45's default is already
 *   safe: a future default change or a copied option object cannot weaken it silently.
 * - `enableBlinkFeatures` is never set (it is absent from the result, not an empty string).
 * - `webviewTag: false`: we host apps in WebContentsViews / iframes, never `<webview>`
 *   (control 2 is met by having none; `will-attach-webview` is refused as well).
 * - `navigateOnDragDrop: false`: a file dropped on the window must not navigate it to `file:`.
 * - `safeDialogs: true`: a page cannot lock the user in an endless `alert()` loop.
 * - `spellcheck: false`: no dictionary download and no text sent to a spelling service.
 * - App views keep running in the background (`backgroundThrottling: false`): an app not in
 *   front still receives calls and chats, and a hidden API provider is never in front.
 * - App views get a partition of their own, `persist:app-<name>`, so apps share no cookies,
 *   storage or cache with each other or with the shell. The name is encoded injectively
 *   into lower-case letters, digits and `-` (everything else, including upper case, becomes
 *   `_xx`), so two different App Object names never share a partition, not even on a
 *   case-insensitive file system. Very long names fall back to a SHA-256 form (`_h<hex>`,
 *   never produced by the escape form because `h` is not a hex digit).
 */
import { createHash } from 'node:crypto';
import type { WebPreferences } from 'electron';

export type WebContentsKind = 'shell' | 'app';

export interface SecureWebPreferencesOptions {
  /** Absolute path of the (sandboxed, CommonJS) preload script, if any. */
  preload?: string;
  /**
   * DevTools: the shell only in developer mode; app views only when developer mode and app
   * DevTools are both on (`appDevToolsAllowed`, control 13). Off unless stated.
   */
  devTools?: boolean;
  /** App views only: the App Object name the view hosts (picks its partition). */
  appName?: string;
}

/** The longest encoded name kept readable; longer ones are hashed (well under file-name limits). */
export const MAX_READABLE_PARTITION_NAME = 96;

/** Partition folders of app views start with this (`<userData>/Partitions/app-…`). */
export const APP_PARTITION_PREFIX = 'app-';

/** `persist:app-<encoded name>`: one persistent, isolated session per app. */
export function appPartition(appName: string): string {
  if (appName.length === 0) throw new Error('An app partition needs an app name.');
  let encoded = '';
  for (const byte of Buffer.from(appName, 'utf8')) {
    const c = String.fromCharCode(byte);
    encoded += /[a-z0-9-]/.test(c) ? c : `_${byte.toString(16).padStart(2, '0')}`;
  }
  if (encoded.length > MAX_READABLE_PARTITION_NAME) encoded = `_h${createHash('sha256').update(appName, 'utf8').digest('hex').slice(0, 40)}`;
  return `persist:${APP_PARTITION_PREFIX}${encoded}`;
}

export function secureWebPreferences(kind: 'shell', options?: Omit<SecureWebPreferencesOptions, 'appName'>): WebPreferences;
export function secureWebPreferences(kind: 'app', options: SecureWebPreferencesOptions & { appName: string }): WebPreferences;
export function secureWebPreferences(kind: WebContentsKind, options: SecureWebPreferencesOptions = {}): WebPreferences {
  const prefs: WebPreferences = {
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
    devTools: options.devTools === true,
  };
  if (options.preload !== undefined) prefs.preload = options.preload;
  if (kind === 'app') {
    if (options.appName === undefined) throw new Error('App views need the app name for their partition.');
    prefs.partition = appPartition(options.appName);
    // Views not in front (and hidden API providers) must keep their timers and sockets going.
    prefs.backgroundThrottling = false;
  }
  return prefs;
}
