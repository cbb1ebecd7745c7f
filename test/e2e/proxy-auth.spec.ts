/** A proxy that wants a user name and password: asked in our login screen, asked again when wrong, then logged in. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { browserShellPort } from '../../main/core/client/shell-port.js';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.js';
import { allApps, expect, logIn, shots, test } from './fixtures.js';

let proxy: ConnectProxy;
test.beforeEach(async () => {
  proxy = await startConnectProxy({ auth: { username: 'jdoe', password: 'Pr0xy-S3cret!', realm: 'Example Corp' } });
});
test.afterEach(async () => {
  await proxy.close();
});

test('the proxy asks: the form names it, a wrong password is asked again, the right one logs in', async ({ page, world }) => {
  // The desktop build's system proxy, as Chromium would answer for this PBX.
  await world.start({ shell: { ...browserShellPort, resolveProxy: async () => `PROXY ${proxy.hostPort}` } });
  await world.open();
  await logIn(page, world);

  const question = page.getByRole('alert');
  await expect(question).toContainText(`The proxy ${proxy.hostPort} needs a user name and password.`);
  await expect(question).toContainText('It asks for the login of “Example Corp”.');
  await expect(page.getByRole('textbox', { name: 'Proxy user name' })).toBeFocused();
  await expect(page.getByRole('status')).toContainText('Offline — the proxy needs a user name and password');
  await shots(page, 'login-proxy');

  // Typed as a person types (the focus must stay put while they do), then Tab to the password.
  await page.keyboard.type('jdoe');
  await page.keyboard.press('Tab');
  await page.keyboard.type('wrong-guess');
  await expect(page.getByRole('textbox', { name: 'Proxy user name' })).toHaveValue('jdoe');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(question).toContainText('The proxy did not accept this user name and password. Please try again.');
  // The user name stays, the password is asked again.
  await expect(page.getByRole('textbox', { name: 'Proxy user name' })).toHaveValue('jdoe');
  await expect(page.getByLabel('Proxy password')).toHaveValue('');
  await expect(page.getByLabel('Proxy password')).toBeFocused();
  await shots(page, 'login-proxy-refused');

  await page.getByLabel('Proxy password').fill('Pr0xy-S3cret!');
  await page.keyboard.press('Enter');
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
  // Refused without credentials: the login screen's question which login methods the PBX offers
  // (asked once the address settled) and the login; then the wrong password; then the right one.
  expect(proxy.requests.map((r) => r.status)).toEqual([407, 407, 407, 200]);
  for (const file of readdirSync(world.configDir)) expect(readFileSync(join(world.configDir, file), 'utf8')).not.toContain('Pr0xy-S3cret!');
});

test('Cancel leaves the proxy question for the login form', async ({ page, world }) => {
  await world.start({ shell: { ...browserShellPort, resolveProxy: async () => `PROXY ${proxy.hostPort}` } });
  await world.open();
  await logIn(page, world);
  await expect(page.getByRole('alert')).toContainText('needs a user name and password');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Proxy user name' })).toHaveCount(0);
});
