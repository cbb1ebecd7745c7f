/**
 * Fuzzing the app-frame relay over both transports (security controls 6, 7, 15 and 17): the
 * app-frame page of each app view reaches the core through the browser shell's WebSocket
 * (main/web/app-frame-socket.ts) or Electron's IPC (main/electron/app-frame-relay.ts), and both
 * check frames with the contract's `parseAppFrame` (main/core/bridge/app-frame.ts).
 *
 * - `parseAppFrame` gives a verdict for ANY value — strings of any shape, non-strings, objects
 *   nested 10,000 levels, huge strings — and never throws; what it accepts has the contract's
 *   fields only.
 * - WebSocket: a real browser shell in front of the real core (logged in to the PBX emulator);
 *   an app-frame page sends generated frames — text and binary, oversized, invalid UTF-8 — and
 *   each frame it drops is logged with its reason; the connection stays up (frames over the
 *   socket's limit and invalid UTF-8 end it, with a logged reason), and the core is unharmed:
 *   a valid `getLogin` afterwards — on a new connection if the old one ended — gets its Login.
 * - IPC: the relay fed by recording stand-ins of `ipcMain` and of the views' `webContents`
 *   (as test/integration/app-frame-transports.test.ts does), with generated payloads
 *   (non-strings, oversized, nested), forged senders (other web contents, subframes, other
 *   pages, a frame already gone), page crashes and navigations, and floods: nothing throws, a
 *   forged sender never reaches the core, a frame from one view never reaches another view's
 *   link, and every drop is logged with its reason.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppFrameHello, type AppFrameHost, type AppFrameLink, type AppFrameParse, type FromAppFrame, type ToAppFrame, appFrameBridgePath, batchAppFrames, maxAppFrameBytes, maxAppMessageBytes, maxFailureReasonBytes, decodeToAppFrames, parseAppFrame, splitAppFrames } from '../../main/core/bridge/app-frame.js';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import { consoleLevels } from '../../main/core/bridge/console-lines.js';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { ClientCore } from '../../main/core/client/client.js';
import type { LogLevel } from '../../main/core/common/log.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { MAX_EARLY_FRAMES, wireAppFrames } from '../../main/electron/app-frame-relay.js';
import { createWebShell, type WebShell } from '../../main/web/server.js';
import { PbxEmulator } from '../pbx/index.js';
import { sessionTestConfig } from '../support/session-config.js';
import { deepJsonText, deepValue, garbageText, hostileKey, hostileString, jsonValue, mutateObject, mutateText, notAString, prototypeKeys, withMembers } from './arbitraries.js';
import { guardProcess, type ProcessGuard } from './process-guard.js';
import { fuzzParams, fuzzTimeout } from './settings.js';
import { until as untilSnapshot } from '../support/core-apps.js';
import { StandInWebContents } from '../support/stand-in-web-contents.js';
import { type FuzzFrame, FuzzPeer } from './ws-peer.js';

type Logged = { level: LogLevel; message: string; fields?: Record<string, unknown> };

// ------------------------------------------------------------------ frames a page may send

/** App messages inside frames: enough to reach the core, none that closes or reloads the app (the host has its own fuzz). */
const appText = fc.oneof(
  fc.constantFrom('{"mt":"Alive"}', '{"mt":"getLogin","app":"consumer","challenge":"1"}', '{"mt":"SetMenuState","value":"x"}', '{"mt":"constructor"}', '{"mt":"RegisterApi","api":"__proto__"}'),
  garbageText,
);

