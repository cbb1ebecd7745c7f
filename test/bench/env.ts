/**
 * What every benchmark needs: a PBX emulator with N apps, the real core behind the browser
 * shell, Chromium, and a logged-in page. Nothing here measures.
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientCore } from '../../main/core/client/client.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { createWebShell } from '../../main/web/server.js';
import { PbxEmulator, type EmulatorConfig } from '../pbx/index.js';
import { solidPng } from '../support/png.js';

export const rendererDir = resolve(fileURLToPath(import.meta.url), '../../../renderer/dist');
export const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));

/**
 * Where the apps' icons come from, as App Services serve them: every `<App URL>.png` is a small
 * PNG (cached like a static file). One server for the whole run; it does not keep the process up.
 */
const icon = solidPng(96, [40, 110, 200]);
const iconServer = createServer((req, res) => {
  if (req.url?.endsWith('.png')) res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'max-age=3600' }).end(icon);
  else res.writeHead(404).end();
});
await new Promise<void>((ready) => iconServer.listen(0, '127.0.0.1', ready));
iconServer.unref();
export const appServiceBase = `http://127.0.0.1:${(iconServer.address() as AddressInfo).port}`;

export function appsConfig(apps: number): EmulatorConfig {
  const names = Array.from({ length: apps }, (_, i) => `app${String(i).padStart(4, '0')}`);
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice', apps: names }],
    appObjects: names.map((name, i) => ({ name, title: `App ${i} ${['Contacts', 'Phone', 'Chat', 'Reports', 'Files'][i % 5]}`, description: `Sample app number ${i}`, password: 'x', url: `${appServiceBase}/apps/${name}/${name}` })),
  };
}

export interface Client {
  pbx: PbxEmulator;
  core: ClientCore;
  url: string;
  close(): Promise<void>;
}

export async function startClient(config: EmulatorConfig): Promise<Client> {
  const pbx = await PbxEmulator.start({ config, port: 0 });
  const core = await ClientCore.start({ configDir: mkdtempSync(join(tmpdir(), 'myapps-bench-')), policyFile: '/nonexistent/policy.json', credentialStore: new MemoryCredentialStore() });
  const shell = await createWebShell({ host: core, rendererDir });
  return {
    pbx,
    core,
    url: shell.url,
    close: async () => {
      await shell.close();
      await core.dispose();
      await pbx.stop();
    },
  };
}

export async function launch(): Promise<{ browser: Browser; context: BrowserContext }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // tsx (esbuild) wraps named functions with a `__name` helper that does not exist in the page.
  await context.addInitScript('globalThis.__name = (f) => f');
  return { browser, context };
}

/** The login form filled in, not submitted. */
export async function fillLogin(page: Page, c: Client): Promise<void> {
  await page.goto(c.url);
  await page.getByRole('textbox', { name: 'PBX' }).fill(c.pbx.url);
  await page.getByRole('textbox', { name: 'Username' }).fill('alice');
  await page.getByLabel('Password').fill('Secret123!');
}

/**
 * In the page: click "Log in" and resolve, after the frame that shows the home screen's tiles,
 * with the time from the click. "Shown" is the tile grid with as many tiles as it renders for
 * `expected` apps: all of them, or the window a virtualised grid keeps (it says how many apps
 * there are in `aria-setsize`). The page is looked at only when its DOM changes (a mutation
 * observer), not every frame: the figures that count the page's script do not count the bench's.
 */
export function clickLoginUntilTiles(page: Page, expected: number): Promise<number> {
  return page.evaluate((n) => {
    const t0 = performance.now();
    return new Promise<number>((resolve) => {
      const shown = () => {
        const region = document.querySelector('[data-tiles]') ?? [...document.querySelectorAll('section[aria-labelledby], [role="region"]')].find((el) => el.textContent?.includes('All apps'));
        const tiles = region?.querySelectorAll('button') ?? [];
        const last = tiles[tiles.length - 1];
        const total = Number(last?.closest('[aria-setsize]')?.getAttribute('aria-setsize') ?? tiles.length);
        return tiles.length > 0 && total >= n;
      };
      const observer = new MutationObserver(() => {
        if (!shown()) return;
        observer.disconnect();
        // Painted: the next frame after the DOM had them (a DOM change made in a frame's own callbacks paints in that frame).
        requestAnimationFrame(() => resolve(performance.now() - t0));
      });
      observer.observe(document.body, { childList: true, subtree: true });
      document.querySelector<HTMLButtonElement>('form button[type="submit"]')!.click();
    });
  }, expected);
}
