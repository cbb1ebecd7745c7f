/**
 * Finds a runnable Electron binary the way `node_modules/electron/index.js` would, WITHOUT
 * calling it: in Electron 45 `require('electron')` from plain Node starts a download when
 * the binary is missing, which must never happen in a test run. No binary → a reason to
 * print and skip; never a stand-in.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary = { found: true; path: string; version: string } | { found: false; reason: string };

export const SKIP_MESSAGE = 'no Electron binary on this machine: Electron e2e tests skipped';

export function findElectronBinary(fromDir: string, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  const require = createRequire(join(fromDir, 'package.json'));
  let pkgDir: string;
  let version: string;
  try {
    const pkgJson = require.resolve('electron/package.json');
    pkgDir = dirname(pkgJson);
    version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  } catch {
    return { found: false, reason: 'the electron package is not installed' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  let candidate: string;
  if (override) candidate = join(override, relative || 'electron');
  else if (relative) candidate = join(pkgDir, 'dist', relative);
  else return { found: false, reason: `${pathFile} is missing: the binary was never downloaded (installed with ELECTRON_SKIP_BINARY_DOWNLOAD)` };
  try {
    accessSync(candidate, constants.X_OK);
  } catch {
    return { found: false, reason: `${candidate} does not exist or is not executable` };
  }
  return { found: true, path: candidate, version };
}
