/**
 * Every vector of test/vectors/protocol-vectors.json against the client's formulas.
 * Each case also checks that a one-character change breaks the result, so a formula that
 * ignored an input could not pass.
 */
import { describe, expect, it } from 'vitest';
import { rc4DecryptHex, rc4EncryptHex, sha256Hex } from '../../main/core/protocol/crypto.js';
import {
  appLoginDigest,
  appSessionKey,
  decryptSession,
  encryptSession,
  loginResponse,
  loginResultDigest,
  redirectDigest,
} from '../../main/core/protocol/digest.js';
import { canonicalJson } from '../../main/core/protocol/json.js';
import { vectors } from '../support/vectors.js';

const flip = (s: string) => s.slice(0, -1) + (s.endsWith('0') ? '1' : '0');

describe('protocol vectors', () => {
  it('has every section', () => {
    expect(vectors.login.length).toBeGreaterThanOrEqual(2);
    expect(vectors.loginResult.length).toBeGreaterThanOrEqual(2);
    expect(vectors.redirect.length).toBeGreaterThanOrEqual(1);
    expect(vectors.appLogin.length).toBeGreaterThanOrEqual(4);
    expect(vectors.realPbxAppLogins.cases.length).toBeGreaterThanOrEqual(2);
  });

  it.each(vectors.login)('Login response ($type, $username)', (v) => {
    expect(loginResponse(v)).toBe(v.response);
    expect(loginResponse({ ...v, nonce: flip(v.nonce) })).not.toBe(v.response);
    expect(loginResponse({ ...v, password: v.password + 'x' })).not.toBe(v.response);
  });

  it.each(vectors.loginResult)('LoginResult digest ($username)', (v) => {
    const infoJson = JSON.stringify(v.info);
    expect(loginResultDigest({ ...v, infoJson })).toBe(v.digest);
    expect(loginResultDigest({ ...v, infoJson: infoJson.replace('Alice', 'Alicf') })).not.toBe(v.digest);
    expect(loginResultDigest({ ...v, nonce: flip(v.nonce), infoJson })).not.toBe(v.digest);
    if (v.decryptedSession) {
      const encrypted = v.info.session as { usr: string; pwd: string };
      expect(decryptSession(encrypted, v.nonce, v.secret)).toEqual(v.decryptedSession);
      expect(encryptSession(v.decryptedSession, v.nonce, v.secret)).toEqual(encrypted);
    }
  });

  it.each(vectors.redirect)('Redirect digest ($username)', (v) => {
    const infoJson = JSON.stringify(v.info);
    expect(redirectDigest({ ...v, infoJson })).toBe(v.digest);
    expect(redirectDigest({ ...v, secret: v.secret + 'x', infoJson })).not.toBe(v.digest);
  });

  it.each(vectors.appLogin)('AppGetLoginResult digest ($app, info: $info)', (v) => {
    const infoJson = v.info === undefined ? undefined : JSON.stringify(v.info);
    expect(appLoginDigest({ ...v, infoJson })).toBe(v.digest);
    expect(appLoginDigest({ ...v, infoJson, challenge: flip(v.challenge) })).not.toBe(v.digest);
  });

  it.each(vectors.realPbxAppLogins.cases)('real PBX capture: AppGetLoginResult digest ($app)', (v) => {
    expect(appLoginDigest({ ...v, infoJson: JSON.stringify(v.info) })).toBe(v.digest);
    // Key order matters: the same info with sorted keys must not verify.
    const sorted = JSON.stringify(Object.fromEntries(Object.entries(v.info).sort(([a], [b]) => a.localeCompare(b))));
    expect(appLoginDigest({ ...v, infoJson: sorted })).not.toBe(v.digest);
  });

  it.each(vectors.sessionKey)('App session key ($challenge)', (v) => {
    expect(appSessionKey(v.challenge, v.password)).toBe(v.key);
  });

  it('real PBX capture: session usr RC4', () => {
    const v = vectors.realPbxSessionRc4;
    expect(rc4DecryptHex(v.key, v.cipherHex)).toBe(v.plain);
    expect(rc4EncryptHex(v.key, v.plain)).toBe(v.cipherHex);
  });

  it.each(vectors.sdkAppLoginVectors.cases)('SDK AppLogin digest $input', (v) => {
    expect(sha256Hex(v.input)).toBe(v.digest);
  });

  it('SDK app RC4 helper: encrypt("myseed","hello") with the §4.3 key', () => {
    const key = appSessionKey('4711081547110815', 'apppwd');
    expect(rc4EncryptHex(`myseed:${key}`, 'hello')).toBe('d877390a5a');
  });
});

