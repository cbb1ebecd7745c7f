/** The login screen in every state: progress, 2FA, errors, certificates, redirect, expired session, policy. */
import { createServer } from 'node:net';
import { SessionStore } from '../pbx/index.js';
import { allApps, e2eConfig, expect, logIn, reopenOnStoredSession, shots, test } from './fixtures.js';

test('log in: visible progress, then the home screen; password field cleared', async ({ page, world }) => {
  await world.open();
  await expect(page.getByRole('heading', { name: 'Log in to myApps' })).toBeVisible();
  await shots(page, 'login');
  await logIn(page, world);
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText(`Connected to ${world.pbx.hostPort}`);
  await shots(page, 'home');
});

test('keyboard only: Tab through the form and Enter logs in', async ({ page, world }) => {
  await world.open();
  await page.getByRole('textbox', { name: 'PBX' }).focus();
  await page.keyboard.type(world.pbx.url);
  await page.keyboard.press('Tab');
  await page.keyboard.type('alice');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Secret123!');
  await page.keyboard.press('Enter');
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
});

test('two-factor: the code is shown until another device approves', async ({ page, world }) => {
  await world.open();
  await logIn(page, world, 'bob', 'bobpass');
  await expect(page.getByText(/Confirm this login on another device: code \d{4}/)).toBeVisible();
  const code = world.pbx.userSessions('bob').find((s) => s.pending)?.code;
  await expect(page.getByText(`Confirm this login on another device: code ${code}`)).toBeVisible();
  await expect(page.getByRole('status')).toContainText('Waiting for confirmation on another device');
  await shots(page, 'login-2fa');
  world.pbx.approve('bob');
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
});

test('two-factor denied, and cancel while waiting', async ({ page, world }) => {
  await world.open();
  await logIn(page, world, 'bob', 'bobpass');
  await expect(page.getByText(/Confirm this login on another device/)).toBeVisible();
  world.pbx.deny('bob');
  await expect(page.getByRole('alert')).toContainText('Wrong username or password.');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText(/Confirm this login on another device/)).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
});

test('wrong password: a clear error, nothing else happens', async ({ page, world }) => {
  await world.open();
  await logIn(page, world, 'alice', 'wrong');
  await expect(page.getByRole('alert')).toContainText('Wrong username or password.');
  await shots(page, 'login-wrong-password');
});

test('unreachable PBX: a clear error with a hint', async ({ page, world }) => {
  await world.open();
  const url = world.pbx.url;
  await world.pbx.stop();
  await page.getByRole('textbox', { name: 'PBX' }).fill(url);
  await page.getByRole('textbox', { name: 'Username' }).fill('alice');
  await page.getByLabel('Password').fill('x');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('The PBX could not be reached.');
});

test('untrusted certificate: fingerprint shown, trust it, log in', async ({ page, world }) => {
  await world.start({ tls: true });
  await world.open();
  await logIn(page, world);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The PBX certificate is not trusted.');
  await expect(alert).toContainText(world.pbx.fingerprint256!);
  await shots(page, 'login-certificate');
  await page.getByRole('button', { name: 'Trust this certificate' }).click();
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
  expect(world.core.snapshot().account?.trustedFingerprint).toBe(world.pbx.fingerprint256);
});

test('redirect: "connecting to your home PBX" while the home PBX answers slowly', async ({ page, world }) => {
  // A home PBX that accepts TCP but never answers: the WebSocket handshake waits.
  const silent = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  const config = e2eConfig(world.iconBase);
  config.users = config.users.map((u) => (u.sip === 'carol' ? { ...u, redirect: { host: `127.0.0.1:${port}` } } : u));
  await world.start({ config, sessions: new SessionStore() });
  await world.open();
  await logIn(page, world, 'carol', 'carolpass');
  await expect(page.getByRole('status')).toContainText(`Connecting to your home PBX 127.0.0.1:${port}`);
  await shots(page, 'login-redirect');
  await page.getByRole('button', { name: 'Cancel' }).click();
  silent.close();
});

test('expired session at start: the login screen says so', async ({ page, world }) => {
  test.skip(world.store.kind !== 'keychain', 'needs a keychain to keep a session across a restart (run under test/with-keyring.sh)');
  await world.open();
  await logIn(page, world, 'alice', 'Secret123!', true);
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
  world.pbx.expireSessions('alice');
  await world.restartClient();
  await world.open();
  await expect(page.getByRole('alert')).toContainText('Your session has expired. Please log in again.');
  await expect(page.getByRole('textbox', { name: 'Username' })).toHaveValue('alice');
  await shots(page, 'login-expired');
});

test('stay logged in: the next start resumes without a password, showing saved apps first', async ({ page, world }) => {
  test.skip(world.store.kind !== 'keychain', 'needs a keychain (run under test/with-keyring.sh)');
  await reopenOnStoredSession(page, world);
  await expect(page.getByRole('status')).toContainText('Connected to');
});

test('policy: PBX prefilled and locked, other items locked in settings', async ({ page, world }) => {
  await world.restartClient({ policy: { enforced: { pbx: world.pbx.url, developerMode: false } } });
  await world.open();
  const pbx = page.getByRole('textbox', { name: 'PBX' });
  await expect(pbx).toHaveValue(world.pbx.url);
  await expect(pbx).toHaveAttribute('readonly', '');
  await expect(page.getByText('Set by your IT department')).toBeVisible();
  await shots(page, 'login-policy');
  await page.getByRole('textbox', { name: 'Username' }).fill('alice');
  await page.getByLabel('Password').fill('Secret123!');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
});
