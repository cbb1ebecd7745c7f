/**
 * The shell window's preload: exposes exactly `window.myapps` (a `BridgeApi`) and nothing
 * else. It runs sandboxed with context isolation, where a preload must be ONE CommonJS
 * script that requires nothing but `electron`; `npm run build:preload` bundles it with Vite
 * (preload/vite.config.ts) into `dist/preload/bridge.cjs`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridgeApi } from './bridge-api.js';

contextBridge.exposeInMainWorld('myapps', createBridgeApi(ipcRenderer));
