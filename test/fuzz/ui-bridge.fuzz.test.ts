/**
 * Fuzzing the UI bridge in both shells (security controls 6, 15 and 17). The UI is our code, but
 * the bridge is an attack surface: a compromised renderer, a foreign frame, a local process on
 * the browser shell's port. Against the real core (logged in to the PBX emulator; logged in
 * again before each run when a generated command logged it out):
 *
 * - `parseCommand` and `core.handle` take ANY value — what Electron's IPC can carry (structured
 *   clone: BigInt, cycles, Maps, typed arrays, sparse arrays, 10,000 levels deep) and what JSON
 *   can — and never throw or reject; a malformed command is answered `{ok:false, error}` with
 *   the parser's reason, and logged; no command ends in an exception inside the core.
 * - The browser shell's bridge socket (main/web/bridge-socket.ts, a real WebSocket) answers every
 *   frame that carries a readable id exactly once, logs every frame it drops with its reason,
 *   stays connected (frames over its limit and invalid UTF-8 end the connection, with a logged
 *   reason), and a valid command afterwards still works.
 * - The Electron IPC bridge (`wireBridge`, main/electron/ipc.ts) fed by a stand-in `ipcMain` with
 *   generated arguments and senders: the handler never throws or rejects; a forged sender (other
 *   web contents, a subframe, another page, a frame already gone) gets the refusal and never
 *   reaches the core, and is logged.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcChannels, webBridgePath, type WebBridgeFrame } from '../../main/core/bridge/channels.js';
import { commandSchemas, type CommandResult } from '../../main/core/bridge/commands.js';
import type { BridgeEvent } from '../../main/core/bridge/events.js';
import { parseCommand } from '../../main/core/bridge/validate-command.js';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { ClientCore } from '../../main/core/client/client.js';
import type { LogLevel } from '../../main/core/common/log.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { UNTRUSTED_SENDER_ERROR, wireBridge, type BridgeCore } from '../../main/electron/ipc.js';
import { maxFrameBytes, parseCommandFrame } from '../../main/web/bridge-socket.js';
import { createWebShell, type WebShell } from '../../main/web/server.js';
import { PbxEmulator } from '../pbx/index.js';
import { sessionTestConfig } from '../support/session-config.js';
import { deepJsonText, deepValue, garbageText, hostileKey, hostileString, jsonNumber, jsonValue, mutateObject, mutateText, notAString, prototypeKeys } from './arbitraries.js';
import { guardProcess, type ProcessGuard } from './process-guard.js';
import { fuzzParams, fuzzTimeout } from './settings.js';
import { until as untilSnapshot } from '../support/core-apps.js';
import { type FuzzFrame, FuzzPeer } from './ws-peer.js';

type Logged = { level: LogLevel; message: string; fields?: Record<string, unknown> };

let pbx: PbxEmulator;
let core: ClientCore;
let shell: WebShell;
let guard: ProcessGuard;
const logs: Logged[] = [];
const log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => logs.push({ level, message, ...(fields && { fields }) });

// ------------------------------------------------------------------ commands

const commandTypes = Object.keys(commandSchemas);
const over = (max: number) => fc.constant(max + 1).map((n) => 'x'.repeat(n));

/** Plausible values for each member a command has (and a few that break its limits). */
const plausible: Record<string, fc.Arbitrary<unknown>> = {
  // Never a real host: this PBX, a closed port, or no address at all.
  pbx: fc.oneof(fc.constant('PBX'), fc.constantFrom('127.0.0.1:1', '', ' ', 'ws://127.0.0.1:1/x', 'javascript:alert(1)', 'a b'), over(2048)),
  username: fc.oneof(fc.constantFrom('alice', 'ALICE', '', ' alice '), hostileString, over(256)),
  password: fc.oneof(fc.constantFrom('Secret123!', 'wrong', ''), hostileString, over(1024)),
  stayLoggedIn: fc.boolean(),
  fingerprint: fc.oneof(fc.stringMatching(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/), hostileString, over(128)),
  activity: fc.constantFrom('', 'away', 'busy', 'dnd', 'Away', 'offline'),
  note: fc.oneof(hostileString, over(512)),
  links: fc.oneof(fc.array(fc.oneof(fc.constantFrom('contacts', 'badger?x=1', 'contacts#d=x', 'a,b', '__proto__', 'secret'), hostileString), { maxLength: 4 }), fc.constant(Array.from({ length: 201 }, () => 'contacts'))),
  id: fc.oneof(hostileString, fc.constantFrom('n1:x', 'policy-0', 'keychain'), over(128)),
  patch: fc.dictionary(fc.oneof(fc.constantFrom('language', 'scheme', 'startMinimized', 'autostart', 'developerMode', 'appDevTools', 'mutedApps', 'accounts', 'activeAccount', 'homeLayoutCache', 'appPermissions'), hostileKey), jsonValue(2), { maxKeys: 3 }),
  link: fc.oneof(fc.constantFrom('contacts', 'badger', 'website', 'secret', '__proto__', 'search', 'contacts?x=1#d=y'), hostileString, over(1024)),
  viewId: fc.oneof(hostileString, fc.stringMatching(/^[0-9a-f]{32}$/), over(128)),
  action: fc.constantFrom('', 'accept', 'reject', 'reply', 'ignore'),
  replyText: fc.oneof(hostileString, over(4096)),
  bounds: fc.record({ x: jsonNumber, y: jsonNumber, width: jsonNumber, height: jsonNumber }, { requiredKeys: [] }),
  allow: fc.boolean(),
  permissions: fc.array(fc.constantFrom('microphone', 'camera', 'screen', 'geolocation', '__proto__'), { maxLength: 4 }),
  app: fc.oneof(fc.constantFrom('contacts', '__proto__'), hostileString, over(256)),
  permission: fc.constantFrom('microphone', 'camera', 'screen', 'usb'),
  languages: fc.oneof(fc.array(fc.oneof(fc.constantFrom('de', 'en-US', 'pl-PL', 'auto', '', 'x-private', 'de_DE.UTF-8'), hostileString, over(35)), { maxLength: 4 }), fc.constant(Array.from({ length: 17 }, () => 'de'))),
  dark: fc.boolean(),
};
const anyMember = jsonValue(2);
const memberValue = (name: string): fc.Arbitrary<unknown> => fc.oneof({ weight: 6, arbitrary: plausible[name] ?? hostileString }, { weight: 1, arbitrary: anyMember });

