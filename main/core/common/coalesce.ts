/**
 * Events to the UI, at most one per kind per frame (security control 17: a flood from a PBX or
 * an app must not flood the UI bridge, which would drop a reader that falls behind).
 *
 * The first event after a quiet spell goes out at once; events during the following window
 * (16 ms, one animation frame) are held, and only the latest of each key goes out at its end —
 * then the next window starts, until one passes quietly. Each key names one part of the UI's
 * state that an event replaces whole, so the UI ends in the same state as if it had seen every
 * event; keys of different parts may go out in another order than they came.
 */
export class Coalescer<E> {
  private readonly held = new Map<string, E>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly deliver: (event: E) => void,
    /** Which part of the state an event replaces; `undefined`: it replaces everything (nothing held before it matters). */
    private readonly keyOf: (event: E) => string | undefined,
    private readonly windowMs = 16,
  ) {}

  push(event: E): void {
    const key = this.keyOf(event);
    if (key === undefined) this.held.clear();
    if (this.timer === undefined) {
      this.deliver(event);
      this.startWindow();
      return;
    }
    const k = key ?? '';
    // Re-inserted: held events go out in the order of their latest version.
    this.held.delete(k);
    this.held.set(k, event);
  }

  /** Deliver what is held now and stop (the core closing). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const held = [...this.held.values()];
    this.held.clear();
    for (const e of held) this.deliver(e);
  }

  private startWindow(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.held.size === 0) return;
      const held = [...this.held.values()];
      this.held.clear();
      this.startWindow();
      for (const e of held) this.deliver(e);
    }, this.windowMs);
    this.timer.unref?.();
  }
}
