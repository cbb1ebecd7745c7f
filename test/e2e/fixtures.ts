/**
 * The e2e world of one test: the PBX emulator, the real core, and the browser shell serving
 * the built renderer, plus a tiny HTTP server for app icons. Under test/with-keyring.sh the
 * core uses the real keychain (a service name of its own per test); elsewhere memory.
 */
import { test as base, expect, type Frame, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientCore, type ClientCoreOptions } from '../../main/core/client/client.js';
import type { ShellPort } from '../../main/core/client/shell-port.js';
import { MemoryCredentialStore, type CredentialStore } from '../../main/core/credentials/credential-store.js';
import { KeytarCredentialStore } from '../../main/core/credentials/keytar-store.js';
import { createWebShell, type WebShell } from '../../main/web/server.js';
import { PbxEmulator, type EmulatorConfig, type SessionStore } from '../pbx/index.js';
import { keyringAvailable, testService } from '../support/keyring.js';
import { solidPng } from '../support/png.js';
import { sessionTestConfig } from '../support/session-config.js';

export const rendererDir = resolve(fileURLToPath(import.meta.url), '../../../renderer/dist');

/** A 48×48 solid-colour PNG, served for every `*.png` path of the icon server. */
const png = solidPng(48, [0x2e, 0x7d, 0x32]);

/** The test users' apps, with Contacts served (icon included) by the icon server. */
export function e2eConfig(iconBase: string): EmulatorConfig {
  const config = sessionTestConfig();
  for (const a of config.appObjects) if (a.name === 'contacts') a.url = `${iconBase}/apps/contacts/innovaphone-contacts`;
  return config;
}

export interface StartOptions {
  policy?: object;
  config?: EmulatorConfig;
  tls?: boolean;
  sessions?: SessionStore;
  /** The shell the core believes it runs in (default: the browser shell's). */
  shell?: ShellPort;
  /** How long an app view may go without its app-frame page before it fails (the core's default otherwise). */
  appAttachTimeoutMs?: number;
  /** Test seams for unloading idle app views (a short minute instead of waiting). */
  idleUnload?: ClientCoreOptions['idleUnload'];
  /** Limits of the contact search (a short provider timeout). */
  contactSearch?: ClientCoreOptions['contactSearch'];
}

export interface World {
  readonly pbx: PbxEmulator;
  readonly core: ClientCore;
  readonly shell: WebShell;
  readonly configDir: string;
  readonly store: CredentialStore;
  /** Base URL of the icon server (`<base>/x.png` answers a PNG). */
  readonly iconBase: string;
  /** Start over with a new emulator (and policy), keeping the settings folder and keychain. */
  start(opts?: StartOptions): Promise<void>;
  /** Restart only the client (core and shell), as a user quitting and starting the app; optionally with a new policy. */
  restartClient(opts?: { policy?: object }): Promise<void>;
  open(): Promise<void>;
}

