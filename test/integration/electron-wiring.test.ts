/**
 * Wiring of the Electron shell: the BUILT main process (dist/main/electron/main.js) booted
 * against the recording stand-in of Electron (test/support/electron-stand-in), driven the way
 * Electron would drive it. The pure decisions are unit-tested (test/unit/electron-*.test.ts);
 * these tests check they are APPLIED: before ready, to the main window, to every web contents
 * and session, at the IPC bridge and the app: protocol. Real files, a real core, a real
 * WebSocket to the PBX emulator. The stand-in is not Electron: test/e2e-electron runs the real one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFramePagePath, decodeToAppFrames } from '../../main/core/bridge/app-frame.js';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import { APP_FRAME_PRELOAD_BUNDLE, PRELOAD_BUNDLE } from '../../main/electron/instance.js';
import { UNTRUSTED_SENDER_ERROR } from '../../main/electron/ipc.js';
import { SHELL_ORIGIN } from '../../main/electron/navigation.js';
import { appFrameContentSecurityPolicy, appScheme, contentSecurityPolicy } from '../../main/electron/protocol.js';
import { appPartition, secureWebPreferences } from '../../main/electron/web-preferences.js';
import { PbxEmulator } from '../pbx/index.js';
import { type IpcSender, type MainProcess, bootMain, ensureAppBuilt, isLoggedInEvent, repoRoot } from '../support/electron-stand-in/harness.js';
import { APP_URL_BASE, sessionTestConfig } from '../support/session-config.js';

const SHELL_PAGE = `${SHELL_ORIGIN}/index.html`;
const BUILD_TIMEOUT_MS = 120_000;

/** Anything a test leaves running ends here, whatever failed. */
const running: MainProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((m) => m.stop()));
});

async function boot(...args: Parameters<typeof bootMain>): Promise<MainProcess> {
  const main = await bootMain(...args);
  running.push(main);
  return main;
}

beforeAll(async () => {
  await ensureAppBuilt();
}, BUILD_TIMEOUT_MS);

