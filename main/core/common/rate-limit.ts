/**
 * Limits on what comes from outside at a rate (security control 17): a token bucket per source
 * and kind — e.g. one app's `getLogin`s — and a log line that says so without itself flooding
 * the log (at most one per source and kind per interval, with how many were limited since).
 */
import type { Logger } from './log.js';

export class RateLimiter {
  private tokens: number;
  private last: number;

  /** `perSecond` sustained, `burst` at once. */
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Take one token; false when none is left (the caller limits). */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token. */
  get waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
}

/** Logs "limited" at most once per `intervalMs`, counting what was limited in between. */
export class LimitLog {
  private lastAt = -Infinity;
  private since = 0;

  constructor(
    private readonly log: Logger,
    private readonly message: string,
    private readonly fields: Record<string, unknown>,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  limited(): void {
    this.since++;
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) return;
    this.log('warn', this.message, { ...this.fields, limited: this.since });
    this.lastAt = now;
    this.since = 0;
  }
}
