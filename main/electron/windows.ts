/**
 * The main window and the guards every web contents gets (security controls 1–4).
 * Electron wiring only: each decision is a pure function of web-preferences.ts or
 * navigation.ts, unit-tested there.
 */
import { BrowserWindow, shell, type WebContents } from 'electron';
import type { Logger } from '../core/common/log.js';
import { SHELL_ORIGIN, externalOpenDecision, isAllowedShellNavigation } from './navigation.js';
import { secureWebPreferences } from './web-preferences.js';

/** The first page of the shell. */
export const SHELL_START_URL = `${SHELL_ORIGIN}/index.html`;

const guarded = new WeakSet<WebContents>();

/**
 * Guards for any web contents (main.ts applies them to every one created, through
 * `app.on('web-contents-created')`; calling twice is harmless):
 * - no `<webview>` may attach (we use none; control 2);
 * - `window.open` / `target=_blank` never opens an Electron window; https and mailto links go
 *   to the OS through `shell.openExternal` with the normalised URL, all else is refused (control 4);
 * - the top frame may navigate only between our own pages (control 3). App views keep their
 *   top frame on our app-frame page too; the app's own frame is checked there with
 *   `isAllowedAppNavigation`.
 */
export function guardWebContents(contents: WebContents, log: Logger): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  contents.on('will-attach-webview', (event, _webPreferences, params) => {
    event.preventDefault();
    log('warn', 'a <webview> was refused', { src: params.src?.slice(0, 200) });
  });
  contents.setWindowOpenHandler(({ url }) => {
    const decision = externalOpenDecision(url);
    if (decision.kind === 'open-external') {
      shell.openExternal(decision.url).catch((e: unknown) => log('warn', 'could not open a link outside the client', { error: String(e) }));
    } else {
      log('warn', 'a new window was refused', { url: url.slice(0, 200), reason: decision.reason });
    }
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (isAllowedShellNavigation(event.url)) return;
    event.preventDefault();
    log('warn', 'a navigation was refused', { url: event.url.slice(0, 200) });
  });
  contents.on('will-redirect', (event) => {
    if (!event.isMainFrame || isAllowedShellNavigation(event.url)) return;
    event.preventDefault();
    log('warn', 'a redirect was refused', { url: event.url.slice(0, 200) });
  });
}

export interface MainWindowOptions {
  /** Absolute path of the compiled, sandboxed (CommonJS) bridge preload. */
  preload: string;
  /** DevTools only in developer mode (control 13). */
  devTools: boolean;
  /** Start minimised (`--minimized` or the `startMinimized` setting). */
  startMinimized: boolean;
  log: Logger;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 480,
    minHeight: 400,
    show: false,
    title: 'myApps Desktop',
    // secureWebPreferences decides (and is unit-tested); the key flags are repeated literally so
    // a static scanner (Electronegativity, run by npm test) can see them here too.
    webPreferences: { ...secureWebPreferences('shell', { preload: options.preload, devTools: options.devTools }), nodeIntegration: false, contextIsolation: true, sandbox: true },
  });
  guardWebContents(win.webContents, options.log);
  win.once('ready-to-show', () => {
    if (options.startMinimized) win.minimize();
    else win.show();
  });
  win.webContents.on('render-process-gone', (_event, details) => options.log('error', 'the shell renderer ended', { reason: details.reason, exitCode: details.exitCode }));
  win.loadURL(SHELL_START_URL).catch((e: unknown) => options.log('error', 'the shell page did not load', { error: String(e) }));
  return win;
}

/** Bring the main window to the front (second instance, dock click). */
export function focusMainWindow(win: BrowserWindow): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}
