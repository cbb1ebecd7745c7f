/**
 * The app views of the desktop build: one `WebContentsView` per running app, owned by the main
 * process (architecture.md, "The app view"). The core says which apps run (`runningApps`) and
 * which is in front (`activeApp`); the UI says where its placeholder is (`placeAppView`); this
 * module only makes the views match.
 *
 * Each view:
 * - lives in its app's own partition `persist:app-<App Object>` (web-preferences.ts), set up
 *   once by app-sessions.ts; sandboxed, context-isolated, no Node, its own one-purpose preload
 *   (`dist/preload/app-frame.cjs`, exposing only `window.myappsAppFrame`);
 * - loads our app-frame page TOP-LEVEL (`app://myapps/appframe.html?view=<id>`), which iframes
 *   the app as in the browser shell (innovaphone's app library needs a parent window);
 * - is bound to its view id by its web contents (the relay asks `viewOfContents`), never by
 *   anything the page says;
 * - keeps its top frame on the app-frame page and its app frame on the App URL's origin
 *   (`will-frame-navigate`, `will-redirect`; the core decides the app's origin); a call link
 *   (`tel:`, `sip:`, `callto:`) a frame of the app navigates to is click-to-dial (`followLink`).
 * Hidden API providers are views too, never shown. A crashed view is reloaded (a few times).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BrowserWindow, type WebContents, type WebFrameMain, WebContentsView, desktopCapturer, session as electronSession } from 'electron';
import { appFramePagePath } from '../core/bridge/app-frame.js';
import { type Shortcut, shortcutOf } from '../core/bridge/shortcuts.js';
import type { AppViewBounds, RunningApp } from '../core/bridge/views.js';
import type { AppViewInfo } from '../core/client/client.js';
import type { Logger } from '../core/common/log.js';
import { type AppFrameRelay, isAppFramePageUrl } from './app-frame-relay.js';
import { type AppSessionCore, setupAppSession } from './app-sessions.js';
import { SHELL_ORIGIN, callLinkOf } from './navigation.js';
import type { PermissionLogger } from './permissions.js';
import { type PopOutCore, PopOutWindows } from './pop-out-windows.js';
import { APP_PARTITION_PREFIX, appPartition, secureWebPreferences } from './web-preferences.js';

/** The app-frame page of a view. */
export function appFramePageUrl(viewId: string): string {
  return `${SHELL_ORIGIN}${appFramePagePath}?view=${encodeURIComponent(viewId)}`;
}

/** A crashed view is reloaded at most this often per minute; then it stays failed (the core's attach limit says so). */
const MAX_CRASH_RELOADS_PER_MINUTE = 3;
/** Size given to views that are never shown (hidden providers), so their pages lay out normally. */
const HIDDEN_VIEW_SIZE = { width: 800, height: 600 };

export interface AppViewsCore extends AppSessionCore, PopOutCore {
  appView(viewId: string): AppViewInfo | undefined;
  appNavigationAllowed(viewId: string, url: string): boolean;
}

export interface AppViewsOptions {
  window: () => BrowserWindow | undefined;
  core: AppViewsCore;
  relay: () => AppFrameRelay;
  /** Absolute path of the app views' preload. */
  preload: string;
  rendererRoot: string;
  /** `app.getPath('userData')`: partitions live in its `Partitions` folder. */
  userData: string;
  log: Logger;
  logPermission: PermissionLogger;
  /** Click-to-dial: a call link an app's frame navigates to goes to the core as `followLink`. */
  followLink: (link: string) => void;
  /** One of the client's shortcuts (Ctrl+K) pressed in an app view, which the UI's web contents never hears. */
  shortcut: (shortcut: Shortcut) => void;
  /** The displays, for apps' own windows (pop-out-windows.ts). */
  screen: ConstructorParameters<typeof PopOutWindows>[0]['screen'];
}

interface View {
  viewId: string;
  name: string;
  view: WebContentsView;
  hidden: boolean;
  frameEpoch: number;
  devTools: boolean;
  crashes: number[];
}

export class AppViews {
  private readonly views = new Map<string, View>();
  private readonly byContents = new Map<number, string>();
  /** Partitions set up in this run. */
  private readonly partitions = new Set<string>();
  private active: string | undefined;
  private bounds: AppViewBounds | undefined;
  /** Apps in windows of their own: their views live there, not in the main window. */
  private readonly popOuts: PopOutWindows;

  constructor(private readonly options: AppViewsOptions) {
    this.popOuts = new PopOutWindows({
      // pop-out-windows.ts gives secureWebPreferences; the key flags are set here too, literally, where the window is made (and for the static scanner).
      createWindow: (o) => new BrowserWindow({ ...o, webPreferences: { ...o.webPreferences, nodeIntegration: false, contextIsolation: true, sandbox: true } }),
      screen: options.screen,
      core: options.core,
      log: options.log,
    });
  }

  /** The view a web contents belongs to (the relay's and the permission handlers' identity check). */
  viewOfContents(webContentsId: number): string | undefined {
    return this.byContents.get(webContentsId);
  }

