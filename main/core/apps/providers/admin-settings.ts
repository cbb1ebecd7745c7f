/**
 * `adminSettings` of the `com.innovaphone.client` model (app-hosting.md §3.4): the settings an
 * administrator sets, as `{<key>: {value, force}}`, where `force` means the user may not change
 * it. Ours are the IT policy's (docs/it-deployment.md): each value is the one in force, and
 * `force` is true where the policy enforces it (or an unreadable enforced value failed closed).
 *
 * Only settings an app may have a use for are listed. What guards the client itself — the PBX
 * address, user-name pattern, trusted certificates, allowed and blocked apps, the update feed —
 * is not an app's business and stays out.
 */
import type { Effective } from '../../config/effective.js';

/** The policy keys apps see, in this order. */
export const adminSettingKeys = ['developerMode', 'appDevTools', 'autostart', 'updates', 'updateChannel', 'confirmCalls', 'unloadIdleAppsAfterMinutes'] as const;

export type AdminSettings = Record<(typeof adminSettingKeys)[number], { value: unknown; force: boolean }>;

export function adminSettings(effective: Pick<Effective, 'values' | 'locked'>): AdminSettings {
  return Object.fromEntries(adminSettingKeys.map((key) => [key, { value: effective.values[key], force: effective.locked.has(key) }])) as AdminSettings;
}