/** A frame as an object: the contract's kinds and others, members of any type, hostile extras. */
const frameObject: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    kind: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('message', 'loaded', 'failed', 'hello', 'handover', 'traffic', 'console') }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...prototypeKeys), hostileString, jsonValue(1)) }),
    text: fc.oneof({ weight: 5, arbitrary: appText }, { weight: 1, arbitrary: jsonValue(2) }),
    reason: fc.oneof(hostileString, jsonValue(1)),
    // The direct API path's frames (api-direct.ts): a channel id (valid or not) and traffic counts.
    channel: fc.oneof(fc.constantFrom('0123456789abcdef01234567', 'Z', '', '__proto__'), hostileString, jsonValue(1)),
    sent: fc.oneof(fc.nat(), fc.constantFrom(-1, 1.5, Number.MAX_SAFE_INTEGER + 2), jsonValue(1)),
    // Console lines (console-lines.ts): a level (valid or not) and, sometimes, where it was written.
    level: fc.oneof(fc.constantFrom('debug', 'log', 'info', 'warn', 'error', 'warning', '__proto__'), hostileString, jsonValue(1)),
    source: fc.option(fc.oneof(hostileString, jsonValue(1)), { nil: undefined }),
    extra: fc.array(fc.tuple(fc.oneof(fc.constantFrom('viewId', 'app', 'view', '__proto__', 'constructor'), hostileKey), jsonValue(2)), { maxLength: 2 }),
  })
  .map(({ kind, text, reason, channel, sent, level, source, extra }) =>
    JSON.parse(withMembers(JSON.stringify({ kind, text, reason, channel, sent, received: sent, level, source }), extra.filter(([k]) => !['kind', 'text', 'reason', 'channel', 'sent', 'received', 'level', 'source'].includes(k)))) as Record<string, unknown>,
  );

/** A frame in the wire format's short form: `m` + the app's text. */
const messageFrame: fc.Arbitrary<string> = fc.oneof(appText, hostileString).map((t) => `m${t}`);

/** Text of a frame: valid-ish frames, mutated ones, garbage, nesting past the limit. */
const singleFrameText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: frameObject.map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: messageFrame },
  { weight: 2, arbitrary: frameObject.chain(mutateObject).map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: frameObject.chain((o) => mutateText(JSON.stringify(o))) },
  { weight: 2, arbitrary: garbageText },
  { weight: 1, arbitrary: deepJsonText },
  { weight: 1, arbitrary: fc.constantFrom(64, 10_000).map((n) => JSON.stringify({ kind: 'message', text: '{"mt":"x","v":' + '['.repeat(n) + ']'.repeat(n) + '}' })) },
);

/** Text of one transport message: a frame, or the frames of one tick batched (whole, or mutated: lengths that lie). */
const frameText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: singleFrameText },
  { weight: 2, arbitrary: fc.array(singleFrameText, { minLength: 2, maxLength: 4 }).map((frames) => batchAppFrames(frames)) },
  { weight: 1, arbitrary: fc.array(singleFrameText, { minLength: 2, maxLength: 3 }).chain((frames) => mutateText(batchAppFrames(frames))) },
  { weight: 1, arbitrary: fc.constantFrom('0:', '1:', '2:m', '5:{}', '3:m{}x', '99999999:m', '1:m1', '01:m', '-1:m', '1:m1:m', '1:{') },
);

/**
 * What a shell makes of one transport message, frame by frame, in order: the batch's framing
 * first (a bad batch is one drop), then each frame by the contract's `parseAppFrame`.
 */
function wireVerdicts(text: unknown, hello: boolean): AppFrameParse<FromAppFrame | AppFrameHello>[] {
  const batch = splitAppFrames(text);
  if (!batch.ok) return [{ ok: false, error: batch.error }];
  return batch.frames.map((f) => (hello ? parseAppFrame(f, { hello: true }) : parseAppFrame(f)));
}
/** Frames just past a limit: a message text over 1 MiB, a failure reason over 1 KiB (both dropped, the connection stays). */
const oversizedText: fc.Arbitrary<string> = fc.constantFrom(
  () => JSON.stringify({ kind: 'message', text: 'x'.repeat(maxAppMessageBytes + 1) }),
  () => JSON.stringify({ kind: 'message', text: '\u00e9'.repeat(maxAppMessageBytes / 2 + 1) }),
  () => JSON.stringify({ kind: 'failed', reason: 'x'.repeat(maxFailureReasonBytes + 1) }),
).map((make) => make());

// ------------------------------------------------------------------ the world

let pbx: PbxEmulator;
let core: ClientCore;
let shell: WebShell;
let guard: ProcessGuard;
const logs: Logged[] = [];
const log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => logs.push({ level, message, ...(fields && { fields }) });

const until = (pred: (s: Snapshot) => boolean, ms = 5000): Promise<unknown> => untilSnapshot(core, pred, ms);

beforeAll(async () => {
  guard = guardProcess();
  pbx = await PbxEmulator.start({ config: sessionTestConfig(), port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'myapps-fuzz-relay-'));
  core = await ClientCore.start({ configDir: dir, policyFile: join(dir, 'policy.json'), credentialStore: new MemoryCredentialStore(), policyPollMs: 0, log });
  await core.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
  await until((s) => s.connection.kind === 'logged-in' && s.apps !== undefined);
  shell = await createWebShell({ host: core, rendererDir: mkdtempSync(join(tmpdir(), 'myapps-fuzz-renderer-')), log });
});

