/**
 * The PBX emulator's library API: an HTTP(S) server that upgrades myApps WebSocket paths,
 * plus the hooks tests use to observe traffic and to make the PBX misbehave on purpose.
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer } from 'ws';
import { DEFAULT_BUILD, loadEmulatorConfig, validateAppObjects, validateEmulatorConfig } from './config.js';
import type { AppObjectConfig, EmulatorConfig, UserConfig, WakeType } from './config.js';
import { Connection } from './connection.js';
import { findAppObject, findUser } from './directory.js';
import type { FramePredicate, ReceivedFrame } from './frames.js';
import { Pbx } from './pbx.js';
import { SessionStore } from './sessions.js';
import type { Session } from './sessions.js';
import { createSelfSignedCert } from './tls.js';
import type { SelfSignedCert } from './tls.js';

export interface StartOptions {
  /** The config object (validated, then copied) or the path of a JSON config file. */
  config: EmulatorConfig | string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Serve wss:// with a fresh self-signed certificate. */
  tls?: boolean;
  /** Share sessions with other instances (Redirect targets). */
  sessions?: SessionStore;
  /** Log every frame (secrets redacted) to stdout. */
  verbose?: boolean;
}

export interface ConnectionSummary {
  id: number;
  user?: string;
  sessionId?: string;
  loggedIn: boolean;
}

export interface Target {
  user?: string;
  connId?: number;
}

export interface SessionSummary {
  id: string;
  usr: string;
  pwd: string;
  userAgent: string;
  pending: boolean;
  code?: number;
}

/** `/<mod>/APPCLIENT/websocket` or `/<mod>/APPCLIENT/<build>/websocket`, after any prefix. */
const WS_PATH = /^\/(?:[^/]+\/)*[^/]+\/APPCLIENT\/(?:[^/]+\/)?websocket$/;

const DEFAULT_WAIT_MS = 5000;

