/**
 * The relay behind `window.myapps` (the `BridgeApi` of the bridge contract), built on the
 * few `ipcRenderer` calls it needs. No logic beyond relaying: commands go to the main process
 * unchanged (which checks the sender and validates them), events come back without the
 * Electron event object, so no IPC internals reach the page.
 *
 * Only `import type` from electron, so the relay is unit-tested in Node.
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { type BridgeApi, ipcChannels } from '../main/core/bridge/channels.js';
import type { Command, CommandResult } from '../main/core/bridge/commands.js';
import type { BridgeEvent } from '../main/core/bridge/events.js';

export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

export function createBridgeApi(ipc: BridgeIpc): BridgeApi {
  return {
    invoke: (command: Command): Promise<CommandResult> => ipc.invoke(ipcChannels.command, command) as Promise<CommandResult>,
    onEvent(listener: (event: BridgeEvent) => void): () => void {
      const relay = (_event: IpcRendererEvent, bridgeEvent: BridgeEvent) => listener(bridgeEvent);
      ipc.on(ipcChannels.event, relay);
      return () => {
        ipc.removeListener(ipcChannels.event, relay);
      };
    },
  };
}
