/**
 * One logged-in-or-logging-in connection as the session sees it: validated frames in,
 * a single waiter for the login steps (and Logout), everything else to the dispatcher,
 * and a promise for the end of the link.
 */
import { parsePbxFrame, type PbxInbound, type PbxOutbound } from '../protocol/pbx-messages.js';
import type { CloseReason, Transport } from './transport.js';

export interface Frame {
  msg: PbxInbound;
  /** Canonical JSON of `info` in the PBX's member order, for messages that carry one. */
  infoJson: string | undefined;
}

export interface LinkHandlers {
  /** A valid frame no waiter took, once the link is logged in. */
  message(frame: Frame): void;
  /** A frame that failed validation (already dropped). */
  malformed(error: string, text: string): void;
  /** A frame of unknown type or not expected now (ignored). */
  ignored(mt: string): void;
}

export class Link {
  readonly closed: Promise<CloseReason>;
  /** Set once LoginResult succeeded: from then on unclaimed frames are dispatched. */
  ready = false;
  /** The PBX announced `StandbyBack`: the home PBX is reachable again. */
  standbyBack = false;
  private waiter: { mts: ReadonlySet<string>; resolve: (f: Frame) => void } | undefined;
  private isClosed = false;

  constructor(
    readonly transport: Transport,
    private readonly handlers: LinkHandlers,
  ) {
    this.closed = new Promise((resolve) => {
      transport.listen(
        (text) => this.onText(text),
        (reason) => {
          this.isClosed = true;
          resolve(reason);
        },
      );
    });
  }

  get open(): boolean {
    return !this.isClosed && this.transport.isOpen;
  }

  send(message: PbxOutbound): void {
    this.transport.send(message);
  }

  close(): void {
    this.transport.close();
  }

  /**
   * The next frame whose `mt` is one of `mts`; `'closed'` if the link ends first,
   * `'timeout'` after `timeoutMs`. One waiter at a time.
   */
  next(mts: readonly PbxInbound['mt'][], timeoutMs: number): Promise<Frame | 'closed' | 'timeout'> {
    if (!this.open) return Promise.resolve('closed');
    return new Promise((resolve) => {
      const finish = (r: Frame | 'closed' | 'timeout') => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(r);
      };
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      this.waiter = { mts: new Set(mts), resolve: finish };
      void this.closed.then(() => {
        if (this.waiter?.resolve === finish) finish('closed');
      });
    });
  }

  private onText(text: string): void {
    const parsed = parsePbxFrame(text);
    if (!parsed.ok) {
      if (parsed.ignored) this.handlers.ignored(parsed.mt);
      else this.handlers.malformed(parsed.error, text);
      return;
    }
    const frame = { msg: parsed.msg, infoJson: parsed.infoJson };
    if (this.waiter?.mts.has(parsed.msg.mt)) {
      this.waiter.resolve(frame);
      return;
    }
    if (this.ready) this.handlers.message(frame);
    else this.handlers.ignored(parsed.msg.mt);
  }
}
