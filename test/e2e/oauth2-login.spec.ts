/**
 * Single sign-on in the browser shell, in Chromium: the login screen offers the method the PBX
 * announces, the identity provider's page opens in a new window (the browser IS the system
 * browser here), and the sign-in there logs the client in. The provider is the emulator's real
 * OpenID Connect provider (test/pbx/idp.ts).
 */
import type { Page } from '@playwright/test';
import { startIdentityProvider, type IdentityProvider } from '../pbx/idp.js';
import { allApps, e2eConfig, expect, shots, test, type World } from './fixtures.js';

let idp: IdentityProvider | undefined;
test.afterEach(async () => {
  await idp?.close();
  idp = undefined;
});

async function ssoWorld(world: World, userDigest = true): Promise<void> {
  // bob needs a second device's approval (two-factor in the e2e config).
  idp = await startIdentityProvider({ accounts: [{ username: 'alice', password: 'idp-secret' }, { username: 'bob', password: 'bob-idp-secret' }] });
  const config = e2eConfig(world.iconBase);
  config.oauth2 = { ...idp.pbxConfig, name: 'Contoso ID' };
  if (!userDigest) config.userDigest = false;
  await world.start({ config });
  await world.open();
}

/** Clicks "Sign in with Contoso ID" and returns the window it opened. */
async function startSignIn(p: Page): Promise<Page> {
  const popup = p.waitForEvent('popup');
  await p.getByRole('button', { name: 'Sign in with Contoso ID' }).click();
  const signIn = await popup;
  await expect(signIn.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  return signIn;
}

async function signInAt(signIn: Page, password: string, username = 'alice'): Promise<void> {
  await signIn.getByLabel('Username').fill(username);
  await signIn.getByLabel('Password').fill(password);
  await signIn.getByRole('button', { name: 'Sign in' }).click();
}

test('the login screen offers single sign-on; the IdP page opens in a new window and signing in there reaches the home screen', async ({ page: p, world }) => {
  await ssoWorld(world);
  await p.getByRole('textbox', { name: 'PBX' }).fill(world.pbx.url);
  await expect(p.getByRole('button', { name: 'Sign in with Contoso ID' })).toBeVisible();
  // This PBX offers passwords too.
  await expect(p.getByLabel('Password')).toBeVisible();
  await shots(p, 'login-sso');
  const signIn = await startSignIn(p);
  await expect(p.getByRole('main').getByText('Waiting for sign-in in your browser…')).toBeVisible();
  await expect(p.getByRole('textbox', { name: 'Sign-in page' })).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\/oauth2\/start\?state=/);
  await expect(p.getByRole('link', { name: 'Open the sign-in page' })).toBeVisible();
  await shots(p, 'login-sso-waiting');
  await signInAt(signIn, 'idp-secret');
  await expect(signIn.getByText('Signed in. You can close this window.')).toBeVisible();
  await expect(allApps(p).getByRole('button', { name: 'Contacts' })).toBeVisible();
  expect(world.core.snapshot().account).toMatchObject({ username: 'alice' });
});

test('a wrong password at the IdP: its error there, the client keeps waiting; the right one logs in', async ({ page: p, world }) => {
  await ssoWorld(world);
  await p.getByRole('textbox', { name: 'PBX' }).fill(world.pbx.url);
  const signIn = await startSignIn(p);
  await signInAt(signIn, 'wrong');
  await expect(signIn.getByRole('alert')).toHaveText('Wrong username or password.');
  await expect(p.getByRole('main').getByText('Waiting for sign-in in your browser…')).toBeVisible();
  await signInAt(signIn, 'idp-secret');
  await expect(allApps(p).getByRole('button', { name: 'Contacts' })).toBeVisible();
});

test('Cancel at the IdP shows the error; Cancel in the client goes back to the login form with nothing stored', async ({ page: p, world }) => {
  await ssoWorld(world);
  await p.getByRole('textbox', { name: 'PBX' }).fill(world.pbx.url);
  const atIdp = await startSignIn(p);
  await atIdp.getByRole('button', { name: 'Cancel' }).click();
  await expect(p.getByRole('alert')).toContainText('The single sign-on did not succeed.');
  await expect(p.getByRole('alert')).toContainText('sign-in cancelled');

  await startSignIn(p);
  await expect(p.getByRole('main').getByText('Waiting for sign-in in your browser…')).toBeVisible();
  await p.getByRole('button', { name: 'Cancel' }).click();
  await expect(p.getByRole('button', { name: 'Sign in with Contoso ID' })).toBeVisible();
  await expect(p.getByRole('main').getByText('Waiting for sign-in in your browser…')).toHaveCount(0);
  expect(world.core.snapshot().connection).toEqual({ kind: 'disconnected', reason: 'closed' });
  expect((await world.store.accounts()).filter((a) => a.includes(world.pbx.hostPort))).toEqual([]);
});

test('a PBX without user passwords: no password form, single sign-on only', async ({ page: p, world }) => {
  await ssoWorld(world, false);
  await p.getByRole('textbox', { name: 'PBX' }).fill(world.pbx.url);
  await expect(p.getByRole('button', { name: 'Sign in with Contoso ID' })).toBeVisible();
  await expect(p.getByLabel('Password')).toHaveCount(0);
  await expect(p.getByRole('button', { name: 'Log in' })).toHaveCount(0);
  await expect(p.getByRole('textbox', { name: 'Username' })).toHaveCount(0);
});

test('two-factor after single sign-on: the code is shown until another device approves', async ({ page: p, world }) => {
  await ssoWorld(world);
  await p.getByRole('textbox', { name: 'PBX' }).fill(world.pbx.url);
  const signIn = await startSignIn(p);
  await signInAt(signIn, 'bob-idp-secret', 'bob');
  await expect(signIn.getByText('Signed in. You can close this window.')).toBeVisible();
  const code = world.pbx.userSessions('bob').find((s) => s.pending)?.code;
  expect(code).toBeDefined();
  await expect(p.getByText(`Confirm this login on another device: code ${code}`)).toBeVisible();
  world.pbx.approve('bob');
  await expect(allApps(p).getByRole('button', { name: 'Contacts' })).toBeVisible();
  expect(world.core.snapshot().account).toMatchObject({ username: 'bob' });
});
