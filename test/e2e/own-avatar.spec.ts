/**
 * The user's own picture in the header, end to end in the browser shell with the sample Profile
 * app (test/apps/pages/profile.js) as the `com.innovaphone.avatar` provider: its App Service
 * serves the picture only for the right `auth` and counts every request; after "Change picture"
 * (the service serves the next picture, the page sends `UpdateProfile` to `@client`) the header
 * fetches the picture again and shows the new one. Without a provider, or when the picture is
 * refused, the name's initials.
 */
import type { Page } from '@playwright/test';
import { pictureSize, type SampleApps } from '../apps/server.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { allApps, expect, shots, test, type World } from './fixtures.js';
import { profileAppObject, sampleAppObject, startWithSampleApps } from './sample-services.js';

function config(withProfile = true): EmulatorConfig {
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', apps: withProfile ? ['echo', 'profile'] : ['echo'] }],
    appObjects: [sampleAppObject('echo', 'Echo'), ...(withProfile ? [profileAppObject()] : [])],
  };
}

let sample: SampleApps | undefined;
test.afterEach(async () => {
  await sample?.close();
  sample = undefined;
});

async function start(world: World, page: Page, cfg: EmulatorConfig, pbxOnly?: (c: EmulatorConfig) => void): Promise<SampleApps> {
  sample = await startWithSampleApps(world, page, cfg, pbxOnly ? { pbxOnly } : {});
  return sample;
}

const trigger = (page: Page) => page.locator('.presence-trigger');
const picture = (page: Page) => trigger(page).getByRole('img', { name: 'Your profile picture' });
const naturalWidth = (page: Page) => picture(page).evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : -1));
const profileApp = (page: Page) => page.frameLocator('iframe[title="Profile"]').frameLocator('iframe[title="Profile"]');

test('the header shows the provider’s picture; after the Profile app’s UpdateProfile it is fetched again and shows the new one', async ({ page, world }) => {
  const apps = await start(world, page, config());
  await expect(picture(page)).toBeVisible();
  await expect.poll(() => naturalWidth(page)).toBe(pictureSize(1));
  const served = apps.pictureRequests('profile');
  expect(served.length).toBeGreaterThan(0);
  expect(served.every((r) => r.status === 200 && r.version === 1)).toBe(true);
  const firstSrc = await picture(page).getAttribute('src');
  await shots(page, 'own-avatar');

  await allApps(page).getByRole('button', { name: 'Profile' }).click();
  const profile = profileApp(page);
  await expect(profile.getByText(/^Logged in as/)).toBeVisible();
  const before = served.length;
  await profile.getByRole('button', { name: 'Change picture' }).click();
  await expect(profile.getByText('Picture: 2')).toBeVisible();
  await expect(profile.getByText('Profile update: taken')).toBeVisible();
  // A new URL, fetched again from the provider, and the new picture shown.
  await expect.poll(() => picture(page).getAttribute('src')).not.toBe(firstSrc);
  await expect.poll(() => naturalWidth(page)).toBe(pictureSize(2));
  const again = apps.pictureRequests('profile').slice(before);
  expect(again.length).toBeGreaterThan(0);
  expect(again.at(-1)).toMatchObject({ status: 200, version: 2 });
  expect(apps.pictureRequests('profile').filter((r) => r.status !== 200)).toEqual([]);
});

test('no avatar provider: the initials of the name, no picture', async ({ page, world }) => {
  await start(world, page, config(false));
  // Positive control: the header shows the user (the name the initials come from).
  await expect(trigger(page).getByText('Alice Example')).toBeVisible();
  await expect(trigger(page).locator('.own-avatar-initials')).toHaveText('AE');
  await expect(trigger(page).getByRole('img')).toHaveCount(0);
});

test('a picture the provider refuses (another token at the PBX): the initials instead', async ({ page, world }) => {
  const apps = await start(world, page, config(), (c) => {
    const avatar = c.appObjects.find((a) => a.name === 'profile')!.apis!['com.innovaphone.avatar'] as { token: string };
    avatar.token = 'not-the-services-token';
  });
  // The picture was asked for and refused (403), and the UI fell back.
  await expect.poll(() => apps.pictureRequests('profile').map((r) => r.status)).toContain(403);
  await expect(trigger(page).locator('.own-avatar-initials')).toHaveText('AE');
  await expect(trigger(page).getByRole('img')).toHaveCount(0);
});
