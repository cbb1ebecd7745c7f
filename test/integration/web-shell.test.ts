/**
 * The browser shell over real HTTP and real WebSockets: who may load the pages and open the
 * bridge and the app-frame sockets (token, Origin, Host, view), static files that never leave
 * the renderer build, the security headers (control 9), bridge and app-frame frames
 * (control 6), and `npm run web` as a process.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { type IncomingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { AppFrameLink, FromAppFrame, ToAppFrame } from '../../main/core/bridge/app-frame.js';
import type { WebBridgeFrame } from '../../main/core/bridge/channels.js';
import type { CommandResult } from '../../main/core/bridge/commands.js';
import type { BridgeEvent } from '../../main/core/bridge/events.js';
import { parseCommand } from '../../main/core/bridge/validate-command.js';
import type { LogLevel } from '../../main/core/common/log.js';
import type { BridgeHost } from '../../main/web/bridge-host.js';
import { batchAppFrames, decodeToAppFrames, maxAppFrameBytes, maxAppMessageBytes } from '../../main/core/bridge/app-frame.js';
import { maxFrameBytes } from '../../main/web/bridge-socket.js';
import { statusFrameContentSecurityPolicy } from '../../main/core/bridge/status-frame.js';
import { appFrameContentSecurityPolicy, contentSecurityPolicy } from '../../main/web/security-headers.js';
import { createWebShell, notBuiltMessage, type WebShell } from '../../main/web/server.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One app-frame connection as the host sees it: what the page sent, and whether it went away. */
class ViewLink implements AppFrameLink {
  readonly received: FromAppFrame[] = [];
  detached = 0;

  constructor(
    readonly viewId: string,
    readonly send: (frame: ToAppFrame) => void,
  ) {}

  receive(frame: FromAppFrame): void {
    this.received.push(frame);
  }

  detach(): void {
    this.detached++;
  }
}

/**
 * A real host: records the commands it gets, answers like the core, emits events on demand;
 * hosts the app views in `views` and, like the core, sends each attached page its `load` at once.
 */
class RecordingHost implements BridgeHost {
  readonly commands: unknown[] = [];
  readonly views = new Set<string>();
  readonly attached: ViewLink[] = [];
  readonly attachCalls: string[] = [];
  private readonly listeners = new Set<(event: BridgeEvent) => void>();

