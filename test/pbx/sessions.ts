/**
 * Session store. One store may be shared by several emulator instances in the same
 * process: that is how a Redirect from PBX A is honoured by PBX B (A creates the session,
 * the client session-logs-in on B). Nonce bookkeeping lives here for the same reason.
 */
import { randomBytes } from 'node:crypto';
import { randomHex } from '../../main/core/protocol/crypto.js';

export interface Session {
  /** Id shown in SessionAdded/…; deliberately different from `usr` so clients cannot mix them up. */
  readonly id: string;
  /** Session username (32 hex). */
  usr: string;
  /** Session password (23 alphanumeric). */
  pwd: string;
  readonly sip: string;
  readonly userAgent: string;
  readonly created: number;
  /** Waiting for 2FA approval. */
  pending: boolean;
  /** The 2FA code shown to the user while pending. */
  code?: number;
  /** The next session login returns new credentials (`rotateSessions()`, Q7). */
  rotateOnNextLogin: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 23 alphanumeric characters, the shape real PBXes use for session passwords. */
function sessionPassword(): string {
  // 248 = 62 * 4: rejecting bytes >= 248 keeps the choice uniform.
  let out = '';
  while (out.length < 23) {
    for (const b of randomBytes(32)) if (b < 248 && out.length < 23) out += ALNUM[b % 62];
  }
  return out;
}

export class SessionStore {
  private readonly byId = new Map<string, Session>();
  private readonly nonces = new Map<string, Set<string>>();

  create(sip: string, userAgent: string, code?: number): Session {
    const s: Session = {
      id: randomHex(16),
      usr: randomHex(16),
      pwd: sessionPassword(),
      sip,
      userAgent,
      created: Date.now(),
      pending: code !== undefined,
      rotateOnNextLogin: false,
    };
    if (code !== undefined) s.code = code;
    this.byId.set(s.id, s);
    return s;
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  byUsername(usr: string): Session | undefined {
    for (const s of this.byId.values()) if (s.usr === usr) return s;
    return undefined;
  }

  ofUser(sip: string): Session[] {
    return [...this.byId.values()].filter((s) => s.sip === sip);
  }

  all(): Session[] {
    return [...this.byId.values()];
  }

  delete(id: string): boolean {
    return this.byId.delete(id);
  }

  /** Replaces the credentials of a session (same id, same list entry). */
  rotate(s: Session): void {
    s.usr = randomHex(16);
    s.pwd = sessionPassword();
    s.rotateOnNextLogin = false;
  }

  /**
   * Records a nonce used by a login scope (`user:<sip>` or `session:<id>`).
   * Returns false when the scope already used it: clients must never reuse a nonce.
   */
  useNonce(scope: string, nonce: string): boolean {
    let set = this.nonces.get(scope);
    if (!set) this.nonces.set(scope, (set = new Set()));
    if (set.has(nonce)) return false;
    set.add(nonce);
    return true;
  }
}
