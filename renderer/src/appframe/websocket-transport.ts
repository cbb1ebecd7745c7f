/**
 * The browser shell's transport: the page's own WebSocket at `appFrameBridgePath?view=&token=`
 * (bound to the view by the shell, checked like the main bridge: token, Origin, Host). When it
 * drops it reconnects with backoff (250 ms → 5 s); frames for the core wait meanwhile, up to
 * `maxQueued`.
 */
import { appFrameBridgePath, parseToAppFrame, type FromAppFrame } from '../../../main/core/bridge/app-frame.js';
import type { AppFrameTransport, AppFrameTransportHandlers } from './transport.js';

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
  const queue: FromAppFrame[] = [];

  const connect = (): void => {
    const ws = new WebSocket(url);
    socket = ws;
    let opened = false;
    handlers?.state('connecting');
    ws.onopen = () => {
      opened = true;
      retryMs = firstRetryMs;
      handlers?.state('open');
      for (const frame of queue.splice(0)) ws.send(JSON.stringify(frame));
    };
    ws.onmessage = (message) => {
      const frame = parseToAppFrame(message.data);
      if (frame) handlers?.receive(frame);
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
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
      else if (queue.length < maxQueued) queue.push(frame);
    },
  };
}
