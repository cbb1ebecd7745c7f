/**
 * The sample apps' server: one HTTP server for every app's page, icon and scripts, and each
 * app's App Service as a WebSocket at `ws://<host>:<port>/apps/<name>` — where the page's
 * library computes it (App URL cut at the last "/", "http" → "ws").
 *
 *   /apps/<name>/<page>.htm   the page (plain websites also without .htm), CSP script-src 'self'
 *   /apps/<name>/*.png        a solid-colour PNG icon (so icon overrides like <name>-icon.png work)
 *   /apps/<name>/applib.js    the shared app library (+ appcrypto.js, ui.js, app.css)
 *   /apps/<name>/<kind>.js    the page's own script
 *   /apps/<name>/phone-status.htm   (phone apps) the page a call shows as ShowStatusInfo, phonestatus.js
 *   /apps/<name>/<avatar filename>  (profile apps) the user's picture, only with a matching `auth`, else 403
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { solidPng } from '../support/png.js';
import type { SampleAppConfig, SampleAppKind } from './catalog.js';
import { verifyAvatarQuery } from './login.js';
import { AppService, type Frame } from './service.js';

export type { SampleAppConfig, SampleAppKind } from './catalog.js';
export type { Frame } from './service.js';

export interface SampleAppsOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  apps: SampleAppConfig[];
}

export interface SampleApps {
  /** `http://<host>:<port>` */
  readonly origin: string;
  /** The App URL (no `.htm`) to put in an App Object: `<origin>/apps/<name>/<page>`. */
  urlOf(name: string): string;
  /** Every frame the app's service received (parsed); for a `website`: the URLs its page was requested with. */
  received(name: string): Frame[];
  /** The URLs (path + query) the app's page was requested with. */
  requests(name: string): string[];
  /** Profile apps: every request of the picture, with the status answered and the picture version served (0: none). */
  pictureRequests(name: string): PictureRequest[];
  /** The first service frame of `mt` (and predicate) already received, or the next one. */
  waitFor(name: string, mt: string, pred?: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Number of open service connections of the app. */
  connections(name: string): number;
  /** Drops the app's service connections: its pages reconnect with a new challenge and getLogin. */
  disconnect(name: string): void;
  /** The app's service holds back its answers to frames of `mt` until `release` (the contacts page's `Lookup`: its later results). */
  hold(name: string, mt: string): void;
  release(name: string, mt: string): void;
  close(): Promise<void>;
}

