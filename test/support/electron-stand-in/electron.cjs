/**
 * `require('electron')` under the stand-in (register.mjs resolves it here): the stand-in that
 * `import 'electron'` loaded (electron.mjs publishes its default export on a global symbol).
 * In the main process Electron's API is the same object for `import` and `require`.
 */
/* global module */
'use strict';

const standIn = globalThis[Symbol.for('myapps.electron-stand-in')];
if (!standIn) throw new Error("electron stand-in: require('electron') ran before the stand-in was imported (main.js imports 'electron' first)");
module.exports = standIn;
