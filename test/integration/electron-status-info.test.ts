/**
 * The status strip in the Electron shell: the BUILT main process booted against the recording
 * stand-in of Electron (it records, it is not Electron), a real core and the PBX emulator. The
 * UI frames our status-frame page (bridge/status-frame.ts), which frames an app's status page
 * sandboxed; in the main window's own session, so the shell applies three things, and each only
 * for a status page the core shows now: the app: protocol serves the status-frame page with
 * `frame-src` that page's origin (and the UI may frame our own pages only); the main window's
 * frames may go to our status-frame page and, below it, to that origin only (navigations and
 * redirects); the shell session gives frames of other origins no permission.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import { statusFrameContentSecurityPolicy, statusFramePageQuery } from '../../main/core/bridge/status-frame.js';
import { SHELL_ORIGIN } from '../../main/electron/navigation.js';
import { contentSecurityPolicy } from '../../main/electron/protocol.js';
import { appPartition } from '../../main/electron/web-preferences.js';
import { PbxEmulator } from '../pbx/index.js';
import { type IpcSender, type MainProcess, appFrameSent, appPosted, bootMain, ensureAppBuilt } from '../support/electron-stand-in/harness.js';
import { APP_URL_BASE, sessionTestConfig } from '../support/session-config.js';

const BUILD_TIMEOUT_MS = 120_000;
const SHELL_PAGE = `${SHELL_ORIGIN}/index.html`;
const APP_ORIGIN = new URL(APP_URL_BASE).origin;
/** Where contacts' status page resolves to (its App URL is `<base>/contacts/innovaphone-contacts`). */
const STATUS_PAGE = `${APP_URL_BASE}/contacts/contacts-status.htm?n=1`;
const STATUS_FRAME = `${SHELL_ORIGIN}/statusframe.html${statusFramePageQuery(STATUS_PAGE, 'Contacts')}`;

