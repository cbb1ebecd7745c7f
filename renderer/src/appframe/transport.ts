/**
 * How the app-frame page reaches the core: a WebSocket in the browser shell
 * (websocket-transport.ts), IPC through the app view's preload in Electron (ipc-transport.ts).
 * The page (page.ts) neither knows nor cares which; appframe.ts picks one.
 */
import { batchAppFrames, encodeFromAppFrame, maxAppFrameBytes, maxFramesPerBatch, type AppFrameHello, type FromAppFrame, type ToAppFrame } from '../../../main/core/bridge/app-frame.js';

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

/**
 * Frames for the core, sent at most once per tick: whatever the page queues within one task
 * goes as ONE transport message (`batchAppFrames`), split only where a batch would pass the
 * size limit. `write` is called only while `canWrite()`; until then frames wait, up to `maxWaiting`.
 */
export function createFrameBatcher(write: (text: string) => void, canWrite: () => boolean, maxWaiting: number): { push(frame: FromAppFrame | AppFrameHello): void; flush(): void } {
  const waiting: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (!canWrite()) return;
    while (waiting.length > 0) {
      let units = 0;
      let n = 0;
      // At least one frame per message; a frame is at most maxAppFrameBytes itself.
      while (n < waiting.length && n < maxFramesPerBatch && (n === 0 || (units + waiting[n]!.length + 12) * 3 <= maxAppFrameBytes)) units += waiting[n++]!.length + 12;
      write(batchAppFrames(waiting.splice(0, n)));
    }
  };
  return {
    push(frame) {
      if (waiting.length >= maxWaiting && !canWrite()) return;
      waiting.push(encodeFromAppFrame(frame));
      if (!scheduled && canWrite()) {
        scheduled = true;
        setTimeout(flush, 0);
      }
    },
    flush,
  };
}
