/**
 * The browser shell's transport: the page's own WebSocket at `appFrameBridgePath?view=&token=`
 * (bound to the view by the shell, checked like the main bridge: token, Origin, Host). When it
 * drops it reconnects with backoff (250 ms → 5 s); frames for the core wait meanwhile, up to
 * `maxQueued`.
 */
import { appFrameBridgePath, decodeToAppFrames } from '../../../main/core/bridge/app-frame.js';
import { createPageFrameBatcher, type AppFrameTransport, type AppFrameTransportHandlers } from './transport.js';

const firstRetryMs = 250;
const maxRetryMs = 5000;
/** Frames kept for the core while the socket is down; later ones are dropped. */
export const maxQueued = 512;

/** The socket of the page at `location` (`appframe.html?view=<viewId>&token=<token>`). */
export function appFrameSocketUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const params = new URLSearchParams(location.search);
  return (
    `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${appFrameBridgePath}` +
    `?view=${encodeURIComponent(params.get('view') ?? '')}&token=${encodeURIComponent(params.get('token') ?? '')}`
  );
}

export function createWebSocketTransport(url: string): AppFrameTransport {
  let handlers: AppFrameTransportHandlers | undefined;
  let socket: WebSocket | undefined;
  let retryMs = firstRetryMs;
  // Frames go out batched, one WebSocket message per tick; while the socket is down they wait.
  const out = createPageFrameBatcher(
    (text) => socket!.send(text),
    () => socket?.readyState === WebSocket.OPEN,
    maxQueued,
  );

  const connect = (): void => {
    const ws = new WebSocket(url);
    socket = ws;
    let opened = false;
    handlers?.state('connecting');
    ws.onopen = () => {
      opened = true;
      retryMs = firstRetryMs;
      handlers?.state('open');
      out.flush();
    };
    // One WebSocket message carries the frames the core queued in one tick (app-frame.ts).
    ws.onmessage = (message) => {
      for (const frame of decodeToAppFrames(message.data)) handlers?.receive(frame);
    };
    // 'error' is always followed by 'close': reconnecting is handled in one place. A refused
    // connection cannot carry a frame, so the page can only keep trying (the view may not be
    // registered yet) and say so in its state.
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      handlers?.state(opened ? 'lost' : 'refused');
      window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, maxRetryMs);
    };
  };

  return {
    start(h) {
      if (handlers) return;
      handlers = h;
      connect();
    },
    send(frame) {
      out.push(frame);
    },
  };
}