  /** Make the views match the core's running apps. An unloaded app (idle-unload.ts) has no view: it is closed. */
  sync(all: readonly RunningApp[]): void {
    const running = all.filter((a) => a.state !== 'unloaded');
    const ids = new Set(running.map((a) => a.viewId));
    for (const v of [...this.views.values()]) if (!ids.has(v.viewId)) this.destroy(v);
    for (const app of running) {
      const existing = this.views.get(app.viewId);
      if (!existing) this.create(app);
      else {
        existing.hidden = app.hidden;
        if (existing.frameEpoch !== app.frameEpoch) {
          // Retry of a view whose page never attached: load the page again.
          existing.frameEpoch = app.frameEpoch;
          this.load(existing);
        }
      }
      this.placeInWindow(app);
    }
    this.layout();
  }

  /** Bring an app's own window to the front (the core's `popOutApp` for an app that is out already). */
  focusPopOut(viewId: string): void {
    this.popOuts.focus(viewId);
  }

  /** The app's view in its own window or in the main window, as the core says (moved, never loaded again). */
  private placeInWindow(app: RunningApp): void {
    const v = this.views.get(app.viewId);
    if (!v || app.poppedOut === this.popOuts.isOut(app.viewId)) return;
    if (app.poppedOut) this.popOuts.popOut(app.viewId, v.view, this.options.window(), app);
    else this.popOuts.dock(app.viewId, this.options.window());
  }

  setActive(viewId: string | undefined): void {
    this.active = viewId;
    this.layout();
    // An app in its own window comes to the front there (a notification's click, the app's BringToFront, the strip).
    if (viewId !== undefined) this.popOuts.focus(viewId);
  }

  /** Where the UI's placeholder is (CSS px of the main window); undefined: show no view. */
  place(bounds: AppViewBounds | undefined): void {
    this.bounds = bounds;
    this.layout();
  }

  /** The web contents of an app view while it lives (api-ports.ts posts its channel ports there). */
  contentsOf(viewId: string): WebContents | undefined {
    const contents = this.views.get(viewId)?.view.webContents;
    return contents && !contents.isDestroyed() ? contents : undefined;
  }

  /**
   * The memory of each app view in bytes: the working set (`memory.workingSetSize`, KB) of every
   * process it runs in — the app-frame page's and, with site isolation, the app iframe's own —
   * from `app.getAppMetrics()`. Partitions never share a renderer process, so no process is
   * counted for two apps.
   */
  memory(metrics: readonly { pid: number; memory: { workingSetSize: number } }[]): Map<string, number> {
    const kb = new Map(metrics.map((m) => [m.pid, m.memory.workingSetSize]));
    const result = new Map<string, number>();
    for (const v of this.views.values()) {
      const contents = v.view.webContents;
      if (contents.isDestroyed()) continue;
      const pids = new Set<number>([contents.getOSProcessId()]);
      for (const frame of contents.mainFrame?.framesInSubtree ?? []) pids.add(frame.osProcessId);
      let total = 0;
      let found = false;
      for (const pid of pids) {
        const size = kb.get(pid);
        if (size === undefined) continue;
        found = true;
        total += size * 1024;
      }
      if (found) result.set(v.viewId, total);
    }
    return result;
  }

  openDevTools(viewId: string): boolean {
    const v = this.views.get(viewId);
    if (!v || !v.devTools || v.view.webContents.isDestroyed()) return false;
    v.view.webContents.openDevTools({ mode: 'detach' });
    return true;
  }

  /**
   * Logout: wipe what every app stored. Partitions of this run and those left on disk by
   * earlier runs (an app the user no longer has keeps its folder until then).
   */
  async clearAppData(): Promise<void> {
    const names = new Set(this.partitions);
    try {
      for (const dir of await readdir(join(this.options.userData, 'Partitions'))) if (dir.startsWith(APP_PARTITION_PREFIX)) names.add(`persist:${dir}`);
    } catch {
      // No Partitions folder yet: nothing stored on disk.
    }
    await Promise.all(
      [...names].map(async (partition) => {
        const s = electronSession.fromPartition(partition);
        await s.clearStorageData();
        await s.clearCache();
      }),
    );
    this.options.log('info', 'app storage cleared', { partitions: names.size });
  }

  dispose(): void {
    for (const v of [...this.views.values()]) this.destroy(v);
  }

  // ------------------------------------------------------------------ helpers

