/**
 * One account's PBX session, wired to configuration and the keychain:
 * - certificate trust = the account's own fingerprint plus the policy's `certificateFingerprints`;
 * - session credentials in the credential store, one entry per (PBX, user);
 * - the home screen cached for an offline start each time the PBX sends a new app list.
 */
import type { Logger } from '../common/log.js';
import type { ConfigService } from '../config/config-service.js';
import type { Account, CachedApp } from '../config/settings.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import { CredentialVault, credentialAccount, type VaultEvents } from '../credentials/session-vault.js';
import { pbxWebSocketUrl } from '../pbx/address.js';
import { PbxSession, type AppsSnapshot, type PbxSessionOptions } from '../pbx/session.js';
import type { SessionVault } from '../pbx/vault.js';

export interface AccountSessionDeps {
  config: ConfigService;
  store: CredentialStore;
  log: Logger;
  /** Reported when a stored session could not be read (it is removed). */
  /** What the session's vault reports (corrupt entry, failed wipe, saved session). */
  vaultEvents?: VaultEvents;
  /** Test seams: timing of keep-alive, backoff, timeouts. */
  sessionOptions?: Partial<PbxSessionOptions>;
  /** Instead of the account's keychain entry (single sign-on: the user is not known yet; sign-in-vault.ts). */
  vault?: SessionVault;
}

export function openAccountSession(account: Account, deps: AccountSessionDeps): PbxSession {
  const trusted = [...(account.trustedFingerprint ? [account.trustedFingerprint] : []), ...deps.config.effective.values.certificateFingerprints];
  const vault = deps.vault ?? new CredentialVault(deps.store, credentialAccount(pbxWebSocketUrl(account.address), account.username), deps.vaultEvents);
  const session = new PbxSession({ ...deps.sessionOptions, address: account.address, trustedFingerprints: trusted, vault, log: deps.log });
  session.on('apps', (snapshot) => cacheHome(deps.config, account.id, snapshot, deps.log));
  return session;
}

/** Remember the home screen for the next start (also after the user edits it: the PBX does not echo SetApps). */
export function cacheHome(config: ConfigService, accountId: string, snapshot: AppsSnapshot, log: Logger): void {
  void config.cacheHomeLayout(accountId, homeLayoutOf(snapshot)).then((r) => {
    if (!r.ok) log('warn', 'home screen cache not saved', { errors: r.errors });
  });
}

function homeLayoutOf(snapshot: AppsSnapshot): { apps: CachedApp[]; selected: string } {
  const apps = snapshot.apps.map((a) => ({
    name: a.name,
    title: a.title ?? a.name,
    url: a.url,
    ...(a.text !== undefined && { text: a.text }),
    ...(a.website !== undefined && { website: a.website }),
    ...((a.icon ?? a.info?.icon) !== undefined && { icon: a.icon ?? a.info?.icon }),
    ...(a.info?.hidden !== undefined && { hidden: a.info.hidden }),
  }));
  return { apps, selected: snapshot.selected };
}
