/** The observable state of a PbxSession, as the UI shows it. */
import type { UserInfo } from '../protocol/pbx-messages.js';

export type SessionErrorReason =
  /** No TCP/TLS/WebSocket connection could be made. */
  | 'unreachable'
  /** The PBX certificate failed validation and is not trusted by fingerprint. */
  | 'certificate-untrusted'
  /** The proxy on the way to the PBX wants a user name and password (`proxy`, `realm`), or refused the ones given. */
  | 'proxy-auth-required'
  /** Wrong user name or password (LoginResult error 2), or 2FA denied. */
  | 'auth-failed'
  /** Single sign-on did not succeed: cancelled or refused at the identity provider, or the PBX refused it. */
  | 'sign-in-failed'
  /** The stored session is no longer valid (error 5) and no password was given to fall back to. */
  | 'session-expired'
  /** The PBX found the login malformed (error 1) or answered with an unknown error. */
  | 'login-rejected'
  /** The LoginResult/Redirect digest did not verify: not our PBX, or tampered with. */
  | 'forged-digest'
  | 'redirect-loop'
  /** Nothing to log in with: no stored session and no password. */
  | 'credentials-required'
  | 'bad-address'
  /** The PBX did not answer the login in time or broke the protocol. */
  | 'protocol'
  /** A failure inside the client (e.g. the credential store threw). */
  | 'internal';

export type SessionState =
  | { kind: 'disconnected'; reason: 'initial' | 'logged-out' | 'remote-logout' | 'closed' }
  | { kind: 'connecting'; url: string; redirectedFrom?: string }
  | { kind: 'authenticating'; url: string; type: 'user' | 'session' }
  | { kind: 'awaiting-2fa'; url: string; code: string }
  /** OAuth2: the user signs in at `signInUrl` (the identity provider's page, http(s)) in a browser. */
  | { kind: 'awaiting-sign-in'; url: string; signInUrl: string }
  | { kind: 'logged-in'; url: string; user: UserInfo; standby: boolean }
  | { kind: 'reconnecting'; attempt: number; nextRetryAt: number; lastError: string }
  | {
      kind: 'error';
      reason: SessionErrorReason;
      message: string;
      fingerprint256?: string;
      pbxError?: number;
      /** proxy-auth-required: the proxy that asks, `host:port`. */
      proxy?: string;
      /** proxy-auth-required: the realm the proxy named, if any. */
      realm?: string;
      /** proxy-auth-required: credentials were given and the proxy turned them down. */
      proxyCredentialsRefused?: boolean;
    };
