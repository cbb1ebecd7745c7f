/**
 * The App Service side of the app login (app-hosting.md §2.3–§2.5), written here once more with
 * node:crypto — independent of the client's digest code and of the PBX emulator's formulas, so
 * a mistake in either shows up as a refused login instead of hiding behind the same mistake.
 */
import { createHash, randomBytes } from 'node:crypto';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** A fresh AppChallengeResult challenge: 16 lowercase hex characters. */
export function newChallenge(): string {
  return randomBytes(8).toString('hex');
}

/** The AppLogin fields the digest covers (missing ones count as empty strings). */
export interface DigestInput {
  app: string;
  domain: string;
  sip: string;
  guid: string;
  dn: string;
  /** The `info` object as received; `undefined` leaves its `:<json>` part out entirely. */
  info?: unknown;
  challenge: string;
  /** App Object password, the secret shared by PBX and App Service. */
  password: string;
}

/** SHA-256(<app>:<domain>:<sip>:<guid>:<dn>[:<JSON.stringify(info)>]:<challenge>:<password>), lowercase hex. */
export function appLoginDigest(d: DigestInput): string {
  const parts = [d.app, d.domain, d.sip, d.guid, d.dn];
  if (d.info !== undefined) parts.push(JSON.stringify(d.info));
  parts.push(d.challenge, d.password);
  return sha256(parts.join(':'));
}

/** The plain AppWebsocket session key both ends derive: SHA-256("innovaphoneAppSessionKey:<challenge>:<password>"). */
export function appSessionKey(challenge: string, password: string): string {
  return sha256(`innovaphoneAppSessionKey:${challenge}:${password}`);
}

/** AppWebsocket `hash(seed, data)` = SHA-256(<seed>:<key>:<data>). */
export function sessionHash(seed: string, key: string, data: string): string {
  return sha256(`${seed}:${key}:${data}`);
}

export interface VerifiedLogin {
  app: string;
  domain: string;
  sip: string;
  guid: string;
  dn: string;
  pbxObj?: string;
  info?: unknown;
  /** Session key derived from challenge and password. */
  key: string;
}

export type LoginCheck = { ok: true; login: VerifiedLogin } | { ok: false; error: string };

const field = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/**
 * Checks an AppLogin frame against the connection's challenge. `page` is the HTML base name of
 * the app (last path segment of the App URL): the PBX computed the digest with it, so an AppLogin
 * naming another app is refused before the digest is even compared.
 */
export function verifyAppLogin(msg: Record<string, unknown>, page: string, challenge: string | undefined, password: string): LoginCheck {
  if (challenge === undefined) return { ok: false, error: 'no challenge' };
  if (field(msg.app) !== page) return { ok: false, error: 'wrong app' };
  const fields = { app: page, domain: field(msg.domain), sip: field(msg.sip), guid: field(msg.guid), dn: field(msg.dn) };
  const expected = appLoginDigest({ ...fields, info: msg.info, challenge, password });
  if (typeof msg.digest !== 'string' || msg.digest.toLowerCase() !== expected) return { ok: false, error: 'digest mismatch' };
  return {
    ok: true,
    login: { ...fields, ...(typeof msg.pbxObj === 'string' && { pbxObj: msg.pbxObj }), ...(msg.info !== undefined && { info: msg.info }), key: appSessionKey(challenge, password) },
  };
}

/**
 * The `auth` an avatar provider expects in its picture URL (`com.innovaphone.avatar`,
 * app-hosting.md §3.4): SHA-256(<token><salt><sip>), lowercase hex — no separators.
 */
export function avatarAuth(token: string, salt: string, sip: string): string {
  return sha256(token + salt + sip);
}

/** The picture request's query checked against the provider's token: the sip it is for, or why it is refused. */
export function verifyAvatarQuery(query: URLSearchParams, token: string): { ok: true; sip: string } | { ok: false; error: string } {
  const sip = query.get('sip');
  const salt = query.get('salt');
  const auth = query.get('auth');
  if (sip === null || salt === null || auth === null || salt === '') return { ok: false, error: 'sip, salt and auth required' };
  return auth.toLowerCase() === avatarAuth(token, salt, sip) ? { ok: true, sip } : { ok: false, error: 'auth mismatch' };
}
