/**
 * One contract table, two transports: the app-frame contract (main/core/bridge/app-frame.ts)
 * carried by the browser shell's WebSocket (main/web/app-frame-socket.ts, a real socket to a
 * real web shell) and by the Electron IPC relay (main/electron/app-frame-relay.ts, fed by a
 * small RECORDING STAND-IN of `ipcMain` and of a view's `webContents` — Electron itself cannot
 * run here). Both with the real core, the PBX emulator and the sample App Services: the app side
 * is played by the test exactly as the app's library would (its own AppWebsocket to its service,
 * `getLogin` through the page), so "relay" means a real app login verified by its service.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ToAppFrame, appFrameBridgePath, decodeToAppFrames, maxAppMessageBytes } from '../../main/core/bridge/app-frame.js';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { ClientCore } from '../../main/core/client/client.js';
import type { LogLevel } from '../../main/core/common/log.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { wireAppFrames } from '../../main/electron/app-frame-relay.js';
import { createWebShell } from '../../main/web/server.js';
import { appLoginFrom, JsonSocket } from '../apps/pbx-client.js';
import { startSampleApps, type SampleApps } from '../apps/server.js';
import { PbxEmulator } from '../pbx/index.js';
import { StandInWebContents } from '../support/stand-in-web-contents.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Logged = { level: LogLevel; message: string; fields?: Record<string, unknown> };

/** What the app-frame page does, over one transport. */
interface PageSide {
  /** Connect (WebSocket) or say hello (IPC); resolves once the core could answer. */
  open(): Promise<void>;
  /** A frame as the page would send it (objects are JSON-encoded; strings sent as they are). */
  send(frame: object | string): void;
  readonly frames: ToAppFrame[];
  /** The page crashes / goes away without a goodbye. */
  crash(): void;
}

interface Transport {
  name: string;
  /** A page for view `viewId`; `refused` resolves true when the transport refused it outright. */
  page(viewId: string): PageSide;
  /** A sender that is not the view's page tries to speak for the view; true = refused unseen by the core. */
  foreign(viewId: string, frame: object): Promise<void>;
}

async function world() {
  const apps: SampleApps = await startSampleApps({ apps: [{ name: 'echo', kind: 'echo', password: 'echopwd' }, { name: 'website', kind: 'website', password: '' }] });
  cleanups.push(() => apps.close());
  const pbx = await PbxEmulator.start({
    port: 0,
    config: {
      domain: 'example.com',
      pbx: 'master',
      users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', apps: ['echo', 'website'] }],
      appObjects: [
        { name: 'echo', title: 'Echo', password: 'echopwd', url: apps.urlOf('echo') },
        { name: 'website', title: 'Website', password: 'webpwd', url: apps.urlOf('website'), website: true },
      ],
    },
  });
  cleanups.push(() => pbx.stop());
  const logs: Logged[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'myapps-transports-'));
  const core = await ClientCore.start({
    configDir: dir,
    policyFile: join(dir, 'policy.json'),
    credentialStore: new MemoryCredentialStore(),
    appAttachTimeoutMs: 400,
    policyPollMs: 0,
    log: logTo(logs),
  });
  cleanups.push(() => core.dispose());
  await core.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
  await until(core, (s) => s.connection.kind === 'logged-in' && s.apps !== undefined);
  return { apps, pbx, core, logs };
}

function until(core: ClientCore, pred: (s: Snapshot) => boolean, ms = 4000): Promise<Snapshot> {
  if (pred(core.snapshot())) return Promise.resolve(core.snapshot());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`condition not met; now ${JSON.stringify(core.snapshot().runningApps)}`)), ms);
    const off = core.onEvent(() => {
      if (!pred(core.snapshot())) return;
      clearTimeout(timer);
      off();
      resolve(core.snapshot());
    });
  });
}