afterAll(async () => {
  await shell?.close();
  await core?.dispose();
  await pbx?.stop();
  guard.stop();
});

async function openApp(link: string): Promise<string> {
  const r = await core.handle({ type: 'openApp', link });
  if (!r.ok) throw new Error(r.error);
  return (r.value as { viewId: string }).viewId;
}

async function closeAll(): Promise<void> {
  for (const a of core.snapshot().runningApps) await core.handle({ type: 'closeApp', viewId: a.viewId });
}

/** What the shell dropped for `view`, by reason. */
const dropsOf = (viewId: string, from = 0) => logs.slice(from).filter((l) => l.message === 'app frame dropped' && l.fields?.view === viewId).map((l) => String(l.fields?.error));

const sorted = (xs: string[]) => [...xs].sort();

// ------------------------------------------------------------------ parseAppFrame

describe('parseAppFrame: any value gets a verdict', () => {
  const anyInput: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 6, arbitrary: frameText },
    { weight: 3, arbitrary: notAString },
    { weight: 2, arbitrary: frameObject },
    { weight: 1, arbitrary: fc.constantFrom(10_000, 100_000).map((n) => deepValue(n)) },
  );

  it('never throws, for strings of any shape and for values that are not strings; accepts only the contract’s fields', () => {
    fc.assert(
      fc.property(anyInput, fc.boolean(), (input, hello) => {
        const r = hello ? parseAppFrame(input, { hello: true }) : parseAppFrame(input);
        if (!r.ok) {
          expect(r.error).toEqual(expect.stringMatching(/\S/));
          return;
        }
        expect(typeof input).toBe('string');
        const f = r.frame;
        const fields: Record<string, string[]> = { message: ['kind', 'text'], loaded: ['kind'], failed: ['kind', 'reason'], hello: ['kind'], handover: ['kind', 'channel'], traffic: ['kind', 'channel', 'sent', 'received'], console: ['kind', 'level', 'text'] };
        // A console line's `source` is optional: a short string when it is there.
        expect(Object.keys(f).filter((k) => !(f.kind === 'console' && k === 'source')).sort()).toEqual(fields[f.kind]!.slice().sort());
        if (f.kind === 'console') {
          expect(consoleLevels).toContain(f.level);
          expect(typeof f.text).toBe('string');
          if (f.source !== undefined) expect(typeof f.source).toBe('string');
        }
        if (f.kind === 'hello') expect(hello).toBe(true);
        if (f.kind === 'message') expect(typeof f.text).toBe('string');
        if (f.kind === 'failed') expect(typeof f.reason).toBe('string');
      }),
      fuzzParams(600),
    );
  }, fuzzTimeout(20_000));

  it('huge strings are refused by size before they are parsed', () => {
    fc.assert(
      fc.property(fc.constantFrom(maxAppFrameBytes + 1, 8 * 1024 * 1024), fc.boolean(), (n, wrapped) => {
        const text = wrapped ? JSON.stringify({ kind: 'message', text: 'x'.repeat(n) }) : 'x'.repeat(n);
        expect(parseAppFrame(text)).toEqual({ ok: false, error: 'frame over the size limit' });
      }),
      fuzzParams(4),
    );
  }, fuzzTimeout(20_000));
});

// ------------------------------------------------------------------ over WebSocket (browser shell)

type WsFrame = FuzzFrame;

const wsFrame: fc.Arbitrary<WsFrame> = fc.oneof(
  { weight: 24, arbitrary: frameText.map((text) => ({ kind: 'text' as const, text })) },
  { weight: 6, arbitrary: fc.oneof(fc.uint8Array({ maxLength: 64 }), frameObject.map((o) => new TextEncoder().encode(JSON.stringify(o)))).map((bytes) => ({ kind: 'binary' as const, bytes })) },
  { weight: 2, arbitrary: oversizedText.map((text) => ({ kind: 'text' as const, text })) },
  // Ends the connection: rare, so that most runs send all their frames (and the examples below cover both).
  { weight: 1, arbitrary: fc.constantFrom<WsFrame>({ kind: 'too-big' }, { kind: 'bad-utf8' }) },
);

