/**
 * The preloads relay and nothing else: exactly `window.myapps = { invoke, onEvent }` for the
 * shell window and `window.myappsAppFrame = { send, onFrame }` for each app view, the Electron
 * event object never reaches the page, and each bundle is one self-contained CommonJS script
 * that requires only `electron` (the only form a sandboxed preload can load).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script, createContext } from 'node:vm';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import type { BridgeEvent } from '../../main/core/bridge/events.js';
import { type AppFrameIpc, createAppFrameApi } from '../../preload/app-frame-api.js';
import { type BridgeIpc, createBridgeApi } from '../../preload/bridge-api.js';
import { type PreloadName, preloadNames, preloads } from '../../preload/vite.config.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');

type Listener = (...args: unknown[]) => void;

/** Records what a relay asks of ipcRenderer; it is the relay under test, not Electron. */
function recordingIpc() {
  const invoked: unknown[][] = [];
  const sent: unknown[][] = [];
  const listeners = new Map<string, Set<Listener>>();
  const ipc = {
    invoke: async (...args: unknown[]) => {
      invoked.push(args);
      return { ok: true };
    },
    send: (...args: unknown[]) => {
      sent.push(args);
    },
    on(channel: string, listener: Listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
      return ipc;
    },
    removeListener(channel: string, listener: Listener) {
      listeners.get(channel)?.delete(listener);
      return ipc;
    },
  };
  const emit = (channel: string, ...args: unknown[]) => listeners.get(channel)?.forEach((l) => l(...args));
  const listening = () => [...listeners].filter(([, set]) => set.size > 0).map(([channel, set]) => [channel, set.size]);
  return { ipc, bridgeIpc: ipc as unknown as BridgeIpc, appFrameIpc: ipc as unknown as AppFrameIpc, invoked, sent, listeners, emit, listening };
}

/** What Electron passes a listener first: never to reach the page. */
const electronEvent = () => ({ sender: 'ipcRenderer internals', senderId: 0, ports: [] });

describe('createBridgeApi', () => {
  it('offers exactly invoke and onEvent', () => {
    expect(Object.keys(createBridgeApi(recordingIpc().bridgeIpc)).sort()).toEqual(['invoke', 'onEvent']);
  });

  it('invoke relays the command unchanged on the command channel and returns the answer', async () => {
    const r = recordingIpc();
    const command = { type: 'login', pbx: 'pbx.example.com', username: 'alice', password: 'pw', stayLoggedIn: false } as const;
    await expect(createBridgeApi(r.bridgeIpc).invoke(command)).resolves.toEqual({ ok: true });
    expect(r.invoked).toEqual([[ipcChannels.command, command]]);
  });

  it('onEvent passes only the bridge event (no Electron event object) and unsubscribes its own listener', () => {
    const r = recordingIpc();
    const api = createBridgeApi(r.bridgeIpc);
    const seen: unknown[][] = [];
    const off = api.onEvent((...args: unknown[]) => void seen.push(args));
    const other = api.onEvent(() => {});
    const event: BridgeEvent = { type: 'activeApp', activeApp: 'view-1' };
    r.emit(ipcChannels.event, electronEvent(), event);
    expect(seen).toEqual([[event]]);
    off();
    r.emit(ipcChannels.event, {}, event);
    expect(seen).toHaveLength(1);
    expect(r.listeners.get(ipcChannels.event)?.size).toBe(1);
    other();
    expect(r.listeners.get(ipcChannels.event)?.size).toBe(0);
  });

  it('listens on the event channel only', () => {
    const r = recordingIpc();
    createBridgeApi(r.bridgeIpc).onEvent(() => {});
    expect([...r.listeners.keys()]).toEqual([ipcChannels.event]);
  });
});

