/**
 * Fuzzing the PBX session (security control 15): a raw WebSocket server plays a PBX that sends
 * generated sequences of frames — random, mutated and valid ones, binary frames, and the login
 * messages out of order (LoginResult before Authenticate, Authorize after LoginResult, Redirects
 * with garbage, LogoutResult mid-login) — to a `PbxSession` that is logging in, and to one that
 * is logged in (properly, with correct digests, first). For every sequence:
 *
 * - nothing escapes: no uncaught exception, no unhandled rejection, no exception caught by the
 *   session's own safety nets ("could not be handled", "session loop failed");
 * - the session ends in a defined state: logged in, reconnecting, disconnected, or an error with
 *   a reason — and logged in only if the PBX sent a LoginResult with a correct digest;
 * - every frame the session dropped left a log line with its reason, written while that frame
 *   was handled (malformed: the parser's reason; unknown `mt`: the name; binary: said so; after
 *   login, a message that is not expected then, or an answer nobody asked for: said so);
 * - the password appears in no log line.
 *
 * One server per property; each sequence runs against a fresh session. The server paces itself
 * by WebSocket ping/pong (the session's socket answers a ping only after it has handled every
 * frame before it), never by time.
 */
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { LogLevel } from '../../main/core/common/log.js';
import { PbxSession } from '../../main/core/pbx/session.js';
import type { SessionState } from '../../main/core/pbx/state.js';
import { Transport } from '../../main/core/pbx/transport.js';
import { encryptSession, loginResultDigest, redirectDigest } from '../../main/core/protocol/digest.js';
import { parsePbxFrame } from '../../main/core/protocol/pbx-messages.js';
import { deepJsonText, garbageText, hostileKey, hostileString, jsonValue, mutateObject, mutateText, prototypeKeys } from './arbitraries.js';
import { validFrame } from './pbx-frames.js';
import { guardProcess, type ProcessGuard } from './process-guard.js';
import { fuzzParams, fuzzTimeout } from './settings.js';

const DOMAIN = 'example.com';
const USER = 'alice';
const PASSWORD = 'Secret123!';
const CHALLENGE = 'fedcba9876543210';
const SESSION = { usr: '0123456789abcdef0123456789abcdef', pwd: 'session-password-1' };

type Logged = { level: LogLevel; message: string; fields?: Record<string, unknown> };

// ------------------------------------------------------------------ what the PBX sends

type SessionVariant = 'good' | 'none' | 'not-hex';
type Step =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Uint8Array }
  | { kind: 'authenticate'; method: string; type: string }
  | { kind: 'login-result'; variant: 'correct' | 'forged' | 'error'; error: number; session: SessionVariant; extra: [string, unknown][]; alt: string | undefined }
  | { kind: 'authorize'; code: string | number }
  | { kind: 'redirect'; signed: boolean; host: string; mod: string | undefined; session: SessionVariant }
  | { kind: 'logout-result' }
  | { kind: 'session-deleted-current' };

const textFrame: fc.Arbitrary<Step> = fc
  .oneof(
    { weight: 4, arbitrary: validFrame.map((f) => f.text) },
    { weight: 3, arbitrary: validFrame.chain((f) => fc.oneof(mutateText(f.text), mutateObject(f.object).map((o) => JSON.stringify(o)))) },
    { weight: 3, arbitrary: garbageText },
    { weight: 1, arbitrary: deepJsonText },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...prototypeKeys), hostileKey).map((mt) => JSON.stringify({ mt, info: {}, digest: '00' })) },
    { weight: 1, arbitrary: fc.constantFrom(256 * 1024).map((n) => JSON.stringify({ mt: 'UpdateUser', user: { dn: 'x'.repeat(n) } })) },
  )
  .map((text) => ({ kind: 'text', text }));

const binaryFrame: fc.Arbitrary<Step> = fc
  .oneof(fc.uint8Array({ maxLength: 64 }), validFrame.map((f) => new TextEncoder().encode(f.text)), fc.constant(new TextEncoder().encode('{"mt":"LogoutResult"}')))
  .map((bytes) => ({ kind: 'binary', bytes }));

const sessionVariant = fc.constantFrom<SessionVariant>('good', 'good', 'none', 'not-hex');

const loginStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('authenticate' as const), method: fc.oneof({ weight: 5, arbitrary: fc.constant('digest') }, hostileString), type: fc.constantFrom('user', 'session', '') }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('login-result' as const),
      variant: fc.constantFrom('correct', 'correct', 'forged', 'error'),
      error: fc.constantFrom(1, 2, 5, 99, -1, 0.5),
      session: sessionVariant,
      extra: fc.array(fc.tuple(hostileKey, jsonValue(2)), { maxLength: 2 }),
      alt: fc.option(fc.constantFrom('', 'bad host/PBX0', '127.0.0.1:1/PBX0', 'x/../..'), { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('authorize' as const), code: fc.oneof(hostileString, fc.integer()) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('redirect' as const),
      signed: fc.boolean(),
      // Never a real host name: signed redirects are followed.
      host: fc.constantFrom('here', 'closed-port', '', 'a b', 'user@127.0.0.1', '127.0.0.1/x', '[::1', 'http://127.0.0.1:1', '127.0.0.1?x'),
      mod: fc.option(fc.constantFrom('PBX0', 'PBX0/../x', '', 'a b'), { nil: undefined }),
      session: sessionVariant,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'logout-result' as const }) },
);

const afterLoginStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: textFrame },
  { weight: 2, arbitrary: binaryFrame },
  { weight: 3, arbitrary: loginStep },
  { weight: 1, arbitrary: fc.constant({ kind: 'session-deleted-current' as const }) },
);

/** A PBX's answer to a login: frames after `Login` round 1, frames after round 2 (if the session gets that far). */
const loginScenario = fc.record({
  first: fc.array(fc.oneof({ weight: 3, arbitrary: loginStep }, { weight: 3, arbitrary: textFrame }, { weight: 1, arbitrary: binaryFrame }), { maxLength: 6 }),
  second: fc.array(fc.oneof({ weight: 4, arbitrary: loginStep }, { weight: 3, arbitrary: textFrame }, { weight: 1, arbitrary: binaryFrame }), { maxLength: 6 }),
  end: fc.constantFrom<End>('close', 'error-close', 'terminate'),
});

type LoginScenario = { first: Step[]; second: Step[]; end: End };

const authenticate: Step = { kind: 'authenticate', method: 'digest', type: 'user' };
const loginResult = (session: SessionVariant, variant: 'correct' | 'forged' = 'correct'): Step => ({ kind: 'login-result', variant, error: 0, session, extra: [], alt: undefined });

/** Sequences every run checks first (fast-check's `examples`), the out-of-order cases of the brief among them. */
const loginExamples: [LoginScenario][] = [
  // LoginResult (forged, and one that would be correct) before Authenticate; then a proper login.
  [{ first: [loginResult('good', 'forged'), loginResult('good'), authenticate], second: [loginResult('good')], end: 'close' }],
  // Authorize after LoginResult.
  [{ first: [authenticate], second: [loginResult('good'), { kind: 'authorize', code: '1234' }], end: 'close' }],
  // A correct LoginResult without a session, then the connection drops.
  [{ first: [authenticate], second: [loginResult('none')], end: 'close' }],
  // A correct LoginResult whose session is not hex.
  [{ first: [authenticate], second: [loginResult('not-hex')], end: 'close' }],
  // Redirects with garbage: a signed one to a host that is no host, a signed one whose session is not hex, a forged one.
  [{ first: [authenticate], second: [{ kind: 'redirect', signed: true, host: 'a b', mod: undefined, session: 'good' }], end: 'close' }],
  [{ first: [authenticate], second: [{ kind: 'redirect', signed: true, host: 'here', mod: undefined, session: 'not-hex' }], end: 'close' }],
  [{ first: [authenticate], second: [{ kind: 'redirect', signed: false, host: 'here', mod: undefined, session: 'good' }], end: 'close' }],
  // A signed redirect to this server, which then refuses the session: the session retries later.
  [{ first: [authenticate], second: [{ kind: 'redirect', signed: true, host: 'here', mod: 'PBX0', session: 'good' }], end: 'close' }],
  // A binary frame carrying a valid LogoutResult, and LogoutResult mid-login.
  [{ first: [{ kind: 'binary', bytes: new TextEncoder().encode('{"mt":"LogoutResult"}') }, authenticate, { kind: 'logout-result' }], second: [loginResult('good')], end: 'close' }],
];

/** A PBX that logs the user in properly, then sends `steps`. */
const loggedInScenario = fc.record({
  steps: fc.array(afterLoginStep, { minLength: 1, maxLength: 12 }),
  end: fc.constantFrom<End>('stay', 'stay', 'close', 'terminate'),
});