/** An app-frame page's socket for `viewId`: the frames it got (`received`), and how it ended. */
type PageSocket = FuzzPeer<ToAppFrame>;
const PageSocket = {
  open: (viewId: string): Promise<PageSocket> =>
    FuzzPeer.open(
      `ws://127.0.0.1:${shell.port}${appFrameBridgePath}?view=${encodeURIComponent(viewId)}&token=${encodeURIComponent(shell.token)}`,
      shell.origin,
      decodeToAppFrames,
      () => JSON.stringify({ kind: 'message', text: 'x'.repeat(maxAppFrameBytes) }),
      { maxPayload: 64 * 1024 * 1024 },
    ),
};

/** What the core posted to the app on this socket, parsed. */
function posted(page: PageSocket): Record<string, unknown>[] {
  return page.received.flatMap((f) => (f.kind === 'post' ? [JSON.parse(f.text) as Record<string, unknown>] : []));
}

/** The positive control: the app logs in through this socket. */
async function appLogsIn(page: PageSocket, challenge: string): Promise<void> {
  page.send({ kind: 'text', text: JSON.stringify({ kind: 'message', text: JSON.stringify({ mt: 'getLogin', app: 'contacts', challenge }) }) });
  await page.until(
    () => posted(page).some((m) => m.mt === 'Login' && m.pbxObj === 'contacts' && m.error === undefined) || !page.open,
    () => `no Login after the frames; got ${JSON.stringify(posted(page).map((m) => m.mt))}`,
  );
  expect(page.open, `the connection ended (code ${page.closeCode})`).toBe(true);
}

describe('the browser shell’s app-frame socket under generated frames', () => {
  it(
    'drops each bad frame with its reason, stays connected (or ends with a reason for frames past the socket’s limit), and the core still answers a valid getLogin',
    async () => {
      let runNo = 0;
      await fc.assert(
        // At most 16 frames: even if every one were a getLogin, the app's getLogin limit (20 at once) leaves room for the control.
        fc.asyncProperty(fc.array(wsFrame, { minLength: 1, maxLength: 16 }), async (frames) => {
          const viewId = await openApp('contacts');
          const logsBefore = logs.length;
          let page: PageSocket | undefined;
          try {
            page = await PageSocket.open(viewId);
            const first = page;
            await first.until(() => first.received.some((f) => f.kind === 'load'), () => 'no load frame');
            first.send({ kind: 'text', text: JSON.stringify({ kind: 'message', text: '{"mt":"Alive"}' }) });
            const expected: string[] = [];
            let fatal: WsFrame['kind'] | undefined;
            for (const f of frames) {
              if (!first.open || fatal) break;
              first.send(f);
              if (f.kind === 'too-big' || f.kind === 'bad-utf8') fatal = f.kind;
              else if (f.kind === 'binary') expected.push('binary frame');
              else {
                // What the shell reads: the text as UTF-8 went over the wire (a lone surrogate arrives as U+FFFD).
                for (const v of wireVerdicts(Buffer.from(f.text, 'utf8').toString('utf8'), false)) if (!v.ok) expected.push(v.error);
              }
            }
            if (fatal) {
              // Past the socket's limit, or not UTF-8: ws ends the connection (1009 / 1007) and the shell logs why.
              await first.until(() => first.closeCode !== undefined, () => `the connection survived a ${fatal} frame`);
              expect(first.closeCode).toBe(fatal === 'too-big' ? 1009 : 1007);
              expect(logs.slice(logsBefore).some((l) => l.message === 'app frame connection error' && l.fields?.view === viewId && typeof l.fields.error === 'string')).toBe(true);
              page = await PageSocket.open(viewId);
            }
            await appLogsIn(page, `c${++runNo}`);
            // Everything sent before the getLogin was handled before it (one socket, in order).
            expect(sorted(dropsOf(viewId, logsBefore)), 'frames dropped, by logged reason').toEqual(sorted(expected));
            await guard.check('escaped from the browser shell');
          } finally {
            page?.ws.terminate();
            await closeAll();
          }
        }),
        fuzzParams(40, { examples: [[[{ kind: 'too-big' }]], [[{ kind: 'bad-utf8' }]], [[{ kind: 'text', text: JSON.stringify({ kind: 'message', text: 'x'.repeat(maxAppMessageBytes + 1) }) }]]] }),
      );
    },
    fuzzTimeout(60_000),
  );
});