describe('createAppFrameApi', () => {
  it('offers exactly send and onFrame', () => {
    expect(Object.keys(createAppFrameApi(recordingIpc().appFrameIpc)).sort()).toEqual(['onFrame', 'send']);
  });

  it('send relays a string unchanged on the up channel, one message per call', () => {
    const r = recordingIpc();
    const api = createAppFrameApi(r.appFrameIpc);
    api.send('{"kind":"hello"}');
    api.send('');
    expect(r.sent).toEqual([
      [ipcChannels.appFrameUp, '{"kind":"hello"}'],
      [ipcChannels.appFrameUp, ''],
    ]);
    expect(r.invoked).toEqual([]);
  });

  it('send drops anything but a string before it costs an IPC hop', () => {
    const r = recordingIpc();
    const api = createAppFrameApi(r.appFrameIpc);
    const send = api.send as (value: unknown) => void;
    for (const value of [{ kind: 'message', text: 'x' }, ['x'], 42, null, undefined, true, new String('boxed'), Symbol('s')]) send(value);
    expect(r.sent).toEqual([]);
  });

  it('onFrame passes only strings, without the Electron event object', () => {
    const r = recordingIpc();
    const seen: unknown[][] = [];
    createAppFrameApi(r.appFrameIpc).onFrame((...args: unknown[]) => void seen.push(args));
    r.emit(ipcChannels.appFrameDown, electronEvent(), '{"kind":"post","text":"hi"}');
    r.emit(ipcChannels.appFrameDown, electronEvent(), { kind: 'post', text: 'an object' });
    r.emit(ipcChannels.appFrameDown, electronEvent(), 7);
    r.emit(ipcChannels.appFrameDown, electronEvent());
    r.emit(ipcChannels.appFrameDown, electronEvent(), new String('boxed'));
    r.emit(ipcChannels.appFrameDown, electronEvent(), '', 'a second argument');
    expect(seen).toEqual([['{"kind":"post","text":"hi"}'], ['']]);
  });

  it('listens on the down channel only, and each unsubscribe removes its own listener', () => {
    const r = recordingIpc();
    const api = createAppFrameApi(r.appFrameIpc);
    const first: string[] = [];
    const second: string[] = [];
    const off = api.onFrame((t) => void first.push(t));
    const offOther = api.onFrame((t) => void second.push(t));
    expect(r.listening()).toEqual([[ipcChannels.appFrameDown, 2]]);
    r.emit(ipcChannels.appFrameDown, electronEvent(), 'a');
    off();
    off();
    r.emit(ipcChannels.appFrameDown, electronEvent(), 'b');
    expect(first).toEqual(['a']);
    expect(second).toEqual(['a', 'b']);
    expect(r.listening()).toEqual([[ipcChannels.appFrameDown, 1]]);
    offOther();
    expect(r.listening()).toEqual([]);
  });
});

// ------------------------------------------------------------------ the bundles

/** What the page's world would see: the keys exposed, and the ipcRenderer calls behind them. */
interface LoadedPreload {
  exposed: Record<string, unknown>;
  required: string[];
  ipc: ReturnType<typeof recordingIpc>;
  /** What the preload posted to the page's window (`window.postMessage` arguments). */
  windowPosts: unknown[][];
}

/**
 * Runs a bundle as Electron runs a sandboxed preload: a classic script in a fresh context whose
 * `require` knows only `electron` (here: a recording contextBridge and ipcRenderer), with no
 * `process`, no Node globals.
 */