export class PbxEmulator {
  private readonly pbx: Pbx;
  // No subprotocol is ever selected, like a real PBX (pbx-session.md §1).
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: () => false });
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private listeningPort = 0;
  private nextConnId = 1;

  private constructor(
    config: EmulatorConfig,
    sessions: SessionStore,
    private readonly host: string,
    private readonly cert: SelfSignedCert | undefined,
    verbose: boolean,
  ) {
    this.pbx = new Pbx(config, sessions, verbose ? (line) => console.log(`pbx ${line}`) : undefined);
  }

  static async start(opts: StartOptions): Promise<PbxEmulator> {
    const config = typeof opts.config === 'string' ? loadEmulatorConfig(opts.config) : validateEmulatorConfig(opts.config);
    if (opts.tls && config.oauth2) {
      // idp.ts: loopback callbacks of native clients must be http:// (RFC 8252), so TLS cannot work.
      throw new Error('PBX emulator: OAuth2 needs the emulator without TLS (the identity provider accepts only http:// loopback callbacks)');
    }
    const emu = new PbxEmulator(
      config,
      opts.sessions ?? new SessionStore(),
      opts.host ?? '127.0.0.1',
      opts.tls ? createSelfSignedCert() : undefined,
      opts.verbose ?? false,
    );
    await emu.listen(opts.port ?? 0);
    return emu;
  }

  // --- addresses ---------------------------------------------------------------------------

  get port(): number {
    return this.listeningPort;
  }

  /** `127.0.0.1:PORT`, e.g. for a redirect target's `redirect.host`. */
  get hostPort(): string {
    const h = this.host === '0.0.0.0' ? '127.0.0.1' : this.host === '::' ? '::1' : this.host;
    return `${h.includes(':') ? `[${h}]` : h}:${this.port}`;
  }

  get url(): string {
    return `${this.cert ? 'wss' : 'ws'}://${this.hostPort}/PBX0/APPCLIENT/${this.config.build ?? DEFAULT_BUILD}/websocket`;
  }

  get fingerprint256(): string | undefined {
    return this.cert?.fingerprint256;
  }

  get certPem(): string | undefined {
    return this.cert?.certPem;
  }

  get sessions(): SessionStore {
    return this.pbx.sessions;
  }

  /** The live config: edits apply to the next message handled. */
  get config(): EmulatorConfig {
    return this.pbx.config;
  }

  set config(c: EmulatorConfig) {
    this.pbx.config = c;
  }

  // --- lifecycle ---------------------------------------------------------------------------

  private async listen(port: number): Promise<void> {
    const server = this.cert ? createHttpsServer({ key: this.cert.keyPem, cert: this.cert.certPem }) : createHttpServer();
    server.on('request', (req, res) => {
      // The only plain HTTP the emulator serves: the OAuth2 sign-in's start and callback.
      if (this.pbx.oauth2.handle(req, res)) return;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.listeningPort = (server.address() as AddressInfo).port;
    this.pbx.oauth2.origin = `${this.cert ? 'https' : 'http'}://${this.hostPort}`;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    if (!WS_PATH.test(path)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const c = new Connection(this.nextConnId++, ws, this.pbx);
      this.pbx.conns.add(c);
      this.pbx.log?.(`[${c.id}] connected on ${path}`);
    });
  }

  /** Closes the server and drops every socket (no close frame, like a PBX going down). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closing = [...this.pbx.conns].map((c) => c.closed);
    for (const c of this.pbx.conns) c.terminate();
    for (const s of this.sockets) s.destroy();
    await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), ...closing]);
  }

  /** Goes down, waits `downMs`, and listens again on the same port; sessions and state survive. */
  async restart(opts: { downMs?: number } = {}): Promise<void> {
    await this.stop();
    if (opts.downMs) await sleep(opts.downMs);
    await this.listen(this.listeningPort);
  }

  // --- observing ---------------------------------------------------------------------------

  /** Every frame any client sent, in arrival order. */
  get received(): ReceivedFrame[] {
    return this.pbx.frames.frames;
  }

  framesOf(mt: string): ReceivedFrame[] {
    return this.pbx.frames.of(mt);
  }

  /** The first matching frame already received, or the next one to arrive. */
  waitFor(mt: string, pred?: FramePredicate, timeoutMs = DEFAULT_WAIT_MS): Promise<ReceivedFrame> {
    return this.pbx.frames.waitFor(mt, pred, timeoutMs);
  }

  async waitForConnections(n: number, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pbx.conns.size < n) {
      if (Date.now() > deadline) throw new Error(`PBX emulator: ${this.pbx.conns.size} of ${n} connections after ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  connections(): ConnectionSummary[] {
    return [...this.pbx.conns].map((c) => ({
      id: c.id,
      ...(c.user !== undefined ? { user: c.user } : {}),
      ...(c.sessionId !== undefined ? { sessionId: c.sessionId } : {}),
      loggedIn: c.user !== undefined,
    }));
  }

  userSessions(sip: string): SessionSummary[] {
    return this.sessions.ofUser(sip).map((s) => ({
      id: s.id, usr: s.usr, pwd: s.pwd, userAgent: s.userAgent, pending: s.pending,
      ...(s.code !== undefined ? { code: s.code } : {}),
    }));
  }

  // --- fault injection ---------------------------------------------------------------------

  private targets(t: Target = {}): Connection[] {
    return [...this.pbx.conns].filter((c) => (t.user === undefined || c.user === t.user) && (t.connId === undefined || c.id === t.connId));
  }

  /** Sends raw text (need not be JSON) to the matching connections (default: all). */
  inject(raw: string, target?: Target): void {
    for (const c of this.targets(target)) c.sendText(raw);
  }

  /**
   * From now on, AppGetLoginResults are kept back instead of sent, until `releaseAppLogins`.
   * A PBX may answer concurrent AppGetLogins in any order (the client matches them by `src`);
   * this lets a test make it do so.
   */
  holdAppLogins(): void {
    this.pbx.holdAppLogins();
  }

  /** Sends the held AppGetLoginResults, in the order asked or reversed, and stops holding; returns how many. */
  releaseAppLogins(order: 'asked' | 'reversed' = 'asked'): number {
    return this.pbx.releaseAppLogins(order);
  }

  /** TCP destroy, no close frame. */
  killSockets(target?: { user?: string }): void {
    for (const c of this.targets(target)) c.terminate();
  }

  /** Stops reading and answering anything, pings included, while keeping TCP open. */
  blackhole(target?: { user?: string }): void {
    for (const c of this.targets(target)) c.blackhole();
  }

  /** `StandbyBack` to the user's (or all) connections, then a normal close ~50 ms later. */
  standbyBack(sip?: string): void {
    for (const c of this.targets(sip === undefined ? {} : { user: sip })) {
      c.send({ mt: 'StandbyBack' });
      setTimeout(() => c.close(1000), 50);
    }
  }

  // --- live changes ------------------------------------------------------------------------

  private user(sip: string): UserConfig {
    const u = findUser(this.config, sip);
    if (!u) throw new Error(`PBX emulator: no user "${sip}"`);
    return u;
  }

  private pendingSessions(sip: string): Session[] {
    const pending = this.sessions.ofUser(this.user(sip).sip).filter((s) => s.pending);
    if (!pending.length) throw new Error(`PBX emulator: no 2FA login of "${sip}" is waiting`);
    return pending;
  }

  /** Replaces all App Objects; subscribed clients get the full app list again. */
  setAppObjects(objs: AppObjectConfig[]): void {
    this.config.appObjects = validateAppObjects(objs);
    this.pbx.resendApps();
  }

  /** Replaces a user's grants (`name` / `name~mode`); that user's subscribed clients get the full list again. */
  setUserApps(sip: string, apps: string[]): void {
    if (!Array.isArray(apps) || apps.some((a) => typeof a !== 'string')) throw new TypeError('apps must be an array of strings');
    this.user(sip).apps = [...apps];
    this.pbx.resendApps(sip);
  }

  setBadge(appName: string, n: number): void {
    const app = findAppObject(this.config, appName);
    if (!app) throw new Error(`PBX emulator: no App Object "${appName}"`);
    app.badge = n;
    this.pbx.presenceChanged(appName);
  }

  /** Sets the user's tel: presence as if another device had sent SetOwnPresence. */
  setPresence(sip: string, p: { activity: string; note?: string }): void {
    this.pbx.presenceOf(this.user(sip).sip).tel = p.note ? { activity: p.activity, note: p.note } : { activity: p.activity };
    this.pbx.presenceChanged(sip);
  }

  /** Forgets sessions (all, or one user's) without telling anyone: the next session login gets error 5. */
  expireSessions(sip?: string): void {
    for (const s of this.sessions.all()) if (!s.pending && (sip === undefined || s.sip === sip)) this.sessions.delete(s.id);
  }

  /** Every stored session returns new credentials on its next session login (Q7). */
  rotateSessions(): void {
    for (const s of this.sessions.all()) s.rotateOnNextLogin = true;
  }

  approve(sip: string): void {
    for (const s of this.pendingSessions(sip)) this.pbx.approveSession(s);
  }

  deny(sip: string): void {
    for (const s of this.pendingSessions(sip)) this.pbx.deleteSession(s);
  }

  /**
   * `Wake` to the user's logged-in connections that announced the type (`SetSessionInfo.wake`):
   * the documented reading — the PBX pushes only to sessions whose `SetSessionInfo.wake` asks for
   * it (pbx-session.md §4.4 and the Push object). `options.wakeEveryConnection` takes the other
   * reading: every logged-in connection of the user, announced or not.
   */
  wake(sip: string, w: { type: WakeType; hw?: string; incoming?: boolean }): void {
    const everyone = this.config.options?.wakeEveryConnection === true;
    for (const c of this.pbx.loggedIn(this.user(sip).sip)) if (everyone || c.wake.has(w.type)) c.send({ mt: 'Wake', ...w });
  }

  /** A call state change of `sip` (`{callId, remote, state, deleted?}`), pushed as DialogInfo to subscribers. */
  dialog(sip: string, d: object): void {
    const rec = d as Record<string, unknown>;
    if (rec.callId === undefined) throw new TypeError('dialog needs a callId');
    this.pbx.dialogChanged(this.user(sip).sip, rec);
  }
}