describe('the Electron shell against the recording stand-in', () => {
  let main: MainProcess;
  let pbx: PbxEmulator;
  let win: Awaited<ReturnType<MainProcess['mainWindow']>>;
  /** The main window's top frame on our page: the one sender the bridge serves. */
  let trusted: IpcSender;

  beforeAll(async () => {
    [pbx, main] = await Promise.all([PbxEmulator.start({ config: sessionTestConfig(), port: 0, tls: false }), boot()]);
    win = await main.mainWindow();
    trusted = { webContentsId: win.webContentsId, frame: { url: SHELL_PAGE, isMainFrame: true } };
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await main?.stop();
    await pbx?.stop();
  });

  it('prepares Electron before ready: user data in our folder, the sandbox for every renderer, the app: scheme, the single-instance lock', async () => {
    const calls = main.ofKind('app.call');
    const call = (method: string) => calls.filter((c) => c.method === method);
    expect(call('setPath')).toEqual([expect.objectContaining({ args: ['userData', main.dirs.userData], beforeReady: true })]);
    expect(call('setAppLogsPath')).toEqual([expect.objectContaining({ beforeReady: true })]);
    expect(call('setAppLogsPath')[0]!.seq).toBeGreaterThan(call('setPath')[0]!.seq); // so the logs go below our user data
    expect((await main.state()).app.paths.logs).toBe(join(main.dirs.userData, 'logs'));
    expect(call('enableSandbox')).toEqual([expect.objectContaining({ beforeReady: true })]);
    const privileged = main.ofKind('protocol.registerSchemesAsPrivileged');
    expect(privileged).toHaveLength(1);
    expect(privileged[0]!.beforeReady).toBe(true);
    expect(privileged[0]!.schemes).toEqual([appScheme]);
    expect(appScheme).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true, bypassCSP: false, corsEnabled: false, allowServiceWorkers: false } });
    expect(call('requestSingleInstanceLock')).toEqual([expect.objectContaining({ beforeReady: true, args: [{ argv: [] }] })]);
  });

  it('opens the main window with the secure webPreferences, our preload and no DevTools, on app://myapps/index.html', async () => {
    const prefs = win.options.webPreferences!;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, webviewTag: false, devTools: false });
    expect(prefs.preload).toBe(join(repoRoot, PRELOAD_BUNDLE));
    expect(prefs).toEqual(secureWebPreferences('shell', { preload: join(repoRoot, PRELOAD_BUNDLE), devTools: false }));
    expect(prefs).not.toHaveProperty('partition'); // the shell's own (default) session
    const load = await main.waitFor('webContents.loadURL', (l) => l.webContentsId === win.webContentsId);
    expect(load.url).toBe(SHELL_PAGE);

    // Shown once the page is ready, not before.
    expect(win.options.show).toBe(false);
    const shows = () => main.ofKind('window.call').filter((c) => c.windowId === win.windowId && c.method === 'show');
    expect(shows()).toHaveLength(0);
    await main.emitWindow(win.windowId, 'ready-to-show');
    expect(shows()).toHaveLength(1);
  });

  describe('every web contents gets the guards', () => {
    // The main window's, and one Electron creates without the shell asking (a popup, a <webview> guest).
    const cases: [string, () => Promise<number>][] = [
      ['the main window', async () => win.webContentsId],
      ['a web contents created later', () => main.createWebContents({ type: 'remote' })],
    ];

    it.each(cases)('%s: no <webview> may attach', async (_name, contents) => {
      const id = await contents();
      const attach = await main.emitWebContents(id, 'will-attach-webview', { args: [{ nodeIntegration: true, preload: '/tmp/evil.cjs' }, { src: 'https://evil.test/' }] });
      expect(attach).toMatchObject({ defaultPrevented: true });
    });

    it.each(cases)('%s: window.open opens no window; only https and mailto reach the OS', async (_name, contents) => {
      const id = await contents();
      const external = () => main.ofKind('shell.openExternal').map((o) => o.url);
      for (const url of ['https://example.com/doc?x=1', 'mailto:someone@example.com']) {
        expect(await main.windowOpen(id, url)).toEqual({ action: 'deny' });
        expect(external().at(-1)).toBe(url);
      }
      const before = external().length;
      for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com/', 'app://myapps/index.html']) {
        expect(await main.windowOpen(id, url), url).toEqual({ action: 'deny' });
      }
      expect(external()).toHaveLength(before);
    });

    it.each(cases)('%s: the top frame stays on our pages (will-navigate, will-redirect)', async (_name, contents) => {
      const id = await contents();
      for (const event of ['will-navigate', 'will-redirect'] as const) {
        const ours = await main.navigate(id, SHELL_PAGE, { event });
        expect(ours.listenerCount, event).toBeGreaterThan(0);
        expect(ours.defaultPrevented, `${event} to our page`).toBe(false);
        for (const url of ['https://evil.test/', 'app://myapps.evil.test/index.html', 'file:///etc/passwd']) {
          expect((await main.navigate(id, url, { event })).defaultPrevented, `${event} to ${url}`).toBe(true);
        }
      }
    });
  });

  describe('permissions', () => {
    const ask = (permission: string, requestingUrl: string, extra: Record<string, unknown> = {}) => main.permissionRequest({ webContentsId: win.webContentsId, permission, details: { requestingUrl, isMainFrame: true, ...extra } });

    it('the shell session: notifications for our page; camera, microphone and everything else refused; nothing for other origins', async () => {
      expect(await ask('notifications', SHELL_PAGE)).toBe(true);
      expect(await ask('clipboard-sanitized-write', SHELL_PAGE)).toBe(true);
      expect(await ask('media', SHELL_PAGE, { mediaTypes: ['video', 'audio'] })).toBe(false);
      for (const p of ['geolocation', 'openExternal', 'clipboard-read', 'midiSysex', 'display-capture', 'fullscreen', 'unknown']) expect(await ask(p, SHELL_PAGE), p).toBe(false);
      expect(await ask('notifications', 'https://evil.test/')).toBe(false);
      expect(await ask('notifications', 'app://myapps.evil.test/')).toBe(false);

      const check = (permission: string, requestingUrl: string) => main.permissionCheck({ webContentsId: win.webContentsId, permission, details: { requestingUrl, isMainFrame: true } });
      expect(await check('notifications', SHELL_PAGE)).toBe(true);
      expect(await check('media', SHELL_PAGE)).toBe(false);
      expect(await check('notifications', 'https://evil.test/')).toBe(false);
      expect(await main.devicePermission({ details: { deviceType: 'usb', origin: SHELL_ORIGIN, device: {} } })).toBe(false);
      expect(main.ofKind('session.permissionRequest').every((r) => r.handled)).toBe(true);
    });

    it('a session created later (as Electron announces it: session-created) denies everything', async () => {
      expect(await main.fromPartition('persist:x')).toBe('persist:x');
      await main.waitFor('session.created', (s) => s.session === 'persist:x');
      const state = await main.state();
      expect(state.sessions.find((s) => s.session === 'persist:x')?.handlers).toMatchObject({ permissionRequest: true, permissionCheck: true, devicePermission: true });
      // What the shell's own page may do in the default session, it may not do here.
      expect(await main.permissionRequest({ session: 'persist:x', permission: 'notifications', details: { requestingUrl: SHELL_PAGE, isMainFrame: true } })).toBe(false);
      expect(await main.permissionRequest({ session: 'persist:x', permission: 'media', details: { requestingUrl: 'https://app.example.com/', isMainFrame: true, mediaTypes: ['audio'] } })).toBe(false);
      expect(await main.permissionCheck({ session: 'persist:x', permission: 'notifications', details: { requestingUrl: SHELL_PAGE, isMainFrame: true } })).toBe(false);
      expect(await main.devicePermission({ session: 'persist:x', details: { deviceType: 'hid', origin: 'https://app.example.com', device: {} } })).toBe(false);
    });
  });

  describe('the app: protocol', () => {
    it('serves the renderer build with our CSP', async () => {
      const index = readFileSync(join(repoRoot, 'renderer/dist/index.html'), 'utf8');
      for (const url of [SHELL_PAGE, `${SHELL_ORIGIN}/`]) {
        const page = await main.protocolRequest({ url });
        expect(page.status, url).toBe(200);
        expect(page.body).toBe(index);
        expect(page.headers['content-type']).toMatch(/^text\/html/);
        expect(page.headers['content-security-policy']).toBe(contentSecurityPolicy);
      }
      expect(main.ofKind('protocol.handle')).toContainEqual(expect.objectContaining({ session: 'default', scheme: 'app' }));
    });

    it('refuses paths out of the renderer build, and anything but GET and HEAD', async () => {
      const packageName = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).name as string;
      for (const url of ['app://myapps/../package.json', 'app://myapps/..%2fpackage.json', 'app://myapps/%2e%2e/package.json', 'app://myapps/assets/..%2f..%2f..%2fpackage.json', 'app://myapps/..%5c..%5cpackage.json', 'app://myapps/%2e%2e%2f%2e%2e%2fpackage.json']) {
        const answer = await main.protocolRequest({ url });
        expect([400, 404], `${url} -> ${answer.status}`).toContain(answer.status);
        expect(answer.body).not.toContain(packageName);
        expect(answer.headers['content-security-policy']).toBe(contentSecurityPolicy);
      }
      expect((await main.protocolRequest({ url: SHELL_PAGE, method: 'POST' })).status).toBe(405);
    });
  });

  describe('the IPC bridge', () => {
    it('answers the main window top frame on our page', async () => {
      const answer = await main.invoke(ipcChannels.command, trusted, { type: 'getSnapshot' });
      expect(answer).toMatchObject({ ok: true, value: { connection: expect.any(Object), settings: expect.any(Object) } });
      // The payload is checked too, after the sender.
      expect(await main.invoke(ipcChannels.command, trusted, { type: 'rm -rf' })).toMatchObject({ ok: false, error: expect.stringMatching(/unknown command/) });
    });

    it.each<[string, () => Promise<IpcSender>]>([
      ['another web contents', async () => ({ webContentsId: await main.createWebContents({ type: 'remote' }), frame: { url: SHELL_PAGE, isMainFrame: true } })],
      ['a subframe of the main window', async () => ({ webContentsId: win.webContentsId, frame: { url: SHELL_PAGE, isMainFrame: false } })],
      ['the main window top frame on another page', async () => ({ webContentsId: win.webContentsId, frame: { url: 'https://evil.test/', isMainFrame: true } })],
      ['the main window top frame on a look-alike origin', async () => ({ webContentsId: win.webContentsId, frame: { url: 'app://myapps.evil.test/index.html', isMainFrame: true } })],
    ])('refuses %s', async (_name, sender) => {
      expect(await main.invoke(ipcChannels.command, await sender(), { type: 'getSnapshot' })).toEqual({ ok: false, error: UNTRUSTED_SENDER_ERROR });
    });

    it('logs in through the bridge: the real core reaches the PBX and tells the main window', async () => {
      const result = await main.invoke(ipcChannels.command, trusted, { type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
      expect(result).toEqual({ ok: true });
      await main.waitFor('webContents.send', (s) => s.channel === ipcChannels.event && isLoggedInEvent(s.args[0]), 10_000);
      const events = main.ofKind('webContents.send').filter((s) => s.channel === ipcChannels.event);
      expect(events.length).toBeGreaterThan(1);
      expect(events.every((s) => s.webContentsId === win.webContentsId)).toBe(true);
      // The password went into one digest and nowhere else.
      expect(JSON.stringify(main.records)).not.toContain('Secret123!');
      expect(main.logs().stderr).not.toContain('Secret123!');
    });

    it('sends events only while the main window shows our page', async () => {
      const badge = (value: string) => (s: { channel: string; args: unknown[] }) => s.channel === ipcChannels.event && JSON.stringify(s.args[0]) === JSON.stringify({ type: 'badge', app: 'badger', value });
      await main.waitFor('webContents.send', badge('3'), 10_000);
      await main.emitWebContents(win.webContentsId, 'did-navigate', { args: ['https://evil.test/', 200, 'OK'] });
      pbx.setBadge('badger', 7);
      // The core sent the event out while the window was elsewhere: the dock badge follows the
      // same events (sent at most once per frame, so the core may hold one briefly: waiting for
      // its state alone let 7 go out after the window was back). Its record comes before the answer to state().
      await main.waitFor('app.call', (c) => c.method === 'setBadgeCount' && c.args?.[0] === 7, 10_000);
      await main.state();
      await main.emitWebContents(win.webContentsId, 'did-navigate', { args: [SHELL_PAGE, 200, 'OK'] });
      pbx.setBadge('badger', 9);
      await main.waitFor('webContents.send', badge('9'), 10_000);
      expect(main.ofKind('webContents.send').filter(badge('7'))).toEqual([]);
    });
  });

  describe('app views (logged in as alice)', () => {
    const partition = appPartition('contacts');
    const appOrigin = new URL(APP_URL_BASE).origin;
    let view: { viewId: number; webContentsId: number; pageUrl: string };

    it('opening an app makes a sandboxed view in its own partition, in the main window, on our app-frame page', async () => {
      expect(await main.invoke(ipcChannels.command, trusted, { type: 'openApp', link: 'contacts' })).toMatchObject({ ok: true });
      const created = await main.waitFor('view.created', (v) => v.viewClass === 'WebContentsView', 10_000);
      const prefs = created.options!.webPreferences!;
      expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webviewTag: false, devTools: false, partition });
      expect(prefs).toEqual(secureWebPreferences('app', { appName: 'contacts', preload: join(repoRoot, APP_FRAME_PRELOAD_BUNDLE), devTools: false }));
      const webContentsId = created.webContentsId!;
      expect(await main.waitFor('view.addChildView', (a) => a.viewId === created.viewId)).toMatchObject({ windowId: win.windowId });
      const load = await main.waitFor('webContents.loadURL', (l) => l.webContentsId === webContentsId);
      expect(load.url.startsWith(`${SHELL_ORIGIN}${appFramePagePath}?view=`)).toBe(true);
      view = { viewId: created.viewId, webContentsId, pageUrl: load.url };
      expect((await main.state()).webContents.find((w) => w.id === webContentsId)).toMatchObject({ session: partition, hasWindowOpenHandler: true, listeners: expect.objectContaining({ 'will-navigate': 1, 'will-frame-navigate': 1 }) });
    });

    it("the app's session: our pages served, the app's own handlers, nothing for notifications or other origins", async () => {
      const s = (await main.state()).sessions.find((x) => x.session === partition)!;
      expect(s.protocols).toContain('app');
      expect(s.handlers).toMatchObject({ permissionRequest: true, permissionCheck: true, devicePermission: true, certificateVerifyProc: true, displayMediaRequest: true });
      const ask = (permission: string, requestingUrl: string) => main.permissionRequest({ session: partition, webContentsId: view.webContentsId, permission, details: { requestingUrl, isMainFrame: false } });
      expect(await ask('clipboard-sanitized-write', `${APP_URL_BASE}/contacts/innovaphone-contacts.htm`)).toBe(true);
      expect(await ask('clipboard-sanitized-write', 'https://evil.test/')).toBe(false);
      expect(await ask('notifications', `${APP_URL_BASE}/contacts/innovaphone-contacts.htm`)).toBe(false);
      expect(await ask('geolocation', `${APP_URL_BASE}/contacts/innovaphone-contacts.htm`)).toBe(false);
      // A web contents of that session that is not the app's view gets nothing.
      expect(await main.permissionRequest({ session: partition, webContentsId: win.webContentsId, permission: 'clipboard-sanitized-write', details: { requestingUrl: `${APP_URL_BASE}/x.htm`, isMainFrame: false } })).toBe(false);
    });

    it("the softphone case: the app's microphone request asks the user in our UI once, naming the app; the answer is remembered", async () => {
      const appPage = `${APP_URL_BASE}/contacts/innovaphone-contacts.htm`;
      const check = () => main.permissionCheck({ session: partition, webContentsId: view.webContentsId, permission: 'media', requestingOrigin: appOrigin, details: { requestingUrl: appPage, mediaType: 'audio' } });
      expect(await check()).toBe(false);
      const asked = main.permissionRequest({ session: partition, webContentsId: view.webContentsId, permission: 'media', details: { requestingUrl: appPage, mediaTypes: ['audio'] } });
      const prompt = await main.waitFor('webContents.send', (x) => x.channel === ipcChannels.event && (x.args[0] as { type?: string }).type === 'permissionPrompts' && (x.args[0] as { permissionPrompts: unknown[] }).permissionPrompts.length === 1);
      const { permissionPrompts } = prompt.args[0] as { permissionPrompts: { id: string; app: string; title: string; permissions: string[] }[] };
      expect(permissionPrompts[0]).toMatchObject({ app: 'contacts', permissions: ['microphone'] });
      expect(await main.invoke(ipcChannels.command, trusted, { type: 'answerPermission', id: permissionPrompts[0]!.id, allow: true })).toEqual({ ok: true });
      expect(await asked).toBe(true);
      expect(await check()).toBe(true);
      // Remembered: asked again, granted without a prompt; the camera was never granted.
      expect(await main.permissionRequest({ session: partition, webContentsId: view.webContentsId, permission: 'media', details: { requestingUrl: appPage, mediaTypes: ['audio'] } })).toBe(true);
      expect(await main.permissionCheck({ session: partition, webContentsId: view.webContentsId, permission: 'media', requestingOrigin: appOrigin, details: { requestingUrl: appPage, mediaType: 'video' } })).toBe(false);
    });

    it("the view's top frame stays on our page; the app's frame on the App URL's origin", async () => {
      expect((await main.navigate(view.webContentsId, 'https://evil.test/')).defaultPrevented).toBe(true);
      const frameNav = (url: string) => main.navigate(view.webContentsId, url, { event: 'will-frame-navigate', isMainFrame: false, depth: 1 });
      const own = await frameNav(`${appOrigin}/apps/contacts/other.htm`);
      expect(own.listenerCount).toBeGreaterThan(0);
      expect(own.defaultPrevented).toBe(false);
      expect((await frameNav('https://evil.test/phish.htm')).defaultPrevented).toBe(true);
      // A server redirect of the app's frame is held to the same origin.
      const redirect = (url: string) => main.navigate(view.webContentsId, url, { event: 'will-redirect', isMainFrame: false, depth: 1 });
      expect((await redirect(`${appOrigin}/apps/contacts/moved.htm`)).defaultPrevented).toBe(false);
      expect((await redirect('https://evil.test/phish.htm')).defaultPrevented).toBe(true);
      // No other page of ours belongs in an app view: not even the UI.
      const top = await main.navigate(view.webContentsId, SHELL_PAGE, { event: 'will-frame-navigate', isMainFrame: true });
      expect(top.defaultPrevented).toBe(true);
      expect((await main.navigate(view.webContentsId, view.pageUrl, { event: 'will-frame-navigate', isMainFrame: true })).defaultPrevented).toBe(false);
      // Frames the app itself embeds (deeper down) are the app's business.
      expect((await main.navigate(view.webContentsId, 'https://maps.example/embed', { event: 'will-frame-navigate', isMainFrame: false, depth: 2 })).defaultPrevented).toBe(false);
    });

    it('the app session serves the app-frame page with the policy that lets it frame the app, and the UI with one that frames our own pages only', async () => {
      const page = await main.protocolRequest({ session: partition, url: view.pageUrl });
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toBe(appFrameContentSecurityPolicy);
      const ui = await main.protocolRequest({ url: SHELL_PAGE });
      expect(ui.headers['content-security-policy']).toBe(contentSecurityPolicy);
      // The status strip's status-frame page (electron-status-info.test.ts); no app is framed in the UI.
      expect(contentSecurityPolicy).toContain("frame-src 'self';");
    });

    it('the app-frame relay takes messages only from the top frame of the view, on our app-frame page', async () => {
      const up = (sender: IpcSender, frame: object) => main.sendIpc(ipcChannels.appFrameUp, sender, JSON.stringify(frame));
      const dropped = (reason: string) => main.waitForLog((e) => e.message === 'app frame message from an untrusted sender dropped' && e.reason === reason);
      await up({ webContentsId: win.webContentsId, frame: { url: SHELL_PAGE } }, { kind: 'hello' });
      await dropped('not an app view');
      await up({ webContentsId: view.webContentsId, frame: { url: view.pageUrl, isMainFrame: false } }, { kind: 'hello' });
      await dropped('not the top frame of the app view');
      await up({ webContentsId: view.webContentsId, frame: { url: 'https://evil.test/appframe.html', isMainFrame: true } }, { kind: 'hello' });
      await dropped('the app view does not show the app-frame page');
      expect(main.ofKind('webContents.send').filter((s) => s.channel === ipcChannels.appFrameDown)).toEqual([]);
      // The view's own page is heard: the core answers with the app to load.
      await up({ webContentsId: view.webContentsId, frame: { url: view.pageUrl } }, { kind: 'hello' });
      const down = await main.waitFor('webContents.send', (s) => s.channel === ipcChannels.appFrameDown);
      expect(down.webContentsId).toBe(view.webContentsId);
      expect(decodeToAppFrames(down.args[0])[0]).toMatchObject({ kind: 'load', url: expect.stringContaining(`${APP_URL_BASE}/contacts/innovaphone-contacts.htm`) });
    });

    it("a frame from another app view speaks for that view only, whatever its page's URL names; a view's crash detaches it and reloads its page", async () => {
      const { seq } = main.records.at(-1)!;
      expect(await main.invoke(ipcChannels.command, trusted, { type: 'openApp', link: 'badger' })).toMatchObject({ ok: true });
      const other = await main.waitFor('view.created', (v) => v.seq > seq && v.viewClass === 'WebContentsView', 10_000);
      const otherId = other.webContentsId!;
      await main.waitFor('webContents.loadURL', (l) => l.webContentsId === otherId);
      // The other view's top frame, on our app-frame page, but its URL names the contacts view.
      const { seq: before } = main.records.at(-1)!;
      await main.sendIpc(ipcChannels.appFrameUp, { webContentsId: otherId, frame: { url: view.pageUrl, isMainFrame: true } }, JSON.stringify({ kind: 'hello' }));
      const down = await main.waitFor('webContents.send', (s) => s.seq > before && s.channel === ipcChannels.appFrameDown);
      expect(down.webContentsId).toBe(otherId);
      expect(decodeToAppFrames(down.args[0])[0]).toMatchObject({ kind: 'load', url: expect.stringContaining(`${APP_URL_BASE}/badger/badger.htm`) });
      expect(main.ofKind('webContents.send').filter((s) => s.seq > before && s.channel === ipcChannels.appFrameDown && s.webContentsId === view.webContentsId)).toEqual([]);

      // The contacts view crashes: its link ends and its page is loaded again.
      const { seq: crashed } = main.records.at(-1)!;
      await main.emitWebContents(view.webContentsId, 'render-process-gone', { args: [{ reason: 'crashed', exitCode: 1 }] });
      await main.waitForLog((e) => e.message === 'app frame detached' && typeof e.why === 'string' && e.why.startsWith('render process gone'));
      expect((await main.waitFor('webContents.loadURL', (l) => l.seq > crashed && l.webContentsId === view.webContentsId)).url).toBe(view.pageUrl);
    });
  });

  describe('single instance and links', () => {
    it('a second instance with a link brings the window up and hands the link to the core', async () => {
      await main.windowAction(win.windowId, 'minimize');
      const { seq } = main.records.at(-1)!;
      const emitted = await main.secondInstance({ argv: ['/opt/myapps/myapps-desktop', '--', 'myapps://app/x'], additionalData: { argv: ['myapps://app/x'] } });
      expect(emitted.listenerCount).toBeGreaterThan(0);
      const calls = main.ofKind('window.call').filter((c) => c.seq > seq && c.windowId === win.windowId).map((c) => c.method);
      expect(calls).toEqual(expect.arrayContaining(['restore', 'focus']));
      expect((await main.state()).windows.find((w) => w.id === win.windowId)).toMatchObject({ minimized: false, focused: true });
      // followLink reached the core, which follows it (logged in: at once; the app does not exist: a notice says so).
      await main.waitForLog((e) => e.message === 'a link was handed to the core' && e.scheme === 'myapps');
    });

    it('a second instance started --minimized leaves the window where it is', async () => {
      await main.windowAction(win.windowId, 'minimize');
      const { seq } = main.records.at(-1)!;
      await main.secondInstance({ argv: [], additionalData: { argv: ['--minimized', '--user', 'bob'] } });
      // The handler ran (it reports the flag it ignores) and raised nothing.
      await main.waitForLog((e) => e.message === 'flags of a second instance do not change the running client');
      expect(main.ofKind('window.call').filter((c) => c.seq > seq && c.windowId === win.windowId)).toEqual([]);
    });

    it('macOS open-url is taken (preventDefault) and followed', async () => {
      const opened = await main.emitApp('open-url', 'myapps://app/y');
      expect(opened).toMatchObject({ defaultPrevented: true });
    });
  });

  it('installs the application menu; Help > Open Log Folder opens our log folder', async () => {
    const menu = main.ofKind('menu.setApplicationMenu').at(-1)!;
    expect(menu.beforeReady).toBe(false);
    const labels = menu.items!.map((i) => i.label ?? i.role);
    expect(labels).toEqual(expect.arrayContaining(['Edit', 'View', 'help']));
    const view = menu.items!.find((i) => i.label === 'View')!;
    expect(view.submenu!.map((i) => i.role)).not.toContain('toggleDevTools'); // developer mode is off
    await main.clickMenuItem(['help', 'Open Log Folder']);
    expect(main.ofKind('shell.openPath').at(-1)?.path).toBe(join(main.dirs.userData, 'logs'));
  });

  it('quits cleanly: will-quit waits for the core, then the process ends', async () => {
    expect(main.uncaught()).toEqual([]);
    const exit = await main.stop();
    expect(exit.code).toBe(0);
    expect(main.ofKind('event.preventDefault')).toContainEqual(expect.objectContaining({ target: 'app', event: 'will-quit' }));
    expect(main.uncaught()).toEqual([]);
  });
});