function loadPreload(code: string, filename: string): LoadedPreload {
  const ipc = recordingIpc();
  const exposed: Record<string, unknown> = {};
  const required: string[] = [];
  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown) {
        exposed[key] = api;
      },
    },
    ipcRenderer: ipc.ipc,
  };
  const require = (id: string) => {
    required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require "${id}"`);
  };
  const module = { exports: {} };
  // The page's window as the isolated world sees it: only what the preload posts to it is recorded.
  const windowPosts: unknown[][] = [];
  const window = { postMessage: (...args: unknown[]) => void windowPosts.push(args) };
  const context = createContext({ require, module, exports: module.exports, window });
  // Compiles as a classic script: an `import`/`export` statement would be a SyntaxError.
  new Script(code, { filename }).runInContext(context);
  return { exposed, required, ipc, windowPosts };
}

const PRELOAD_KEYS: Record<PreloadName, string> = { bridge: 'myapps', 'app-frame': 'myappsAppFrame' };

describe('the preload bundles (npm run build:preload)', () => {
  let outDir: string;
  const bundles = new Map<PreloadName, string>();

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'myapps-preload-'));
    for (const name of preloadNames) {
      await build({ configFile: join(root, 'preload/vite.config.ts'), mode: name, logLevel: 'silent', build: { outDir } });
      bundles.set(name, await readFile(join(outDir, `${name}.cjs`), 'utf8'));
    }
  }, 60_000);

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('are exactly the two preloads, each one file, no shared chunk', async () => {
    expect(preloads).toEqual({ bridge: 'preload/bridge.ts', 'app-frame': 'preload/app-frame.ts' });
    expect((await readdir(outDir)).sort()).toEqual(['app-frame.cjs', 'bridge.cjs']);
  });

  it('npm run build:preload builds every preload, one build each', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const modes = [...pkg.scripts['build:preload']!.matchAll(/vite build --config preload\/vite\.config\.ts --mode (\S+)/g)].map((m) => m[1]);
    expect(modes.sort()).toEqual([...preloadNames].sort());
  });

  it('a build without a preload name fails and says how to pick one', async () => {
    await expect(build({ configFile: join(root, 'preload/vite.config.ts'), logLevel: 'silent', build: { outDir, write: false } })).rejects.toThrow(/--mode bridge or --mode app-frame/);
  });

  for (const name of ['bridge', 'app-frame'] as const) {
    it(`${name}.cjs is a classic script that requires only electron, nothing else, no dynamic import`, () => {
      const code = bundles.get(name)!;
      expect(() => new Script(code, { filename: `${name}.cjs` })).not.toThrow();
      expect([...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1])).toEqual(['electron']);
      expect(code).not.toMatch(/\bimport\s*\(/);
      expect([...code.matchAll(/exposeInMainWorld\(\s*"([^"]+)"/g)].map((m) => m[1])).toEqual([PRELOAD_KEYS[name]]);
      const loaded = loadPreload(code, `${name}.cjs`);
      expect(loaded.required).toEqual(['electron']);
      expect(Object.keys(loaded.exposed)).toEqual([PRELOAD_KEYS[name]]);
      // The app views' preload listens for one thing on its own: the ports of direct API channels.
      expect(loaded.ipc.listening()).toEqual(name === 'app-frame' ? [[ipcChannels.appFramePort, 1]] : []);
    });
  }

  it('bridge.cjs exposes window.myapps, relaying on the command and event channels', async () => {
    const { exposed, ipc } = loadPreload(bundles.get('bridge')!, 'bridge.cjs');
    const api = exposed.myapps as { invoke(c: unknown): Promise<unknown>; onEvent(l: (...a: unknown[]) => void): () => void };
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onEvent']);
    await expect(api.invoke({ type: 'getSnapshot' })).resolves.toEqual({ ok: true });
    expect(ipc.invoked).toEqual([[ipcChannels.command, { type: 'getSnapshot' }]]);
    const seen: unknown[][] = [];
    const off = api.onEvent((...args) => void seen.push(args));
    expect(ipc.listening()).toEqual([[ipcChannels.event, 1]]);
    ipc.emit(ipcChannels.event, electronEvent(), { type: 'activeApp', activeApp: 'v' });
    expect(seen).toEqual([[{ type: 'activeApp', activeApp: 'v' }]]);
    off();
    expect(ipc.listening()).toEqual([]);
    expect(ipc.sent).toEqual([]);
  });

  it('app-frame.cjs exposes window.myappsAppFrame, relaying strings on the app-frame up and down channels', () => {
    const loadPreloadResult = loadPreload(bundles.get('app-frame')!, 'app-frame.cjs');
    const { exposed, ipc } = loadPreloadResult;
    const api = exposed.myappsAppFrame as { send(t: unknown): void; onFrame(l: (...a: unknown[]) => void): () => void };
    expect(Object.keys(api).sort()).toEqual(['onFrame', 'send']);
    api.send('{"kind":"hello"}');
    api.send({ kind: 'hello' });
    expect(ipc.sent).toEqual([[ipcChannels.appFrameUp, '{"kind":"hello"}']]);
    const seen: unknown[][] = [];
    const off = api.onFrame((...args) => void seen.push(args));
    expect(ipc.listening()).toEqual([[ipcChannels.appFramePort, 1], [ipcChannels.appFrameDown, 1]]);
    ipc.emit(ipcChannels.appFrameDown, electronEvent(), '{"kind":"post","text":"x"}');
    ipc.emit(ipcChannels.appFrameDown, electronEvent(), { kind: 'post', text: 'x' });
    expect(seen).toEqual([['{"kind":"post","text":"x"}']]);
    off();
    expect(ipc.listening()).toEqual([[ipcChannels.appFramePort, 1]]);
    // A port of a direct API channel goes to the page's own window ('/': its own origin), with the port; nothing else does.
    const { windowPosts } = loadPreloadResult;
    const port = { port: 1 };
    ipc.emit(ipcChannels.appFramePort, { ...electronEvent(), ports: [port] }, { myappsApiPort: 'open', channel: 'abc123' });
    ipc.emit(ipcChannels.appFramePort, { ...electronEvent(), ports: [port] }, { myappsApiPort: 'open', channel: 'not valid' });
    ipc.emit(ipcChannels.appFramePort, electronEvent(), { myappsApiPort: 'open', channel: 'abc123' });
    expect(windowPosts).toEqual([[{ myappsApiPort: 'open', channel: 'abc123' }, '/', [port]]]);
    expect(ipc.invoked).toEqual([]);
  });
});
