/**
 * One client socket: its login phase, subscriptions, frame recording and sending.
 * What each message does lives in handlers.ts (and login.ts for the login family).
 */
import type { RawData, WebSocket } from 'ws';
import type { FrameProblem, ReceivedFrame } from './frames.js';
import type { LoginProof } from './formulas.js';
import { dispatch } from './handlers.js';
import { approvePendingLogin, denyPendingLogin } from './login.js';
import { redactFrame } from './log.js';
import type { Pbx } from './pbx.js';
import type { Subscription } from './presence.js';

export type LoginType = 'user' | 'session';

/** Where a connection is in the login dance. Only `loggedIn` binds it to a user. */
export type Phase =
  | { kind: 'idle' }
  | { kind: 'challenged'; type: LoginType; challenge: string }
  | { kind: 'pending'; sessionId: string; proof: LoginProof; oauth2?: { keyShare: string; digestDomain: string } }
  /** Waiting for the user to sign in at the identity provider (OAuth2, `state` of the sign-in). */
  | { kind: 'oauth2'; state: string }
  | { kind: 'redirected' }
  | { kind: 'loggedIn'; sip: string; sessionId: string };

function rawText(data: RawData): string {
  const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return buf.toString('utf8');
}

export class Connection {
  phase: Phase = { kind: 'idle' };
  appsSubscribed = false;
  presenceSubs: Subscription[] = [];
  dialogSubs: Subscription[] = [];
  /** The wake types this connection announced (`SetSessionInfo.wake`); none until it does. */
  wake: ReadonlySet<string> = new Set();
  /** Resolves once the socket is gone and the PBX has forgotten this connection. */
  readonly closed: Promise<void>;
  private markClosed!: () => void;
  private blackholed = false;

  constructor(
    readonly id: number,
    private readonly ws: WebSocket,
    readonly pbx: Pbx,
  ) {
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.onClose());
    // A reset socket must not become an unhandled 'error' event that kills the test process.
    ws.on('error', (e) => pbx.log?.(`[${id}] socket error: ${e.message}`));
  }

  get user(): string | undefined {
    return this.phase.kind === 'loggedIn' ? this.phase.sip : undefined;
  }

  get sessionId(): string | undefined {
    return this.phase.kind === 'loggedIn' ? this.phase.sessionId : undefined;
  }

  /** The session this connection waits to have approved (2FA). */
  get pendingSessionId(): string | undefined {
    return this.phase.kind === 'pending' ? this.phase.sessionId : undefined;
  }

  send(msg: object): void {
    this.sendText(JSON.stringify(msg));
  }

  sendText(text: string): void {
    if (this.blackholed || this.ws.readyState !== this.ws.OPEN) return;
    this.pbx.log?.(`[${this.id}${this.user ? ` ${this.user}` : ''}] -> ${redactFrame(text)}`);
    this.ws.send(text);
  }

  bind(sip: string, sessionId: string): void {
    this.phase = { kind: 'loggedIn', sip, sessionId };
  }

  /** Back to logged out (after LogoutResult); subscriptions die with the login. */
  unbind(): void {
    this.phase = { kind: 'idle' };
    this.appsSubscribed = false;
    this.presenceSubs = [];
    this.dialogSubs = [];
    this.wake = new Set();
  }

  approve(): void {
    approvePendingLogin(this);
  }

  deny(): void {
    denyPendingLogin(this);
  }

  /** Stops reading (so pings go unanswered) and sending, while the TCP connection stays up. */
  blackhole(): void {
    this.blackholed = true;
    this.ws.pause();
  }

  /** TCP destroy without a close frame. */
  terminate(): void {
    this.ws.terminate();
  }

  close(code: number): void {
    this.ws.close(code);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.blackholed) return;
    const text = rawText(data);
    const frame: ReceivedFrame = { connId: this.id, at: Date.now(), text };
    if (this.user !== undefined) frame.user = this.user;
    this.pbx.log?.(`[${this.id}${this.user ? ` ${this.user}` : ''}] <- ${isBinary ? `<binary, ${text.length} bytes>` : redactFrame(text)}`);
    let parsed: unknown;
    let problem: FrameProblem | undefined;
    if (isBinary) problem = 'binary-frame';
    else {
      try {
        parsed = JSON.parse(text);
      } catch {
        problem = 'invalid-json';
      }
    }
    if (!problem && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) problem = 'invalid-json';
    if (!problem) frame.msg = parsed;
    this.pbx.frames.add(frame);
    if (problem) frame.problem = problem;
    else {
      const p = this.handle(parsed as Record<string, unknown>);
      if (p) frame.problem = p;
    }
  }

  private handle(msg: Record<string, unknown>): FrameProblem | undefined {
    if (typeof msg.mt !== 'string') return 'no-mt';
    try {
      return dispatch(this, msg.mt, msg) ?? undefined;
    } catch (e) {
      // An emulator bug must show up in the test, not take the whole process down.
      console.error(`PBX emulator: handling ${msg.mt} failed:`, e);
      return 'unexpected';
    }
  }

  private onClose(): void {
    this.pbx.conns.delete(this);
    this.pbx.log?.(`[${this.id}] closed`);
    const pending = this.pendingSessionId;
    if (this.phase.kind === 'oauth2') this.pbx.oauth2.drop(this.phase.state);
    this.phase = { kind: 'idle' };
    // A login abandoned during 2FA leaves no half-made session behind.
    const s = pending !== undefined ? this.pbx.sessions.get(pending) : undefined;
    if (s) this.pbx.deleteSession(s);
    this.markClosed();
  }
}
