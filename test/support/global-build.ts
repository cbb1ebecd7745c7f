/**
 * vitest globalSetup: the app builds the Electron wiring and packaging tests boot and pack
 * (`npm run build`), run once before any test worker starts — so no two workers build `dist/`
 * at the same time, and a build that fails (the shell does not type-check) fails the run early.
 */
import { ensureAppBuilt } from './app-build.js';

export default async function setup(): Promise<void> {
  const ran = await ensureAppBuilt();
  if (ran.length > 0) console.log(`built for the Electron tests: ${ran.join(', ')}`);
}