describe('Electron: the status strip’s frames in the main window', () => {
  let main: MainProcess;
  let pbx: PbxEmulator;
  let trusted: IpcSender;
  let windowContents: number;
  /** The contacts app, as its page in its view speaks: `show` / `close` a status page. */
  let ask: (msg: object) => Promise<Record<string, unknown>>;

  beforeAll(async () => {
    await ensureAppBuilt();
    [pbx, main] = await Promise.all([PbxEmulator.start({ config: sessionTestConfig(), port: 0, tls: false }), bootMain()]);
    const win = await main.mainWindow();
    windowContents = win.webContentsId;
    trusted = { webContentsId: windowContents, frame: { url: SHELL_PAGE, isMainFrame: true } };
    expect(await main.invoke(ipcChannels.command, trusted, { type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false })).toEqual({ ok: true });
    await vi.waitFor(async () => expect(((await main.invoke(ipcChannels.command, trusted, { type: 'getSnapshot' })) as { value: { apps?: { fromCache: boolean } } }).value.apps?.fromCache).toBe(false), { timeout: 10_000 });
    expect(await main.invoke(ipcChannels.command, trusted, { type: 'openApp', link: 'contacts' })).toMatchObject({ ok: true });
    const view = await main.waitFor('view.created', (c) => c.viewClass === 'WebContentsView', 10_000);
    const load = await main.waitFor('webContents.loadURL', (l) => l.webContentsId === view.webContentsId);
    const sender: IpcSender = { webContentsId: view.webContentsId!, frame: { url: load.url, isMainFrame: true } };
    const up = (frame: object) => main.sendIpc(ipcChannels.appFrameUp, sender, JSON.stringify(frame));
    await up({ kind: 'hello' });
    await appFrameSent(main, view.webContentsId!);
    let src = 0;
    ask = async (msg) => {
      const mine = `s${++src}`;
      await up({ kind: 'message', text: JSON.stringify({ mt: 'ApiRequest', api: 'com.innovaphone.client', provider: '@client', src: mine, msg }) });
      return (await appPosted(main, view.webContentsId!, (m) => m.mt === 'ApiResult' && m.src === mine)).msg as Record<string, unknown>;
    };
    await up({ kind: 'message', text: JSON.stringify({ mt: 'Alive' }) });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await main?.stop();
    await pbx?.stop();
  });

  /** A frame of the main window navigates (or is redirected) to `url`, below frames at `ancestors` (top-down): refused? */
  const refused = async (url: string, ancestors: string[], event: 'will-frame-navigate' | 'will-redirect' = 'will-frame-navigate') => {
    const r = await main.navigate(windowContents, url, { event, isMainFrame: false, ancestors });
    expect(r.listenerCount, `${event} has a listener`).toBeGreaterThan(0);
    return r.defaultPrevented;
  };

  it('before any status page: no status-frame page is served, and no frame of the window goes anywhere but our status-frame page', async () => {
    expect((await main.protocolRequest({ url: STATUS_FRAME })).status).toBe(404);
    expect(await refused(STATUS_PAGE, [STATUS_FRAME])).toBe(true);
    // The UI may frame our own pages, nothing else.
    const ui = await main.protocolRequest({ url: SHELL_PAGE });
    expect(ui.headers['content-security-policy']).toBe(contentSecurityPolicy);
    expect(contentSecurityPolicy).toContain("frame-src 'self';");
    for (const url of ['https://evil.test/', STATUS_PAGE, `${SHELL_ORIGIN}/index.html`, `${SHELL_ORIGIN}/appframe.html?view=x`, 'app://myapps.evil.test/statusframe.html']) expect(await refused(url, []), url).toBe(true);
    // Control: our status-frame page may be framed (it is served only for a shown page).
    expect(await refused(STATUS_FRAME, [])).toBe(false);
  });

  it('while the app shows its status page: served with frame-src its origin, framed there and only there', async () => {
    expect(await ask({ mt: 'ShowStatusInfo', url: 'contacts-status.htm?n=1', id: 'c' })).toEqual({ mt: 'ShowStatusInfoResult' });
    const page = await main.protocolRequest({ url: STATUS_FRAME });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(statusFrameContentSecurityPolicy(APP_ORIGIN));
    // Only the main window's session serves it: an app's session never does.
    expect((await main.protocolRequest({ session: appPartition('contacts'), url: STATUS_FRAME })).status).toBe(404);
    // Another URL than the one shown: not served.
    expect((await main.protocolRequest({ url: `${SHELL_ORIGIN}/statusframe.html${statusFramePageQuery(`${APP_URL_BASE}/contacts/other.htm`, 'Contacts')}` })).status).toBe(404);

    expect(await refused(STATUS_PAGE, [STATUS_FRAME])).toBe(false);
    expect(await refused(`${APP_URL_BASE}/contacts/next.htm`, [STATUS_FRAME])).toBe(false);
    expect(await refused(`${APP_ORIGIN}/moved.htm`, [STATUS_FRAME], 'will-redirect')).toBe(false);
    for (const url of ['https://evil.test/phish.htm', 'http://127.0.0.1:10/apps/contacts/x.htm', 'javascript:alert(1)', SHELL_PAGE]) {
      expect(await refused(url, [STATUS_FRAME]), url).toBe(true);
      expect(await refused(url, [STATUS_FRAME], 'will-redirect'), `redirect to ${url}`).toBe(true);
    }
    // Not below another frame, nor directly in the UI.
    expect(await refused(STATUS_PAGE, [])).toBe(true);
    expect(await refused(STATUS_PAGE, ['about:blank'])).toBe(true);

    // The shell's session gives a frame of the app's origin nothing; our page still gets its own.
    const notify = (requestingUrl: string) => main.permissionRequest({ webContentsId: windowContents, permission: 'notifications', details: { requestingUrl, isMainFrame: false } });
    expect(await notify(STATUS_PAGE)).toBe(false);
    expect(await notify(SHELL_PAGE)).toBe(true);
  });

  it('once the app closes it: neither served nor framed any more', async () => {
    expect(await ask({ mt: 'CloseStatusInfo', id: 'c' })).toEqual({ mt: 'CloseStatusInfoResult' });
    expect((await main.protocolRequest({ url: STATUS_FRAME })).status).toBe(404);
    expect(await refused(STATUS_PAGE, [STATUS_FRAME])).toBe(true);
  });
});
