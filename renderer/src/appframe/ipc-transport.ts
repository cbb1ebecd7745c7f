/**
 * Electron's transport: the app view's preload exposes `window.myappsAppFrame` (`AppFrameApi`),
 * one string per message each way. The page is the top frame of the app's own WebContentsView,
 * whose web contents is its identity (bound by the main process): the page names no view and
 * carries no token. On start it says `hello`, and the main process (re)attaches it to its view;
 * IPC does not drop while the page lives, so the link is `open` at once.
 */
import { decodeToAppFrames, type AppFrameApi, type AppFrameHello } from '../../../main/core/bridge/app-frame.js';
import { createPageFrameBatcher, type AppFrameTransport } from './transport.js';

declare global {
  interface Window {
    /** Set by the app views' preload (contextBridge) in Electron; absent in a browser. */
    myappsAppFrame?: AppFrameApi;
  }
}

const hello: AppFrameHello = { kind: 'hello' };

export function createIpcTransport(api: AppFrameApi): AppFrameTransport {
  let started = false;
  // One IPC message per tick with every frame of that tick (app-frame.ts).
  const out = createPageFrameBatcher((text) => api.send(text), () => true, Infinity);
  return {
    start(handlers) {
      if (started) return;
      started = true;
      // Listen first: the answer to hello is the `load`.
      api.onFrame((text) => {
        for (const frame of decodeToAppFrames(text)) handlers.receive(frame);
      });
      handlers.state('open');
      out.push(hello);
    },
    send(frame) {
      out.push(frame);
    },
  };
}
