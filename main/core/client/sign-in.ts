/**
 * Single sign-on (OAuth2) around the PBX session: which methods the login screen offers for a
 * PBX, what the IT policy refuses, and — once the PBX has said who signed in — the account
 * named after that user, with the session moved from memory to that user's keychain entry.
 */
import type { LoginMethodsView } from '../bridge/views.js';
import type { Logger } from '../common/log.js';
import type { ConfigService } from '../config/config-service.js';
import type { Account } from '../config/settings.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import { CredentialVault, credentialAccount, type VaultEvents } from '../credentials/session-vault.js';
import type { SignInVault } from '../credentials/sign-in-vault.js';
import { pbxWebSocketUrl } from '../pbx/address.js';
import { offeredMethods, type LoginMethod } from '../pbx/login-methods.js';
import { PbxSession, type PbxSessionOptions } from '../pbx/session.js';

/** Why the IT policy does not allow logging in with `method`, or undefined. */
export function methodRefusal(config: ConfigService, method: LoginMethod): string | undefined {
  const forced = config.loginMethod;
  if (forced === undefined || forced === method) return undefined;
  return forced === 'oauth2' ? 'Your IT department allows only single sign-on for this client.' : 'Your IT department allows only the login with user name and password for this client.';
}

/** The address is usable and the one the IT policy requires (if it requires one). */
export function addressRefusal(config: ConfigService, pbx: string): string | undefined {
  let url: string;
  try {
    url = pbxWebSocketUrl(pbx);
  } catch (e) {
    return (e as Error).message;
  }
  const { values, locked } = config.effective;
  if (locked.has('pbx') && values.pbx !== undefined && pbxWebSocketUrl(values.pbx) !== url) return `Your IT department requires the PBX "${values.pbx}".`;
  return undefined;
}

/** What the PBX at `pbx` offers (asked on a connection of its own), after the IT policy. */
export async function loginMethodsFor(pbx: string, config: ConfigService, log: Logger, sessionOptions: Partial<PbxSessionOptions>): Promise<LoginMethodsView> {
  const url = pbxWebSocketUrl(pbx);
  // The certificates the user trusted for this PBX, and IT's.
  const trusted = [
    ...config.settingsFile.accounts.flatMap((a) => (a.trustedFingerprint && sameUrl(a.address, url) ? [a.trustedFingerprint] : [])),
    ...config.effective.values.certificateFingerprints,
  ];
  const probe = new PbxSession({ ...sessionOptions, address: pbx, trustedFingerprints: trusted, log });
  return offeredMethods(await probe.probeLoginMethods(), config.loginMethod);
}

function sameUrl(address: string, url: string): boolean {
  try {
    return pbxWebSocketUrl(address) === url;
  } catch {
    return false;
  }
}

export interface CompleteSignIn {
  session: PbxSession;
  vault: SignInVault;
  pbx: string;
  /** Where the session is kept: the keychain, or memory when "stay logged in" is off. */
  store: CredentialStore;
  /** The keychain: with "stay logged in" off, an older entry of the same user is removed from it. */
  keychain: CredentialStore | undefined;
  /** The account already saved for this PBX and user, if any (its id, label and trusted certificate stay). */
  existing: (pbx: string, username: string) => Partial<Account>;
  vaultEvents: VaultEvents;
}

/**
 * The PBX signed the user in: save the account as that user (the PBX's `sip`), and keep the
 * session under that user's entry. The IT policy's user-name pattern applies as to a typed name.
 */
export async function completeSignIn(config: ConfigService, c: CompleteSignIn): Promise<{ ok: true; account: Account } | { ok: false; error: string }> {
  const username = c.session.user?.sip;
  if (!username) return { ok: false, error: 'The PBX did not say which user signed in.' };
  const refusal = config.usernameRefusal(username);
  if (refusal !== undefined) return { ok: false, error: `The user "${username}" may not log in: ${refusal}.` };
  const saved = await config.saveAccount({ ...c.existing(c.pbx, username), address: c.pbx, username }, { waitForDisk: false });
  if (!saved.ok) return { ok: false, error: saved.errors.map((e) => e.reason).join('; ') };
  const entry = credentialAccount(pbxWebSocketUrl(c.pbx), username);
  if (c.keychain) await new CredentialVault(c.keychain, entry).clear();
  await c.vault.bind(new CredentialVault(c.store, entry, c.vaultEvents));
  return { ok: true, account: saved.value };
}
