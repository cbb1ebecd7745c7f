/**
 * The relay behind `window.myappsAppFrame` (the `AppFrameApi` of the app-frame contract), for
 * the app-frame page that runs top-level in each app's WebContentsView. One channel each way,
 * strings only: anything else is dropped here, before it costs an IPC hop. The page says who
 * it is by nothing at all — the main process knows which view's web contents sent it.
 *
 * Only `import type` from electron, so the relay is unit-tested in Node.
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { parseApiPortNotice, type ApiPortNotice } from '../main/core/bridge/api-direct.js';
import type { AppFrameApi } from '../main/core/bridge/app-frame.js';
import { ipcChannels } from '../main/core/bridge/channels.js';

export type AppFrameIpc = Pick<IpcRenderer, 'send' | 'on' | 'removeListener'>;

/**
 * The ports of direct Client API channels (api-direct.ts), posted by the main process to this
 * view's web contents: handed to the page by `post` (window.postMessage to its own window, with
 * the port transferred — a port cannot cross the context bridge). Nothing but a well-formed
 * notice with at most one port passes.
 */
export function relayApiPorts(ipc: Pick<IpcRenderer, 'on'>, post: (notice: ApiPortNotice, ports: MessagePort[]) => void): void {
  ipc.on(ipcChannels.appFramePort, (event: IpcRendererEvent, data: unknown) => {
    const notice = parseApiPortNotice(data);
    if (!notice) return;
    const ports = notice.myappsApiPort === 'open' ? event.ports.slice(0, 1) : [];
    if (notice.myappsApiPort === 'open' && ports.length === 0) return;
    post(notice, ports);
  });
}

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
