/**
 * The pieces of the OAuth2 login (pbx-session.md §3.8) that need no PBX: the key share and the
 * secret S against the vector computed with Python's `cryptography` (test/vectors), the messages
 * at the boundary, the methods the login screen offers, the sign-in page check, the IT policy
 * key, and the vault that holds a session until the PBX names the user.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../main/core/config/policy.js';
import { SignInVault } from '../../main/core/credentials/sign-in-vault.js';
import { signInUrl } from '../../main/core/pbx/login.js';
import { loginMethodsOf, offeredMethods, unannouncedMethods } from '../../main/core/pbx/login-methods.js';
import { MemoryVault } from '../../main/core/pbx/vault.js';
import { decryptSession, loginResultDigest } from '../../main/core/protocol/digest.js';
import { KeyShareError, createKeyPair } from '../../main/core/protocol/key-share.js';
import { parsePbxFrame } from '../../main/core/protocol/pbx-messages.js';
import { vectors } from '../support/vectors.js';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('key share and S (vector oauth2)', () => {
  it('has the computed case', () => expect(vectors.oauth2.cases.length).toBeGreaterThanOrEqual(1));

  it.each(vectors.oauth2.cases)('fixed private keys give the published key shares and the same S on both sides', (v) => {
    const client = createKeyPair(hex(v.clientPrivateKey));
    const pbx = createKeyPair(hex(v.pbxPrivateKey));
    expect(client.keyShare).toBe(v.clientKeyShare);
    expect(pbx.keyShare).toBe(v.pbxKeyShare);
    expect(client.sharedSecret(v.pbxKeyShare)).toBe(v.sharedSecret);
    expect(pbx.sharedSecret(v.clientKeyShare)).toBe(v.sharedSecret);
  });

  it.each(vectors.oauth2.cases)('the LoginResult digest uses U = info.user.sip and S; the session decrypts with S and N', (v) => {
    const infoJson = JSON.stringify(v.info);
    expect(v.info.keyShare).toBe(v.pbxKeyShare);
    expect(loginResultDigest({ domain: v.domain, username: v.username, secret: v.sharedSecret, nonce: v.nonce, challenge: v.challenge, infoJson })).toBe(v.digest);
    // Another S (a key share changed on the way) gives another digest.
    const other = createKeyPair(hex(v.clientPrivateKey)).sharedSecret(createKeyPair(hex('33'.repeat(32))).keyShare);
    expect(loginResultDigest({ domain: v.domain, username: v.username, secret: other, nonce: v.nonce, challenge: v.challenge, infoJson })).not.toBe(v.digest);
    expect(decryptSession(v.info.session as { usr: string; pwd: string }, v.nonce, v.sharedSecret)).toEqual(v.decryptedSession);
  });

  it('a fresh key pair is 128 lowercase hex (the point without 04) and never the same twice', () => {
    const a = createKeyPair();
    const b = createKeyPair();
    expect(a.keyShare).toMatch(/^[0-9a-f]{128}$/);
    expect(a.keyShare).not.toBe(b.keyShare);
    expect(a.sharedSecret(b.keyShare)).toBe(b.sharedSecret(a.keyShare));
    expect(a.sharedSecret(b.keyShare)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['with the 04 prefix (130 hex)', () => '04' + createKeyPair().keyShare, /128 hex/],
    ['compressed (66 hex)', () => '02' + createKeyPair().keyShare.slice(0, 64), /128 hex/],
    ['not hex', () => 'g'.repeat(128), /128 hex/],
    ['not a string', () => 42, /128 hex/],
    ['off the curve', () => { const k = createKeyPair().keyShare; return k.slice(0, -1) + (k.endsWith('0') ? '1' : '0'); }, /not a point on the P-256 curve/],
    ['all zeros', () => '0'.repeat(128), /not a point/],
  ])('a peer key share %s is refused', (_what, share, reason) => {
    const k = createKeyPair();
    expect(() => k.sharedSecret(share())).toThrow(KeyShareError);
    expect(() => k.sharedSecret(share())).toThrow(reason);
  });
});

describe('messages at the boundary', () => {
  it('LoginInfoResult carries the methods; a wrong type is a malformed frame', () => {
    const ok = parsePbxFrame(JSON.stringify({ mt: 'LoginInfoResult', user: { digest: false, ntlm: false, oauth2: true, oauth2Name: 'Windows' }, session: { digest: true } }));
    expect(ok).toMatchObject({ ok: true, msg: { user: { oauth2: true, oauth2Name: 'Windows' } } });
    expect(parsePbxFrame('{"mt":"LoginInfoResult","user":{"oauth2":"yes"}}')).toMatchObject({ ok: false, error: expect.stringMatching(/oauth2/) });
    expect(parsePbxFrame('{"mt":"LoginInfoResult","user":{"oauth2Name":7}}')).toMatchObject({ ok: false, error: expect.stringMatching(/oauth2Name/) });
    expect(parsePbxFrame('{"mt":"LoginInfoResult","user":[]}')).toMatchObject({ ok: false });
    // Older PBXes leave parts out (innovaphone's demo shows `user:{oauth2:true}` alone).
    expect(parsePbxFrame('{"mt":"LoginInfoResult","user":{"oauth2":true},"session":{"digest":true}}')).toMatchObject({ ok: true });
  });

  it('Authenticate for oauth2 carries the sign-in url; a url that is no string is malformed', () => {
    const frame = { mt: 'Authenticate', type: 'user', method: 'oauth2', domain: 'example.com', url: 'https://idp.example.com/auth?x=1', challenge: 'fedcba9876543210' };
    expect(parsePbxFrame(JSON.stringify(frame))).toMatchObject({ ok: true, msg: { url: 'https://idp.example.com/auth?x=1' } });
    expect(parsePbxFrame(JSON.stringify({ ...frame, url: 7 }))).toMatchObject({ ok: false, error: expect.stringMatching(/url/) });
  });

  it('the methods a LoginInfoResult announces; flags left out count as digest on, OAuth2 off', () => {
    const parse = (text: string) => {
      const p = parsePbxFrame(text);
      if (!p.ok || p.msg.mt !== 'LoginInfoResult') throw new Error('not parsed');
      return loginMethodsOf(p.msg);
    };
    expect(parse('{"mt":"LoginInfoResult","user":{"digest":false,"oauth2":true,"oauth2Name":"Windows"}}')).toEqual({ digest: false, oauth2: true, oauth2Name: 'Windows', answered: true });
    expect(parse('{"mt":"LoginInfoResult"}')).toEqual({ digest: true, oauth2: false, oauth2Name: '', answered: true });
    expect(unannouncedMethods).toEqual({ digest: true, oauth2: false, oauth2Name: '', answered: false });
  });

  it('a forced method is the only one offered', () => {
    const both = { digest: true, oauth2: true, oauth2Name: 'X', answered: true };
    expect(offeredMethods(both, undefined)).toEqual(both);
    expect(offeredMethods(both, 'oauth2')).toMatchObject({ digest: false, oauth2: true });
    expect(offeredMethods(both, 'digest')).toMatchObject({ digest: true, oauth2: false });
    expect(offeredMethods(unannouncedMethods, 'oauth2')).toMatchObject({ digest: false, oauth2: true });
  });
});

describe('the sign-in page', () => {
  it.each([['https://idp.example.com/auth?a=1'], ['http://127.0.0.1:8080/oauth2/start?state=x']])('%s is opened', (u) => expect(signInUrl(u)).toBe(new URL(u).href));
  it.each([['javascript:alert(1)'], ['file:///etc/passwd'], ['data:text/html,x'], ['mailto:a@b'], ['https://u:p@idp.example.com/'], ['//idp.example.com'], [''], [42], [`https://x.example.com/${'a'.repeat(9000)}`]])('%s is not', (u) => expect(signInUrl(u)).toBeUndefined());
});

describe('IT policy loginMethod', () => {
  it('enforced digest or oauth2 applies; anything else is a problem and nothing is forced', () => {
    expect(parsePolicy('{"enforced":{"loginMethod":"oauth2"}}', 'p.json')).toMatchObject({ policy: { enforced: { loginMethod: 'oauth2' } }, problems: [] });
    expect(parsePolicy('{"enforced":{"loginMethod":"digest"}}', 'p.json')).toMatchObject({ policy: { enforced: { loginMethod: 'digest' } }, problems: [] });
    const bad = parsePolicy('{"enforced":{"loginMethod":"ntlm"}}', 'p.json');
    expect(bad.policy.enforced.loginMethod).toBeUndefined();
    expect(bad.problems).toEqual([expect.objectContaining({ source: 'p.json', field: 'enforced.loginMethod' })]);
  });

  it('under defaults it is reported and ignored (a default would force nothing)', () => {
    const r = parsePolicy('{"defaults":{"loginMethod":"oauth2"}}', 'p.json');
    expect(r.policy.defaults.loginMethod).toBeUndefined();
    expect(r.problems).toEqual([expect.objectContaining({ field: 'defaults.loginMethod', reason: expect.stringMatching(/only under "enforced"/) })]);
  });
});

describe('SignInVault', () => {
  const session = { usr: 'u'.repeat(32), pwd: 'p'.repeat(23), url: 'ws://pbx/PBX0/APPCLIENT/130000/websocket' };

  it('holds the session in memory until bound, then writes it to the user’s vault and serves from there', async () => {
    const vault = new SignInVault();
    await vault.save(session);
    expect(await vault.load()).toEqual(session);
    const target = new MemoryVault();
    expect(await target.load()).toBeUndefined();
    await vault.bind(target);
    expect(await target.load()).toEqual(session);
    await vault.save({ ...session, url: 'ws://other/PBX0/APPCLIENT/130000/websocket' });
    expect((await target.load())?.url).toBe('ws://other/PBX0/APPCLIENT/130000/websocket');
    await vault.clear();
    expect(await target.load()).toBeUndefined();
  });

  it('cleared before it is bound, nothing reaches the user’s vault', async () => {
    const vault = new SignInVault();
    await vault.save(session);
    await vault.clear();
    const target = new MemoryVault();
    await vault.bind(target);
    expect(await target.load()).toBeUndefined();
    expect(await vault.load()).toBeUndefined();
  });
});
