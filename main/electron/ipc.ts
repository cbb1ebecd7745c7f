/**
 * The bridge over Electron IPC (security control 6): commands by `ipcRenderer.invoke` on
 * `ipcChannels.command`, events by `webContents.send` on `ipcChannels.event`.
 *
 * Checks, in this order:
 * 1. the SENDER (`isTrustedSender`, pure, unit-tested): the main window's web contents, its
 *    top frame, on one of our pages. Anything else is logged and answered `{ ok: false }`;
 *    the payload is not looked at.
 * 2. the PAYLOAD: handed to `core.handle`, which schema-validates it, rejects unknown
 *    commands and never throws.
 * Events go only to the main window, and only while its top frame shows our page.
 *
 * Only `import type` from electron: `ipcMain` is passed in by main.ts, so this module
 * (and its pure predicate) loads in plain Node.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcChannels } from '../core/bridge/channels.js';
import type { CommandResult } from '../core/bridge/commands.js';
import type { BridgeEvent } from '../core/bridge/events.js';
import type { Logger } from '../core/common/log.js';
import { isShellUrl } from './navigation.js';

/** What the shell needs of `ClientCore`. */
export interface BridgeCore {
  handle(raw: unknown): Promise<CommandResult>;
  onEvent(listener: (event: BridgeEvent) => void): () => void;
}

export const UNTRUSTED_SENDER_ERROR = 'This page may not use the myApps bridge.';

/**
 * A command is accepted only from the top frame of the expected web contents (the main
 * window), showing a page of ours (`app://myapps/...`).
 */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean, expectedWebContentsId: number | undefined, actualId: number): boolean {
  if (expectedWebContentsId === undefined || actualId !== expectedWebContentsId) return false;
  return isMainFrame && isShellUrl(frameUrl);
}

/** The sender's frame URL and whether it is a top frame; a frame already gone counts as untrusted. */
function senderFrameOf(event: IpcMainInvokeEvent): { url: string | undefined; isMainFrame: boolean } {
  try {
    const frame = event.senderFrame;
    if (!frame) return { url: undefined, isMainFrame: false };
    return { url: frame.url, isMainFrame: frame.parent === null };
  } catch {
    return { url: undefined, isMainFrame: false };
  }
}

/**
 * Serve the bridge to the main window. `mainContents` returns the current main window's web
 * contents (it may be recreated, e.g. on macOS `activate`). Returns the undo function.
 */
export function wireBridge(ipcMain: IpcMain, mainContents: () => WebContents | undefined, core: BridgeCore, log: Logger): () => void {
  ipcMain.handle(ipcChannels.command, async (event, ...args: unknown[]): Promise<CommandResult> => {
    const frame = senderFrameOf(event);
    if (!isTrustedSender(frame.url, frame.isMainFrame, mainContents()?.id, event.sender.id)) {
      log('warn', 'bridge command from an untrusted sender refused', { frameUrl: frame.url?.slice(0, 200), isMainFrame: frame.isMainFrame, webContentsId: event.sender.id });
      return { ok: false, error: UNTRUSTED_SENDER_ERROR };
    }
    return core.handle(args[0]);
  });
  const unsubscribe = core.onEvent((event) => {
    const contents = mainContents();
    if (!contents || contents.isDestroyed() || !isShellUrl(contents.getURL())) return;
    contents.send(ipcChannels.event, event);
  });
  return () => {
    ipcMain.removeHandler(ipcChannels.command);
    unsubscribe();
  };
}
