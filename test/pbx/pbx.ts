/**
 * The emulated PBX behind the sockets: live config, sessions, per-user runtime state
 * (presence, home selection, dialogs) and the fan-out of every change to the connections
 * that must hear about it. Independent of HTTP/WebSocket plumbing (emulator.ts).
 */
import { appsSnapshot, homeSelection } from './apps.js';
import type { EmulatorConfig } from './config.js';
import type { Connection } from './connection.js';
import { findUser } from './directory.js';
import { FrameLog } from './frames.js';
import { finishOAuth2Login } from './login.js';
import { OAuth2SignIns } from './oauth2.js';
import { initialPresence, presenceEntries, presenceUpdate, resolveTarget, subscribes } from './presence.js';
import type { Presence, Subscription } from './presence.js';
import type { Session, SessionStore } from './sessions.js';

export class Pbx {
  readonly conns = new Set<Connection>();
  readonly frames = new FrameLog();
  private readonly presence = new Map<string, Presence>();
  private readonly homes = new Map<string, string>();
  private readonly dialogs = new Map<string, Map<string, Record<string, unknown>>>();
  /** AppGetLoginResults kept back while a test holds them (`holdAppLogins`), in the order asked. */
  private heldAppLogins: { c: Connection; msg: object }[] | undefined;
  /** OAuth2 sign-ins waiting for the browser; the emulator routes `/oauth2/*` here. */
  readonly oauth2 = new OAuth2SignIns({ config: () => this.config, finish: finishOAuth2Login });

  constructor(
    public config: EmulatorConfig,
    readonly sessions: SessionStore,
    /** Verbose logger, or undefined when quiet. */
    readonly log: ((line: string) => void) | undefined,
  ) {}

  /** Logged-in connections, optionally of one user. */
  loggedIn(sip?: string): Connection[] {
    return [...this.conns].filter((c) => c.user !== undefined && (sip === undefined || c.user === sip));
  }

  // --- session list ("Account security") ---------------------------------------------------

  sessionInfo(s: Session, to: Connection): object {
    return {
      id: s.id,
      current: to.sessionId === s.id,
      userAgent: s.userAgent,
      timestamp: s.created,
      ...(s.code !== undefined ? { code: s.code } : {}),
      needsAuthorization: s.pending,
    };
  }

  /** SessionAdded/SessionUpdated for `s` to the user's logged-in connections except `skip`. */
  announceSession(mt: 'SessionAdded' | 'SessionUpdated', s: Session, skip?: Connection): void {
    for (const c of this.loggedIn(s.sip)) if (c !== skip) c.send({ mt, id: s.id, info: this.sessionInfo(s, c) });
  }

  /**
   * Deletes a session: SessionDeleted to the user's connections (except `skip`, the one that
   * logged out and gets only its LogoutResult), unsolicited LogoutResult to connections bound
   * to the session, and a denial to a login still waiting for its 2FA approval.
   */
  deleteSession(s: Session, skip?: Connection): void {
    this.sessions.delete(s.id);
    for (const c of this.loggedIn(s.sip)) if (c !== skip) c.send({ mt: 'SessionDeleted', id: s.id });
    for (const c of this.conns) {
      if (c.sessionId === s.id) {
        c.send({ mt: 'LogoutResult' });
        c.unbind();
      } else if (c.pendingSessionId === s.id) {
        c.deny();
      }
    }
  }

  /** 2FA approved: the waiting login completes and the other sessions see the update. */
  approveSession(s: Session): void {
    s.pending = false;
    delete s.code;
    this.announceSession('SessionUpdated', s);
    for (const c of this.conns) if (c.pendingSessionId === s.id) c.approve();
  }

  // --- apps --------------------------------------------------------------------------------

  selected(sip: string): string {
    return this.homes.get(sip) ?? homeSelection(findUser(this.config, sip)?.home);
  }

  setHome(sip: string, home: string): void {
    this.homes.set(sip, home);
  }

  sendApps(c: Connection): void {
    const u = c.user !== undefined ? findUser(this.config, c.user) : undefined;
    if (u) for (const m of appsSnapshot(this.config, u, this.selected(u.sip))) c.send(m);
  }

  /** After a live change: the full snapshot again to subscribed connections (open question Q4). */
  resendApps(sip?: string): void {
    for (const c of this.loggedIn(sip)) if (c.appsSubscribed) this.sendApps(c);
  }

  /** Sends an AppGetLoginResult, or keeps it back while answers are held. */
  answerAppLogin(c: Connection, msg: object): void {
    if (this.heldAppLogins) this.heldAppLogins.push({ c, msg });
    else c.send(msg);
  }

  holdAppLogins(): void {
    this.heldAppLogins ??= [];
  }

  /** Sends the held answers in the given order (to connections still open) and stops holding. */
  releaseAppLogins(order: 'asked' | 'reversed'): number {
    const held = this.heldAppLogins ?? [];
    this.heldAppLogins = undefined;
    if (order === 'reversed') held.reverse();
    for (const { c, msg } of held) c.send(msg);
    return held.length;
  }

  // --- presence ----------------------------------------------------------------------------

  presenceOf(sip: string): Presence {
    let p = this.presence.get(sip);
    if (!p) this.presence.set(sip, (p = initialPresence()));
    return p;
  }

  sendOwnPresence(c: Connection, sip: string): void {
    c.send({ mt: 'UpdateOwnPresence', presence: presenceEntries(this.presenceOf(sip)) });
  }

  sendPresence(c: Connection, sub: Subscription): void {
    c.send(presenceUpdate(this.config, sub, (sip) => this.presenceOf(sip)));
  }

  /** A user's presence or an App Object's badge changed. */
  presenceChanged(name: string): void {
    if (findUser(this.config, name)) for (const c of this.loggedIn(name)) this.sendOwnPresence(c, name);
    for (const c of this.loggedIn()) {
      for (const sub of c.presenceSubs) if (subscribes(this.config, sub, name)) this.sendPresence(c, sub);
    }
  }

  // --- dialogs -----------------------------------------------------------------------------

  private dialogsOf(sip: string): Map<string, Record<string, unknown>> {
    let d = this.dialogs.get(sip);
    if (!d) this.dialogs.set(sip, (d = new Map()));
    return d;
  }

  /** Current DialogInfo frames for a dialog subscription (users only). */
  sendDialogs(c: Connection, sub: Subscription): void {
    const t = resolveTarget(this.config, sub);
    if (t.kind !== 'user') return;
    for (const d of this.dialogsOf(t.user.sip).values()) c.send(this.dialogInfo(t.user.sip, d, sub));
  }

  private dialogInfo(sip: string, d: Record<string, unknown>, sub: Subscription): object {
    const num = findUser(this.config, sip)?.num ?? '';
    return { mt: 'DialogInfo', sip, num, ...d, ...(sub.src !== undefined ? { src: sub.src } : {}) };
  }

  dialogChanged(sip: string, d: Record<string, unknown>): void {
    const key = String(d.callId);
    if (d.deleted) this.dialogsOf(sip).delete(key);
    else this.dialogsOf(sip).set(key, d);
    for (const c of this.loggedIn()) {
      for (const sub of c.dialogSubs) if (subscribes(this.config, sub, sip)) c.send(this.dialogInfo(sip, d, sub));
    }
  }
}
