/**
 * OAuth2 user login (pbx-session.md §3.8): the ECDH key share, the pending sign-ins, and the
 * emulator's relying-party side at its identity provider (`/oauth2/start`, `/oauth2/callback`).
 *
 * Flow: `Login{method:"oauth2", nonce, keyShare}` → `Authenticate{url, challenge}` with `url` =
 * `<emulator origin>/oauth2/start?state=<id>`, which redirects the browser to the IdP
 * (code flow, PKCE, `state`, `nonce`, scope `openid`); the IdP sends it back to `/oauth2/callback`,
 * where the code is exchanged (client secret), the ID token verified and its `sub` mapped to a
 * user. The socket then gets `Authorize` (2FA) / `LoginResult` / `Redirect` as for a digest
 * login, with S = hex(ECDH secret), U = the user's SIP name, N = the Login's nonce.
 */
import { createECDH } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as client from 'openid-client';
import { randomHex } from '../../main/core/protocol/crypto.js';
import type { EmulatorConfig, OAuth2Config } from './config.js';
import type { Connection } from './connection.js';
import { findUser } from './directory.js';
import type { LoginProof } from './formulas.js';

/** Beyond this many sign-ins waiting at once, new OAuth2 logins are refused. */
const MAX_PENDING = 100;
/** A sign-in not finished within this time is dropped (the socket gets an error). */
const PENDING_TTL_MS = 10 * 60_000;

export const OAUTH2_START_PATH = '/oauth2/start';
export const OAUTH2_CALLBACK_PATH = '/oauth2/callback';

const KEY_SHARE = /^[0-9a-fA-F]{128}$/;

/** The PBX half of the key exchange for one OAuth2 login. */
export interface KeyExchange {
  /** hex of the 32-byte ECDH shared secret: S. */
  secret: string;
  /** The PBX's public point without the leading 0x04 (128 hex): `info.keyShare`. */
  keyShare: string;
}

/** ECDH on P-256 with the client's share; undefined when it is not a valid uncompressed point. */
export function keyExchange(clientShare: unknown): KeyExchange | undefined {
  if (typeof clientShare !== 'string' || !KEY_SHARE.test(clientShare)) return undefined;
  const ecdh = createECDH('prime256v1');
  const pub = ecdh.generateKeys();
  try {
    const secret = ecdh.computeSecret(Buffer.concat([Buffer.from([4]), Buffer.from(clientShare, 'hex')])).toString('hex');
    return { secret, keyShare: pub.subarray(1).toString('hex') };
  } catch {
    return undefined; // not on the curve
  }
}

/**
 * `options.oauth2TamperKeyShare`: the share in LoginResult is replaced by someone else's valid
 * P-256 key, as a party in the middle would send its own. The PBX's digest and session cipher
 * still use the real secret, so a client derives another secret and its digest check fails (a
 * changed byte would instead leave the curve, and the client would stop before the digest).
 */
export function tamperKeyShare(): string {
  return createECDH('prime256v1').generateKeys().subarray(1).toString('hex');
}

/**
 * Open question (§3.8 is thin here): the spec says the digest rules are "unchanged" for OAuth2,
 * which we read as `LoginResult.digest` keeping the domain from `Authenticate`. innovaphone's demo
 * does not verify the OAuth2 digest at all, so nothing confirms it; the other plausible reading
 * (an empty domain, since no user name was typed in that domain) is one line here.
 */
export function oauth2DigestDomain(config: EmulatorConfig): string {
  return config.domain;
}

/**
 * Open question (§3.8 says nothing of Redirect): a client that signed in through OAuth2 cannot
 * know U before a LoginResult names the user, and a Redirect names no user. Reading chosen: U is
 * empty in the digest of a Redirect after OAuth2. The other reading — the Redirect names the
 * user in `info.user.sip` and U is that name — is `OAUTH2_REDIRECT_NAMES_USER = true`; a client
 * that takes U from `info.user.sip ?? info.sip ?? ""` verifies both.
 */
export const OAUTH2_REDIRECT_NAMES_USER = false;