const members: Record<string, string[]> = {
  login: ['pbx', 'username', 'password', 'stayLoggedIn'],
  trustCertificate: ['pbx', 'username', 'fingerprint'],
  setPresence: ['activity', 'note'],
  setHome: ['links'],
  authorizeSession: ['id'],
  deleteSession: ['id'],
  updateSettings: ['patch'],
  openApp: ['link'],
  closeApp: ['viewId'],
  showApp: ['viewId'],
  reloadApp: ['viewId'],
  notificationClicked: ['id', 'action', 'replyText'],
  dismissNotification: ['id'],
  dismissNotice: ['id'],
  placeAppView: ['bounds'],
  openAppDevTools: ['viewId'],
  answerPermission: ['id', 'allow'],
  requestAppPermission: ['viewId', 'permissions'],
  resetAppPermission: ['app', 'permission'],
  setSystemPreferences: ['languages', 'dark'],
};

/** A command of a known type, each member plausible or not, sometimes missing (one arbitrary per type, built once). */
const commandLike: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  ...commandTypes.map((type) => fc.record(Object.fromEntries((members[type] ?? []).map((m) => [m, memberValue(m)])), { requiredKeys: [] }).map((body) => ({ type, ...body }))),
);

/** Anything JSON can carry: commands, mutated commands, unknown types, any JSON value. */
const jsonCommand: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: commandLike },
  { weight: 3, arbitrary: commandLike.chain(mutateObject) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...prototypeKeys), hostileString).map((type) => ({ type })) },
  { weight: 2, arbitrary: jsonValue(3) },
);

function cyclic(kind: 'type' | 'member'): unknown {
  const o: Record<string, unknown> = {};
  o.self = o;
  return kind === 'type' ? { type: o } : { type: 'setHome', links: [o] };
}

/** What Electron's IPC can carry besides JSON (structured clone): BigInt, cycles, Maps, typed arrays, sparse arrays, depth. */
const cloneableCommand: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: jsonCommand },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 3, withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withDate: true }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ type: 1n }, { type: 'login', pbx: 1n }, { type: new Map([['type', 'getSnapshot']]) }, new Map([['type', 'getSnapshot']]), [{ type: 'getSnapshot' }], new Date(0), { type: new String('getSnapshot') }, { type: ['getSnapshot'] }) },
  { weight: 1, arbitrary: fc.constantFrom('type', 'member').map((k) => cyclic(k as 'type' | 'member')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(10_000), fc.constantFrom('type', 'patch', 'links')).map(([n, where]) => (where === 'type' ? { type: deepValue(n) } : where === 'patch' ? { type: 'updateSettings', patch: { language: deepValue(n) } } : { type: 'setHome', links: [deepValue(n, 'array')] })) },
  { weight: 1, arbitrary: notAString },
);

