/**
 * A PbxSession's vault backed by a CredentialStore: one entry per account, holding the
 * session `usr`/`pwd` and the URL of the PBX that hosts the session.
 */
import type { SessionVault, StoredSession } from '../pbx/vault.js';
import type { CredentialStore } from './credential-store.js';

/** The keychain account name of a (PBX, user) pair; the PBX is its WebSocket URL, so host spellings agree. */
export function credentialAccount(pbxUrl: string, username: string): string {
  return `${username}@${pbxUrl}`;
}

export interface VaultEvents {
  /** The stored entry could not be read and was removed. */
  corrupt?(detail: string): void;
  /** The entry could not be removed (a locked keychain answers "nothing there"): remove it later. */
  wipeFailed?(account: string): void;
  /** A session was stored for the account (an earlier failed wipe no longer applies). */
  saved?(account: string): void;
}

/**
 * The session of this run is also kept in memory: a keychain that locks while the client runs
 * answers "no entry" (it does not fail), and the session must go on — reconnects included —
 * until the user logs out or quits.
 */
export class CredentialVault implements SessionVault {
  private remembered: StoredSession | undefined;

  constructor(
    private readonly store: CredentialStore,
    private readonly account: string,
    private readonly events: VaultEvents = {},
  ) {}

  async load(): Promise<StoredSession | undefined> {
    const text = await this.store.get(this.account);
    if (text === undefined) return this.remembered && { ...this.remembered };
    try {
      const v = JSON.parse(text) as Partial<StoredSession>;
      if (typeof v.usr === 'string' && typeof v.pwd === 'string' && typeof v.url === 'string') {
        this.remembered = { usr: v.usr, pwd: v.pwd, url: v.url };
        return { ...this.remembered };
      }
    } catch {
      // fall through: reported below
    }
    // An entry we cannot read is useless for a session login; drop it so a password login can replace it.
    this.events.corrupt?.(`the stored session for ${this.account} was unreadable and has been removed`);
    await this.store.delete(this.account);
    return undefined;
  }

  async save(session: StoredSession): Promise<void> {
    this.remembered = { usr: session.usr, pwd: session.pwd, url: session.url };
    await this.store.set(this.account, JSON.stringify(this.remembered));
    this.events.saved?.(this.account);
  }

  /** Wipe the session. An entry this run knows of that the keychain does not remove is reported, to be removed later. */
  async clear(): Promise<void> {
    const known = this.remembered !== undefined;
    this.remembered = undefined;
    const removed = await this.store.delete(this.account);
    if (!removed && known && this.store.kind === 'keychain') this.events.wipeFailed?.(this.account);
  }
}