export const test = base.extend<{ world: World }>({
  world: async ({ page }, use) => {
    const icons: Server = createServer((req, res) => {
      if (req.url?.endsWith('.png')) res.writeHead(200, { 'Content-Type': 'image/png' }).end(png);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => icons.listen(0, '127.0.0.1', r));
    const iconBase = `http://127.0.0.1:${(icons.address() as AddressInfo).port}`;
    const configDir = mkdtempSync(join(tmpdir(), 'myapps-e2e-'));
    const keychain = keyringAvailable ? new KeytarCredentialStore(testService()) : undefined;
    const store: CredentialStore = keychain ?? new MemoryCredentialStore();
    let pbx: PbxEmulator | undefined;
    let core: ClientCore | undefined;
    let shell: WebShell | undefined;
    let coreOptions: Pick<StartOptions, 'shell' | 'appAttachTimeoutMs' | 'idleUnload' | 'contactSearch'> = {};
    const stopClient = async () => {
      await shell?.close();
      await core?.dispose();
    };
    const startClient = async () => {
      core = await ClientCore.start({
        configDir,
        policyFile: join(configDir, 'policy.json'),
        credentialStore: store,
        sessionOptions: { backoff: { initialMs: 400, maxMs: 3000, random: () => 1 } },
        ...coreOptions,
      });
      shell = await createWebShell({ host: core, rendererDir });
    };
    const world: World = {
      get pbx() {
        return pbx!;
      },
      get core() {
        return core!;
      },
      get shell() {
        return shell!;
      },
      configDir,
      store,
      iconBase,
      async start(opts = {}) {
        await stopClient();
        await pbx?.stop();
        if (opts.policy) writeFileSync(join(configDir, 'policy.json'), JSON.stringify(opts.policy));
        coreOptions = { ...(opts.shell && { shell: opts.shell }), ...(opts.appAttachTimeoutMs !== undefined && { appAttachTimeoutMs: opts.appAttachTimeoutMs }), ...(opts.idleUnload && { idleUnload: opts.idleUnload }), ...(opts.contactSearch && { contactSearch: opts.contactSearch }) };
        pbx = await PbxEmulator.start({ config: opts.config ?? e2eConfig(iconBase), port: 0, tls: opts.tls === true, ...(opts.sessions && { sessions: opts.sessions }) });
        await startClient();
      },
      async restartClient(opts = {}) {
        await stopClient();
        if (opts.policy) writeFileSync(join(configDir, 'policy.json'), JSON.stringify(opts.policy));
        await startClient();
      },
      async open() {
        await page.goto(shell!.url);
      },
    };
    await world.start();
    await use(world);
    await stopClient();
    await pbx?.stop();
    // The page is still open and may hold keep-alive connections: without this, close waits for them to time out.
    icons.closeAllConnections();
    await new Promise((r) => icons.close(r));
    if (keychain) for (const a of await keychain.accounts()) await keychain.delete(a);
  },
});

export { expect };

export async function logIn(page: Page, world: World, user = 'alice', password = 'Secret123!', stay = false): Promise<void> {
  await page.getByRole('textbox', { name: 'PBX' }).fill(world.pbx.url);
  await page.getByRole('textbox', { name: 'Username' }).fill(user);
  await page.getByLabel('Password').fill(password);
  if (stay) await page.getByRole('checkbox', { name: 'Stay logged in' }).check();
  await page.getByRole('button', { name: 'Log in' }).click();
}

export const allApps = (page: Page) => page.getByRole('region', { name: 'All apps' });

/**
 * Positive control for a message that must not be relayed: `site` (a frame inside `host`) posts
 * `message` to its parent, then the string "control". A listener of the test's own on `host`,
 * added after the page's own: messages from one window are dispatched in order, each to every
 * listener, so once the control has arrived (this resolves then) the page has had `message`.
 */
export async function postThenControl(host: Page | Frame, site: Frame, message: string): Promise<void> {
  await host.evaluate(() => {
    window.addEventListener('message', (e) => {
      if (e.data === 'control') (window as unknown as { __control?: boolean }).__control = true;
    });
  });
  await site.evaluate((text) => {
    window.parent.postMessage(text, '*');
    window.parent.postMessage('control', '*');
  }, message);
  await expect.poll(() => host.evaluate(() => (window as unknown as { __control?: boolean }).__control === true)).toBe(true);
}

/** Log in as alice with "stay logged in", restart the client and open the page again: it opens on the stored session (Contacts shown). */
/** Record every frame the page sends on a WebSocket (the UI bridge), with when it was sent; read them with `sentFrames`. */
export async function recordSends(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const sent: { at: number; data: string }[] = [];
    (window as unknown as { __sent: typeof sent }).__sent = sent;
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data: string) {
      sent.push({ at: performance.now(), data: String(data) });
      return send.call(this, data);
    };
  });
}

export const sentFrames = (page: Page) => page.evaluate(() => (window as unknown as { __sent: { at: number; data: string }[] }).__sent);

export async function reopenOnStoredSession(page: Page, world: World): Promise<void> {
  await world.open();
  await logIn(page, world, 'alice', 'Secret123!', true);
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
  await world.restartClient();
  await world.open();
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
}

/** Screenshots of the current screen in the light and the dark scheme, as test artifacts. */
export async function shots(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: test.info().outputPath(`${name}-${colorScheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
