/**
 * The renderer's one way to the core: the bridge contract of main/core/bridge, carried by
 * whichever shell hosts the page. Electron's preload exposes it as `window.myapps`; the
 * browser shell serves this page with `?token=` and carries the same frames over a WebSocket.
 * Nothing above this file knows which one it got.
 */
import { webBridgePath, webPopOutParam, type BridgeApi, type WebBridgeFrame } from '../../main/core/bridge/channels.js';
import type { Command, CommandResult } from '../../main/core/bridge/commands.js';
import type { BridgeEvent } from '../../main/core/bridge/events.js';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in a plain browser. */
    myapps?: BridgeApi;
  }
}

/** `open`: commands go through; `lost`: the link to the core dropped and is being retried. */
export type BridgeStatus = 'connecting' | 'open' | 'lost';

export interface BridgeConnection extends BridgeApi {
  /** Calls `listener` with the current status at once and on every change; returns the unsubscribe. */
  onStatus(listener: (status: BridgeStatus) => void): () => void;
}

export const lostResult: CommandResult = { ok: false, error: 'Connection to the myApps core lost.' };

/**
 * `popOut`: this page is an app's own window (browser shell, popOut.ts) showing that view; its
 * connection says so, and when it closes the shell docks the app back into the main window.
 */
export function connectBridge(popOut?: string): BridgeConnection {
  const preload = window.myapps;
  if (preload) return preloadBridge(preload);
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = `?token=${encodeURIComponent(shellToken())}${popOut === undefined ? '' : `&${webPopOutParam}=${encodeURIComponent(popOut)}`}`;
  return new WebSocketBridge(`${scheme}//${window.location.host}${webBridgePath}${query}`);
}

/** Browser shell: the per-run access token this page was opened with (its own sockets and pages need it too). */
export function shellToken(): string {
  return new URLSearchParams(window.location.search).get('token') ?? '';
}

/** Electron IPC cannot drop while the window lives, so this bridge is always open. */
function preloadBridge(api: BridgeApi): BridgeConnection {
  return {
    invoke: (command) => api.invoke(command),
    onEvent: (listener) => api.onEvent(listener),
    onStatus(listener) {
      listener('open');
      return () => {};
    },
  };
}

const firstRetryMs = 250;
const maxRetryMs = 5000;

class WebSocketBridge implements BridgeConnection {
  private socket: WebSocket | undefined;
  private status: BridgeStatus = 'connecting';
  private nextId = 1;
  private retryMs = firstRetryMs;
  private readonly pending = new Map<number, (result: CommandResult) => void>();
  private readonly eventListeners = new Set<(event: BridgeEvent) => void>();
  private readonly statusListeners = new Set<(status: BridgeStatus) => void>();

  constructor(private readonly url: string) {
    this.open();
  }

  invoke(command: Command): Promise<CommandResult> {
    const socket = this.socket;
    // Commands are not queued across an outage: after a reconnect the UI state is refetched,
    // and replaying a stale "log in" or "delete session" later would surprise the user.
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.resolve(lostResult);
    const id = this.nextId++;
    const frame: WebBridgeFrame = { kind: 'command', id, command };
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      socket.send(JSON.stringify(frame));
    });
  }

  onEvent(listener: (event: BridgeEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onStatus(listener: (status: BridgeStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }

  private open(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = firstRetryMs;
      this.setStatus('open');
    };
    socket.onmessage = (message) => {
      if (typeof message.data === 'string') this.receive(message.data);
    };
    // 'error' is always followed by 'close', so reconnecting is handled in one place.
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      for (const resolve of this.pending.values()) resolve(lostResult);
      this.pending.clear();
      this.setStatus('lost');
      window.setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, maxRetryMs);
    };
  }

  private receive(data: string): void {
    let frame: WebBridgeFrame;
    try {
      frame = JSON.parse(data) as WebBridgeFrame;
    } catch {
      return; // Not a frame of ours; the core only sends JSON.
    }
    if (frame.kind === 'result') {
      const resolve = this.pending.get(frame.id);
      this.pending.delete(frame.id);
      resolve?.(frame.result);
    } else if (frame.kind === 'event') {
      for (const listener of this.eventListeners) listener(frame.event);
    }
  }

  private setStatus(status: BridgeStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}