describe('canonicalJson keeps the PBX member order', () => {
  it('matches JSON.stringify for ordinary objects', () => {
    const text = ' { "appobj" : "go", "appurl":"http://h/x\\/y", "cn":"J\\u00fcrgen", "n": 1.50, "a":[ 1 , {"b":null} ] } ';
    expect(canonicalJson(text)).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('keeps integer-like keys where the PBX put them', () => {
    expect(canonicalJson('{"b":1,"2":0}')).toBe('{"b":1,"2":0}');
    expect(JSON.stringify(JSON.parse('{"b":1,"2":0}'))).toBe('{"2":0,"b":1}');
  });

  it('rejects malformed JSON', () => {
    for (const bad of ['{', '{"a":}', '{"a":1,}', '[1 2]', '"x', '{"a":1} x', 'nul']) {
      expect(() => canonicalJson(bad), bad).toThrow(SyntaxError);
    }
  });
});

/** The extra conformance values of app-hosting.md §7 (items 10–18), computed there independently. */
describe('app-hosting.md §7 conformance values', () => {
  const guid = '00112233445566778899aabbccddeeff';
  it('§6 worked example digest, with and without info (items 10, 11)', () => {
    const infoJson = '{"appobj":"myapp","appdn":"My App","appurl":"https://ap.example.com/example.com/myapp/innovaphone-myapp","cn":"Alice Example","apps":[{"name":"myapp"}]}';
    const base = { app: 'innovaphone-myapp', domain: 'example.com', sip: 'alice', guid, dn: 'Alice Example', challenge: '1234567890', password: 'app-secret' };
    expect(appLoginDigest({ ...base, infoJson })).toBe('1d3efc3ff84ff4702f1936518343325ee1dc88bc8498732efe3544b573ea59cf');
    expect(appLoginDigest(base)).toBe('b5504e21c12b3c22f64ae28becbefc8a58c51753fe76da7c846948323d82bbd6');
    const key = appSessionKey('1234567890', 'app-secret');
    expect(rc4EncryptHex(`seed1:${key}`, 'Top secret äöü')).toBe('d6c26e044449b04238b88b93d9acdbc37d');
    expect(sha256Hex(`seed1:${key}:Top secret äöü`)).toBe('dedbbfc48a3adf728e1373799c6b1d45204bfd170ef74bd16d31ba0d0f7a796c');
  });

  it('UTF-8 display name (item 12)', () => {
    expect(appLoginDigest({ app: 'innovaphone-myapp', domain: 'example.com', sip: 'juergen', guid, dn: 'Jürgen Müller', challenge: '1234567890', password: 'app-secret' })).toBe(
      '19af4bd402ff7fa6e345676c236d11fffcb3d9380077dbdedfec0120092246b5',
    );
  });

  it('myApps login, session login, session cipher, LoginResult and Redirect digests (items 14–18)', () => {
    const nonce = '0123456789abcdef';
    const challenge = 'fedcba9876543210';
    expect(loginResponse({ type: 'user', domain: 'example.com', username: 'alice', password: 'secret', nonce, challenge })).toBe(
      '436a678ddecc5d6b73d8099b41923a40ca3d71fa63e3c86970175ebfc4d87b2b',
    );
    expect(
      loginResponse({ type: 'session', domain: 'example.com', username: '0f4f3410aa55aa55aa55aa55aa551173', password: 'S3ssionPassw0rd', nonce: 'a491f76e528be0b9', challenge: 'd96860923b454461' }),
    ).toBe('313df00bcd7d37ca7543ef26b3d21d4ea4e15f7f9a4dd32a04e90b9e4b9d111a');
    const session = encryptSession({ usr: '0f4f3410aa55aa55aa55aa55aa551173', pwd: 'S3ssionPassw0rd' }, nonce, 'secret');
    expect(session).toEqual({ usr: '339676ce5768673f5631ed201e6976867bab387921a60861db6d0b7cfed33455', pwd: 'cb01d30f1bd2a90d3c90b6ab80ee00' });
    const user = { domain: 'example.com', sip: 'alice', guid, dn: 'Alice Example', num: '201', email: 'alice@example.com' };
    expect(loginResultDigest({ domain: 'example.com', username: 'alice', secret: 'secret', nonce, challenge, infoJson: JSON.stringify({ user, session }) })).toBe(
      'b32eda71d7187d49cf5892e4d9bf6b9228c5a858eca10471a59a160ec84ebfc6',
    );
    expect(redirectDigest({ username: 'alice', secret: 'secret', nonce, challenge, infoJson: JSON.stringify({ host: 'pbx2.example.com', session }) })).toBe(
      '0ea3bef03c5951c389e9531ff33cc558d02568ece0e312db170b138c8af3aca5',
    );
  });
});
