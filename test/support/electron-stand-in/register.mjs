/**
 * `node --import <this file> dist/main/electron/main.js`: makes `import ... from 'electron'`
 * load the RECORDING STAND-IN (electron.mjs) instead of Electron, for wiring tests only.
 * See README.md in this folder.
 */
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
