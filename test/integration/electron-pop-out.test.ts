/**
 * Apps in windows of their own in the Electron shell, wired: the BUILT main process against the
 * recording stand-in of Electron (test/support/electron-stand-in), a real core and the PBX
 * emulator. What the core decides is tested in test/integration/pop-out.test.ts; this checks the
 * shell carries it out (main/electron/pop-out-windows.ts):
 * - popping out MOVES the app's WebContentsView from the main window's content view into a new
 *   BrowserWindow (the shell's secure webPreferences, the app's title), filling it: the same web
 *   contents, never loaded again, its guards still on it, the app still heard;
 * - asked again, that window comes to the front; docking moves the view back and closes the window;
 * - closing the window docks the app (view back first; the app keeps running);
 * - where the window was is saved per App Object and restored, and a place on no display that
 *   exists now is corrected onto the primary display.
 * The stand-in is not Electron: test/e2e-electron runs the real one.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import type { RunningApp } from '../../main/core/bridge/views.js';
import { emptySettingsFile } from '../../main/core/config/settings.js';
import { SHELL_ORIGIN } from '../../main/electron/navigation.js';
import { DEFAULT_POP_OUT_SIZE, POP_OUT_MIN_SIZE } from '../../main/electron/pop-out-windows.js';
import { secureWebPreferences } from '../../main/electron/web-preferences.js';
import { PbxEmulator } from '../pbx/index.js';
import { appsConfig } from '../support/core-apps.js';
import { type BootOptions, type IpcSender, type MainProcess, appPosted, bootMain, ensureAppBuilt, isLoggedInEvent } from '../support/electron-stand-in/harness.js';

const SHELL_PAGE = `${SHELL_ORIGIN}/index.html`;
const BUILD_TIMEOUT_MS = 120_000;
const laptop = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
const monitor = { id: 2, bounds: { x: 1920, y: -200, width: 2560, height: 1440 } };

const running: MainProcess[] = [];
const temps: string[] = [];
afterAll(async () => {
  await Promise.all(running.map((m) => m.stop()));
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});
beforeAll(async () => {
  await ensureAppBuilt();
}, BUILD_TIMEOUT_MS);

interface Desktop {
  main: MainProcess;
  win: { windowId: number; webContentsId: number; contentViewId: number };
  command(command: object): Promise<{ ok: boolean; value?: unknown; error?: string }>;
  app(viewId: string): Promise<RunningApp>;
}

async function boot(pbx: PbxEmulator, options: BootOptions): Promise<Desktop> {
  const main = await bootMain(options);
  running.push(main);
  const first = await main.mainWindow();
  await main.emitWindow(first.windowId, 'ready-to-show');
  const contentViewId = main.ofKind('window.created').find((w) => w.windowId === first.windowId)!.contentViewId;
  const trusted: IpcSender = { webContentsId: first.webContentsId, frame: { url: SHELL_PAGE, isMainFrame: true } };
  const command = (c: object) => main.invoke(ipcChannels.command, trusted, c) as Promise<{ ok: boolean; value?: unknown; error?: string }>;
  const d: Desktop = {
    main,
    win: { ...first, contentViewId },
    command,
    app: async (viewId) => ((await command({ type: 'getSnapshot' })).value as { runningApps: RunningApp[] }).runningApps.find((a) => a.viewId === viewId)!,
  };
  expect(await command({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false })).toEqual({ ok: true });
  await main.waitFor('webContents.send', (s) => s.channel === ipcChannels.event && isLoggedInEvent(s.args[0]), 10_000);
  // Apps can be opened once the PBX has listed them.
  await vi.waitFor(async () => expect(((await command({ type: 'getSnapshot' })).value as { apps?: { fromCache: boolean } }).apps?.fromCache).toBe(false), { timeout: 10_000 });
  return d;
}

/** Open an app and play its app-frame page over the IPC relay; its view's ids. */
async function open(d: Desktop, name: string) {
  const opened = await d.command({ type: 'openApp', link: name });
  const viewId = (opened.value as { viewId: string }).viewId;
  const load = await d.main.waitFor('webContents.loadURL', (l) => l.url.endsWith(`?view=${encodeURIComponent(viewId)}`), 10_000);
  const nativeViewId = d.main.ofKind('view.created').find((v) => v.webContentsId === load.webContentsId)!.viewId;
  const sender: IpcSender = { webContentsId: load.webContentsId, frame: { url: load.url } };
  const post = (msg: object) => d.main.sendIpc(ipcChannels.appFrameUp, sender, JSON.stringify({ kind: 'message', text: JSON.stringify(msg) }));
  await d.main.sendIpc(ipcChannels.appFrameUp, sender, JSON.stringify({ kind: 'hello' }));
  await post({ mt: 'Alive' });
  await vi.waitFor(async () => expect((await d.app(viewId)).state).toBe('alive'));
  return { viewId, webContentsId: load.webContentsId, nativeViewId, post };
}