type End = 'stay' | 'close' | 'error-close' | 'terminate';

/** The frames one step sends, given what the server knows (the nonce of Login round 2, once sent). */
function render(step: Step, ctx: { nonce: string | undefined; port: number }): (string | Uint8Array)[] {
  const nonce = ctx.nonce ?? '0000000000000000';
  const session = (v: SessionVariant) => (v === 'good' ? encryptSession(SESSION, nonce, PASSWORD) : v === 'not-hex' ? { usr: 'not hex', pwd: 'zz' } : undefined);
  switch (step.kind) {
    case 'text':
      return [step.text];
    case 'binary':
      return [step.bytes];
    case 'authenticate':
      return [JSON.stringify({ mt: 'Authenticate', type: step.type, method: step.method, domain: DOMAIN, challenge: CHALLENGE })];
    case 'authorize':
      return [JSON.stringify({ mt: 'Authorize', code: step.code })];
    case 'logout-result':
      return [JSON.stringify({ mt: 'LogoutResult' })];
    case 'session-deleted-current':
      return [JSON.stringify({ mt: 'SessionAdded', id: 'this-one', info: { current: true } }), JSON.stringify({ mt: 'SessionDeleted', id: 'this-one' })];
    case 'login-result': {
      if (step.variant === 'error') return [JSON.stringify({ mt: 'LoginResult', error: step.error, errorText: 'no' })];
      const s = session(step.session);
      const info: Record<string, unknown> = { user: { domain: DOMAIN, sip: USER, dn: 'Alice' }, ...(s && { session: s }), ...(step.alt !== undefined && { alt: step.alt }) };
      for (const [k, v] of step.extra) if (!Object.hasOwn(info, k)) Object.defineProperty(info, k, { value: v, enumerable: true, writable: true, configurable: true });
      const infoJson = JSON.stringify(info);
      const digest = step.variant === 'correct' && ctx.nonce ? loginResultDigest({ domain: DOMAIN, username: USER, secret: PASSWORD, nonce: ctx.nonce, challenge: CHALLENGE, infoJson }) : '0'.repeat(64);
      return [`{"mt":"LoginResult","info":${infoJson},"digest":"${digest}"}`];
    }
    case 'redirect': {
      const s = session(step.session);
      const host = step.host === 'here' ? '127.0.0.1' : step.host === 'closed-port' ? '127.0.0.1' : step.host;
      const port = step.host === 'here' ? ctx.port : step.host === 'closed-port' ? 1 : undefined;
      const info = { host, ...(step.mod !== undefined && { mod: step.mod }), ...(s && { session: s }), ...(port !== undefined && { http: port, https: port }) };
      const infoJson = JSON.stringify(info);
      const digest = step.signed ? redirectDigest({ username: USER, secret: PASSWORD, nonce, challenge: CHALLENGE, infoJson }) : 'f'.repeat(64);
      return [`{"mt":"Redirect","info":${infoJson},"digest":"${digest}"}`];
    }
  }
}

/** Whether a LoginResult this step sends carries a digest the session must accept. */
const correctLoginResult = (s: Step) => s.kind === 'login-result' && s.variant === 'correct';

// ------------------------------------------------------------------ the PBX server

interface Run {
  session: PbxSession;
  logs: Logged[];
  /** Per-frame findings of the client-side recorder (a drop without its log line). */
  problems: string[];
  /** Every state the session went through. */
  states: SessionState[];
  /** The client's socket of the first connection, once open. */
  clientSocket: WebSocket | undefined;
  /** The server's script for the first connection; resolves when it is over (or the socket closed). */
  script: (ws: WebSocket, port: number) => Promise<void>;
  finished: Promise<void>;
  finish: () => void;
  /** The server's side of the first connection is closed (by either end). */
  serverClosed: boolean;
  connections: number;
}

let current: Run | undefined;
/** Frames checked as dispatched after login: the instrumentation below must see some, or the check would pass vacuously. */
let dispatchedChecked = 0;
let wss: WebSocketServer;
let port: number;
let guard: ProcessGuard;
const realConnect = Transport.connect.bind(Transport);

