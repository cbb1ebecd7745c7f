/**
 * Fuzzing app messages and the app host (security controls 7, 15 and 17): apps are code written
 * by others, and everything they post reaches `parseAppMessage` and the `AppHost` through the
 * app-frame contract. Here the real core, logged in to the PBX emulator, runs three app views
 * (one of them for an App Object named `__proto__`); each run, generated sequences of messages
 * from those apps — any `mt`, members of the wrong type, floods, `getLogin` forged for other
 * apps, channel ids and API consumers that are not theirs, nesting 10,000 levels deep, huge
 * messages — are posted exactly as an app-frame page relays them
 * (`core.attachAppFrame(viewId, send)` then `link.receive({kind:'message', text})`). Then:
 *
 * - nothing throws out of `link.receive`, nothing escapes (uncaught, unhandled);
 * - the PBX never sees an `AppGetLogin` for an app other than the sender's App Object, and only
 *   as many as the app asked for itself;
 * - every `Login` an app gets is for its own App Object, every `getLogin` is answered, and no
 *   post to an app contains another app's `key`;
 * - every message the host refuses is logged with its reason (unknown `mt`: by name).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appInbound, parseAppMessage } from '../../main/core/apps/app-messages.js';
import type { AppFrameLink, ToAppFrame } from '../../main/core/bridge/app-frame.js';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { ClientCore } from '../../main/core/client/client.js';
import type { LogLevel } from '../../main/core/common/log.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { PbxEmulator, type EmulatorConfig } from '../pbx/index.js';
import { deepJsonText, garbageText, hostileKey, hostileString, hugeString, jsonValue, mutateObject, mutateText, prototypeKeys, withMembers } from './arbitraries.js';
import { guardProcess, type ProcessGuard } from './process-guard.js';
import { fuzzParams, fuzzTimeout } from './settings.js';
import { until as untilSnapshot } from '../support/core-apps.js';

type Logged = { level: LogLevel; message: string; fields?: Record<string, unknown> };

const BASE = 'http://127.0.0.1:9/apps';
/** The App Objects the three app views run; every one has its own password, so its own `key`. */
const VIEW_APPS = ['contacts', 'consumer', '__proto__'] as const;

function config(): EmulatorConfig {
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', apps: ['contacts', 'consumer', '__proto__', 'badger', 'search', 'constructor', 'website'] }],
    appObjects: [
      { name: 'contacts', title: 'Contacts', password: 'apppwd', url: `${BASE}/contacts/innovaphone-contacts` },
      { name: 'consumer', title: 'Consumer', password: 'cpwd', url: `${BASE}/consumer/consumer` },
      { name: '__proto__', title: 'Proto', password: 'protopwd', url: `${BASE}/proto/proto` },
      { name: 'badger', title: 'Badger', password: 'badgerpwd', url: `${BASE}/badger/badger`, presence: true },
      { name: 'search', title: 'Search', password: 'searchpwd', url: `${BASE}/search/searchapi`, hidden: true, apis: { 'com.innovaphone.search': {} } },
      { name: 'constructor', title: 'Ctor', password: 'ctorpwd', url: `${BASE}/ctor/ctor`, hidden: true, apis: JSON.parse('{"toString":{},"__proto__":{}}') as Record<string, object> },
      { name: 'website', title: 'Website', password: 'x', url: 'https://www.example.com/', website: true },
      { name: 'secret', title: 'Not for Alice', password: 'secretpwd', url: `${BASE}/secret/secret` },
    ],
  } as EmulatorConfig;
}

// ------------------------------------------------------------------ what apps post

/** Names an app may put where an app name goes: the others', ones not granted, none, prototype names. */
const appName = fc.constantFrom('contacts', 'consumer', '__proto__', 'badger', 'search', 'constructor', 'website', 'secret', 'nope', '', 'toString', '@client', '@launcher', 'CONTACTS');
const apiName = fc.oneof(fc.constantFrom('com.innovaphone.client', 'com.innovaphone.launcher', 'com.innovaphone.search', 'toString', '__proto__', 'constructor', 'com.example.none'), hostileString);
const channelId = fc.oneof(fc.integer({ min: 1, max: 40 }).map((n) => `ch${n}`), fc.constantFrom('__proto__', 'constructor', ''), fc.integer({ min: 0, max: 40 }));
/** Values that are objects where a string is expected, with members that break String(): `{"toString":1}`. */
const trickyValue = fc.constantFrom<unknown>({ toString: 1 }, { toString: {}, valueOf: {} }, { a: { toString: 1 } }, [{ toString: 1 }], JSON.parse('{"__proto__":null}'), [[[]]], { length: -1 }, { valueOf: 1 });
const anyValue = fc.oneof({ weight: 3, arbitrary: jsonValue(3) }, { weight: 1, arbitrary: trickyValue });

