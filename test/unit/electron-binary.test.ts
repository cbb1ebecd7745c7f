/**
 * Whether Electron itself can run here. Where a binary exists, it must be the installed
 * version and start; where none exists (this kind of machine), the test is SKIPPED with the
 * reason printed — nothing stands in for Electron.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SKIP_MESSAGE, findElectronBinary } from '../e2e-electron/find-electron.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const electron = findElectronBinary(root);

describe('Electron binary', () => {
  it('detection never reports a binary that is not there', () => {
    const none = findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent/electron-dist' });
    expect(none.found).toBe(false);
  });

  it('starts and reports the installed version', (ctx) => {
    if (!electron.found) {
      console.log(`${SKIP_MESSAGE} (${electron.reason})`);
      ctx.skip(`${SKIP_MESSAGE} (${electron.reason})`);
      return;
    }
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    const run = spawnSync(electron.path, ['--version'], { encoding: 'utf8', timeout: 30_000, env });
    expect(run.error).toBeUndefined();
    expect(run.stdout.trim()).toBe(`v${electron.version}`);
  });
});
