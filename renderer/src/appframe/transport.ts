/**
 * How the app-frame page reaches the core: a WebSocket in the browser shell
 * (websocket-transport.ts), IPC through the app view's preload in Electron (ipc-transport.ts).
 * The page (page.ts) neither knows nor cares which; appframe.ts picks one.
 */
import { createFrameBatcher, encodeFromAppFrame, type AppFrameHello, type FromAppFrame, type ToAppFrame } from '../../../main/core/bridge/app-frame.js';

/**
 * `connecting` → `open`; `lost` after an open link dropped; `refused` when a connection never
 * opened. Shown as `<html data-bridge>` (for tests and diagnostics); `open` again after a drop
 * means the core may name the app that is already shown.
 */
export type AppFrameLinkState = 'connecting' | 'open' | 'lost' | 'refused';

export interface AppFrameTransportHandlers {
  /** A well-formed frame from the core (anything else is dropped by the transport). */
  receive(frame: ToAppFrame): void;
  /** The connection state, on every change. */
  state(state: AppFrameLinkState): void;
}

export interface AppFrameTransport {
  /** Connect; frames and state changes arrive through `handlers` from now on. Called once. */
  start(handlers: AppFrameTransportHandlers): void;
  /** One frame to the core. A transport that cannot send now keeps it (within a limit) or drops it. */
  send(frame: FromAppFrame): void;
}

/** Frames for the core, batched per tick (`createFrameBatcher`); a page flushes after its current task. */
export function createPageFrameBatcher(write: (text: string) => void, canWrite: () => boolean, maxWaiting: number): { push(frame: FromAppFrame | AppFrameHello): void; flush(): void } {
  const batcher = createFrameBatcher({ write, canWrite, maxWaiting, schedule: (run) => setTimeout(run, 0) });
  return { push: (frame) => batcher.push(encodeFromAppFrame(frame)), flush: batcher.flush };
}