  attachAppFrame(viewId: string, send: (frame: ToAppFrame) => void): AppFrameLink | undefined {
    this.attachCalls.push(viewId);
    if (!this.views.has(viewId)) return undefined;
    const link = new ViewLink(viewId, send);
    this.attached.push(link);
    send({ kind: 'load', url: `https://apps.example.com/${viewId}/app.htm?lang=en`, website: false, title: `App ${viewId}`, allow: '' });
    return link;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  async handle(raw: unknown): Promise<CommandResult> {
    this.commands.push(raw);
    const parsed = parseCommand(raw);
    return parsed.ok ? { ok: true, value: parsed.command.type } : { ok: false, error: parsed.error };
  }

  onEvent(listener: (event: BridgeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: BridgeEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'web-shell-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const outsideMarker = 'OUTSIDE-THE-RENDERER-BUILD';

/** A renderer build (index.html + assets/app.js) with secret-looking files right next to it. */
async function fakeRenderer(): Promise<string> {
  const dir = await tempDir();
  const rendererDir = join(dir, 'dist');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>myApps</title><script type="module" src="/assets/app.js"></script>');
  await writeFile(join(rendererDir, 'appframe.html'), '<!doctype html><title>myApps app view</title><script type="module" src="/assets/appframe.js"></script>');
  await writeFile(join(rendererDir, 'other.html'), '<!doctype html><title>other page</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
  await writeFile(join(dir, 'package.json'), JSON.stringify({ marker: outsideMarker }));
  await writeFile(join(dir, 'x'), outsideMarker);
  await symlink(join(dir, 'x'), join(rendererDir, 'assets', 'link.js'));
  return rendererDir;
}

interface LogRecord {
  level: LogLevel;
  message: string;
  fields?: Record<string, unknown>;
}

async function startShell<H extends BridgeHost = RecordingHost>(options: { rendererDir?: string; token?: string; host?: H } = {}) {
  const host = options.host ?? new RecordingHost();
  const records: LogRecord[] = [];
  const shell = await createWebShell({
    host,
    rendererDir: options.rendererDir ?? (await fakeRenderer()),
    ...(options.token !== undefined && { token: options.token }),
    // Raw fields, not redacted: proves the shell never hands a secret to the logger at all.
    log: (level, message, fields) => records.push({ level, message, ...(fields && { fields }) }),
  });
  cleanups.push(() => shell.close());
  return { shell, host: host as H, records };
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with the path sent exactly as given (fetch would normalise `..` away). */
function http(shell: WebShell, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port: shell.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

const withToken = (shell: WebShell, path = '/') => `${path}?token=${encodeURIComponent(shell.token)}`;

/** A bridge connection that keeps every frame it receives. */
class Peer {
  readonly frames: WebBridgeFrame[] = [];
  readonly closed: Promise<number>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as WebBridgeFrame));
    this.closed = new Promise((done) => ws.on('close', (code) => done(code)));
  }

  results(): Extract<WebBridgeFrame, { kind: 'result' }>[] {
    return this.frames.filter((f) => f.kind === 'result');
  }

  events(): BridgeEvent[] {
    return this.frames.flatMap((f) => (f.kind === 'event' ? [f.event] : []));
  }

  async command(id: number, command: unknown): Promise<CommandResult> {
    this.ws.send(JSON.stringify({ kind: 'command', id, command }));
    await vi.waitFor(() => expect(this.results().some((r) => r.id === id)).toBe(true), { timeout: 5000, interval: 10 });
    return this.results().find((r) => r.id === id)!.result;
  }
}

/** Open the bridge; resolves with the connection, or with the HTTP status that refused it. */
function openBridge(shell: WebShell, options: { token?: string | null; origin?: string | null } = {}): Promise<Peer | number> {
  const token = options.token === undefined ? shell.token : options.token;
  const origin = options.origin === undefined ? shell.origin : options.origin;
  const url = `ws://127.0.0.1:${shell.port}/bridge${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
  const ws = new WebSocket(url, origin === null ? {} : { origin });
  return new Promise((done, fail) => {
    ws.once('open', () => {
      const peer = new Peer(ws);
      cleanups.push(() => ws.terminate());
      done(peer);
    });
    ws.once('unexpected-response', (_req, res) => done(res.statusCode!));
    ws.once('error', fail);
  });
}

async function bridge(shell: WebShell): Promise<Peer> {
  const peer = await openBridge(shell);
  if (typeof peer === 'number') throw new Error(`bridge refused with ${peer}`);
  return peer;
}

describe('browser shell: page and static files', () => {
  it('serves the page only with the token, with every security header', async () => {
    const { shell, records } = await startShell();
    expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/?token=${shell.token}`);
    expect(shell.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    for (const path of ['/', '/index.html', '/?token=', '/?token=wrong', `/index.html?token=${shell.token}x`]) {
      const refused = await http(shell, path);
      expect(refused.status, path).toBe(403);
      expect(refused.body).not.toContain('<title>');
    }

    for (const path of [withToken(shell), withToken(shell, '/index.html')]) {
      const page = await http(shell, path);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('<title>myApps</title>');
      expect(page.headers).toMatchObject({
        'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; connect-src 'self' ws://127.0.0.1:${shell.port} ws://localhost:${shell.port}; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'cross-origin-opener-policy': 'same-origin',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      });
    }
    expect((await http(shell, withToken(shell), { method: 'HEAD' })).status).toBe(200);
    expect(JSON.stringify(records)).not.toContain(shell.token);
  });

  it('serves assets without the token, with their content type and the security headers', async () => {
    const { shell } = await startShell();
    const asset = await http(shell, '/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log("app");');
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    expect(asset.headers['content-security-policy']).toBe(contentSecurityPolicy(shell.port));

    const missing = await http(shell, '/assets/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-security-policy']).toBe(contentSecurityPolicy(shell.port));
    expect(missing.headers['x-frame-options']).toBe('DENY');
  });

  it('never serves a file outside the renderer build', async () => {
    const { shell } = await startShell();
    const attempts = [
      '/../package.json',
      '/assets/../../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/%2e%2e/x',
      '/..%2fx',
      '/assets/..%5c..%5cx',
      '/assets/%00',
      '/assets/app.js%00.png',
      '//x',
      '/assets/link.js',
      '/%E0%A4%A',
    ];
    for (const path of attempts) {
      const reply = await http(shell, path);
      expect([400, 403, 404], path).toContain(reply.status);
      expect(reply.body, path).not.toContain(outsideMarker);
    }
  });

  it('answers only GET and HEAD', async () => {
    const { shell } = await startShell();
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const reply = await http(shell, withToken(shell), { method });
      expect(reply.status, method).toBe(405);
      expect(reply.headers.allow).toBe('GET, HEAD');
    }
  });

  it('refuses a request naming another host (DNS rebinding)', async () => {
    const { shell } = await startShell();
    expect((await http(shell, withToken(shell), { headers: { Host: `evil.example:${shell.port}` } })).status).toBe(403);
    expect((await http(shell, '/assets/app.js', { headers: { Host: `evil.example:${shell.port}` } })).status).toBe(403);
    expect((await http(shell, withToken(shell), { headers: { Host: `localhost:${shell.port}` } })).status).toBe(200);
  });

  it('says how to build the UI when the renderer is not built', async () => {
    const { shell } = await startShell({ rendererDir: join(await tempDir(), 'dist') });
    const reply = await http(shell, withToken(shell));
    expect(reply.status).toBe(503);
    expect(reply.body.trim()).toBe(notBuiltMessage);
    expect(notBuiltMessage).toBe('The UI is not built: run npm run build:renderer');
    // Without the token it still says nothing.
    expect((await http(shell, '/')).status).toBe(403);
  });
});

describe('browser shell: the app-frame page', () => {
  it('is served only with the token, framed by our own UI only', async () => {
    const { shell, records } = await startShell();
    for (const path of ['/appframe.html', '/appframe.html?view=v1', '/appframe.html?view=v1&token=wrong', `/appframe.html?token=${shell.token}x`]) {
      const refused = await http(shell, path);
      expect(refused.status, path).toBe(403);
      expect(refused.body).not.toContain('<title>');
    }
    const page = await http(shell, `/appframe.html?view=v1&token=${encodeURIComponent(shell.token)}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>myApps app view</title>');
    expect(page.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws://127.0.0.1:${shell.port} ws://localhost:${shell.port}; frame-src http: https:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`,
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    expect(page.headers['content-security-policy']).toBe(appFrameContentSecurityPolicy(shell.port));
    // The UI itself may frame only our own pages, and nobody may frame the UI.
    const index = await http(shell, withToken(shell));
    expect(index.headers['content-security-policy']).toContain("frame-src 'self';");
    expect(index.headers['x-frame-options']).toBe('DENY');
    expect(JSON.stringify(records)).not.toContain(shell.token);
  });

  it('asks the token for every HTML page, however its path is spelled', async () => {
    const { shell } = await startShell();
    for (const path of ['/index%2ehtml', '/index%2Ehtml', '/%69ndex.html', '/INDEX.HTML', '/appframe%2ehtml', '/APPFRAME.HTML', '/AppFrame.html', '/other.html', '/other%2Ehtml', '/assets/../appframe.html']) {
      const refused = await http(shell, path);
      expect(refused.status, path).toBe(403);
      expect(refused.body, path).not.toContain('<title>');
    }
    expect((await http(shell, withToken(shell, '/index%2ehtml'))).status).toBe(200);
    expect((await http(shell, withToken(shell, '/other.html'))).body).toContain('<title>other page</title>');
    // Assets stay public: they hold no data.
    expect((await http(shell, '/assets/app.js')).status).toBe(200);
  });
});

describe('browser shell: the status-frame page', () => {
  /** A host that shows the status pages in `shown` (URL → origin), as ClientCore.statusInfoOrigin answers. */
  class StatusHost extends RecordingHost {
    readonly shown = new Map<string, string>();
    statusInfoOrigin(url: string): string | undefined {
      return this.shown.get(url);
    }
  }
  const call = 'https://phone.example.com:8443/apps/phone/phone-status.htm?num=1';
  /** The status-frame page's path for `url`; `token: null`, without a token. */
  const page = (shell: WebShell, url: string, token: string | null = shell.token, path = '/statusframe.html') => `${path}?url=${encodeURIComponent(url)}${token === null ? '' : `&token=${encodeURIComponent(token)}`}`;

  async function statusShell<H extends BridgeHost>(host: H) {
    const rendererDir = await fakeRenderer();
    await writeFile(join(rendererDir, 'statusframe.html'), '<!doctype html><title>myApps status page</title>');
    return startShell({ rendererDir, host });
  }

  it('is served only for a status page the core shows, with the token, framing exactly its origin, framed by our UI only', async () => {
    const { shell, host, records } = await statusShell(new StatusHost());
    host.shown.set(call, 'https://phone.example.com:8443');
    for (const path of [page(shell, call, null), page(shell, call, 'wrong'), page(shell, call, null, '/STATUSFRAME.HTML'), page(shell, call, null, '/statusframe%2ehtml')]) {
      const refused = await http(shell, path);
      expect(refused.status, path).toBe(403);
      expect(refused.body).not.toContain('<title>');
    }
    const served = await http(shell, page(shell, call));
    expect(served.status).toBe(200);
    expect(served.body).toContain('<title>myApps status page</title>');
    expect(served.headers).toMatchObject({
      'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; frame-src https://phone.example.com:8443; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    expect(served.headers['content-security-policy']).toBe(statusFrameContentSecurityPolicy('https://phone.example.com:8443'));
    // However its path is spelled, the same check.
    expect((await http(shell, page(shell, call, shell.token, '/STATUSFRAME.HTML'))).headers['content-security-policy']).toContain('frame-src https://phone.example.com:8443;');
    // Any other URL, none, or the page once the core no longer shows it: not found, and said so.
    for (const path of [page(shell, 'https://evil.test/x.htm'), page(shell, `${call}&x=1`), withToken(shell, '/statusframe.html')]) {
      const refused = await http(shell, path);
      expect(refused.status, path).toBe(404);
      expect(refused.body).not.toContain('<title>');
      expect(refused.headers['content-security-policy']).toBe(contentSecurityPolicy(shell.port));
    }
    expect(records.filter((r) => r.message === 'status-frame page refused: no status page shown at that URL').map((r) => r.fields?.url)).toEqual(['https://evil.test/x.htm', `${call}&x=1`, undefined]);
    host.shown.clear();
    expect((await http(shell, page(shell, call))).status).toBe(404);
    expect(JSON.stringify(records)).not.toContain(shell.token);
  });

  it('is never served by a host that shows no status pages', async () => {
    const { shell } = await statusShell(new RecordingHost());
    expect((await http(shell, page(shell, call))).status).toBe(404);
    // Control: the same shell serves its other pages.
    expect((await http(shell, withToken(shell))).status).toBe(200);
  });
});

describe('browser shell: listening address', () => {
  it('is bound to 127.0.0.1 only', async () => {
    const { shell } = await startShell();
    expect(shell.server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4', port: shell.port });
  });

  it('is not reachable through another local address', async (ctx) => {
    const { shell } = await startShell();
    const others = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((a) => (a.family === 'IPv4' && a.address !== '127.0.0.1') || a.address === '::1')
      .map((a) => a.address);
    if (others.length === 0) {
      console.log('skipped: this machine has no local address besides 127.0.0.1');
      ctx.skip();
    }
    for (const address of others) expect(await reachable(address, shell.port), address).toBe(false);
  });
});

function reachable(address: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: address, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });
}

describe('browser shell: who may open the bridge', () => {
  it('refuses a missing or wrong token', async () => {
    const { shell, records } = await startShell();
    expect(await openBridge(shell, { token: null })).toBe(403);
    expect(await openBridge(shell, { token: 'wrong-token-123' })).toBe(403);
    expect(await openBridge(shell, { token: shell.token.slice(0, -1) })).toBe(403);
    const logged = JSON.stringify(records);
    expect(logged).toContain('missing or wrong token');
    expect(logged).not.toContain('wrong-token-123');
    expect(logged).not.toContain(shell.token.slice(0, -1));
  });

  it('refuses a foreign or missing Origin even with the right token (cross-site WebSocket hijacking)', async () => {
    const { shell, host, records } = await startShell();
    expect(await openBridge(shell, { origin: 'http://evil.example' })).toBe(403);
    expect(await openBridge(shell, { origin: `http://127.0.0.1:${shell.port + 1}` })).toBe(403);
    expect(await openBridge(shell, { origin: `https://127.0.0.1:${shell.port}` })).toBe(403);
    expect(await openBridge(shell, { origin: null })).toBe(403);
    expect(host.listenerCount).toBe(0);
    expect(JSON.stringify(records)).toContain('foreign or missing Origin');
    expect(JSON.stringify(records)).not.toContain(shell.token);
  });

  it('accepts the right token from its own origin, 127.0.0.1 or localhost', async () => {
    const { shell } = await startShell();
    expect(await openBridge(shell)).toBeInstanceOf(Peer);
    expect(await openBridge(shell, { origin: `http://localhost:${shell.port}` })).toBeInstanceOf(Peer);
  });

  it('upgrades only on the bridge path', async () => {
    const { shell } = await startShell();
    const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/other?token=${shell.token}`, { origin: shell.origin });
    const status = await new Promise((done) => ws.once('unexpected-response', (_req, res) => done(res.statusCode)));
    expect(status).toBe(404);
  });
});

describe('browser shell: bridge frames', () => {
  it('runs a command and answers with its id', async () => {
    const { shell, host } = await startShell();
    const peer = await bridge(shell);
    expect(await peer.command(1, { type: 'getSnapshot' })).toEqual({ ok: true, value: 'getSnapshot' });
    expect(await peer.command(2, { type: 'noSuchCommand' })).toMatchObject({ ok: false, error: expect.stringContaining('unknown command') });
    expect(host.commands).toEqual([{ type: 'getSnapshot' }, { type: 'noSuchCommand' }]);
  });

  it('sends every event to every connection', async () => {
    const { shell, host } = await startShell();
    const [a, b] = [await bridge(shell), await bridge(shell)];
    const event: BridgeEvent = { type: 'activeApp', activeApp: 'view-1' };
    host.emit(event);
    host.emit({ type: 'badge', app: 'chat', value: '3' });
    for (const peer of [a, b]) await vi.waitFor(() => expect(peer.events()).toEqual([event, { type: 'badge', app: 'chat', value: '3' }]));
  });

  it('drops malformed frames, answers those with a readable id, and keeps going', async () => {
    const { shell, host, records } = await startShell();
    const [peer, other] = [await bridge(shell), await bridge(shell)];
    const bad = [
      '{',
      '[1,2]',
      'null',
      JSON.stringify({ kind: 'command', command: { type: 'getSnapshot' } }),
      JSON.stringify({ kind: 'command', id: 1.5, command: { type: 'getSnapshot' } }),
      JSON.stringify({ kind: 'command', id: '3', command: { type: 'getSnapshot' } }),
    ];
    for (const text of bad) peer.ws.send(text);
    peer.ws.send(Buffer.from(JSON.stringify({ kind: 'command', id: 4, command: { type: 'getSnapshot' } })), { binary: true });
    peer.ws.send(JSON.stringify({ kind: 'command', id: 5 }));
    peer.ws.send(JSON.stringify({ kind: 'event', id: 6, event: { type: 'runningApps', runningApps: [] } }));

    expect(await peer.command(7, { type: 'getSnapshot' })).toEqual({ ok: true, value: 'getSnapshot' });
    expect(peer.results()).toEqual([
      { kind: 'result', id: 5, result: { ok: false, error: 'frame has no command' } },
      { kind: 'result', id: 6, result: { ok: false, error: 'frame is not a command' } },
      { kind: 'result', id: 7, result: { ok: true, value: 'getSnapshot' } },
    ]);
    expect(host.commands).toEqual([{ type: 'getSnapshot' }]);
    expect(records.filter((r) => r.message === 'bridge frame dropped')).toHaveLength(9);
    expect(await other.command(1, { type: 'logout' })).toEqual({ ok: true, value: 'logout' });
  });

  it('closes a connection that sends a frame over 1 MiB; the others carry on', async () => {
    const { shell, host } = await startShell();
    const [big, other] = [await bridge(shell), await bridge(shell)];
    big.ws.send(JSON.stringify({ kind: 'command', id: 1, command: { type: 'setHome', links: ['x'.repeat(maxFrameBytes)] } }));
    expect(await big.closed).toBe(1009);
    await vi.waitFor(() => expect(host.listenerCount).toBe(1));
    expect(await other.command(2, { type: 'getSnapshot' })).toEqual({ ok: true, value: 'getSnapshot' });
    host.emit({ type: 'runningApps', runningApps: [] });
    await vi.waitFor(() => expect(other.events()).toHaveLength(1));
    expect(host.commands).toEqual([{ type: 'getSnapshot' }]);
  });

  it('unsubscribes from host events when a connection closes, and when the shell closes', async () => {
    const { shell, host } = await startShell();
    const [a, b] = [await bridge(shell), await bridge(shell)];
    expect(host.listenerCount).toBe(2);
    a.ws.close();
    await vi.waitFor(() => expect(host.listenerCount).toBe(1));
    await shell.close();
    expect(await b.closed).toBe(1006);
    await vi.waitFor(() => expect(host.listenerCount).toBe(0));
  });

  it('never logs a password or the token', async () => {
    const { shell, records } = await startShell();
    const peer = await bridge(shell);
    await peer.command(1, { type: 'login', pbx: 'pbx.example.com', username: 'alice', password: 'Secret123!', stayLoggedIn: true });
    peer.ws.send(JSON.stringify({ kind: 'command', id: 'x', command: { type: 'login', password: 'Secret123!' } }));
    await peer.command(2, { type: 'getSnapshot' });
    const logged = JSON.stringify(records);
    expect(logged).toContain('bridge command');
    expect(logged).not.toContain('Secret123!');
    expect(logged).not.toContain(shell.token);
  });
});

/** An app-frame page's connection that keeps every frame the core sends it. */
class FramePeer {
  readonly frames: ToAppFrame[] = [];
  readonly closed: Promise<number>;

  constructor(readonly ws: WebSocket) {
    // Each WebSocket message: the frames of one tick, in the contract's wire format.
    ws.on('message', (data) => this.frames.push(...decodeToAppFrames(String(data))));
    this.closed = new Promise((done) => ws.on('close', (code) => done(code)));
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
}

/** Open an app-frame socket; resolves with the connection, or with the HTTP status that refused it. */
function openAppFrame(shell: WebShell, options: { view?: string | null; token?: string | null; origin?: string | null; host?: string } = {}): Promise<FramePeer | number> {
  const token = options.token === undefined ? shell.token : options.token;
  const origin = options.origin === undefined ? shell.origin : options.origin;
  const view = options.view === undefined ? 'v1' : options.view;
  const query = [view === null ? '' : `view=${encodeURIComponent(view)}`, token === null ? '' : `token=${encodeURIComponent(token)}`].filter(Boolean).join('&');
  const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/app-bridge${query ? `?${query}` : ''}`, { ...(origin !== null && { origin }), ...(options.host && { headers: { Host: options.host } }) });
  return new Promise((done, fail) => {
    ws.once('open', () => {
      const peer = new FramePeer(ws);
      cleanups.push(() => ws.terminate());
      done(peer);
    });
    ws.once('unexpected-response', (_req, res) => done(res.statusCode!));
    ws.once('error', fail);
  });
}

async function appFrame(shell: WebShell, view = 'v1'): Promise<FramePeer> {
  const peer = await openAppFrame(shell, { view });
  if (typeof peer === 'number') throw new Error(`app frame refused with ${peer}`);
  return peer;
}

describe('browser shell: who may open an app-frame socket', () => {
  it('refuses a missing or wrong token, a foreign or missing Origin and a foreign Host before asking the host', async () => {
    const { shell, host, records } = await startShell();
    host.views.add('v1');
    expect(await openAppFrame(shell, { token: null })).toBe(403);
    expect(await openAppFrame(shell, { token: 'wrong-token-123' })).toBe(403);
    expect(await openAppFrame(shell, { origin: 'http://evil.example' })).toBe(403);
    expect(await openAppFrame(shell, { origin: `http://127.0.0.1:${shell.port + 1}` })).toBe(403);
    expect(await openAppFrame(shell, { origin: null })).toBe(403);
    expect(await openAppFrame(shell, { host: `evil.example:${shell.port}` })).toBe(403);
    // Without access, nobody learns which views exist.
    expect(await openAppFrame(shell, { token: null, view: 'nope' })).toBe(403);
    expect(host.attachCalls).toEqual([]);
    const logged = JSON.stringify(records);
    expect(logged).toContain('missing or wrong token');
    expect(logged).toContain('foreign or missing Origin');
    expect(logged).not.toContain('wrong-token-123');
    expect(logged).not.toContain(shell.token);
  });

  it('refuses an unknown, missing or malformed view with 404', async () => {
    const { shell, host, records } = await startShell();
    host.views.add('v1');
    expect(await openAppFrame(shell, { view: 'v2' })).toBe(404);
    expect(await openAppFrame(shell, { view: null })).toBe(404);
    expect(await openAppFrame(shell, { view: '' })).toBe(404);
    expect(await openAppFrame(shell, { view: 'v'.repeat(129) })).toBe(404);
    expect(await openAppFrame(shell, { view: 'a b' })).toBe(404);
    // Only well-formed ids reach the host.
    expect(host.attachCalls).toEqual(['v2']);
    expect(host.attached).toEqual([]);
    expect(JSON.stringify(records)).toContain('no such view');
  });

  it('refuses every app-frame socket when the host hosts no apps', async () => {
    const bare: BridgeHost = { handle: async () => ({ ok: true }), onEvent: () => () => {} };
    const { shell, records } = await startShell({ host: bare });
    expect(await openAppFrame(shell)).toBe(404);
    expect(JSON.stringify(records)).toContain('this host hosts no apps');
  });

  it('accepts the right token from its own origin, 127.0.0.1 or localhost, for a view the host has', async () => {
    const { shell, host } = await startShell();
    host.views.add('v1');
    expect(await openAppFrame(shell)).toBeInstanceOf(FramePeer);
    expect(await openAppFrame(shell, { origin: `http://localhost:${shell.port}` })).toBeInstanceOf(FramePeer);
    expect(host.attached.map((l) => l.viewId)).toEqual(['v1', 'v1']);
  });
});

describe('browser shell: app-frame frames', () => {
  it('wire format: what the core sends in one tick is one WebSocket message, posts as `p` + the text unwrapped; a page’s batch is split and checked frame by frame', async () => {
    const { shell, host } = await startShell();
    host.views.add('v1');
    const page = await appFrame(shell, 'v1');
    const raw: string[] = [];
    page.ws.on('message', (d) => raw.push(String(d)));
    await vi.waitFor(() => expect(page.frames).toHaveLength(1));
    const [link] = host.attached as [ViewLink];
    for (let i = 0; i < 30; i++) link.send({ kind: 'post', text: `{"mt":"N","i":${i}}` });
    await vi.waitFor(() => expect(page.frames).toHaveLength(31));
    expect(page.frames.slice(1)).toEqual(Array.from({ length: 30 }, (_, i) => ({ kind: 'post', text: `{"mt":"N","i":${i}}` })));
    expect(raw).toHaveLength(1);
    expect(raw[0]!.startsWith('17:p{"mt":"N","i":0}17:p{"mt":"N","i":1}')).toBe(true);
    link.send({ kind: 'post', text: 'alone' });
    await vi.waitFor(() => expect(raw).toEqual([raw[0], 'palone']));
    // Up: one batch with a good message, a bad frame and a loaded; the bad one alone is dropped.
    page.ws.send(batchAppFrames(['m{"mt":"Alive"}', '{"kind":"nope"}', '{"kind":"loaded"}']));
    page.ws.send('3:m{}5:broken');
    await vi.waitFor(() => expect(link.received).toEqual([{ kind: 'message', text: '{"mt":"Alive"}' }, { kind: 'loaded' }]));
  });

  it('relays frames both ways: the load sent while attaching first, then posts; the page’s messages to its own view only', async () => {
    const { shell, host } = await startShell();
    host.views.add('v1');
    host.views.add('v2');
    const [one, two] = [await appFrame(shell, 'v1'), await appFrame(shell, 'v2')];
    await vi.waitFor(() => expect(one.frames).toEqual([{ kind: 'load', url: 'https://apps.example.com/v1/app.htm?lang=en', website: false, title: 'App v1', allow: '' }]));
    const [linkOne, linkTwo] = host.attached as [ViewLink, ViewLink];
    linkOne.send({ kind: 'post', text: '{"mt":"ApiUpdate"}' });
    await vi.waitFor(() => expect(one.frames).toHaveLength(2));
    expect(one.frames[1]).toEqual({ kind: 'post', text: '{"mt":"ApiUpdate"}' });

    one.send({ kind: 'message', text: '{"mt":"Alive"}' });
    one.send({ kind: 'loaded' });
    two.send({ kind: 'failed', reason: 'The app did not load within 15 seconds.' });
    await vi.waitFor(() => expect(linkOne.received).toHaveLength(2));
    await vi.waitFor(() => expect(linkTwo.received).toHaveLength(1));
    expect(linkOne.received).toEqual([{ kind: 'message', text: '{"mt":"Alive"}' }, { kind: 'loaded' }]);
    expect(linkTwo.received).toEqual([{ kind: 'failed', reason: 'The app did not load within 15 seconds.' }]);
    // Each page got only its own frames.
    expect(two.frames).toEqual([{ kind: 'load', url: 'https://apps.example.com/v2/app.htm?lang=en', website: false, title: 'App v2', allow: '' }]);
  });

  it('drops invalid frames, logs them without their text, and keeps relaying', async () => {
    const { shell, host, records } = await startShell();
    host.views.add('v1');
    const peer = await appFrame(shell);
    const secret = 'SECRET-APP-LOGIN-KEY';
    const bad = [
      '{',
      'null',
      '[1]',
      JSON.stringify({ kind: 'command', id: 1, command: { type: 'logout' } }),
      JSON.stringify({ kind: 'load', url: 'https://evil.example/' }),
      JSON.stringify({ kind: 'post', text: secret }),
      JSON.stringify({ kind: 'message', text: { mt: secret } }),
      JSON.stringify({ kind: 'message' }),
      JSON.stringify({ kind: 'message', text: secret + 'x'.repeat(maxAppMessageBytes) }),
      JSON.stringify({ kind: 'failed', reason: secret + 'r'.repeat(1024) }),
      JSON.stringify({ kind: 'failed' }),
    ];
    for (const text of bad) peer.send(text);
    peer.ws.send(Buffer.from(JSON.stringify({ kind: 'message', text: secret })), { binary: true });
    peer.send({ kind: 'message', text: 'ok', view: 'v2', app: 'admin' });
    const link = host.attached[0]!;
    await vi.waitFor(() => expect(link.received).toHaveLength(1));
    expect(link.received).toEqual([{ kind: 'message', text: 'ok' }]);
    expect(records.filter((r) => r.message === 'app frame dropped')).toHaveLength(bad.length + 1);
    expect(JSON.stringify(records)).not.toContain(secret);
    expect(peer.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a connection whose frame is over the limit, and detaches it', async () => {
    const { shell, host } = await startShell();
    host.views.add('v1');
    const peer = await appFrame(shell);
    peer.send({ kind: 'message', text: 'x'.repeat(maxAppFrameBytes) });
    expect(await peer.closed).toBe(1009);
    await vi.waitFor(() => expect(host.attached[0]!.detached).toBe(1));
    expect(host.attached[0]!.received).toEqual([]);
  });

  it('detaches when the page goes away, once, and sends nothing after', async () => {
    const { shell, host } = await startShell();
    host.views.add('v1');
    const [a, b] = [await appFrame(shell), await appFrame(shell)];
    const [linkA, linkB] = host.attached as [ViewLink, ViewLink];
    a.ws.close();
    await vi.waitFor(() => expect(linkA.detached).toBe(1));
    expect(linkB.detached).toBe(0);
    // A late send to a page that went away is dropped quietly.
    linkA.send({ kind: 'post', text: 'late' });
    await shell.close();
    expect(await b.closed).toBe(1006);
    await vi.waitFor(() => expect(linkB.detached).toBe(1));
    expect(linkA.detached).toBe(1);
  });

  it('detaches when the handshake breaks off after the host attached', async () => {
    const { shell, host } = await startShell();
    host.views.add('v1');
    // A raw upgrade request without Sec-WebSocket-Key passes the shell's checks but not ws's.
    const socket = connect({ host: '127.0.0.1', port: shell.port });
    await new Promise((done) => socket.once('connect', done));
    socket.write(
      [
        `GET /app-bridge?view=v1&token=${encodeURIComponent(shell.token)} HTTP/1.1`,
        `Host: 127.0.0.1:${shell.port}`,
        `Origin: ${shell.origin}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    );
    const reply = await new Promise<string>((done) => {
      let text = '';
      socket.on('data', (d) => (text += String(d)));
      socket.on('close', () => done(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    await vi.waitFor(() => expect(host.attached[0]?.detached).toBe(1));
  });
});

describe('npm run web', () => {
  it('prints the page address, serves a working bridge to the real core, and exits 0 on SIGTERM', async () => {
    const configDir = await tempDir();
    const env = { ...process.env };
    delete env.MYAPPS_POLICY;
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/web/bin/web.ts', '--port', '0', '--config-dir', configDir], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));

    await vi.waitFor(() => expect(stdout).toContain('\n'), { timeout: 15_000, interval: 50 });
    const m = /^myApps browser shell: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43}))\n$/.exec(stdout);
    expect(m, stdout + stderr).not.toBeNull();
    const [, url, port, token] = m!;
    const shell = { port: Number(port), token, origin: `http://127.0.0.1:${port}`, url } as WebShell;

    // 200 once the renderer is built, 503 with the build hint before.
    expect([200, 503]).toContain((await http(shell, withToken(shell))).status);
    const peer = await bridge(shell);
    const snapshot = await peer.command(1, { type: 'getSnapshot' });
    expect(snapshot).toMatchObject({ ok: true, value: { connection: expect.any(Object), login: expect.any(Object) } });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/Ctrl\+C stops the shell/);
    expect(stderr).not.toContain(token);
  });

  it('refuses bad arguments with the usage and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/web/bin/web.ts', '--port', 'http'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((done) => child.on('exit', done));
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a port number');
    expect(stderr).toContain('usage: npm run web');
  });
});
