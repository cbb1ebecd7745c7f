/**
 * One WebSocket to the PBX: JSON text frames in and out, RFC 6455 pings as keep-alive,
 * certificate trust, and one `closed` notification however the link ends.
 *
 * Keep-alive (`pbx-session.md` Q2: nothing is documented for the myApps socket): we ping every
 * `intervalMs` and declare the link dead when `missedPongs` intervals pass without any sign of
 * life (pong or frame). This catches black-holed links that TCP would notice only after minutes.
 */
import type { LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { silentLogger, type Logger } from '../common/log.js';
import { openTunnel, ProxyAuthRequiredError, proxyName, type ProxyCredentials, type ProxyRoute } from './proxy.js';
import { trustedSecureContext } from './system-ca.js';
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
  /** Time allowed for TCP + TLS + WebSocket handshake (and, through a proxy, for the tunnel). */
  connectTimeoutMs?: number;
  /** How to reach the PBX, in order (proxy.ts `parsePac`); default: directly. */
  routes?: readonly ProxyRoute[];
  /** Credentials for a proxy (`host:port`), if the user or the environment gave some. */
  proxyCredentials?: (proxy: string) => ProxyCredentials | undefined;
  log?: Logger;
  /** Test seam: name resolution for the connections this transport makes (to the PBX or a proxy). */
  lookup?: LookupFunction;
}

export type ConnectFailure =
  | { kind: 'unreachable'; detail: string }
  | { kind: 'certificate'; detail: string; fingerprint256: string; reason: string }
  | { kind: 'rejected'; detail: string; status: number }
  /** A proxy answered 407: it wants a user name and password (again, if `refused`). */
  | { kind: 'proxy-auth'; detail: string; proxy: string; realm?: string; refused: boolean };

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
    tunnel: Duplex | undefined,
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
    ws.on('close', (code) => {
      // A proxy's tunnel goes with the WebSocket inside it.
      tunnel?.destroy();
      this.finish({ kind: 'closed', code });
    });
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

  /**
   * Open a WebSocket to `url`, trying `options.routes` in order (directly, or through a proxy's
   * CONNECT tunnel); rejects with a ConnectError that says what went wrong. A route that cannot
   * reach the PBX (a proxy down or refusing, SOCKS) passes to the next; a proxy asking for a
   * password, and anything the PBX itself answers (its certificate, an HTTP error), ends the try.
   */
  static async connect(url: string, options: TransportOptions = {}): Promise<Transport> {
    const routes = options.routes?.length ? options.routes : [{ kind: 'direct' as const }];
    const log = options.log ?? silentLogger;
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const failures: string[] = [];
    for (const [i, route] of routes.entries()) {
      const last = i === routes.length - 1;
      if (route.kind === 'unsupported') {
        const why = /^SOCKS/i.test(route.entry) ? 'SOCKS proxies are not supported' : 'not a proxy entry myApps understands';
        log('warn', `proxy "${route.entry}" skipped: ${why}; trying the next entry`);
        failures.push(`"${route.entry}" skipped (${why})`);
        continue;
      }
      let tunnel: Duplex | undefined;
      if (route.kind === 'proxy') {
        const proxy = proxyName(route);
        const credentials = options.proxyCredentials?.(proxy);
        try {
          tunnel = await openTunnel(route, { target: connectTarget(url), timeoutMs, secureContext: trustedSecureContext(), ...(credentials && { credentials }), ...(options.lookup && { lookup: options.lookup }) });
        } catch (e) {
          if (e instanceof ProxyAuthRequiredError) {
            log('info', 'the proxy asks for a user name and password', { proxy, ...(e.realm !== undefined && { realm: e.realm }), refused: e.refused });
            throw new ConnectError({ kind: 'proxy-auth', detail: e.message, proxy, refused: e.refused, ...(e.realm !== undefined && { realm: e.realm }) });
          }
          log('warn', 'proxy not usable; trying the next entry', { proxy, error: (e as Error).message });
          failures.push((e as Error).message);
          continue;
        }
        log('debug', 'tunnel open through the proxy', { proxy });
      }
      try {
        return await Transport.open(url, options, tunnel);
      } catch (e) {
        tunnel?.destroy();
        if (!(e instanceof ConnectError) || e.failure.kind !== 'unreachable' || (last && failures.length === 0)) throw e;
        failures.push(`${route.kind === 'proxy' ? `through the proxy ${proxyName(route)}` : 'directly'}: ${e.failure.detail.replace(`cannot reach ${url}: `, '')}`);
        if (!last) log('warn', 'connection failed; trying the next proxy entry', { error: e.failure.detail });
      }
    }
    throw new ConnectError({ kind: 'unreachable', detail: `cannot reach ${url}: ${failures.join('; ')}` });
  }

  /** One WebSocket handshake, directly or inside `tunnel`. */
  private static open(url: string, options: TransportOptions, tunnel: Duplex | undefined): Promise<Transport> {
    const secure = url.startsWith('wss:');
    const createConnection = secure ? trustingTlsConnect(options.trustedFingerprints ?? [], tunnel) : tunnel ? () => tunnel : undefined;
    const ws = new WebSocket(url, {
      handshakeTimeout: options.connectTimeoutMs ?? 10_000,
      perMessageDeflate: false,
      maxPayload: MAX_PBX_FRAME_BYTES,
      ...(createConnection && { createConnection: createConnection as never }),
      ...(options.lookup && { lookup: options.lookup }),
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
        resolve(new Transport(ws, url, options.keepAlive ?? defaultKeepAlive, tunnel));
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

/** `host:port` of the PBX for CONNECT (IPv6 in brackets; the scheme's port if none is given). */
function connectTarget(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === 'wss:' || u.protocol === 'https:' ? 443 : 80)}`;
}
