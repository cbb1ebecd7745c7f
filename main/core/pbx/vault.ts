/**
 * Where a PbxSession keeps the session credentials it got from `LoginResult`/`Redirect`.
 * The session only loads, saves and wipes; the keychain-backed implementation lives in
 * main/core/credentials. The user password is never given to a vault.
 */
export interface StoredSession {
  /** Decrypted session user name (a 32-hex GUID on real PBXes). */
  usr: string;
  /** Decrypted session password. */
  pwd: string;
  /** WebSocket URL of the PBX that hosts the user (after redirects), for the next start. */
  url: string;
}

export interface SessionVault {
  load(): Promise<StoredSession | undefined>;
  save(session: StoredSession): Promise<void>;
  clear(): Promise<void>;
}

/** Keeps the session for this process only (tests, doctor, and a keychain that is unavailable). */
export class MemoryVault implements SessionVault {
  private session: StoredSession | undefined;
  constructor(initial?: StoredSession) {
    this.session = initial;
  }
  async load(): Promise<StoredSession | undefined> {
    return this.session && { ...this.session };
  }
  async save(session: StoredSession): Promise<void> {
    this.session = { ...session };
  }
  async clear(): Promise<void> {
    this.session = undefined;
  }
}
