/**
 * The preload relays and nothing else: exactly `window.myapps = { invoke, onEvent }`, the
 * Electron event object never reaches the page, and the bundle is one CommonJS script that
 * requires only `electron` (the only form a sandboxed preload can load).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import type { BridgeEvent } from '../../main/core/bridge/events.js';
import { type BridgeIpc, createBridgeApi } from '../../preload/bridge-api.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');

/** Records what the relay asks of ipcRenderer; it is the relay under test, not Electron. */
function recordingIpc() {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const ipc = {
    invoke: async (...args: unknown[]) => {
      invoked.push(args);
      return { ok: true };
    },
    on(channel: string, listener: (...args: unknown[]) => void) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
      return ipc;
    },
    removeListener(channel: string, listener: (...args: unknown[]) => void) {
      listeners.get(channel)?.delete(listener);
      return ipc;
    },
  };
  const emit = (channel: string, ...args: unknown[]) => listeners.get(channel)?.forEach((l) => l(...args));
  return { ipc: ipc as unknown as BridgeIpc, invoked, listeners, emit };
}

describe('createBridgeApi', () => {
  it('offers exactly invoke and onEvent', () => {
    expect(Object.keys(createBridgeApi(recordingIpc().ipc)).sort()).toEqual(['invoke', 'onEvent']);
  });

  it('invoke relays the command unchanged on the command channel and returns the answer', async () => {
    const r = recordingIpc();
    const command = { type: 'login', pbx: 'pbx.example.com', username: 'alice', password: 'pw', stayLoggedIn: false } as const;
    await expect(createBridgeApi(r.ipc).invoke(command)).resolves.toEqual({ ok: true });
    expect(r.invoked).toEqual([[ipcChannels.command, command]]);
  });

  it('onEvent passes only the bridge event (no Electron event object) and unsubscribes its own listener', () => {
    const r = recordingIpc();
    const api = createBridgeApi(r.ipc);
    const seen: unknown[][] = [];
    const off = api.onEvent((...args: unknown[]) => void seen.push(args));
    const other = api.onEvent(() => {});
    const event: BridgeEvent = { type: 'activeApp', activeApp: 'view-1' };
    r.emit(ipcChannels.event, { sender: 'ipcRenderer internals', ports: [] }, event);
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
    createBridgeApi(r.ipc).onEvent(() => {});
    expect([...r.listeners.keys()]).toEqual([ipcChannels.event]);
  });
});

describe('the preload bundle (npm run build:preload)', () => {
  it('is one CommonJS script that requires only electron and exposes only window.myapps', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'myapps-preload-'));
    try {
      await build({ configFile: join(root, 'preload/vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
      const code = await readFile(join(outDir, 'bridge.cjs'), 'utf8');
      // Compiles as a classic script: an `import`/`export` statement would be a SyntaxError.
      expect(() => new Script(code, { filename: 'bridge.cjs' })).not.toThrow();
      expect([...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1])).toEqual(['electron']);
      expect(code).not.toMatch(/\bimport\s*\(/);
      expect([...code.matchAll(/exposeInMainWorld\(\s*"([^"]+)"/g)].map((m) => m[1])).toEqual(['myapps']);
      expect(code).toContain(JSON.stringify(ipcChannels.command));
      expect(code).toContain(JSON.stringify(ipcChannels.event));
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 60_000);
});
