/**
 * Boots the BUILT Electron main process (dist/main/electron/main.js) in a child Node process
 * against the RECORDING STAND-IN of Electron (electron.mjs here, see README.md) and drives it
 * over the fork IPC channel: emit app / web contents / window events, invoke IPC handlers as
 * a given sender, ask the session handlers, call protocol handlers, read what was recorded.
 *
 * For wiring tests only: it checks that the shell APPLIES its decisions. It is not Electron
 * and never replaces the real end-to-end tests (test/e2e-electron).
 *
 *   const main = await bootMain();
 *   const win = await main.mainWindow();
 *   expect((await main.navigate(win.webContentsId, 'https://evil.test/')).defaultPrevented).toBe(true);
 *   await main.stop();
 *
 * Waiting is event-driven: the child pushes every record as it happens and every stderr line
 * arrives as it is written; `waitFor` / `waitForLog` settle on the first match.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decodeToAppFrames, type ToAppFrame } from '../../../main/core/bridge/app-frame.js';
import { ipcChannels } from '../../../main/core/bridge/channels.js';
import { SHELL_ORIGIN } from '../../../main/electron/navigation.js';
import { ensureAppBuilt } from '../app-build.js';
import type { BrowserWindowConstructorOptions, CustomScheme, HandlerDetails, WebContentsViewConstructorOptions, WebPreferences } from 'electron';

export const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const standInDir = dirname(fileURLToPath(import.meta.url));
const registerUrl = pathToFileURL(join(standInDir, 'register.mjs')).href;

/** The built main process the harness boots by default. */
export const DEFAULT_MAIN_PATH = 'dist/main/electron/main.js';

// ================================================================ records

export interface RecordBase {
  /** Order of all records of one child, from 1. */
  seq: number;
  /** Recorded before the app's `ready` event. */
  beforeReady: boolean;
}

/** A stand-in object inside a record: `{ $ref: 'webContents', id }`, `{ $ref: 'session', session }`... */
export type Ref = { $ref: string; id?: number; session?: string; [key: string]: unknown };

export type SessionHandlerKind = 'permissionRequest' | 'permissionCheck' | 'devicePermission' | 'certificateVerifyProc' | 'displayMediaRequest' | 'bluetoothPairing' | 'usbProtectedClasses';

