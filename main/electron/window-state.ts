/**
 * The main window's size, position and maximised state, remembered per display and restored
 * where the window was.
 *
 * - A display is known by its bounds (`displayKey`: "x,y,width,height"; Electron's display
 *   ids change between sessions on some systems, the arrangement does not). Per display the
 *   window's normal bounds and whether it was maximised are kept in the core's shell state
 *   (`saveShellState({ windows })`, settings.json), the display used last as the last entry.
 * - Saved on move, resize, maximise and unmaximise (debounced), and at once when the window
 *   is closed (hidden) — only when something changed.
 * - Restored at start on the display used last, fitted into its work area (a window larger
 *   than the display shrinks to it; one partly off it moves onto it). When that display is gone,
 *   or the saved bounds are off it, the window goes to the middle of the primary display with
 *   its last size (fitted) — never somewhere no screen shows.
 *
 * `displayKey`, `restoreBounds` and `rememberWindow` are PURE (unit-tested);
 * `WindowStateKeeper` reads the screen and the window. Only `import type` from electron.
 */
import type { BrowserWindow, Rectangle, Screen } from 'electron';
import type { ShellState, WindowBounds } from '../core/config/settings.js';
import type { Logger } from '../core/common/log.js';

export type { WindowBounds };

export interface DisplayArea {
  bounds: Rectangle;
  workArea: Rectangle;
  primary: boolean;
}

export interface Placement {
  x: number;
  y: number;
  width: number;
  height: number;
  maximized: boolean;
  /** The display it is on. */
  displayKey: string;
}

export interface Size {
  width: number;
  height: number;
}

/** The size the window opens with when nothing is remembered. */
export const DEFAULT_WINDOW_SIZE: Size = { width: 1100, height: 760 };
/** Displays remembered at most (the oldest is forgotten). */
export const MAX_REMEMBERED_DISPLAYS = 8;
/** How long moves and resizes settle before they are saved. */
export const SAVE_DEBOUNCE_MS = 500;

export function displayKey(display: { bounds: Rectangle }): string {
  const { x, y, width, height } = display.bounds;
  return `${x},${y},${width},${height}`;
}

function usable(b: Rectangle): boolean {
  return [b.x, b.y, b.width, b.height].every(Number.isFinite) && b.width > 0 && b.height > 0;
}

/** How much of two rectangles covers both (0 when they are apart or only touch). */
function overlapArea(a: Rectangle, b: Rectangle): number {
  return Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
}

function overlaps(a: Rectangle, b: Rectangle): boolean {
  return overlapArea(a, b) > 0;
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(v, hi));

/** A size that fits the area: at least `min` where the area allows, never larger than the area. */
function fitSize(size: Size, area: Rectangle, min: Size): Size {
  return {
    width: Math.round(clamp(size.width, Math.min(min.width, area.width), area.width)),
    height: Math.round(clamp(size.height, Math.min(min.height, area.height), area.height)),
  };
}

/** Bounds moved (and shrunk) so that the whole window lies in the area. */
function fitInto(b: Rectangle, area: Rectangle, min: Size): Rectangle {
  const size = fitSize(b, area, min);
  return {
    x: Math.round(clamp(b.x, area.x, area.x + area.width - size.width)),
    y: Math.round(clamp(b.y, area.y, area.y + area.height - size.height)),
    ...size,
  };
}

function centred(size: Size, area: Rectangle): Rectangle {
  return { x: Math.round(area.x + (area.width - size.width) / 2), y: Math.round(area.y + (area.height - size.height) / 2), ...size };
}

/**
 * Where the window opens. `saved`: per display key, the last entry the display used last.
 * `displays`: the displays there are now (one is primary). Undefined when there is no display.
 */
export function restoreBounds(saved: Readonly<Record<string, WindowBounds>> | undefined, displays: readonly DisplayArea[], defaults: Size, min: Size = { width: 0, height: 0 }): Placement | undefined {
  const entries = Object.entries(saved ?? {}).filter(([, b]) => usable(b));
  const last = entries.at(-1);
  if (last) {
    const [key, b] = last;
    const display = displays.find((d) => displayKey(d) === key);
    // The display is still there and the window was (at least partly) on it: back where it was.
    if (display && overlaps(b, display.workArea)) return { ...fitInto(b, display.workArea, min), maximized: b.maximized, displayKey: key };
  }
  const primary = displays.find((d) => d.primary) ?? displays[0];
  if (!primary) return undefined;
  const size = fitSize(last ? last[1] : defaults, primary.workArea, min);
  return { ...centred(size, primary.workArea), maximized: last ? last[1].maximized : false, displayKey: displayKey(primary) };
}

