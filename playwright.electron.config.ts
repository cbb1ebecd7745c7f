import { defineConfig } from '@playwright/test';

/**
 * Electron end-to-end tests (test/e2e-electron/): the built desktop app launched by
 * Playwright's `_electron`, against the PBX emulator and the sample App Services. Only where an
 * Electron binary exists; elsewhere global-setup.ts prints why and every test is skipped.
 * `npm run test:e2e-electron` (part of `npm test`).
 */
export default defineConfig({
  testDir: 'test/e2e-electron',
  outputDir: 'test-results/e2e-electron',
  globalSetup: './test/e2e-electron/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