/** The fields of each kind of record (values are serialised: functions are '[function]', objects of the stand-in are `Ref`s). */
export interface RecordFields {
  'app.call': { method: string; args?: unknown[] };
  'app.commandLine': { method: string; args?: unknown[] };
  'app.dock': { method: string; args?: unknown[] };
  'app.ready': object;
  listener: { target: string; event: string; added: boolean };
  'event.preventDefault': { target: string; event: string };
  'process.uncaughtException': { origin: string; message: string; stack: string };
  'process.exit': { code: number };
  'ipc.handle': { target: string; channel: string };
  'ipc.removeHandler': { target: string; channel: string };
  'ipc.invoke': { channel: string; webContentsId: number; frameUrl: string; isMainFrame: boolean; handled: boolean };
  'ipc.message': { channel: string; webContentsId: number; frameUrl: string; isMainFrame: boolean; listenerCount: number };
  'ipc.reply': { webContentsId: number; routingId: number; channel: string; args: unknown[] };
  'session.created': { session: string };
  'session.handler': { session: string; handler: SessionHandlerKind; set: boolean };
  'session.call': { session: string; method: string; args: unknown[] };
  'session.permissionRequest': { session: string; permission: string; requestingUrl: string; handled: boolean; granted: boolean };
  'session.permissionCheck': { session: string; permission: string; requestingOrigin: string; handled: boolean; granted: boolean };
  'session.devicePermission': { session: string; deviceType?: string; handled: boolean; granted: boolean | null };
  'session.certificateVerify': { session: string; hostname: string; handled: boolean; result: number };
  'protocol.registerSchemesAsPrivileged': { schemes: CustomScheme[] };
  'protocol.handle': { session: string; scheme: string };
  'protocol.unhandle': { session: string; scheme: string };
  'protocol.request': { session: string; url: string; method: string; handled: boolean };
  'webContents.created': { webContentsId: number; type: string; session: string; webPreferences: WebPreferences; windowId?: number; viewId?: number; byHarness?: boolean };
  'webContents.loadURL': { webContentsId: number; url: string; options?: unknown };
  'webContents.send': { webContentsId: number; channel: string; args: unknown[] };
  'webContents.sendToFrame': { webContentsId: number; frameId: unknown; channel: string; args: unknown[] };
  'webContents.postMessage': { webContentsId: number; channel: string; message: unknown; ports: unknown[] };
  'webContents.call': { webContentsId: number; method: string; args: unknown[]; ignored?: boolean };
  'webContents.setWindowOpenHandler': { webContentsId: number; set: boolean };
  'webContents.windowOpen': { webContentsId: number; url: string; handled: boolean };
  'webContents.destroyed': { webContentsId: number };
  'frame.send': { webContentsId: number; routingId: number; url: string; channel: string; args: unknown[] };
  'frame.postMessage': { webContentsId: number; routingId: number; channel: string; message: unknown; ports: number };
  'frame.reload': { webContentsId: number; routingId: number };
  'window.created': { windowId: number; windowClass: 'BrowserWindow' | 'BaseWindow'; webContentsId?: number; contentViewId: number; options: BrowserWindowConstructorOptions };
  'window.call': { windowId: number; method: string; args: unknown[] };
  'window.closed': { windowId: number };
  'window.userAction': { windowId: number; action: WindowAction; bounds?: Partial<Rectangle> };
  'view.created': { viewId: number; viewClass: 'View' | 'WebContentsView'; webContentsId?: number; options?: WebContentsViewConstructorOptions };
  'view.call': { viewId: number; windowId: number | null; method: string; args: unknown[] };
  'view.addChildView': { parentViewId: number; viewId: number; index: number; windowId: number | null; webContentsId?: number };
  'view.removeChildView': { parentViewId: number; viewId: number; windowId: number | null; wasChild: boolean };
  'menu.build': { menuId: number; template: unknown[] };
  'menu.setApplicationMenu': { menuId: number | null; items: MenuItemInfo[] | null };
  'menu.popup': { menuId: number; options: unknown };
  'menu.closePopup': { menuId: number; window: unknown };
  'menu.click': { path: string[]; trayId?: number };
  'menu.role': { role: string };
  'menu.sendActionToFirstResponder': { action: string };
  'dialog.showErrorBox': { title: string; content: string };
  'dialog.showMessageBox': { window: Ref | null; options: Record<string, unknown> };
  'dialog.showMessageBoxSync': { window: Ref | null; options: Record<string, unknown> };
  'dialog.showOpenDialog': { window: Ref | null; options: Record<string, unknown> };
  'dialog.showOpenDialogSync': { window: Ref | null; options: Record<string, unknown> };
  'dialog.showSaveDialog': { window: Ref | null; options: Record<string, unknown> };
  'dialog.showSaveDialogSync': { window: Ref | null; options: Record<string, unknown> };
  'dialog.showCertificateTrustDialog': { window: Ref | null; options: Record<string, unknown> };
  'shell.openExternal': { url: string; options?: unknown };
  'shell.openPath': { path: string };
  'shell.showItemInFolder': { path: string };
  'shell.trashItem': { path: string };
  'shell.beep': object;
  'shell.writeShortcutLink': { path: string; operation: unknown; options: unknown };
  'nativeTheme.set': { property: string; value: unknown };
  'nativeImage.created': { imageId: number; source: string; path?: string; size: { width: number; height: number } };
  'nativeImage.addRepresentation': { imageId: number; scaleFactor: number };
  'tray.created': { trayId: number; image: unknown; guid?: string };
  'tray.call': { trayId: number; method: string; args: unknown[] };
  'notification.created': { notificationId: number; options: Record<string, unknown> };
  'notification.call': { notificationId: number; method: 'show' | 'close' };
  'desktopCapturer.getSources': { options: unknown };
  'messageChannel.created': { port1: number; port2: number };
  'net.request': { url: string; method: string };
  'autoUpdater.call': { method: string; args: unknown[] };
}

export type RecordKind = keyof RecordFields;
export type StandInRecordOf<K extends RecordKind> = RecordBase & { kind: K } & RecordFields[K];
export type StandInRecord = { [K in RecordKind]: StandInRecordOf<K> }[RecordKind];

export interface MenuItemInfo {
  id?: string;
  label?: string;
  role?: string;
  type: string;
  enabled: boolean;
  visible: boolean;
  checked?: boolean;
  accelerator?: string;
  hasClick: boolean;
  submenu?: MenuItemInfo[];
}

/** `state()`: the stand-in's objects as they are now. */
export interface StandInState {
  ready: boolean;
  app: {
    /** Listener count by event name. */
    listeners: Record<string, number>;
    /** Paths set with setPath / setAppLogsPath. */
    paths: Record<string, string>;
    hasSingleInstanceLock: boolean;
    protocolClients: Record<string, { path: string; args: string[] }>;
    badgeCount: number;
    loginItem: Record<string, unknown>;
    commandLineSwitches: Record<string, string>;
  };
  windows: {
    id: number;
    windowClass: string;
    webContentsId: number | null;
    contentViewId: number;
    options: BrowserWindowConstructorOptions;
    visible: boolean;
    minimized: boolean;
    maximized: boolean;
    fullScreen: boolean;
    focused: boolean;
    bounds: Rectangle;
    title: string;
    listeners: Record<string, number>;
  }[];
  /** Views attached to an open window (its content view first). */
  views: { id: number; viewClass: string; webContentsId: number | null; parentViewId: number | null; windowId: number | null; bounds: Rectangle; visible: boolean; children: number[]; options: unknown; listeners: Record<string, number> }[];
  webContents: {
    id: number;
    type: string;
    url: string;
    destroyed: boolean;
    session: string;
    webPreferences: WebPreferences;
    windowId: number | null;
    viewId: number | null;
    listeners: Record<string, number>;
    hasWindowOpenHandler: boolean;
    devToolsOpened: boolean;
    ipc: { handlers: string[]; listeners: Record<string, number> };
  }[];
  sessions: { session: string; handlers: Record<SessionHandlerKind, boolean>; protocols: string[]; userAgent: string; listeners: Record<string, number> }[];
  privilegedSchemes: CustomScheme[];
  ipcMain: { handlers: string[]; listeners: Record<string, number> };
  applicationMenu: MenuItemInfo[] | null;
  nativeTheme: { themeSource: string; shouldUseDarkColors: boolean };
  notifications: { id: number; title: string; body: string; listeners: Record<string, number> }[];
  trays: { id: number; destroyed: boolean; image: Ref | null; toolTip: string; title: string; contextMenu: MenuItemInfo[] | null; listeners: Record<string, number> }[];
}

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What an emit did: how many listeners ran, whether one called `event.preventDefault()`, whether one threw. */
export interface EmitResult {
  listenerCount: number;
  defaultPrevented: boolean;
  threw?: string;
}

