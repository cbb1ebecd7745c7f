/**
 * The app views' preload: exposes exactly `window.myappsAppFrame` (an `AppFrameApi`) to our
 * app-frame page, the top frame of each app's WebContentsView, and nothing else. The app's own
 * iframe gets nothing (a preload runs in the top frame only; `nodeIntegrationInSubFrames` is off).
 * Sandboxed, context-isolated: ONE CommonJS script that requires nothing but `electron`
 * (`npm run build:preload` bundles it to `dist/preload/app-frame.cjs`).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createAppFrameApi, relayApiPorts } from './app-frame-api.js';

contextBridge.exposeInMainWorld('myappsAppFrame', createAppFrameApi(ipcRenderer));
// Ports of direct Client API channels, to the page's own window ('/': our origin only).
relayApiPorts(ipcRenderer, (notice, ports) => window.postMessage(notice, '/', ports));
