/**
 * Keychain tests need a real Secret Service: `npm test` runs vitest inside
 * test/with-keyring.sh, which starts a private D-Bus session with an unlocked gnome-keyring
 * and sets MYAPPS_TEST_KEYRING=1. Outside it the tests skip and say why — except in CI, where
 * a missing keyring is a failure.
 */
import { randomBytes } from 'node:crypto';

export const keyringAvailable = process.env.MYAPPS_TEST_KEYRING === '1';

if (!keyringAvailable) {
  if (process.env.CI === 'true') throw new Error('CI must run the keychain tests: start vitest through test/with-keyring.sh');
  console.warn('keychain tests skipped: not running inside test/with-keyring.sh (needs dbus-run-session and gnome-keyring-daemon)');
}

/** A keychain service name of its own for each test, so tests never see each other's entries. */
export function testService(): string {
  return `myapps-desktop-test-${randomBytes(4).toString('hex')}`;
}