/** Messages from the client on one server socket, taken in order. */
class Inbox {
  private readonly queue: Record<string, unknown>[] = [];
  private waiter: (() => void) | undefined;
  closed = false;
  constructor(ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      try {
        this.queue.push(JSON.parse(String(data)) as Record<string, unknown>);
      } catch {
        return;
      }
      this.waiter?.();
    });
    ws.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }
  /** The next message with this `mt` (and test), skipping others; undefined once the socket closed. */
  async next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown> | undefined> {
    for (;;) {
      const i = this.queue.findIndex(pred);
      if (i >= 0) return this.queue.splice(i, 1)[0];
      if (this.closed) return undefined;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }
  /** A message with this test that has arrived already. */
  take(pred: (m: Record<string, unknown>) => boolean): Record<string, unknown> | undefined {
    const i = this.queue.findIndex(pred);
    return i >= 0 ? this.queue.splice(i, 1)[0] : undefined;
  }
}

/**
 * Two ping/pong round trips: after the first pong the session has handled every frame sent
 * before the ping; after the second, whatever it sent in reaction (Login round 2) has arrived.
 */
async function flush(ws: WebSocket): Promise<boolean> {
  for (let i = 0; i < 2; i++) {
    if (ws.readyState !== ws.OPEN) return false;
    const ponged = await new Promise<boolean>((resolve) => {
      const onPong = () => done(true);
      const onClose = () => done(false);
      const done = (v: boolean) => {
        ws.off('pong', onPong);
        ws.off('close', onClose);
        resolve(v);
      };
      ws.once('pong', onPong);
      ws.once('close', onClose);
      ws.ping();
    });
    if (!ponged) return false;
  }
  return true;
}

function sendAll(ws: WebSocket, frames: (string | Uint8Array)[]): void {
  for (const f of frames) if (ws.readyState === ws.OPEN) ws.send(f, { binary: typeof f !== 'string' });
}

/** The script's last act; a closing one resolves once the server's side is closed. */
async function endConnection(ws: WebSocket, end: End): Promise<void> {
  if (end === 'stay' || ws.readyState === ws.CLOSED) return;
  const closed = new Promise((resolve) => ws.once('close', resolve));
  if (end === 'close') ws.close(1000);
  else if (end === 'error-close') ws.close(1011, 'internal error');
  else ws.terminate();
  await closed;
}

const isLogin1 = (m: Record<string, unknown>) => m.mt === 'Login' && m.response === undefined;
const isLogin2 = (m: Record<string, unknown>) => m.mt === 'Login' && typeof m.response === 'string';

function loginScript(s: { first: Step[]; second: Step[]; end: End }) {
  return async (ws: WebSocket, port: number) => {
    const inbox = new Inbox(ws);
    if (!(await inbox.next(isLogin1))) return;
    sendAll(ws, s.first.flatMap((step) => render(step, { nonce: undefined, port })));
    if (!(await flush(ws))) return;
    const login2 = inbox.take(isLogin2);
    if (login2) {
      sendAll(ws, s.second.flatMap((step) => render(step, { nonce: String(login2.nonce), port })));
      if (!(await flush(ws))) return;
    }
    await endConnection(ws, s.end);
  };
}

function loggedInScript(s: { steps: Step[]; end: End }) {
  return async (ws: WebSocket, port: number) => {
    const inbox = new Inbox(ws);
    if (!(await inbox.next(isLogin1))) return;
    sendAll(ws, render({ kind: 'authenticate', method: 'digest', type: 'user' }, { nonce: undefined, port }));
    const login2 = await inbox.next(isLogin2);
    if (!login2) return;
    const nonce = String(login2.nonce);
    sendAll(ws, render({ kind: 'login-result', variant: 'correct', error: 0, session: 'good', extra: [], alt: undefined }, { nonce, port }));
    if (!(await inbox.next((m) => m.mt === 'SubscribeApps'))) return;
    sendAll(ws, s.steps.flatMap((step) => render(step, { nonce, port })));
    if (!(await flush(ws))) return;
    await endConnection(ws, s.end);
  };
}