/** One app message, as data (so a counterexample prints readably); `self` stands for the sender's own App Object. */
type Op =
  | { op: 'getLogin'; app: string | { self: true }; challenge: unknown; extra: [string, unknown][] }
  | { op: 'channel'; mt: 'OpenChannel' | 'ChannelConnected' | 'ChannelClosed' | 'ChannelMessage'; channel: unknown; src: unknown; dst: string; msg: unknown }
  | { op: 'api'; mt: 'RegisterApi' | 'ApiModel' | 'ConsumeApi' | 'ApiRequest' | 'ApiResult' | 'ApiConsumerClosed'; api: unknown; provider: unknown; consumer: unknown; src: unknown; msg: unknown }
  | { op: 'action'; type: string; value: unknown; args: unknown; title: unknown }
  | { op: 'known'; mt: string; members: [string, unknown][] }
  | { op: 'text'; text: string };

const self = { self: true } as const;
const getLoginOp: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('getLogin' as const),
  app: fc.oneof({ weight: 3, arbitrary: fc.constant(self) }, { weight: 3, arbitrary: appName }, { weight: 1, arbitrary: hostileString }),
  challenge: fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[0-9a-f]{16}$/) }, { weight: 1, arbitrary: anyValue }),
  extra: fc.array(fc.tuple(fc.constantFrom('src', 'sip', 'domain', 'pbxObj', 'key', '__proto__', 'viewId'), anyValue), { maxLength: 2 }),
});
const channelOp: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('channel' as const),
  mt: fc.constantFrom('OpenChannel', 'ChannelConnected', 'ChannelClosed', 'ChannelMessage'),
  channel: channelId,
  src: fc.oneof({ weight: 4, arbitrary: fc.oneof(hostileString, fc.integer()) }, { weight: 1, arbitrary: anyValue }),
  dst: appName,
  msg: anyValue,
});
const apiOp: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('api' as const),
  mt: fc.constantFrom('RegisterApi', 'ApiModel', 'ConsumeApi', 'ApiRequest', 'ApiResult', 'ApiConsumerClosed'),
  api: fc.oneof({ weight: 4, arbitrary: apiName }, { weight: 1, arbitrary: anyValue }),
  provider: fc.option(fc.oneof(appName, fc.constant('*')), { nil: undefined }),
  consumer: fc.oneof(appName, anyValue),
  src: fc.oneof(hostileString, fc.integer()),
  msg: fc.oneof(
    anyValue,
    fc.record({ mt: fc.constantFrom('SubscribePresence', 'SubscribeDialog', 'UnsubscribePresence', 'SetAttachedToHome', 'AddLocalNotification', 'RemoveLocalNotification', 'ShowStatusInfo', 'constructor'), sip: fc.oneof(appName, hostileString), reference: fc.oneof(appName, hostileString), title: anyValue, text: anyValue }),
  ),
});
const actionOp: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('action' as const),
  type: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('ShowApp', 'BringToFront', 'SetArgs', 'SetBadge', 'StartActivity', 'FinishActivity') },
    { weight: 1, arbitrary: fc.constantFrom('CloseApp', ...prototypeKeys) },
    { weight: 1, arbitrary: hostileString },
  ),
  value: fc.oneof(appName, fc.constantFrom('@home', '__proto__?x=1', 'badger#d=x', 0, 7, ''), anyValue),
  args: fc.oneof(anyValue, fc.dictionary(hostileKey, anyValue, { maxKeys: 3 })),
  title: fc.oneof({ weight: 4, arbitrary: fc.option(hostileString, { nil: undefined }) }, { weight: 1, arbitrary: anyValue }),
});
/** A known `mt` with members of any type (and hostile names). */
const knownOp: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('known' as const),
  mt: fc.constantFrom(...Object.keys(appInbound)),
  members: fc.array(fc.tuple(fc.oneof(fc.constantFrom('app', 'challenge', 'type', 'value', 'api', 'channel', 'src', 'dst', 'consumer', 'msg', 'args'), hostileKey), anyValue), { maxLength: 4 }),
});
const textOp: fc.Arbitrary<Op> = fc
  .oneof(
    { weight: 6, arbitrary: garbageText },
    { weight: 2, arbitrary: fc.constantFrom(...prototypeKeys).map((mt) => JSON.stringify({ mt, app: 'contacts', challenge: '1' })) },
    { weight: 2, arbitrary: fc.constantFrom('{"mt":"getLogin","app":"consumer","challenge":"1"}', '{"mt":"Alive"}', '{"mt":"ConsumeApi","api":"com.innovaphone.client"}').chain(mutateText) },
    { weight: 2, arbitrary: fc.constantFrom({ mt: 'getLogin', app: 'consumer', challenge: '1' }, { mt: 'OpenChannel', src: 1, dst: 'badger' }, { mt: 'Action', type: 'SetArgs', args: { a: 1 } }).chain(mutateObject).map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: deepJsonText },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(64, 10_000), fc.constantFrom('msg', 'args', 'model', 'value')).map(([n, member]) => `{"mt":"ApiModel","api":"x","${member}":${'['.repeat(n)}${']'.repeat(n)}}`) },
  )
  .map((text) => ({ op: 'text', text }));

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: getLoginOp },
  { weight: 3, arbitrary: channelOp },
  { weight: 3, arbitrary: apiOp },
  { weight: 3, arbitrary: actionOp },
  { weight: 3, arbitrary: knownOp },
  { weight: 4, arbitrary: textOp },
);

