/**
 * PbxSession: one user's myApps session with a PBX (`docs/protocol/pbx-session.md`).
 *
 * It owns the connection, logs in (user, session, 2FA — see login.ts), follows redirects,
 * keeps the link alive, reconnects with backoff by session login, and turns the PBX's
 * messages into state and events for the UI and the app host. Every frame is validated
 * first; a bad one is logged and dropped, never fatal.
 *
 * Secrets: the user password lives only inside one login exchange and is dropped as soon as
 * the PBX answered it. Session credentials live in the `SessionVault`, nowhere else.
 */
import type { LookupFunction } from 'node:net';
import { Emitter } from '../common/emitter.js';
import { LimitLog } from '../common/rate-limit.js';
import { silentLogger, type Logger } from '../common/log.js';
import { randomHex } from '../protocol/crypto.js';
import {
  UserInfo,
  type App,
  type DeviceApp,
  type PbxMessage,
  type PbxOutbound,
  type Presence,
  type PresenceTarget,
  type SessionInfo,
} from '../protocol/pbx-messages.js';
import { DEFAULT_BUILD, hostOf, pbxWebSocketUrl, redirectWebSocketUrl } from './address.js';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
import { Link, type Frame } from './link.js';
import { performLogin, type LoginOutcome, type LoginSecret, type ProxyAuthRequest } from './login.js';
import { loginMethodsOf, unannouncedMethods, type LoginMethods } from './login-methods.js';
import { parsePac, type ProxyCredentials, type ProxyRoute } from './proxy.js';
import type { SessionErrorReason, SessionState } from './state.js';
import { ConnectError, Transport, type CloseReason, type KeepAliveOptions } from './transport.js';
import { MemoryVault, type SessionVault } from './vault.js';

export interface PbxSessionOptions {
  /** PBX host or URL as the user typed it. */
  address: string;
  /** `userAgent` shown in the user's session list; contains "myApps" as lib1 expects. */
  userAgent?: string;
  build?: string;
  trustedFingerprints?: readonly string[];
  vault?: SessionVault;
  log?: Logger;
  keepAlive?: KeepAliveOptions;
  backoff?: BackoffOptions;
  /** How long the PBX may take to answer a login step (not the 2FA wait). */
  loginTimeoutMs?: number;
  /** How long a 2FA approval may take. */
  authorizeTimeoutMs?: number;
  /** Default timeout of `appGetLogin`. */
  requestTimeoutMs?: number;
  /** Redirects followed in one login before giving up (loop guard). */
  maxRedirects?: number;
  connectTimeoutMs?: number;
  /**
   * The proxy for a PBX URL (given as `https://…` / `http://…`), in PAC form: "DIRECT",
   * "PROXY host:port; DIRECT", "HTTPS host:port" (proxy.ts). Asked before every connection.
   * Default: directly.
   */
  proxyFor?: (url: string) => Promise<string> | string;
  /** Credentials for a proxy (`host:port`) that asks for them; kept by the caller. */
  proxyCredentials?: (proxy: string) => ProxyCredentials | undefined;
  /** Test seam: name resolution for the connections the session makes. */
  lookup?: LookupFunction;
}

export interface AppsSnapshot {
  apps: App[];
  deviceApps: DeviceApp[];
  /** The user's home-screen app links, comma-separated (`SetApps.home`). */
  selected: string;
}

export interface SessionEntry extends SessionInfo {
  id: string;
}

export interface AppGetLoginAnswer {
  result: PbxMessage<'AppGetLoginResult'>;
  /** `info` exactly as the PBX ordered it, for relaying to the app unchanged. */
  infoJson?: string;
}

export class AppGetLoginError extends Error {
  override name = 'AppGetLoginError';
  constructor(
    readonly reason: 'timeout' | 'disconnected' | 'not-logged-in',
    message: string,
  ) {
    super(message);
  }
}