/** U and any `info` fields of a Redirect after an OAuth2 sign-in of `sip`. */
export function oauth2RedirectUser(sip: string): { username: string; info: { user?: { sip: string } } } {
  return OAUTH2_REDIRECT_NAMES_USER ? { username: sip, info: { user: { sip } } } : { username: '', info: {} };
}

export interface PendingSignIn {
  readonly state: string;
  readonly conn: Connection;
  /** The oauth2 Login's nonce: N of every digest and of the session cipher. */
  readonly nonce: string;
  readonly challenge: string;
  readonly kex: KeyExchange;
  readonly userAgent: string;
  readonly codeVerifier: string;
  readonly oidcNonce: string;
  readonly expires: number;
  /** The redirect URI sent to the IdP, to be exchanged with the code exactly as sent. */
  redirectUri?: string;
}

/** What the socket is told once the browser comes back; login.ts turns it into messages. */
export type SignInOutcome =
  | { ok: true; sip: string; proof: LoginProof; keyShare: string; userAgent: string }
  | { ok: false; errorText: string };

export interface SignInHooks {
  /** The live config. */
  config(): EmulatorConfig;
  /**
   * Tells the connection that is still waiting how its sign-in ended; returns why the PBX
   * refused a sign-in the IdP accepted (for the browser page), or undefined.
   */
  finish(p: PendingSignIn, outcome: SignInOutcome): string | undefined;
}

