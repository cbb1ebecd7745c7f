/**
 * The Electron entry: the one process that owns the client. It hosts one `ClientCore` (all
 * behaviour) and only puts it on screen: the `app://` pages, one main window, the IPC
 * bridge, the menu and the OS integration (single instance, deep links, protocol handlers).
 * Every decision it applies is a pure function of this folder or of main/core.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type BrowserWindow, Menu, app, dialog, ipcMain, protocol, session, shell } from 'electron';
import type { Command } from '../core/bridge/commands.js';
import { ClientCore } from '../core/client/client.js';
import type { ShellPort } from '../core/client/shell-port.js';
import { type Logger, fileLogger, stderrLogger } from '../core/common/log.js';
import { type CommandLine, parseCommandLine } from '../core/config/command-line.js';
import { userConfigDir } from '../core/config/paths.js';
import { type DeepLinkActions, type ForwardedData, LINK_SCHEMES, type ShellSettings, deepLinkActions, forwardedArguments, secondInstanceActions, shellPaths, shellSettings, userArguments } from './instance.js';
import { type AppFrameRelay, wireAppFrames } from './app-frame-relay.js';
import { AppViews } from './app-views.js';
import { wireBridge } from './ipc.js';
import { installApplicationMenu } from './menu.js';
import { type PermissionLogger, installDenyAllPermissionHandlers, installShellPermissionHandlers } from './permissions.js';
import { registerAppScheme, serveRenderer } from './protocol.js';
import { createMainWindow, focusMainWindow, guardWebContents } from './windows.js';

/** How long quitting waits for the core to close its session. */
const QUIT_TIMEOUT_MS = 5000;

// ---------------------------------------------------------------- before `ready`

const defaultApp = process.defaultApp === true;
const args = userArguments(process.argv, defaultApp);

// Settings, Chromium's profile and the single-instance lock all live in the documented
// per-user directory (`myapps-desktop`, shared with the doctor CLI and the browser shell),
// not in one named after the product name.
app.setPath('userData', userConfigDir(process.platform, process.env, homedir()));
app.setAppLogsPath();
app.enableSandbox();
registerAppScheme(protocol);

const log = createLog();

const forwarded: ForwardedData = { argv: args };
if (!app.requestSingleInstanceLock(forwarded)) {
  // Another instance runs: it received our arguments through `second-instance`.
  app.quit();
} else {
  start().catch((e: unknown) => {
    log('error', 'the client could not start', { error: String(e) });
    dialog.showErrorBox('myApps Desktop could not start', String(e));
    app.exit(1);
  });
}

function createLog(): Logger {
  const stderr = stderrLogger(app.isPackaged ? 'warn' : 'info');
  try {
    const file = fileLogger(join(app.getPath('logs'), 'main.log'));
    return (level, message, fields) => {
      file(level, message, fields);
      stderr(level, message, fields);
    };
  } catch (e) {
    stderr('warn', 'no log file; logging to stderr only', { error: String(e) });
    return stderr;
  }
}

// ---------------------------------------------------------------- the running client