// ------------------------------------------------------------------ over Electron IPC

/** Who sends: a view's own top frame on the app-frame page, or a forgery. */
type Sender =
  | { kind: 'view'; view: number; url: 'plain' | 'query-own' | 'query-other' }
  | { kind: 'other-contents'; url: string }
  | { kind: 'subframe'; view: number }
  | { kind: 'other-page'; view: number; url: string }
  | { kind: 'no-frame'; view: number }
  | { kind: 'frame-gone'; view: number };

type IpcEvent =
  | { kind: 'emit'; sender: Sender; payload: unknown; extraArgs: unknown[]; times: number }
  | { kind: 'lifecycle'; view: number; what: 'render-process-gone' | 'navigate' | 'same-document' | 'subframe-navigate' | 'destroyed' };

const VIEWS = 2;
const view = fc.nat(VIEWS - 1);
const foreignUrl = fc.constantFrom('https://evil.test/appframe.html', 'app://myapps/index.html', 'app://myapps.evil.test/appframe.html', 'app://evil@myapps/appframe.html', 'file:///appframe.html', 'about:blank', '', 'app://myapps/appframe.htm', 'app://myapps:1/appframe.html');

const sender: fc.Arbitrary<Sender> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('view' as const), view, url: fc.constantFrom('plain', 'query-own', 'query-other') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('other-contents' as const), url: fc.constantFrom('app://myapps/appframe.html', 'app://myapps/index.html') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('subframe' as const), view }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('other-page' as const), view, url: foreignUrl }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('no-frame' as const, 'frame-gone' as const), view }) },
);

const payload: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('{"kind":"hello"}', '{"kind":"loaded"}', '{"kind":"message","text":"{\\"mt\\":\\"Alive\\"}"}', '{"kind":"failed","reason":"x"}') },
  { weight: 5, arbitrary: frameText },
  { weight: 3, arbitrary: notAString },
  { weight: 1, arbitrary: oversizedText },
  { weight: 1, arbitrary: fc.constantFrom(maxAppFrameBytes + 1).map((n) => 'x'.repeat(n)) },
);

const ipcEvent: fc.Arbitrary<IpcEvent> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('emit' as const),
      sender,
      payload,
      extraArgs: fc.oneof({ weight: 5, arbitrary: fc.constant<unknown[]>([]) }, { weight: 1, arbitrary: fc.array(notAString, { maxLength: 2 }) }),
      times: fc.oneof({ weight: 12, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(MAX_EARLY_FRAMES + 6) }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lifecycle' as const), view, what: fc.constantFrom('render-process-gone', 'navigate', 'same-document', 'subframe-navigate', 'destroyed') }) },
);

/** The core as the relay sees it, recording every call that reaches it and for which view. */
function recordingCore(calls: { viewId: string; what: string }[]): AppFrameHost {
  return {
    attachAppFrame(viewId, send) {
      calls.push({ viewId, what: 'attach' });
      const link = core.attachAppFrame(viewId, send);
      return (
        link && {
          receive(frame) {
            calls.push({ viewId, what: `receive ${frame.kind}` });
            link.receive(frame);
          },
          detach() {
            calls.push({ viewId, what: 'detach' });
            link.detach();
          },
        }
      ) as AppFrameLink | undefined;
    },
  };
}

