/**
 * The sample App Services behind an e2e test's App Objects. A spec writes its App URLs against
 * a placeholder origin (the services' port is known only once they listen), starts the
 * services for them, and logs in with the apps on the home screen.
 */
import type { Page } from '@playwright/test';
import { sampleAppsFor } from '../apps/catalog.js';
import { startSampleApps, type SampleApps } from '../apps/server.js';
import type { AppObjectConfig, EmulatorConfig } from '../pbx/index.js';
import { allApps, expect, logIn, type StartOptions, type World } from './fixtures.js';

const PLACEHOLDER_ORIGIN = 'http://apps.invalid';

/** An App Object served by the sample App Service of its name; the service checks app logins with its password. */
export function sampleAppObject(name: string, title = name, extra: Partial<AppObjectConfig> = {}): AppObjectConfig {
  return { name, title, password: `${name}-pwd`, url: `${PLACEHOLDER_ORIGIN}/apps/${name}/${name}`, ...extra };
}

/**
 * Two providers of `com.innovaphone.phone`, both the sample phone app: Phone and a second one,
 * Softphone — for the user to choose between (by title), or for IT to name one.
 */
export function phoneAppObjects(extra: Partial<AppObjectConfig> = {}): AppObjectConfig[] {
  const apis = { 'com.innovaphone.phone': {} };
  return [sampleAppObject('phone', 'Phone', { apis, ...extra }), sampleAppObject('softphone', 'Softphone', { apis, ...extra })];
}

/** The token the Profile sample's App Object announces for `com.innovaphone.avatar` (its service checks picture requests with it). */
export const AVATAR_TOKEN = 'profile-avatar-token-0123456789';

/**
 * The Profile sample (test/apps/pages/profile.js): provides the user's picture
 * (`com.innovaphone.avatar` with `{filename, token, domain}`) and sends `UpdateProfile` when it changes.
 */
export function profileAppObject(extra: Partial<AppObjectConfig> = {}, domain = 'example.com'): AppObjectConfig {
  return sampleAppObject('profile', 'Profile', { apis: { 'com.innovaphone.avatar': { filename: 'avatar.png', token: AVATAR_TOKEN, domain } }, ...extra });
}

/** Start the sample App Services for `config`'s App Objects and point their URLs at them. */
export async function serveSampleApps(config: EmulatorConfig): Promise<SampleApps> {
  const sample = await startSampleApps({ apps: sampleAppsFor(config, PLACEHOLDER_ORIGIN, true).apps });
  for (const a of config.appObjects) a.url = a.url.replace(PLACEHOLDER_ORIGIN, sample.origin);
  return sample;
}

/**
 * The services, the emulator and the core with `config`; the UI open and alice logged in, Echo's
 * tile shown. `pbxOnly` changes the config after the services started: what the PBX has and
 * the services do not (a different password).
 */
export async function startWithSampleApps(
  world: World,
  page: Page,
  config: EmulatorConfig,
  { pbxOnly, ...options }: Omit<StartOptions, 'config'> & { pbxOnly?: (config: EmulatorConfig) => void } = {},
): Promise<SampleApps> {
  const sample = await serveSampleApps(config);
  pbxOnly?.(config);
  await world.start({ config, ...options });
  await world.open();
  await logIn(page, world);
  await expect(allApps(page).getByRole('button', { name: 'Echo' })).toBeVisible();
  return sample;
}
