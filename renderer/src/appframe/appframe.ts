/**
 * The app-frame page's entry (page.ts does the work): it runs on IPC where the app view's
 * preload exposes `window.myappsAppFrame` (Electron), else on its own WebSocket (browser
 * shell) — picked the way src/bridge.ts picks the UI's bridge.
 */
import { createIpcTransport } from './ipc-transport.js';
import { startAppFramePage } from './page.js';
import type { AppFrameTransport } from './transport.js';
import { appFrameSocketUrl, createWebSocketTransport } from './websocket-transport.js';
import './appframe.css';

function pickTransport(): AppFrameTransport {
  const ipc = window.myappsAppFrame;
  return ipc ? createIpcTransport(ipc) : createWebSocketTransport(appFrameSocketUrl(window.location));
}

// In Electron the shell hears the app's console itself (app-frame-relay.ts): the page drops `ConsoleLog`.
startAppFramePage(pickTransport(), { consoleLog: window.myappsAppFrame ? 'drop' : 'relay' });
