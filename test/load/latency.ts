/**
 * Delivery latency of presence updates in the load runs. The driver writes its send time into
 * the presence note (`sent <ms>`); the emulator worker appends the time it runs the hook
 * (`sent <ms> pbx <ms>`); the bridge consumer reads both. Times are milliseconds since the
 * epoch with sub-millisecond precision, so they compare across the processes of one machine.
 *
 * Kept in a fixed histogram: memory stays flat however long a run takes.
 */

/** Milliseconds since the epoch, sub-millisecond precision, comparable across processes. */
export const clockMs = (): number => performance.timeOrigin + performance.now();

/** The note the driver sends. */
export const sentNote = (at: number): string => `sent ${at.toFixed(1)}`;

/** The note as the emulator worker passes it on: the driver's, plus when the emulator ran the hook. */
export const stampedNote = (note: string, at: number): string => `${note} pbx ${at.toFixed(1)}`;

const stamped = /^sent (\d+(?:\.\d+)?)(?: pbx (\d+(?:\.\d+)?))?$/;

/** The times in a note; undefined for any other note. */
export function noteTimes(note: string): { sent: number; pbx?: number } | undefined {
  const m = stamped.exec(note);
  if (!m) return undefined;
  return m[2] === undefined ? { sent: Number(m[1]) } : { sent: Number(m[1]), pbx: Number(m[2]) };
}

/** Whether a note the bridge shows is the one the driver sent (the emulator's stamp aside). */
export function sameNote(shown: string | undefined, sent: string): boolean {
  return shown === sent || (sent !== '' && shown?.startsWith(`${sent} pbx `) === true);
}

export interface LatencySummary {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

/** Buckets of 1 ms up to 10 s; the last bucket holds everything slower. */
export class LatencyHistogram {
  private readonly buckets = new Uint32Array(10_001);
  private count = 0;
  private max = 0;

  add(ms: number): void {
    const b = Math.min(this.buckets.length - 1, Math.max(0, Math.floor(ms)));
    this.buckets[b]!++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** The upper edge (ms) of the bucket holding quantile `q`; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return i + 1;
    }
    return this.buckets.length;
  }

  summary(): LatencySummary {
    return { samples: this.count, p50: this.quantile(0.5), p99: this.quantile(0.99), max: Math.round(this.max * 10) / 10 };
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
    this.max = 0;
  }
}

export const fmtLatency = (s: LatencySummary): string => `${s.p50} / ${s.p99} / ${s.max.toFixed(0)} ms`;