export interface PbxSessionEvents extends Record<string, unknown> {
  state: SessionState;
  user: UserInfo;
  apps: AppsSnapshot;
  sessions: SessionEntry[];
  ownPresence: Presence[];
  presence: PbxMessage<'UpdatePresence'>;
  dialog: PbxMessage<'DialogInfo'>;
  wake: PbxMessage<'Wake'>;
  /** What the PBX says of its version and the client build it offers (CheckBuildResult, after each login). */
  build: PbxMessage<'CheckBuildResult'>;
  /** The login page's links and the profile app (UpdateRegister, after each login). */
  register: PbxMessage<'UpdateRegister'>;
  loggedOut: { remote: boolean };
  /** The PBX said which login methods it offers (`LoginInfoResult`, before a user login). */
  loginMethods: LoginMethods;
  /** A frame from the PBX that failed validation; it was dropped. */
  protocolError: { error: string; frame: string };
}

type Subscriptions = Map<string, { target: PresenceTarget; count: number }>;

export const DEFAULT_USER_AGENT = 'myApps (Desktop)';

/** Apps in one app list; a PBX sending more (or never completing a list) cannot grow memory beyond this. */
export const MAX_APPS = 5000;
/** Sessions of one user in the session list. */
export const MAX_SESSIONS = 500;

