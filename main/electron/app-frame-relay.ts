/**
 * The app-frame contract over Electron IPC (main/core/bridge/app-frame.ts): the main-process
 * side of the app-frame page that runs top-level in each app's WebContentsView.
 *
 * Identity: a frame speaks for the view whose web contents sent it — `viewOf(webContentsId)`,
 * bound by the app-view manager when it created the view — never for anything the page says.
 *
 * Checks, in this order, for every message on `ipcChannels.appFrameUp`:
 * 1. the SENDER: the web contents of a view we created, its TOP frame (the app's own iframe and
 *    anything it embeds never reach IPC: the preload runs in the top frame only, but a check
 *    costs nothing), showing our app-frame page (`app://myapps/appframe.html`). Anything else is
 *    logged and dropped.
 * 2. the PAYLOAD: one string, parsed by the contract's `parseAppFrame` (size limits included);
 *    a bad one is logged and dropped. Nothing an app posted is ever logged: it may carry a login.
 * Then: `hello` (the page started) attaches the view to the core, replacing any earlier link;
 * other frames go to the current link, or wait (a few) until the first hello.
 * Detach: when the view's page crashes (`render-process-gone`), navigates its top frame, or the
 * web contents is destroyed; the next hello attaches again.
 *
 * Only `import type` from electron: `ipcMain` and the web contents are passed in, so this
 * module loads in plain Node (the contract tests drive it with recording stand-ins).
 */
import type { IpcMain, IpcMainEvent, WebContents, WebContentsConsoleMessageEventParams } from 'electron';
import { type AppFrameHost, type AppFrameLink, type FromAppFrame, type ToAppFrame, appFramePagePath, createFrameBatcher, encodeToAppFrame, parseAppFrame, splitAppFrames } from '../core/bridge/app-frame.js';
import { ipcChannels } from '../core/bridge/channels.js';
import { consoleLevelOfChromium, cutConsoleLine, maxConsoleSourceChars } from '../core/bridge/console-lines.js';
import type { Logger } from '../core/common/log.js';
import { isShellUrl, parseUrl } from './navigation.js';

/** Frames a page may send before its first hello; more are dropped. */
export const MAX_EARLY_FRAMES = 64;

/** Is this the URL of our app-frame page (any query)? */
export function isAppFramePageUrl(url: unknown): boolean {
  return isShellUrl(url) && parseUrl(url)!.pathname === appFramePagePath;
}

/** The sender of one IPC message, as much of it as the checks need. */
export interface FrameSender {
  webContentsId: number;
  frameUrl: string | undefined;
  isMainFrame: boolean;
}

export type SenderCheck = { ok: true; viewId: string } | { ok: false; reason: string };

/** Check 1 (pure): which view a message speaks for, or why it speaks for none. */
export function checkAppFrameSender(sender: FrameSender, viewOf: (webContentsId: number) => string | undefined): SenderCheck {
  const viewId = viewOf(sender.webContentsId);
  if (viewId === undefined) return { ok: false, reason: 'not an app view' };
  if (!sender.isMainFrame) return { ok: false, reason: 'not the top frame of the app view' };
  if (!isAppFramePageUrl(sender.frameUrl)) return { ok: false, reason: 'the app view does not show the app-frame page' };
  return { ok: true, viewId };
}

function senderOf(event: IpcMainEvent): FrameSender {
  let frameUrl: string | undefined;
  let isMainFrame = false;
  try {
    const frame = event.senderFrame;
    if (frame) {
      frameUrl = frame.url;
      isMainFrame = frame.parent === null;
    }
  } catch {
    // The frame is gone already: untrusted.
  }
  return { webContentsId: event.sender.id, frameUrl, isMainFrame };
}

/**
 * A `console-message` of an app view as a `console` frame — only when a frame of the app wrote
 * it (any frame below the top one, which is our app-frame page: its own lines are ours, not the
 * app's). Chromium reports `console.log` as `info`. Undefined: not the app's, or unreadable.
 */
export function appConsoleFrame(details: Pick<WebContentsConsoleMessageEventParams, 'level' | 'message' | 'lineNumber' | 'sourceId'> & { frame?: { parent: unknown } | null }): Extract<FromAppFrame, { kind: 'console' }> | undefined {
  let below: boolean;
  try {
    // A frame that is gone by now throws or is null: whose line it was cannot be told.
    below = details.frame !== null && details.frame !== undefined && details.frame.parent !== null;
  } catch {
    return undefined;
  }
  const level = consoleLevelOfChromium(String(details.level));
  if (!below || level === undefined || typeof details.message !== 'string') return undefined;
  const source = typeof details.sourceId === 'string' && details.sourceId !== '' ? cutConsoleLine(`${details.sourceId}:${Number(details.lineNumber) || 0}`, maxConsoleSourceChars) : undefined;
  return { kind: 'console', level, text: cutConsoleLine(details.message), ...(source !== undefined && { source }) };
}

interface Binding {
  contents: WebContents;
  link: AppFrameLink | undefined;
  /** Frames that came before the first hello. */
  early: FromAppFrame[];
}

