/**
 * The e2e world of one test: the PBX emulator, the real core (with an in-memory credential
 * store, so tests never share a session), and the browser shell serving the built renderer.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientCore } from '../../main/core/client/client.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { createWebShell, type WebShell } from '../../main/web/server.js';
import { PbxEmulator, type EmulatorConfig } from '../pbx/index.js';
import { sessionTestConfig } from '../support/session-config.js';

export const rendererDir = resolve(fileURLToPath(import.meta.url), '../../../renderer/dist');

export interface World {
  pbx: PbxEmulator;
  core: ClientCore;
  shell: WebShell;
  configDir: string;
  /** Start again with a policy file and/or emulator config (before `open`). */
  restart(opts?: { policy?: object; config?: EmulatorConfig; tls?: boolean }): Promise<void>;
  /** Navigate the page to the shell. */
  open(): Promise<void>;
}

export const test = base.extend<{ world: World }>({
  world: async ({ page }, use) => {
    let pbx: PbxEmulator | undefined;
    let core: ClientCore | undefined;
    let shell: WebShell | undefined;
    const configDir = mkdtempSync(join(tmpdir(), 'myapps-e2e-'));
    const store = new MemoryCredentialStore();
    const stop = async () => {
      await shell?.close();
      await core?.dispose();
      await pbx?.stop();
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
      async restart(opts = {}) {
        await stop();
        if (opts.policy) writeFileSync(join(configDir, 'policy.json'), JSON.stringify(opts.policy));
        pbx = await PbxEmulator.start({ config: opts.config ?? sessionTestConfig(), port: 0, tls: opts.tls === true });
        core = await ClientCore.start({ configDir, policyFile: join(configDir, 'policy.json'), credentialStore: store, sessionOptions: { backoff: { initialMs: 300, maxMs: 2000, random: () => 1 } } });
        shell = await createWebShell({ host: core, rendererDir });
      },
      async open() {
        await page.goto(shell!.url);
      },
    };
    await world.restart();
    await use(world);
    await stop();
  },
});

export { expect };

export async function logIn(page: Page, world: World, user = 'alice', password = 'Secret123!'): Promise<void> {
  await page.getByRole('textbox', { name: 'PBX' }).fill(world.pbx.url);
  await page.getByRole('textbox', { name: 'Username' }).fill(user);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Screenshot into the test's artifacts folder (test-results/e2e/...). */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}
