/**
 * Events to the UI, at most one per kind per frame (security control 17: a flood from a PBX or
 * an app must not flood the UI bridge, which would drop a reader that falls behind).
 *
 * The first event after a quiet spell goes out at once; events during the following window
 * (16 ms, one animation frame) are held, and only the latest of each key goes out at its end —
 * then the next window starts, until one passes quietly. Each key names one part of the UI's
 * state that an event replaces whole, so the UI ends in the same state as if it had seen every
 * event; keys of different parts may go out in another order than they came. An event that
 * changes only part of its key's state (a delta) is folded into the one held with `merge`.
 */
export class Coalescer<E> {
  private readonly held = new Map<string, E>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** While true (`hold`), events are only held, none delivered, until `release`. */
  private holding = false;

  constructor(
    private readonly deliver: (event: E) => void,
    /** Which part of the state an event replaces; `undefined`: it replaces everything (nothing held before it matters). */
    private readonly keyOf: (event: E) => string | undefined,
    private readonly windowMs = 16,
    /** The one event that does what `held` then `next` do (same key); default: `next` replaces `held`. */
    private readonly merge: (held: E, next: E) => E = (_held, next) => next,
  ) {}

  push(event: E): void {
    const key = this.keyOf(event);
    if (key === undefined) this.held.clear();
    if (this.timer === undefined && !this.holding) {
      this.deliver(event);
      this.startWindow();
      return;
    }
    const k = key ?? '';
    const held = this.held.get(k);
    // Re-inserted: held events go out in the order of their latest version.
    this.held.delete(k);
    this.held.set(k, held === undefined ? event : this.merge(held, event));
  }

  /** Hold every event until `release` (a burst the UI should see as one, e.g. the first screen after a login). */
  hold(): void {
    this.holding = true;
  }

  /**
   * End `hold` with `event` (one that replaces everything, or what is held goes out after it);
   * held events that `keep` names (ones that carry no state the snapshot holds) go out after it.
   */
  release(event: E, keep: (held: E) => boolean = () => false): void {
    if (!this.holding) return;
    this.holding = false;
    const kept = [...this.held.values()].filter(keep);
    this.push(event);
    for (const e of kept) this.push(e);
  }

  /** Deliver what is held now and stop (the core closing). */
  flush(): void {
    this.holding = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    const held = [...this.held.values()];
    this.held.clear();
    for (const e of held) this.deliver(e);
  }

  private startWindow(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.held.size === 0 || this.holding) return;
      const held = [...this.held.values()];
      this.held.clear();
      this.startWindow();
      for (const e of held) this.deliver(e);
    }, this.windowMs);
    this.timer.unref?.();
  }
}
