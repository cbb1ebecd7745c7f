/**
 * The main window and the guards every web contents gets (security controls 1–4).
 * Electron wiring only: each decision is a pure function of web-preferences.ts or
 * navigation.ts, unit-tested there.
 */
import { BrowserWindow, shell, type WebContents, type WebFrameMain } from 'electron';
import type { Logger } from '../core/common/log.js';
import { signInUrl } from '../core/pbx/login.js';
import { SHELL_ORIGIN, callLinkOf, externalOpenDecision, isAllowedShellFrameNavigation, isAllowedShellNavigation } from './navigation.js';
import { secureWebPreferences } from './web-preferences.js';

/** The first page of the shell. */
export const SHELL_START_URL = `${SHELL_ORIGIN}/index.html`;

const guarded = new WeakSet<WebContents>();

/**
 * Guards for any web contents (main.ts applies them to every one created, through
 * `app.on('web-contents-created')`; calling twice is harmless):
 * - no `<webview>` may attach (we use none; control 2);
 * - `window.open` / `target=_blank` never opens an Electron window; https and mailto links go
 *   to the OS through `shell.openExternal` with the normalised URL, call links (`tel:`, `sip:`,
 *   `callto:`) to the core as `followLink` (click-to-dial), all else is refused (control 4);
 * - the top frame may navigate only between our own pages (control 3); a call link it tries
 *   to navigate to is followed instead. App views keep their top frame on our app-frame page
 *   too; the app's own frame is checked there with `isAllowedAppNavigation`.
 */
export function guardWebContents(contents: WebContents, log: Logger, followLink: (link: string) => void): void {
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
    } else if (decision.kind === 'follow-link') {
      followLink(decision.link);
    } else {
      log('warn', 'a new window was refused', { url: url.slice(0, 200), reason: decision.reason });
    }
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (isAllowedShellNavigation(event.url)) return;
    event.preventDefault();
    const link = callLinkOf(event.url);
    if (link !== undefined) return followLink(link);
    log('warn', 'a navigation was refused', { url: event.url.slice(0, 200) });
  });
  contents.on('will-redirect', (event) => {
    if (!event.isMainFrame || isAllowedShellNavigation(event.url)) return;
    event.preventDefault();
    log('warn', 'a redirect was refused', { url: event.url.slice(0, 200) });
  });
}

/**
 * Single sign-on: the identity provider's page goes to the system browser (where the user's
 * company login, passkeys and password manager live), never into a window of ours. Only an
 * http(s) URL: the core checked it already; this shell checks again before handing it to the OS.
 */
export function openSignInPage(url: string, log: Logger): void {
  const checked = signInUrl(url);
  if (checked === undefined) {
    log('warn', 'a sign-in page that is not an http(s) URL was refused', { url: String(url).slice(0, 200) });
    return;
  }
  shell.openExternal(checked).catch((e: unknown) => log('warn', 'the sign-in page could not be opened in the browser', { error: String(e) }));
}

export interface MainWindowOptions {
  /** Absolute path of the compiled, sandboxed (CommonJS) bridge preload. */
  preload: string;
  /** DevTools only in developer mode (control 13). */
  devTools: boolean;
  /**
   * Do not show the window when it is ready: the client starts in the tray (`--minimized`, the
   * `startMinimized` setting, or an autostart at login). The tray (or a second start) opens it.
   */
  startHidden: boolean;
  /** Where the window goes (window-state.ts decides); position absent: the OS centres it. */
  bounds: { x?: number; y?: number; width: number; height: number };
  /** Open maximised (it was maximised when it last closed). */
  maximized: boolean;
  /** Click-to-dial links the shell page opens (guardWebContents). */
  followLink: (link: string) => void;
  /** The origin of the status page the core shows at exactly this URL (ClientCore.statusInfoOrigin): where its frame may go. */
  statusInfoOrigin: (url: string) => string | undefined;
  log: Logger;
}

/** The smallest the main window may be (the UI lays out down to this). */
export const MAIN_WINDOW_MIN_SIZE = { width: 480, height: 400 };

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    ...options.bounds,
    minWidth: MAIN_WINDOW_MIN_SIZE.width,
    minHeight: MAIN_WINDOW_MIN_SIZE.height,
    show: false,
    title: 'myApps Desktop',
    // secureWebPreferences decides (and is unit-tested); the key flags are repeated literally so
    // a static scanner (Electronegativity, run by npm test) can see them here too.
    webPreferences: { ...secureWebPreferences('shell', { preload: options.preload, devTools: options.devTools }), nodeIntegration: false, contextIsolation: true, sandbox: true },
  });
  guardWebContents(win.webContents, options.log, options.followLink);
  guardShellFrames(win.webContents, options.statusInfoOrigin, options.log);
  win.once('ready-to-show', () => {
    if (options.startHidden) {
      // Opened later (from the tray): as it was when it last closed.
      if (options.maximized) win.once('show', () => win.maximize());
      return;
    }
    // maximize() shows the window too, but does not focus it.
    if (options.maximized) win.maximize();
    win.show();
  });
  win.webContents.on('render-process-gone', (_event, details) => options.log('error', 'the shell renderer ended', { reason: details.reason, exitCode: details.exitCode }));
  win.loadURL(SHELL_START_URL).catch((e: unknown) => options.log('error', 'the shell page did not load', { error: String(e) }));
  return win;
}

/**
 * The frames of the shell window: the status strip's status-frame pages and, below them, each
 * one's status page on its own origin (isAllowedShellFrameNavigation) — on navigations and
 * server redirects alike. The top frame is guardWebContents' business.
 */
function guardShellFrames(contents: WebContents, statusInfoOrigin: (url: string) => string | undefined, log: Logger): void {
  const guard = (event: { url: string; isMainFrame: boolean; frame: WebFrameMain | null; preventDefault(): void }, what: string) => {
    if (event.isMainFrame) return;
    const ancestors: string[] = [];
    for (let f = event.frame?.parent ?? null; f !== null && f.parent !== null; f = f.parent) ancestors.push(f.url);
    if (event.frame !== null && isAllowedShellFrameNavigation(event.url, ancestors, statusInfoOrigin)) return;
    event.preventDefault();
    log('warn', `a ${what} of a frame in the main window was refused`, { url: event.url.slice(0, 200), depth: ancestors.length + 1 });
  };
  contents.on('will-frame-navigate', (event) => guard(event, 'navigation'));
  contents.on('will-redirect', (event) => guard(event, 'redirect'));
}

/** Bring the main window to the front (second instance, dock click, tray, a notification click). */
export function focusMainWindow(win: BrowserWindow): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}