/** Who sends an IPC message: a web contents and one of its frames. */
export interface IpcSender {
  webContentsId: number;
  /** Default: the top frame on the web contents' current URL. `depth`: how far below the top frame a subframe is (default 1). */
  frame?: { url?: string; isMainFrame?: boolean; depth?: number };
  processId?: number;
  frameId?: number;
}

/** What the user or the OS does to a window; `moveTo` takes the bounds it is dragged or resized to. */
export type WindowAction = 'minimize' | 'restore' | 'hide' | 'show' | 'focus' | 'blur' | 'close' | 'maximize' | 'unmaximize' | 'moveTo';

export interface ProtocolAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One JSON line the shell logged on stderr. */
export interface LogEntry {
  level: string;
  message: string;
  [field: string]: unknown;
}

export interface Display {
  id?: number;
  label?: string;
  bounds?: Partial<Rectangle>;
  workArea?: Partial<Rectangle>;
  scaleFactor?: number;
  rotation?: number;
  internal?: boolean;
  displayFrequency?: number;
}

// ================================================================ builds

/**
 * The builds the stand-in boots (shell + core, preloads, renderer): the same freshness rule as
 * the packaging test's (test/support/app-build.ts; a vitest globalSetup runs it once before the
 * workers start, so tests never race on dist/).
 */
export { ensureAppBuilt } from '../app-build.js';

// ================================================================ booting

export interface BootOptions {
  /** Command-line arguments after the script (as a user would give them to the app). */
  args?: string[];
  /** Extra environment of the child (applied last: it may override HOME and the rest). */
  env?: Record<string, string | undefined>;
  /**
   * The directory main.ts will use as userData (settings, logs). Default
   * `<temp>/config/myapps-desktop`. main.ts derives it from `$XDG_CONFIG_HOME` (Linux),
   * `%APPDATA%` (Windows) or `$HOME` (macOS), so the last segment must be `myapps-desktop`.
   */
  userData?: string;
  /** `app.getAppPath()`; default the repository root. */
  appPath?: string;
  /** `app.isPackaged` (default false). */
  packaged?: boolean;
  /** The built main script, relative to the repository or absolute (default dist/main/electron/main.js, built first if stale). */
  mainPath?: string;
  /** Emit `ready` right after boot (default true). */
  autoReady?: boolean;
  /** An IT policy file to write and point `$MYAPPS_POLICY` at (default: a path with no file). */
  policy?: object;
  /** What `app.requestSingleInstanceLock()` returns (default true: this is the first instance). */
  singleInstanceLock?: boolean;
  /** `screen` displays. */
  displays?: Display[];
  /**
   * Run as on this OS: `process.platform` in the child (README.md, "Another OS"). The default
   * userData follows: `<temp>/home/Library/Application Support/myapps-desktop` on macOS.
   */
  platform?: 'win32' | 'darwin' | 'linux';
  /** macOS: the OS started the app at login (`getLoginItemSettings().wasOpenedAtLogin`). */
  openedAtLogin?: boolean;
  /** What `dialog.showMessageBox` resolves with. */
  dialogResponse?: { response?: number; checkboxChecked?: boolean };
  /** Keep the temp directory after `stop()` (for debugging). */
  keepDir?: boolean;
  /** How long to wait for the child to load main.js (default 15 s). */
  bootTimeoutMs?: number;
}

export interface MainDirs {
  /** The temp directory holding everything below. */
  root: string;
  home: string;
  configHome: string;
  userData: string;
  policyFile: string;
}