describe('app views placed, inspected and wiped (developer mode, app DevTools on)', () => {
  it('the app in front goes where the UI says, the others hidden; DevTools open detached per app; logout closes the views and clears each app partition', async () => {
    const [pbx, main] = await Promise.all([PbxEmulator.start({ config: sessionTestConfig(), port: 0, tls: false }), boot()]);
    try {
      const win = await main.mainWindow();
      const trusted: IpcSender = { webContentsId: win.webContentsId, frame: { url: SHELL_PAGE, isMainFrame: true } };
      const command = (c: object) => main.invoke(ipcChannels.command, trusted, c) as Promise<{ ok: boolean; value?: unknown; error?: string }>;
      expect(await command({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false })).toEqual({ ok: true });
      await expect.poll(async () => ((await command({ type: 'getSnapshot' })).value as { apps?: { fromCache: boolean } }).apps?.fromCache, { timeout: 10_000 }).toBe(false);
      expect(await command({ type: 'updateSettings', patch: { developerMode: true, appDevTools: true } })).toMatchObject({ ok: true });
      const open = async (link: string) => {
        const { seq } = main.records.at(-1)!;
        const opened = await command({ type: 'openApp', link });
        expect(opened, link).toMatchObject({ ok: true });
        const created = await main.waitFor('view.created', (v) => v.seq > seq && v.viewClass === 'WebContentsView', 10_000);
        return { viewId: (opened.value as { viewId: string }).viewId, native: created.viewId, webContentsId: created.webContentsId!, devTools: created.options!.webPreferences!.devTools };
      };
      const contacts = await open('contacts');
      const badger = await open('badger');
      expect([contacts.devTools, badger.devTools]).toEqual([true, true]);

      const { seq } = main.records.at(-1)!;
      expect(await command({ type: 'placeAppView', bounds: { x: 64, y: 48, width: 640, height: 480 } })).toMatchObject({ ok: true });
      const calls = (native: number, method: string) => main.ofKind('view.call').filter((c) => c.seq > seq && c.viewId === native && c.method === method);
      await expect.poll(() => calls(badger.native, 'setVisible').at(-1)?.args).toEqual([true]);
      expect(calls(badger.native, 'setBounds').at(-1)?.args).toEqual([{ x: 64, y: 48, width: 640, height: 480 }]);
      expect(calls(contacts.native, 'setVisible').at(-1)?.args).toEqual([false]);
      // A menu or dialog of the UI is open: no view is shown.
      expect(await command({ type: 'placeAppView' })).toMatchObject({ ok: true });
      await expect.poll(() => calls(badger.native, 'setVisible').at(-1)?.args).toEqual([false]);

      expect(await command({ type: 'openAppDevTools', viewId: contacts.viewId })).toEqual({ ok: true, value: { opened: true } });
      const devTools = main.ofKind('webContents.call').filter((c) => c.method === 'openDevTools');
      expect(devTools).toEqual([expect.objectContaining({ webContentsId: contacts.webContentsId, args: [{ mode: 'detach' }], ignored: false })]);

      expect(await command({ type: 'logout' })).toEqual({ ok: true });
      const cleared = () => main.ofKind('session.call').filter((c) => c.method === 'clearStorageData').map((c) => c.session);
      await expect.poll(cleared, { timeout: 10_000 }).toEqual(expect.arrayContaining([appPartition('contacts'), appPartition('badger')]));
      for (const id of [contacts.webContentsId, badger.webContentsId]) expect(main.ofKind('webContents.call').some((c) => c.webContentsId === id && c.method === 'close'), `view ${id} closed`).toBe(true);
    } finally {
      await main.stop();
      await pbx.stop();
    }
  }, 30_000);
});