describe('the Electron app-frame relay under generated IPC', () => {
  it(
    'never throws; a forged sender never reaches the core; a view’s frames reach only its own link; every drop logged with its reason',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(ipcEvent, { minLength: 1, maxLength: 30 }), async (events) => {
          const ipcMain = new EventEmitter();
          const calls: { viewId: string; what: string }[] = [];
          const viewIds = [await openApp('contacts'), await openApp('badger')];
          const contents = viewIds.map(() => new StandInWebContents());
          const byContents = new Map(contents.map((c, i) => [c.id, viewIds[i]!]));
          const relay = wireAppFrames(ipcMain as never, (id) => byContents.get(id), recordingCore(calls), log);
          contents.forEach((c, i) => relay.watch(viewIds[i]!, c as never));
          const stranger = new StandInWebContents();
          const destroyed = new Set<number>();
          /** Frames each view sent before its first hello (the relay keeps at most MAX_EARLY_FRAMES). */
          const early = viewIds.map(() => 0);
          const attached = viewIds.map(() => false);
          const problems: string[] = [];
          try {
            for (const e of events) {
              if (e.kind === 'lifecycle') {
                const c = contents[e.view]!;
                if (e.what === 'render-process-gone') c.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
                else if (e.what === 'destroyed') {
                  c.destroyed = true;
                  c.emit('destroyed');
                  destroyed.add(e.view);
                } else c.emit('did-start-navigation', { url: 'app://myapps/appframe.html', isMainFrame: e.what !== 'subframe-navigate', isSameDocument: e.what === 'same-document' });
                if (e.what === 'render-process-gone' || e.what === 'navigate') {
                  attached[e.view] = false;
                  early[e.view] = 0;
                }
                continue;
              }
              const s = e.sender;
              const own = 'view' in s ? viewIds[s.view]! : undefined;
              const from = s.kind === 'other-contents' ? stranger : contents[s.view]!;
              const pageUrl = (id: string | undefined) => `app://myapps/appframe.html?view=${encodeURIComponent(id ?? '')}`;
              const url =
                s.kind === 'view' ? (s.url === 'plain' ? 'app://myapps/appframe.html' : pageUrl(s.url === 'query-own' ? own : viewIds[(s.view + 1) % VIEWS])) : s.kind === 'other-contents' || s.kind === 'other-page' ? s.url : pageUrl(own);
              const senderFrame =
                s.kind === 'no-frame'
                  ? null
                  : s.kind === 'frame-gone'
                    ? Object.defineProperty({}, 'url', {
                        get() {
                          throw new Error('Render frame was disposed before WebFrameMain could be accessed');
                        },
                      })
                    : { url, parent: s.kind === 'subframe' ? {} : null };
              const legit = s.kind === 'view' && !destroyed.has(s.view);
              const verdicts = wireVerdicts(e.payload, true);
              for (let i = 0; i < e.times; i++) {
                const callsBefore = calls.length;
                const logsBefore = logs.length;
                try {
                  ipcMain.emit(ipcChannels.appFrameUp, { sender: from, senderFrame }, e.payload, ...e.extraArgs);
                } catch (err) {
                  problems.push(`emit threw: ${String(err)}`);
                }
                const reached = calls.slice(callsBefore);
                const fresh = logs.slice(logsBefore);
                const said = (message: string, pred: (l: Logged) => boolean = () => true) => fresh.some((l) => l.message === message && pred(l));
                if (!legit) {
                  if (reached.length > 0) problems.push(`a ${s.kind} sender reached the core: ${JSON.stringify(reached)}`);
                  const ok = s.kind === 'view' ? said('app frame message dropped: the view is not watched') : said('app frame message from an untrusted sender dropped', (l) => typeof l.fields?.reason === 'string');
                  if (!ok) problems.push(`a ${s.kind} sender was dropped without a log line`);
                  continue;
                }
                if (reached.some((c) => c.viewId !== own)) problems.push(`a frame from view ${s.view} reached another view: ${JSON.stringify(reached)}`);
                if (verdicts.every((v) => !v.ok) && reached.length > 0) problems.push(`a frame the contract refuses reached the core: ${JSON.stringify(reached)}`);
                for (const verdict of verdicts) {
                  if (!verdict.ok) {
                    if (!said('app frame dropped', (l) => l.fields?.error === verdict.error && l.fields?.view === own)) problems.push(`a bad frame was dropped without its reason (${verdict.error})`);
                  } else if (verdict.frame.kind === 'hello') {
                    attached[s.view] = true;
                    early[s.view] = 0;
                  } else if (!attached[s.view]) {
                    if (early[s.view]! < MAX_EARLY_FRAMES) early[s.view]!++;
                    else if (!said('app frame dropped: too many before hello', (l) => l.fields?.view === own)) problems.push('an early frame past the limit was dropped without a log line');
                  }
                }
                if (fresh.some((l) => /threw/.test(l.message))) problems.push(`the core threw: ${JSON.stringify(fresh.filter((l) => /threw/.test(l.message)))}`);
              }
            }
            expect(problems).toEqual([]);
            await guard.check('escaped from the IPC relay');
          } finally {
            relay.dispose();
            await closeAll();
          }
        }),
        fuzzParams(80),
      );
    },
    fuzzTimeout(30_000),
  );
});
