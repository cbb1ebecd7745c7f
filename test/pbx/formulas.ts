/**
 * The PBX side of every myApps digest, written independently of the client's
 * `main/core/protocol/digest.ts` (only the SHA-256/RC4 primitives are shared) so that a
 * wrong formula in the client cannot be masked by the same mistake here.
 * Sources: pbx-session.md §3.2–3.6, app-hosting.md §2.3/§2.5; pinned by
 * test/unit/pbx-emulator-formulas.test.ts against test/vectors/protocol-vectors.json.
 */
import { rc4DecryptHex, rc4EncryptHex, sha256Hex } from '../../main/core/protocol/crypto.js';

/** What a successful `Login` round 2 proved; every later digest of that login is keyed by it. */
export interface LoginProof {
  /** `Login.username`: the SIP name (user login) or session username (session login). */
  username: string;
  /** The secret S: user password or session password. */
  secret: string;
  nonce: string;
  challenge: string;
}

/** The `response` a client must send in `Login` round 2. */
export function expectedLoginResponse(type: string, domain: string, username: string, password: string, nonce: string, challenge: string): string {
  return sha256Hex(['innovaphoneAppClient', type, domain, username, password, nonce, challenge].join(':'));
}

/** `LoginResult.digest`; `infoJson` must be exactly the serialised `info` that is sent. */
export function loginResultDigest(domain: string, p: LoginProof, infoJson: string): string {
  return sha256Hex(['innovaphoneAppClient', 'loginresult', domain, p.username, p.secret, p.nonce, p.challenge, infoJson].join(':'));
}

/** `Redirect.digest`: like the LoginResult digest but without the domain. */
export function redirectDigest(p: LoginProof, infoJson: string): string {
  return sha256Hex(['innovaphoneAppClient', 'redirect', p.username, p.secret, p.nonce, p.challenge, infoJson].join(':'));
}

/** RC4 key for `info.session.usr` / `info.session.pwd`: the raw string, not a hash of it. */
function sessionCipherKey(field: 'usr' | 'pwd', p: LoginProof): string {
  return `innovaphoneAppClient:${field}:${p.nonce}:${p.secret}`;
}

/** Hex RC4 ciphertext of a session credential as carried in LoginResult/Redirect. */
export function encryptSessionField(field: 'usr' | 'pwd', p: LoginProof, plain: string): string {
  return rc4EncryptHex(sessionCipherKey(field, p), plain);
}

/** Inverse of {@link encryptSessionField}; used by tests to read what the emulator issued. */
export function decryptSessionField(field: 'usr' | 'pwd', p: LoginProof, cipherHex: string): string {
  return rc4DecryptHex(sessionCipherKey(field, p), cipherHex);
}

export interface AppLoginFields {
  /** Last path segment of the App Object URL (the .htm base name). */
  app: string;
  domain: string;
  sip: string;
  guid: string;
  dn: string;
  /** Serialised AppLoginInfo; when absent its `:<info>` part is left out entirely. */
  infoJson?: string;
  challenge: string;
  /** App Object password. */
  password: string;
}

/** `AppGetLoginResult.digest` as the App Service recomputes it. `pbxObj` is not part of it. */
export function appLoginDigest(f: AppLoginFields): string {
  const parts = [f.app, f.domain, f.sip, f.guid, f.dn];
  if (f.infoJson !== undefined) parts.push(f.infoJson);
  parts.push(f.challenge, f.password);
  return sha256Hex(parts.join(':'));
}

/** The plain AppWebsocket session key (sent unencrypted as `key`, no `salt`: open question Q6). */
export function appSessionKey(challenge: string, password: string): string {
  return sha256Hex(`innovaphoneAppSessionKey:${challenge}:${password}`);
}
