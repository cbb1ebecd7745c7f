/**
 * Browser shell: an app's own window (core apps/pop-out.ts). An iframe cannot move to another
 * window, so the UI opens a window of ours — this same UI page with `?popout=<viewId>` (and this
 * run's token, as every page of the shell needs), which frames the app-frame page of that view
 * alone (PopOutPage.tsx) — and the app loads again there after saving its state (PrepareReload).
 *
 * - The window is opened in the click itself (`window.open` needs the user's gesture), at the
 *   place remembered for the App Object (`RunningApp.popOutBounds`: `left`/`top` the outer
 *   position, `width`/`height` the content size, as Chromium reads them; the browser keeps it on
 *   a screen). Blocked by the browser: `window.open` gives nothing, and the UI says so.
 * - Each view's window has a name of its own, so "Bring to front" finds it again after this page
 *   reloaded. Electron makes its windows itself and needs none of this.
 * - The page of the app's own window reports where it is (`savePopOutBounds`) when it is resized
 *   (settled), loses the focus (the user moved it and went on) and goes away, in the terms
 *   `window.open` takes (`PopOutBoundsReporter.opened`).
 */
import { webPopOutParam, type BridgeApi } from '../../main/core/bridge/channels.js';
import type { PopOutBounds, RunningApp } from '../../main/core/bridge/views.js';
import { shellToken } from './bridge.js';

/** An app's own window when nothing is remembered for it (Electron's default too). */
export const defaultPopOutSize = { width: 800, height: 600 };
/** How long resizing must pause before the new size is saved. */
const SAVE_DEBOUNCE_MS = 500;

/** The view this page shows as an app's own window (`/?popout=<viewId>`), or undefined for the main window. */
export function popOutViewOf(location: Pick<Location, 'search'>): string | undefined {
  return new URLSearchParams(location.search).get(webPopOutParam) ?? undefined;
}

export function popOutUrl(viewId: string): string {
  return `./?token=${encodeURIComponent(shellToken())}&${webPopOutParam}=${encodeURIComponent(viewId)}`;
}

export function popOutWindowName(viewId: string): string {
  return `myapps-app-${viewId}`;
}

/** `window.open` features: a pop-up window of its own, where this App Object's window was last. */
export function popOutFeatures(bounds: PopOutBounds | undefined): string {
  const size = bounds ?? defaultPopOutSize;
  return ['popup', ...(bounds ? [`left=${bounds.x}`, `top=${bounds.y}`] : []), `width=${size.width}`, `height=${size.height}`].join(',');
}

/** The windows this page opened, by view id. */
const opened = new Map<string, Window>();

/** Open the app's own window (or take the one it has); undefined when the browser blocked it. */
export function openPopOutWindow(app: Pick<RunningApp, 'viewId' | 'popOutBounds'>): Window | undefined {
  const known = opened.get(app.viewId);
  if (known && !known.closed) return known;
  const win = window.open(popOutUrl(app.viewId), popOutWindowName(app.viewId), popOutFeatures(app.popOutBounds)) ?? undefined;
  if (win) opened.set(app.viewId, win);
  return win;
}

/**
 * Bring the app's own window to the front; false when the browser blocked opening it. Found by
 * its name when another page opened it; a window that is gone is opened again.
 */
export function focusPopOutWindow(app: Pick<RunningApp, 'viewId' | 'popOutBounds'>): boolean {
  let win = opened.get(app.viewId);
  if (!win || win.closed) {
    // An empty URL finds the named window without loading it again; a new one is blank.
    win = window.open('', popOutWindowName(app.viewId), popOutFeatures(app.popOutBounds)) ?? undefined;
    if (!win) return false;
    if (win.location.href === 'about:blank') win.location.replace(popOutUrl(app.viewId));
    opened.set(app.viewId, win);
  }
  win.focus();
  return true;
}

/** More than this between the size asked for and the size given is not a window frame (the screen was smaller). */
const MAX_FRAME_PX = 200;

export interface PopOutBoundsReporter {
  /**
   * The size this window was opened with (`popOutFeatures`): browsers differ in what `width` and
   * `height` size (headless Chromium the whole window, others the content), so the difference to
   * the content size it got is added back to every size saved — the same window opens next time.
   */
  opened(requested: { width: number; height: number }): void;
  /** Save where the window is now (before the page docks the app). */
  saveNow(): void;
  stop(): void;
}

/** In the page of an app's own window: report where it is as it changes (outer position, size as `window.open` takes it). */
export function reportPopOutBounds(viewId: string, bridge: Pick<BridgeApi, 'invoke'>): PopOutBoundsReporter {
  let sent = '';
  let timer: number | undefined;
  let frame: { width: number; height: number } | undefined;
  const part = (px: number) => (px >= 0 && px <= MAX_FRAME_PX ? px : 0);
  const saveNow = () => {
    window.clearTimeout(timer);
    // Not before the size it was opened with is known: the frame would be missing from it.
    if (!frame) return;
    const bounds = { x: window.screenX, y: window.screenY, width: window.innerWidth + frame.width, height: window.innerHeight + frame.height };
    const text = JSON.stringify(bounds);
    if (text === sent || bounds.width <= 0 || bounds.height <= 0) return;
    sent = text;
    void bridge.invoke({ type: 'savePopOutBounds', viewId, bounds }).then((result) => {
      // Not saved: say it again next time.
      if (!result.ok && sent === text) sent = '';
    });
  };
  const soon = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(saveNow, SAVE_DEBOUNCE_MS);
  };
  // A browser tells a page of no move: the place is read when the window loses the focus or goes.
  window.addEventListener('resize', soon);
  window.addEventListener('blur', saveNow);
  window.addEventListener('pagehide', saveNow);
  return {
    opened: (requested) => {
      frame ??= { width: part(requested.width - window.innerWidth), height: part(requested.height - window.innerHeight) };
    },
    saveNow,
    stop: () => {
      window.clearTimeout(timer);
      window.removeEventListener('resize', soon);
      window.removeEventListener('blur', saveNow);
      window.removeEventListener('pagehide', saveNow);
    },
  };
}