/** Who posts what, how often (floods: the same message many times). */
type Post = { sender: number; op: Op; times: number };
const post: fc.Arbitrary<Post> = fc.record({
  sender: fc.nat(VIEW_APPS.length - 1),
  op,
  times: fc.oneof({ weight: 12, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 20, max: 60 }) }),
});
const sequence = fc.array(post, { minLength: 1, maxLength: 30, size: 'max' });

/** The text the app posts for `op`. */
function render(o: Op, selfName: string): string {
  const json = (members: Record<string, unknown>) => JSON.stringify(members);
  switch (o.op) {
    case 'getLogin':
      return withMembers(json({ mt: 'getLogin', app: typeof o.app === 'string' ? o.app : selfName, challenge: o.challenge }), o.extra);
    case 'channel':
      return json({ mt: o.mt, channel: o.channel, src: o.src, dst: o.dst, msg: o.msg });
    case 'api':
      return json({ mt: o.mt, api: o.api, provider: o.provider, consumer: o.consumer, src: o.src, msg: o.msg, model: o.msg });
    case 'action':
      return json({ mt: 'Action', type: o.type, value: o.value, args: o.args, title: o.title });
    case 'known':
      return withMembers(json({ mt: o.mt }), o.members);
    case 'text':
      return o.text;
  }
}

// ------------------------------------------------------------------ the world

