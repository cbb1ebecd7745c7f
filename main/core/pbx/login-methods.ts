/**
 * Which ways of logging in a PBX offers (`LoginInfoResult`, `pbx-session.md` §3.1), and what
 * the IT policy leaves of them. NTLM is never offered by this client (README: out of scope).
 */
import type { PbxMessage } from '../protocol/pbx-messages.js';

export type LoginMethod = 'digest' | 'oauth2';

export interface LoginMethods {
  /** User name and password. */
  digest: boolean;
  /** Single sign-on through the PBX's identity provider. */
  oauth2: boolean;
  /** What the PBX calls its identity provider ("Sign in with <name>"); may be empty. */
  oauth2Name: string;
  /** False: the PBX did not answer `LoginInfo` (older than 13r3, or silent); the methods are a guess. */
  answered: boolean;
}

/** A PBX that says nothing is assumed to offer what every PBX offers: the password login. */
export const unannouncedMethods: Readonly<LoginMethods> = Object.freeze({ digest: true, oauth2: false, oauth2Name: '', answered: false });

/**
 * The methods a `LoginInfoResult` announces. A flag the PBX leaves out counts as its default:
 * digest on (every PBX has it), OAuth2 off.
 */
export function loginMethodsOf(msg: PbxMessage<'LoginInfoResult'>): LoginMethods {
  const user = msg.user ?? {};
  return { digest: user.digest !== false, oauth2: user.oauth2 === true, oauth2Name: (user.oauth2Name ?? '').slice(0, 100), answered: true };
}

/** What the login screen offers: a method the policy forces is the only one; the PBX's announcement decides the rest. */
export function offeredMethods(methods: LoginMethods, forced: LoginMethod | undefined): LoginMethods {
  if (forced === undefined) return methods;
  // A forced method is offered even when the PBX did not announce it: IT knows its PBX, and the
  // PBX's own answer to the login says so clearly if IT is wrong.
  return { ...methods, digest: forced === 'digest', oauth2: forced === 'oauth2' };
}
