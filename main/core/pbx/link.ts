/**
 * One logged-in-or-logging-in connection as the session sees it: validated frames in,
 * a single waiter for the login steps (and Logout), everything else to the dispatcher,
 * and a promise for the end of the link.
 */
import { parsePbxFrame, type PbxInbound, type PbxOutbound } from '../protocol/pbx-messages.js';
import type { Logger } from '../common/log.js';
import type { CloseReason, Transport } from './transport.js';

/** Frames kept while logging in; a PBX flooding us before login cannot grow memory beyond this. */
const MAX_EARLY_FRAMES = 10_000;

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
  private readyValue = false;
  /** Frames that arrived after LoginResult but before the session finished its bookkeeping. */
  private early: Frame[] = [];
  /** The PBX announced `StandbyBack`: the home PBX is reachable again. */
  standbyBack = false;
  private waiter: { mts: ReadonlySet<string>; resolve: (f: Frame) => void } | undefined;
  private isClosed = false;
  /** How the link ended, in words, when it ended on an error (a frame too large, a dead link). */
  closeDetail: string | undefined;

  constructor(
    readonly transport: Transport,
    private readonly handlers: LinkHandlers,
    private readonly log: Logger,
  ) {
    this.closed = new Promise((resolve) => {
      transport.listen(
        (text) => this.onText(text),
        (reason) => {
          this.isClosed = true;
          if (reason.kind === 'error' || reason.kind === 'dead') this.closeDetail = reason.detail;
          resolve(reason);
        },
        (bytes) => this.handlers.malformed(`binary frame of ${bytes} bytes (the protocol uses text frames only)`, ''),
      );
    });
  }

  /** Once LoginResult succeeded, unclaimed frames are dispatched. */
  get ready(): boolean {
    return this.readyValue;
  }

  /** Start dispatching; frames that arrived since the login ended are delivered first, in order. */
  markReady(): void {
    this.readyValue = true;
    for (const frame of this.early.splice(0)) this.handlers.message(frame);
  }

  get open(): boolean {
    return !this.isClosed && this.transport.isOpen;
  }

  send(message: PbxOutbound): void {
    this.log('debug', 'to PBX', message as unknown as Record<string, unknown>);
    this.transport.send(message);
  }

  close(): void {
    this.transport.close();
  }

  /**
   * The next frame whose `mt` is one of `mts`; `'closed'` if the link ends first,
   * `'timeout'` after `timeoutMs`. One waiter at a time. A matching frame that arrived while
   * no one waited (two frames in one read: `LoginInfoResult` and `Authenticate`) is taken first.
   */
  next(mts: readonly PbxInbound['mt'][], timeoutMs: number): Promise<Frame | 'closed' | 'timeout'> {
    const waiting = this.early.findIndex((f) => mts.includes(f.msg.mt));
    if (waiting >= 0) return Promise.resolve(this.early.splice(waiting, 1)[0]!);
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

  /**
   * No frame from the PBX can throw out of here (it runs inside the WebSocket's message event,
   * where a throw would take the process down): whatever goes wrong handling one frame is
   * logged with its reason, and the link goes on.
   */
  private onText(text: string): void {
    try {
      this.handle(text);
    } catch (e) {
      this.log('error', 'a frame from the PBX could not be handled (dropped)', { error: String(e).slice(0, 300) });
      try {
        this.handlers.malformed(`could not be handled (${String(e).slice(0, 200)})`, text);
      } catch {
        // Reported already.
      }
    }
  }

  private handle(text: string): void {
    const parsed = parsePbxFrame(text);
    if (!parsed.ok) {
      if (parsed.ignored) this.handlers.ignored(parsed.mt);
      else this.handlers.malformed(parsed.error, text);
      return;
    }
    this.log('debug', 'from PBX', parsed.msg as unknown as Record<string, unknown>);
    const frame = { msg: parsed.msg, infoJson: parsed.infoJson };
    if (this.waiter?.mts.has(parsed.msg.mt)) {
      this.waiter.resolve(frame);
      return;
    }
    if (this.readyValue) this.handlers.message(frame);
    else if (this.early.length < MAX_EARLY_FRAMES) this.early.push(frame);
    else this.handlers.ignored(parsed.msg.mt);
  }
}
