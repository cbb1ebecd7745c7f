/**
 * The emulator's own digest formulas (test/pbx/formulas.ts) against every shared vector.
 * The client's formulas are pinned separately; both must agree with the vectors, not with each other.
 */
import { describe, expect, it } from 'vitest';
import {
  appLoginDigest,
  appSessionKey,
  decryptSessionField,
  encryptSessionField,
  expectedLoginResponse,
  loginResultDigest,
  redirectDigest,
} from '../pbx/formulas.js';
import { vectors } from '../support/vectors.js';

type AppLoginVector = (typeof vectors.appLogin)[number];

describe('emulator formulas vs protocol-vectors.json', () => {
  it.each(vectors.login)('Login response ($type)', (v) => {
    expect(expectedLoginResponse(v.type, v.domain, v.username, v.password, v.nonce, v.challenge)).toBe(v.response);
  });

  it.each(vectors.loginResult)('LoginResult digest for $username', (v) => {
    const proof = { username: v.username, secret: v.secret, nonce: v.nonce, challenge: v.challenge };
    expect(loginResultDigest(v.domain, proof, JSON.stringify(v.info))).toBe(v.digest);
    expect(loginResultDigest(v.domain, { ...proof, nonce: 'ffffffffffffffff' }, JSON.stringify(v.info))).not.toBe(v.digest);
  });

  it.each(vectors.loginResult.filter((v) => v.decryptedSession))('session RC4 both ways for $username', (v) => {
    const proof = { username: v.username, secret: v.secret, nonce: v.nonce, challenge: v.challenge };
    const plain = v.decryptedSession!;
    const cipher = v.info.session as { usr: string; pwd: string };
    expect(encryptSessionField('usr', proof, plain.usr)).toBe(cipher.usr);
    expect(encryptSessionField('pwd', proof, plain.pwd)).toBe(cipher.pwd);
    expect(decryptSessionField('usr', proof, cipher.usr)).toBe(plain.usr);
    expect(decryptSessionField('pwd', proof, cipher.pwd)).toBe(plain.pwd);
  });

  it('session RC4 key shape matches the real-PBX capture', () => {
    // Key "innovaphoneAppClient:usr:<nonce>:<secret>" = the capture's key string.
    const [, , nonce, secret] = vectors.realPbxSessionRc4.key.split(':');
    const proof = { username: '', secret: secret!, nonce: nonce!, challenge: '' };
    expect(decryptSessionField('usr', proof, vectors.realPbxSessionRc4.cipherHex)).toBe(vectors.realPbxSessionRc4.plain);
  });

  it.each(vectors.redirect)('Redirect digest (no domain)', (v) => {
    const proof = { username: v.username, secret: v.secret, nonce: v.nonce, challenge: v.challenge };
    expect(redirectDigest(proof, JSON.stringify(v.info))).toBe(v.digest);
  });

  it.each([...vectors.appLogin, ...vectors.realPbxAppLogins.cases] as AppLoginVector[])('AppGetLogin digest $app/$sip info=$info', (v) => {
    const infoJson = v.info === undefined ? undefined : JSON.stringify(v.info);
    expect(appLoginDigest({ ...v, ...(infoJson !== undefined ? { infoJson } : {}) })).toBe(v.digest);
  });

  it.each(vectors.sdkAppLoginVectors.cases)('SDK AppLogin vector $input', (v) => {
    // "pbxadminapi:::::[<info>:]0123456789abcdef:pwd" — empty domain/sip/guid/dn.
    const m = /^pbxadminapi:::::(?:(.*):)?0123456789abcdef:pwd$/.exec(v.input)!;
    const fields = { app: 'pbxadminapi', domain: '', sip: '', guid: '', dn: '', challenge: '0123456789abcdef', password: 'pwd' };
    expect(appLoginDigest(m[1] === undefined ? fields : { ...fields, infoJson: m[1] })).toBe(v.digest);
  });

  it.each(vectors.sessionKey)('AppWebsocket session key for challenge $challenge', (v) => {
    expect(appSessionKey(v.challenge, v.password)).toBe(v.key);
  });
});