/**
 * Where a window remembered by its place alone opens (an app's own window, core apps/pop-out.ts):
 * on the display it overlaps most, fitted into its work area; when it is on no display that
 * exists now (one unplugged), or nothing is remembered, in the middle of the primary display with
 * its last size (fitted). Undefined when there is no display.
 */
export function placeWindow(saved: Rectangle | undefined, displays: readonly DisplayArea[], defaults: Size, min: Size = { width: 0, height: 0 }): Rectangle | undefined {
  const primary = displays.find((d) => d.primary) ?? displays[0];
  if (!primary) return undefined;
  const known = saved && usable(saved) ? saved : undefined;
  if (known) {
    const best = displays.filter((d) => overlaps(known, d.workArea)).sort((a, b) => overlapArea(known, b.workArea) - overlapArea(known, a.workArea))[0];
    if (best) return fitInto(known, best.workArea, min);
  }
  return centred(fitSize(known ?? defaults, primary.workArea, min), primary.workArea);
}

/** The remembered windows with `bounds` for the display `key`, as the display used last. */
export function rememberWindow(windows: Readonly<Record<string, WindowBounds>> | undefined, key: string, bounds: WindowBounds, max = MAX_REMEMBERED_DISPLAYS): Record<string, WindowBounds> {
  const others = Object.entries(windows ?? {}).filter(([k]) => k !== key);
  return Object.fromEntries([...others.slice(Math.max(0, others.length - (max - 1))), [key, bounds]]);
}

/** The displays there are now, the primary one marked. */
export function displayAreas(screen: Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay'>): DisplayArea[] {
  const primaryId = screen.getPrimaryDisplay().id;
  return screen.getAllDisplays().map((d) => ({ bounds: d.bounds, workArea: d.workArea, primary: d.id === primaryId }));
}

export interface WindowStateCore {
  shellState(): ShellState;
  saveShellState(patch: Partial<ShellState>): Promise<void>;
}

export interface WindowStateOptions {
  screen: Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay' | 'getDisplayMatching'>;
  core: WindowStateCore;
  log: Logger;
  min: Size;
  debounceMs?: number;
}

export class WindowStateKeeper {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastSaved = '';

  constructor(private readonly options: WindowStateOptions) {}

  /** Where the window opens now. */
  placement(): Placement | undefined {
    return restoreBounds(this.options.core.shellState().windows, displayAreas(this.options.screen), DEFAULT_WINDOW_SIZE, this.options.min);
  }

  /** Save the window's state as it changes. Returns the undo. */
  track(win: BrowserWindow): () => void {
    const schedule = () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.save(win), this.options.debounceMs ?? SAVE_DEBOUNCE_MS);
    };
    const now = () => {
      clearTimeout(this.timer);
      this.save(win);
    };
    const events = ['move', 'resize', 'maximize', 'unmaximize'] as const;
    for (const e of events) win.on(e as 'move', schedule);
    win.on('close', now);
    return () => {
      clearTimeout(this.timer);
      for (const e of events) win.removeListener(e as 'move', schedule);
      win.removeListener('close', now);
    };
  }

  private save(win: BrowserWindow): void {
    if (win.isDestroyed()) return;
    const normal = win.getNormalBounds();
    const bounds: WindowBounds = { ...normal, maximized: win.isMaximized() };
    const key = displayKey(this.options.screen.getDisplayMatching(normal));
    const text = JSON.stringify([key, bounds]);
    if (text === this.lastSaved) return;
    this.lastSaved = text;
    const windows = rememberWindow(this.options.core.shellState().windows, key, bounds);
    this.options.core.saveShellState({ windows }).catch((e: unknown) => this.options.log('warn', 'the window position could not be saved', { error: String(e) }));
  }
}
