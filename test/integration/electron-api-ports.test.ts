/**
 * The direct Client API data path in the Electron shell (main/electron/api-ports.ts): the BUILT
 * main process booted against the recording stand-in of Electron (it records, it is not
 * Electron), a real core and the PBX emulator. When the core grants a channel, the main process
 * makes a MessageChannelMain and posts one port to each of the two app views' web contents —
 * the consumer's and the provider's, nobody else's; when it revokes, both are told it is closed.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import { SHELL_ORIGIN } from '../../main/electron/navigation.js';
import { PbxEmulator } from '../pbx/index.js';
import { type IpcSender, type MainProcess, appFrameSent, appPosted, appViewPage, bootMain, ensureAppBuilt, nextAppView } from '../support/electron-stand-in/harness.js';
import { sessionTestConfig } from '../support/session-config.js';

const BUILD_TIMEOUT_MS = 120_000;
const SEARCH = 'com.innovaphone.search';

describe('Electron: direct Client API channels', () => {
  let main: MainProcess;
  let pbx: PbxEmulator;
  let trusted: IpcSender;

  beforeAll(async () => {
    await ensureAppBuilt();
    [pbx, main] = await Promise.all([PbxEmulator.start({ config: sessionTestConfig(), port: 0, tls: false }), bootMain()]);
    const win = await main.mainWindow();
    trusted = { webContentsId: win.webContentsId, frame: { url: `${SHELL_ORIGIN}/index.html`, isMainFrame: true } };
    expect(await main.invoke(ipcChannels.command, trusted, { type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false })).toEqual({ ok: true });
    await main.waitFor('webContents.send', (s) => s.channel === ipcChannels.event && JSON.stringify(s.args[0]).includes('"logged-in"'), 10_000);
    // Logged in comes before the app list: an app opened in between is unknown (seen under load).
    await vi.waitFor(async () => expect(((await main.invoke(ipcChannels.command, trusted, { type: 'getSnapshot' })) as { value: { apps?: { fromCache: boolean } } }).value.apps?.fromCache).toBe(false), { timeout: 10_000 });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await main?.stop();
    await pbx?.stop();
  });

  /** The app view's page: says hello, then speaks for its app. */
  const page = (webContentsId: number) => appViewPage(main, webContentsId);
  const viewCreated = (known: Set<number>) => nextAppView(main, known);

  it('a grant posts one port of a new MessageChannelMain to each of the two views; a revoke tells both it is closed', async () => {
    const known = new Set<number>();
    expect(await main.invoke(ipcChannels.command, trusted, { type: 'openApp', link: 'contacts' })).toMatchObject({ ok: true });
    const consumerId = await viewCreated(known);
    const consumer = await page(consumerId);
    await consumer.app({ mt: 'ConsumeApi', api: SEARCH });
    const providerId = await viewCreated(known);
    const provider = await page(providerId);
    await provider.app({ mt: 'RegisterApi', api: SEARCH });
    expect(main.ofKind('webContents.postMessage').filter((p) => p.channel === ipcChannels.appFramePort)).toEqual([]);

    await consumer.app({ mt: 'ApiRequest', api: SEARCH, provider: 'search', src: 's1', msg: {} });
    await main.waitFor('webContents.postMessage', (p) => p.channel === ipcChannels.appFramePort && p.webContentsId === providerId);
    const posted = main.ofKind('webContents.postMessage').filter((p) => p.channel === ipcChannels.appFramePort);
    expect(posted.map((p) => p.webContentsId)).toEqual([consumerId, providerId]);
    const [toConsumer, toProvider] = posted as [(typeof posted)[0], (typeof posted)[0]];
    const notice = toConsumer.message as { myappsApiPort: string; channel: string };
    expect(notice).toEqual({ myappsApiPort: 'open', channel: expect.stringMatching(/^[0-9a-f]{24}$/) });
    expect(toProvider.message).toEqual(notice);
    // One port each, the two ends of one channel.
    const ports = posted.map((p) => p.ports as { $ref: string; id: number }[]);
    expect(ports.map((p) => p.length)).toEqual([1, 1]);
    expect(ports[0]![0]!.$ref).toBe('port');
    expect(Math.abs(ports[0]![0]!.id - ports[1]![0]!.id)).toBe(1);
    // The pages were granted the same channel over their IPC relay.
    const grantTo = async (id: number) => (await appFrameSent(main, id, (f) => f.kind === 'grant')).frame;
    expect(await grantTo(consumerId)).toMatchObject({ kind: 'grant', channel: notice.channel, role: 'consumer', self: 'contacts', peer: 'search' });
    expect(await grantTo(providerId)).toMatchObject({ kind: 'grant', channel: notice.channel, role: 'provider', peer: 'contacts' });

    // Once per pair.
    await consumer.app({ mt: 'ApiRequest', api: SEARCH, provider: 'search', src: 's2', msg: {} });
    await appPosted(main, providerId, (m) => m.src === 's2');
    expect(main.ofKind('webContents.postMessage').filter((p) => p.channel === ipcChannels.appFramePort)).toHaveLength(2);

    // The provider's page reloads (a new hello): the channel ends for both.
    await provider.up({ kind: 'hello' });
    await main.waitFor('webContents.postMessage', (p) => p.channel === ipcChannels.appFramePort && (p.message as { myappsApiPort: string }).myappsApiPort === 'close' && p.webContentsId === providerId);
    const closed = main.ofKind('webContents.postMessage').filter((p) => p.channel === ipcChannels.appFramePort && (p.message as { myappsApiPort: string }).myappsApiPort === 'close');
    expect(closed.map((p) => [p.webContentsId, p.message, (p.ports as unknown[]).length])).toEqual([
      [consumerId, { myappsApiPort: 'close', channel: notice.channel }, 0],
      [providerId, { myappsApiPort: 'close', channel: notice.channel }, 0],
    ]);
  });
});
