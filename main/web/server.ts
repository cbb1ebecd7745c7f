/**
 * The browser shell: a local HTTP server that serves the renderer build and carries the
 * bridge over a WebSocket, so the same UI runs in any browser (demo, app developers, e2e
 * tests on machines without Electron).
 *
 * It listens on 127.0.0.1 only. Anyone on this machine can still reach that, so the page and
 * the bridge need the per-run token and the bridge also the shell's own Origin (see
 * access.ts); static assets hold no data and need neither.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { webBridgePath } from '../core/bridge/channels.js';
import { type Logger, silentLogger } from '../core/common/log.js';
import { hostAllowed, newToken, originAllowed, shellOrigins, tokenMatches } from './access.js';
import type { BridgeHost } from './bridge-host.js';
import { BridgeSocketServer } from './bridge-socket.js';
import { securityHeaders } from './security-headers.js';
import { findStaticFile, sendStaticFile } from './static-files.js';

export interface WebShellOptions {
  host: BridgeHost;
  /** The Vite build of the renderer (`renderer/dist`); it may be built after the shell starts. */
  rendererDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The access token; a random one per run by default. */
  token?: string;
  log?: Logger;
}

export interface WebShell {
  /** The page to open: `http://127.0.0.1:PORT/?token=T`. */
  url: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  token: string;
  /** The listening server, for diagnostics and tests. */
  server: Server;
  /** Close every bridge connection and stop listening. */
  close(): Promise<void>;
}

export const notBuiltMessage = 'The UI is not built: run npm run build:renderer';
const listenAddress = '127.0.0.1';

/** Path and query of a request target, the path left raw for static-files.ts to judge. */
function splitTarget(target: string): { path: string; query: URLSearchParams } {
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: new URLSearchParams() } : { path: target.slice(0, q), query: new URLSearchParams(target.slice(q + 1)) };
}

export async function createWebShell(options: WebShellOptions): Promise<WebShell> {
  const log = options.log ?? silentLogger;
  const token = options.token ?? newToken();
  if (token === '') throw new Error('the web shell token must not be empty');
  const { rendererDir } = options;
  const bridge = new BridgeSocketServer(options.host, log);
  const server = createServer();
  // Requests arrive only after listen() has resolved and set the port.
  let port = 0;

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const headers = securityHeaders(port);
    const answer = (status: number, message: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
      res.end(req.method === 'HEAD' ? undefined : message + '\n');
    };
    if (!hostAllowed(req.headers.host, port)) {
      log('warn', 'request refused: foreign Host header', { host: req.headers.host?.slice(0, 256) });
      return answer(403, 'Forbidden');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, 'Method not allowed', { Allow: 'GET, HEAD' });
    const { path, query } = splitTarget(req.url ?? '');

    if (path === '/' || path === '/index.html') {
      if (!tokenMatches(token, query.get('token'))) {
        log('warn', 'page refused: missing or wrong token');
        return answer(403, 'Forbidden: open the address the browser shell printed; it carries the access token.');
      }
      const index = await findStaticFile(rendererDir, '/index.html');
      if (index === undefined || index === 'bad-path') return answer(503, notBuiltMessage);
      return sendStaticFile(req, res, index, { ...headers, 'Cache-Control': 'no-store' });
    }

    const file = await findStaticFile(rendererDir, path);
    if (file === 'bad-path') {
      log('warn', 'request refused: bad path', { path: path.slice(0, 256) });
      return answer(400, 'Bad request');
    }
    if (file === undefined) return answer(404, 'Not found');
    // Vite names files under assets/ by content hash: a name never changes its content.
    return sendStaticFile(req, res, file, { ...headers, 'Cache-Control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache' });
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { path, query } = splitTarget(req.url ?? '');
    const refusal =
      path !== webBridgePath
        ? 'not the bridge path'
        : !hostAllowed(req.headers.host, port)
          ? 'foreign Host header'
          : !tokenMatches(token, query.get('token'))
            ? 'missing or wrong token'
            : !originAllowed(req.headers.origin, port)
              ? 'foreign or missing Origin'
              : undefined;
    if (refusal === undefined) return bridge.accept(req, socket, head);
    // The token is in the query: log neither the URL nor the token.
    log('warn', 'bridge connection refused', { reason: refusal, origin: req.headers.origin?.slice(0, 256) });
    refuseUpgrade(socket, path === webBridgePath ? 403 : 404, securityHeaders(port));
  };

  server.on('request', (req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      log('error', 'request failed', { error: String(e) });
      res.destroy();
    });
  });
  server.on('upgrade', onUpgrade);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 0, host: listenAddress, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = shellOrigins(port)[0]!;
  log('info', 'browser shell listening', { origin });

  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    origin,
    port,
    token,
    server,
    close: () =>
      (closing ??= (async () => {
        await bridge.close();
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
      })()),
  };
}

/** Answer a refused WebSocket handshake with a plain HTTP status, then hang up. */
function refuseUpgrade(socket: Duplex, status: 403 | 404, headers: Record<string, string>): void {
  const body = status === 403 ? 'Forbidden\n' : 'Not found\n';
  const lines = [
    `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Not Found'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(lines.join('\r\n') + '\r\n\r\n' + body);
}
