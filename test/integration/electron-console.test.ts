/**
 * App console capture in the Electron shell, wired: the BUILT main process against the recording
 * stand-in of Electron (test/support/electron-stand-in), a real core and the PBX emulator.
 * - the user agent names myApps (`app.userAgentFallback`, set before `ready`, so every session
 *   created after — the app's own included — carries it);
 * - a `console-message` of the app view written by a frame of the app reaches the core (the
 *   inspector, and in developer mode the app's log file); one written by our app-frame page
 *   itself (the view's top frame) does not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import type { BridgeEvent } from '../../main/core/bridge/events.js';
import { PbxEmulator } from '../pbx/index.js';
import { type IpcSender, type MainProcess, appFrameSent, bootLoggedIn, ensureAppBuilt } from '../support/electron-stand-in/harness.js';
import { APP_URL_BASE, sessionTestConfig } from '../support/session-config.js';

const BUILD_TIMEOUT_MS = 120_000;
const APP_PAGE = `${APP_URL_BASE}/contacts/innovaphone-contacts.htm`;

describe('app console capture in the Electron shell (stand-in)', () => {
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

  it('the user agent names myApps, set before ready, and the app session takes it', async () => {
    const set = main.ofKind('app.call').find((c) => c.method === 'set userAgentFallback');
    expect(set).toBeDefined();
    expect(set!.beforeReady).toBe(true);
    expect(String((set!.args as unknown[])[0])).toMatch(/ myApps\/\d+\.\d+\.\d+$/);
    const opened = await command({ type: 'openApp', link: 'myapp' });
    expect(opened.ok).toBe(true);
    await vi.waitFor(async () => {
      const sessions = (await main.state()).sessions as { session: string; userAgent: string }[];
      const appSession = sessions.find((s) => s.session === 'persist:app-myapp');
      expect(appSession?.userAgent).toMatch(/ myApps\/\d+\.\d+\.\d+$/);
    });
  });

  it("a console-message of the app's frame reaches the core; one of our app-frame page does not", async () => {
    expect(await command({ type: 'updateSettings', patch: { developerMode: true } })).toMatchObject({ ok: true });
    expect(await command({ type: 'inspectorOpen', panel: 'electron-console' })).toMatchObject({ ok: true });
    const { seq } = main.records.at(-1)!;
    const opened = await command({ type: 'openApp', link: 'contacts' });
    const viewId = (opened.value as { viewId: string }).viewId;
    const load = await main.waitFor('webContents.loadURL', (l) => l.seq > seq && l.url.endsWith(`?view=${viewId}`), 10_000);
    const sender: IpcSender = { webContentsId: load.webContentsId, frame: { url: load.url } };
    await main.sendIpc(ipcChannels.appFrameUp, sender, JSON.stringify({ kind: 'hello' }));
    await appFrameSent(main, load.webContentsId, (f) => f.kind === 'load', { after: seq });

    const consoleMessage = (message: string, frame: object) =>
      main.emitWebContents(load.webContentsId, 'console-message', { fields: { level: 'warning', message, lineNumber: 7, sourceId: `${APP_URL_BASE}/contacts/app.js`, frame: { $ref: 'frame', webContentsId: load.webContentsId, ...frame } } });
    const ourPage = await consoleMessage('written by our app-frame page', { isMainFrame: true });
    expect(ourPage.listenerCount).toBeGreaterThan(0);
    await consoleMessage('written by the app', { url: APP_PAGE, isMainFrame: false, depth: 1 });

    const consoleTexts = (s: { channel: string; args: unknown[] }) => {
      const e = s.args[0] as BridgeEvent;
      return s.channel === ipcChannels.event && e.type === 'inspector' ? e.entries.flatMap((x) => (x.kind === 'console' ? [x] : [])) : [];
    };
    const sent = await main.waitFor('webContents.send', (s) => consoleTexts(s).some((l) => l.text === 'written by the app'), 10_000);
    expect(consoleTexts(sent).find((l) => l.text === 'written by the app')).toMatchObject({ app: { viewId, name: 'contacts' }, level: 'warn', source: `${APP_URL_BASE}/contacts/app.js:7` });
    // Positive control above: the app's line, emitted after our page's, arrived. Our page's never did.
    expect(main.ofKind('webContents.send').some((s) => consoleTexts(s).some((l) => l.text.includes('our app-frame page')))).toBe(false);

    // Developer mode: the app's log file in the shell's log folder has the app's line only.
    await vi.waitFor(() => expect(readFileSync(join(main.dirs.userData, 'logs', 'apps', 'contacts.log'), 'utf8')).toContain('warn  written by the app'));
    expect(readFileSync(join(main.dirs.userData, 'logs', 'apps', 'contacts.log'), 'utf8')).not.toContain('our app-frame page');
  });
});
