import { randomInt } from 'node:crypto';
import { defineConfig } from 'vitest/config';

// `npm run fuzz` (FUZZ_RUNS set, no FUZZ_SEED): one random seed for every fuzz property of this
// run, passed to the test workers and printed, so a failure replays with the same
// FUZZ_SEED and FUZZ_RUNS (test/fuzz/settings.ts). `npm test` sets neither: a fixed seed.
if (process.env.FUZZ_RUNS && !process.env.FUZZ_SEED) {
  process.env.FUZZ_SEED = String(randomInt(2 ** 31 - 1));
  console.log(`fuzz: FUZZ_SEED=${process.env.FUZZ_SEED} FUZZ_RUNS=${process.env.FUZZ_RUNS}`);
}

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/fuzz/**/*.fuzz.test.ts'],
    globalSetup: ['test/support/global-build.ts'],
    // Integration tests open real sockets; keep them from starving each other on 2 cores.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
