/**
 * The browser shell: a local HTTP server that serves the renderer build and carries the
 * bridge over a WebSocket, so the same UI runs in any browser (demo, app developers, e2e
 * tests on machines without Electron). Each app view is an iframe of our app-frame page
 * (appframe.html), which has a WebSocket of its own to the core, bound to its view.
 *
 * It listens on 127.0.0.1 only. Anyone on this machine can still reach that, so the pages
 * (every HTML file) and both sockets need the per-run token and the sockets also the shell's
 * own Origin (see access.ts); static assets hold no data and need neither.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { appFrameBridgePath, appFramePagePath, validViewId } from '../core/bridge/app-frame.js';
import { webBridgePath, webPopOutParam } from '../core/bridge/channels.js';
import { statusFramePagePath, statusFrameUrlParam } from '../core/bridge/status-frame.js';
import { type Logger, silentLogger } from '../core/common/log.js';
import { hostAllowed, newToken, originAllowed, shellOrigins, tokenMatches } from './access.js';
import { AppFrameSocketServer } from './app-frame-socket.js';
import type { BridgeHost } from './bridge-host.js';
import { BridgeSocketServer } from './bridge-socket.js';
import { appFrameSecurityHeaders, securityHeaders, statusFrameSecurityHeaders } from './security-headers.js';
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

/**
 * Which page a request path names, judged on the path as the file lookup will decode it and
 * case-blind (a case-insensitive file system serves `/INDEX.HTML` too): `index` for `/` and
 * index.html, `appframe` for the app-frame page, `statusframe` for the status-frame page,
 * `other` for any other HTML file; undefined for everything else (assets, which need no token).
 */
function pageOf(rawPath: string): 'index' | 'appframe' | 'statusframe' | 'other' | undefined {
  if (rawPath === '/') return 'index';
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath).toLowerCase();
  } catch {
    return undefined;
  }
  if (decoded === '/index.html') return 'index';
  if (decoded === appFramePagePath) return 'appframe';
  if (decoded === statusFramePagePath) return 'statusframe';
  return /\.html?$/.test(decoded) ? 'other' : undefined;
}

export async function createWebShell(options: WebShellOptions): Promise<WebShell> {
  const log = options.log ?? silentLogger;
  const token = options.token ?? newToken();
  if (token === '') throw new Error('the web shell token must not be empty');
  const { rendererDir } = options;
  const bridge = new BridgeSocketServer(options.host, log);
  const appFrames = new AppFrameSocketServer(options.host, log);
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

    const page = pageOf(path);
    if (page !== undefined) {
      // Every HTML page needs the token: a page runs our script with the page's authority.
      if (!tokenMatches(token, query.get('token'))) {
        log('warn', 'page refused: missing or wrong token');
        return answer(403, 'Forbidden: open the address the browser shell printed; it carries the access token.');
      }
      // The status-frame page only for a status page the core shows now, framing exactly its origin.
      const statusPage = query.get(statusFrameUrlParam);
      const statusOrigin = page === 'statusframe' && statusPage !== null ? options.host.statusInfoOrigin?.(statusPage) : undefined;
      if (page === 'statusframe' && statusOrigin === undefined) {
        log('info', 'status-frame page refused: no status page shown at that URL', { url: statusPage?.slice(0, 200) });
        return answer(404, 'Not found: no app shows a status page at that address.');
      }
      const file = await findStaticFile(rendererDir, page === 'index' ? '/index.html' : page === 'appframe' ? appFramePagePath : page === 'statusframe' ? statusFramePagePath : path);
      if (file === 'bad-path') return answer(400, 'Bad request');
      if (file === undefined) return page === 'other' ? answer(404, 'Not found') : answer(503, notBuiltMessage);
      const pageHeaders = page === 'appframe' ? appFrameSecurityHeaders(port) : statusOrigin !== undefined ? statusFrameSecurityHeaders(statusOrigin) : headers;
      return sendStaticFile(req, res, file, { ...pageHeaders, 'Cache-Control': 'no-store' });
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
    const isBridge = path === webBridgePath;
    const isAppFrame = path === appFrameBridgePath;
    const refusal =
      !isBridge && !isAppFrame
        ? 'not a socket path'
        : !hostAllowed(req.headers.host, port)
          ? 'foreign Host header'
          : !tokenMatches(token, query.get('token'))
            ? 'missing or wrong token'
            : !originAllowed(req.headers.origin, port)
              ? 'foreign or missing Origin'
              : undefined;
    // The token is in the query: log neither the URL nor the token.
    const refuse = (reason: string, status: 403 | 404) => {
      log('warn', isAppFrame ? 'app frame connection refused' : 'bridge connection refused', { reason, origin: req.headers.origin?.slice(0, 256) });
      refuseUpgrade(socket, status, securityHeaders(port));
    };
    if (refusal !== undefined) return refuse(refusal, isBridge || isAppFrame ? 403 : 404);
    if (isBridge) {
      // The page of an app's own window says which view it shows; it is that window's connection.
      const popOut = query.get(webPopOutParam);
      if (popOut !== null && !validViewId(popOut)) return refuse('malformed popout view', 404);
      return bridge.accept(req, socket, head, popOut ?? undefined);
    }
    // Only now, past every access check, may the request learn whether a view exists.
    const view = query.get('view');
    if (!appFrames.available) return refuse('this host hosts no apps', 404);
    if (!validViewId(view)) return refuse('missing or malformed view', 404);
    if (!appFrames.accept(req, socket, head, view)) refuse('no such view', 404);
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
        await Promise.all([bridge.close(), appFrames.close()]);
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
