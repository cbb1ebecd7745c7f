/**
 * A bounded first-in, first-out buffer for the inspector (README, "For app developers"): at most
 * `capacity` items and at most `maxUnits` of their summed size, the oldest going first. A push is
 * O(1) (amortised: it evicts what it pushes out), so a flood of app messages costs the same per
 * message whatever the buffer holds — and never more memory than the caps allow.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private readonly sizes: number[];
  /** Index of the oldest item. */
  private head = 0;
  private count = 0;
  private units = 0;

  constructor(
    readonly capacity: number,
    /** The most the items' sizes may add up to (an item bigger than this alone is not kept). */
    readonly maxUnits: number,
    private readonly sizeOf: (item: T) => number,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.items = new Array<T | undefined>(capacity);
    this.sizes = new Array<number>(capacity).fill(0);
  }

  get length(): number {
    return this.count;
  }

  /** The summed size of what is held now. */
  get size(): number {
    return this.units;
  }

  /** Add `item` as the newest; false when it alone is over `maxUnits` (not kept, nothing evicted). */
  push(item: T): boolean {
    const size = this.sizeOf(item);
    if (size > this.maxUnits) return false;
    while (this.count > 0 && (this.count === this.capacity || this.units + size > this.maxUnits)) this.shift();
    const at = (this.head + this.count) % this.capacity;
    this.items[at] = item;
    this.sizes[at] = size;
    this.units += size;
    this.count++;
    return true;
  }

  /** Oldest first. */
  toArray(): T[] {
    return this.last(this.count);
  }

  /** The newest `n` items (all, if fewer), oldest first. */
  last(n: number): T[] {
    const out: T[] = [];
    for (let i = Math.max(0, this.count - n); i < this.count; i++) out.push(this.items[(this.head + i) % this.capacity]!);
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.sizes.fill(0);
    this.head = 0;
    this.count = 0;
    this.units = 0;
  }

  private shift(): void {
    this.units -= this.sizes[this.head]!;
    this.items[this.head] = undefined;
    this.sizes[this.head] = 0;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
  }
}
