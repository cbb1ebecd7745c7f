/**
 * The OS keychain through keytar: Keychain on macOS, Credential Manager on Windows, the
 * Secret Service (gnome-keyring, KWallet) on Linux. keytar is a native module loaded on
 * first use, so a build without it, or a desktop without a Secret Service, surfaces as a
 * KeychainUnavailableError the caller can explain — not as a crash.
 */
import { createRequire } from 'node:module';
import type * as KeytarModule from 'keytar';
import { KEYCHAIN_SERVICE, KeychainUnavailableError, type CredentialStore } from './credential-store.js';

type Keytar = typeof KeytarModule;

let keytarModule: Keytar | undefined;
function keytar(): Keytar {
  if (!keytarModule) {
    try {
      keytarModule = createRequire(import.meta.url)('keytar') as Keytar;
    } catch (e) {
      throw new KeychainUnavailableError(`keytar could not be loaded (${(e as Error).message.split('\n')[0]})`);
    }
  }
  return keytarModule;
}

async function call<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (e instanceof KeychainUnavailableError) throw e;
    throw new KeychainUnavailableError(String((e as Error)?.message ?? e));
  }
}

export class KeytarCredentialStore implements CredentialStore {
  readonly kind = 'keychain';
  constructor(private readonly service: string = KEYCHAIN_SERVICE) {}

  get(account: string): Promise<string | undefined> {
    return call(async () => (await keytar().getPassword(this.service, account)) ?? undefined);
  }
  set(account: string, secret: string): Promise<void> {
    return call(() => keytar().setPassword(this.service, account, secret));
  }
  delete(account: string): Promise<boolean> {
    return call(() => keytar().deletePassword(this.service, account));
  }
  /** Tests and tools only: keytar's findCredentials crashes the process on a locked Secret Service (node-keytar#477). */
  accounts(): Promise<string[]> {
    return call(async () => (await keytar().findCredentials(this.service)).map((c) => c.account));
  }
}
