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

export class CredentialVault implements SessionVault {
  constructor(
    private readonly store: CredentialStore,
    private readonly account: string,
    private readonly onCorrupt: (detail: string) => void = () => {},
  ) {}

  async load(): Promise<StoredSession | undefined> {
    const text = await this.store.get(this.account);
    if (text === undefined) return undefined;
    try {
      const v = JSON.parse(text) as Partial<StoredSession>;
      if (typeof v.usr === 'string' && typeof v.pwd === 'string' && typeof v.url === 'string') return { usr: v.usr, pwd: v.pwd, url: v.url };
    } catch {
      // fall through: reported below
    }
    // An entry we cannot read is useless for a session login; drop it so a password login can replace it.
    this.onCorrupt(`the stored session for ${this.account} was unreadable and has been removed`);
    await this.store.delete(this.account);
    return undefined;
  }

  async save(session: StoredSession): Promise<void> {
    await this.store.set(this.account, JSON.stringify({ usr: session.usr, pwd: session.pwd, url: session.url }));
  }

  async clear(): Promise<void> {
    await this.store.delete(this.account);
  }
}
