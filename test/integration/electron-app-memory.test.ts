/**
 * Memory control in the Electron shell, wired: the BUILT main process against the recording
 * stand-in of Electron (test/support/electron-stand-in), a real core and the PBX emulator.
 * - `getAppMemory` maps `app.getAppMetrics()` (per process, KB) onto each app view by its web
 *   contents' OS process id. The figures are the stand-in's (`setProcessMemory`), set per web
 *   contents by this test: there is no Chromium here to measure anything.
 * - unloading an app view closes its WebContentsView's web contents and removes the view; the
 *   other app's view stays; opening the app again makes a new view on the same view id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import type { AppMemoryView } from '../../main/core/bridge/views.js';
import { PbxEmulator } from '../pbx/index.js';
import { type IpcSender, type MainProcess, appFrameSent, bootLoggedIn, ensureAppBuilt } from '../support/electron-stand-in/harness.js';
import { sessionTestConfig } from '../support/session-config.js';

const BUILD_TIMEOUT_MS = 120_000;

describe('app memory and unloading in the Electron shell (stand-in)', () => {
  let main: MainProcess;
  let pbx: PbxEmulator;
  let command: (c: object) => Promise<{ ok: boolean; value?: unknown; error?: string }>;

  beforeAll(async () => {
    await ensureAppBuilt();
    pbx = await PbxEmulator.start({ config: sessionTestConfig(), port: 0, tls: false });
    ({ main, command } = await bootLoggedIn(pbx));
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await main?.stop();
    await pbx?.stop();
  });

  /** Open an app: its view is created and loads our app-frame page; the page says hello, the app Alive. */
  async function open(link: string): Promise<{ viewId: string; webContentsId: number; nativeViewId: number }> {
    const { seq } = main.records.at(-1)!;
    const opened = await command({ type: 'openApp', link });
    expect(opened.ok).toBe(true);
    const viewId = (opened.value as { viewId: string }).viewId;
    const load = await main.waitFor('webContents.loadURL', (l) => l.seq > seq && l.url.endsWith(`?view=${viewId}`), 10_000);
    const created = main.ofKind('view.created').find((v) => v.webContentsId === load.webContentsId)!;
    const sender: IpcSender = { webContentsId: load.webContentsId, frame: { url: load.url } };
    await main.sendIpc(ipcChannels.appFrameUp, sender, JSON.stringify({ kind: 'hello' }));
    await appFrameSent(main, load.webContentsId, undefined, { after: seq });
    await main.sendIpc(ipcChannels.appFrameUp, sender, JSON.stringify({ kind: 'message', text: JSON.stringify({ mt: 'Alive' }) }));
    return { viewId, webContentsId: load.webContentsId, nativeViewId: created.viewId };
  }

  it("reports each app view's memory from getAppMetrics, by its process; an unloaded view's web contents is closed and has none", async () => {
    const contacts = await open('contacts');
    const badger = await open('badger');
    await main.setProcessMemory(contacts.webContentsId, 150_000);
    await main.setProcessMemory(badger.webContentsId, 90_000);
    const before = main.records.at(-1)!.seq;
    const memory = (await command({ type: 'getAppMemory' })).value as AppMemoryView;
    expect(main.ofKind('app.call').some((c) => c.seq > before && c.method === 'getAppMetrics')).toBe(true);
    expect(memory.measured).toBe(true);
    expect(memory.apps).toEqual([
      expect.objectContaining({ viewId: contacts.viewId, name: 'contacts', state: 'alive', bytes: 150_000 * 1024 }),
      expect.objectContaining({ viewId: badger.viewId, name: 'badger', state: 'alive', bytes: 90_000 * 1024 }),
    ]);
    expect(memory.totalBytes).toBe(240_000 * 1024);

    // Contacts is behind Badger: unloaded (it is asked to save first and says it is done).
    expect(await command({ type: 'unloadApp', viewId: badger.viewId })).toMatchObject({ ok: false, error: expect.stringContaining('the app in front') });
    const { seq } = main.records.at(-1)!;
    expect(await command({ type: 'unloadApp', viewId: contacts.viewId })).toEqual({ ok: true });
    const prepare = await appFrameSent(main, contacts.webContentsId, (f) => f.kind === 'post' && f.text.includes('PrepareReload'), { after: seq });
    expect(prepare.frame).toEqual({ kind: 'post', text: JSON.stringify({ mt: 'PrepareReload' }) });
    const loadUrl = main.ofKind('webContents.loadURL').find((l) => l.webContentsId === contacts.webContentsId)!.url;
    await main.sendIpc(ipcChannels.appFrameUp, { webContentsId: contacts.webContentsId, frame: { url: loadUrl } }, JSON.stringify({ kind: 'message', text: JSON.stringify({ mt: 'PrepareReloadComplete' }) }));
    await main.waitFor('webContents.call', (c) => c.seq > seq && c.webContentsId === contacts.webContentsId && c.method === 'close', 5000);
    expect(main.ofKind('view.removeChildView').some((r) => r.seq > seq && r.viewId === contacts.nativeViewId)).toBe(true);
    expect(main.ofKind('webContents.call').some((c) => c.webContentsId === badger.webContentsId && c.method === 'close')).toBe(false);
    const after = (await command({ type: 'getAppMemory' })).value as AppMemoryView;
    expect(after.apps[0]).toEqual({ viewId: contacts.viewId, name: 'contacts', title: 'Contacts', hidden: false, state: 'unloaded' });
    expect(after.totalBytes).toBe(90_000 * 1024);

    // Opened again: a new view, the same view id, our app-frame page.
    const again = await open('contacts');
    expect(again.viewId).toBe(contacts.viewId);
    expect(again.webContentsId).not.toBe(contacts.webContentsId);
  });
});