export interface AppFrameRelay {
  /** A view's web contents was created: watch it so its link ends with its page. */
  watch(viewId: string, contents: WebContents): void;
  /** The view is gone for good (closed): detach and forget it. */
  forget(viewId: string): void;
  /** Undo the IPC wiring. */
  dispose(): void;
}

/**
 * Serve the app-frame contract to the app views. `viewOf` answers which view a web contents id
 * belongs to (the app-view manager's own record).
 */
export function wireAppFrames(ipcMain: Pick<IpcMain, 'on' | 'removeListener'>, viewOf: (webContentsId: number) => string | undefined, core: AppFrameHost, log: Logger): AppFrameRelay {
  const bindings = new Map<string, Binding>();

  const detach = (viewId: string, why: string) => {
    const b = bindings.get(viewId);
    if (!b?.link) return;
    const link = b.link;
    b.link = undefined;
    log('info', 'app frame detached', { view: viewId, why });
    try {
      link.detach();
    } catch (e) {
      log('error', 'app frame detach threw', { view: viewId, error: String(e) });
    }
  };

  const attach = (viewId: string, b: Binding) => {
    detach(viewId, 'hello again');
    // What the core sends within one tick goes as one IPC message, as on the WebSocket (app-frame.ts).
    const out = createFrameBatcher({
      write: (text) => b.contents.send(ipcChannels.appFrameDown, text),
      // Only the link that is current may still reach the page; an older one's frames are dropped.
      canWrite: () => bindings.get(viewId) === b && b.link === link && !b.contents.isDestroyed(),
      maxWaiting: 0,
      schedule: (run) => setImmediate(run),
    });
    const send = (frame: ToAppFrame) => out.push(encodeToAppFrame(frame));
    let link: AppFrameLink | undefined;
    try {
      link = core.attachAppFrame(viewId, send);
    } catch (e) {
      log('error', 'app frame attach threw', { view: viewId, error: String(e) });
    }
    if (!link) {
      log('warn', 'app frame refused: the core knows no such view', { view: viewId });
      return;
    }
    b.link = link;
    log('info', 'app frame attached', { view: viewId });
    for (const frame of b.early.splice(0)) deliver(viewId, link, frame);
  };

  const deliver = (viewId: string, link: AppFrameLink, frame: FromAppFrame) => {
    try {
      link.receive(frame);
    } catch (e) {
      log('error', 'app frame receive threw', { view: viewId, kind: frame.kind, error: String(e) });
    }
  };

  const onUp = (event: IpcMainEvent, ...args: unknown[]) => {
    const sender = senderOf(event);
    const check = checkAppFrameSender(sender, viewOf);
    if (!check.ok) {
      log('warn', 'app frame message from an untrusted sender dropped', { reason: check.reason, webContentsId: sender.webContentsId, frameUrl: sender.frameUrl?.slice(0, 200) });
      return;
    }
    const b = bindings.get(check.viewId);
    if (!b || b.contents.id !== sender.webContentsId) {
      log('warn', 'app frame message dropped: the view is not watched', { view: check.viewId });
      return;
    }
    // One IPC message carries the frames the page queued in one tick (app-frame.ts).
    const batch = splitAppFrames(args[0]);
    if (!batch.ok) {
      log('warn', 'app frame dropped', { view: check.viewId, error: batch.error });
      return;
    }
    for (const text of batch.frames) {
      const parsed = parseAppFrame(text, { hello: true });
      if (!parsed.ok) {
        log('warn', 'app frame dropped', { view: check.viewId, error: parsed.error });
        continue;
      }
      if (parsed.frame.kind === 'hello') attach(check.viewId, b);
      else if (b.link) deliver(check.viewId, b.link, parsed.frame);
      else if (b.early.length < MAX_EARLY_FRAMES) b.early.push(parsed.frame);
      else log('warn', 'app frame dropped: too many before hello', { view: check.viewId });
    }
  };
  ipcMain.on(ipcChannels.appFrameUp, onUp);

  return {
    watch(viewId, contents) {
      const b: Binding = { contents, link: undefined, early: [] };
      bindings.set(viewId, b);
      const current = () => bindings.get(viewId) === b;
      contents.on('render-process-gone', (_event, details) => {
        if (!current()) return;
        b.early.length = 0;
        detach(viewId, `render process gone (${details.reason})`);
      });
      contents.on('did-start-navigation', (details) => {
        // A new document in the top frame is a new page: it says hello again when it runs.
        if (!current() || !details.isMainFrame || details.isSameDocument) return;
        b.early.length = 0;
        detach(viewId, 'top frame navigated');
      });
      contents.on('console-message', (details) => {
        // The app's frame exists only once the page is attached (it loads on the core's `load`).
        if (!current() || !b.link) return;
        const frame = appConsoleFrame(details);
        if (frame) deliver(viewId, b.link, frame);
      });
      contents.once('destroyed', () => {
        if (!current()) return;
        detach(viewId, 'web contents destroyed');
        bindings.delete(viewId);
      });
    },
    forget(viewId) {
      detach(viewId, 'view closed');
      bindings.delete(viewId);
    },
    dispose() {
      ipcMain.removeListener(ipcChannels.appFrameUp, onUp);
      for (const viewId of [...bindings.keys()]) detach(viewId, 'shell closing');
      bindings.clear();
    },
  };
}
