/**
 * The Electron entry: the one process that owns the client. It hosts one `ClientCore` (all
 * behaviour) and only puts it on screen: the `app://` pages, one main window, the IPC
 * bridge, the menu and the OS integration (single instance, deep links and click-to-dial,
 * protocol handlers, the tray and running in the background, badges, OS notifications,
 * presence from idle and lock, autostart, window state, updates).
 * Every decision it applies is a pure function of this folder or of main/core.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type BrowserWindow, Menu, MessageChannelMain, Notification, Tray, app, dialog, ipcMain, nativeImage, net, powerMonitor, protocol, screen, session, shell } from 'electron';
import type { Command } from '../core/bridge/commands.js';
import type { Snapshot } from '../core/bridge/views.js';
import { ClientCore } from '../core/client/client.js';
import type { ShellPort } from '../core/client/shell-port.js';
import { type Logger, fileLogger, stderrLogger } from '../core/common/log.js';
import { type CommandLine, parseCommandLine } from '../core/config/command-line.js';
import { userConfigDir } from '../core/config/paths.js';
import { APP_USER_MODEL_ID, type DeepLinkActions, type ForwardedData, LINK_SCHEMES, type ShellSettings, deepLinkActions, forwardedArguments, secondInstanceActions, shellPaths, shellSettings, userArguments } from './instance.js';
import { electronApiPorts } from './api-ports.js';
import { type AppFrameRelay, wireAppFrames } from './app-frame-relay.js';
import { AppViews } from './app-views.js';
import { applyAutostart } from './autostart.js';
import { keepInBackground } from './background.js';
import { BadgeRollUp } from './badges.js';
import { wireBridge } from './ipc.js';
import { installApplicationMenu } from './menu.js';
import { OsNotifications } from './notifications.js';
import { type PermissionLogger, installDenyAllPermissionHandlers, installShellPermissionHandlers } from './permissions.js';
import { watchPower } from './power.js';
import { registerAppScheme, serveRenderer } from './protocol.js';
import { ShellTray } from './tray.js';
import { type AutoUpdaterLike, ElectronUpdater } from './updater.js';
import { myAppsUserAgent } from './user-agent.js';
import { WindowStateKeeper } from './window-state.js';
import { MAIN_WINDOW_MIN_SIZE, createMainWindow, focusMainWindow, guardWebContents, openSignInPage } from './windows.js';

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
// Before any session exists: the UI's and every app's session take it (user-agent.ts).
app.userAgentFallback = myAppsUserAgent(app.userAgentFallback, app.getVersion());
registerAppScheme(protocol);
if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

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
  const platform = process.platform;
  /** Filled in once `ready` has come and the core has started. */
  const running: {
    core?: ClientCore;
    window?: BrowserWindow;
    appViews?: AppViews;
    relay?: AppFrameRelay;
    tray?: ShellTray;
    badges?: BadgeRollUp;
    notifications?: OsNotifications;
    windowState?: WindowStateKeeper;
    settings: ShellSettings;
    /** A real quit is under way: closing the window closes it (background.ts). */
    quitting: boolean;
  } = { settings: { developerMode: false, startMinimized: false }, quitting: false };
  /** Links and flags that arrived before the core was up (macOS `open-url` at launch, an early second instance). */
  const early: CommandLine[] = [];
  /** Links pages opened before the core was up. */
  const earlyLinks: string[] = [];
  const stops: (() => void)[] = [];

  const paths = shellPaths(app.getAppPath());
  /** Where the status strip's frames may go, and which status-frame pages are served (none before the core runs). */
  const statusInfoOrigin = (url: string) => running.core?.statusInfoOrigin(url);
  const mainContents = () => (running.window && !running.window.isDestroyed() ? running.window.webContents : undefined);
  const followLink = (link: string) => {
    if (!running.core) earlyLinks.push(link);
    else void runCommand({ type: 'followLink', link });
  };
  const openWindow = (startHidden: boolean) => {
    const { developerMode } = running.settings;
    const placement = running.windowState?.placement();
    const bounds = placement ? { x: placement.x, y: placement.y, width: placement.width, height: placement.height } : { width: 1100, height: 760 };
    const win = createMainWindow({ preload: paths.preload, devTools: developerMode, startHidden, bounds, maximized: placement?.maximized ?? false, followLink, statusInfoOrigin, log });
    running.window = win;
    // The views live in the window: they go with it, and a new window gets the running apps' views again.
    win.on('closed', () => running.appViews?.dispose());
    keepInBackground(win, {
      platform,
      quitting: () => running.quitting,
      trayHintShown: () => running.core?.shellState().trayHintShown === true,
      hintShown: () => void running.core?.saveShellState({ trayHintShown: true }).catch((e: unknown) => log('warn', 'could not remember the tray hint', { error: String(e) })),
      Notification,
      log,
    });
    running.windowState?.track(win);
    running.badges?.windowCreated();
    if (running.core) running.appViews?.sync(running.core.snapshot().runningApps);
  };
  /** The main window to the front: shown, restored, focused (created again if it is gone). */
  const showWindow = () => {
    if (running.window && !running.window.isDestroyed()) focusMainWindow(running.window);
    else if (running.core) openWindow(false);
  };
  // The core's view of this shell: native app views placed where the UI says; permissions decided per app session.
  const updater = new ElectronUpdater({
    installation: { platform, packaged: app.isPackaged, execPath: process.execPath, env: process.env, exists: existsSync },
    // electron-updater is CommonJS and loads `electron` itself: loaded only when updates are on.
    load: () => (createRequire(import.meta.url)('electron-updater') as { autoUpdater: unknown }).autoUpdater as AutoUpdaterLike,
    beforeInstall: () => {
      running.quitting = true;
    },
    log,
  });
  const shellPort: ShellPort = {
    view: { appViews: 'native', appDevTools: 'open', signInPage: 'shell' },
    permissionGate: 'session',
    placeAppView: (bounds) => running.appViews?.place(bounds),
    openAppDevTools: (viewId) => running.appViews?.openDevTools(viewId) ?? false,
    clearAppData: async () => running.appViews?.clearAppData(),
    appMemory: async () => running.appViews?.memory(app.getAppMetrics()) ?? new Map<string, number>(),
    popOutWindows: { focus: (viewId) => running.appViews?.focusPopOut(viewId) },
    showWindow,
    openSignInPage: (url) => openSignInPage(url, log),
    updater,
    resolveProxy: (url) => session.defaultSession.resolveProxy(url),
    apiChannel: electronApiPorts({ createChannel: () => new MessageChannelMain(), contentsOf: (viewId) => running.appViews?.contentsOf(viewId), log }),
  };
  const run = (actions: DeepLinkActions) => {
    for (const command of actions.commands) void runCommand(command);
  };
  const runCommand = async (command: Command) => {
    const result = await running.core!.handle(command);
    if (!result.ok) log('warn', 'a link could not be followed', { command: command.type, error: result.error });
    else if (command.type === 'followLink') log('info', 'a link was handed to the core', { scheme: command.link.split(':', 1)[0] });
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
    if (actions.focus) showWindow();
  };

  app.on('second-instance', (_event, argv, _workingDirectory, additionalData) => onForwarded(parseCommandLine(forwardedArguments(additionalData, userArguments(argv, defaultApp)))));
  // macOS hands links to the running app (also the one that launched it) this way.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    onForwarded(parseCommandLine(['--', url]));
  });
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, log, followLink));
  // Every session but the shell's (replaced below) starts with the app policy without grants: deny all.
  const logPermission: PermissionLogger = (permission, url, decision, via) => log('info', `permission ${decision}`, { permission, via, url: url?.slice(0, 200) });
  // Every session starts denying everything; the shell's and each app's get their own policy below.
  app.on('session-created', (s) => installDenyAllPermissionHandlers(s, logPermission));
  // The client keeps running without a window (in the tray): only a real quit ends it. Without
  // a listener here Electron would quit when the last window closes.
  app.on('window-all-closed', () => log('info', 'no window is open; the client keeps running'));
  app.on('before-quit', () => {
    running.quitting = true;
  });

  let disposed = false;
  let disposing = false;
  app.on('will-quit', (event) => {
    const core = running.core;
    if (disposed || !core) return;
    event.preventDefault();
    if (disposing) return;
    disposing = true;
    for (const stop of stops.splice(0)) stop();
    void Promise.race([core.dispose(), new Promise((resolve) => setTimeout(resolve, QUIT_TIMEOUT_MS))])
      .catch((e: unknown) => log('warn', 'the core did not close cleanly', { error: String(e) }))
      .finally(() => {
        disposed = true;
        app.quit();
      });
  });

  await app.whenReady();
  installShellPermissionHandlers(session.defaultSession, logPermission);
  serveRenderer(protocol, paths.rendererRoot, log, statusInfoOrigin);

  const commandLine = parseCommandLine(args);
  const core = await ClientCore.start({ configDir: app.getPath('userData'), logsDir: app.getPath('logs'), commandLine, log, shell: shellPort });
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
    followLink,
    // Ctrl+K in an app (maybe in its own window): the main window comes up, the keyboard goes to the UI, which opens the search.
    shortcut: (shortcut) => {
      showWindow();
      if (running.window && !running.window.isDestroyed()) running.window.webContents.focus();
      core.shortcut(shortcut);
    },
    screen,
  });
  running.relay = wireAppFrames(ipcMain, (id) => running.appViews?.viewOfContents(id), core, log);
  running.settings = shellSettings(await core.handle({ type: 'getSnapshot' }));

  // The OS integration follows the core's snapshot: tray, badges, notifications, autostart.
  running.windowState = new WindowStateKeeper({ screen, core, log, min: MAIN_WINDOW_MIN_SIZE });
  running.tray = new ShellTray({
    platform,
    Tray,
    Menu,
    nativeImage,
    trayDir: join(paths.assets, 'tray'),
    actions: {
      open: showWindow,
      setPresence: (activity, note) => void core.handle({ type: 'setPresence', activity, note }).then((r) => !r.ok && log('warn', 'the presence could not be set', { error: r.error })),
      quit: () => app.quit(),
    },
    log,
  });
  running.badges = new BadgeRollUp({ platform, app, nativeImage, window: () => running.window, badgesDir: join(paths.assets, 'badges'), log });
  let appIcon: Electron.NativeImage | null | undefined;
  running.notifications = new OsNotifications({
    platform,
    Notification,
    icon: () => {
      if (appIcon === undefined) {
        const image = nativeImage.createFromPath(join(paths.assets, 'icon.png'));
        appIcon = image.isEmpty() ? null : image;
      }
      return appIcon ?? undefined;
    },
    clicked: (command) => void core.handle(command).then((r) => !r.ok && log('warn', 'a notification click was not taken', { error: r.error })),
    focusWindow: showWindow,
    log,
  });
  stops.push(() => running.notifications?.dispose(), () => running.tray?.destroy(), () => updater.dispose());
  let autostart: boolean | undefined;
  const follow = (snapshot: Snapshot) => {
    running.tray?.update({ loggedIn: snapshot.connection.kind === 'logged-in', presence: snapshot.ownPresence, badgeTotal: snapshot.badgeTotal ?? 0 });
    running.badges?.update(snapshot.badgeTotal ?? 0);
    running.notifications?.update(snapshot.notifications);
    if (snapshot.settings.values.autostart !== autostart) {
      autostart = snapshot.settings.values.autostart;
      void applyAutostart({ enabled: autostart, platform, packaged: app.isPackaged, app, execPath: process.execPath, env: process.env, home: homedir(), log });
    }
  };
  core.onEvent((event) => {
    if (event.type === 'runningApps') running.appViews?.sync(event.runningApps);
    else if (event.type === 'activeApp') running.appViews?.setActive(event.activeApp);
    else if (event.type === 'snapshot') running.appViews?.sync(event.snapshot.runningApps);
    follow(core.snapshot());
  });
  follow(core.snapshot());
  stops.push(
    watchPower({
      powerMonitor,
      net,
      core: {
        setUserActivity: (inactive) => core.setUserActivity(inactive),
        reconnectNow: (reason) => core.reconnectNow(reason),
      },
      log,
    }),
  );

  installApplicationMenu(Menu, {
    platform,
    developerMode: running.settings.developerMode,
    openLogFolder: () => void shell.openPath(app.getPath('logs')),
  });
  wireBridge(ipcMain, mainContents, core, log);
  // Started minimised (`--minimized`, the setting, or by the OS at login): the tray only.
  const openedAtLogin = platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
  openWindow(running.settings.startMinimized || openedAtLogin);
  app.on('activate', showWindow);

  if (app.isPackaged) {
    // Windows registers `<exe> -- %1`, so a link can never be read as a flag (command-line.ts);
    // macOS and Linux take the schemes from the bundle / .desktop file electron-builder writes.
    const handlerArgs = platform === 'win32' ? ['--'] : [];
    for (const scheme of LINK_SCHEMES) {
      if (!app.isDefaultProtocolClient(scheme, process.execPath, handlerArgs) && !app.setAsDefaultProtocolClient(scheme, process.execPath, handlerArgs)) {
        log('info', 'could not register as the handler of a link scheme', { scheme });
      }
    }
  }

  run(deepLinkActions(commandLine.deepLinks));
  for (const c of early.splice(0)) onForwarded(c);
  for (const link of earlyLinks.splice(0)) followLink(link);
}