/** Concrete values for placeholders: the emulator's address. */
function withPbx(command: unknown): unknown {
  if (typeof command !== 'object' || command === null || Array.isArray(command)) return command;
  const c = command as Record<string, unknown>;
  return c.pbx === 'PBX' ? { ...c, pbx: pbx.url } : c;
}

// ------------------------------------------------------------------ the world

const until = (pred: (s: Snapshot) => boolean, ms = 5000): Promise<unknown> => untilSnapshot(core, pred, ms);

/** Logged in with apps, as at the start: a generated command may have logged out or logged in elsewhere. */
async function loggedIn(): Promise<void> {
  const s = core.snapshot();
  if (s.connection.kind === 'logged-in' && s.apps !== undefined && s.account?.username === 'alice') return;
  const r = await core.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
  if (!r.ok) throw new Error(`login: ${r.error}`);
  await until((x) => x.connection.kind === 'logged-in' && x.apps !== undefined);
}

beforeAll(async () => {
  guard = guardProcess();
  pbx = await PbxEmulator.start({ config: sessionTestConfig(), port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'myapps-fuzz-bridge-'));
  core = await ClientCore.start({ configDir: dir, policyFile: join(dir, 'policy.json'), credentialStore: new MemoryCredentialStore(), policyPollMs: 0, log, sessionOptions: { connectTimeoutMs: 2000, loginTimeoutMs: 2000 } });
  await loggedIn();
  shell = await createWebShell({ host: core, rendererDir: mkdtempSync(join(tmpdir(), 'myapps-fuzz-renderer-')), log });
});

afterAll(async () => {
  await shell?.close();
  await core?.dispose();
  await pbx?.stop();
  guard.stop();
});

/** A result the bridge contract allows. */
function expectResult(r: unknown): asserts r is CommandResult {
  expect(typeof r === 'object' && r !== null).toBe(true);
  const res = r as CommandResult;
  expect(typeof res.ok).toBe('boolean');
  if (!res.ok) expect(res.error).toEqual(expect.stringMatching(/\S/));
}

/** Exceptions inside the core while it ran a command (caught there and answered "Internal error"). */
const internalErrors = (from: number) => logs.slice(from).filter((l) => l.message === 'bridge command failed');

// ------------------------------------------------------------------ parseCommand and core.handle

describe('parseCommand and core.handle: any value', () => {
  it('parseCommand never throws, for any value Electron’s IPC or JSON can carry', () => {
    fc.assert(
      fc.property(cloneableCommand, (raw) => {
        const v = parseCommand(withPbx(raw));
        if (v.ok) expect(Object.hasOwn(commandSchemas, v.command.type)).toBe(true);
        else expect(v.error).toEqual(expect.stringMatching(/\S/));
      }),
      fuzzParams(600),
    );
  }, fuzzTimeout(20_000));

  it(
    'core.handle never throws or rejects; a malformed command gets {ok:false} with the parser’s reason, logged; no command ends in an exception inside the core',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(cloneableCommand, { minLength: 1, maxLength: 6 }), async (raws) => {
          await loggedIn();
          for (const raw of raws.map(withPbx)) {
            let verdict: ReturnType<typeof parseCommand> | undefined;
            try {
              verdict = parseCommand(raw);
            } catch {
              // parseCommand's own property reports this; here: handle must still answer.
            }
            const logsBefore = logs.length;
            let result: unknown;
            try {
              result = await core.handle(raw);
            } catch (e) {
              throw new Error(`core.handle threw or rejected for ${show(raw)}: ${String(e)}`, { cause: e });
            }
            expectResult(result);
            if (verdict && !verdict.ok) {
              expect(result).toEqual({ ok: false, error: verdict.error });
              expect(logs.slice(logsBefore).some((l) => l.message === 'bridge command rejected' && l.fields?.error === verdict.error)).toBe(true);
            }
            expect(internalErrors(logsBefore), `an exception inside the core for ${show(raw)}`).toEqual([]);
          }
          await guard.check('escaped from the core');
        }),
        fuzzParams(80),
      );
    },
    fuzzTimeout(60_000),
  );
});

function show(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x))?.slice(0, 300) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

// ------------------------------------------------------------------ the browser shell's bridge socket

