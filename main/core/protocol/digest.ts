/**
 * The myApps digest and cipher formulas, one function each, named after what they protect.
 * Every formula is pinned by `test/vectors/protocol-vectors.json` (see test/unit/vectors.test.ts).
 *
 * `infoJson` arguments are the PBX's `info` object re-serialised with JSON.stringify, which
 * keeps the key order of the received text (see json.ts for why that is safe).
 */
import { rc4DecryptHex, rc4EncryptHex, sha256Hex } from './crypto.js';

export type LoginType = 'user' | 'session';

export interface LoginDigestInput {
  type: LoginType;
  domain: string;
  username: string;
  /** User password for `user` logins, session password for `session` logins (the secret S). */
  password: string;
  nonce: string;
  challenge: string;
}

/** `Login.response` = H(innovaphoneAppClient:<type>:<domain>:<username>:<password>:<nonce>:<challenge>). */
export function loginResponse(i: LoginDigestInput): string {
  return sha256Hex(`innovaphoneAppClient:${i.type}:${i.domain}:${i.username}:${i.password}:${i.nonce}:${i.challenge}`);
}

export interface ResultDigestInput {
  username: string;
  /** The secret S used for the login's response. */
  secret: string;
  nonce: string;
  challenge: string;
  infoJson: string;
}

/** `LoginResult.digest` = H(innovaphoneAppClient:loginresult:<domain>:<U>:<S>:<N>:<challenge>:<infoJson>). */
export function loginResultDigest(i: ResultDigestInput & { domain: string }): string {
  return sha256Hex(`innovaphoneAppClient:loginresult:${i.domain}:${i.username}:${i.secret}:${i.nonce}:${i.challenge}:${i.infoJson}`);
}

/** `Redirect.digest` = H(innovaphoneAppClient:redirect:<U>:<S>:<N>:<challenge>:<infoJson>) — note: no domain. */
export function redirectDigest(i: ResultDigestInput): string {
  return sha256Hex(`innovaphoneAppClient:redirect:${i.username}:${i.secret}:${i.nonce}:${i.challenge}:${i.infoJson}`);
}

/** RC4 key strings for the session credentials carried in `LoginResult`/`Redirect`. */
function sessionKey(field: 'usr' | 'pwd', nonce: string, secret: string): string {
  return `innovaphoneAppClient:${field}:${nonce}:${secret}`;
}

export interface SessionCredentials {
  usr: string;
  pwd: string;
}

/** Decrypt `info.session{usr,pwd}` with the nonce and secret of the login that produced it. */
export function decryptSession(encrypted: SessionCredentials, nonce: string, secret: string): SessionCredentials {
  return {
    usr: rc4DecryptHex(sessionKey('usr', nonce, secret), encrypted.usr),
    pwd: rc4DecryptHex(sessionKey('pwd', nonce, secret), encrypted.pwd),
  };
}

/** Inverse of {@link decryptSession}; used by tests and the doctor's self-check. */
export function encryptSession(plain: SessionCredentials, nonce: string, secret: string): SessionCredentials {
  return {
    usr: rc4EncryptHex(sessionKey('usr', nonce, secret), plain.usr),
    pwd: rc4EncryptHex(sessionKey('pwd', nonce, secret), plain.pwd),
  };
}

export interface AppLoginDigestInput {
  app: string;
  domain: string;
  sip: string;
  guid: string;
  dn: string;
  /** Compact JSON of `info`; `undefined` when the result carried no info (the part is then omitted). */
  infoJson?: string | undefined;
  challenge: string;
  /** The App Object password — known to the PBX and the App Service, never to the client. */
  password: string;
}

/**
 * `AppGetLoginResult.digest` as an App Service recomputes it:
 * H(<app>:<domain>:<sip>:<guid>:<dn>[:<infoJson>]:<challenge>:<password>).
 * The client never computes this (it has no App Object password); the sample App Services do.
 */
export function appLoginDigest(i: AppLoginDigestInput): string {
  const infoPart = i.infoJson === undefined ? '' : `:${i.infoJson}`;
  return sha256Hex(`${i.app}:${i.domain}:${i.sip}:${i.guid}:${i.dn}${infoPart}:${i.challenge}:${i.password}`);
}

/** The plain AppWebsocket session key K = H(innovaphoneAppSessionKey:<challenge>:<password>). */
export function appSessionKey(challenge: string, password: string): string {
  return sha256Hex(`innovaphoneAppSessionKey:${challenge}:${password}`);
}
