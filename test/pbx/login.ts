/**
 * The login family: two-round digest Login (user and session), OAuth2 Login (its browser side
 * is oauth2.ts), 2FA, Redirect, Logout and the session-list commands. pbx-session.md §3.
 */
import { randomInt } from 'node:crypto';
import { randomHex } from '../../main/core/protocol/crypto.js';
import type { UserConfig } from './config.js';
import type { Connection } from './connection.js';
import { findUser, identity } from './directory.js';
import type { FrameProblem } from './frames.js';
import { encryptSessionField, expectedLoginResponse, loginResultDigest, redirectDigest } from './formulas.js';
import type { LoginProof } from './formulas.js';
import { keyExchange, oauth2DigestDomain, oauth2RedirectUser } from './oauth2.js';
import type { PendingSignIn, SignInOutcome } from './oauth2.js';
import type { Session } from './sessions.js';

type Msg = Record<string, unknown>;

const PREFIX = { intl: '00', ntl: '0', subs: '', area: '', country: '49' };

/** Sends a failed LoginResult and returns what to record on the frame. */
function reject(c: Connection, error: 1 | 2 | 5, problem: FrameProblem, text?: string): FrameProblem {
  const errorText = text ?? { 1: 'Invalid parameters', 2: 'Authentication failed', 5: 'Session expired' }[error];
  c.send({ mt: 'LoginResult', error, errorText });
  return problem;
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

export function onLogin(c: Connection, msg: Msg): FrameProblem | undefined {
  const { type } = msg;
  if (c.phase.kind === 'loggedIn' || c.phase.kind === 'pending' || c.phase.kind === 'redirected' || c.phase.kind === 'oauth2') {
    return reject(c, 1, 'unexpected');
  }
  if (msg.method === 'oauth2') return oauth2Login(c, msg);
  if (msg.username === undefined) {
    // Round 1. Digest and OAuth2 are emulated; NTLM is out of scope (pbx-session.md §3.8).
    if ((type !== 'user' && type !== 'session') || (msg.method !== undefined && msg.method !== 'digest')) {
      return reject(c, 1, 'invalid-parameters');
    }
    if (type === 'user' && !userDigestEnabled(c)) return reject(c, 2, 'method-disabled', 'Digest login is disabled for users');
    const challenge = randomHex(8);
    c.phase = { kind: 'challenged', type, challenge };
    c.send({ mt: 'Authenticate', type, method: 'digest', domain: c.pbx.config.domain, challenge });
    return undefined;
  }

  const pending = c.phase;
  c.phase = { kind: 'idle' }; // a challenge answers exactly one round 2
  const { username, nonce, response, userAgent } = msg;
  if (
    pending.kind !== 'challenged' || pending.type !== type || msg.method !== 'digest' ||
    !nonEmpty(username) || !nonEmpty(nonce) || !nonEmpty(response) ||
    (userAgent !== undefined && typeof userAgent !== 'string')
  ) {
    return reject(c, 1, 'invalid-parameters');
  }
  const ua = userAgent ?? '';
  if (pending.type === 'user' && !userDigestEnabled(c)) return reject(c, 2, 'method-disabled', 'Digest login is disabled for users');
  return pending.type === 'user'
    ? userLogin(c, username, nonce, response, pending.challenge, ua)
    : sessionLogin(c, username, nonce, response, pending.challenge);
}

function userLogin(c: Connection, username: string, nonce: string, response: string, challenge: string, ua: string): FrameProblem | undefined {
  const { config, sessions } = c.pbx;
  const user = findUser(config, username);
  if (!user) return reject(c, 2, 'auth-failed');
  if (!sessions.useNonce(`user:${user.sip}`, nonce)) return reject(c, 2, 'nonce-reused');
  if (response !== expectedLoginResponse('user', config.domain, username, user.password, nonce, challenge)) {
    return reject(c, 2, 'auth-failed');
  }
  admitUser(c, user, { username, secret: user.password, nonce, challenge }, ua);
  return undefined;
}

/** `LoginInfoResult.user.digest` and whether user digest logins are accepted (config `userDigest`). */
export function userDigestEnabled(c: Connection): boolean {
  return c.pbx.config.userDigest !== false;
}

/** Extra LoginResult/Redirect parts of an OAuth2 login: the PBX's key share and the digest's domain. */
interface OAuth2Extras {
  keyShare: string;
  digestDomain: string;
}

/** The user proved who they are (password digest or OAuth2 sign-in): Redirect, 2FA or LoginResult. */
function admitUser(c: Connection, user: UserConfig, proof: LoginProof, ua: string, oauth2?: OAuth2Extras): void {
  const { sessions } = c.pbx;
  if (user.redirect) {
    // This PBX does not host the user: hand out a session valid on the target (shared store).
    redirect(c, user.redirect, sessions.create(user.sip, ua), proof, oauth2);
    return;
  }
  if (user.twoFactor) {
    const code = randomInt(1000, 10000);
    const s = sessions.create(user.sip, ua, code);
    c.phase = { kind: 'pending', sessionId: s.id, proof, ...(oauth2 ? { oauth2 } : {}) };
    c.send({ mt: 'Authorize', code });
    c.pbx.announceSession('SessionAdded', s);
    return;
  }
  const s = sessions.create(user.sip, ua);
  completeLogin(c, user, s, proof, true, oauth2);
  c.pbx.announceSession('SessionAdded', s, c);
}

/**
 * `Login{type:"user", method:"oauth2", nonce, keyShare}`: the key exchange now, the user's identity
 * later from the browser (oauth2.ts), which ends in {@link finishOAuth2Login}.
 */
function oauth2Login(c: Connection, msg: Msg): FrameProblem | undefined {
  const { type, nonce, keyShare, userAgent } = msg;
  if (!c.pbx.config.oauth2) return reject(c, 2, 'method-disabled', 'OAuth2 login is not enabled');
  if (type !== 'user' || !nonEmpty(nonce) || (userAgent !== undefined && typeof userAgent !== 'string')) {
    return reject(c, 1, 'invalid-parameters');
  }
  const kex = keyExchange(keyShare);
  if (!kex) return reject(c, 1, 'invalid-parameters', 'keyShare must be 128 hex characters: an uncompressed P-256 point without its 04 prefix');
  const challenge = randomHex(8);
  const p = c.pbx.oauth2.begin(c, nonce, challenge, kex, userAgent ?? '');
  if (!p) return reject(c, 2, 'auth-failed', 'Too many sign-ins in progress');
  c.phase = { kind: 'oauth2', state: p.state };
  c.send({ mt: 'Authenticate', type: 'user', method: 'oauth2', domain: c.pbx.config.domain, url: c.pbx.oauth2.startUrl(p), challenge });
  return undefined;
}

/** The browser came back (or gave up): the waiting socket hears how its sign-in ended. */
export function finishOAuth2Login(p: PendingSignIn, outcome: SignInOutcome): string | undefined {
  const c = p.conn;
  c.phase = { kind: 'idle' };
  const refuse = (errorText: string): string => {
    reject(c, 2, 'auth-failed', errorText);
    return errorText;
  };
  if (!outcome.ok) return refuse(outcome.errorText);
  const user = findUser(c.pbx.config, outcome.sip);
  if (!user) return refuse(`unknown user "${outcome.sip}"`);
  // The nonce is checked per user, as for digest logins; only now is the user known.
  if (!c.pbx.sessions.useNonce(`user:${user.sip}`, outcome.proof.nonce)) return refuse('nonce already used');
  admitUser(c, user, outcome.proof, outcome.userAgent, { keyShare: outcome.keyShare, digestDomain: oauth2DigestDomain(c.pbx.config) });
  return undefined;
}

function sessionLogin(c: Connection, username: string, nonce: string, response: string, challenge: string): FrameProblem | undefined {
  const { config, sessions } = c.pbx;
  const s = sessions.byUsername(username);
  const user = s && !s.pending ? findUser(config, s.sip) : undefined;
  if (!s || !user) return reject(c, 5, 'session-expired');
  if (!sessions.useNonce(`session:${s.id}`, nonce)) return reject(c, 2, 'nonce-reused');
  if (response !== expectedLoginResponse('session', config.domain, username, s.pwd, nonce, challenge)) {
    return reject(c, 5, 'auth-failed');
  }
  const proof: LoginProof = { username, secret: s.pwd, nonce, challenge };
  if (user.redirect) {
    // Not hosted here either: send the client on with the session it already has.
    redirect(c, user.redirect, s, proof);
    return undefined;
  }
  // Q7: whether a real PBX rotates credentials on session logins is unknown. By default it
  // does not; when asked to, the new ones are encrypted with S = the old session password,
  // which is what the PHP client's decryption logic implies.
  const rotate = s.rotateOnNextLogin || config.options?.rotateSessionOnSessionLogin === true;
  if (rotate) sessions.rotate(s);
  completeLogin(c, user, s, proof, rotate);
  return undefined;
}

/** `Redirect` instead of LoginResult; the socket stays open until the client closes it. */
function redirect(c: Connection, to: { host: string; mod?: string }, s: Session, proof: LoginProof, oauth2?: OAuth2Extras): void {
  // After OAuth2 the client needs the PBX's key share to derive S; we send it here as in LoginResult.
  const named = oauth2 ? oauth2RedirectUser(proof.username) : undefined;
  const info = { host: to.host, mod: to.mod ?? 'PBX0', session: encryptedCredentials(s, proof), ...(oauth2 ? { keyShare: oauth2.keyShare } : {}), ...named?.info };
  c.phase = { kind: 'redirected' };
  c.send({ mt: 'Redirect', info, digest: redirectDigest(named ? { ...proof, username: named.username } : proof, JSON.stringify(info)) });
}

function encryptedCredentials(s: Session, proof: LoginProof): { usr: string; pwd: string } {
  return { usr: encryptSessionField('usr', proof, s.usr), pwd: encryptSessionField('pwd', proof, s.pwd) };
}

/** LoginResult, then the session list and own presence, as a PBX does right after login. */
function completeLogin(c: Connection, user: UserConfig, s: Session, proof: LoginProof, withCredentials: boolean, oauth2?: OAuth2Extras): void {
  const { config, sessions } = c.pbx;
  const id = identity(config, user);
  const info = {
    user: { domain: config.domain, sip: id.sip, guid: id.guid, dn: id.dn, num: id.num, email: id.email, prefix: PREFIX },
    account: {},
    settings: {},
    ...(withCredentials ? { session: encryptedCredentials(s, proof) } : {}),
    // Where innovaphone's OAuth2 demo shows it: after `session`, before `alt`.
    ...(oauth2 ? { keyShare: oauth2.keyShare } : {}),
    ...(config.options?.alt ? { alt: config.options.alt } : {}),
  };
  // The digest covers exactly the text sent: JSON.stringify keeps the key order built above.
  const digest = loginResultDigest(oauth2?.digestDomain ?? config.domain, proof, JSON.stringify(info));
  c.bind(user.sip, s.id);
  c.send({ mt: 'LoginResult', info, digest });
  for (const other of sessions.ofUser(user.sip)) c.send({ mt: 'SessionAdded', id: other.id, info: c.pbx.sessionInfo(other, c) });
  c.pbx.sendOwnPresence(c, user.sip);
}

export function approvePendingLogin(c: Connection): void {
  if (c.phase.kind !== 'pending') return;
  const s = c.pbx.sessions.get(c.phase.sessionId);
  const user = s ? findUser(c.pbx.config, s.sip) : undefined;
  if (s && user) completeLogin(c, user, s, c.phase.proof, true, c.phase.oauth2);
}

/** Q: the PBX's answer to a denied 2FA request is not documented; we send error 2. */
export function denyPendingLogin(c: Connection): void {
  if (c.phase.kind !== 'pending') return;
  c.phase = { kind: 'idle' };
  c.send({ mt: 'LoginResult', error: 2, errorText: 'Authorization denied' });
}

export function onLogout(c: Connection): FrameProblem | undefined {
  const s = c.sessionId !== undefined ? c.pbx.sessions.get(c.sessionId) : undefined;
  if (s) {
    c.pbx.deleteSession(s, c); // sends this connection its LogoutResult and unbinds it
    return undefined;
  }
  const wasLoggedIn = c.user !== undefined;
  c.send({ mt: 'LogoutResult' });
  c.unbind();
  return wasLoggedIn ? undefined : 'not-logged-in';
}

/** A session of the connection's own user, or undefined (other users' sessions are off limits). */
function ownSession(c: Connection, msg: Msg): Session | undefined {
  const s = typeof msg.id === 'string' ? c.pbx.sessions.get(msg.id) : undefined;
  return s && s.sip === c.user ? s : undefined;
}

export function onAuthorizeSession(c: Connection, msg: Msg): FrameProblem | undefined {
  const s = ownSession(c, msg);
  if (!s) return 'not-own-session';
  if (!s.pending) return 'unexpected';
  c.pbx.approveSession(s);
  return undefined;
}

export function onDeleteSession(c: Connection, msg: Msg): FrameProblem | undefined {
  const s = ownSession(c, msg);
  if (!s) return 'not-own-session';
  c.pbx.deleteSession(s);
  return undefined;
}
