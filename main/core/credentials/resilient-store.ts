/**
 * The keychain when it works, this process's memory when it does not — and the user told so.
 *
 * Any keychain failure (no Secret Service, locked, access denied) switches the store to
 * memory for the rest of the run and reports the reason once through `onUnavailable`, so the
 * UI can say in plain words that the next start will ask for the password. There is no
 * fallback to a plaintext file (security control 11).
 */
import { KeychainUnavailableError, MemoryCredentialStore, type CredentialStore } from './credential-store.js';

/** The account the probe reads; never written. */
export const PROBE_ACCOUNT = 'myapps-desktop-probe';

export const KEYCHAIN_UNAVAILABLE_NOTICE =
  'Your system keychain is not available, so myApps cannot remember your login. You can log in and work normally; after you quit, you will need your password again.';

export class ResilientCredentialStore implements CredentialStore {
  private fallback: MemoryCredentialStore | undefined;

  constructor(
    private readonly keychain: CredentialStore,
    private readonly onUnavailable: (notice: string, detail: string) => void,
  ) {}

  get kind(): 'keychain' | 'memory' {
    return this.fallback ? 'memory' : 'keychain';
  }

  /**
   * Try the keychain once now, so the user hears about a missing keychain before logging in.
   * It reads one entry that never exists: listing the entries (keytar's findCredentials) crashes
   * the process on a locked Secret Service (node-keytar#477), and a read just answers "none".
   */
  async probe(): Promise<boolean> {
    await this.use((s) => s.get(PROBE_ACCOUNT));
    return !this.fallback;
  }

  get(account: string): Promise<string | undefined> {
    return this.use((s) => s.get(account));
  }
  set(account: string, secret: string): Promise<void> {
    return this.use((s) => s.set(account, secret));
  }
  delete(account: string): Promise<boolean> {
    return this.use((s) => s.delete(account));
  }
  accounts(): Promise<string[]> {
    return this.use((s) => s.accounts());
  }

  private async use<T>(op: (s: CredentialStore) => Promise<T>): Promise<T> {
    if (this.fallback) return op(this.fallback);
    try {
      return await op(this.keychain);
    } catch (e) {
      if (!(e instanceof KeychainUnavailableError)) throw e;
      this.fallback = new MemoryCredentialStore();
      this.onUnavailable(KEYCHAIN_UNAVAILABLE_NOTICE, e.detail);
      return op(this.fallback);
    }
  }
}
