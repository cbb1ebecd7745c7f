/**
 * One login exchange on an open link (`pbx-session.md` §3.2–3.6): Login round 1 →
 * Authenticate → Login round 2 → [Authorize…] → LoginResult | Redirect.
 *
 * It verifies the PBX's digest before believing anything in `info`, decrypts the session
 * credentials, and drops the password the moment the PBX has answered.
 */
import { decryptSession, loginResponse, loginResultDigest, redirectDigest, type SessionCredentials } from '../protocol/digest.js';
import { KeyShareError, createKeyPair } from '../protocol/key-share.js';
import type { PbxOutbound } from '../protocol/pbx-messages.js';
import { redirectWebSocketUrl } from './address.js';
import type { Frame, Link } from './link.js';
import { loginMethodsOf, type LoginMethods } from './login-methods.js';
import type { SessionErrorReason } from './state.js';

/**
 * What a login authenticates with. A user `password` is set to undefined once used. `oauth2`:
 * single sign-on in the browser (§3.8); the secret is made during the exchange (ECDH).
 */
export type LoginSecret = { type: 'user'; username: string; password: string | undefined } | { type: 'session'; usr: string; pwd: string } | { type: 'oauth2' };

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
  /** OAuth2: the PBX named its sign-in page (an http(s) URL, checked); the user opens it in a browser. */
  onSignIn?: (url: string) => void;
  /** The PBX said which login methods it offers (only if it answers `LoginInfo`). */
  onLoginInfo?: (methods: LoginMethods) => void;
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
  if (secret.type === 'oauth2') return oauth2Exchange(link, o);
  const type = secret.type;
  // Before a user login, ask which methods the PBX offers. Not waited for: a PBX older than
  // 13r3 never answers, and the answer (if any) arrives before Authenticate, as PBXes answer in order.
  if (type === 'user') link.send({ mt: 'LoginInfo' } satisfies PbxOutbound);
  link.send({ mt: 'Login', type, userAgent: o.userAgent } satisfies PbxOutbound);
  const auth = await nextAfterLoginInfo(link, ['Authenticate'], o);
  if (typeof auth === 'string') return lost('the login request', auth, o.loginTimeoutMs / 1000, link.closeDetail);
  if ('methods' in auth) {
    return failed('login-rejected', `This PBX does not offer login with a password${auth.methods.oauth2 ? ` (use “Sign in${auth.methods.oauth2Name ? ` with ${auth.methods.oauth2Name}` : ''}”)` : ''}.`);
  }
  if (auth.msg.mt !== 'Authenticate') throw new Error('unexpected frame');
  if (auth.msg.method !== 'digest') return failed('login-rejected', `The PBX asks for "${auth.msg.method}" login, which this client does not support.`);

  const username = secret.type === 'user' ? secret.username : secret.usr;
  const password = secret.type === 'user' ? secret.password : secret.pwd;
  if (password === undefined) return failed('credentials-required', 'Enter your password to log in.');
  const { domain, challenge } = auth.msg;
  const nonce = o.nonce();
  link.send({ mt: 'Login', type, method: 'digest', username, nonce, response: loginResponse({ type, domain, username, password, nonce, challenge }), userAgent: o.userAgent } satisfies PbxOutbound);
  return awaitResult(link, o, {
    type,
    domain,
    challenge,
    nonce,
    proof: () => ({ username, secret: password }),
    // A session login's Redirect may carry no new session: the one we logged in with goes on.
    ...(secret.type === 'session' && { currentSession: { usr: secret.usr, pwd: secret.pwd } }),
  });
}

/**
 * OAuth2 (§3.8): one `Login` with a fresh ECDH key share, `Authenticate` names the sign-in
 * page, the user signs in in a browser (minutes), then the usual results on the same socket.
 * S is the ECDH secret with the PBX's `info.keyShare`; U is the user the PBX names in `info`.
 */
async function oauth2Exchange(link: Link, o: LoginOptions): Promise<LoginOutcome> {
  const keys = createKeyPair();
  const nonce = o.nonce();
  link.send({ mt: 'LoginInfo' } satisfies PbxOutbound);
  link.send({ mt: 'Login', type: 'user', method: 'oauth2', nonce, keyShare: keys.keyShare, userAgent: o.userAgent } satisfies PbxOutbound);
  const auth = await nextAfterLoginInfo(link, ['Authenticate', 'LoginResult'], o, 'oauth2');
  if (typeof auth === 'string') return lost('the sign-in request', auth, o.loginTimeoutMs / 1000, link.closeDetail);
  if ('methods' in auth) return failed('login-rejected', 'This PBX does not offer single sign-on.');
  if (auth.msg.mt === 'LoginResult') return loginError('oauth2', auth.msg.error, auth.msg.errorText);
  if (auth.msg.mt !== 'Authenticate') throw new Error('unexpected frame');
  if (auth.msg.method !== 'oauth2') return failed('login-rejected', `The PBX answered single sign-on with "${auth.msg.method}" login.`);
  const url = signInUrl(auth.msg.url);
  if (url === undefined) return failed('protocol', 'The PBX named no usable sign-in page (an http or https URL is needed).');
  o.onSignIn?.(url);
  const { domain, challenge } = auth.msg;
  return awaitResult(link, o, {
    type: 'user',
    method: 'oauth2',
    domain,
    challenge,
    nonce,
    // The user signs in in the browser: that may take as long as a 2FA approval.
    firstTimeoutMs: o.authorizeTimeoutMs,
    step: 'the sign-in',
    proof: (info) => {
      let secret: string;
      try {
        secret = keys.sharedSecret(info.keyShare);
      } catch (e) {
        if (e instanceof KeyShareError) return failed('forged-digest', `The PBX's key share could not be used (${e.message}); not logged in.`);
        throw e;
      }
      return { username: userOf(info), secret };
    },
  });
}

