/**
 * The login family: two-round digest Login (user and session), 2FA, Redirect, Logout and
 * the session-list commands. pbx-session.md §3.
 */
import { randomInt } from 'node:crypto';
import { randomHex } from '../../main/core/protocol/crypto.js';
import type { UserConfig } from './config.js';
import type { Connection } from './connection.js';
import { findUser, identity } from './directory.js';
import type { FrameProblem } from './frames.js';
import { encryptSessionField, expectedLoginResponse, loginResultDigest, redirectDigest } from './formulas.js';
import type { LoginProof } from './formulas.js';
import type { Session } from './sessions.js';

type Msg = Record<string, unknown>;

const PREFIX = { intl: '00', ntl: '0', subs: '', area: '', country: '49' };

/** Sends a failed LoginResult and returns what to record on the frame. */
function reject(c: Connection, error: 1 | 2 | 5, problem: FrameProblem): FrameProblem {
  const errorText = { 1: 'Invalid parameters', 2: 'Authentication failed', 5: 'Session expired' }[error];
  c.send({ mt: 'LoginResult', error, errorText });
  return problem;
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

export function onLogin(c: Connection, msg: Msg): FrameProblem | undefined {
  const { type } = msg;
  if (c.phase.kind === 'loggedIn' || c.phase.kind === 'pending' || c.phase.kind === 'redirected') {
    return reject(c, 1, 'unexpected');
  }
  if (msg.username === undefined) {
    // Round 1. Only digest is emulated (oauth2/ntlm are out of scope: pbx-session.md §3.8).
    if ((type !== 'user' && type !== 'session') || (msg.method !== undefined && msg.method !== 'digest')) {
      return reject(c, 1, 'invalid-parameters');
    }
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
  const proof: LoginProof = { username, secret: user.password, nonce, challenge };

  if (user.redirect) {
    // This PBX does not host the user: hand out a session valid on the target (shared store).
    redirect(c, user.redirect, sessions.create(user.sip, ua), proof);
    return undefined;
  }
  if (user.twoFactor) {
    const code = randomInt(1000, 10000);
    const s = sessions.create(user.sip, ua, code);
    c.phase = { kind: 'pending', sessionId: s.id, proof };
    c.send({ mt: 'Authorize', code });
    c.pbx.announceSession('SessionAdded', s);
    return undefined;
  }
  const s = sessions.create(user.sip, ua);
  completeLogin(c, user, s, proof, true);
  c.pbx.announceSession('SessionAdded', s, c);
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
function redirect(c: Connection, to: { host: string; mod?: string }, s: Session, proof: LoginProof): void {
  const info = { host: to.host, mod: to.mod ?? 'PBX0', session: encryptedCredentials(s, proof) };
  c.phase = { kind: 'redirected' };
  c.send({ mt: 'Redirect', info, digest: redirectDigest(proof, JSON.stringify(info)) });
}

function encryptedCredentials(s: Session, proof: LoginProof): { usr: string; pwd: string } {
  return { usr: encryptSessionField('usr', proof, s.usr), pwd: encryptSessionField('pwd', proof, s.pwd) };
}

/** LoginResult, then the session list and own presence, as a PBX does right after login. */
function completeLogin(c: Connection, user: UserConfig, s: Session, proof: LoginProof, withCredentials: boolean): void {
  const { config, sessions } = c.pbx;
  const id = identity(config, user);
  const info = {
    user: { domain: config.domain, sip: id.sip, guid: id.guid, dn: id.dn, num: id.num, email: id.email, prefix: PREFIX },
    account: {},
    settings: {},
    ...(withCredentials ? { session: encryptedCredentials(s, proof) } : {}),
    ...(config.options?.alt ? { alt: config.options.alt } : {}),
  };
  // The digest covers exactly the text sent: JSON.stringify keeps the key order built above.
  const digest = loginResultDigest(config.domain, proof, JSON.stringify(info));
  c.bind(user.sip, s.id);
  c.send({ mt: 'LoginResult', info, digest });
  for (const other of sessions.ofUser(user.sip)) c.send({ mt: 'SessionAdded', id: other.id, info: c.pbx.sessionInfo(other, c) });
  c.pbx.sendOwnPresence(c, user.sip);
}

export function approvePendingLogin(c: Connection): void {
  if (c.phase.kind !== 'pending') return;
  const s = c.pbx.sessions.get(c.phase.sessionId);
  const user = s ? findUser(c.pbx.config, s.sip) : undefined;
  if (s && user) completeLogin(c, user, s, c.phase.proof, true);
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