type BridgeFrame = FuzzFrame;

/** Ids the test never uses for anything else: generated ones stay below the control's. */
const frameId = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -1000, max: 1_000_000 }) }, { weight: 1, arbitrary: fc.constantFrom(2 ** 53, 1.5, -0, NaN, '7', null, Number.MAX_SAFE_INTEGER) });

const bridgeFrame: fc.Arbitrary<BridgeFrame> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .record({ kind: fc.oneof({ weight: 6, arbitrary: fc.constant('command') }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom('event', 'result', '__proto__'), hostileString) }), id: frameId, command: jsonCommand }, { requiredKeys: ['kind'] })
      .map((f) => ({ kind: 'text' as const, text: JSON.stringify({ ...f, command: withPbx(f.command) }) })),
  },
  { weight: 2, arbitrary: fc.oneof(garbageText, deepJsonText, fc.constantFrom('{"kind":"command","id":1,"command":{"type":"getSnapshot"}}').chain(mutateText)).map((text) => ({ kind: 'text' as const, text })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'binary' as const, bytes })) },
  // Ends the connection: rare, so that most runs send all their frames (the examples cover both).
  { weight: 1, arbitrary: fc.constantFrom<BridgeFrame>({ kind: 'too-big' }, { kind: 'bad-utf8' }) },
);

/** The UI's bridge socket: the command results it got (`received`), and how it ended. */
type BridgePeer = FuzzPeer<{ id: number; result: CommandResult }>;
const BridgePeer = {
  open: (): Promise<BridgePeer> =>
    FuzzPeer.open(
      `ws://127.0.0.1:${shell.port}${webBridgePath}?token=${encodeURIComponent(shell.token)}`,
      shell.origin,
      (text) => {
        const f = JSON.parse(text) as WebBridgeFrame | { kind: 'event'; event: BridgeEvent };
        return f.kind === 'result' ? [{ id: f.id, result: f.result }] : [];
      },
      () => JSON.stringify({ kind: 'command', id: 1, command: { type: 'dismissNotice', id: 'x'.repeat(maxFrameBytes) } }),
    ),
};

const CONTROL_ID = 2_000_000_000;

describe('the browser shell’s bridge socket under generated frames', () => {
  it(
    'answers every frame with a readable id once, logs every dropped frame with its reason, stays connected (or ends with a reason past its limits), and still runs a valid command',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(bridgeFrame, { minLength: 1, maxLength: 12 }), async (frames) => {
          await loggedIn();
          const logsBefore = logs.length;
          let peer = await BridgePeer.open();
          try {
            const first = peer;
            const ids: number[] = [];
            const drops: string[] = [];
            let fatal: BridgeFrame['kind'] | undefined;
            for (const f of frames) {
              if (!first.open || fatal) break;
              first.send(f);
              if (f.kind === 'too-big' || f.kind === 'bad-utf8') fatal = f.kind;
              else if (f.kind === 'binary') drops.push('binary frame');
              else {
                const v = parseCommandFrame(Buffer.from(f.text, 'utf8').toString('utf8'));
                if (v.id !== undefined) ids.push(v.id);
                if (!v.ok) drops.push(v.error);
              }
            }
            if (fatal) {
              await first.until(() => first.closeCode !== undefined, () => `the connection survived a ${fatal} frame`);
              expect(first.closeCode).toBe(fatal === 'too-big' ? 1009 : 1007);
              expect(logs.slice(logsBefore).some((l) => l.message === 'bridge connection error' && typeof l.fields?.error === 'string')).toBe(true);
              peer = await BridgePeer.open();
            }
            // The positive control (on a new connection if that one ended); on the same one, it also
            // marks the point by which every frame before it has been read.
            const control = peer;
            control.send({ kind: 'text', text: JSON.stringify({ kind: 'command', id: CONTROL_ID, command: { type: 'getSnapshot' } }) });
            await control.until(() => control.received.some((r) => r.id === CONTROL_ID), () => 'no answer to the control command');
            expect(control.received.find((r) => r.id === CONTROL_ID)!.result).toMatchObject({ ok: true, value: { connection: expect.any(Object) } });
            if (!fatal) {
              // Every frame with a readable id gets exactly one answer (commands run concurrently; order is free).
              const answered = () => first.received.filter((r) => r.id !== CONTROL_ID);
              await first.until(() => answered().length >= ids.length, () => `${answered().length} of ${ids.length} answers`);
              expect(answered().map((r) => r.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
              for (const r of answered()) expectResult(r.result);
            }
            // Every frame before the control (or before the one that ended the connection) has been read by now.
            const dropped = logs.slice(logsBefore).filter((l) => l.message === 'bridge frame dropped').map((l) => String(l.fields?.error));
            expect(dropped.sort(), 'frames dropped, by logged reason').toEqual([...drops].sort());
            expect(internalErrors(logsBefore), 'exceptions inside the core').toEqual([]);
            await guard.check('escaped from the bridge socket');
          } finally {
            peer.ws.terminate();
          }
        }),
        fuzzParams(30, { examples: [[[{ kind: 'too-big' }]], [[{ kind: 'bad-utf8' }]]] }),
      );
    },
    fuzzTimeout(60_000),
  );
});

