/**
 * How much the fuzz properties run (security controls 15 and 17).
 *
 * - `npm test`: a fixed seed and each property's base number of runs, so every run checks the
 *   same few thousand inputs in well under a minute and a failure is the same every time.
 * - `npm run fuzz`: `FUZZ_RUNS` multiplies every base (the script sets it) and the seed is random
 *   — chosen once for the whole run in vitest.config.ts and printed — so each long run explores
 *   new inputs. Replay a failure with the line fast-check prints, or with
 *   `FUZZ_SEED=<seed> FUZZ_RUNS=<n> npm run fuzz` (same seed, same multiplier: same inputs).
 */
import type fc from 'fast-check';

/** The seed of `npm test`; any fixed number does, this one is a date. */
export const DEFAULT_SEED = 20_250_101;

function integerFrom(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > 2 ** 31 - 1) throw new Error(`${name} must be an integer from ${min} to 2147483647, not ${JSON.stringify(raw)}`);
  return n;
}

/** The multiplier of every property's base number of runs (1 in `npm test`). */
export const FUZZ_RUNS = integerFrom('FUZZ_RUNS', process.env.FUZZ_RUNS, 1) ?? 1;

/** The seed of every property in this run. */
export const FUZZ_SEED = integerFrom('FUZZ_SEED', process.env.FUZZ_SEED, 0) ?? DEFAULT_SEED;

/** A long run (`npm run fuzz`, or any FUZZ_RUNS above 1). */
export const longRun = FUZZ_RUNS > 1;

if (longRun || FUZZ_SEED !== DEFAULT_SEED) {
  console.log(`fuzz: seed ${FUZZ_SEED}, runs ×${FUZZ_RUNS} — replay with FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${FUZZ_RUNS} npm run fuzz`);
}

/** A property's number of runs: its base in `npm test`, times FUZZ_RUNS in a long run. */
export function runs(base: number): number {
  return base * FUZZ_RUNS;
}

/** fast-check parameters for a property with `base` runs. */
export function fuzzParams<T>(base: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { seed: FUZZ_SEED, numRuns: runs(base), ...extra };
}

/** A test timeout that grows with the number of runs (`base` ms covers the base runs). */
export function fuzzTimeout(baseMs: number): number {
  return baseMs * FUZZ_RUNS;
}