const seqNow = (d: Desktop) => d.main.records.at(-1)!.seq;

/** Pop the app out; the pop-out window the shell made for it. */
async function popOut(d: Desktop, viewId: string) {
  const seq = seqNow(d);
  expect(await d.command({ type: 'popOutApp', viewId })).toEqual({ ok: true });
  const created = await d.main.waitFor('window.created', (w) => w.seq > seq, 5000);
  await d.main.waitFor('window.call', (c) => c.seq > seq && c.windowId === created.windowId && c.method === 'show', 5000);
  return created;
}

function tempUserData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'myapps-popout-'));
  temps.push(dir);
  return join(dir, 'config', 'myapps-desktop');
}

const savedWindows = (userData: string) => (JSON.parse(readFileSync(join(userData, 'settings.json'), 'utf8')) as { popOutWindows?: Record<string, unknown> }).popOutWindows;

describe('an app in a window of its own (stand-in)', { timeout: 60_000 }, () => {
  let pbx: PbxEmulator;
  let d: Desktop;
  let userData: string;

  beforeAll(async () => {
    pbx = await PbxEmulator.start({ config: appsConfig(), port: 0, tls: false });
    userData = tempUserData();
    d = await boot(pbx, { userData, displays: [laptop, monitor] });
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await d?.main.stop();
    await pbx?.stop();
  });

  it('pop out moves the same view (no reload) into a new secure window titled for the app, filling it; the app is still heard, its guards still on', async () => {
    const contacts = await open(d, 'contacts');
    const before = seqNow(d);
    const created = await popOut(d, contacts.viewId);
    expect(created.windowClass).toBe('BrowserWindow');
    expect(created.options).toMatchObject({ title: 'Contacts', show: false, minWidth: POP_OUT_MIN_SIZE.width, minHeight: POP_OUT_MIN_SIZE.height });
    // Nothing remembered yet: the default size, in the middle of the primary display.
    expect(created.options).toMatchObject({ x: 560, y: 220, ...DEFAULT_POP_OUT_SIZE });
    expect(created.options.webPreferences).toEqual(secureWebPreferences('shell', { devTools: false }));
    expect(created.options.webPreferences).not.toHaveProperty('preload');

    // Moved: out of the main window's content view, into the new window's, the same web contents.
    const removed = d.main.ofKind('view.removeChildView').filter((r) => r.seq > before && r.viewId === contacts.nativeViewId);
    expect(removed).toEqual([expect.objectContaining({ parentViewId: d.win.contentViewId, wasChild: true })]);
    const added = d.main.ofKind('view.addChildView').filter((a) => a.seq > before && a.viewId === contacts.nativeViewId);
    expect(added).toEqual([expect.objectContaining({ parentViewId: created.contentViewId, windowId: created.windowId, webContentsId: contacts.webContentsId })]);
    expect(d.main.ofKind('webContents.loadURL').filter((l) => l.seq > before && l.webContentsId === contacts.webContentsId)).toEqual([]);
    expect(d.main.ofKind('webContents.call').filter((c) => c.seq > before && c.webContentsId === contacts.webContentsId && ['reload', 'close'].includes(c.method))).toEqual([]);
    const state = await d.main.state();
    expect(state.views.find((v) => v.id === contacts.nativeViewId)).toMatchObject({ windowId: created.windowId, visible: true, bounds: { x: 0, y: 0, width: 800, height: 600 } });
    expect(state.windows.find((w) => w.id === created.windowId)).toMatchObject({ visible: true, title: 'Contacts' });
    expect(await d.app(contacts.viewId)).toMatchObject({ poppedOut: true, state: 'alive' });

    // The same page keeps talking to the core, and the core to it.
    await contacts.post({ mt: 'Action', type: 'SetBadge', value: 4 });
    await expect.poll(async () => (await d.app(contacts.viewId)).badge).toBe('4');
    await contacts.post({ mt: 'getLogin', app: 'contacts', challenge: '0123456789abcdef' });
    expect(await appPosted(d.main, contacts.webContentsId, (m) => m.mt === 'Login')).toMatchObject({ sip: 'alice', pbxObj: 'contacts' });
    // Its guards went with it: the top frame stays on our page, the app's frame on its origin.
    expect((await d.main.navigate(contacts.webContentsId, 'https://evil.test/', { event: 'will-frame-navigate', isMainFrame: true })).defaultPrevented).toBe(true);
    expect((await d.main.navigate(contacts.webContentsId, 'https://evil.test/phish.htm', { event: 'will-frame-navigate', isMainFrame: false, depth: 1 })).defaultPrevented).toBe(true);
    expect((await d.main.navigate(contacts.webContentsId, 'https://evil.test/')).defaultPrevented).toBe(true);
    // Its own window's web contents got the guards every web contents gets.
    expect((await d.main.windowOpen(created.webContentsId!, 'http://example.com/'))).toEqual({ action: 'deny' });

    // Resized by the user: the view follows; the place is remembered for the App Object.
    await d.main.windowAction(created.windowId, 'moveTo', { x: 2100, y: 0, width: 700, height: 500 });
    expect((await d.main.state()).views.find((v) => v.id === contacts.nativeViewId)!.bounds).toEqual({ x: 0, y: 0, width: 700, height: 500 });
    await expect.poll(() => savedWindows(userData)?.contacts, { timeout: 5000 }).toEqual({ x: 2100, y: 0, width: 700, height: 500 });

    // Shown from the main window (the strip, a notification's click): its own window comes to the front.
    await d.command({ type: 'showApp' });
    const shown = seqNow(d);
    expect(await d.command({ type: 'showApp', viewId: contacts.viewId })).toEqual({ ok: true });
    await d.main.waitFor('window.call', (c) => c.seq > shown && c.windowId === created.windowId && c.method === 'focus', 5000);

    // Asked again: its window to the front, no second window.
    const again = seqNow(d);
    expect(await d.command({ type: 'popOutApp', viewId: contacts.viewId })).toEqual({ ok: true });
    expect(d.main.ofKind('window.call').filter((c) => c.seq > again && c.windowId === created.windowId).map((c) => c.method)).toContain('focus');
    expect(d.main.ofKind('window.created').filter((w) => w.seq > again)).toEqual([]);

    // Dock back: the view goes back into the main window and the pop-out window closes; still the same web contents.
    const dock = seqNow(d);
    expect(await d.command({ type: 'dockApp', viewId: contacts.viewId })).toEqual({ ok: true });
    await d.main.waitFor('window.closed', (c) => c.seq > dock && c.windowId === created.windowId, 5000);
    expect(d.main.ofKind('view.addChildView').filter((a) => a.seq > dock && a.viewId === contacts.nativeViewId)).toEqual([expect.objectContaining({ parentViewId: d.win.contentViewId, webContentsId: contacts.webContentsId })]);
    expect(d.main.ofKind('webContents.loadURL').filter((l) => l.seq > dock && l.webContentsId === contacts.webContentsId)).toEqual([]);
    expect((await d.main.state()).webContents.find((w) => w.id === contacts.webContentsId)).toMatchObject({ destroyed: false });
    expect(await d.app(contacts.viewId)).toMatchObject({ poppedOut: false, state: 'alive' });
    // Back in the main window it is placed where the UI says, like any app view.
    await d.command({ type: 'showApp', viewId: contacts.viewId });
    await d.command({ type: 'placeAppView', bounds: { x: 10, y: 60, width: 500, height: 400 } });
    await expect.poll(async () => (await d.main.state()).views.find((v) => v.id === contacts.nativeViewId)).toMatchObject({ windowId: d.win.windowId, visible: true, bounds: { x: 10, y: 60, width: 500, height: 400 } });
  });

  it('closing its window docks the app (the view back first, the app running); popped out again, the window opens where it was', async () => {
    const badger = await open(d, 'badger');
    const first = await popOut(d, badger.viewId);
    await d.main.windowAction(first.windowId, 'moveTo', { x: 100, y: 120, width: 640, height: 480 });
    const closing = seqNow(d);
    await d.main.windowAction(first.windowId, 'close');
    await expect.poll(async () => (await d.app(badger.viewId)).poppedOut).toBe(false);
    const back = d.main.ofKind('view.addChildView').find((a) => a.seq > closing && a.viewId === badger.nativeViewId)!;
    const gone = d.main.ofKind('window.closed').find((c) => c.seq > closing && c.windowId === first.windowId)!;
    expect(back).toMatchObject({ parentViewId: d.win.contentViewId, webContentsId: badger.webContentsId });
    expect(back.seq).toBeLessThan(gone.seq);
    expect(d.main.ofKind('webContents.call').filter((c) => c.seq > closing && c.webContentsId === badger.webContentsId && c.method === 'close')).toEqual([]);
    expect((await d.app(badger.viewId)).state).toBe('alive');
    // Remembered (after the move settles, and at the latest when the window closes).
    await expect.poll(() => savedWindows(userData)?.badger).toEqual({ x: 100, y: 120, width: 640, height: 480 });

    const second = await popOut(d, badger.viewId);
    expect(second.options).toMatchObject({ x: 100, y: 120, width: 640, height: 480 });
    // The app closed while out: its window goes with it.
    const closeApp = seqNow(d);
    expect(await d.command({ type: 'closeApp', viewId: badger.viewId })).toEqual({ ok: true });
    await d.main.waitFor('window.closed', (c) => c.seq > closeApp && c.windowId === second.windowId, 5000);
    await d.main.waitFor('webContents.call', (c) => c.seq > closeApp && c.webContentsId === badger.webContentsId && c.method === 'close', 5000);
  });
});

describe('the remembered place on displays that changed (stand-in)', { timeout: 120_000 }, () => {
  it('on a display that is gone: the middle of the primary display, with its size; on one that exists: where it was', async () => {
    const pbx = await PbxEmulator.start({ config: appsConfig(), port: 0, tls: false });
    try {
      const userData = tempUserData();
      mkdirSync(userData, { recursive: true });
      writeFileSync(join(userData, 'settings.json'), JSON.stringify({ ...emptySettingsFile(), popOutWindows: { contacts: { x: 2600, y: 100, width: 900, height: 700 } } }));
      const both = await boot(pbx, { userData, displays: [laptop, monitor] });
      const contacts = await open(both, 'contacts');
      expect((await popOut(both, contacts.viewId)).options).toMatchObject({ x: 2600, y: 100, width: 900, height: 700 });
      await both.main.stop();

      const unplugged = await boot(pbx, { userData, displays: [laptop] });
      const again = await open(unplugged, 'contacts');
      expect((await popOut(unplugged, again.viewId)).options).toMatchObject({ x: 510, y: 170, width: 900, height: 700 });
      await unplugged.main.stop();
    } finally {
      await pbx.stop();
    }
  });
});
