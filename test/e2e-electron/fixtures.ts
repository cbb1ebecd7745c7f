/**
 * The Electron e2e world of one test: the PBX emulator and the sample App Services on loopback
 * (as in test/e2e), and the built desktop app (`electron .`: package.json `main` is
 * `dist/main/electron/main.js`, built by global-setup.ts) launched by Playwright's `_electron`
 * with a settings folder of its own.
 *
 * Only where an Electron binary exists (`findElectronBinary`); every spec starts with
 * `skipWithoutElectron()`, so elsewhere each test is skipped with SKIP_MESSAGE and the reason.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, test as base, expect, type ElectronApplication, type FrameLocator, type Page } from '@playwright/test';
import { SHELL_ORIGIN } from '../../main/electron/navigation.js';
import { startSampleApps, type SampleApps } from '../apps/server.js';
import { PbxEmulator, type EmulatorConfig } from '../pbx/index.js';
import { repoRoot } from '../support/app-build.js';
import { SKIP_MESSAGE, findElectronBinary } from './find-electron.js';

export const electronBinary = findElectronBinary(repoRoot);

export const skipReason = electronBinary.found ? '' : `${SKIP_MESSAGE} (${electronBinary.reason})`;

/** Call at the top of every spec file: without a binary its tests are skipped, saying why. */
export function skipWithoutElectron(): void {
  test.skip(!electronBinary.found, skipReason);
}

/**
 * What Electron is started with: the repository folder, whose package.json `main` is the
 * compiled shell (`dist/main/electron/main.js`, `npm run build:electron`). Not main.js itself:
 * Electron's default app would then make main.js's folder the app path
 * (`app.getAppPath()`), where neither the preloads nor the renderer build are.
 */
export const appDir = repoRoot;

export const ALICE = { user: 'alice', password: 'Secret123!', dn: 'Alice Example' } as const;

/** The sample apps the desktop tests use: Echo (app login, args, badge) and Badge. */
const APPS = [
  { name: 'echo', title: 'Echo', kind: 'echo', password: 'echo-pwd' },
  { name: 'badge', title: 'Badge', kind: 'badge', password: 'badge-pwd' },
] as const;

export interface Desktop {
  readonly app: ElectronApplication;
  /** The main window (the shell's page, app://myapps/index.html). */
  readonly window: Page;
  readonly pbx: PbxEmulator;
  readonly sample: SampleApps;
  /** The settings folder the app uses (`$XDG_CONFIG_HOME/myapps-desktop`, …). */
  readonly configHome: string;
  /** The environment the app was started with (for a second instance). */
  readonly env: Record<string, string>;
}

export const test = base.extend<{ desktop: Desktop }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a destructured object; this one has none.
  desktop: async ({}, use) => {
    const sample = await startSampleApps({ apps: APPS.map(({ name, kind, password }) => ({ name, kind, password })) });
    const config: EmulatorConfig = {
      domain: 'example.com',
      pbx: 'master',
      users: [{ sip: ALICE.user, password: ALICE.password, dn: ALICE.dn, email: 'alice@example.com', apps: APPS.map((a) => a.name) }],
      appObjects: APPS.map((a) => ({ name: a.name, title: a.title, password: a.password, url: sample.urlOf(a.name) })),
    };
    const pbx = await PbxEmulator.start({ config, port: 0 });
    const configHome = mkdtempSync(join(tmpdir(), 'myapps-electron-e2e-'));
    // Settings, Chromium's profile and the single-instance lock live in the per-user folder
    // (main/core/config/paths.ts): a temporary one per test, on every OS.
    const env: Record<string, string> = {
      ...(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<string, string>),
      XDG_CONFIG_HOME: configHome,
      APPDATA: configHome,
      ...(process.platform === 'darwin' && { HOME: configHome }),
    };
    // Without executablePath Playwright starts node_modules/electron's binary — the one
    // findElectronBinary found, so this never downloads — with its loader.
    const app = await _electron.launch({ args: [appDir], cwd: repoRoot, env, timeout: 30_000 });
    try {
      const window = await shellWindow(app);
      await use({ app, window, pbx, sample, configHome, env });
    } finally {
      await app.close().catch(() => {});
      await pbx.stop();
      await sample.close();
      rmSync(configHome, { recursive: true, force: true });
    }
  },
});

export { expect };

/** The main window: the page at `app://myapps/index.html` (app views are pages too). */
export async function shellWindow(app: ElectronApplication): Promise<Page> {
  const isShell = (p: Page) => p.url().startsWith(`${SHELL_ORIGIN}/index.html`);
  const found = app.windows().find(isShell);
  if (found) return found;
  return app.waitForEvent('window', { predicate: isShell, timeout: 20_000 });
}

export async function logIn(desktop: Desktop): Promise<void> {
  const page = desktop.window;
  await page.getByRole('textbox', { name: 'PBX' }).fill(desktop.pbx.url);
  await page.getByRole('textbox', { name: 'Username' }).fill(ALICE.user);
  await page.getByLabel('Password').fill(ALICE.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(allApps(page).getByRole('button', { name: 'Echo' })).toBeVisible();
}

export const allApps = (page: Page) => page.getByRole('region', { name: 'All apps' });
export const running = (page: Page) => page.getByRole('navigation', { name: 'Running apps' });

/**
 * The app's own document in its app view. In Electron each app runs in a WebContentsView of
 * its own, which Playwright lists as one more page: our app-frame page (`appframe.html`), top
 * frame of the view, holding the app's iframe (titled with the app's title).
 */
export async function appView(desktop: Desktop, title: string): Promise<{ page: Page; app: FrameLocator }> {
  let page: Page | undefined;
  await expect
    .poll(
      async () => {
        for (const p of desktop.app.windows()) {
          if (!/\/appframe\.html(?:[?#]|$)/.test(p.url())) continue;
          if ((await p.locator(`iframe[title="${title}"]`).count().catch(() => 0)) > 0) {
            page = p;
            return true;
          }
        }
        return false;
      },
      { message: `an app view showing ${title}`, timeout: 15_000 },
    )
    .toBe(true);
  return { page: page!, app: page!.frameLocator(`iframe[title="${title}"]`) };
}

/** Opens an app from its home-screen tile and returns its app view. */
export async function openApp(desktop: Desktop, title: string): Promise<{ page: Page; app: FrameLocator }> {
  await allApps(desktop.window).getByRole('button', { name: title }).click();
  return appView(desktop, title);
}

/**
 * Starts a second instance of the app with `args` (after the app path), as the OS does for a
 * link; it hands its arguments to the running instance and exits. Resolves with its exit code.
 */
export function secondInstance(desktop: Desktop, args: string[]): Promise<number | null> {
  if (!electronBinary.found) throw new Error(skipReason);
  // `--no-sandbox` as Playwright starts the first one (Chromium refuses root without it); a
  // runtime switch, which the client's command line ignores.
  const child = spawn(electronBinary.path, [appDir, ...(process.platform === 'linux' ? ['--no-sandbox'] : []), ...args], { cwd: repoRoot, env: desktop.env, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the second instance did not exit within 20 s'));
    }, 20_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