describe('the Electron shell before ready', () => {
  it('touches nothing that needs ready until Electron says so', async () => {
    const main = await boot({ autoReady: false });
    expect(main.records.length).toBeGreaterThan(0);
    expect(main.records.filter((r) => !r.beforeReady)).toEqual([]);
    expect(main.ofKind('window.created')).toEqual([]);
    expect(main.ofKind('session.created')).toEqual([]);
    expect(main.ofKind('ipc.handle')).toEqual([]);
    await main.ready();
    await main.mainWindow();
    expect(main.ofKind('ipc.handle')).toContainEqual(expect.objectContaining({ channel: ipcChannels.command, beforeReady: false }));
    expect(main.uncaught()).toEqual([]);
  });

  it('a second instance (no single-instance lock) hands over and quits without a window', async () => {
    const main = await boot({ autoReady: false, singleInstanceLock: false, args: ['myapps://app/x'] });
    const exit = await main.exited;
    expect(exit.code).toBe(0);
    expect(main.ofKind('app.call').filter((c) => c.method === 'requestSingleInstanceLock')).toEqual([expect.objectContaining({ args: [{ argv: ['myapps://app/x'] }] })]);
    expect(main.ofKind('app.call').map((c) => c.method)).toContain('quit');
    expect(main.ofKind('window.created')).toEqual([]);
  });
});