export interface PictureRequest {
  /** Path and query as requested. */
  url: string;
  status: 200 | 403;
  version: number;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/** Files every app directory serves, relative to test/apps/. */
const assets: Record<string, string> = {
  'applib.js': 'applib.js',
  'appcrypto.js': 'appcrypto.js',
  'ui.js': 'pages/ui.js',
  'app.css': 'pages/app.css',
  'echo.js': 'pages/echo.js',
  'search.js': 'pages/search.js',
  'searchclient.js': 'pages/searchclient.js',
  'phone.js': 'pages/phone.js',
  'phonestatus.js': 'pages/phonestatus.js',
  'badge.js': 'pages/badge.js',
  'channel.js': 'pages/channel.js',
  'website.js': 'pages/website.js',
  'contacts.js': 'pages/contacts.js',
  'chat.js': 'pages/chat.js',
  'profile.js': 'pages/profile.js',
  'console.js': 'pages/console.js',
};

const scriptOf = (kind: SampleAppKind) => `${kind.toLowerCase()}.js`;

const colours: Record<SampleAppKind, [number, number, number]> = {
  echo: [0x15, 0x65, 0xc0],
  search: [0x6a, 0x1b, 0x9a],
  searchClient: [0x8e, 0x24, 0xaa],
  phone: [0x2e, 0x7d, 0x32],
  badge: [0xc6, 0x28, 0x28],
  website: [0x45, 0x5a, 0x64],
  channel: [0xef, 0x6c, 0x00],
  contacts: [0x00, 0x83, 0x8f],
  chat: [0xad, 0x14, 0x57],
  profile: [0x5d, 0x40, 0x37],
  console: [0x37, 0x47, 0x4f],
};

/** Picture N of a profile app: a different size each (64, 96, 128, … px), so a test can tell them apart by `naturalWidth`. */
export const pictureSize = (version: number) => 32 + 32 * Math.min(version, 16);

/** Pages an app kind serves beside its own, by file name: the script each loads (phone: its call's status page). */
const extraPages = new Map<SampleAppKind, Map<string, string>>([['phone', new Map([['phone-status.htm', 'phonestatus.js']])]]);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function pageHtml(app: SampleAppConfig, script = scriptOf(app.kind)): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(app.name)}</title>`,
    '<link rel="stylesheet" href="app.css">',
    `<script type="module" src="${script}"></script>`,
    '</head>',
    '<body></body>',
    '</html>',
    '',
  ].join('\n');
}

const contentTypes: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
  png: 'image/png',
};

export async function startSampleApps(opts: SampleAppsOptions): Promise<SampleApps> {
  const host = opts.host ?? '127.0.0.1';
  const services = new Map<string, AppService>();
  const requests = new Map<string, string[]>();
  const pictureRequests = new Map<string, PictureRequest[]>();
  for (const app of opts.apps) {
    if (!/^[A-Za-z0-9._-]+$/.test(app.name) || (app.page !== undefined && !/^[A-Za-z0-9._-]+$/.test(app.page))) throw new Error(`sample apps: bad app name "${app.name}"`);
    if (services.has(app.name)) throw new Error(`sample apps: duplicate app "${app.name}"`);
    services.set(app.name, new AppService(app));
    requests.set(app.name, []);
    pictureRequests.set(app.name, []);
  }
  const icons = new Map<SampleAppKind, Buffer>();
  const iconOf = (kind: SampleAppKind) => icons.get(kind) ?? icons.set(kind, solidPng(100, colours[kind])).get(kind)!;

  const send = (req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...extra });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(req, res, 405, 'text/plain', 'method not allowed', { Allow: 'GET, HEAD' });
      const url = new URL(req.url ?? '/', 'http://x');
      const m = /^\/apps\/([^/]+)\/([^/]+)$/.exec(url.pathname);
      const service = m ? services.get(m[1]!) : undefined;
      if (!m || !service) return send(req, res, 404, 'text/plain', 'not found');
      const { app, page } = service;
      const file = m[2]!;
      const extra = extraPages.get(app.kind)?.get(file);
      if (file === `${page}.htm` || (app.kind === 'website' && file === page) || extra !== undefined) {
        if (extra === undefined) requests.get(app.name)!.push(req.url ?? '');
        const csp = `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://${req.headers.host ?? `${host}:${port}`}; base-uri 'none'; form-action 'none'`;
        return send(req, res, 200, contentTypes.html!, pageHtml(app, extra), { 'Content-Security-Policy': csp });
      }
      if (app.avatar && file === app.avatar.filename) {
        const check = verifyAvatarQuery(url.searchParams, app.avatar.token);
        const version = check.ok ? service.pictureVersion : 0;
        pictureRequests.get(app.name)!.push({ url: req.url ?? '', status: check.ok ? 200 : 403, version });
        if (!check.ok) return send(req, res, 403, 'text/plain', check.error);
        const colour = colours.profile.map((c) => (c + 70 * version) % 256);
        // Images are fetched cross-origin by the client's UI: readable by it.
        return send(req, res, 200, contentTypes.png!, solidPng(pictureSize(version), colour), { 'Access-Control-Allow-Origin': '*' });
      }
      if (file.endsWith('.png')) return send(req, res, 200, contentTypes.png!, iconOf(app.kind));
      const asset = assets[file];
      if (!asset) return send(req, res, 404, 'text/plain', 'not found');
      const body = await readFile(join(here, asset));
      // Module scripts are fetched in CORS mode: allow pages whose sandbox gives them an opaque origin.
      return send(req, res, 200, contentTypes[file.slice(file.lastIndexOf('.') + 1)] ?? 'application/octet-stream', body, { 'Access-Control-Allow-Origin': '*' });
    })().catch((e: unknown) => {
      if (!res.headersSent) send(req, res, 500, 'text/plain', String(e));
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/$/, '');
    const m = /^\/apps\/([^/]+)$/.exec(path);
    const service = m ? services.get(m[1]!) : undefined;
    if (!service || service.app.kind === 'website') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => service.accept(ws));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const get = (name: string): AppService => {
    const s = services.get(name);
    if (!s) throw new Error(`sample apps: no app "${name}" (have ${[...services.keys()].join(', ')})`);
    return s;
  };

  return {
    origin,
    urlOf: (name) => `${origin}/apps/${name}/${get(name).page}`,
    received: (name) => (get(name).app.kind === 'website' ? requests.get(name)!.map((u) => u as unknown as Frame) : get(name).received),
    requests: (name) => (get(name), requests.get(name)!),
    pictureRequests: (name) => (get(name), pictureRequests.get(name)!),
    waitFor: (name, mt, pred, timeoutMs) => get(name).waitFor(mt, pred, timeoutMs),
    connections: (name) => get(name).connections,
    disconnect: (name) => get(name).disconnect(),
    hold: (name, mt) => get(name).hold(mt),
    release: (name, mt) => get(name).release(mt),
    async close() {
      for (const s of services.values()) s.disconnect();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