/** One app view as its app-frame page sees it: frames in, strings out. */
class Page {
  readonly frames: ToAppFrame[] = [];
  readonly link: AppFrameLink;
  private wake: (() => void)[] = [];
  constructor(
    core: ClientCore,
    readonly viewId: string,
    readonly app: string,
  ) {
    const link = core.attachAppFrame(viewId, (f) => {
      this.frames.push(f);
      for (const w of this.wake.splice(0)) w();
    });
    if (!link) throw new Error(`no view ${viewId}`);
    this.link = link;
  }
  get posts(): string[] {
    return this.frames.flatMap((f) => (f.kind === 'post' ? [f.text] : []));
  }
  get logins(): Record<string, unknown>[] {
    return this.posts.map((t) => JSON.parse(t) as Record<string, unknown>).filter((m) => m.mt === 'Login');
  }
  /** Resolves once `pred` holds, re-checked whenever the core sends this page a frame. */
  async until(pred: () => boolean, what: string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`${this.app}: ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.wake.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }
}

let pbx: PbxEmulator;
let core: ClientCore;
let guard: ProcessGuard;
const logs: Logged[] = [];

const until = (pred: (s: Snapshot) => boolean, ms = 5000): Promise<unknown> => untilSnapshot(core, pred, ms);

beforeAll(async () => {
  guard = guardProcess();
  pbx = await PbxEmulator.start({ config: config(), port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'myapps-fuzz-apps-'));
  core = await ClientCore.start({
    configDir: dir,
    policyFile: join(dir, 'policy.json'),
    credentialStore: new MemoryCredentialStore(),
    policyPollMs: 0,
    registerTimeoutMs: 200,
    log: (level, message, fields) => logs.push({ level, message, ...(fields && { fields }) }),
  });
  await core.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
  await until((s) => s.connection.kind === 'logged-in' && s.apps !== undefined);
});

afterAll(async () => {
  await core?.dispose();
  await pbx?.stop();
  guard.stop();
});

async function openPages(): Promise<Page[]> {
  const pages: Page[] = [];
  for (const app of VIEW_APPS) {
    const r = await core.handle({ type: 'openApp', link: app });
    if (!r.ok) throw new Error(`cannot open ${app}: ${r.error}`);
    const page = new Page(core, (r.value as { viewId: string }).viewId, app);
    page.link.receive({ kind: 'message', text: '{"mt":"Alive"}' });
    pages.push(page);
  }
  return pages;
}

async function closeAll(): Promise<void> {
  for (const a of core.snapshot().runningApps) await core.handle({ type: 'closeApp', viewId: a.viewId });
}

const running = (viewId: string) => core.appView(viewId) !== undefined;

/** Polls `done` (the emulator has no waiter for "n frames"); fails with `what()` after `ms`. */
async function waitUntil(done: () => boolean, what: () => string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(what());
    await new Promise((r) => setTimeout(r, 10));
  }
}

// ------------------------------------------------------------------ the property

describe('apps posting generated messages to the app host', () => {
  it(
    'never throws; the PBX hears AppGetLogin only for the sender’s own App Object; every getLogin is answered for the sender alone; no app sees another’s key; every refusal logged',
    async () => {
      let logins = 0;
      await fc.assert(
        fc.asyncProperty(sequence, async (posts) => {
          // Whatever an earlier run (a failing one too) sent has reached the PBX before this one counts.
          const sentEver = () => logs.filter((l) => l.message === 'to PBX' && l.fields?.mt === 'AppGetLogin').length;
          await waitUntil(() => pbx.framesOf('AppGetLogin').length >= sentEver(), () => 'AppGetLogins of earlier runs did not reach the PBX');
          const heardBefore = pbx.framesOf('AppGetLogin').length;
          const pages = await openPages();
          /** getLogins each page sent while its view ran, and whether its page was reloaded (answers then wait for Alive). */
          const asked = pages.map(() => ({ total: 0, reloaded: false }));
          /** The AppGetLogins the core sent to the PBX (its own log of every frame it sends), by App Object. */
          const sent: string[] = [];
          const thrown: string[] = [];
          const unlogged: string[] = [];
          const forged: string[] = [];
          try {
            for (const p of posts) {
              const page = pages[p.sender]!;
              const text = render(p.op, page.app);
              const verdict = parseAppMessage(text);
              for (let i = 0; i < p.times; i++) {
                const wasRunning = running(page.viewId);
                const before = logs.length;
                try {
                  page.link.receive({ kind: 'message', text });
                } catch (e) {
                  thrown.push(`${page.app} posting ${text.slice(0, 300)}: ${String(e)}`);
                }
                const fresh = logs.slice(before);
                // An AppGetLogin goes out while the app's getLogin is handled, and only for the app itself.
                for (const l of fresh) {
                  if (l.message !== 'to PBX' || l.fields?.mt !== 'AppGetLogin') continue;
                  sent.push(String(l.fields.app));
                  if (l.fields.app !== page.app) forged.push(`${page.app} posting ${text.slice(0, 200)} made the core ask the PBX for ${JSON.stringify(l.fields.app)}`);
                }
                if (!wasRunning) continue;
                if (verdict.ok) {
                  if (verdict.msg.mt === 'getLogin') asked[p.sender]!.total++;
                  if (verdict.msg.mt === 'PrepareReloadComplete') asked[p.sender]!.reloaded = true;
                } else if (verdict.ignored) {
                  if (!fresh.some((l) => l.message === 'app message of unknown type ignored' && l.fields?.mt === verdict.mt && l.fields?.app === page.app)) unlogged.push(`unknown mt ${JSON.stringify(verdict.mt)} ignored without a log line`);
                } else if (!fresh.some((l) => l.message === 'malformed app message dropped' && l.fields?.error === verdict.error && l.fields?.app === page.app)) {
                  unlogged.push(`malformed message dropped without its reason (${verdict.error})`);
                }
              }
            }
            expect(thrown, 'exceptions thrown out of link.receive').toEqual([]);
            expect(forged, 'AppGetLogin for an app other than the sender').toEqual([]);
            expect(unlogged, 'refusals without a log line').toEqual([]);

            // What the PBX heard is what the core sent: the AppGetLogins of this run, in order, nothing else.
            await waitUntil(() => pbx.framesOf('AppGetLogin').length >= heardBefore + sent.length, () => `the PBX got ${pbx.framesOf('AppGetLogin').length - heardBefore} of ${sent.length} AppGetLogins`);
            expect(pbx.framesOf('AppGetLogin').slice(heardBefore).map((f) => String(f.msg.app))).toEqual(sent);

            // Every getLogin is answered (limited, forged and PBX-answered alike), in order; pages that are
            // still running get what was held back while they were reloading once they say Alive again.
            for (const [i, page] of pages.entries()) {
              if (!running(page.viewId)) continue;
              page.link.receive({ kind: 'message', text: '{"mt":"Alive"}' });
              if (!asked[i]!.reloaded) await page.until(() => page.logins.length >= asked[i]!.total, `expected ${asked[i]!.total} Login answers, got ${page.logins.length}`);
            }

            // Each Login is for the page's own App Object; no page's posts carry another app's key.
            const keys = new Map<string, string>();
            for (const page of pages) {
              logins += page.logins.filter((l) => typeof l.key === 'string').length;
              for (const login of page.logins) {
                if (login.error === undefined) expect(login.pbxObj, `Login posted to ${page.app}`).toBe(page.app);
                if (typeof login.key === 'string') keys.set(login.key, page.app);
              }
            }
            for (const page of pages) {
              for (const text of page.posts) {
                for (const [key, owner] of keys) if (owner !== page.app) expect(text.includes(key), `${page.app} got the key of ${owner}`).toBe(false);
              }
            }
            await guard.check('escaped from the app host');
          } finally {
            for (const page of pages) page.link.detach();
            await closeAll();
          }
        }),
        fuzzParams(80),
      );
      // The checks above are not vacuous: apps did get their own logins, keys included.
      expect(logins).toBeGreaterThan(0);
    },
    fuzzTimeout(60_000),
  );

  const expectVerdict = (r: ReturnType<typeof parseAppMessage>) => {
    if (r.ok) expect(Object.hasOwn(appInbound, r.msg.mt)).toBe(true);
    else if (r.ignored) expect(r.mt.length).toBeLessThanOrEqual(64);
    else expect(r.error).toEqual(expect.stringMatching(/\S/));
  };

  it('parseAppMessage gives a verdict for any text an app may post, and never throws (10,000 levels deep included)', () => {
    fc.assert(
      fc.property(fc.tuple(op, fc.constantFrom(...VIEW_APPS)), ([o, app]) => expectVerdict(parseAppMessage(render(o, app)))),
      fuzzParams(500),
    );
  }, fuzzTimeout(20_000));

  it('parseAppMessage refuses messages over 1 MiB and takes those just under it', () => {
    // Few runs: each one is a megabyte.
    fc.assert(
      fc.property(hugeString([1024 * 1024 - 64, 1024 * 1024 + 1]), fc.boolean(), (big, raw) => {
        const text = raw ? big : JSON.stringify({ mt: 'ApiModel', api: 'x', model: big });
        const r = parseAppMessage(text);
        expectVerdict(r);
        if (text.length > 1024 * 1024) expect(r).toEqual({ ok: false, error: 'message larger than 1 MiB' });
      }),
      fuzzParams(8),
    );
  }, fuzzTimeout(20_000));
});
