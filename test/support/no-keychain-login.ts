/**
 * Child process for the no-keychain test: opens the product's credential store the way the
 * shells do, then logs in to the PBX at MYAPPS_TEST_PBX. Prints JSON lines for the test.
 */
import { KeytarCredentialStore } from '../../main/core/credentials/keytar-store.js';
import { ResilientCredentialStore } from '../../main/core/credentials/resilient-store.js';
import { CredentialVault, credentialAccount } from '../../main/core/credentials/session-vault.js';
import { PbxSession } from '../../main/core/pbx/session.js';

const print = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
const url = process.env.MYAPPS_TEST_PBX!;
const store = new ResilientCredentialStore(new KeytarCredentialStore(process.env.MYAPPS_TEST_SERVICE), (notice, detail) => print({ notice, detail }));
print({ probe: await store.probe() });
const vault = new CredentialVault(store, credentialAccount(url, 'alice'));
const session = new PbxSession({ address: url, vault });
const state = await session.login({ username: 'alice', password: 'Secret123!' });
print({ state: state.kind, storeKind: store.kind, stored: (await vault.load()) !== undefined });
// A second session in the same run resumes from memory without the password.
const again = new PbxSession({ address: url, vault });
print({ again: (await again.login()).kind });
session.close();
again.close();