/** Boot the built main process against the stand-in. */
export async function bootMain(options: BootOptions = {}): Promise<MainProcess> {
  const mainPath = resolve(repoRoot, options.mainPath ?? DEFAULT_MAIN_PATH);
  if (options.mainPath === undefined) await ensureAppBuilt();
  const root = mkdtempSync(join(tmpdir(), 'myapps-stand-in-'));
  const platform = options.platform ?? (process.platform as NonNullable<BootOptions['platform']>);
  // macOS keeps it below HOME (main.ts: userConfigDir); elsewhere below XDG_CONFIG_HOME / APPDATA.
  const userData = options.userData ?? (platform === 'darwin' ? join(root, 'home', 'Library', 'Application Support', 'myapps-desktop') : join(root, 'config', 'myapps-desktop'));
  if (basename(userData) !== 'myapps-desktop') throw new Error(`userData must end in myapps-desktop (main.ts derives it from the environment): ${userData}`);
  const home = platform === 'darwin' && options.userData !== undefined ? resolve(userData, '../../../..') : join(root, 'home');
  const configHome = platform === 'darwin' ? join(root, 'config') : dirname(userData);
  const policyFile = join(root, 'policy.json');
  mkdirSync(home, { recursive: true });
  mkdirSync(configHome, { recursive: true });
  if (options.policy) writeFileSync(policyFile, JSON.stringify(options.policy));
  const standIn = {
    dir: root,
    home,
    appPath: options.appPath ?? repoRoot,
    packaged: options.packaged === true,
    ...(options.singleInstanceLock !== undefined && { singleInstanceLock: options.singleInstanceLock }),
    ...(options.displays && { displays: options.displays }),
    ...(options.dialogResponse && { dialogResponse: options.dialogResponse }),
    ...(options.platform && { platform: options.platform }),
    ...(options.openedAtLogin !== undefined && { openedAtLogin: options.openedAtLogin }),
  };
  const env: Record<string, string | undefined> = {
    ...process.env,
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: configHome,
    APPDATA: configHome,
    MYAPPS_POLICY: policyFile,
    MYAPPS_STAND_IN: JSON.stringify(standIn),
    NODE_OPTIONS: undefined,
    ...options.env,
  };
  const child = fork(mainPath, options.args ?? [], {
    cwd: repoRoot,
    execPath: process.execPath,
    execArgv: ['--enable-source-maps', '--import', registerUrl],
    env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  const main = new MainProcess(child, { root, home, configHome, userData, policyFile }, options.keepDir === true);
  try {
    await main.booted(options.bootTimeoutMs ?? 15_000);
    if (options.autoReady !== false) await main.ready();
  } catch (e) {
    await main.stop(2000);
    throw e;
  }
  return main;
}

interface Waiter {
  test: (r: StandInRecord) => boolean;
  resolve: (r: StandInRecord) => void;
  reject: (e: Error) => void;
}

interface LogWaiter {
  test: () => boolean;
  resolve: () => void;
  reject: (e: Error) => void;
}

type ChildMessage =
  | { t: 'record'; record: StandInRecord }
  | { t: 'response'; id: number; ok: true; value: unknown }
  | { t: 'response'; id: number; ok: false; error: string; stack: string }
  | { t: 'booted'; pid: number; platform: string; argv: string[] }
  | { t: 'exit'; code: number };

/** One booted main process. */
export class MainProcess {
  /** Everything recorded so far, in order (kept up to date as the child pushes records). */
  readonly records: StandInRecord[] = [];
  /** Resolves when the child has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private stdout = '';
  private stderr = '';
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; op: string }>();
  private readonly waiters = new Set<Waiter>();
  private readonly logWaiters = new Set<LogWaiter>();
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private bootedMessage: { pid: number; argv: string[] } | undefined;
  private readonly bootWaiters: ((ok: boolean) => void)[] = [];

  constructor(
    readonly child: ChildProcess,
    readonly dirs: MainDirs,
    private readonly keepDir: boolean,
  ) {
    child.stdout?.on('data', (d) => {
      this.stdout += String(d);
      this.checkLogWaiters();
    });
    child.stderr?.on('data', (d) => {
      this.stderr += String(d);
      this.checkLogWaiters();
    });
    child.on('message', (m: ChildMessage) => this.onMessage(m));
    // A send racing the child's exit (EPIPE): the exit handler below rejects what is pending.
    child.on('error', (e) => (this.stderr += `\n[harness] child process error: ${String(e)}\n`));
    this.exited = new Promise((done) =>
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        const why = new Error(`the main process exited (code ${code}, signal ${signal})${this.tail()}`);
        for (const p of this.pending.values()) p.reject(why);
        this.pending.clear();
        for (const w of this.waiters) w.reject(why);
        this.waiters.clear();
        for (const w of this.logWaiters) w.reject(why);
        this.logWaiters.clear();
        for (const b of this.bootWaiters.splice(0)) b(false);
        done({ code, signal });
      }),
    );
  }

  private onMessage(m: ChildMessage): void {
    switch (m.t) {
      case 'record':
        this.records.push(m.record);
        for (const w of [...this.waiters]) {
          if (!w.test(m.record)) continue;
          this.waiters.delete(w);
          w.resolve(m.record);
        }
        return;
      case 'response': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(`${m.error}\n(stand-in request ${p.op}; child stack: ${m.stack})`));
        return;
      }
      case 'booted':
        this.bootedMessage = { pid: m.pid, argv: m.argv };
        for (const b of this.bootWaiters.splice(0)) b(true);
        return;
      case 'exit':
        return;
    }
  }

  /** The last lines of output, for error messages. */
  private tail(): string {
    const last = (s: string) => s.split('\n').slice(-15).join('\n');
    return `\n--- stderr (last lines) ---\n${last(this.stderr)}\n--- stdout (last lines) ---\n${last(this.stdout)}`;
  }

  /** Resolves once main.js has loaded (its top level ran); rejects if the child exits first. */
  booted(timeoutMs = 15_000): Promise<void> {
    if (this.bootedMessage) return Promise.resolve();
    if (this.exitInfo) return Promise.reject(new Error(`the main process exited before it loaded (code ${this.exitInfo.code})${this.tail()}`));
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`the main process did not load within ${timeoutMs} ms${this.tail()}`)), timeoutMs);
      this.bootWaiters.push((ok) => {
        clearTimeout(timer);
        if (ok) done();
        else fail(new Error(`the main process exited before it loaded (code ${this.exitInfo?.code})${this.tail()}`));
      });
    });
  }

  /** The argv the child's main.js saw. */
  get argv(): string[] {
    return this.bootedMessage?.argv ?? [];
  }

  /** Send one request to the stand-in and wait for its answer. */
  request<T>(op: string, params: object = {}, timeoutMs = 10_000): Promise<T> {
    if (this.exitInfo) return Promise.reject(new Error(`the main process has exited (code ${this.exitInfo.code}); cannot ${op}${this.tail()}`));
    const id = ++this.nextId;
    return new Promise<T>((done, fail) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        fail(new Error(`stand-in request ${op} got no answer within ${timeoutMs} ms${this.tail()}`));
      }, timeoutMs);
      this.pending.set(id, {
        op,
        resolve: (v) => {
          clearTimeout(timer);
          done(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          fail(e);
        },
      });
      try {
        this.child.send({ t: 'request', id, op, params });
      } catch (e) {
        this.pending.get(id)?.reject(new Error(`stand-in request ${op} could not be sent: ${String(e)}${this.tail()}`));
        this.pending.delete(id);
      }
    });
  }

  // ---------------------------------------------------------------- records and output

  /** The records of one kind so far. */
  ofKind<K extends RecordKind>(kind: K): StandInRecordOf<K>[] {
    return this.records.filter((r) => r.kind === kind) as StandInRecordOf<K>[];
  }

  /** The first record (so far or still to come) of `kind` matching `pred`. */
  waitFor<K extends RecordKind>(kind: K, pred?: (r: StandInRecordOf<K>) => boolean, timeoutMs?: number): Promise<StandInRecordOf<K>>;
  /** The first record (so far or still to come) matching `pred`. */
  waitFor(pred: (r: StandInRecord) => boolean, timeoutMs?: number): Promise<StandInRecord>;
  waitFor(a: RecordKind | ((r: StandInRecord) => boolean), b?: number | ((r: never) => boolean), c?: number): Promise<StandInRecord> {
    const test: (r: StandInRecord) => boolean = typeof a === 'string' ? (r) => r.kind === a && (typeof b !== 'function' || (b as (r: StandInRecord) => boolean)(r)) : a;
    const timeoutMs = (typeof b === 'number' ? b : c) ?? 5000;
    const found = this.records.find(test);
    if (found) return Promise.resolve(found);
    if (this.exitInfo) return Promise.reject(new Error(`the main process has exited; no matching record${this.tail()}`));
    return new Promise((done, fail) => {
      const waiter: Waiter = {
        test,
        resolve: (r) => {
          clearTimeout(timer);
          done(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          fail(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const kinds = this.records.slice(-12).map((r) => `${r.seq} ${r.kind}`);
        fail(new Error(`no matching ${typeof a === 'string' ? a : ''} record within ${timeoutMs} ms; last records: ${kinds.join(', ')}${this.tail()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Everything the child wrote so far. */
  logs(): { stdout: string; stderr: string } {
    return { stdout: this.stdout, stderr: this.stderr };
  }

  /** The shell's log lines (JSON objects on stderr) so far. */
  logEntries(): LogEntry[] {
    const out: LogEntry[] = [];
    for (const line of this.stderr.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const v: unknown = JSON.parse(line);
        if (typeof v === 'object' && v !== null && 'message' in v) out.push(v as LogEntry);
      } catch {
        // not a log line
      }
    }
    return out;
  }

  /** Resolves when stderr matches `re`, or a log entry matches `pred`. */
  waitForLog(match: RegExp | ((entry: LogEntry) => boolean), timeoutMs = 5000): Promise<void> {
    const test = () => (match instanceof RegExp ? match.test(this.stderr) : this.logEntries().some(match));
    if (test()) return Promise.resolve();
    if (this.exitInfo) return Promise.reject(new Error(`the main process has exited; no matching log${this.tail()}`));
    return new Promise((done, fail) => {
      const waiter: LogWaiter = {
        test,
        resolve: () => {
          clearTimeout(timer);
          done();
        },
        reject: (e) => {
          clearTimeout(timer);
          fail(e);
        },
      };
      const timer = setTimeout(() => {
        this.logWaiters.delete(waiter);
        fail(new Error(`no matching log within ${timeoutMs} ms${this.tail()}`));
      }, timeoutMs);
      this.logWaiters.add(waiter);
    });
  }

  private checkLogWaiters(): void {
    for (const w of [...this.logWaiters]) {
      if (!w.test()) continue;
      this.logWaiters.delete(w);
      w.resolve();
    }
  }

  /** Exceptions main-process code let escape (Electron would show an error dialog). */
  uncaught(): StandInRecordOf<'process.uncaughtException'>[] {
    return this.ofKind('process.uncaughtException');
  }

  /** The stand-in's objects as they are now. */
  state(): Promise<StandInState> {
    return this.request('state');
  }

  /** The first BrowserWindow (the main window), once created. */
  async mainWindow(timeoutMs = 10_000): Promise<{ windowId: number; webContentsId: number; options: BrowserWindowConstructorOptions }> {
    const r = await this.waitFor('window.created', (w) => w.windowClass === 'BrowserWindow', timeoutMs);
    return { windowId: r.windowId, webContentsId: r.webContentsId!, options: r.options };
  }

  // ---------------------------------------------------------------- app

  /** Emit `ready` (bootMain does, unless autoReady is false). */
  ready(launchInfo: object = {}): Promise<EmitResult> {
    return this.request('emitApp', { event: 'ready', launchInfo });
  }

  /** Emit an app event; an Event is put first where Electron puts one. Stand-in objects: pass `{ $ref: 'webContents', id }`. */
  emitApp(event: string, ...args: unknown[]): Promise<EmitResult> {
    return this.request('emitApp', { event, args });
  }

  /** A second instance started: `second-instance` with its argv, working directory and additionalData. */
  secondInstance({ argv = [], workingDirectory = this.dirs.home, additionalData }: { argv?: string[]; workingDirectory?: string; additionalData?: unknown } = {}): Promise<EmitResult> {
    return this.emitApp('second-instance', argv, workingDirectory, additionalData);
  }

  // ---------------------------------------------------------------- IPC

  /** `ipcRenderer.invoke(channel, ...args)` from `sender`: the handler's answer (rejects as Electron does when there is none). */
  invoke(channel: string, sender: IpcSender, ...args: unknown[]): Promise<unknown> {
    return this.request('invoke', { channel, sender, args });
  }

  /** `ipcRenderer.send(channel, ...args)` from `sender`: how many listeners got it, and `event.returnValue`. */
  sendIpc(channel: string, sender: IpcSender, ...args: unknown[]): Promise<{ listenerCount: number; returnValue: unknown }> {
    return this.request('sendIpc', { channel, sender, args });
  }

  // ---------------------------------------------------------------- web contents

  /** Emit a web contents event. `fields` go on the Event object, `args` after it. did-finish-load / did-fail-load settle loadURL; did-navigate commits the URL. */
  emitWebContents(webContentsId: number, event: string, { args = [], fields = {}, withEvent }: { args?: unknown[]; fields?: object; withEvent?: boolean } = {}): Promise<EmitResult> {
    return this.request('emit', { target: 'webContents', id: webContentsId, event, args, fields, ...(withEvent !== undefined && { withEvent }) });
  }

  /**
   * A navigation event with Electron 45's shape (`event.url`, `isMainFrame`, `frame`...): was it prevented?
   * A subframe is `depth` below the top frame, its ancestors on about:blank — or, with `ancestors`,
   * below frames at those URLs (top-down: the first is the top frame's child).
   */
  navigate(webContentsId: number, url: string, { event = 'will-navigate', isMainFrame = true, depth, isSameDocument, ancestors }: { event?: 'will-navigate' | 'will-frame-navigate' | 'will-redirect' | 'did-start-navigation'; isMainFrame?: boolean; depth?: number; isSameDocument?: boolean; ancestors?: string[] } = {}): Promise<EmitResult> {
    return this.request('navigate', { webContentsId, url, event, isMainFrame, ...(depth !== undefined && { depth }), ...(isSameDocument !== undefined && { isSameDocument }), ...(ancestors !== undefined && { ancestors }) });
  }

  /** `window.open(url)` from the web contents: its window-open handler's answer, or null when it has none (Electron then opens the window). */
  windowOpen(webContentsId: number, url: string, details: Partial<Omit<HandlerDetails, 'url'>> = {}): Promise<{ action: 'allow' | 'deny'; [k: string]: unknown } | null> {
    return this.request('windowOpen', { webContentsId, url, ...details });
  }

  /** A web contents Electron creates without the shell asking (a popup, a `<webview>` guest, DevTools): app 'web-contents-created' is emitted. */
  createWebContents({ type = 'remote', webPreferences = {} }: { type?: string; webPreferences?: WebPreferences } = {}): Promise<number> {
    return this.request('createWebContents', { type, webPreferences });
  }

  // ---------------------------------------------------------------- windows and other emitters

  emitWindow(windowId: number, event: string, { args = [], fields = {}, withEvent }: { args?: unknown[]; fields?: object; withEvent?: boolean } = {}): Promise<EmitResult> {
    return this.request('emit', { target: 'window', id: windowId, event, args, fields, ...(withEvent !== undefined && { withEvent }) });
  }

  /** The user or OS minimises / hides / closes / maximises / moves... the window (its events follow; not recorded as a shell call). */
  windowAction(windowId: number, action: WindowAction, bounds?: Partial<Rectangle>): Promise<unknown> {
    return this.request('windowAction', { windowId, action, ...(bounds && { bounds }) });
  }

  /** Click an item of a tray's context menu by its labels, e.g. `['Busy']`; false when the item is disabled. */
  clickTrayMenuItem(trayId: number, path: string[]): Promise<boolean> {
    return this.request('clickTrayMenuItem', { trayId, path });
  }

  /** Any emitter: 'session' (by `session`), 'view' / 'notification' / 'tray' (by `id`), 'nativeTheme', 'powerMonitor', 'screen', 'ipcMain'... */
  emit(target: string, event: string, { id, session, args = [], fields = {}, withEvent }: { id?: number; session?: string; args?: unknown[]; fields?: object; withEvent?: boolean } = {}): Promise<EmitResult> {
    return this.request('emit', { target, id, session, event, args, fields, ...(withEvent !== undefined && { withEvent }) });
  }

  /** Click an application-menu item by its labels or roles, e.g. `['Help', 'Open Log Folder']`. */
  clickMenuItem(path: string[], windowId?: number): Promise<boolean> {
    return this.request('clickMenuItem', { path, ...(windowId !== undefined && { windowId }) });
  }

  // ---------------------------------------------------------------- sessions and protocols

  /** `session.fromPartition(partition)` inside the child (emits app 'session-created' the first time); its label. */
  fromPartition(partition: string): Promise<string> {
    return this.request('fromPartition', { partition });
  }

  /** The session's permission request handler's answer (Electron grants when there is none). `session`: 'default' or a partition. */
  permissionRequest(q: { session?: string; webContentsId?: number; permission: string; details?: Record<string, unknown> }): Promise<boolean> {
    return this.request('permissionRequest', q);
  }

  /** The session's permission check handler's answer (Electron grants when there is none). */
  permissionCheck(q: { session?: string; webContentsId?: number | null; permission: string; requestingOrigin?: string; details?: Record<string, unknown> }): Promise<boolean> {
    return this.request('permissionCheck', q);
  }

  /** The device permission handler's answer, or null when there is none. */
  devicePermission(q: { session?: string; details: Record<string, unknown> }): Promise<boolean | null> {
    return this.request('devicePermission', q);
  }

  /** The certificate verify proc's verdict (0 accept, -2 reject, -3 Chromium's own; -3 when there is no proc). */
  certificateVerify(q: { session?: string; request: { hostname: string; verificationResult?: string; errorCode?: number; certificate?: Record<string, unknown> } }): Promise<number> {
    return this.request('certificateVerify', q);
  }

  displayMediaRequest(q: { session?: string; webContentsId?: number; request?: Record<string, unknown> }): Promise<{ handled: boolean; streams: unknown }> {
    return this.request('displayMediaRequest', q);
  }

  /** A request to the session's `protocol.handle` handler for the URL's scheme: status, headers (lower-case names), body text. */
  protocolRequest(q: { session?: string; url: string; method?: string; headers?: Record<string, string> }): Promise<ProtocolAnswer> {
    return this.request('protocolRequest', q);
  }

  // ---------------------------------------------------------------- the machine

  setDialogResponse(response: { response?: number; checkboxChecked?: boolean }): Promise<void> {
    return this.request('setDialogResponse', response);
  }

  setDisplays(displays: Display[]): Promise<void> {
    return this.request('setDisplays', { displays });
  }

  setNativeTheme(theme: { shouldUseDarkColors: boolean }): Promise<void> {
    return this.request('setNativeTheme', theme);
  }

  setIdle(idle: { idleTime?: number; locked?: boolean }): Promise<void> {
    return this.request('setIdle', idle);
  }

  setOnBattery(onBattery: boolean): Promise<void> {
    return this.request('setOnBattery', { onBattery });
  }

  setOnline(online: boolean): Promise<void> {
    return this.request('setOnline', { online });
  }

  /** A stand-in memory figure (KB) for a web contents' renderer process, reported by `app.getAppMetrics()`. */
  setProcessMemory(webContentsId: number, workingSetKB: number): Promise<void> {
    return this.request('setProcessMemory', { webContentsId, workingSetKB });
  }

  setNotificationsSupported(supported: boolean): Promise<void> {
    return this.request('setNotificationsSupported', { supported });
  }

  // ---------------------------------------------------------------- the end

  /** `app.quit()` in the child: before-quit, windows closed, will-quit, quit, exit (each preventable as in Electron). */
  quit(): Promise<void> {
    return this.request('quit');
  }

  /** Quit (as above), wait for the exit (then SIGKILL after `timeoutMs`), remove the temp directory. */
  async stop(timeoutMs = 8000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exitInfo) {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      await this.request('quit', {}, Math.min(timeoutMs, 2000)).catch(() => undefined);
      await this.exited;
      clearTimeout(timer);
    }
    if (!this.keepDir) rmSync(this.dirs.root, { recursive: true, force: true });
    return this.exitInfo!;
  }
}

/**
 * A bridge event saying the session is logged in: a `connection` event, or the one `snapshot`
 * the core sends in place of the events of a fresh login (main/core/client/client.ts, `hold`).
 */
export function isLoggedInEvent(e: unknown): boolean {
  const event = e as { type?: string; connection?: { kind?: string }; snapshot?: { connection?: { kind?: string } } };
  return (event.type === 'connection' ? event.connection : event.type === 'snapshot' ? event.snapshot?.connection : undefined)?.kind === 'logged-in';
}

/**
 * The main process booted against `pbx` and alice logged in through the main window's bridge,
 * with the app list from the PBX (not the cache) in the snapshot — logged in comes before the
 * app list, and an app opened in between is unknown. `command` sends a bridge command as the UI.
 */
export async function bootLoggedIn(pbx: { url: string }, options: BootOptions = {}): Promise<{ main: MainProcess; trusted: IpcSender; command: (c: object) => Promise<{ ok: boolean; value?: unknown; error?: string }> }> {
  const main = await bootMain(options);
  const win = await main.mainWindow();
  const trusted: IpcSender = { webContentsId: win.webContentsId, frame: { url: `${SHELL_ORIGIN}/index.html`, isMainFrame: true } };
  const command = (c: object) => main.invoke(ipcChannels.command, trusted, c) as Promise<{ ok: boolean; value?: unknown; error?: string }>;
  const login = await command({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
  if (!login.ok) throw new Error(`login failed: ${login.error}`);
  await main.waitFor('webContents.send', (s) => s.channel === ipcChannels.event && isLoggedInEvent(s.args[0]), 10_000);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { seq } = main.records.at(-1)!;
    if (((await command({ type: 'getSnapshot' })).value as { apps?: { fromCache: boolean } }).apps?.fromCache === false) break;
    if (Date.now() > deadline) throw new Error('the app list did not come from the PBX within 10 s');
    // The next event the core sends the UI (the app list among them), then look again.
    await main.waitFor('webContents.send', (s) => s.seq > seq && s.channel === ipcChannels.event, Math.max(1, deadline - Date.now())).catch(() => undefined);
  }
  return { main, trusted, command };
}

/**
 * The first frame the core sent to the app view of `webContentsId` over IPC (`appFrameDown`,
 * after record `after`) that matches `pred`. One IPC message carries the frames of one tick
 * (main/core/bridge/app-frame.ts), so each message is unpacked first.
 */
export async function appFrameSent(main: MainProcess, webContentsId: number, pred: (frame: ToAppFrame) => boolean = () => true, options: { after?: number; timeoutMs?: number } = {}): Promise<{ frame: ToAppFrame; seq: number }> {
  const matching = (args: unknown[]) => decodeToAppFrames(args[0]).find(pred);
  const record = await main.waitFor('webContents.send', (s) => s.webContentsId === webContentsId && s.channel === ipcChannels.appFrameDown && s.seq > (options.after ?? -1) && matching(s.args) !== undefined, options.timeoutMs);
  return { frame: matching(record.args)!, seq: record.seq };
}

/**
 * The app-frame page of the view `webContentsId`, played over IPC as the real page speaks: it says
 * hello once its URL is loaded, takes its first frame from the core, and its app says Alive.
 * `up` sends a frame; `app` sends an app's message.
 */
export async function appViewPage(main: MainProcess, webContentsId: number): Promise<{ up(frame: object): Promise<void>; app(msg: object): Promise<void> }> {
  const load = await main.waitFor('webContents.loadURL', (l) => l.webContentsId === webContentsId);
  const sender: IpcSender = { webContentsId, frame: { url: load.url, isMainFrame: true } };
  const up = async (frame: object) => {
    await main.sendIpc(ipcChannels.appFrameUp, sender, JSON.stringify(frame));
  };
  await up({ kind: 'hello' });
  await appFrameSent(main, webContentsId);
  const app = (msg: object) => up({ kind: 'message', text: JSON.stringify(msg) });
  await app({ mt: 'Alive' });
  return { app, up };
}

/** The web contents id of the next app view (`WebContentsView`) created that is not in `known`; added to it. */
export async function nextAppView(main: MainProcess, known: Set<number>): Promise<number> {
  const v = await main.waitFor('view.created', (c) => c.viewClass === 'WebContentsView' && !known.has(c.webContentsId!), 10_000);
  known.add(v.webContentsId!);
  return v.webContentsId!;
}

/** The first message the core posted to the app in the view of `webContentsId` that matches `pred` (parsed). */
export async function appPosted(main: MainProcess, webContentsId: number, pred: (msg: Record<string, unknown>) => boolean, options: { after?: number; timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
  const parse = (f: ToAppFrame): Record<string, unknown> | undefined => {
    if (f.kind !== 'post') return undefined;
    try {
      return JSON.parse(f.text) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const { frame } = await appFrameSent(main, webContentsId, (f) => {
    const m = parse(f);
    return m !== undefined && pred(m);
  }, options);
  return parse(frame)!;
}
