/**
 * The credential store against a real Secret Service (gnome-keyring in a private D-Bus
 * session, see test/with-keyring.sh), and the session credentials' life cycle against the
 * PBX emulator: stored after login, used for the session login, wiped on logout, on an
 * unsolicited LogoutResult and when another device deletes this session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KeytarCredentialStore } from '../../main/core/credentials/keytar-store.js';
import { ResilientCredentialStore } from '../../main/core/credentials/resilient-store.js';
import { CredentialVault, credentialAccount } from '../../main/core/credentials/session-vault.js';
import { PbxSession } from '../../main/core/pbx/session.js';
import { PbxEmulator } from '../pbx/index.js';
import { keyringAvailable, testService } from '../support/keyring.js';
import { sessionTestConfig } from '../support/session-config.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const pbx = await PbxEmulator.start({ config: sessionTestConfig(), port: 0 });
  cleanups.push(() => pbx.stop());
  const store = new KeytarCredentialStore(testService());
  cleanups.push(async () => {
    for (const a of await store.accounts()) await store.delete(a);
  });
  const account = credentialAccount(pbx.url, 'alice');
  const vault = new CredentialVault(store, account);
  const newSession = () => {
    const s = new PbxSession({ address: pbx.url, vault });
    cleanups.push(() => s.close());
    return s;
  };
  return { pbx, store, account, vault, newSession };
}

describe.skipIf(!keyringAvailable)('keychain (real Secret Service)', () => {
  it('round trip: set, get, list, delete', async () => {
    const store = new KeytarCredentialStore(testService());
    await store.set('alice@wss://pbx/x', 'secret-1');
    expect(await store.get('alice@wss://pbx/x')).toBe('secret-1');
    expect(await store.accounts()).toEqual(['alice@wss://pbx/x']);
    expect(await store.delete('alice@wss://pbx/x')).toBe(true);
    expect(await store.get('alice@wss://pbx/x')).toBeUndefined();
    expect(await store.accounts()).toEqual([]);
  });

  it('the resilient store stays on the keychain when it works', async () => {
    const notices: string[] = [];
    const store = new ResilientCredentialStore(new KeytarCredentialStore(testService()), (n) => notices.push(n));
    expect(await store.probe()).toBe(true);
    expect(store.kind).toBe('keychain');
    expect(notices).toEqual([]);
  });

  it('after login the keychain holds the session (never the password); the next start logs in by session', async () => {
    const { pbx, store, account, newSession } = await setup();
    expect(await newSession().login({ username: 'alice', password: 'Secret123!' })).toMatchObject({ kind: 'logged-in' });
    const entry = await store.get(account);
    expect(entry).toBeDefined();
    const saved = JSON.parse(entry!) as Record<string, string>;
    expect(Object.keys(saved).sort()).toEqual(['pwd', 'url', 'usr']);
    expect(saved.usr).toBe(pbx.userSessions('alice')[0]!.usr);
    expect(entry).not.toContain('Secret123!');
    expect(await newSession().login()).toMatchObject({ kind: 'logged-in' });
  });

  it('logout wipes the entry', async () => {
    const { store, account, newSession } = await setup();
    const s = newSession();
    await s.login({ username: 'alice', password: 'Secret123!' });
    await s.logout();
    expect(await store.get(account)).toBeUndefined();
  });

  it('deletion of this session on another device wipes the entry', async () => {
    const { pbx, store, account, newSession } = await setup();
    const a = newSession();
    await a.login({ username: 'alice', password: 'Secret123!' });
    const other = new PbxSession({ address: pbx.url });
    cleanups.push(() => other.close());
    await other.login({ username: 'alice', password: 'Secret123!' });
    const stored = JSON.parse((await store.get(account))!) as { usr: string };
    const current = pbx.userSessions('alice').find((x) => x.usr === stored.usr)!;
    const loggedOut = a.next('loggedOut');
    other.deleteSession(current.id);
    expect(await loggedOut).toEqual({ remote: true });
    expect(await store.get(account)).toBeUndefined();
  });

  it('an unsolicited LogoutResult wipes the entry', async () => {
    const { pbx, store, account, newSession } = await setup();
    const a = newSession();
    await a.login({ username: 'alice', password: 'Secret123!' });
    const loggedOut = a.next('loggedOut');
    pbx.inject('{"mt":"LogoutResult"}', { user: 'alice' });
    expect(await loggedOut).toEqual({ remote: true });
    expect(await store.get(account)).toBeUndefined();
  });

  it('an unreadable keychain entry is reported, removed, and a password login replaces it', async () => {
    const { store, account, vault } = await setup();
    await store.set(account, 'not json');
    const problems: string[] = [];
    const checked = new CredentialVault(store, account, { corrupt: (d) => problems.push(d) });
    expect(await checked.load()).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(await store.get(account)).toBeUndefined();
    expect(await vault.load()).toBeUndefined();
  });
});