/** The sign-in page, if it is an http(s) URL (anything else is not opened in a browser). */
export function signInUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 8192) return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return undefined;
  }
  return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '' && u.username === '' && u.password === '' ? u.href : undefined;
}

/** U for an OAuth2 login: the user the PBX signed in, `info.user.sip` (or the flat `info.sip`). */
function userOf(info: Record<string, unknown>): string {
  const user = info.user;
  const nested = typeof user === 'object' && user !== null ? (user as Record<string, unknown>).sip : undefined;
  const sip = nested ?? info.sip;
  return typeof sip === 'string' ? sip : '';
}

/**
 * The next of `mts`, taking a `LoginInfoResult` on the way: reported, and if it says the
 * method asked for is not offered, returned as `{methods}` (the caller fails clearly).
 */
async function nextAfterLoginInfo(link: Link, mts: ('Authenticate' | 'LoginResult')[], o: LoginOptions, method: 'digest' | 'oauth2' = 'digest'): Promise<Frame | 'closed' | 'timeout' | { methods: LoginMethods }> {
  for (;;) {
    const frame = await link.next([...mts, 'LoginInfoResult'], o.loginTimeoutMs);
    if (typeof frame === 'string' || frame.msg.mt !== 'LoginInfoResult') return frame;
    const methods = loginMethodsOf(frame.msg);
    o.onLoginInfo?.(methods);
    if (!methods[method]) return { methods };
  }
}

interface ResultContext {
  type: 'user' | 'session';
  /** How the user proved who they are, for the wording of a refusal. */
  method?: 'oauth2';
  domain: string;
  challenge: string;
  nonce: string;
  /** U and S for the digest over `info` (OAuth2: made from `info` itself), or why there are none. */
  proof: (info: Record<string, unknown>) => { username: string; secret: string } | LoginOutcome;
  currentSession?: SessionCredentials;
  firstTimeoutMs?: number;
  step?: string;
}

/** [Authorize…] → LoginResult | Redirect, each checked against its digest before anything in it is believed. */
async function awaitResult(link: Link, o: LoginOptions, c: ResultContext): Promise<LoginOutcome> {
  const { nonce, challenge } = c;
  let timeoutMs = c.firstTimeoutMs ?? o.loginTimeoutMs;
  for (;;) {
    const frame = await link.next(['Authorize', 'LoginResult', 'Redirect'], timeoutMs);
    if (typeof frame === 'string') return lost(c.step ?? 'the login', frame, timeoutMs / 1000, link.closeDetail);
    const { msg, infoJson } = frame;
    switch (msg.mt) {
      case 'Authorize':
        // 2FA: approval on another device may take minutes.
        timeoutMs = o.authorizeTimeoutMs;
        o.onAuthorize(msg.code);
        continue;
      case 'Redirect': {
        const p = c.proof(msg.info);
        if ('kind' in p) return p;
        if (infoJson === undefined || redirectDigest({ ...p, nonce, challenge, infoJson }) !== msg.digest) {
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
          session = msg.info.session ? decryptSession(msg.info.session, nonce, p.secret) : c.currentSession;
        } catch (e) {
          return failed('protocol', `The PBX redirect carried unreadable session credentials (${(e as Error).message}).`);
        }
        if (!session) return failed('protocol', 'The PBX redirect carried no session to log in with.');
        return { kind: 'redirect', url, session };
      }
      case 'LoginResult': {
        if (msg.error !== undefined || !msg.info) return loginError(c.method ?? c.type, msg.error, msg.errorText);
        const p = c.proof(msg.info);
        if ('kind' in p) return p;
        if (infoJson === undefined || loginResultDigest({ ...p, nonce, challenge, infoJson, domain: c.domain }) !== msg.digest) {
          return failed('forged-digest', 'The PBX login result did not carry a valid digest: this may not be your PBX. Not logged in.');
        }
        const enc = msg.info.session as { usr?: unknown; pwd?: unknown } | undefined;
        // Q7: a session login may rotate the credentials; they are then encrypted with the session password.
        let session: SessionCredentials | undefined;
        try {
          session = enc && typeof enc.usr === 'string' && typeof enc.pwd === 'string' ? decryptSession({ usr: enc.usr, pwd: enc.pwd }, nonce, p.secret) : undefined;
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

function loginError(type: 'user' | 'session' | 'oauth2', code: number | undefined, text: string | undefined): LoginOutcome {
  const detail = text ? ` (${text})` : '';
  // Single sign-on: the identity provider (or the user there) said no; there was no password here to be wrong.
  if (type === 'oauth2' && code === 2) return failed('sign-in-failed', `The single sign-on did not succeed${detail}.`, false, 2);
  if (code === 5) return failed('session-expired', `Your session has expired; please log in again${detail}.`, false, 5);
  if (code === 2) {
    // For a session login, "authentication failed" means the stored session is useless too.
    return type === 'user' ? failed('auth-failed', `Wrong user name or password${detail}.`, false, 2) : failed('session-expired', `The PBX no longer accepts this session${detail}.`, false, 2);
  }
  if (code === 1) return failed('login-rejected', `The PBX found the login request invalid${detail}.`, false, 1);
  return failed('login-rejected', `The PBX rejected the login with error ${code ?? '(none)'}${detail}.`, false, code);
}
