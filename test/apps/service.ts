/**
 * One sample App Service: the AppWebsocket below the App URL. Per connection: AppChallenge →
 * AppChallengeResult{challenge}; AppLogin → digest check with the App Object password →
 * AppLoginResult{ok:true} or {ok:false, error}; after login a few app messages. Every frame it
 * receives is recorded; a test may hold back the answers to one kind (`hold`, `release`).
 */
import type { RawData, WebSocket } from 'ws';
import type { SampleAppConfig } from './catalog.js';
import { newChallenge, sessionHash, verifyAppLogin, type VerifiedLogin } from './login.js';

/** A frame as received: the parsed JSON object, or `{ invalid: text }` / `{ binary: true }`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- frames are free-form JSON
export type Frame = Record<string, any>;

interface Waiter {
  mt: string;
  pred: (f: Frame) => boolean;
  resolve: (f: Frame) => void;
}

export class AppService {
  readonly received: Frame[] = [];
  private readonly sockets = new Set<WebSocket>();
  private waiters: Waiter[] = [];
  /** mt → answers held back by a test (`hold`). */
  private readonly held = new Map<string, (() => void)[]>();
  /** Profile apps: which picture is served (1, 2, …); `SetPicture` moves to the next. */
  pictureVersion = 1;

  constructor(readonly app: SampleAppConfig) {}

  /** HTML base name: `app` in AppLogin. */
  get page(): string {
    return this.app.page ?? this.app.name;
  }

  accept(ws: WebSocket): void {
    this.sockets.add(ws);
    let challenge: string | undefined;
    let login: VerifiedLogin | undefined;
    const send = (msg: object) => ws.send(JSON.stringify(msg));
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const frame = parse(data, isBinary);
      this.record(frame);
      if (typeof frame.mt !== 'string') return;
      const reply = (msg: Frame) => send(frame.src !== undefined ? { ...msg, src: frame.src } : msg);
      switch (frame.mt) {
        case 'AppChallenge':
          challenge = newChallenge();
          return send({ mt: 'AppChallengeResult', challenge });
        case 'AppLogin': {
          if (login) return send({ mt: 'AppLoginResult', ok: false, error: 'already logged in' });
          const check = verifyAppLogin(frame, this.page, challenge, this.app.password);
          challenge = undefined; // one login attempt per challenge
          if (!check.ok) return send({ mt: 'AppLoginResult', ok: false, error: check.error });
          login = check.login;
          return send({ mt: 'AppLoginResult', ok: true });
        }
        case 'CheckBuild':
          return reply({ mt: 'CheckBuildResult' });
        case 'KeepAlive':
          return;
      }
      if (!login) return; // app messages only after login
      switch (frame.mt) {
        case 'WhoAmI':
          return reply({ mt: 'WhoAmIResult', sip: login.sip, dn: login.dn, domain: login.domain, guid: login.guid });
        case 'CheckKey':
          return reply({ mt: 'CheckKeyResult', ok: typeof frame.hash === 'string' && frame.hash === sessionHash(String(frame.seed ?? ''), login.key, String(frame.data ?? '')) });
        case 'Echo':
          return reply({ ...frame, mt: 'EchoResult' });
        case 'SetPicture':
          // The profile page's "Change picture": the next picture is served from now on.
          return reply({ mt: 'SetPictureResult', version: ++this.pictureVersion });
        case 'Lookup':
          // The contacts page's "the rest of the results" (contacts.js): at once, or once a test releases it.
          return this.answer('Lookup', () => reply({ mt: 'LookupResult', search: frame.search }));
      }
    });
  }

  /** Holds back the answers to frames of `mt` (recorded, not answered) until `release(mt)`. */
  hold(mt: string): void {
    if (!this.held.has(mt)) this.held.set(mt, []);
  }

  /** Answers what `hold(mt)` held back, in order, and stops holding. */
  release(mt: string): void {
    const answers = this.held.get(mt) ?? [];
    this.held.delete(mt);
    for (const answer of answers) answer();
  }

  private answer(mt: string, send: () => void): void {
    const held = this.held.get(mt);
    if (held) held.push(send);
    else send();
  }

  private record(frame: Frame): void {
    this.received.push(frame);
    const ready = this.waiters.filter((w) => frame.mt === w.mt && w.pred(frame));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(frame);
  }

  /** The first recorded frame of this mt (and predicate), or the next one to arrive. */
  waitFor(mt: string, pred: (f: Frame) => boolean = () => true, timeoutMs = 5000): Promise<Frame> {
    const have = this.received.find((f) => f.mt === mt && pred(f));
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.app.name}: no ${mt} within ${timeoutMs} ms; got ${this.received.map((f) => f.mt).join(', ') || 'nothing'}`));
      }, timeoutMs);
      const waiter: Waiter = { mt, pred, resolve: (f) => (clearTimeout(timer), resolve(f)) };
      this.waiters.push(waiter);
    });
  }

  /** Drop every connection (TCP destroy): the pages reconnect and log in again. */
  disconnect(): void {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
  }

  get connections(): number {
    return this.sockets.size;
  }
}

function parse(data: RawData, isBinary: boolean): Frame {
  if (isBinary) return { binary: true };
  const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Frame) : { invalid: text };
  } catch {
    return { invalid: text };
  }
}
