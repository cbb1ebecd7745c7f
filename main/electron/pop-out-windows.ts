/**
 * Apps in windows of their own in the desktop build. The core says which app is popped out
 * (`RunningApp.poppedOut`, core apps/pop-out.ts); AppViews asks this module to make the windows
 * match. The app's own `WebContentsView` is MOVED between the main window and its own window
 * (`removeChildView` from one content view, `addChildView` to the other): the same web contents,
 * never loaded again, so the app keeps everything — its page, its login, its connections — and
 * the guards installed on its web contents when its view was made (app-views.ts) stay with it.
 *
 * Each window:
 * - is a `BrowserWindow` (made by app-views.ts, which loads Electron) with the shell's secure webPreferences (web-preferences.ts: sandbox,
 *   context isolation, no Node, no preload — its own page shows nothing and is covered by the
 *   app's view) and the app's title;
 * - opens where this App Object's window was last (settings.json `popOutWindows`), checked
 *   against the displays there are now (window-state.ts `placeWindow`: on none of them, it opens
 *   in the middle of the primary display), and remembers where it is as it moves and resizes
 *   (debounced) and when it closes;
 * - is filled by the app's view, on every resize;
 * - docks the app when the user closes it: the view goes back into the main window first (a
 *   window's views must not go down with it), then the core is told (`popOutWindowClosed`).
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, Screen, WebContentsView } from 'electron';
import type { CommandResult } from '../core/bridge/commands.js';
import type { PopOutBounds, RunningApp } from '../core/bridge/views.js';
import type { Logger } from '../core/common/log.js';
import { secureWebPreferences } from './web-preferences.js';
import { SAVE_DEBOUNCE_MS, type Size, displayAreas, placeWindow } from './window-state.js';

/** An app's own window when nothing is remembered for it. */
export const DEFAULT_POP_OUT_SIZE: Size = { width: 800, height: 600 };
/** The smallest an app's own window may be. */
export const POP_OUT_MIN_SIZE: Size = { width: 320, height: 240 };

export interface PopOutCore {
  popOutWindowClosed(viewId: string): void;
  savePopOutBounds(viewId: string, bounds: PopOutBounds): Promise<CommandResult>;
}

export interface PopOutWindowsOptions {
  /** `new BrowserWindow(options)`: only app-views.ts, main.ts and windows.ts load Electron at run time. */
  createWindow(options: BrowserWindowConstructorOptions): BrowserWindow;
  screen: Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay'>;
  core: PopOutCore;
  log: Logger;
  debounceMs?: number;
}

interface PopOut {
  view: WebContentsView;
  win: BrowserWindow;
  /** The core docks it (or the app closes): closing the window is ours, not the user's. */
  ours: boolean;
  /** Where it was last saved, so an unchanged place is not written again. */
  saved: string;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class PopOutWindows {
  private readonly open = new Map<string, PopOut>();

  constructor(private readonly options: PopOutWindowsOptions) {}

  isOut(viewId: string): boolean {
    return this.open.has(viewId);
  }

  /** Move the app's view out of the main window into a new window of its own, and show it. */
  popOut(viewId: string, view: WebContentsView, main: BrowserWindow | undefined, app: Pick<RunningApp, 'title' | 'popOutBounds'>): void {
    if (this.open.has(viewId)) return;
    const place = placeWindow(app.popOutBounds, displayAreas(this.options.screen), DEFAULT_POP_OUT_SIZE, POP_OUT_MIN_SIZE) ?? DEFAULT_POP_OUT_SIZE;
    const win = this.options.createWindow({
      ...place,
      minWidth: POP_OUT_MIN_SIZE.width,
      minHeight: POP_OUT_MIN_SIZE.height,
      show: false,
      title: app.title,
      // secureWebPreferences decides (unit-tested); the key flags are repeated literally for the static scanner.
      webPreferences: { ...secureWebPreferences('shell', { devTools: false }), nodeIntegration: false, contextIsolation: true, sandbox: true },
    });
    const entry: PopOut = { view, win, ours: false, saved: '', timer: undefined };
    this.open.set(viewId, entry);
    if (main && !main.isDestroyed()) main.contentView.removeChildView(view);
    win.contentView.addChildView(view);
    this.fill(entry);
    view.setVisible(true);
    // The app keeps its title; its own page's title must not replace it.
    win.on('page-title-updated', (event) => event.preventDefault());
    win.on('resize', () => {
      this.fill(entry);
      this.schedule(viewId, entry);
    });
    win.on('move', () => this.schedule(viewId, entry));
    win.on('close', () => {
      clearTimeout(entry.timer);
      this.save(viewId, entry);
      if (entry.ours) return;
      // The user closed it: the app docks, its view back in the main window before this window goes.
      this.open.delete(viewId);
      this.moveBack(entry, this.mainOf(main));
      this.options.core.popOutWindowClosed(viewId);
    });
    win.show();
  }

  /** Move the app's view back into the main window and close its own window. */
  dock(viewId: string, main: BrowserWindow | undefined): void {
    const entry = this.open.get(viewId);
    if (!entry) return;
    this.open.delete(viewId);
    entry.ours = true;
    this.moveBack(entry, this.mainOf(main));
    if (!entry.win.isDestroyed()) entry.win.close();
  }

  /** The app closed (or its view goes): its window closes without docking anything. */
  release(viewId: string): void {
    const entry = this.open.get(viewId);
    if (!entry) return;
    this.open.delete(viewId);
    entry.ours = true;
    if (entry.win.isDestroyed()) return;
    entry.win.contentView.removeChildView(entry.view);
    entry.win.close();
  }

  /** Bring the app's own window to the front (restored, shown, focused). */
  focus(viewId: string): void {
    const win = this.open.get(viewId)?.win;
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  dispose(): void {
    for (const viewId of [...this.open.keys()]) this.release(viewId);
  }

  private mainOf(main: BrowserWindow | undefined): BrowserWindow | undefined {
    return main && !main.isDestroyed() ? main : undefined;
  }

  /** The view leaves its own window for the main window, hidden until AppViews places it there. */
  private moveBack(entry: PopOut, main: BrowserWindow | undefined): void {
    if (!entry.win.isDestroyed()) entry.win.contentView.removeChildView(entry.view);
    if (!main) return;
    main.contentView.addChildView(entry.view);
    entry.view.setVisible(false);
  }

  /** The app's view fills its window's content area. */
  private fill(entry: PopOut): void {
    if (entry.win.isDestroyed()) return;
    const { width, height } = entry.win.getContentBounds();
    entry.view.setBounds({ x: 0, y: 0, width, height });
  }

  private schedule(viewId: string, entry: PopOut): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.save(viewId, entry), this.options.debounceMs ?? SAVE_DEBOUNCE_MS);
  }

  /** Remember where the window is (its normal bounds: a maximised window reopens at its normal place). */
  private save(viewId: string, entry: PopOut): void {
    if (entry.win.isDestroyed()) return;
    const { x, y, width, height } = entry.win.getNormalBounds();
    const bounds = { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) };
    const text = JSON.stringify(bounds);
    if (text === entry.saved) return;
    entry.saved = text;
    this.options.core.savePopOutBounds(viewId, bounds).then(
      (result) => !result.ok && this.options.log('warn', 'the place of an app window could not be saved', { error: result.error }),
      (e: unknown) => this.options.log('warn', 'the place of an app window could not be saved', { error: String(e) }),
    );
  }
}
