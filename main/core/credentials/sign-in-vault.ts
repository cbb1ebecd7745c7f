/**
 * The vault of a single sign-on login. Before the PBX has said who signed in, there is no
 * keychain entry to write to (entries are per PBX and user): the session waits here, in
 * memory. Once the user is known, `bind` moves it to that user's vault, which then serves.
 * A sign-in that is cancelled or fails leaves nothing anywhere.
 */
import type { SessionVault, StoredSession } from '../pbx/vault.js';

export class SignInVault implements SessionVault {
  private pending: StoredSession | undefined;
  private target: SessionVault | undefined;

  async load(): Promise<StoredSession | undefined> {
    return this.target ? this.target.load() : this.pending && { ...this.pending };
  }

  async save(session: StoredSession): Promise<void> {
    if (this.target) return this.target.save(session);
    this.pending = { ...session };
  }

  async clear(): Promise<void> {
    this.pending = undefined;
    await this.target?.clear();
  }

  /** The user is known: from now on `target` keeps the session (the one held so far is written there). */
  async bind(target: SessionVault): Promise<void> {
    if (this.target) return;
    this.target = target;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) await target.save(pending);
  }

  get bound(): boolean {
    return this.target !== undefined;
  }
}