  private create(app: RunningApp): void {
    const win = this.options.window();
    const info = this.options.core.appView(app.viewId);
    if (!win || win.isDestroyed() || !info) return;
    const partition = appPartition(info.name);
    if (!this.partitions.has(partition)) {
      this.partitions.add(partition);
      setupAppSession(electronSession.fromPartition(partition), {
        appUrl: info.url,
        rendererRoot: this.options.rendererRoot,
        viewOf: (contents) => (contents ? this.viewOfContents(contents.id) : undefined),
        runningView: () => [...this.views.values()].find((v) => v.name === info.name)?.viewId,
        core: this.options.core,
        desktopCapturer,
        log: this.options.log,
        logPermission: this.options.logPermission,
      });
    }
    const view = new WebContentsView({
      // secureWebPreferences decides (unit-tested); the key flags are repeated literally for the static scanner.
      webPreferences: { ...secureWebPreferences('app', { appName: info.name, preload: this.options.preload, devTools: info.devTools }), nodeIntegration: false, contextIsolation: true, sandbox: true },
    });
    const v: View = { viewId: app.viewId, name: info.name, view, hidden: app.hidden, frameEpoch: app.frameEpoch, devTools: info.devTools, crashes: [] };
    this.views.set(app.viewId, v);
    const contents = view.webContents;
    this.byContents.set(contents.id, app.viewId);
    this.options.relay().watch(app.viewId, contents);
    // The top frame shows our app-frame page and nothing else (guardWebContents already keeps it
    // on our own pages; no other page of ours belongs in an app view). The app's own frame, the one
    // child of that page, stays on the App URL's origin — navigations and server redirects alike.
    // Deeper frames are the app's own business (its CSP).
    const guard = (event: { url: string; isMainFrame: boolean; frame: WebFrameMain | null; preventDefault(): void }, what: string) => {
      // A tel:/sip:/callto: link the app (or anything it embeds) follows is click-to-dial: the
      // core dials it through a phone app; the frame stays where it is.
      const link = event.isMainFrame ? undefined : callLinkOf(event.url);
      if (link !== undefined) {
        event.preventDefault();
        this.options.log('info', 'an app followed a call link', { app: info.name });
        return this.options.followLink(link);
      }
      const allowed = event.isMainFrame ? isAppFramePageUrl(event.url) : event.frame?.parent?.parent !== null || this.options.core.appNavigationAllowed(app.viewId, event.url);
      if (allowed) return;
      event.preventDefault();
      this.options.log('warn', `an app view ${what} was refused`, { app: info.name, url: event.url.slice(0, 200), topFrame: event.isMainFrame });
    };
    contents.on('will-frame-navigate', (event) => guard(event, 'navigation'));
    contents.on('will-redirect', (event) => guard(event, 'redirect'));
    // The client's shortcuts, wherever the focus is in the view (its page or the app's frame):
    // taken before the page sees the key, so the app never gets it (neither its keydown nor its keyup).
    contents.on('before-input-event', (event, input) => {
      const shortcut = shortcutOf({ key: input.key, ctrl: input.control, meta: input.meta, alt: input.alt, shift: input.shift });
      if (shortcut === undefined) return;
      event.preventDefault();
      if (input.type === 'keyDown' && !input.isAutoRepeat) this.options.shortcut(shortcut);
    });
    contents.on('render-process-gone', (_event, details) => {
      this.options.log('error', 'an app view ended', { app: info.name, reason: details.reason });
      const now = Date.now();
      v.crashes = [...v.crashes.filter((t) => now - t < 60_000), now];
      if (details.reason !== 'clean-exit' && v.crashes.length <= MAX_CRASH_RELOADS_PER_MINUTE && this.views.get(app.viewId) === v) this.load(v);
    });
    win.contentView.addChildView(view);
    // Until the UI places it, the page lays out at the window's size (never at 0×0).
    const { width, height } = win.getContentBounds();
    view.setBounds({ x: 0, y: 0, width, height });
    view.setVisible(false);
    this.load(v);
  }

  private load(v: View): void {
    if (v.view.webContents.isDestroyed()) return;
    v.view.webContents.loadURL(appFramePageUrl(v.viewId)).catch((e: unknown) => this.options.log('warn', 'an app view did not load', { app: v.name, error: String(e) }));
  }

  private destroy(v: View): void {
    this.views.delete(v.viewId);
    this.options.relay().forget(v.viewId);
    const contents = v.view.webContents;
    this.byContents.delete(contents.id);
    const win = this.options.window();
    if (this.popOuts.isOut(v.viewId)) this.popOuts.release(v.viewId);
    else if (win && !win.isDestroyed()) win.contentView.removeChildView(v.view);
    if (!contents.isDestroyed()) contents.close();
  }

  /** The view in front at the placeholder's bounds (scaled by the UI's zoom), all others hidden. */
  private layout(): void {
    const win = this.options.window();
    const zoom = win && !win.isDestroyed() ? win.webContents.getZoomFactor() : 1;
    for (const v of this.views.values()) {
      // An app in its own window fills that window (pop-out-windows.ts).
      if (this.popOuts.isOut(v.viewId)) continue;
      const shown = v.viewId === this.active && !v.hidden && this.bounds !== undefined;
      if (shown && this.bounds) {
        const b = this.bounds;
        v.view.setBounds({ x: Math.round(b.x * zoom), y: Math.round(b.y * zoom), width: Math.round(b.width * zoom), height: Math.round(b.height * zoom) });
      } else if (v.hidden) {
        v.view.setBounds({ x: 0, y: 0, ...HIDDEN_VIEW_SIZE });
      }
      v.view.setVisible(shown);
    }
  }
}
