/**
 * Single sign-on in the Electron shell: the BUILT main process against the recording stand-in
 * of Electron (it records `shell.openExternal`, it opens nothing), a real core, the PBX emulator
 * and its OpenID Connect provider. The identity provider's page goes to the system browser
 * through `shell.openExternal` — exactly the page the PBX named, once — and only an http(s) page.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import { SHELL_ORIGIN } from '../../main/electron/navigation.js';
import { startIdentityProvider } from '../pbx/idp.js';
import { PbxEmulator } from '../pbx/index.js';
import { type IpcSender, type MainProcess, bootMain, ensureAppBuilt, isLoggedInEvent } from '../support/electron-stand-in/harness.js';
import { IdpBrowser } from '../support/idp-browser.js';
import { sessionTestConfig } from '../support/session-config.js';

const BUILD_TIMEOUT_MS = 120_000;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('Electron: the sign-in page goes to the system browser', () => {
  let main: MainProcess;
  let trusted: IpcSender;
  const command = (c: object) => main.invoke(ipcChannels.command, trusted, c) as Promise<{ ok: boolean; value?: unknown; error?: string }>;
  const connection = async () => ((await command({ type: 'getSnapshot' })).value as { connection: { kind: string; signInUrl?: string; message?: string } }).connection;

  beforeAll(async () => {
    await ensureAppBuilt();
    main = await bootMain();
    const win = await main.mainWindow();
    trusted = { webContentsId: win.webContentsId, frame: { url: `${SHELL_ORIGIN}/index.html`, isMainFrame: true } };
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await main?.stop();
  });

  it('the page the PBX names is handed to shell.openExternal once; the UI is told the shell opens it; signing in logs in', async () => {
    const idp = await startIdentityProvider({ accounts: [{ username: 'alice', password: 'idp-secret' }] });
    cleanups.push(() => idp.close());
    const config = sessionTestConfig();
    config.oauth2 = idp.pbxConfig;
    const pbx = await PbxEmulator.start({ config, port: 0, tls: false });
    cleanups.push(() => pbx.stop());

    expect(((await command({ type: 'getSnapshot' })).value as { shell: { signInPage?: string } }).shell.signInPage).toBe('shell');
    const before = main.records.at(-1)!.seq;
    expect(await command({ type: 'loginOAuth2', pbx: pbx.url, stayLoggedIn: false })).toEqual({ ok: true });
    const opened = await main.waitFor('shell.openExternal', (o) => o.seq > before, 10_000);
    const state = await connection();
    expect(state.kind).toBe('awaiting-sign-in');
    expect(opened.url).toBe(state.signInUrl);
    expect(opened.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth2\/start\?state=/);

    expect((await new IdpBrowser().signIn(opened.url, 'alice', 'idp-secret')).text).toContain('Signed in.');
    await main.waitFor('webContents.send', (s) => s.seq > before && s.channel === ipcChannels.event && isLoggedInEvent(s.args[0]), 10_000);
    expect(main.ofKind('shell.openExternal').filter((o) => o.seq > before)).toHaveLength(1);
    await command({ type: 'logout' });
  });

  it('a sign-in page that is not http(s) never reaches shell.openExternal: the login ends with a clear error', async () => {
    // A PBX the emulator would never be: it names a file as its sign-in page.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    cleanups.push(() => new Promise((r) => wss.close(r)));
    wss.on('connection', (ws: WebSocket) => {
      cleanups.push(() => ws.terminate());
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { mt?: string; method?: string };
        if (msg.mt === 'Login' && msg.method === 'oauth2') ws.send(JSON.stringify({ mt: 'Authenticate', type: 'user', method: 'oauth2', domain: 'example.com', url: 'file:///etc/passwd', challenge: 'fedcba9876543210' }));
      });
    });
    const before = main.records.at(-1)!.seq;
    expect(await command({ type: 'loginOAuth2', pbx: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/PBX0/APPCLIENT/websocket`, stayLoggedIn: false })).toEqual({ ok: true });
    await main.waitFor('webContents.send', (s) => s.seq > before && s.channel === ipcChannels.event && JSON.stringify(s.args[0]).includes('no usable sign-in page'), 10_000);
    expect(await connection()).toMatchObject({ kind: 'error', reason: 'protocol' });
    expect(main.ofKind('shell.openExternal').filter((o) => o.seq > before)).toEqual([]);
  });
});
