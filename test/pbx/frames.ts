/**
 * Record of every frame clients sent, with waiters so tests can await a frame that has
 * arrived already or is still to come, without sleeps.
 */

/** Why the emulator did not act normally on a frame; tests assert on these. */
export type FrameProblem =
  | 'binary-frame'
  | 'invalid-json'
  | 'no-mt'
  | 'unknown-mt'
  | 'not-logged-in'
  | 'invalid-parameters'
  | 'auth-failed'
  | 'session-expired'
  | 'nonce-reused'
  | 'method-disabled'
  | 'not-own-session'
  | 'unexpected';

export interface ReceivedFrame {
  connId: number;
  /** Date.now() at arrival. */
  at: number;
  text: string;
  /** The parsed object, or undefined when the text was not a JSON object. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- frames are free-form JSON; tests read fields directly
  msg?: any;
  /** SIP name of the user the connection was logged in as when the frame arrived. */
  user?: string;
  /** Set when the emulator rejected or ignored the frame. */
  problem?: FrameProblem;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- same free-form message as ReceivedFrame.msg
export type FramePredicate = (msg: any, f: ReceivedFrame) => boolean;

interface Waiter {
  mt: string;
  pred: FramePredicate | undefined;
  resolve: (f: ReceivedFrame) => void;
}

export class FrameLog {
  readonly frames: ReceivedFrame[] = [];
  private waiters: Waiter[] = [];

  add(f: ReceivedFrame): void {
    this.frames.push(f);
    // Problems are set by the handler right after add(); deliver a tick later so waiters see them.
    queueMicrotask(() => {
      this.waiters = this.waiters.filter((w) => {
        if (!matches(f, w.mt, w.pred)) return true;
        w.resolve(f);
        return false;
      });
    });
  }

  of(mt: string): ReceivedFrame[] {
    return this.frames.filter((f) => f.msg?.mt === mt);
  }

  waitFor(mt: string, pred: FramePredicate | undefined, timeoutMs: number): Promise<ReceivedFrame> {
    const hit = this.frames.find((f) => matches(f, mt, pred));
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = this.frames.slice(-10).map((f) => f.msg?.mt ?? f.problem).join(', ');
        reject(new Error(`PBX emulator: no "${mt}" frame${pred ? ' matching the predicate' : ''} within ${timeoutMs} ms (last frames: ${seen || 'none'})`));
      }, timeoutMs);
      const waiter: Waiter = {
        mt,
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      this.waiters.push(waiter);
    });
  }
}

function matches(f: ReceivedFrame, mt: string, pred: FramePredicate | undefined): boolean {
  if (f.msg?.mt !== mt) return false;
  try {
    return !pred || pred(f.msg, f);
  } catch {
    return false; // a predicate that throws on an unexpected shape simply does not match
  }
}