export class PbxSession extends Emitter<PbxSessionEvents> {
  private readonly log: Logger;
  private readonly vault: SessionVault;
  private readonly build: string;
  private readonly primaryUrl: string | undefined;
  private readonly addressError: string | undefined;
  private stateValue: SessionState = { kind: 'disconnected', reason: 'initial' };
  /** Bumped whenever a login starts or the session ends; a loop of an older generation stops. */
  private generation = 0;
  private link: Link | undefined;
  /** Where the user's session lives (the redirect target, or the configured PBX). */
  private homeUrl: string | undefined;
  /** The standby PBX named by `LoginResult.info.alt`. */
  private standbyUrl: string | undefined;
  private cancelSleep: (() => void) | undefined;
  private readonly usedNonces = new Set<string>();
  private srcCounter = 0;
  private readonly pendingAppLogins = new Map<string, { resolve: (a: AppGetLoginAnswer) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  private readonly presenceSubs: Subscriptions = new Map();
  private readonly dialogSubs: Subscriptions = new Map();
  /** The wake types to announce (`SetSessionInfo`), once known; the PBX forgets them with each connection. */
  private wakeTypes: string[] | undefined;
  /** What the current link was told last, so an unchanged list is not sent again. */
  private wakeSent: { link: Link; key: string } | undefined;
  private pendingApps = new Map<string, App>();
  private appsValue: AppsSnapshot | undefined;
  private readonly sessionsValue = new Map<string, SessionEntry>();
  private userValue: UserInfo | undefined;
  private readonly appsOverflow: LimitLog;
  private readonly sessionsOverflow: LimitLog;
  /** The last proxy answer logged, so that reconnects do not repeat it. */
  private lastPac: string | undefined;

  constructor(private readonly opts: PbxSessionOptions) {
    super();
    this.log = opts.log ?? silentLogger;
    this.appsOverflow = new LimitLog(this.log, `the PBX listed more than ${MAX_APPS} apps; the rest are dropped`, {}, 10_000);
    this.sessionsOverflow = new LimitLog(this.log, `the PBX listed more than ${MAX_SESSIONS} sessions; the rest are dropped`, {}, 10_000);
    this.vault = opts.vault ?? new MemoryVault();
    this.build = opts.build ?? DEFAULT_BUILD;
    try {
      this.primaryUrl = pbxWebSocketUrl(opts.address, this.build);
    } catch (e) {
      this.addressError = (e as Error).message;
    }
  }

  get state(): SessionState {
    return this.stateValue;
  }
  get user(): UserInfo | undefined {
    return this.userValue;
  }
  /** Last complete app list; kept across reconnects so the home screen stays usable. */
  get apps(): AppsSnapshot | undefined {
    return this.appsValue;
  }
  get sessions(): SessionEntry[] {
    return [...this.sessionsValue.values()];
  }
  /** The WebSocket URL derived from the configured address. */
  get url(): string | undefined {
    return this.primaryUrl;
  }

  /**
   * Log in. A stored session is tried first (session login); if the PBX says it expired and
   * a password was given, a user login follows. Without a stored session the password is
   * required. Resolves once logged in, failed or waiting to reconnect — the outcome is in the returned state; later
   * changes (reconnects, logout) arrive as `state` events.
   */
  async login(credentials: { username?: string; password?: string; method?: 'digest' | 'oauth2' } = {}): Promise<SessionState> {
    const gen = this.begin();
    if (!this.primaryUrl) return this.fail(gen, 'bad-address', this.addressError ?? 'No PBX address configured.');
    const stored = await this.vault.load();
    // OAuth2 needs nothing from the user here: the sign-in happens in the browser.
    const userLogin: LoginSecret | undefined =
      credentials.method === 'oauth2'
        ? { type: 'oauth2' }
        : credentials.username !== undefined && credentials.password !== undefined
          ? { type: 'user', username: credentials.username, password: credentials.password }
          : undefined;
    if (!stored && !userLogin) return this.fail(gen, 'credentials-required', 'Enter your user name and password to log in.');
    const done = this.next('state', (s) => ['logged-in', 'error', 'reconnecting', 'disconnected'].includes(s.kind));
    const running = stored ? this.run(gen, stored.url, { type: 'session', usr: stored.usr, pwd: stored.pwd }, userLogin, true) : this.run(gen, this.primaryUrl, userLogin!, undefined, false);
    // A failing vault (keychain) or a bug must end in a visible error state, not an unhandled rejection.
    running.catch((e: unknown) => {
      this.log('error', 'session loop failed', { error: String(e) });
      this.fail(gen, 'internal', `Internal error: ${(e as Error)?.message ?? String(e)}`);
    });
    return done;
  }

  /** A stored session exists: `login()` without a password can resume it. */
  async hasStoredSession(): Promise<boolean> {
    return (await this.vault.load()) !== undefined;
  }

  /** Log out at the PBX, wipe the stored session, and disconnect. */
  async logout(): Promise<void> {
    const link = this.link;
    const gen = ++this.generation;
    if (link?.ready && link.open) {
      const answered = link.next(['LogoutResult'], 3000);
      link.send({ mt: 'Logout' });
      await answered;
    }
    if (gen === this.generation) await this.endSession(false);
  }

  /** Disconnect without logging out (application quit); the stored session stays. */
  close(): void {
    this.begin();
    this.setState({ kind: 'disconnected', reason: 'closed' });
  }

  authorizeSession(id: string): void {
    this.send({ mt: 'AuthorizeSession', id });
  }

  deleteSession(id: string): void {
    this.send({ mt: 'DeleteSession', id });
  }

  /** Store the home-screen selection (comma-separated app links). */
  setApps(home: string): void {
    this.send({ mt: 'SetApps', home });
  }

  setOwnPresence(activity: string, note?: string): void {
    this.send(note === undefined ? { mt: 'SetOwnPresence', activity } : { mt: 'SetOwnPresence', activity, note });
  }

  setUserActivity(inactive: boolean): void {
    this.send({ mt: 'SetUserActivity', inactive });
  }

  /**
   * The wake types this session can be woken for (`SetSessionInfo{wake}`; no push token on the
   * desktop): sent now when logged in and they changed, and again after every login (the PBX
   * forgets them with the connection). The PBX sends `Wake` only for types announced.
   */
  setWakeTypes(types: readonly string[]): void {
    this.wakeTypes = [...types];
    if (this.stateValue.kind === 'logged-in' && this.link?.ready) this.announceWake(this.link);
  }

  private announceWake(link: Link): void {
    if (!this.wakeTypes) return;
    const key = JSON.stringify(this.wakeTypes);
    if (this.wakeSent?.link === link && this.wakeSent.key === key) return;
    this.wakeSent = { link, key };
    link.send({ mt: 'SetSessionInfo', wake: this.wakeTypes });
  }

  /**
   * Something says the network may work again (resume from sleep, a network change): a session
   * waiting to reconnect tries now instead of after its backoff. Logged in, nothing changes.
   */
  reconnectNow(): boolean {
    if (this.stateValue.kind !== 'reconnecting' || !this.cancelSleep) return false;
    this.cancelSleep();
    return true;
  }

  /** Subscribe to a user's (or an app's) presence; kept across reconnects. Returns the unsubscribe. */
  subscribePresence(target: PresenceTarget): () => void {
    return this.subscribe(this.presenceSubs, target, 'SubscribePresence', 'UnsubscribePresence');
  }

  subscribeDialog(target: PresenceTarget): () => void {
    return this.subscribe(this.dialogSubs, target, 'SubscribeDialog', 'UnsubscribeDialog');
  }

  /**
   * Ask the PBX to vouch for the user to App Object `app` (`AppGetLogin`). Concurrent requests
   * are told apart by `src`. A PBX error (`error`/`errorText`) is a normal answer; the promise
   * rejects only when no answer can come (timeout, link lost, not logged in).
   */
  appGetLogin(app: string, challenge: string, timeoutMs = this.opts.requestTimeoutMs ?? 10_000): Promise<AppGetLoginAnswer> {
    const link = this.link;
    if (this.stateValue.kind !== 'logged-in' || !link?.ready || !link.open) {
      return Promise.reject(new AppGetLoginError('not-logged-in', 'Not logged in to the PBX.'));
    }
    const src = `agl${++this.srcCounter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAppLogins.delete(src);
        reject(new AppGetLoginError('timeout', `The PBX did not answer AppGetLogin for "${app}" within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.pendingAppLogins.set(src, { resolve, reject, timer });
      link.send({ mt: 'AppGetLogin', src, app, challenge });
    });
  }

  /**
   * Ask the PBX which login methods it offers (`LoginInfo`), on a connection of its own that
   * is closed right after; the session's state does not change. A PBX that cannot be reached or
   * does not answer within `timeoutMs` (older than 13r3) yields `unannouncedMethods`: the login
   * itself then tells what is wrong.
   */
  async probeLoginMethods(timeoutMs = 5000): Promise<LoginMethods> {
    if (!this.primaryUrl) return unannouncedMethods;
    let transport: Transport;
    try {
      transport = await this.connect(this.primaryUrl, Math.min(this.opts.connectTimeoutMs ?? timeoutMs, timeoutMs));
    } catch (e) {
      this.log('info', 'login methods not asked: the PBX could not be reached', { error: String(e).slice(0, 200) });
      return unannouncedMethods;
    }
    const link = new Link(transport, { message: () => undefined, malformed: (error) => this.log('warn', 'dropped malformed frame from the PBX', { error }), ignored: () => undefined }, this.log);
    try {
      const answer = link.next(['LoginInfoResult'], timeoutMs);
      link.send({ mt: 'LoginInfo' });
      const frame = await answer;
      if (typeof frame === 'string' || frame.msg.mt !== 'LoginInfoResult') {
        this.log('info', 'the PBX did not say which login methods it offers', { why: typeof frame === 'string' ? frame : frame.msg.mt });
        return unannouncedMethods;
      }
      return loginMethodsOf(frame.msg);
    } finally {
      link.close();
    }
  }

  // ------------------------------------------------------------------ connection loop

  /** Stop whatever runs now; returns the generation of the new run. */
  private begin(): number {
    this.generation++;
    this.cancelSleep?.();
    this.dropLink();
    return this.generation;
  }

  /**
   * Log in at `url` and stay connected: follow redirects, reconnect with backoff after a lost
   * link (by session login), fall back once to `userLogin` if the stored session expired.
   * `persistent`: we hold a session, so an unreachable PBX means "retry", not "give up".
   */
  private async run(gen: number, url: string, secret: LoginSecret, userLogin: LoginSecret | undefined, persistent: boolean): Promise<void> {
    let redirects = 0;
    let attempt = 0;
    let redirectedFrom: string | undefined;
    while (gen === this.generation) {
      const outcome = await this.connectAndLogin(gen, url, secret, redirectedFrom);
      if (gen !== this.generation) return;

      if (outcome.kind === 'redirect') {
        const limit = this.opts.maxRedirects ?? 3;
        if (++redirects > limit) {
          this.fail(gen, 'redirect-loop', `The PBX redirected more than ${limit} times (last to ${hostOf(outcome.url)}); giving up.`);
          return;
        }
        // Keep the new session before following, so a crash or an unreachable target loses nothing.
        await this.vault.save({ ...outcome.session, url: outcome.url });
        redirectedFrom = url;
        url = outcome.url;
        secret = { type: 'session', ...outcome.session };
        persistent = true;
        continue;
      }

      if (outcome.kind === 'failed') {
        if (outcome.reason === 'session-expired' && secret.type === 'session') {
          await this.vault.clear();
          if (userLogin && this.primaryUrl) {
            this.log('info', 'stored session expired; logging in with the password');
            [secret, userLogin, url, persistent, redirects] = [userLogin, undefined, this.primaryUrl, false, 0];
            continue;
          }
        }
        if (!(outcome.retry && persistent)) {
          this.fail(gen, outcome.reason, outcome.message, outcome);
          return;
        }
        url = await this.backoff(gen, ++attempt, url, outcome.message);
        continue;
      }

      // Logged in: stay until the link ends, then resume by session login.
      userLogin = undefined;
      [attempt, redirects, redirectedFrom, persistent] = [0, 0, undefined, true];
      const link = outcome.link;
      const why = describeClose(await link.closed, link.standbyBack);
      if (gen !== this.generation) return;
      const stored = await this.vault.load();
      if (!stored) {
        // No session to resume with (the PBX gave none): the user must log in again.
        this.fail(gen, 'credentials-required', `The connection to the PBX was lost (${why}) and there is no session to resume; log in again.`);
        return;
      }
      secret = { type: 'session', usr: stored.usr, pwd: stored.pwd };
      if (link.standbyBack) {
        url = this.homeUrl ?? stored.url;
        continue;
      }
      url = await this.backoff(gen, ++attempt, url, why);
    }
  }

  /** Show "reconnecting", wait the jittered backoff, and pick the next PBX to try. */
  private async backoff(gen: number, attempt: number, current: string, lastError: string): Promise<string> {
    const delay = backoffDelay(attempt, this.opts.backoff ?? defaultBackoff);
    if (gen === this.generation) this.setState({ kind: 'reconnecting', attempt, nextRetryAt: Date.now() + delay, lastError });
    await this.sleep(delay);
    // Odd attempts go to the home PBX, even ones to the standby if we know one
    // ([WIKI Redundancy]; the exact rule is open question Q3).
    const home = this.homeUrl ?? current;
    return this.standbyUrl && attempt % 2 === 0 ? this.standbyUrl : home;
  }

  private async connectAndLogin(gen: number, url: string, secret: LoginSecret, redirectedFrom: string | undefined): Promise<Exclude<LoginOutcome, { kind: 'logged-in' }> | { kind: 'logged-in'; link: Link }> {
    this.setState(redirectedFrom ? { kind: 'connecting', url, redirectedFrom } : { kind: 'connecting', url });
    let transport: Transport;
    try {
      transport = await this.connect(url, this.opts.connectTimeoutMs);
    } catch (e) {
      if (secret.type === 'user') secret.password = undefined;
      if (e instanceof ConnectError && e.failure.kind === 'certificate') {
        return { kind: 'failed', reason: 'certificate-untrusted', message: e.message, retry: false, fingerprint256: e.failure.fingerprint256 };
      }
      if (e instanceof ConnectError && e.failure.kind === 'proxy-auth') {
        // Only the user can answer this: no retry until they did (the `proxyCredentials` command).
        const { proxy, realm, refused } = e.failure;
        return { kind: 'failed', reason: 'proxy-auth-required', message: e.message, retry: false, proxyAuth: { proxy, refused, ...(realm !== undefined && { realm }) } };
      }
      return { kind: 'failed', reason: 'unreachable', message: (e as Error).message, retry: true };
    }
    const link = new Link(transport, {
      message: (frame) => this.dispatch(link, frame),
      malformed: (error, text) => {
        this.log('warn', 'dropped malformed frame from the PBX', { error });
        this.emit('protocolError', { error, frame: text.slice(0, 200) });
      },
      ignored: (mt) => this.log('debug', 'ignored PBX message', { mt }),
    }, this.log);
    if (gen !== this.generation) {
      link.close();
      return { kind: 'failed', reason: 'protocol', message: 'cancelled', retry: false };
    }
    this.link = link;
    void link.closed.then((reason) => this.onLinkClosed(link, reason));
    this.setState({ kind: 'authenticating', url, type: secret.type === 'session' ? 'session' : 'user' });
    const outcome = await performLogin(link, secret, {
      url,
      build: this.build,
      userAgent: this.opts.userAgent ?? DEFAULT_USER_AGENT,
      loginTimeoutMs: this.opts.loginTimeoutMs ?? 15_000,
      authorizeTimeoutMs: this.opts.authorizeTimeoutMs ?? 600_000,
      nonce: () => this.freshNonce(),
      onAuthorize: (code) => {
        if (gen === this.generation) this.setState({ kind: 'awaiting-2fa', url, code });
      },
      onSignIn: (signInUrl) => {
        if (gen === this.generation) this.setState({ kind: 'awaiting-sign-in', url, signInUrl });
      },
      onLoginInfo: (methods) => {
        if (gen === this.generation) this.emit('loginMethods', methods);
      },
    });
    if (outcome.kind !== 'logged-in' || gen !== this.generation) {
      if (this.link === link) this.link = undefined;
      link.close();
      return outcome.kind === 'logged-in' ? { kind: 'failed', reason: 'protocol', message: 'cancelled', retry: false } : outcome;
    }
    if (outcome.session) await this.vault.save({ ...outcome.session, url });
    else if (secret.type === 'user') this.log('warn', 'LoginResult carried no session; the next start will ask for the password');
    else {
      // Session logins keep the session; remember where it lives now.
      const stored = await this.vault.load();
      if (stored && stored.url !== url) await this.vault.save({ ...stored, url });
    }
    this.homeUrl ??= url;
    this.standbyUrl = this.altUrl(url, outcome.info.alt);
    this.userValue = readUser(outcome.info, this.log);
    this.onLoggedIn(link, url);
    link.markReady();
    return { kind: 'logged-in', link };
  }

  /** A connection to `url` with this session's trust, proxy and keep-alive. */
  private async connect(url: string, connectTimeoutMs: number | undefined): Promise<Transport> {
    return Transport.connect(url, {
      trustedFingerprints: this.opts.trustedFingerprints ?? [],
      routes: await this.routesFor(url),
      log: this.log,
      ...(this.opts.proxyCredentials && { proxyCredentials: this.opts.proxyCredentials }),
      ...(this.opts.lookup && { lookup: this.opts.lookup }),
      ...(this.opts.keepAlive && { keepAlive: this.opts.keepAlive }),
      ...(connectTimeoutMs && { connectTimeoutMs }),
    });
  }

  /** How to reach `url` (asked per connection: a redirect may lead to a PBX behind another proxy). */
  private async routesFor(url: string): Promise<ProxyRoute[]> {
    if (!this.opts.proxyFor) return [{ kind: 'direct' }];
    let pac: string;
    try {
      pac = await this.opts.proxyFor(url.replace(/^ws/, 'http'));
    } catch (e) {
      this.log('warn', 'the system proxy could not be determined; connecting directly', { error: String(e) });
      return [{ kind: 'direct' }];
    }
    if (pac !== this.lastPac) this.log('info', 'proxy for the PBX', { url: hostOf(url), proxy: pac || 'DIRECT' });
    this.lastPac = pac;
    return parsePac(pac);
  }

  private onLoggedIn(link: Link, url: string): void {
    this.sessionsValue.clear();
    this.pendingApps = new Map();
    const standby = url !== this.homeUrl;
    this.setState({ kind: 'logged-in', url, user: this.userValue!, standby });
    this.emit('user', this.userValue!);
    link.send({ mt: 'SubscribeApps' });
    link.send({ mt: 'SubscribeRegister' });
    link.send({ mt: 'CheckBuild' });
    this.announceWake(link);
    for (const { target } of this.presenceSubs.values()) link.send({ mt: 'SubscribePresence', ...target });
    for (const { target } of this.dialogSubs.values()) link.send({ mt: 'SubscribeDialog', ...target });
  }

  private onLinkClosed(link: Link, reason: CloseReason): void {
    if (this.link !== link) return;
    this.link = undefined;
    this.rejectPendingAppLogins(`The PBX connection was lost (${describeClose(reason, false)}).`);
  }

  /** `info.alt` ("alt.company.com/PBX0") names the standby PBX. */
  private altUrl(current: string, alt: unknown): string | undefined {
    if (typeof alt !== 'string' || !alt) return undefined;
    const [host = '', mod] = alt.split('/');
    try {
      return redirectWebSocketUrl(current, { host, mod }, this.build);
    } catch {
      this.log('warn', 'ignoring unusable LoginResult.info.alt', { alt });
      return undefined;
    }
  }

  // ------------------------------------------------------------------ messages after login

  private dispatch(link: Link, { msg, infoJson }: Frame): void {
    if (this.link !== link) return;
    switch (msg.mt) {
      case 'UpdateAppsInfo':
        // A PBX that never says UpdateAppsComplete cannot grow this without bound.
        if (this.pendingApps.size >= MAX_APPS && !this.pendingApps.has(msg.app.name)) {
          this.appsOverflow.limited();
          return;
        }
        this.pendingApps.set(msg.app.name, msg.app);
        return;
      case 'UpdateAppsComplete':
        // Q4: the PBX re-sends the full list after a change, so each Complete is a whole snapshot.
        this.publishApps([...this.pendingApps.values()], msg.deviceApps, msg.selected);
        this.pendingApps = new Map();
        return;
      case 'UpdateApps':
        this.publishApps(msg.apps, msg.deviceApps, msg.selected);
        return;
      case 'AppGetLoginResult': {
        const pending = this.pendingAppLogins.get(msg.src);
        if (!pending) {
          this.log('warn', 'AppGetLoginResult for an unknown src dropped', { src: msg.src });
          return;
        }
        this.pendingAppLogins.delete(msg.src);
        clearTimeout(pending.timer);
        pending.resolve(infoJson === undefined ? { result: msg } : { result: msg, infoJson });
        return;
      }
      case 'SessionAdded':
      case 'SessionUpdated':
        if (this.sessionsValue.size >= MAX_SESSIONS && !this.sessionsValue.has(msg.id)) {
          this.sessionsOverflow.limited();
          return;
        }
        this.sessionsValue.set(msg.id, { ...this.sessionsValue.get(msg.id), ...msg.info, id: msg.id });
        this.emit('sessions', this.sessions);
        return;
      case 'SessionDeleted': {
        const wasCurrent = this.sessionsValue.get(msg.id)?.current === true;
        if (this.sessionsValue.delete(msg.id)) this.emit('sessions', this.sessions);
        if (wasCurrent) {
          // Our own session was deleted on another device. The PBX follows with LogoutResult;
          // we do not wait for it: the stored credentials are useless from now on.
          this.generation++;
          void this.endSession(true);
        }
        return;
      }
      case 'LogoutResult':
        // Unsolicited (our own Logout is answered inside logout()): this session was deleted elsewhere.
        this.generation++;
        void this.endSession(true);
        return;
      case 'StandbyBack':
        link.standbyBack = true;
        return;
      case 'UpdateUser':
        this.userValue = readUser({ user: { ...this.userValue, ...msg.user } }, this.log);
        this.emit('user', this.userValue);
        return;
      case 'UpdateOwnPresence':
        this.emit('ownPresence', msg.presence);
        return;
      case 'UpdatePresence':
        this.emit('presence', msg);
        return;
      case 'DialogInfo':
        this.emit('dialog', msg);
        return;
      case 'Wake':
        this.emit('wake', msg);
        return;
      case 'CheckBuildResult':
        this.emit('build', msg);
        return;
      case 'UpdateRegister':
        this.emit('register', msg);
        return;
      default:
        this.log('debug', 'PBX message not expected after login; ignored', { mt: msg.mt });
    }
  }

  private publishApps(apps: App[], deviceApps: DeviceApp[] | undefined, selected: string | undefined): void {
    this.appsValue = { apps, deviceApps: deviceApps ?? [], selected: selected ?? '' };
    this.emit('apps', this.appsValue);
  }

  // ------------------------------------------------------------------ helpers

  private freshNonce(): string {
    let nonce: string;
    do nonce = randomHex(8);
    while (this.usedNonces.has(nonce));
    this.usedNonces.add(nonce);
    return nonce;
  }

  private send(message: PbxOutbound): void {
    if (this.stateValue.kind !== 'logged-in' || !this.link?.open) {
      this.log('warn', 'not logged in; message not sent', { mt: message.mt });
      return;
    }
    this.link.send(message);
  }

  private subscribe(registry: Subscriptions, target: PresenceTarget, subscribe: 'SubscribePresence' | 'SubscribeDialog', unsubscribe: 'UnsubscribePresence' | 'UnsubscribeDialog'): () => void {
    const key = 'sip' in target ? `sip:${target.sip}` : `num:${target.num}`;
    const entry = registry.get(key);
    if (entry) entry.count++;
    else {
      registry.set(key, { target, count: 1 });
      if (this.link?.ready) this.link.send({ mt: subscribe, ...target } as PbxOutbound);
    }
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const e = registry.get(key);
      if (!e || --e.count > 0) return;
      registry.delete(key);
      if (this.link?.ready) this.link.send({ mt: unsubscribe, ...target } as PbxOutbound);
    };
  }

  private rejectPendingAppLogins(message: string): void {
    for (const p of this.pendingAppLogins.values()) {
      clearTimeout(p.timer);
      p.reject(new AppGetLoginError('disconnected', message));
    }
    this.pendingAppLogins.clear();
  }

  private dropLink(): void {
    const link = this.link;
    this.link = undefined;
    this.rejectPendingAppLogins('The PBX session ended.');
    link?.close();
  }

  private async endSession(remote: boolean): Promise<void> {
    this.begin();
    await this.vault.clear();
    this.sessionsValue.clear();
    this.appsValue = undefined;
    this.userValue = undefined;
    this.wakeTypes = undefined;
    this.homeUrl = undefined;
    this.standbyUrl = undefined;
    this.setState({ kind: 'disconnected', reason: remote ? 'remote-logout' : 'logged-out' });
    this.emit('loggedOut', { remote });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.cancelSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.cancelSleep = done;
    });
  }

  private fail(gen: number, reason: SessionErrorReason, message: string, extra: { pbxError?: number; fingerprint256?: string; proxyAuth?: ProxyAuthRequest } = {}): SessionState {
    if (gen !== this.generation) return this.stateValue;
    this.setState({
      kind: 'error',
      reason,
      message,
      ...(extra.pbxError !== undefined && { pbxError: extra.pbxError }),
      ...(extra.fingerprint256 !== undefined && { fingerprint256: extra.fingerprint256 }),
      ...(extra.proxyAuth && { proxy: extra.proxyAuth.proxy, ...(extra.proxyAuth.realm !== undefined && { realm: extra.proxyAuth.realm }), ...(extra.proxyAuth.refused && { proxyCredentialsRefused: true }) }),
    });
    return this.stateValue;
  }

  private setState(state: SessionState): void {
    this.stateValue = state;
    this.log('info', 'session state', { state: state.kind, ...(state.kind === 'error' && { reason: state.reason, message: state.message }) });
    this.emit('state', state);
  }
}

/** Real PBXes nest the user under `info.user`; the 13r1 docs show it flat. Keeps what is valid. */
function readUser(info: Record<string, unknown>, log: Logger): UserInfo {
  const source = typeof info.user === 'object' && info.user !== null ? (info.user as Record<string, unknown>) : info;
  try {
    return UserInfo.parse(source, 'LoginResult.info.user');
  } catch (e) {
    log('warn', 'user info from the PBX malformed; keeping the valid fields', { error: (e as Error).message });
    return Object.fromEntries(Object.entries(source).filter(([, v]) => typeof v === 'string')) as UserInfo;
  }
}

function describeClose(reason: CloseReason, standbyBack: boolean): string {
  if (standbyBack) return 'the home PBX is back (StandbyBack)';
  switch (reason.kind) {
    case 'dead':
      return `connection lost: ${reason.detail}`;
    case 'closed':
      return `the PBX closed the connection (code ${reason.code})`;
    case 'error':
      return `connection error: ${reason.detail}`;
    case 'local':
      return 'closed';
  }
}
