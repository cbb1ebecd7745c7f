/**
 * The UI when the shell places apps in native views of its own (`shell.appViews: 'native'`,
 * Electron), driven here through the browser shell with a core that is told so: a ShellPort
 * that records every `placeAppView` and `openAppDevTools`. The UI must frame no app at all,
 * draw a placeholder where the app in front goes and report its bounds (viewport CSS px), and
 * keep its own menus, dialogs and toasts from disappearing under the native view: hidden while
 * a menu or dialog is open, shrunk clear of toasts, restored afterwards.
 *
 * What Electron would show in the view, the app-frame page top-level, is opened here in a
 * second page of the browser (on its WebSocket), so the app comes alive.
 */
import type { Frame, Locator, Page } from '@playwright/test';
import type { ShellPort } from '../../main/core/client/shell-port.js';
import type { AppViewBounds } from '../../main/core/bridge/views.js';
import { allApps, expect, logIn, shots, test, type World } from './fixtures.js';
import { AppServer, appsConfig } from './probe-apps.js';

let apps: AppServer;
test.beforeEach(async () => {
  apps = await AppServer.start();
});
test.afterEach(async () => {
  await apps.close();
});

/**
 * A stand-in for the Electron shell's port: records what the core asks of it. `opensDevTools`:
 * what `openAppDevTools` answers (false: the view has none); `devTools: false` leaves it out.
 */
function nativeShell(options: { devTools?: boolean } = {}) {
  const placed: (AppViewBounds | undefined)[] = [];
  const devTools: string[] = [];
  const state = { opensDevTools: true };
  const port: ShellPort = {
    view: { appViews: 'native', appDevTools: options.devTools === false ? 'instructions' : 'open' },
    permissionGate: 'session',
    placeAppView: (bounds) => void placed.push(bounds && { ...bounds }),
    ...(options.devTools !== false && {
      openAppDevTools: (viewId: string) => {
        devTools.push(viewId);
        return state.opensDevTools;
      },
    }),
  };
  return { port, placed, devTools, state, last: () => placed.at(-1) };
}

async function startNative(page: Page, world: World, shell: ReturnType<typeof nativeShell>, developer = false): Promise<Locator> {
  await world.start({ config: appsConfig(apps.base), shell: shell.port });
  await world.open();
  await logIn(page, world);
  if (developer) {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('switch', { name: 'Developer mode' }).check();
    await page.getByRole('switch', { name: 'App DevTools' }).check();
    await expect.poll(() => world.core.snapshot().settings.values).toMatchObject({ developerMode: true, appDevTools: true });
    await page.getByRole('button', { name: 'Home', exact: true }).click();
  }
  await allApps(page).getByRole('button', { name: 'Probe', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Probe' })).toBeVisible();
  return page.getByRole('region', { name: 'Probe' });
}

const strip = (page: Page) => page.getByRole('navigation', { name: 'Running apps' });

/** The element's rect as the UI reports it: viewport CSS px, edges rounded. */
function rectOf(locator: Locator): Promise<AppViewBounds> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const x = Math.round(r.left);
    const y = Math.round(r.top);
    return { x, y, width: Math.round(r.right) - x, height: Math.round(r.bottom) - y };
  });
}

/** The app-frame page of the app's view, top-level in a page of its own (what Electron shows in the native view). */
async function attachView(page: Page, world: World, name: string): Promise<Frame> {
  const viewId = world.core.snapshot().runningApps.find((a) => a.name === name)!.viewId;
  const view = await page.context().newPage();
  await view.goto(`${world.shell.origin}/appframe.html?view=${encodeURIComponent(viewId)}&token=${encodeURIComponent(world.shell.token)}`);
  await expect.poll(() => view.frames().some((f) => f.url().includes(`/apps/${name}/probe.htm`))).toBe(true);
  return view.frames().find((f) => f.url().includes(`/apps/${name}/probe.htm`))!;
}

/** Two animation frames of the UI: any placement it had scheduled has been sent. */
const settled = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