beforeAll(async () => {
  guard = guardProcess();
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 64 * 1024 * 1024 });
  await new Promise((r) => wss.once('listening', r));
  port = (wss.address() as AddressInfo).port;
  wss.on('connection', (ws) => {
    ws.on('error', () => {});
    const run = current;
    if (!run) return ws.terminate();
    if (++run.connections > 1) {
      // A redirect the session followed: this PBX refuses it, so the session must retry later.
      ws.on('message', () => ws.close(1000));
      return;
    }
    ws.once('close', () => {
      run.serverClosed = true;
      run.finish();
    });
    run.script(ws, port).then(run.finish, run.finish);
  });
  // Record, for each frame the session's socket receives, the log lines written while the session
  // handled it: a listener put before the session's own and one after it (test instrumentation;
  // `ws` is the transport's private socket).
  vi.spyOn(Transport, 'connect').mockImplementation(async (url, options) => {
    const transport = await realConnect(url, options);
    const run = current;
    const socket = (transport as unknown as { ws: WebSocket }).ws;
    if (!run || run.clientSocket) return transport;
    run.clientSocket = socket;
    let before = 0;
    let stateBefore: SessionState['kind'] = 'disconnected';
    let dispatching = false;
    socket.prependListener('message', () => {
      before = run.logs.length;
      stateBefore = run.session.state.kind;
      // Is this transport's link the session's current one, past its login? Then an unclaimed frame is dispatched now.
      const link = (run.session as unknown as { link?: { transport: Transport; ready: boolean } }).link;
      dispatching = link?.transport === transport && link.ready && stateBefore === 'logged-in';
    });
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (dispatching) dispatchedChecked++;
      const problem = frameProblem(data, isBinary, run.logs.slice(before), dispatching);
      if (problem) run.problems.push(problem);
    });
    return transport;
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  guard.stop();
  for (const ws of wss.clients) ws.terminate();
  await new Promise((r) => wss.close(r));
});

/** Frames the session drops after login, and the log line that must say so. */
const notExpectedAfterLogin = new Set(['Authenticate', 'Authorize', 'LoginResult', 'Redirect', 'CheckBuildResult', 'LoginInfoResult']);

/** Why the log lines written while one frame was handled do not account for it (undefined: they do). */
function frameProblem(data: RawData, isBinary: boolean, fresh: Logged[], dispatching: boolean): string | undefined {
  const says = (pred: (l: Logged) => boolean) => fresh.some(pred);
  if (isBinary) {
    return says((l) => /binary/i.test(`${l.message} ${JSON.stringify(l.fields ?? {})}`)) ? undefined : `a binary frame (${describeBytes(data)}) was dropped without a log line`;
  }
  const text = String(data);
  const verdict = parsePbxFrame(text);
  if (!verdict.ok) {
    if (verdict.ignored) return says((l) => l.message === 'ignored PBX message' && l.fields?.mt === verdict.mt) ? undefined : `a frame with unknown mt ${JSON.stringify(verdict.mt)} was ignored without a log line`;
    return says((l) => l.message === 'dropped malformed frame from the PBX' && l.fields?.error === verdict.error) ? undefined : `a malformed frame was dropped without its reason in the log (${verdict.error}): ${text.slice(0, 120)}`;
  }
  if (!dispatching) return undefined;
  const mt = verdict.msg.mt;
  if (notExpectedAfterLogin.has(mt)) return says((l) => l.message === 'PBX message not expected after login; ignored' && l.fields?.mt === mt) ? undefined : `${mt} after login was dropped without a log line`;
  if (mt === 'AppGetLoginResult') return says((l) => l.message === 'AppGetLoginResult for an unknown src dropped') ? undefined : 'an AppGetLoginResult nobody asked for was dropped without a log line';
  return undefined;
}

function describeBytes(data: RawData): string {
  const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return `${buf.length} bytes: ${JSON.stringify(buf.subarray(0, 40).toString('latin1'))}`;
}

// ------------------------------------------------------------------ one sequence

const finalKinds = new Set<SessionState['kind']>(['logged-in', 'reconnecting', 'disconnected', 'error']);

/** Settled: the session saw its socket close if the server's side closed, and is in a final state — not "logged in" on a socket that is gone. */
function settled(run: Run): boolean {
  const socket = run.clientSocket;
  if (run.serverClosed && socket && socket.readyState !== socket.CLOSED) return false;
  const s = run.session.state;
  if (!finalKinds.has(s.kind)) return false;
  return !(s.kind === 'logged-in' && socket !== undefined && socket.readyState !== socket.OPEN);
}

async function waitSettled(run: Run, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!settled(run)) {
    if (Date.now() > deadline) throw new Error(`the session did not reach a defined state; it is ${JSON.stringify(run.session.state)}; states ${run.states.map((s) => s.kind).join(' → ')}`);
    // Woken by a state change or the socket closing; the short timer only re-checks.
    await new Promise<void>((resolve) => {
      const socket = run.clientSocket;
      const done = () => {
        off();
        clearTimeout(timer);
        socket?.off('close', done);
        resolve();
      };
      const off = run.session.on('state', done);
      const timer = setTimeout(done, 25);
      socket?.once('close', done);
    });
  }
}