async function start(): Promise<void> {
  /** Filled in once `ready` has come and the core has started. */
  const running: { core?: ClientCore; window?: BrowserWindow; appViews?: AppViews; relay?: AppFrameRelay; settings: ShellSettings } = { settings: { developerMode: false, startMinimized: false } };
  /** Links and flags that arrived before the core was up (macOS `open-url` at launch, an early second instance). */
  const early: CommandLine[] = [];

  const paths = shellPaths(app.getAppPath());
  const mainContents = () => (running.window && !running.window.isDestroyed() ? running.window.webContents : undefined);
  const openWindow = () => {
    const { developerMode, startMinimized } = running.settings;
    running.window = createMainWindow({ preload: paths.preload, devTools: developerMode, startMinimized, log });
    // The views live in the window: they go with it, and a new window (macOS re-opens one on
    // `activate`) gets the running apps' views again.
    running.window.on('closed', () => running.appViews?.dispose());
    if (running.core) running.appViews?.sync(running.core.snapshot().runningApps);
  };
  // The core's view of this shell: native app views placed where the UI says; permissions decided per app session.
  const shellPort: ShellPort = {
    view: { appViews: 'native', appDevTools: 'open' },
    permissionGate: 'session',
    placeAppView: (bounds) => running.appViews?.place(bounds),
    openAppDevTools: (viewId) => running.appViews?.openDevTools(viewId) ?? false,
    clearAppData: async () => running.appViews?.clearAppData(),
  };
  const run = (actions: DeepLinkActions) => {
    for (const text of actions.unhandled) log('info', 'a link was not handled: calls from links are not supported yet', { link: text });
    for (const command of actions.commands) void runCommand(command);
  };
  const runCommand = async (command: Command) => {
    const result = await running.core!.handle(command);
    if (!result.ok) log('warn', 'a link could not be followed', { command: command.type, error: result.error });
  };
  const onForwarded = (commandLine: CommandLine) => {
    if (!running.core) {
      early.push(commandLine);
      return;
    }
    for (const p of commandLine.problems) log('warn', 'forwarded argument refused', { field: p.field, reason: p.reason });
    const actions = secondInstanceActions(commandLine);
    if (actions.ignoredFlags.length) log('info', 'flags of a second instance do not change the running client', { flags: actions.ignoredFlags });
    run(actions);
    if (actions.focus && running.window) focusMainWindow(running.window);
  };

  app.on('second-instance', (_event, argv, _workingDirectory, additionalData) => onForwarded(parseCommandLine(forwardedArguments(additionalData, userArguments(argv, defaultApp)))));
  // macOS hands links to the running app (also the one that launched it) this way.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    onForwarded(parseCommandLine(['--', url]));
  });
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, log));
  // Every session but the shell's (replaced below) starts with the app policy without grants: deny all.
  const logPermission: PermissionLogger = (permission, url, decision, via) => log('info', `permission ${decision}`, { permission, via, url: url?.slice(0, 200) });
  // Every session starts denying everything; the shell's and each app's get their own policy below.
  app.on('session-created', (s) => installDenyAllPermissionHandlers(s, logPermission));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let disposed = false;
  let disposing = false;
  app.on('will-quit', (event) => {
    const core = running.core;
    if (disposed || !core) return;
    event.preventDefault();
    if (disposing) return;
    disposing = true;
    void Promise.race([core.dispose(), new Promise((resolve) => setTimeout(resolve, QUIT_TIMEOUT_MS))])
      .catch((e: unknown) => log('warn', 'the core did not close cleanly', { error: String(e) }))
      .finally(() => {
        disposed = true;
        app.quit();
      });
  });

  await app.whenReady();
  installShellPermissionHandlers(session.defaultSession, logPermission);
  serveRenderer(protocol, paths.rendererRoot, log);

  const commandLine = parseCommandLine(args);
  const core = await ClientCore.start({ configDir: app.getPath('userData'), commandLine, log, shell: shellPort });
  running.core = core;
  running.appViews = new AppViews({
    window: () => running.window,
    core,
    relay: () => running.relay!,
    preload: paths.appFramePreload,
    rendererRoot: paths.rendererRoot,
    userData: app.getPath('userData'),
    log,
    logPermission,
  });
  running.relay = wireAppFrames(ipcMain, (id) => running.appViews?.viewOfContents(id), core, log);
  core.onEvent((event) => {
    if (event.type === 'runningApps') running.appViews?.sync(event.runningApps);
    else if (event.type === 'activeApp') running.appViews?.setActive(event.activeApp);
    else if (event.type === 'snapshot') running.appViews?.sync(event.snapshot.runningApps);
  });
  running.settings = shellSettings(await core.handle({ type: 'getSnapshot' }));

  installApplicationMenu(Menu, {
    platform: process.platform,
    developerMode: running.settings.developerMode,
    openLogFolder: () => void shell.openPath(app.getPath('logs')),
  });
  wireBridge(ipcMain, mainContents, core, log);
  openWindow();
  app.on('activate', () => {
    if (running.window && !running.window.isDestroyed()) focusMainWindow(running.window);
    else openWindow();
  });

  if (app.isPackaged) {
    // Windows registers `<exe> -- %1`, so a link can never be read as a flag (command-line.ts);
    // macOS and Linux take the schemes from the bundle / .desktop file electron-builder writes.
    const handlerArgs = process.platform === 'win32' ? ['--'] : [];
    for (const scheme of LINK_SCHEMES) {
      if (!app.isDefaultProtocolClient(scheme, process.execPath, handlerArgs) && !app.setAsDefaultProtocolClient(scheme, process.execPath, handlerArgs)) {
        log('info', 'could not register as the handler of a link scheme', { scheme });
      }
    }
  }

  run(deepLinkActions(commandLine.deepLinks));
  for (const c of early.splice(0)) onForwarded(c);
}