test('native app views: a placeholder instead of frames, its bounds reported as they change; menus and dialogs hide the view, toasts shrink it', async ({ page, world }) => {
  const shell = nativeShell();
  const placeholder = await startNative(page, world, shell);
  await expect(placeholder).toBeVisible();
  // No frames at all in the UI: Electron shows the app in a view of its own.
  await expect(page.locator('iframe')).toHaveCount(0);
  expect(page.frames()).toHaveLength(1);
  // Loading: the UI's own "Loading" shows, so the view stays hidden.
  await expect(page.getByText('Loading Probe…')).toBeVisible();
  await settled(page);
  expect(shell.last()).toBeUndefined();

  const app = await attachView(page, world, 'probe');
  await expect(page.getByText('Loading Probe…')).toHaveCount(0);
  await expect.poll(shell.last).toEqual(await rectOf(placeholder));
  const full = shell.last()!;
  expect(full.width).toBeGreaterThan(300);
  expect(full.height).toBeGreaterThan(300);
  await shots(page, 'native-app-view');

  // A re-render that moves nothing sends nothing (the badge changes the strip, not the placeholder).
  const sent = shell.placed.length;
  await app.evaluate(() => (window as unknown as { send(m: unknown): void }).send({ mt: 'Action', type: 'SetBadge', value: 3 }));
  await expect(strip(page).getByRole('img', { name: '3 new' })).toBeVisible();
  await settled(page);
  expect(shell.placed.length).toBe(sent);

  // The window changes size: new bounds, matching the placeholder again.
  await page.setViewportSize({ width: 900, height: 640 });
  await expect.poll(shell.last).toEqual(await rectOf(placeholder));
  expect(shell.last()!.width).toBeLessThan(full.width);
  const current = shell.last()!;

  // The presence menu: hidden while open, back when it closes.
  const presence = page.getByRole('button', { name: /Alice Example/ });
  await presence.click();
  await expect(page.getByRole('dialog', { name: 'Your presence' })).toBeVisible();
  await expect.poll(shell.last).toBeUndefined();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Your presence' })).toHaveCount(0);
  await expect.poll(shell.last).toEqual(current);

  // The app's Permissions menu, then the modal prompt it leads to: hidden throughout, back after the answer.
  await page.getByRole('button', { name: 'Permissions' }).click();
  await expect.poll(shell.last).toBeUndefined();
  await page.getByRole('button', { name: 'Allow microphone and camera…' }).click();
  const prompt = page.getByRole('dialog', { name: '“Probe” wants to use your microphone and camera.' });
  await expect(prompt).toBeVisible();
  await settled(page);
  expect(shell.last()).toBeUndefined();
  await shots(page, 'native-permission-prompt');
  await prompt.getByRole('button', { name: 'Don’t allow' }).click();
  await expect(prompt).toHaveCount(0);
  await expect.poll(shell.last).toEqual(current);

  // A toast: the view keeps clear of the stack, and gets its room back when it goes.
  await app.evaluate(() =>
    (window as unknown as { send(m: unknown): void }).send({ mt: 'ApiRequest', api: 'com.innovaphone.launcher', src: 'n1', msg: { mt: 'AddLocalNotification', title: 'New message', text: 'Hello from Probe' } }),
  );
  const toasts = page.getByRole('region', { name: 'Notifications' });
  await expect(toasts.getByRole('button', { name: 'New message' })).toBeVisible();
  await expect.poll(() => shell.last()?.height ?? 0).toBeLessThan(current.height);
  const stack = (await toasts.boundingBox())!;
  const shrunk = shell.last()!;
  const overlaps = shrunk.x < stack.x + stack.width && stack.x < shrunk.x + shrunk.width && shrunk.y < stack.y + stack.height && stack.y < shrunk.y + shrunk.height;
  expect(overlaps).toBe(false);
  expect(shrunk).toMatchObject({ x: current.x, y: current.y, width: current.width });
  await shots(page, 'native-toast');
  await toasts.getByRole('button', { name: 'Dismiss' }).click();
  await expect(toasts).toHaveCount(0);
  await expect.poll(shell.last).toEqual(current);

  // No app in front: hidden; back in front: placed again.
  await strip(page).getByRole('button', { name: 'Home screen' }).click();
  await expect.poll(shell.last).toBeUndefined();
  await strip(page).getByRole('button', { name: 'Probe', exact: true }).click();
  await expect.poll(shell.last).toEqual(current);

  // Identical bounds are never sent twice in a row.
  const repeats = shell.placed.filter((b, i) => i > 0 && JSON.stringify(b) === JSON.stringify(shell.placed[i - 1]));
  expect(repeats).toEqual([]);

  // The last app closes: nothing may be seen.
  await strip(page).getByRole('button', { name: 'Close Probe' }).click();
  await expect(strip(page)).toHaveCount(0);
  await expect.poll(shell.last).toBeUndefined();
});

test('native app views: Open DevTools asks the shell, which opens them itself — no instructions; its refusal is shown', async ({ page, world }) => {
  const shell = nativeShell();
  const placeholder = await startNative(page, world, shell, true);
  await attachView(page, world, 'probe');
  await expect.poll(shell.last).toEqual(await rectOf(placeholder));
  const viewId = world.core.snapshot().runningApps[0]!.viewId;

  const button = page.getByRole('button', { name: 'Open DevTools' });
  await expect(button).not.toHaveAttribute('aria-haspopup');
  // The view has no DevTools (opened before they were turned on): the core's error shows.
  shell.state.opensDevTools = false;
  await button.click();
  await expect(page.getByRole('alert')).toContainText('reload it, then try again');
  shell.state.opensDevTools = true;
  await button.click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(shell.devTools).toEqual([viewId, viewId]);
  // One more command after it (results come back in order): the DevTools result has been handled by
  // then. (A dialog in the way would be modal: the click could not happen.)
  await page.getByRole('button', { name: /Alice Example/ }).click({ timeout: 5000 });
  await expect.poll(shell.last).toBeUndefined();
  await expect(page.getByRole('dialog', { name: 'DevTools for Probe' })).toHaveCount(0);
});

test('native app views: a shell without DevTools of its own gets the instructions, and the dialog hides the view', async ({ page, world }) => {
  const shell = nativeShell({ devTools: false });
  const placeholder = await startNative(page, world, shell, true);
  await attachView(page, world, 'probe');
  await expect.poll(shell.last).toEqual(await rectOf(placeholder));
  const placed = shell.last();
  await page.getByRole('button', { name: 'Open DevTools' }).click();
  const dialog = page.getByRole('dialog', { name: 'DevTools for Probe' });
  await expect(dialog).toBeVisible();
  await expect.poll(shell.last).toBeUndefined();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  await expect.poll(shell.last).toEqual(placed);
});
