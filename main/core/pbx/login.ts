/**
 * One login exchange on an open link (`pbx-session.md` §3.2–3.6): Login round 1 →
 * Authenticate → Login round 2 → [Authorize…] → LoginResult | Redirect.
 *
 * It verifies the PBX's digest before believing anything in `info`, decrypts the session
 * credentials, and drops the password the moment the PBX has answered.
 */
import { decryptSession, loginResponse, loginResultDigest, redirectDigest, type SessionCredentials } from '../protocol/digest.js';
import type { PbxOutbound } from '../protocol/pbx-messages.js';
import { redirectWebSocketUrl } from './address.js';
import type { Link } from './link.js';
import type { SessionErrorReason } from './state.js';

/** What a login authenticates with. A user `password` is set to undefined once used. */
export type LoginSecret = { type: 'user'; username: string; password: string | undefined } | { type: 'session'; usr: string; pwd: string };

export type LoginOutcome =
  | { kind: 'logged-in'; info: Record<string, unknown>; session: SessionCredentials | undefined }
  | { kind: 'redirect'; url: string; session: SessionCredentials }
  | { kind: 'failed'; reason: SessionErrorReason; message: string; retry: boolean; pbxError?: number; fingerprint256?: string; proxyAuth?: ProxyAuthRequest };

/** Which proxy asks for credentials (a failure before the login could start). */
export interface ProxyAuthRequest {
  proxy: string;
  realm?: string;
  refused: boolean;
}

export interface LoginOptions {
  url: string;
  build: string;
  userAgent: string;
  loginTimeoutMs: number;
  authorizeTimeoutMs: number;
  /** A fresh, never used nonce (16 hex). */
  nonce: () => string;
  /** 2FA pending: the UI shows `code`. */
  onAuthorize: (code: string) => void;
}

const failed = (reason: SessionErrorReason, message: string, retry = false, pbxError?: number): LoginOutcome =>
  pbxError === undefined ? { kind: 'failed', reason, message, retry } : { kind: 'failed', reason, message, retry, pbxError };

/** The link ended or the PBX fell silent during a login step; `why` is the link's own account of its end, if it has one. */
const lost = (step: string, r: 'closed' | 'timeout', seconds: number, why?: string): LoginOutcome =>
  r === 'closed' ? failed('unreachable', `The PBX closed the connection during ${step}${why ? ` (${why})` : ''}.`, true) : failed('protocol', `The PBX did not answer ${step} within ${seconds} s.`, true);

export async function performLogin(link: Link, secret: LoginSecret, o: LoginOptions): Promise<LoginOutcome> {
  try {
    return await exchange(link, secret, o);
  } finally {
    if (secret.type === 'user') secret.password = undefined;
  }
}

async function exchange(link: Link, secret: LoginSecret, o: LoginOptions): Promise<LoginOutcome> {
  const type = secret.type;
  link.send({ mt: 'Login', type, userAgent: o.userAgent } satisfies PbxOutbound);
  const auth = await link.next(['Authenticate'], o.loginTimeoutMs);
  if (typeof auth === 'string') return lost('the login request', auth, o.loginTimeoutMs / 1000, link.closeDetail);
  if (auth.msg.mt !== 'Authenticate') throw new Error('unexpected frame');
  if (auth.msg.method !== 'digest') return failed('login-rejected', `The PBX asks for "${auth.msg.method}" login, which this client does not support.`);

  const username = secret.type === 'user' ? secret.username : secret.usr;
  const password = secret.type === 'user' ? secret.password : secret.pwd;
  if (password === undefined) return failed('credentials-required', 'Enter your password to log in.');
  const { domain, challenge } = auth.msg;
  const nonce = o.nonce();
  link.send({ mt: 'Login', type, method: 'digest', username, nonce, response: loginResponse({ type, domain, username, password, nonce, challenge }), userAgent: o.userAgent } satisfies PbxOutbound);

  let timeoutMs = o.loginTimeoutMs;
  for (;;) {
    const frame = await link.next(['Authorize', 'LoginResult', 'Redirect'], timeoutMs);
    if (typeof frame === 'string') return lost('the login', frame, timeoutMs / 1000, link.closeDetail);
    const { msg, infoJson } = frame;
    const proof = { username, secret: password, nonce, challenge, infoJson: infoJson ?? '' };
    switch (msg.mt) {
      case 'Authorize':
        // 2FA: approval on another device may take minutes.
        timeoutMs = o.authorizeTimeoutMs;
        o.onAuthorize(msg.code);
        continue;
      case 'Redirect': {
        if (infoJson === undefined || redirectDigest(proof) !== msg.digest) {
          return failed('forged-digest', 'The PBX redirect did not carry a valid digest; not following it.');
        }
        let url: string;
        try {
          url = redirectWebSocketUrl(o.url, msg.info, o.build);
        } catch (e) {
          return failed('protocol', (e as Error).message);
        }
        let session: SessionCredentials | undefined;
        try {
          session = msg.info.session ? decryptSession(msg.info.session, nonce, password) : secret.type === 'session' ? { usr: secret.usr, pwd: secret.pwd } : undefined;
        } catch (e) {
          return failed('protocol', `The PBX redirect carried unreadable session credentials (${(e as Error).message}).`);
        }
        if (!session) return failed('protocol', 'The PBX redirect carried no session to log in with.');
        return { kind: 'redirect', url, session };
      }
      case 'LoginResult': {
        if (msg.error !== undefined || !msg.info) return loginError(type, msg.error, msg.errorText);
        if (infoJson === undefined || loginResultDigest({ ...proof, domain }) !== msg.digest) {
          return failed('forged-digest', 'The PBX login result did not carry a valid digest: this may not be your PBX. Not logged in.');
        }
        const enc = msg.info.session as { usr?: unknown; pwd?: unknown } | undefined;
        // Q7: a session login may rotate the credentials; they are then encrypted with the session password.
        let session: SessionCredentials | undefined;
        try {
          session = enc && typeof enc.usr === 'string' && typeof enc.pwd === 'string' ? decryptSession({ usr: enc.usr, pwd: enc.pwd }, nonce, password) : undefined;
        } catch (e) {
          return failed('protocol', `The PBX login result carried unreadable session credentials (${(e as Error).message}).`);
        }
        return { kind: 'logged-in', info: msg.info, session };
      }
      default:
        throw new Error('unexpected frame');
    }
  }
}

function loginError(type: 'user' | 'session', code: number | undefined, text: string | undefined): LoginOutcome {
  const detail = text ? ` (${text})` : '';
  if (code === 5) return failed('session-expired', `Your session has expired; please log in again${detail}.`, false, 5);
  if (code === 2) {
    // For a session login, "authentication failed" means the stored session is useless too.
    return type === 'user' ? failed('auth-failed', `Wrong user name or password${detail}.`, false, 2) : failed('session-expired', `The PBX no longer accepts this session${detail}.`, false, 2);
  }
  if (code === 1) return failed('login-rejected', `The PBX found the login request invalid${detail}.`, false, 1);
  return failed('login-rejected', `The PBX rejected the login with error ${code ?? '(none)'}${detail}.`, false, code);
}
