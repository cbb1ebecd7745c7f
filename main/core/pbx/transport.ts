/**
 * One WebSocket to the PBX: JSON text frames in and out, RFC 6455 pings as keep-alive,
 * certificate trust, and one `closed` notification however the link ends.
 *
 * Keep-alive (`pbx-session.md` Q2: nothing is documented for the myApps socket): we ping every
 * `intervalMs` and declare the link dead when `missedPongs` intervals pass without any sign of
 * life (pong or frame). This catches black-holed links that TCP would notice only after minutes.
 */
import WebSocket from 'ws';
import { trustingTlsConnect, UntrustedCertificateError } from './tls-trust.js';

export interface KeepAliveOptions {
  intervalMs: number;
  missedPongs: number;
}

export const defaultKeepAlive: KeepAliveOptions = { intervalMs: 30_000, missedPongs: 2 };

/**
 * The largest frame accepted from a PBX. The biggest real one is a legacy `UpdateApps` with
 * every app at once (a few hundred bytes each); 8 MiB holds thousands. A larger frame ends the
 * connection with a clear reason (ws closes with 1009) instead of filling memory.
 */
export const MAX_PBX_FRAME_BYTES = 8 * 1024 * 1024;

export interface TransportOptions {
  trustedFingerprints?: readonly string[];
  keepAlive?: KeepAliveOptions;
  /** Time allowed for TCP + TLS + WebSocket handshake. */
  connectTimeoutMs?: number;
}

export type ConnectFailure =
  | { kind: 'unreachable'; detail: string }
  | { kind: 'certificate'; detail: string; fingerprint256: string; reason: string }
  | { kind: 'rejected'; detail: string; status: number };

export class ConnectError extends Error {
  override name = 'ConnectError';
  constructor(readonly failure: ConnectFailure) {
    super(failure.detail);
  }
}

export type CloseReason = { kind: 'closed'; code: number } | { kind: 'dead'; detail: string } | { kind: 'error'; detail: string } | { kind: 'local' };

export class Transport {
  private closedReason: CloseReason | undefined;
  private lastLife = Date.now();
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private onFrame: (text: string) => void = () => {};
  private onBinary: (bytes: number) => void = () => {};
  private onClosed: (reason: CloseReason) => void = () => {};

  private constructor(
    private readonly ws: WebSocket,
    readonly url: string,
    keepAlive: KeepAliveOptions,
  ) {
    ws.on('message', (data, isBinary) => {
      this.lastLife = Date.now();
      // The myApps protocol uses text frames only; a binary frame is a protocol error we drop.
      if (!isBinary) this.onFrame(data.toString());
      else this.onBinary(Buffer.isBuffer(data) ? data.length : Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength);
    });
    ws.on('pong', () => {
      this.lastLife = Date.now();
    });
    ws.on('close', (code) => this.finish({ kind: 'closed', code }));
    ws.on('error', (e: Error & { code?: string }) =>
      this.finish({ kind: 'error', detail: e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? `the PBX sent a frame larger than ${MAX_PBX_FRAME_BYTES / 1024 / 1024} MiB` : e.message }),
    );
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastLife > keepAlive.intervalMs * keepAlive.missedPongs) {
        this.finish({ kind: 'dead', detail: `no answer from the PBX for ${Math.round((Date.now() - this.lastLife) / 1000)} s` });
        ws.terminate();
        return;
      }
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, keepAlive.intervalMs);
  }

  /** Open a WebSocket to `url`; rejects with a ConnectError that says what went wrong. */
  static connect(url: string, options: TransportOptions = {}): Promise<Transport> {
    const secure = url.startsWith('wss:');
    const ws = new WebSocket(url, {
      handshakeTimeout: options.connectTimeoutMs ?? 10_000,
      perMessageDeflate: false,
      maxPayload: MAX_PBX_FRAME_BYTES,
      ...(secure ? { createConnection: trustingTlsConnect(options.trustedFingerprints ?? []) as never } : {}),
    });
    return new Promise((resolve, reject) => {
      const fail = (failure: ConnectFailure) => {
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        reject(new ConnectError(failure));
      };
      ws.once('open', () => {
        ws.removeAllListeners();
        resolve(new Transport(ws, url, options.keepAlive ?? defaultKeepAlive));
      });
      ws.once('unexpected-response', (_req, res) => {
        fail({ kind: 'rejected', status: res.statusCode ?? 0, detail: `the PBX refused the WebSocket at ${url} (HTTP ${res.statusCode})` });
      });
      ws.once('error', (e: Error & { code?: string }) => {
        if (e instanceof UntrustedCertificateError) {
          fail({ kind: 'certificate', detail: e.message, fingerprint256: e.fingerprint256, reason: e.reason });
        } else {
          fail({ kind: 'unreachable', detail: `cannot reach ${url}: ${e.code ?? e.message}` });
        }
      });
    });
  }

  /** Receive text frames; set once by the owner. */
  listen(onFrame: (text: string) => void, onClosed: (reason: CloseReason) => void, onBinary: (bytes: number) => void = () => {}): void {
    this.onFrame = onFrame;
    this.onBinary = onBinary;
    this.onClosed = onClosed;
    if (this.closedReason) onClosed(this.closedReason);
  }

  get isOpen(): boolean {
    return this.closedReason === undefined && this.ws.readyState === WebSocket.OPEN;
  }

  send(message: object): void {
    if (this.isOpen) this.ws.send(JSON.stringify(message));
  }

  close(): void {
    this.finish({ kind: 'local' });
    this.ws.close(1000);
    // A PBX that does not answer the close handshake must not keep the socket alive.
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }

  private finish(reason: CloseReason): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    clearInterval(this.pingTimer);
    this.onClosed(reason);
  }
}
