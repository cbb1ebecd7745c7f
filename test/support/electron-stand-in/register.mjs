/**
 * `node --import <this file> dist/main/electron/main.js`: makes `import ... from 'electron'`
 * load the RECORDING STAND-IN (electron.mjs) instead of Electron, for wiring tests only.
 * See README.md in this folder.
 *
 * Also, before any of the app's code runs:
 * - `require('electron')` from CommonJS code (electron-updater, say) gives the same stand-in,
 *   as Electron gives its API to `require` in the main process (electron.cjs). Node's
 *   module-register hooks do not reach `require` on Node 20, hence the resolver patch.
 * - `platform` in `$MYAPPS_STAND_IN` makes `process.platform` that OS's name, so the shell's
 *   Windows and macOS paths run here (see README.md, "Another OS").
 */
import Module, { register } from 'node:module';
import { fileURLToPath } from 'node:url';

register('./hooks.mjs', import.meta.url);

const cjsShim = fileURLToPath(new URL('./electron.cjs', import.meta.url));
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'electron' || request === 'electron/main') return cjsShim;
  return resolveFilename.call(this, request, ...rest);
};

let platform;
try {
  platform = JSON.parse(process.env.MYAPPS_STAND_IN ?? '{}').platform;
} catch {
  platform = undefined; // electron.mjs reports a bad $MYAPPS_STAND_IN
}
if (platform !== undefined) {
  if (!['win32', 'darwin', 'linux'].includes(platform)) throw new Error(`electron stand-in: platform must be win32, darwin or linux, not ${JSON.stringify(platform)}`);
  Object.defineProperty(process, 'platform', { value: platform, enumerable: true, configurable: true, writable: false });
}
