/**
 * The desktop build's whole app path, as far as it runs without Electron: the real app-frame
 * page in real Chromium on its IPC transport, the real main-process relay
 * (main/electron/app-frame-relay.ts), the real core, the PBX emulator and the sample App
 * Services. Each app view is a Playwright page of its own (top-level, as in its own
 * WebContentsView), created when the core starts the app — hidden providers too.
 *
 * What stands in for Electron, and only that: the app views' preload is an init script that
 * exposes `window.myappsAppFrame` over a Playwright binding; `ipcMain` and each view's
 * `webContents` are small recording stand-ins. The sender frame the relay checks is the one
 * Playwright reports (top frame or not). Chromium cannot load our `app:` scheme here, so the
 * page is served by the browser shell and its URL is reported as the `app://myapps/appframe.html`
 * address Electron's protocol handler serves it under.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { EventEmitter } from 'node:events';
import { appFramePagePath } from '../../main/core/bridge/app-frame.js';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import type { BridgeEvent } from '../../main/core/bridge/events.js';
import type { ShellPort } from '../../main/core/client/shell-port.js';
import { wireAppFrames } from '../../main/electron/app-frame-relay.js';
import type { SampleApps } from '../apps/server.js';
import type { AppObjectConfig, EmulatorConfig } from '../pbx/index.js';
import { expect, test, type World } from './fixtures.js';
import { sampleAppObject, serveSampleApps } from './sample-services.js';

const electronLikeShell: ShellPort = { view: { appViews: 'native', appDevTools: 'open' }, permissionGate: 'session' };

let sample: SampleApps | undefined;
test.afterEach(async () => {
  await sample?.close();
});

/** A recording stand-in of a view's web contents: what the relay sends goes to the view's page. */
class ViewContents extends EventEmitter {
  private static next = 1;
  readonly id = ViewContents.next++;
  constructor(private readonly page: Page) {
    super();
  }
  isDestroyed(): boolean {
    return this.page.isClosed();
  }
  send(channel: string, text: string): void {
    if (channel !== ipcChannels.appFrameDown || this.page.isClosed()) return;
    void this.page.evaluate((t) => (window as unknown as { __appFrameDown(t: string): void }).__appFrameDown(t), text).catch(() => {});
  }
}

/** What main/electron/app-views.ts does, with Playwright pages for views: one page per running app. */
async function standInAppViews(world: World, context: BrowserContext) {
  const ipcMain = new EventEmitter();
  const views = new Map<number, string>();
  const pages = new Map<string, Page>();
  const relay = wireAppFrames(ipcMain as never, (id) => views.get(id), world.core, () => {});
  const appFramePage = `${world.shell.origin}${appFramePagePath}?token=${encodeURIComponent(world.shell.token)}`;
  const create = async (viewId: string) => {
    const page = await context.newPage();
    pages.set(viewId, page);
    const contents = new ViewContents(page);
    views.set(contents.id, viewId);
    relay.watch(viewId, contents as never);
    await page.exposeBinding('__appFrameUp', ({ frame }, text: unknown) => {
      const url = frame.url().startsWith(`${world.shell.origin}${appFramePagePath}`) ? `app://myapps${appFramePagePath}?view=${viewId}` : frame.url();
      ipcMain.emit(ipcChannels.appFrameUp, { sender: contents, senderFrame: { url, parent: frame.parentFrame() ? {} : null } }, text);
    });
    // The app views' preload, in the top frame only.
    await page.addInitScript(() => {
      if (window !== window.top) return;
      const listeners = new Set<(text: string) => void>();
      const up = (window as unknown as { __appFrameUp(t: string): void }).__appFrameUp;
      Object.assign(window, {
        myappsAppFrame: {
          send: (text: string) => void up(text),
          onFrame(listener: (text: string) => void) {
            listeners.add(listener);
            return () => listeners.delete(listener);
          },
        },
        __appFrameDown: (text: string) => listeners.forEach((l) => l(text)),
      });
    });
    await page.goto(appFramePage);
  };
  const created = new Set<string>();
  const sync = (event: BridgeEvent) => {
    if (event.type !== 'runningApps') return;
    for (const app of event.runningApps) {
      if (created.has(app.viewId)) continue;
      created.add(app.viewId);
      void create(app.viewId);
    }
  };
  const off = world.core.onEvent(sync);
  const pageOf = (name: string) => pages.get(world.core.snapshot().runningApps.find((a) => a.name === name)?.viewId ?? '');
  return {
    /** The view page of the running app `name`, once the core started it. */
    async page(name: string): Promise<Page> {
      await expect.poll(() => pageOf(name)).toBeDefined();
      return pageOf(name)!;
    },
    dispose() {
      off();
      relay.dispose();
    },
  };
}

async function start(world: World): Promise<void> {
  const app = (name: string, extra: Partial<AppObjectConfig> = {}) => sampleAppObject(name, name, extra);
  const config: EmulatorConfig = {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', apps: ['echo', 'search', 'searchclient'] }],
    appObjects: [app('echo'), app('search', { hidden: true, apis: { 'com.innovaphone.search': {} } }), app('searchclient')],
  };
  sample = await serveSampleApps(config);
  await world.start({ config, shell: electronLikeShell });
  await world.core.handle({ type: 'login', pbx: world.pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
  await expect.poll(() => world.core.snapshot().apps?.tiles.length).toBe(2);
}

const appIn = (page: Page, name: string) => page.frameLocator(`iframe[title="${name}"]`);

test('over the IPC relay, an app logs in to its own service through the client, and a hidden provider starts on demand', async ({ world, context }) => {
  await start(world);
  const views = await standInAppViews(world, context);
  try {
    await world.core.handle({ type: 'openApp', link: 'echo' });
    const echo = appIn(await views.page('echo'), 'echo');
    await expect(echo.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
    await expect(echo.getByText('Session key: verified')).toBeVisible();
    expect(await sample!.waitFor('echo', 'AppLogin')).toMatchObject({ app: 'echo', pbxObj: 'echo', sip: 'alice' });

    await world.core.handle({ type: 'openApp', link: 'searchclient?q=bob' });
    const client = appIn(await views.page('searchclient'), 'searchclient');
    await expect(client.getByRole('list', { name: 'Results' })).toContainText('search: Result 1 for bob');
    expect(world.core.snapshot().runningApps.find((a) => a.name === 'search')).toMatchObject({ hidden: true, state: 'alive' });
    await expect(appIn(await views.page('search'), 'search').getByRole('status')).toHaveText('Logged in as Alice Example (alice)');
    expect(world.pbx.framesOf('AppGetLogin').map((f) => f.msg.app).sort()).toEqual(['echo', 'search', 'searchclient']);
  } finally {
    views.dispose();
  }
});
