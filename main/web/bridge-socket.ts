/**
 * The bridge contract over WebSocket (security control 6): each connection receives every
 * host event, and its command frames go to the host, which validates the command itself.
 * This file checks only the frame around it; a bad frame is logged and dropped (answered
 * with an error when its id is readable), never fatal to the connection's peers or the shell.
 * Whether a connection may be opened at all is decided before the upgrade, in server.ts.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { WebBridgeFrame } from '../core/bridge/channels.js';
import type { CommandResult } from '../core/bridge/commands.js';
import type { Logger } from '../core/common/log.js';
import { parseJsonObject } from '../core/protocol/json.js';
import type { BridgeHost } from './bridge-host.js';

/** Larger frames close their connection (ws answers 1009): no command comes near this. */
export const maxFrameBytes = 1024 * 1024;
/** A tab that stops reading (frozen, debugger paused) is dropped before it hoards memory. */
const maxBufferedBytes = 16 * maxFrameBytes;

export type CommandFrame = { ok: true; id: number; command: unknown } | { ok: false; error: string; id?: number };

/** Read a text frame from the page: `{kind:'command', id, command}` with an integer id. */
export function parseCommandFrame(text: string): CommandFrame {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return { ok: false, error: parsed.reason === 'not-json' ? 'frame is not JSON' : parsed.reason === 'too-deep' ? 'frame nested too deeply' : 'frame is not an object' };
  const frame = parsed.value;
  const { id, kind } = frame;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { ok: false, error: 'frame has no integer id' };
  if (kind !== 'command') return { ok: false, id, error: 'frame is not a command' };
  if (!Object.hasOwn(frame, 'command')) return { ok: false, id, error: 'frame has no command' };
  return { ok: true, id, command: (frame as { command: unknown }).command };
}

/** The command's type for a log line: never the command itself, which may carry a password. */
function commandType(command: unknown): string {
  const type = (command as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type.slice(0, 64) : '(none)';
}

export class BridgeSocketServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });

  constructor(
    private readonly host: BridgeHost,
    private readonly log: Logger,
  ) {}

  /**
   * Complete an upgrade that server.ts has allowed. `popOut`: the connection is the UI page of
   * that app view's own window; when it closes, so did the window (or its page), and the app docks.
   */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, popOut?: string): void {
    const peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.attach(ws, peer);
      if (popOut !== undefined) ws.on('close', () => this.windowClosed(popOut));
    });
  }

  private windowClosed(viewId: string): void {
    try {
      this.host.popOutWindowClosed?.(viewId);
    } catch (e) {
      this.log('error', 'pop-out window close threw', { view: viewId, error: String(e) });
    }
  }

  /** Close every connection; the pages reconnect to a new shell if one comes. */
  close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    return new Promise((done) => this.wss.close(() => done()));
  }

  private attach(ws: WebSocket, peer: string): void {
    const off = this.host.onEvent((event) => this.send(ws, { kind: 'event', event }));
    this.log('info', 'bridge connected', { peer, connections: this.wss.clients.size });
    ws.on('message', (data, isBinary) => {
      this.receive(ws, data, isBinary, peer).catch((e: unknown) => this.log('error', 'bridge frame failed', { peer, error: String(e) }));
    });
    // Oversized and invalid UTF-8 frames arrive here; without a listener ws would throw.
    ws.on('error', (e) => this.log('warn', 'bridge connection error', { peer, error: e.message }));
    ws.on('close', (code) => {
      off();
      this.log('info', 'bridge disconnected', { peer, code });
    });
  }

  private async receive(ws: WebSocket, data: RawData, isBinary: boolean, peer: string): Promise<void> {
    if (isBinary) {
      this.log('warn', 'bridge frame dropped', { peer, error: 'binary frame' });
      return;
    }
    const frame = parseCommandFrame(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    if (!frame.ok) {
      this.log('warn', 'bridge frame dropped', { peer, error: frame.error, ...(frame.id !== undefined && { id: frame.id }) });
      if (frame.id !== undefined) this.send(ws, { kind: 'result', id: frame.id, result: { ok: false, error: frame.error } });
      return;
    }
    this.log('debug', 'bridge command', { peer, id: frame.id, type: commandType(frame.command) });
    let result: CommandResult;
    try {
      result = await this.host.handle(frame.command);
    } catch (e) {
      // The host promises not to throw; if it does, the page still gets its answer.
      this.log('error', 'bridge command threw', { peer, id: frame.id, type: commandType(frame.command), error: String(e) });
      result = { ok: false, error: 'internal error' };
    }
    this.send(ws, { kind: 'result', id: frame.id, result });
  }

  private send(ws: WebSocket, frame: WebBridgeFrame): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > maxBufferedBytes) {
      this.log('warn', 'bridge connection dropped: the page stopped reading', { buffered: ws.bufferedAmount });
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(frame));
  }
}