describe('the stand-in itself', () => {
  it('throws for what it does not implement and keeps Electron\'s before-ready rules', async () => {
    const probe = await boot({ mainPath: 'test/support/electron-stand-in/probe-main.mjs' });
    await probe.waitForLog((e) => e.message === 'probe');
    const results = probe.logEntries().find((e) => e.message === 'probe')!.results as Record<string, { ok: boolean; value?: unknown; error?: string }>;
    const failed = (name: string, message: RegExp) => expect(results[name], name).toEqual({ ok: false, error: expect.stringMatching(message) });
    failed('app.foo', /^electron stand-in: app\.foo is not implemented$/);
    failed('BrowserWindow.fromFoo', /BrowserWindow\.fromFoo is not implemented/);
    failed('win.setVibrancy', /BrowserWindow\.setVibrancy is not implemented/);
    failed('webContents.foo', /webContents\.foo is not implemented/);
    failed('setting webContents.foo', /setting webContents\.foo is not implemented/);
    failed('clipboard.readText', /clipboard\.readText is not implemented/);
    failed('new BrowserWindow before ready', /before app is ready/);
    failed('session before ready', /when app is ready/);
    failed('screen before ready', /before the app is ready/);
    failed('protocol.handle before ready', /when app is ready/);
    failed('app.enableSandbox after ready', /before app is ready/);
    failed('protocol.registerSchemesAsPrivileged after ready', /before app is ready/);
    failed('webContents.send of a function', /could not be cloned/);
    failed('a second ipcMain handler', /second handler for 'probe'/);
    expect(results['app.dock']).toEqual({ ok: true, value: process.platform === 'darwin' ? expect.anything() : null });
    expect(results['process.defaultApp']).toEqual({ ok: true, value: true });
    expect(results['openDevTools with devTools: false']).toEqual({ ok: true, value: false });
    expect(results['screen after ready']).toEqual({ ok: true, value: { x: 0, y: 0, width: 1920, height: 1080 } });
    expect(results['require electron']).toEqual({ ok: true, value: true });
    expect(results['process.resourcesPath']).toEqual({ ok: true, value: 'string' });
    expect(results['process.platform']).toEqual({ ok: true, value: process.platform });
    // No network: a request is recorded and fails as offline.
    expect(results['net.request']).toEqual({ ok: true, value: 'function' });
    await probe.waitFor('net.request', (r) => r.url === 'https://example.invalid/x');
    await probe.waitForLog((e) => e.message === 'probe request failed' && e.error === 'net::ERR_INTERNET_DISCONNECTED');
    expect(probe.uncaught()).toEqual([]);
  });

  it.each([
    ['win32', null],
    ['darwin', expect.anything()],
    ['linux', null],
  ] as const)('runs as %s (process.platform; app.dock on macOS only)', async (platform, dock) => {
    const probe = await boot({ mainPath: 'test/support/electron-stand-in/probe-main.mjs', platform });
    await probe.waitForLog((e) => e.message === 'probe');
    const results = probe.logEntries().find((e) => e.message === 'probe')!.results as Record<string, { ok: boolean; value?: unknown }>;
    expect(results['process.platform']).toEqual({ ok: true, value: platform });
    expect(results['app.dock']).toEqual({ ok: true, value: dock });
    // Windows paths the shell builds (win32.join of %APPDATA%) are this machine's paths.
    if (platform === 'win32') expect(results['a Windows userData path']).toEqual({ ok: true, value: '/tmp/probe/myapps-desktop' });
  });
});
