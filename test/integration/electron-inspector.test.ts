/**
 * The message inspector in the Electron shell: the BUILT main process booted against the
 * recording stand-in of Electron (it records, it is not Electron), a real core and the PBX
 * emulator. Nothing of the inspector is Electron's own — the app views' IPC relay carries its
 * frames like any other — and this shows it does: a panel opened over the UI's IPC bridge makes
 * the core tell each app view's page to report (`inspect`), the app's getLogin and the client's
 * redacted Login come back to the main window as `inspector` events, a page's copy of a direct
 * message (`inspected`) arrives through the relay and is kept, and closing tells the pages to stop.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ToAppFrame } from '../../main/core/bridge/app-frame.js';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import type { BridgeEvent } from '../../main/core/bridge/events.js';
import type { InspectorEntry } from '../../main/core/inspector/entries.js';
import { SHELL_ORIGIN } from '../../main/electron/navigation.js';
import { PbxEmulator } from '../pbx/index.js';
import { type IpcSender, type MainProcess, appFrameSent, appPosted, appViewPage, bootMain, ensureAppBuilt, nextAppView } from '../support/electron-stand-in/harness.js';
import { sessionTestConfig } from '../support/session-config.js';

const BUILD_TIMEOUT_MS = 120_000;
const SEARCH = 'com.innovaphone.search';

describe('Electron: the message inspector', () => {
  let main: MainProcess;
  let pbx: PbxEmulator;
  let trusted: IpcSender;
  const command = (c: object) => main.invoke(ipcChannels.command, trusted, c);

  beforeAll(async () => {
    await ensureAppBuilt();
    [pbx, main] = await Promise.all([PbxEmulator.start({ config: sessionTestConfig(), port: 0, tls: false }), bootMain()]);
    const win = await main.mainWindow();
    trusted = { webContentsId: win.webContentsId, frame: { url: `${SHELL_ORIGIN}/index.html`, isMainFrame: true } };
    expect(await command({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false })).toEqual({ ok: true });
    await main.waitFor('webContents.send', (s) => s.channel === ipcChannels.event && JSON.stringify(s.args[0]).includes('"logged-in"'), 10_000);
    await vi.waitFor(async () => expect(((await command({ type: 'getSnapshot' })) as { value: { apps?: { fromCache: boolean } } }).value.apps?.fromCache).toBe(false), { timeout: 10_000 });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await main?.stop();
    await pbx?.stop();
  });

  const page = (webContentsId: number) => appViewPage(main, webContentsId);
  const viewCreated = (known: Set<number>) => nextAppView(main, known);
  /** Every inspector entry the main window was sent so far. */
  const shown = (): InspectorEntry[] =>
    main
      .ofKind('webContents.send')
      .filter((s) => s.channel === ipcChannels.event && (s.args[0] as BridgeEvent).type === 'inspector')
      .flatMap((s) => (s.args[0] as Extract<BridgeEvent, { type: 'inspector' }>).entries);
  const messages = () => shown().flatMap((e) => (e.kind === 'message' ? [e] : []));

  it('opened over IPC: pages told to report, getLogin and the redacted Login reach the window, a direct copy is kept, closing stops the pages', async () => {
    const known = new Set<number>();
    expect(await command({ type: 'openApp', link: 'contacts' })).toMatchObject({ ok: true });
    const consumerId = await viewCreated(known);
    const consumer = await page(consumerId);
    expect(await command({ type: 'inspectorOpen', panel: 'p1' })).toMatchObject({ ok: false, error: expect.stringMatching(/developer mode/) });
    expect(await command({ type: 'updateSettings', patch: { developerMode: true } })).toMatchObject({ ok: true });
    expect(await command({ type: 'inspectorOpen', panel: 'p1' })).toMatchObject({ ok: true });
    await appFrameSent(main, consumerId, (f: ToAppFrame) => f.kind === 'inspect' && f.on);

    await consumer.app({ mt: 'getLogin', app: 'contacts', challenge: 'electron' });
    const login = await appPosted(main, consumerId, (m) => m.mt === 'Login');
    expect(typeof login.key).toBe('string');
    await vi.waitFor(() => expect(messages().map((m) => [m.mt, m.direction])).toEqual(expect.arrayContaining([['getLogin', 'app→client'], ['Login', 'client→app']])), { timeout: 5000 });
    expect(messages().find((m) => m.mt === 'Login')!.body).toMatchObject({ digest: '[redacted]', key: '[redacted]' });
    expect(JSON.stringify(shown())).not.toContain(login.key as string);

    // A provider joins; after the first request through the core the pair is granted; the provider's page reports a direct copy.
    await consumer.app({ mt: 'ConsumeApi', api: SEARCH });
    const providerId = await viewCreated(known);
    const provider = await page(providerId);
    await appFrameSent(main, providerId, (f: ToAppFrame) => f.kind === 'inspect' && f.on);
    await provider.app({ mt: 'RegisterApi', api: SEARCH });
    await consumer.app({ mt: 'ApiRequest', api: SEARCH, provider: 'search', src: 's1', msg: {} });
    const grant = (await appFrameSent(main, providerId, (f) => f.kind === 'grant')).frame as Extract<ToAppFrame, { kind: 'grant' }>;
    await provider.up({ kind: 'inspected', channel: grant.channel, text: JSON.stringify({ mt: 'ApiRequest', api: SEARCH, consumer: 'contacts', src: 'direct-1', msg: {} }) });
    await vi.waitFor(() => expect(messages().filter((m) => m.path === 'direct').map((m) => [m.mt, m.src, m.app.name, m.peer?.name])).toEqual([['ApiRequest', 'direct-1', 'contacts', 'search']]), { timeout: 5000 });

    expect(await command({ type: 'inspectorClose', panel: 'p1' })).toEqual({ ok: true });
    await appFrameSent(main, consumerId, (f: ToAppFrame) => f.kind === 'inspect' && !f.on);
    await appFrameSent(main, providerId, (f: ToAppFrame) => f.kind === 'inspect' && !f.on);
  });
});
