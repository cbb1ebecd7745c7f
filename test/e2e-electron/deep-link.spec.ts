/**
 * Deep links in Electron (security control 14): `myapps://app/echo?x=1` opens Echo with its
 * arguments — handed over by a second instance (how Windows and Linux deliver a link to the
 * running app) or by macOS's `open-url` event. The second instance exits; the running one
 * keeps its window and session.
 */
import { ALICE, appView, expect, logIn, secondInstance, skipWithoutElectron, test } from './fixtures.js';

skipWithoutElectron();

test('a second instance with myapps://app/echo?x=1 opens Echo with args in the running app and exits', async ({ desktop }) => {
  await logIn(desktop);
  const windowsBefore = desktop.app.windows().length;
  expect(await secondInstance(desktop, ['--', 'myapps://app/echo?x=1'])).toBe(0);
  const { app } = await appView(desktop, 'Echo');
  await expect(app.getByRole('status')).toHaveText(`Logged in as ${ALICE.dn} (${ALICE.user})`);
  await expect(app.getByText('Args: {"x":"1"}')).toBeVisible();
  expect((await desktop.sample.waitFor('echo', 'AppLogin')).sip).toBe(ALICE.user);
  // One more page (the app view), no second main window.
  expect(desktop.app.windows().filter((p) => p.url().includes('/index.html'))).toHaveLength(1);
  expect(desktop.app.windows().length).toBeGreaterThan(windowsBefore);
});

test('open-url with myapps://app/echo?x=1 opens Echo with args; a second link updates them', async ({ desktop }) => {
  await logIn(desktop);
  const openUrl = (url: string) =>
    desktop.app.evaluate(({ app }, link) => {
      app.emit('open-url', { preventDefault() {} }, link);
    }, url);
  await openUrl('myapps://app/echo?x=1');
  const { app } = await appView(desktop, 'Echo');
  await expect(app.getByText('Args: {"x":"1"}')).toBeVisible();
  await openUrl('myapps://app/echo?x=2');
  await expect(app.getByText('Args: {"x":"2"}')).toBeVisible();
});

test('a malformed link from a second instance opens nothing', async ({ desktop }) => {
  await logIn(desktop);
  const before = desktop.app.windows();
  // Positive control: a valid link to Badge last, in the same hand-over. The links are followed
  // in order, so an app view a malformed link opened would have been created before Badge's.
  // (Badge then is in front: the home screen is no longer what shows that nothing else opened.)
  expect(await secondInstance(desktop, ['--', 'myapps://app/../echo', 'myapps://evil/echo', 'javascript:alert(1)', 'myapps://app/badge'])).toBe(0);
  const { page: badge } = await appView(desktop, 'Badge');
  // Every page but Badge's was there before (a view just created may not show its URL yet).
  expect(desktop.app.windows().filter((p) => p !== badge && !before.includes(p)).map((p) => p.url())).toEqual([]);
  // With no other app view there is no other app to log in: the only app login is Badge's.
  await desktop.pbx.waitFor('AppGetLogin', (m: { app?: string }) => m.app === 'badge');
  expect(desktop.pbx.framesOf('AppGetLogin').map((f) => (f.msg as { app?: string }).app)).toEqual(['badge']);
});