/** Text for HTML element content and attribute values (also used by the IdP's page, idp.ts). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function page(res: ServerResponse, status: number, text: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>myApps sign-in</title></head><body><p>${escapeHtml(text)}</p></body></html>\n`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
}

export class OAuth2SignIns {
  /** Keyed by the random `state` we hand out: a Map, never an object. */
  private readonly pending = new Map<string, PendingSignIn>();
  /** Discovery results per provider registration, so each sign-in does not fetch them again. */
  private readonly rp = new Map<string, Promise<client.Configuration>>();
  /** `http://127.0.0.1:PORT`, set once the emulator listens. */
  origin = '';

  constructor(private readonly hooks: SignInHooks) {}

  get size(): number {
    return this.pending.size;
  }

  /** Starts a sign-in for a connection; undefined when too many are waiting. */
  begin(conn: Connection, nonce: string, challenge: string, kex: KeyExchange, userAgent: string): PendingSignIn | undefined {
    this.expire();
    if (this.pending.size >= MAX_PENDING) return undefined;
    const p: PendingSignIn = {
      state: randomHex(16), conn, nonce, challenge, kex, userAgent,
      codeVerifier: client.randomPKCECodeVerifier(),
      oidcNonce: client.randomNonce(),
      expires: Date.now() + PENDING_TTL_MS,
    };
    this.pending.set(p.state, p);
    return p;
  }

  startUrl(p: PendingSignIn): string {
    return `${this.origin}${OAUTH2_START_PATH}?state=${p.state}`;
  }

  /** The socket closed (or logged in another way): its sign-in is forgotten, its state dead. */
  drop(state: string): void {
    this.pending.delete(state);
  }

  private expire(): void {
    const now = Date.now();
    for (const p of this.pending.values()) {
      if (p.expires > now) continue;
      this.fail(p, 'sign-in timed out');
    }
  }

  /** The live sign-in for `state`, or undefined (unknown, used, expired, or its socket is gone). */
  private lookup(state: string | null): PendingSignIn | undefined {
    this.expire();
    return state ? this.pending.get(state) : undefined;
  }

  private configuration(o: OAuth2Config): Promise<client.Configuration> {
    const key = JSON.stringify([o.issuer, o.clientId, o.clientSecret]);
    let c = this.rp.get(key);
    if (!c) {
      const url = new URL(o.issuer);
      c = client.discovery(url, o.clientId, o.clientSecret, undefined, {
        // The test IdP listens on plain HTTP on loopback only.
        ...(url.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      }).then((cfg) => {
        // Verify the ID token's signature too, not only its claims (off by default over TLS).
        client.enableNonRepudiationChecks(cfg);
        return cfg;
      });
      c.catch(() => this.rp.delete(key));
      this.rp.set(key, c);
    }
    return c;
  }

  /** Handles `/oauth2/start` and `/oauth2/callback`; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', this.origin);
    if (req.method !== 'GET' || (url.pathname !== OAUTH2_START_PATH && url.pathname !== OAUTH2_CALLBACK_PATH)) return false;
    const run = url.pathname === OAUTH2_START_PATH ? this.start(url, res) : this.callback(url, res);
    run.catch((e: unknown) => {
      if (!res.headersSent) page(res, 500, `Sign-in failed: ${(e as Error).message}.`);
    });
    return true;
  }

  private async start(url: URL, res: ServerResponse): Promise<void> {
    const p = this.lookup(url.searchParams.get('state'));
    const o = this.hooks.config().oauth2;
    if (!p || !o) return page(res, 400, 'Sign-in failed: this sign-in link is unknown or has already been used.');
    let cfg: client.Configuration;
    try {
      cfg = await this.configuration(o);
    } catch (e) {
      this.fail(p, `identity provider unreachable (${(e as Error).message})`);
      return page(res, 502, `Sign-in failed: identity provider unreachable.`);
    }
    p.redirectUri = `${this.origin}${OAUTH2_CALLBACK_PATH}`;
    const to = client.buildAuthorizationUrl(cfg, {
      redirect_uri: p.redirectUri,
      scope: 'openid',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(p.codeVerifier),
      code_challenge_method: 'S256',
      state: p.state,
      nonce: p.oidcNonce,
    });
    res.writeHead(302, { location: to.href, 'cache-control': 'no-store' }).end();
  }

  private async callback(url: URL, res: ServerResponse): Promise<void> {
    const state = url.searchParams.get('state');
    const p = this.lookup(state);
    const o = this.hooks.config().oauth2;
    if (!p || !o || !p.redirectUri) return page(res, 400, 'Sign-in failed: this sign-in is unknown or has already been finished.');
    this.pending.delete(p.state); // a state answers exactly one callback
    const error = url.searchParams.get('error');
    if (error !== null) {
      const reason = error === 'access_denied' ? 'sign-in cancelled' : `identity provider error ${error}`;
      this.fail(p, reason);
      return page(res, 200, `Sign-in failed: ${reason}.`);
    }
    let sub: string;
    try {
      const cfg = await this.configuration(o);
      const tokens = await client.authorizationCodeGrant(cfg, url, {
        pkceCodeVerifier: p.codeVerifier,
        expectedState: p.state,
        expectedNonce: p.oidcNonce,
        idTokenExpected: true,
      }, { redirect_uri: p.redirectUri });
      const claims = tokens.claims();
      if (!claims || typeof claims.sub !== 'string') throw new Error('no subject in the ID token');
      sub = claims.sub;
    } catch (e) {
      const reason = `token exchange failed (${(e as Error).message})`;
      this.fail(p, reason);
      return page(res, 502, `Sign-in failed: ${reason}.`);
    }
    const user = findUser(this.hooks.config(), sub);
    if (!user) {
      this.fail(p, `unknown user "${sub}"`);
      return page(res, 200, `Sign-in failed: unknown user "${sub}".`);
    }
    if (!this.waiting(p)) return page(res, 410, 'Sign-in failed: the myApps client stopped waiting.');
    const refused = this.hooks.finish(p, {
      ok: true,
      sip: user.sip,
      proof: { username: user.sip, secret: p.kex.secret, nonce: p.nonce, challenge: p.challenge },
      keyShare: this.hooks.config().options?.oauth2TamperKeyShare ? tamperKeyShare() : p.kex.keyShare,
      userAgent: p.userAgent,
    });
    page(res, 200, refused === undefined ? 'Signed in. You can close this window.' : `Sign-in failed: ${refused}.`);
  }

  /** Whether the connection that began `p` still waits for exactly this sign-in. */
  private waiting(p: PendingSignIn): boolean {
    return p.conn.phase.kind === 'oauth2' && p.conn.phase.state === p.state;
  }

  private fail(p: PendingSignIn, errorText: string): void {
    this.pending.delete(p.state);
    if (this.waiting(p)) this.hooks.finish(p, { ok: false, errorText });
  }
}
