/**
 * Where secrets live: one entry per account (PBX + user) under one service name for the
 * product. The only secret ever stored is the PBX session (`usr`/`pwd` from LoginResult) —
 * never the user password (security control 11).
 */

/** The service name under which every entry of the product is filed in the OS keychain. */
export const KEYCHAIN_SERVICE = 'myApps Desktop';

export interface CredentialStore {
  /** 'keychain': the OS keychain; 'memory': this process only (no keychain reachable). */
  readonly kind: 'keychain' | 'memory';
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  /** True if an entry was removed. */
  delete(account: string): Promise<boolean>;
  /** Accounts that have an entry. */
  accounts(): Promise<string[]>;
}

/** The OS keychain cannot be used: not installed, no Secret Service, locked, or access denied. */
export class KeychainUnavailableError extends Error {
  override name = 'KeychainUnavailableError';
  constructor(readonly detail: string) {
    super(`The system keychain is not available: ${detail}`);
  }
}

/** Secrets for this process only. Used where no keychain is reachable; never written anywhere. */
export class MemoryCredentialStore implements CredentialStore {
  readonly kind = 'memory';
  private readonly entries = new Map<string, string>();
  async get(account: string): Promise<string | undefined> {
    return this.entries.get(account);
  }
  async set(account: string, secret: string): Promise<void> {
    this.entries.set(account, secret);
  }
  async delete(account: string): Promise<boolean> {
    return this.entries.delete(account);
  }
  async accounts(): Promise<string[]> {
    return [...this.entries.keys()];
  }
}
