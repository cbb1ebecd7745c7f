/**
 * A main script that probes the electron stand-in's own rules (not the shell's): members it
 * does not implement throw, Electron's before-ready rules hold, IPC payloads must be cloneable.
 * electron-wiring.test.ts boots it with `bootMain({ mainPath })` and reads the one log line it
 * writes to stderr: `{ "level": "info", "message": "probe", "results": { <name>: { ok, value | error } } }`.
 */
import { createRequire } from 'node:module';
import electron, { BrowserWindow, app, clipboard, ipcMain, net, protocol, screen, session } from 'electron';

const results = {};

function attempt(name, fn) {
  try {
    const value = fn();
    results[name] = { ok: true, value: value === undefined ? null : value };
  } catch (e) {
    results[name] = { ok: false, error: String(e?.message ?? e) };
  }
}

attempt('app.foo', () => app.foo);
attempt('app.dock', () => app.dock ?? null);
attempt('process.defaultApp', () => process.defaultApp);
attempt('BrowserWindow.fromFoo', () => BrowserWindow.fromFoo);
attempt('new BrowserWindow before ready', () => new BrowserWindow());
attempt('session before ready', () => session.defaultSession);
attempt('screen before ready', () => screen.getAllDisplays());
attempt('protocol.handle before ready', () => protocol.handle('x', () => undefined));
attempt('process.platform', () => process.platform);
// CommonJS code (electron-updater) gets the same object, as in Electron's main process.
attempt('require electron', () => createRequire(import.meta.url)('electron') === electron && electron.app === app);
attempt('process.resourcesPath', () => typeof process.resourcesPath);

app.whenReady().then(() => {
  attempt('app.enableSandbox after ready', () => app.enableSandbox());
  attempt('protocol.registerSchemesAsPrivileged after ready', () => protocol.registerSchemesAsPrivileged([{ scheme: 'late', privileges: {} }]));
  const win = new BrowserWindow({ show: false, webPreferences: { devTools: false } });
  attempt('win.setVibrancy', () => win.setVibrancy('sidebar'));
  attempt('webContents.foo', () => win.webContents.foo);
  attempt('setting webContents.foo', () => {
    win.webContents.foo = 1;
  });
  attempt('webContents.send of a function', () => win.webContents.send('x', () => 1));
  attempt('openDevTools with devTools: false', () => {
    win.webContents.openDevTools();
    return win.webContents.isDevToolsOpened();
  });
  attempt('a second ipcMain handler', () => {
    ipcMain.handle('probe', () => 1);
    ipcMain.handle('probe', () => 2);
  });
  attempt('screen after ready', () => screen.getPrimaryDisplay().bounds);
  attempt('clipboard.readText', () => clipboard.readText());
  attempt('net.request', () => {
    const request = net.request('https://example.invalid/x');
    request.on('error', (e) => process.stderr.write(`${JSON.stringify({ level: 'info', message: 'probe request failed', error: String(e.message) })}\n`));
    request.end();
    return typeof request.on;
  });
  if (process.platform === 'win32') attempt('a Windows userData path', () => {
    app.setPath('userData', '\\tmp\\probe\\myapps-desktop');
    return app.getPath('userData');
  });
  process.stderr.write(`${JSON.stringify({ level: 'info', message: 'probe', results })}\n`);
});
