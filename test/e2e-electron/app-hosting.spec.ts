/**
 * The desktop app end to end, in Electron: log in to the PBX emulator, open the Echo sample
 * app in its own app view, the app logs in to its own App Service through the client, and its
 * badge reaches the running-apps strip and the home tile. Also: the shell window's page and the
 * app view's page see exactly what their preloads expose, and no Node (control 1).
 */
import { ALICE, allApps, appView, expect, logIn, openApp, running, skipWithoutElectron, test } from './fixtures.js';

skipWithoutElectron();

test('log in, open Echo: the app logs in to its own service through the client', async ({ desktop }) => {
  await logIn(desktop);
  const { app } = await openApp(desktop, 'Echo');
  await expect(app.getByRole('status')).toHaveText(`Logged in as ${ALICE.dn} (${ALICE.user})`);
  await expect(app.getByText('Session key: verified')).toBeVisible();
  const login = await desktop.sample.waitFor('echo', 'AppLogin');
  expect(login).toMatchObject({ app: 'echo', pbxObj: 'echo', sip: ALICE.user });
  expect(desktop.pbx.framesOf('AppGetLogin').map((f) => f.msg.app)).toEqual(['echo']);
  await expect(running(desktop.window).getByRole('button', { name: 'Echo', exact: true })).toBeVisible();
});

test('the badge an app sets shows on its running-apps button and on its home tile', async ({ desktop }) => {
  await logIn(desktop);
  const { app } = await openApp(desktop, 'Echo');
  await expect(app.getByRole('status')).toHaveText(`Logged in as ${ALICE.dn} (${ALICE.user})`);
  await app.getByRole('button', { name: 'Count' }).click();
  await app.getByRole('button', { name: 'Count' }).click();
  await expect(app.getByText('Count: 2')).toBeVisible();
  await app.getByRole('button', { name: 'Set badge' }).click();
  const strip = running(desktop.window);
  await expect(strip.getByRole('button', { name: 'Echo', exact: true })).toHaveAccessibleDescription(/2 new/);
  await strip.getByRole('button', { name: 'Home screen' }).click();
  const tile = allApps(desktop.window)
    .getByRole('listitem')
    .filter({ has: desktop.window.getByRole('button', { name: 'Echo', exact: true }) });
  await expect(tile.getByRole('img', { name: '2 new' })).toBeVisible();
  // The app kept running behind the home screen: back to it, its state is still there.
  await strip.getByRole('button', { name: 'Echo', exact: true }).click();
  await expect((await appView(desktop, 'Echo')).app.getByText('Count: 2')).toBeVisible();
});

test('no Node in the shell window or an app view; each page sees only its own preload', async ({ desktop }) => {
  const globalsOf = (names: string[]) => names.map((n) => typeof (globalThis as Record<string, unknown>)[n]);
  const names = ['require', 'process', 'module', 'Buffer', 'myapps', 'myappsAppFrame'];
  expect(await desktop.window.evaluate(globalsOf, names)).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'object', 'undefined']);
  expect(await desktop.window.evaluate(() => Object.keys((globalThis as unknown as { myapps: object }).myapps).sort())).toEqual(['invoke', 'onEvent']);
  await logIn(desktop);
  const { page } = await openApp(desktop, 'Echo');
  expect(await page.evaluate(globalsOf, names)).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'object']);
  expect(await page.evaluate(() => Object.keys((globalThis as unknown as { myappsAppFrame: object }).myappsAppFrame).sort())).toEqual(['onFrame', 'send']);
  // The app's own frame gets nothing from either preload.
  const appFrame = page.frames().find((f) => f.url().includes('/apps/echo/echo.htm'));
  expect(appFrame).toBeDefined();
  expect(await appFrame!.evaluate(globalsOf, names)).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
});