/** Run one sequence against a fresh session; the state it settled in is taken before the session is closed. */
async function runSequence(script: Run['script']): Promise<{ run: Run; final: SessionState }> {
  const logs: Logged[] = [];
  const session = new PbxSession({
    address: `ws://127.0.0.1:${port}/PBX0/APPCLIENT/130000/websocket`,
    loginTimeoutMs: 5000,
    authorizeTimeoutMs: 5000,
    connectTimeoutMs: 3000,
    backoff: { initialMs: 60_000, maxMs: 60_000, random: () => 1 },
    log: (level, message, fields) => logs.push({ level, message, ...(fields && { fields }) }),
  });
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const run: Run = { session, logs, problems: [], states: [], clientSocket: undefined, script, finished, finish, serverClosed: false, connections: 0 };
  session.on('state', (s) => run.states.push(s));
  current = run;
  try {
    const login = session.login({ username: USER, password: PASSWORD });
    await finished;
    await login;
    await waitSettled(run);
    return { run, final: session.state };
  } finally {
    current = undefined;
    session.close();
  }
}

/** The checks every sequence must pass. */
async function expectSound(run: Run, finalState: SessionState): Promise<void> {
  await guard.check('escaped from the session');
  expect(finalKinds.has(finalState.kind), `final state ${finalState.kind}`).toBe(true);
  if (finalState.kind === 'error') {
    expect(finalState.message).toEqual(expect.any(String));
    expect(finalState.message.length).toBeGreaterThan(0);
    // "internal" means an exception escaped the login code: a PBX frame must never cause one.
    expect(finalState.reason, `an exception escaped the session loop: ${finalState.message}`).not.toBe('internal');
  }
  const caught = run.logs.filter((l) => l.message === 'a frame from the PBX could not be handled (dropped)' || l.message === 'session loop failed');
  expect(caught, 'exceptions caught by the session’s safety nets').toEqual([]);
  expect(run.problems, 'frames dropped without a log line').toEqual([]);
  expect(JSON.stringify(run.logs)).not.toContain(PASSWORD);
}

/** A frame that (valid) ends the session: LogoutResult, or SessionDeleted (of the current session, if the PBX said which). */
function endsSession(text: string): boolean {
  const v = parsePbxFrame(text);
  return v.ok && (v.msg.mt === 'LogoutResult' || v.msg.mt === 'SessionDeleted');
}

// ------------------------------------------------------------------ the properties

describe('PbxSession against a PBX sending generated frames', () => {
  it(
    'while logging in: any sequence (login messages out of order, forged, garbage, binary) ends in a defined state, logged in only with a correct digest, every drop logged',
    async () => {
      await fc.assert(
        fc.asyncProperty(loginScenario, async (scenario) => {
          const { run, final } = await runSequence(loginScript(scenario));
          await expectSound(run, final);
          if (run.states.some((s) => s.kind === 'logged-in')) {
            expect(scenario.second.some(correctLoginResult), 'logged in without a LoginResult with a correct digest').toBe(true);
          }
        }),
        fuzzParams(80, { examples: loginExamples }),
      );
    },
    fuzzTimeout(30_000),
  );

  it(
    'logged in: any sequence after a proper login (random, mutated, login messages again, LogoutResult, our session deleted, binary) leaves a defined state, every drop logged',
    async () => {
      await fc.assert(
        fc.asyncProperty(loggedInScenario, async (scenario) => {
          const { run, final } = await runSequence(loggedInScript(scenario));
          await expectSound(run, final);
          expect(run.states.some((s) => s.kind === 'logged-in'), 'the proper login worked').toBe(true);
          if (scenario.end !== 'stay') expect(final.kind).not.toBe('logged-in');
          const loggedOut = scenario.steps.some((s) => s.kind === 'logout-result' || s.kind === 'session-deleted-current' || (s.kind === 'text' && endsSession(s.text)));
          if (final.kind === 'disconnected') expect(loggedOut, 'disconnected only when the PBX logged the session out').toBe(true);
        }),
        fuzzParams(60),
      );
      expect(dispatchedChecked, 'frames seen while the session was logged in').toBeGreaterThan(0);
    },
    fuzzTimeout(30_000),
  );
});
