/**
 * The sample apps' pieces without sockets: the App Service digest against the spec's vectors,
 * the browser crypto (appcrypto.js) against node:crypto and the spec, and which App Object of the
 * demo config becomes which sample app.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decryptHex, encryptHex, hashHex, sha256Hex } from '../apps/appcrypto.js';
import { kindOf, sampleAppsFor } from '../apps/catalog.js';
import { appLoginDigest, appSessionKey, avatarAuth, newChallenge, sessionHash, verifyAppLogin, verifyAvatarQuery } from '../apps/login.js';
import { loadEmulatorConfig } from '../pbx/index.js';
import { vectors } from '../support/vectors.js';

const demo = loadEmulatorConfig(fileURLToPath(new URL('../pbx/demo.json', import.meta.url)));

describe('sample App Service login', () => {
  it('computes the SDK, our own and the real-PBX digest vectors', () => {
    for (const v of vectors.appLogin) expect(appLoginDigest(v)).toBe(v.digest);
    for (const v of vectors.realPbxAppLogins.cases) expect(appLoginDigest(v)).toBe(v.digest);
    // SDK documentation vectors: app pbxadminapi, everything else empty.
    const [noInfo, emptyInfo, cn] = vectors.sdkAppLoginVectors.cases;
    const sdk = { app: 'pbxadminapi', domain: '', sip: '', guid: '', dn: '', challenge: '0123456789abcdef', password: 'pwd' };
    expect(appLoginDigest(sdk)).toBe(noInfo!.digest);
    expect(appLoginDigest({ ...sdk, info: {} })).toBe(emptyInfo!.digest);
    expect(appLoginDigest({ ...sdk, info: { cn: 'Test User' } })).toBe(cn!.digest);
    for (const v of vectors.sessionKey) expect(appSessionKey(v.challenge, v.password)).toBe(v.key);
    // app-hosting.md §6/§7.11
    expect(sessionHash('seed1', '718c782f7f34f19711ee88af91ceda0ffdbb98845121891dff765aa81d0db987', 'Top secret äöü')).toBe('dedbbfc48a3adf728e1373799c6b1d45204bfd170ef74bd16d31ba0d0f7a796c');
  });

  it('verifies an AppLogin: own page name, the exact info key order, one challenge', () => {
    const v = vectors.appLogin[0]!;
    const msg = { mt: 'AppLogin', app: v.app, domain: v.domain, sip: v.sip, guid: v.guid, dn: v.dn, info: v.info, digest: v.digest, pbxObj: v.pbxObj };
    expect(verifyAppLogin(msg, v.app, v.challenge, v.password)).toEqual({
      ok: true,
      login: { app: v.app, domain: v.domain, sip: v.sip, guid: v.guid, dn: v.dn, pbxObj: v.pbxObj, info: v.info, key: appSessionKey(v.challenge, v.password) },
    });
    expect(verifyAppLogin({ ...msg, digest: v.digest.toUpperCase() }, v.app, v.challenge, v.password).ok).toBe(true);
    expect(verifyAppLogin(msg, 'other-page', v.challenge, v.password)).toEqual({ ok: false, error: 'wrong app' });
    expect(verifyAppLogin(msg, v.app, undefined, v.password)).toEqual({ ok: false, error: 'no challenge' });
    expect(verifyAppLogin(msg, v.app, '0000', v.password)).toEqual({ ok: false, error: 'digest mismatch' });
    expect(verifyAppLogin(msg, v.app, v.challenge, 'wrong')).toEqual({ ok: false, error: 'digest mismatch' });
    const sorted = Object.fromEntries(Object.entries(v.info!).sort(([a], [b]) => a.localeCompare(b)));
    expect(verifyAppLogin({ ...msg, info: sorted }, v.app, v.challenge, v.password)).toEqual({ ok: false, error: 'digest mismatch' });
    expect(verifyAppLogin({ ...msg, digest: 42 }, v.app, v.challenge, v.password)).toEqual({ ok: false, error: 'digest mismatch' });
  });

  it('checks an avatar picture request against the vector (auth = SHA-256(token + salt + sip))', () => {
    for (const v of vectors.avatar.cases) {
      expect(avatarAuth(v.token, v.salt, v.sip)).toBe(v.auth);
      const query = new URLSearchParams({ sip: v.sip, salt: v.salt, auth: v.auth, size: '80' });
      expect(verifyAvatarQuery(query, v.token)).toEqual({ ok: true, sip: v.sip });
      expect(verifyAvatarQuery(new URLSearchParams({ sip: v.sip, salt: v.salt, auth: v.auth }), `${v.token}x`)).toEqual({ ok: false, error: 'auth mismatch' });
      expect(verifyAvatarQuery(new URLSearchParams({ sip: 'bob', salt: v.salt, auth: v.auth }), v.token)).toEqual({ ok: false, error: 'auth mismatch' });
      expect(verifyAvatarQuery(new URLSearchParams({ sip: v.sip, auth: v.auth }), v.token)).toEqual({ ok: false, error: 'sip, salt and auth required' });
    }
  });

  it('makes fresh 16-hex challenges', () => {
    const seen = new Set(Array.from({ length: 50 }, newChallenge));
    expect(seen.size).toBe(50);
    for (const c of seen) expect(c).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('appcrypto.js (the pages\' SHA-256 and RC4)', () => {
  it('matches node:crypto on block boundaries and UTF-8', () => {
    for (const s of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(63), 'a'.repeat(64), 'x'.repeat(1000), 'Jürgen Müller ✓ 😀']) {
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
    }
    expect(sha256Hex(new Uint8Array([0, 255, 128]))).toBe(createHash('sha256').update(Buffer.from([0, 255, 128])).digest('hex'));
  });

  it('computes the spec\'s encrypt/hash vectors (app-hosting.md §6)', () => {
    const key = '718c782f7f34f19711ee88af91ceda0ffdbb98845121891dff765aa81d0db987';
    expect(encryptHex('seed1', key, 'Top secret äöü')).toBe('d6c26e044449b04238b88b93d9acdbc37d');
    expect(decryptHex('seed1', key, 'd6c26e044449b04238b88b93d9acdbc37d')).toBe('Top secret äöü');
    expect(hashHex('seed1', key, 'Top secret äöü')).toBe('dedbbfc48a3adf728e1373799c6b1d45204bfd170ef74bd16d31ba0d0f7a796c');
  });
});

describe('sample app catalog', () => {
  it('gives every absolute demo App Object a sample app; the relative one is skipped', () => {
    const { apps, skipped } = sampleAppsFor(demo, 'http://127.0.0.1:8090');
    expect(Object.fromEntries(apps.map((a) => [a.name, a.kind]))).toEqual({
      echo: 'echo', contacts: 'contacts', phone: 'phone', chat: 'chat', inbox: 'badge', search: 'search', website: 'website',
      reports: 'echo', devtools: 'echo', searchclient: 'searchClient', badge: 'badge', channel: 'channel', profile: 'profile', console: 'console',
    });
    // The profile sample gets its App Object's avatar file name and token, to check picture requests with.
    expect(apps.find((a) => a.name === 'profile')!.avatar).toEqual({ filename: 'avatar.png', token: 'demo-avatar-token-7c1e0f' });
    for (const a of apps) expect(a.password).toBe(demo.appObjects.find((o) => o.name === a.name)!.password);
    expect(skipped).toEqual([{ name: 'voicemail', reason: 'relative URL ../../APPS/voicemail/voicemail' }]);
    expect(sampleAppsFor(demo, 'http://127.0.0.1:9999').apps).toEqual([]);
    expect(sampleAppsFor(demo, 'http://127.0.0.1:9999', true).apps).toHaveLength(apps.length);
  });

  it('alice has every sample kind, with the flags the kinds stand for', () => {
    const alice = demo.users.find((u) => u.sip === 'alice')!;
    for (const name of ['echo', 'search', 'searchclient', 'phone', 'badge', 'channel', 'website', 'contacts', 'chat', 'profile']) expect(alice.apps).toContain(name);
    const obj = (name: string) => demo.appObjects.find((o) => o.name === name)!;
    expect(obj('search')).toMatchObject({ hidden: true, apis: { 'com.innovaphone.search': {} } });
    expect(obj('phone')).toMatchObject({ wake: ['phone'], apis: { 'com.innovaphone.phone': {} } });
    expect(obj('contacts')).toMatchObject({ apis: { 'com.innovaphone.search': {} } });
    expect(obj('chat')).toMatchObject({ apis: { 'com.innovaphone.chat': {} } });
    expect(obj('profile')).toMatchObject({ apis: { 'com.innovaphone.avatar': { filename: 'avatar.png', domain: 'example.com' } } });
    expect(obj('badge').presence).toBe(true);
    expect(obj('website').website).toBe(true);
    for (const name of ['echo', 'search', 'searchclient', 'phone', 'badge', 'channel', 'website']) expect(obj(name).url).toBe(`http://127.0.0.1:8090/apps/${name}/${name}`);
  });

  it('derives a kind from the flags for names it does not know', () => {
    expect(kindOf({ name: 'x', website: true })).toBe('website');
    expect(kindOf({ name: 'x', apis: { 'com.innovaphone.search': {} } })).toBe('search');
    expect(kindOf({ name: 'x', apis: { 'com.innovaphone.phone': {} } })).toBe('phone');
    expect(kindOf({ name: 'x', apis: { 'com.innovaphone.chat': {} } })).toBe('chat');
    expect(kindOf({ name: 'x', apis: { 'com.innovaphone.avatar': {} } })).toBe('profile');
    expect(kindOf({ name: 'x', presence: true })).toBe('badge');
    expect(kindOf({ name: 'x' })).toBe('echo');
  });

  it('serves only URLs of the form <origin>/apps/<name>/<page>', () => {
    const cfg = {
      appObjects: [
        { name: 'a', title: 'A', password: 'p', url: 'http://127.0.0.1:8090/apps/a/innovaphone-a' },
        { name: 'b', title: 'B', password: 'p', url: 'http://127.0.0.1:8090/apps/other/b' },
        { name: 'c', title: 'C', password: 'p', url: 'https://127.0.0.1:8090/apps/c/c' },
        { name: 'd', title: 'D', password: 'p', url: 'http://127.0.0.1:8090/x/apps/d/d' },
      ],
    };
    const { apps, skipped } = sampleAppsFor(cfg, 'http://127.0.0.1:8090');
    expect(apps).toEqual([{ name: 'a', kind: 'echo', password: 'p', page: 'innovaphone-a' }]);
    expect(skipped.map((s) => s.name)).toEqual(['b', 'c', 'd']);
  });
});