async function waitFor<T>(find: () => T | undefined, what: string, ms = 4000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// ------------------------------------------------------------------ the two transports

async function webSocketTransport(core: ClientCore, log: (level: LogLevel, message: string, fields?: Record<string, unknown>) => void): Promise<Transport> {
  const shell = await createWebShell({ host: core, rendererDir: mkdtempSync(join(tmpdir(), 'myapps-empty-renderer-')), log });
  cleanups.push(() => shell.close());
  const url = (viewId: string, token = shell.token) => `ws://127.0.0.1:${shell.port}${appFrameBridgePath}?view=${encodeURIComponent(viewId)}&token=${encodeURIComponent(token)}`;
  const connect = (address: string, origin: string) =>
    new Promise<{ ws: WebSocket; frames: ToAppFrame[] }>((resolve, reject) => {
      const ws = new WebSocket(address, { headers: { Origin: origin } });
      const frames: ToAppFrame[] = [];
      ws.on('message', (d) => frames.push(...decodeToAppFrames(String(d))));
      ws.once('open', () => resolve({ ws, frames }));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
      ws.once('error', reject);
      cleanups.push(() => ws.terminate());
    });
  return {
    name: 'WebSocket (browser shell)',
    page(viewId) {
      let ws: WebSocket | undefined;
      const frames: ToAppFrame[] = [];
      return {
        frames,
        async open() {
          const c = await connect(url(viewId), shell.origin);
          ws = c.ws;
          ws.on('message', (d) => frames.push(...decodeToAppFrames(String(d))));
          frames.push(...c.frames);
        },
        send(frame) {
          ws!.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
        },
        crash() {
          ws!.terminate();
        },
      };
    },
    async foreign(viewId) {
      // Another page (wrong token) or another site (wrong Origin) cannot even connect.
      await expect(connect(url(viewId, 'wrong-token'), shell.origin)).rejects.toThrow(/refused 403/);
      await expect(connect(url(viewId), 'http://evil.test')).rejects.toThrow(/refused 403/);
    },
  };
}

function ipcTransport(core: ClientCore, log: (level: LogLevel, message: string, fields?: Record<string, unknown>) => void): Transport {
  const ipcMain = new EventEmitter();
  const views = new Map<number, string>();
  const relay = wireAppFrames(ipcMain as never, (id) => views.get(id), core, log);
  cleanups.push(() => relay.dispose());
  const frameUrl = (viewId: string) => `app://myapps/appframe.html?view=${viewId}`;
  const emitFrom = (contents: { id: number }, frame: { url: string; top: boolean }, payload: unknown) =>
    ipcMain.emit(ipcChannels.appFrameUp, { sender: contents, senderFrame: { url: frame.url, parent: frame.top ? null : {} } }, payload);
  const contentsOf = new Map<string, StandInWebContents>();
  return {
    name: 'IPC relay (Electron)',
    page(viewId) {
      let contents = contentsOf.get(viewId);
      if (!contents) {
        contents = new StandInWebContents();
        contentsOf.set(viewId, contents);
        views.set(contents.id, viewId);
        relay.watch(viewId, contents as never);
      }
      const c = contents;
      const frames: ToAppFrame[] = [];
      const start = c.sent.length;
      const sync = () => frames.splice(0, frames.length, ...c.frames(start));
      return {
        get frames() {
          sync();
          return frames;
        },
        async open() {
          emitFrom(c, { url: frameUrl(viewId), top: true }, JSON.stringify({ kind: 'hello' }));
        },
        send(frame) {
          emitFrom(c, { url: frameUrl(viewId), top: true }, typeof frame === 'string' ? frame : JSON.stringify(frame));
        },
        crash() {
          c.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
        },
      };
    },
    async foreign(viewId, frame) {
      const mine = contentsOf.get(viewId)!;
      const other = new StandInWebContents();
      // Another web contents, a subframe of the view, the view's top frame on another page, and a non-string.
      emitFrom(other, { url: frameUrl(viewId), top: true }, JSON.stringify(frame));
      emitFrom(mine, { url: frameUrl(viewId), top: false }, JSON.stringify(frame));
      emitFrom(mine, { url: 'https://evil.test/appframe.html', top: true }, JSON.stringify(frame));
      emitFrom(mine, { url: frameUrl(viewId), top: true }, { kind: 'message', text: '{"mt":"Alive"}' });
    },
  };
}

// ------------------------------------------------------------------ the app, as its library behaves

/** Plays the echo app inside the page: its own AppWebsocket, getLogin through the page, AppLogin with the Login. */
async function appLogsIn(page: PageSide, apps: SampleApps): Promise<void> {
  const url = apps.urlOf('echo');
  const service = await JsonSocket.open(url.slice(0, url.lastIndexOf('/')).replace('http', 'ws'));
  cleanups.push(() => service.close());
  service.send({ mt: 'AppChallenge' });
  const { challenge } = await service.next('AppChallengeResult');
  page.send({ kind: 'message', text: JSON.stringify({ mt: 'getLogin', app: 'echo', challenge }) });
  const login = await waitFor(() => page.frames.map((f) => (f.kind === 'post' ? (JSON.parse(f.text) as Record<string, unknown>) : undefined)).find((m) => m?.mt === 'Login'), 'Login');
  expect(login).toMatchObject({ pbxObj: 'echo', sip: 'alice' });
  service.send(appLoginFrom(login));
  expect(await service.next('AppLoginResult')).toMatchObject({ ok: true });
}

async function openApp(core: ClientCore, link: string): Promise<string> {
  const r = await core.handle({ type: 'openApp', link });
  if (!r.ok) throw new Error(r.error);
  return (r.value as { viewId: string }).viewId;
}

// ------------------------------------------------------------------ the table

const logTo = (logs: Logged[]) => (level: LogLevel, message: string, fields?: Record<string, unknown>) => logs.push({ level, message, ...(fields && { fields }) });

const transports: [string, (w: Awaited<ReturnType<typeof world>>) => Promise<Transport> | Transport][] = [
  ['WebSocket (browser shell)', (w) => webSocketTransport(w.core, logTo(w.logs))],
  ['IPC relay (Electron)', (w) => ipcTransport(w.core, logTo(w.logs))],
];

describe.each(transports)('app-frame contract over %s', (_name, make) => {
  it('attach: the page of a known view gets its load; the app logs in to its own service through the client (relay)', async () => {
    const w = await world();
    const t = await make(w);
    const viewId = await openApp(w.core, 'echo');
    const page = t.page(viewId);
    await page.open();
    const load = await waitFor(() => page.frames.find((f) => f.kind === 'load'), 'load');
    expect(load).toMatchObject({ kind: 'load', website: false, title: 'Echo', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/apps\/echo\/echo\.htm\?lang=/) });
    page.send({ kind: 'message', text: JSON.stringify({ mt: 'Alive' }) });
    await until(w.core, (s) => s.runningApps[0]?.state === 'alive');
    await appLogsIn(page, w.apps);
    expect(w.pbx.framesOf('AppGetLogin').map((f) => f.msg.app)).toEqual(['echo']);
  });

  it('loaded / failed: a website is alive once loaded; a failure reaches the UI with its reason', async () => {
    const w = await world();
    const t = await make(w);
    const site = t.page(await openApp(w.core, 'website'));
    await site.open();
    await waitFor(() => site.frames.find((f) => f.kind === 'load'), 'load');
    site.send({ kind: 'loaded' });
    await until(w.core, (s) => s.runningApps.find((a) => a.name === 'website')?.state === 'alive');
    const echo = t.page(await openApp(w.core, 'echo'));
    await echo.open();
    echo.send({ kind: 'failed', reason: 'The app did not load within 15 seconds.' });
    const s = await until(w.core, (x) => x.runningApps.find((a) => a.name === 'echo')?.state === 'failed');
    expect(s.runningApps.find((a) => a.name === 'echo')?.error).toBe('The app did not load within 15 seconds.');
  });

  it('crash → detach: the view fails unless its page comes back; a page that comes back is attached again', async () => {
    const w = await world();
    const t = await make(w);
    const viewId = await openApp(w.core, 'echo');
    const first = t.page(viewId);
    await first.open();
    first.send({ kind: 'message', text: '{"mt":"Alive"}' });
    await until(w.core, (s) => s.runningApps[0]?.state === 'alive');
    first.crash();
    const again = t.page(viewId);
    await again.open();
    expect(await waitFor(() => again.frames.find((f) => f.kind === 'load'), 'load after re-attach')).toMatchObject({ title: 'Echo' });
    again.crash();
    const s = await until(w.core, (x) => x.runningApps[0]?.state === 'failed');
    expect(s.runningApps[0]?.error).toMatch(/stopped and did not come back/);
  });

  it('an oversized frame is dropped with a logged reason; the page goes on (positive control)', async () => {
    const w = await world();
    const t = await make(w);
    const viewId = await openApp(w.core, 'echo');
    const page = t.page(viewId);
    await page.open();
    page.send({ kind: 'message', text: '{"mt":"Alive","pad":"' + 'x'.repeat(maxAppMessageBytes) + '"}' });
    page.send({ kind: 'message', text: '{"mt":"Alive"}' });
    await until(w.core, (s) => s.runningApps[0]?.state === 'alive');
    expect(w.logs.some((l) => l.message === 'app frame dropped' && l.fields?.error === 'message text over 1 MiB')).toBe(true);
  });

  it('a wrong sender cannot speak for the view; the right one still can (positive control)', async () => {
    const w = await world();
    const t = await make(w);
    const viewId = await openApp(w.core, 'echo');
    const page = t.page(viewId);
    await page.open();
    await t.foreign(viewId, { kind: 'message', text: JSON.stringify({ mt: 'getLogin', app: 'echo', challenge: '1' }) });
    page.send({ kind: 'message', text: '{"mt":"Alive"}' });
    await until(w.core, (s) => s.runningApps[0]?.state === 'alive');
    page.send({ kind: 'message', text: JSON.stringify({ mt: 'getLogin', app: 'echo', challenge: '2' }) });
    await w.pbx.waitFor('AppGetLogin', (msg) => msg.challenge === '2');
    expect(w.pbx.framesOf('AppGetLogin').map((f) => f.msg.challenge)).toEqual(['2']);
  });

  it('late attach: what the core posted before the page came is delivered after Alive; after the time limit the view failed, and Retry starts over', async () => {
    const w = await world();
    const t = await make(w);
    const viewId = await openApp(w.core, 'echo');
    const failed = await until(w.core, (s) => s.runningApps[0]?.state === 'failed');
    expect(failed.runningApps[0]?.error).toMatch(/did not start within/);
    expect(await w.core.handle({ type: 'reloadApp', viewId })).toEqual({ ok: true });
    await w.core.handle({ type: 'setSystemPreferences', languages: ['de'], dark: true });
    const page = t.page(viewId);
    await page.open();
    const load = await waitFor(() => page.frames.find((f) => f.kind === 'load'), 'load');
    expect((load as { url: string }).url).toMatch(/lang=de&scheme=dark/);
    page.send({ kind: 'message', text: '{"mt":"Alive"}' });
    await appLogsIn(page, w.apps);
    expect(w.core.snapshot().runningApps[0]?.state).toBe('alive');
  });
});
