/**
 * The one list of bridge transports, shared by both shells and the renderer's bridge client,
 * so no channel name is spelled twice.
 */
import type { Command, CommandResult } from './commands.js';
import type { BridgeEvent } from './events.js';

/**
 * Electron IPC. The UI bridge: commands by `ipcRenderer.invoke`, events by `webContents.send`.
 * App views (app-frame.ts): one string per message each way, `ipcRenderer.send` up and
 * `webContents.send` down; the main process binds the sending web contents to its view.
 */
export const ipcChannels = {
  command: 'myapps:bridge-command',
  event: 'myapps:bridge-event',
  appFrameUp: 'myapps:app-frame-up',
  appFrameDown: 'myapps:app-frame-down',
  /** Main → app view (`webContents.postMessage`, with a port): a direct Client API channel's port, or its end (api-direct.ts). */
  appFramePort: 'myapps:app-frame-port',
} as const;

/** Browser shell: the bridge WebSocket path; the per-run token goes in `?token=`. */
export const webBridgePath = '/bridge';

/**
 * Browser shell: `?popout=<viewId>` on the UI page and on its bridge socket: the page is that
 * app's own window (apps/pop-out.ts); its socket closing means the window went, and the app docks.
 */
export const webPopOutParam = 'popout';

/** Frames on the browser shell's bridge WebSocket. */
export type WebBridgeFrame =
  | { kind: 'command'; id: number; command: Command }
  | { kind: 'result'; id: number; result: CommandResult }
  | { kind: 'event'; event: BridgeEvent };

/** What `window.myapps` offers in Electron, and what the renderer's WebSocket client offers too. */
export interface BridgeApi {
  invoke(command: Command): Promise<CommandResult>;
  /** Returns the unsubscribe function. */
  onEvent(listener: (event: BridgeEvent) => void): () => void;
}
