/**
 * The relay behind `window.myappsAppFrame` (the `AppFrameApi` of the app-frame contract), for
 * the app-frame page that runs top-level in each app's WebContentsView. One channel each way,
 * strings only: anything else is dropped here, before it costs an IPC hop. The page says who
 * it is by nothing at all — the main process knows which view's web contents sent it.
 *
 * Only `import type` from electron, so the relay is unit-tested in Node.
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import type { AppFrameApi } from '../main/core/bridge/app-frame.js';
import { ipcChannels } from '../main/core/bridge/channels.js';

export type AppFrameIpc = Pick<IpcRenderer, 'send' | 'on' | 'removeListener'>;

export function createAppFrameApi(ipc: AppFrameIpc): AppFrameApi {
  return {
    send(text: string): void {
      if (typeof text === 'string') ipc.send(ipcChannels.appFrameUp, text);
    },
    onFrame(listener: (text: string) => void): () => void {
      const relay = (_event: IpcRendererEvent, text: unknown) => {
        if (typeof text === 'string') listener(text);
      };
      ipc.on(ipcChannels.appFrameDown, relay);
      return () => {
        ipc.removeListener(ipcChannels.appFrameDown, relay);
      };
    },
  };
}
