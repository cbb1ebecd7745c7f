/**
 * Names from outside are data, whatever they spell (security control 17): `__proto__`,
 * `constructor`, `toString` and `hasOwnProperty` as App Object names, API names, session ids
 * and settings keys, through the whole path — the PBX emulator → the core → the bridge (a real
 * WebSocket through the browser shell, so the UI's JSON view of the snapshot is checked too) →
 * the settings file → the next start. (The UI itself with such names: test/e2e/home.spec.ts.)
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { webBridgePath, type WebBridgeFrame } from '../../main/core/bridge/channels.js';
import { own } from '../../main/core/bridge/records.js';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { ClientCore } from '../../main/core/client/client.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { createWebShell } from '../../main/web/server.js';
import { PbxEmulator, type EmulatorConfig } from '../pbx/index.js';
import { FakeView } from '../support/core-apps.js';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function config(): EmulatorConfig {
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', apps: [...NAMES] }],
    appObjects: NAMES.map((name) => ({
      name,
      title: `App ${name}`,
      password: 'pw',
      url: `http://127.0.0.1:9/apps/x${NAMES.indexOf(name)}/page`,
      presence: true,
      // API names from outside too: JSON keys, own properties once parsed.
      apis: JSON.parse(`{"${name}":{"from":"${name}"}}`) as Record<string, object>,
    })),
  };
}

function until(core: ClientCore, pred: (s: Snapshot) => boolean, ms = 4000): Promise<Snapshot> {
  if (pred(core.snapshot())) return Promise.resolve(core.snapshot());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('condition not met')), ms);
    const off = core.onEvent(() => {
      if (!pred(core.snapshot())) return;
      clearTimeout(timer);
      off();
      resolve(core.snapshot());
    });
  });
}

async function start(dir: string, pbx: PbxEmulator, login: boolean): Promise<ClientCore> {
  const core = await ClientCore.start({ configDir: dir, policyFile: join(dir, 'policy.json'), credentialStore: new MemoryCredentialStore(), policyPollMs: 0 });
  cleanups.push(() => core.dispose());
  if (login) {
    await core.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
    await until(core, (s) => s.connection.kind === 'logged-in' && s.apps?.fromCache === false);
  }
  return core;
}

describe('__proto__, constructor, toString, hasOwnProperty from outside', () => {
  it('as App Object names, API names, session ids and settings keys: through core, bridge, settings file and the next start', async () => {
    const pbx = await PbxEmulator.start({ config: config(), port: 0 });
    cleanups.push(() => pbx.stop());
    const dir = mkdtempSync(join(tmpdir(), 'myapps-names-'));
    const core = await start(dir, pbx, true);
    const protoBefore = Object.getPrototypeOf({});

    // Apps and home links.
    expect(core.snapshot().apps!.tiles.map((t) => t.name)).toEqual([...NAMES]);
    expect(await core.handle({ type: 'setHome', links: ['__proto__', 'constructor?x=1#d=Ctor&s=toString', 'hasOwnProperty'] })).toEqual({ ok: true });
    expect(core.snapshot().apps!.home.map((h) => h.app)).toEqual(['__proto__', 'constructor', 'hasOwnProperty']);

    // Badges from presence, keyed by App Object name.
    for (const [i, name] of NAMES.entries()) pbx.setBadge(name, i + 1);
    const badged = await until(core, (s) => NAMES.every((n) => own(s.badges, n) !== undefined));
    expect(NAMES.map((n) => own(badged.badges, n))).toEqual(['1', '2', '3', '4']);
    expect(Object.getPrototypeOf({})).toBe(protoBefore);

    // Session ids.
    for (const id of NAMES) pbx.inject(JSON.stringify({ mt: 'SessionAdded', id, info: { userAgent: `agent ${id}`, timestamp: 1 } }));
    const sessions = await until(core, (s) => NAMES.every((id) => s.sessions.some((x) => x.id === id)));
    expect(sessions.sessions.filter((x) => (NAMES as readonly string[]).includes(x.id)).map((x) => x.userAgent)).toEqual(NAMES.map((id) => `agent ${id}`));
    expect(await core.handle({ type: 'deleteSession', id: 'constructor' })).toEqual({ ok: true });

    // API names: a consumer sees every provider of every API, each under its own name.
    const opened = await core.handle({ type: 'openApp', link: 'toString' });
    const consumer = new FakeView(core, (opened as { value: { viewId: string } }).value.viewId);
    consumer.post({ mt: 'Alive' });
    consumer.post({ mt: 'ConsumeApi', api: '__proto__' });
    const update = await consumer.next((m) => m.mt === 'ApiUpdate');
    const apis = update.apis as Record<string, Record<string, { title: string }>>;
    for (const name of NAMES) expect(own(own(apis, name), name)?.title).toBe(`App ${name}`);
    expect(own(update.defaultApiProviders as Record<string, string>, '__proto__')).toBe('__proto__');

    // Settings keys: muted apps and a permission answer, saved in the file.
    expect(await core.handle({ type: 'updateSettings', patch: { mutedApps: ['__proto__', 'constructor'] } })).toEqual({ ok: true });
    expect(await core.handle({ type: 'requestAppPermission', viewId: consumer.viewId, permissions: ['microphone'] })).toEqual({ ok: true });
    const prompt = (await until(core, (s) => s.permissionPrompts.length === 1)).permissionPrompts[0]!;
    await core.handle({ type: 'answerPermission', id: prompt.id, allow: true });
    await until(core, (s) => s.settings.appPermissions.some((p) => p.app === 'toString'));
    // The bridge: what the UI receives as JSON says the same.
    const shell = await createWebShell({ host: core, rendererDir: mkdtempSync(join(tmpdir(), 'myapps-empty-')) });
    cleanups.push(() => shell.close());
    const ws = new WebSocket(`ws://127.0.0.1:${shell.port}${webBridgePath}?token=${shell.token}`, { headers: { Origin: shell.origin } });
    cleanups.push(() => ws.terminate());
    await new Promise((r) => ws.once('open', r));
    // Events may come first (the core's UI events go to every bridge): the answer is the result with our id.
    const answer = new Promise<WebBridgeFrame>((r) =>
      ws.on('message', (d) => {
        const frame = JSON.parse(String(d)) as WebBridgeFrame;
        if (frame.kind === 'result' && frame.id === 1) r(frame);
      }),
    );
    ws.send(JSON.stringify({ kind: 'command', id: 1, command: { type: 'getSnapshot' } }));
    const frame = await answer;
    const snapshot = (frame as { kind: 'result'; result: { value: Snapshot } }).result.value;
    expect(NAMES.map((n) => own(snapshot.badges, n))).toEqual(['1', '2', '3', '4']);
    expect(own(snapshot.badges, 'valueOf')).toBeUndefined();
    expect(snapshot.apps!.tiles.map((t) => t.name)).toEqual([...NAMES]);

    // The settings file (closing waits for pending writes), then the next start: the home screen
    // from the file, before the PBX answers.
    await core.dispose();
    const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as { appPermissions: Record<string, unknown>; homeLayoutCache: Record<string, { apps: { name: string }[] }>; settings: { mutedApps: string[] } };
    expect(Object.keys(file.appPermissions)).toEqual(['toString']);
    expect(file.settings.mutedApps).toEqual(['__proto__', 'constructor']);
    expect(Object.values(file.homeLayoutCache)[0]!.apps.map((a) => a.name)).toEqual([...NAMES]);
    const again = await start(dir, pbx, false);
    const cached = again.snapshot();
    expect(cached.apps?.fromCache).toBe(true);
    expect(cached.apps!.tiles.map((t) => t.name)).toEqual([...NAMES]);
    expect(cached.apps!.home.map((h) => h.app)).toEqual(['__proto__', 'constructor', 'hasOwnProperty']);
    expect(cached.settings.mutedApps).toEqual(['__proto__', 'constructor']);
    expect(cached.settings.appPermissions).toEqual([{ app: 'toString', permission: 'microphone', state: 'granted', locked: false }]);
    expect(Object.getPrototypeOf({})).toBe(protoBefore);
  });

  it('as presence hashtags and app-link arguments: data, never members', async () => {
    const { parsePresenceNote } = await import('../../main/core/apps/presence-note.js');
    const { linkArgs } = await import('../../main/core/apps/app-link.js');
    const note = parsePresenceNote('busy #constructor:x #toString #hasOwnProperty:3 #valueOf:');
    expect(Object.entries(note.params)).toEqual([['constructor', 'x'], ['toString', ''], ['hasOwnProperty', 3], ['valueOf', '']]);
    expect(JSON.stringify(note.params)).toBe('{"constructor":"x","toString":"","hasOwnProperty":3,"valueOf":""}');
    expect(Object.entries(linkArgs('__proto__=a&constructor=b&hasOwnProperty=c&__proto__=z'))).toEqual([['__proto__', 'a'], ['constructor', 'b'], ['hasOwnProperty', 'c']]);
  });
});
