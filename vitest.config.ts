import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    globalSetup: ['test/support/global-build.ts'],
    // Integration tests open real sockets; keep them from starving each other on 2 cores.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