// ------------------------------------------------------------------ the Electron IPC bridge

type IpcSender = { kind: 'main' } | { kind: 'other-contents' } | { kind: 'subframe' } | { kind: 'other-page'; url: string } | { kind: 'no-frame' } | { kind: 'frame-gone' };

const MAIN_ID = 7;
const ipcSender: fc.Arbitrary<IpcSender> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'main' as const }) },
  { weight: 1, arbitrary: fc.constantFrom<IpcSender>({ kind: 'other-contents' }, { kind: 'subframe' }, { kind: 'no-frame' }, { kind: 'frame-gone' }) },
  { weight: 1, arbitrary: fc.constantFrom('https://evil.test/', 'app://myapps.evil.test/', 'app://evil@myapps/', 'file:///index.html', 'about:blank', '', 'app://myapps:1/').map((url) => ({ kind: 'other-page' as const, url })) },
);

describe('the Electron IPC bridge under generated arguments and senders', () => {
  it(
    'the handler never throws or rejects; a forged sender is refused, logged, and never reaches the core; the main window’s commands are answered',
    async () => {
      const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<CommandResult>>();
      const ipcMain = {
        handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => Promise<CommandResult>) => handlers.set(channel, fn),
        removeHandler: (channel: string) => handlers.delete(channel),
      };
      const mainWindow = { id: MAIN_ID, isDestroyed: () => false, getURL: () => 'app://myapps/index.html', send: () => {} };
      let reached = 0;
      const recording: BridgeCore = {
        handle: (raw) => {
          reached++;
          return core.handle(raw);
        },
        onEvent: (listener) => core.onEvent(listener),
      };
      const unwire = wireBridge(ipcMain as never, () => mainWindow as never, recording, log);
      const handler = handlers.get(ipcChannels.command)!;
      try {
        await fc.assert(
          fc.asyncProperty(ipcSender, fc.array(cloneableCommand, { maxLength: 3 }), async (sender, args) => {
            await loggedIn();
            const senderFrame =
              sender.kind === 'no-frame'
                ? null
                : sender.kind === 'frame-gone'
                  ? Object.defineProperty({}, 'url', {
                      get() {
                        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
                      },
                    })
                  : { url: sender.kind === 'other-page' ? sender.url : 'app://myapps/index.html', parent: sender.kind === 'subframe' ? {} : null };
            const event = { sender: { id: sender.kind === 'other-contents' ? MAIN_ID + 1 : MAIN_ID }, senderFrame };
            const [first, ...rest] = args.map(withPbx);
            const reachedBefore = reached;
            const logsBefore = logs.length;
            let result: unknown;
            try {
              result = await handler(event, first, ...rest);
            } catch (e) {
              throw new Error(`the IPC handler threw or rejected for ${show(first)}: ${String(e)}`, { cause: e });
            }
            expectResult(result);
            if (sender.kind !== 'main') {
              expect(result).toEqual({ ok: false, error: UNTRUSTED_SENDER_ERROR });
              expect(reached, 'a forged sender reached the core').toBe(reachedBefore);
              expect(logs.slice(logsBefore).some((l) => l.message === 'bridge command from an untrusted sender refused')).toBe(true);
            } else {
              expect(reached).toBe(reachedBefore + 1);
              let verdict: ReturnType<typeof parseCommand> | undefined;
              try {
                verdict = parseCommand(first);
              } catch {
                verdict = undefined;
              }
              if (verdict && !verdict.ok) expect(result).toEqual({ ok: false, error: verdict.error });
            }
            expect(internalErrors(logsBefore), 'exceptions inside the core').toEqual([]);
            await guard.check('escaped from the IPC bridge');
          }),
          fuzzParams(150),
        );
      } finally {
        unwire();
      }
    },
    fuzzTimeout(60_000),
  );
});
