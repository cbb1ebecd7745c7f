/**
 * The app-frame contract over WebSocket (main/core/bridge/app-frame.ts): one connection per
 * app-frame page, bound before the upgrade to the view named in its URL. Whether a
 * connection may be opened at all (token, Origin, Host) is decided in server.ts; which views
 * exist is decided by the host. This file checks only the frames (with the contract's own
 * `parseAppFrame`, shared with the Electron relay): a bad one is logged and dropped, never
 * relayed and never fatal. Nothing an app posted (the frame's text) is ever
 * logged: it may carry a login.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { type AppFrameLink, type FrameBatcher, type ToAppFrame, createFrameBatcher, encodeToAppFrame, maxAppFrameBytes, parseAppFrame, splitAppFrames } from '../core/bridge/app-frame.js';
import type { Logger } from '../core/common/log.js';
import type { BridgeHost } from './bridge-host.js';

/** A page that stops reading is dropped before it hoards memory. */
const maxBufferedBytes = 4 * maxAppFrameBytes;

export class AppFrameSocketServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: maxAppFrameBytes });
  /** Frames for each page, sent at most once per tick as one WebSocket message (app-frame.ts). */
  private readonly outgoing = new WeakMap<WebSocket, FrameBatcher>();

  constructor(
    private readonly host: BridgeHost,
    private readonly log: Logger,
  ) {}

  /** Whether the host hosts app frames at all (a host without them refuses every app-frame connection). */
  get available(): boolean {
    return typeof this.host.attachAppFrame === 'function';
  }

  /**
   * Bind a connection that server.ts has allowed to `viewId`, then complete its upgrade.
   * Returns false, without touching the socket, when the host knows no such view.
   */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, viewId: string): boolean {
    const peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    let ws: WebSocket | undefined;
    let ended = false;
    // The host may send (its `load`) while attaching, before the page's socket exists.
    const early: ToAppFrame[] = [];
    const send = (frame: ToAppFrame) => {
      if (ended) return;
      if (ws) this.send(ws, frame, viewId);
      else early.push(frame);
    };
    let link: AppFrameLink | undefined;
    try {
      link = this.host.attachAppFrame?.(viewId, send);
    } catch (e) {
      this.log('error', 'app frame attach threw', { view: viewId, error: String(e) });
    }
    if (!link) {
      ended = true;
      return false;
    }
    const bound = link;
    const detach = () => {
      if (ended) return;
      ended = true;
      early.length = 0;
      try {
        bound.detach();
      } catch (e) {
        this.log('error', 'app frame detach threw', { view: viewId, error: String(e) });
      }
    };
    // ws destroys the socket without calling back when the handshake itself is bad.
    socket.once('close', () => {
      if (!ws) detach();
    });
    this.wss.handleUpgrade(req, socket, head, (opened) => {
      ws = opened;
      this.log('info', 'app frame connected', { peer, view: viewId });
      opened.on('message', (data, isBinary) => this.receive(data, isBinary, viewId, bound));
      // Oversized and invalid UTF-8 frames arrive here; without a listener ws would throw.
      opened.on('error', (e) => this.log('warn', 'app frame connection error', { view: viewId, error: e.message }));
      opened.on('close', (code) => {
        this.log('info', 'app frame disconnected', { view: viewId, code });
        detach();
      });
      for (const frame of early.splice(0)) this.send(opened, frame, viewId);
    });
    return true;
  }

  /** Close every connection (each detaches from its view). */
  close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    return new Promise((done) => this.wss.close(() => done()));
  }

  private receive(data: RawData, isBinary: boolean, viewId: string, link: AppFrameLink): void {
    if (isBinary) {
      this.log('warn', 'app frame dropped', { view: viewId, error: 'binary frame' });
      return;
    }
    // One WebSocket message carries the frames the page queued in one tick (app-frame.ts).
    const batch = splitAppFrames(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    if (!batch.ok) {
      this.log('warn', 'app frame dropped', { view: viewId, error: batch.error });
      return;
    }
    for (const text of batch.frames) {
      const parsed = parseAppFrame(text);
      if (!parsed.ok) {
        this.log('warn', 'app frame dropped', { view: viewId, error: parsed.error });
        continue;
      }
      try {
        link.receive(parsed.frame);
      } catch (e) {
        this.log('error', 'app frame receive threw', { view: viewId, kind: parsed.frame.kind, error: String(e) });
      }
    }
  }

  private send(ws: WebSocket, frame: ToAppFrame, viewId: string): void {
    let batcher = this.outgoing.get(ws);
    if (!batcher) {
      batcher = createFrameBatcher({
        write: (text) => ws.send(text),
        canWrite: () => {
          if (ws.readyState !== WebSocket.OPEN) return false;
          if (ws.bufferedAmount <= maxBufferedBytes) return true;
          this.log('warn', 'app frame connection dropped: the page stopped reading', { view: viewId, buffered: ws.bufferedAmount });
          ws.terminate();
          return false;
        },
        // A socket that is not open drops what it is given.
        maxWaiting: 0,
        schedule: (run) => setImmediate(run),
      });
      this.outgoing.set(ws, batcher);
    }
    batcher.push(encodeToAppFrame(frame));
  }
}
