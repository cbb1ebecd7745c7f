/**
 * What each client message does. Pre-login messages work in any order and state; the rest
 * need a logged-in connection. Unknown `mt`s are recorded and otherwise ignored: a PBX never
 * closes the socket over them (pbx-session.md §8 item 1).
 */
import { appGetLoginResult, appLoginError } from './apps.js';
import type { UserConfig } from './config.js';
import type { Connection } from './connection.js';
import { findUser } from './directory.js';
import type { FrameProblem } from './frames.js';
import { onAuthorizeSession, onDeleteSession, onLogin, onLogout, userDigestEnabled } from './login.js';
import type { Subscription } from './presence.js';

type Msg = Record<string, unknown>;
type Result = FrameProblem | undefined;
type AnyState = (c: Connection, msg: Msg) => Result;
type LoggedIn = (c: Connection, msg: Msg, u: UserConfig) => Result;

const anyState = new Map<string, AnyState>([
  ['KeepAlive', () => undefined],
  ['CheckBuild', (c) => {
    const build = c.pbx.config.build;
    c.send({ mt: 'CheckBuildResult', version: '13r3', build, launcherUpdateBuild: build, appStoreUrl: 'https://store.innovaphone.com/release/download/' });
    return undefined;
  }],
  ['SubscribeRegister', (c) => {
    c.send({ mt: 'UpdateRegister', profile: c.pbx.config.options?.profileApp ?? '', tutorial: '' });
    return undefined;
  }],
  ['LoginInfo', (c) => {
    const { oauth2 } = c.pbx.config;
    c.send({
      mt: 'LoginInfoResult',
      user: { digest: userDigestEnabled(c), ntlm: false, oauth2: oauth2 !== undefined, oauth2Name: oauth2 ? oauth2.name ?? 'Single sign-on' : '' },
      session: { digest: true },
    });
    return undefined;
  }],
  ['Login', onLogin],
  ['Logout', (c) => onLogout(c)],
]);

/** `{sip}` or `{num}` (plus optional `src`) as sent in the Subscribe and Unsubscribe messages. */
function subscription(msg: Msg): Subscription | undefined {
  const sub: Subscription = {};
  if (typeof msg.sip === 'string') sub.sip = msg.sip;
  else if (typeof msg.num === 'string') sub.num = msg.num;
  else return undefined;
  if (msg.src !== undefined) sub.src = msg.src;
  return sub;
}

function sameTarget(a: Subscription, b: Subscription): boolean {
  return a.sip === b.sip && a.num === b.num;
}

/** Replaces an earlier subscription to the same target, so re-subscribing never doubles updates. */
function subscribe(list: Subscription[], msg: Msg): { list: Subscription[]; sub?: Subscription } {
  const sub = subscription(msg);
  return sub ? { list: [...list.filter((s) => !sameTarget(s, sub)), sub], sub } : { list };
}

function unsubscribe(list: Subscription[], msg: Msg): Subscription[] | undefined {
  const sub = subscription(msg);
  return sub && list.filter((s) => !sameTarget(s, sub));
}

const loggedIn = new Map<string, LoggedIn>([
  ['AuthorizeSession', (c, msg) => onAuthorizeSession(c, msg)],
  ['DeleteSession', (c, msg) => onDeleteSession(c, msg)],
  // The wake types replace what the connection announced before; a push token is accepted and not used.
  ['SetSessionInfo', (c, msg) => {
    const { wake, token } = msg;
    if (!Array.isArray(wake) || wake.some((w) => typeof w !== 'string') || (token !== undefined && typeof token !== 'string')) return 'invalid-parameters';
    c.wake = new Set(wake as string[]);
    return undefined;
  }],
  ['SubscribeApps', (c) => {
    c.appsSubscribed = true;
    c.pbx.sendApps(c);
    return undefined;
  }],
  ['SetApps', (c, msg, u) => {
    if (typeof msg.home !== 'string') return 'invalid-parameters';
    c.pbx.setHome(u.sip, msg.home);
    return undefined;
  }],
  ['AppGetLogin', (c, msg, u) => {
    c.pbx.answerAppLogin(c, appGetLoginResult(c.pbx.config, u, msg));
    return undefined;
  }],
  ['SetOwnPresence', (c, msg, u) => {
    if (typeof msg.activity !== 'string' || (msg.note !== undefined && typeof msg.note !== 'string')) return 'invalid-parameters';
    c.pbx.presenceOf(u.sip).tel = msg.note ? { activity: msg.activity, note: msg.note } : { activity: msg.activity };
    c.pbx.presenceChanged(u.sip);
    return undefined;
  }],
  ['SetUserActivity', (c, msg, u) => {
    if (typeof msg.inactive !== 'boolean') return 'invalid-parameters';
    c.pbx.presenceOf(u.sip).im = { activity: msg.inactive ? 'away' : '' };
    c.pbx.presenceChanged(u.sip);
    return undefined;
  }],
  ['SubscribePresence', (c, msg) => {
    const { list, sub } = subscribe(c.presenceSubs, msg);
    if (!sub) return 'invalid-parameters';
    c.presenceSubs = list;
    c.pbx.sendPresence(c, sub);
    return undefined;
  }],
  ['UnsubscribePresence', (c, msg) => {
    const list = unsubscribe(c.presenceSubs, msg);
    if (!list) return 'invalid-parameters';
    c.presenceSubs = list;
    return undefined;
  }],
  ['SubscribeDialog', (c, msg) => {
    const { list, sub } = subscribe(c.dialogSubs, msg);
    if (!sub) return 'invalid-parameters';
    c.dialogSubs = list;
    c.pbx.sendDialogs(c, sub);
    return undefined;
  }],
  ['UnsubscribeDialog', (c, msg) => {
    const list = unsubscribe(c.dialogSubs, msg);
    if (!list) return 'invalid-parameters';
    c.dialogSubs = list;
    return undefined;
  }],
]);

export function dispatch(c: Connection, mt: string, msg: Msg): Result {
  const any = anyState.get(mt);
  if (any) return any(c, msg);
  const handler = loggedIn.get(mt);
  if (!handler) return 'unknown-mt';
  const u = c.user !== undefined ? findUser(c.pbx.config, c.user) : undefined;
  if (!u) {
    // The client would wait forever for this one; everything else is simply ignored.
    if (mt === 'AppGetLogin') c.pbx.answerAppLogin(c, appLoginError(msg.src, msg.app));
    return 'not-logged-in';
  }
  return handler(c, msg, u);
}
