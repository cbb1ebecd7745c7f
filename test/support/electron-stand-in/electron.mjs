/**
 * electron-stand-in — a RECORDING STAND-IN of Electron's main-process API, for wiring tests only.
 *
 * It is NOT Electron and does not pretend to be: there is no Chromium, no window, no renderer,
 * no network stack behind it. It implements the subset of Electron 45's main-process API that
 * main/electron uses (and is about to use), with Electron's documented signatures and rules
 * (what must happen before `ready`, what throws, what a default answer is), and it RECORDS
 * every call, so a test can check that the shell APPLIES its (unit-tested) security decisions:
 * which webPreferences each window and view gets, which guards each web contents gets, which
 * handlers each session gets, which IPC handlers exist, what happened before `ready`.
 *
 * Nothing happens on its own: `ready`, navigations, permission requests, IPC messages, window
 * opens... are emitted only when the test asks, over the fork IPC channel (harness.ts).
 * The real end-to-end tests (test/e2e-electron/) run the real Electron where a binary exists;
 * this never replaces them.
 *
 * Loaded INSTEAD of `electron` by hooks.mjs (registered by register.mjs), in a child process:
 *   node --import test/support/electron-stand-in/register.mjs dist/main/electron/main.js
 * Configuration comes from the harness in `$MYAPPS_STAND_IN` (JSON, see `readOptions`).
 *
 * Rules of the stand-in itself:
 * - A member it does not implement THROWS "electron stand-in: <object>.<member> is not
 *   implemented" instead of returning undefined (every object is wrapped in a Proxy).
 * - Every call is a record `{ seq, beforeReady, kind, ...fields }`, pushed to the parent as it
 *   happens (`{ t: 'record' }` messages) and kept for `records`/`state` requests.
 * - It never acts on the machine: `shell.openExternal`, `openPath`, `trashItem` are recorded only.
 *   It writes only below the directories the harness gives it (logs / userData directories).
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir, tmpdir, type as osType } from 'node:os';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { setImmediate } from 'node:timers';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';

// ================================================================ configuration

/**
 * What the harness passes in `$MYAPPS_STAND_IN` (all optional).
 * @typedef {object} StandInOptions
 * @property {string} [dir] temp directory: `temp` lives below it
 * @property {string} [home] what `app.getPath('home')` returns (default `os.homedir()`, which follows `$HOME`)
 * @property {string} [appPath] `app.getAppPath()` (default, as `electron <path>`: the folder of the main script; the harness passes the repository root, as `electron .`)
 * @property {boolean} [packaged] `app.isPackaged` (default false: `process.defaultApp` is set, as `electron <path>` does)
 * @property {boolean} [singleInstanceLock] what `app.requestSingleInstanceLock` returns (default true)
 * @property {boolean} [protocolClient] what `app.setAsDefaultProtocolClient` returns (default true)
 * @property {string} [version] `app.getVersion()` (default: package.json's version)
 * @property {string} [locale] `app.getLocale()` (default en-US)
 * @property {object[]} [displays] `screen` displays (default one 1920x1080 display)
 * @property {{ response?: number, checkboxChecked?: boolean }} [dialogResponse] what `dialog.showMessageBox` resolves with
 * @property {boolean} [online] `net.isOnline()` (default true)
 * @property {boolean} [notificationsSupported] `Notification.isSupported()` (default true)
 * @property {boolean} [shouldUseDarkColors] the OS theme (default false)
 * @property {object[]} [desktopSources] what `desktopCapturer.getSources` resolves with
 * @property {'win32'|'darwin'|'linux'} [platform] `process.platform` (set by register.mjs before anything runs)
 * @property {boolean} [openedAtLogin] `app.getLoginItemSettings().wasOpenedAtLogin` (macOS: the OS started the app at login)
 * @property {string} [resourcesPath] `process.resourcesPath` (default `<dir>/resources`)
 */

/** @returns {StandInOptions} */
function readOptions() {
  const raw = process.env.MYAPPS_STAND_IN;
  if (!raw) return {};
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new Error(`electron stand-in: $MYAPPS_STAND_IN is not JSON: ${e}`, { cause: e });
  }
}

const options = readOptions();
const baseDir = options.dir ?? join(tmpdir(), `electron-stand-in-${process.pid}`);

/** As `electron <path>`: the folder given, or the folder of the script given. */
function defaultAppPath() {
  const target = resolvePath(process.argv[1] ?? '.');
  return existsSync(join(target, 'package.json')) ? target : dirname(target);
}

const appPath = options.appPath ?? defaultAppPath();
const packageJson = readPackageJson(appPath);

function readPackageJson(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    return {};
  }
}

// Electron sets `process.defaultApp` when it runs an app from a path (`electron .`), and gives
// a packaged app an argv without the script; main.ts reads both to find its own arguments.
if (options.packaged === true) process.argv.splice(1, 1);
else process.defaultApp = true;
// Electron sets it (the folder of app.asar, app-update.yml, extra resources); electron-updater reads it.
if (process.resourcesPath === undefined) process.resourcesPath = options.resourcesPath ?? join(baseDir, 'resources');

/**
 * Simulating Windows on another OS (`platform: 'win32'`): the shell builds Windows paths
 * (`win32.join` of `%APPDATA%`), rooted but drive-less here (`\tmp\…\config\myapps-desktop`).
 * Files are still written on this machine, so such a path is taken as this machine's path.
 */
const simulatedWindows = process.platform === 'win32' && osType() !== 'Windows_NT';
function hostPath(path) {
  return simulatedWindows && typeof path === 'string' && /^[\\/]/.test(path) ? path.replace(/\\/g, '/') : path;
}

// ================================================================ records

const S = Symbol('electron-stand-in.state');
const INIT = Symbol('electron-stand-in.init');

/** @type {object[]} */
const records = [];
let seq = 0;
let ready = false;

function post(message) {
  if (typeof process.send === 'function' && process.connected) process.send(message);
}

/** Record one thing that happened; `data` is made serialisable. */
function record(kind, data = {}) {
  const entry = { ...serialise(data), seq: ++seq, beforeReady: !ready, kind };
  records.push(entry);
  post({ t: 'record', record: entry });
  return entry;
}

/** Stand-in object -> its reference in records (`{ $ref: 'webContents', id: 3 }`). */
const refs = new WeakMap();

/** A JSON-safe copy: functions become '[function]', stand-in objects references, buffers their size. */
function serialise(value, seen = new Set(), depth = 0) {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value === undefined) return undefined;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  const ref = refs.get(value);
  if (ref) return ref();
  if (typeof value === 'function') return '[function]';
  if (seen.has(value)) return '[circular]';
  if (depth > 12) return '[too deep]';
  if (value instanceof Uint8Array) return { $bytes: value.byteLength };
  if (value instanceof Error) return { $error: value.message };
  if (value instanceof Date) return value.toISOString();
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => serialise(v, seen, depth + 1) ?? null);
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const s = serialise(v, seen, depth + 1);
      if (s !== undefined) out[k] = s;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** Electron copies IPC payloads with the structured clone algorithm; so does the stand-in's check. */
function assertCloneable(value) {
  try {
    v8.serialize(value);
  } catch {
    throw new Error('An object could not be cloned.');
  }
}

// ================================================================ strict objects

/** Probed by generic code (promise resolution, JSON): absent, not an error. */
const PROBED = new Set(['then', 'toJSON']);

function notImplemented(name, prop) {
  return new Error(`electron stand-in: ${name}.${String(prop)} is not implemented`);
}

/** `target` behind a Proxy that throws for any member it does not have. */
function strict(target, name) {
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === 'symbol' || prop in t) return Reflect.get(t, prop, receiver);
      if (PROBED.has(prop)) return undefined;
      throw notImplemented(name, prop);
    },
    set(t, prop, value, receiver) {
      if (typeof prop === 'symbol' || prop in t) return Reflect.set(t, prop, value, receiver);
      throw new Error(`electron stand-in: setting ${name}.${String(prop)} is not implemented`);
    },
  });
}

/** A module usable only after `ready` (Electron: screen, powerMonitor). */
function readyOnly(target, name) {
  const inner = strict(target, name);
  return new Proxy(inner, {
    get(t, prop, receiver) {
      if (!ready && typeof prop === 'string' && !PROBED.has(prop)) throw new Error(`electron stand-in: the ${name} module cannot be used before the app is ready (Electron's rule)`);
      return Reflect.get(t, prop, receiver);
    },
  });
}

/** Construct `Impl`, wrap it, then run its [INIT] with the wrapped object as `this`. */
function instantiate(Impl, args, name, ref) {
  const raw = Reflect.construct(Impl, args);
  const obj = strict(raw, name);
  if (ref) refs.set(obj, () => ref(raw));
  if (typeof raw[INIT] === 'function') raw[INIT].apply(obj, args);
  return obj;
}

/** The exported class: `new X()` gives a strict object; unknown statics throw. */
function exportClass(Impl, name, ref) {
  return new Proxy(Impl, {
    get(t, prop, receiver) {
      if (typeof prop === 'symbol' || prop in t) return Reflect.get(t, prop, receiver);
      if (PROBED.has(prop)) return undefined;
      throw notImplemented(name, prop);
    },
    construct(t, args) {
      return instantiate(t, args, name, ref);
    },
  });
}

/** A module or class the stand-in does not implement at all: importing works, any use throws. */
function absentModule(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(_t, prop) {
      if (typeof prop === 'symbol' || PROBED.has(prop)) return undefined;
      throw notImplemented(name, prop);
    },
    apply() {
      throw new Error(`electron stand-in: ${name} is not implemented`);
    },
    construct() {
      throw new Error(`electron stand-in: new ${name}() is not implemented`);
    },
  });
}

// ================================================================ events

/** Record listeners as they are added and removed (per target, by event name). */
function trackListeners(emitter, target) {
  const internal = (e) => typeof e !== 'string' || e === 'newListener' || e === 'removeListener';
  emitter.on('newListener', (event) => {
    if (!internal(event)) record('listener', { target, event, added: true });
  });
  emitter.on('removeListener', (event) => {
    if (!internal(event)) record('listener', { target, event, added: false });
  });
}

function listenerCounts(emitter) {
  const out = {};
  for (const e of emitter.eventNames()) {
    if (typeof e === 'string' && e !== 'newListener' && e !== 'removeListener') out[e] = emitter.listenerCount(e);
  }
  return out;
}

/** An EventEmitter whose `removeAllListeners()` keeps the stand-in's own bookkeeping. */
class Emitter extends EventEmitter {
  removeAllListeners(event) {
    if (event !== undefined) return super.removeAllListeners(event);
    for (const e of this.eventNames()) if (e !== 'newListener' && e !== 'removeListener') super.removeAllListeners(e);
    return this;
  }
}

/** Electron's `Event`: `preventDefault()` and `defaultPrevented`, plus the event's own fields. */
function makeEvent(fields, target, name) {
  const ev = {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      if (!ev.defaultPrevented) record('event.preventDefault', { target, event: name });
      ev.defaultPrevented = true;
    },
  };
  return strict(ev, `Event(${name})`);
}

/** An exception in main-process code: Electron shows a dialog and keeps running; we record it. */
function reportUncaught(error, origin) {
  record('process.uncaughtException', { origin, message: String(error?.message ?? error), stack: String(error?.stack ?? error) });
  process.stderr.write(`electron stand-in: uncaught exception in the main process (${origin}): ${error?.stack ?? error}\n`);
}

process.on('uncaughtException', (error, origin) => reportUncaught(error, origin));

/**
 * Emit `name` on `emitter` the way Electron does (an Event first unless `withEvent` is false);
 * a throwing listener is reported as an uncaught exception, as in Electron.
 */
function emitOn(emitter, target, name, args = [], { withEvent = true, fields = {} } = {}) {
  const event = withEvent ? makeEvent(fields, target, name) : undefined;
  const listenerCount = emitter.listenerCount(name);
  let threw;
  try {
    emitter.emit(name, ...(withEvent ? [event] : []), ...args);
  } catch (e) {
    threw = String(e?.message ?? e);
    reportUncaught(e, `listener of ${target} '${name}'`);
  }
  return { event, listenerCount, defaultPrevented: event ? event.defaultPrevented : false, ...(threw !== undefined && { threw }) };
}

function requireReady(what) {
  if (!ready) throw new Error(`Cannot create ${what} before app is ready`);
}

const counters = { window: 0, view: 0, webContents: 0, menu: 0, image: 0, tray: 0, notification: 0, port: 0 };

// ================================================================ app

/** The per-OS default directories, as Electron derives them (before `setPath`). */
function defaultPath(name, paths, appName) {
  const home = options.home ?? homedir();
  const appData = () => {
    if (process.platform === 'win32') return process.env.APPDATA || join(home, 'AppData', 'Roaming');
    if (process.platform === 'darwin') return join(home, 'Library', 'Application Support');
    const xdg = process.env.XDG_CONFIG_HOME;
    return xdg && isAbsolute(xdg) ? xdg : join(home, '.config');
  };
  const userData = () => paths.get('userData') ?? join(appData(), appName);
  switch (name) {
    case 'home':
      return home;
    case 'appData':
      return appData();
    case 'userData':
    case 'sessionData':
      return userData();
    case 'temp':
      return join(baseDir, 'temp');
    case 'exe':
    case 'module':
      return process.execPath;
    case 'assets':
      return dirname(process.execPath);
    case 'desktop':
      return join(home, 'Desktop');
    case 'documents':
      return join(home, 'Documents');
    case 'downloads':
      return join(home, 'Downloads');
    case 'music':
      return join(home, 'Music');
    case 'pictures':
      return join(home, 'Pictures');
    case 'videos':
      return join(home, 'Videos');
    case 'logs':
      return process.platform === 'darwin' ? join(home, 'Library', 'Logs', appName) : join(userData(), 'logs');
    case 'crashDumps':
      return join(userData(), 'Crashpad');
    case 'recent':
      if (process.platform === 'linux') break;
      return join(home, 'Recent');
  }
  throw new Error(`Failed to get '${name}' path`);
}

const PATH_NAMES = new Set(['home', 'appData', 'assets', 'userData', 'sessionData', 'temp', 'exe', 'module', 'desktop', 'documents', 'downloads', 'music', 'pictures', 'videos', 'recent', 'logs', 'crashDumps']);

class CommandLineImpl {
  constructor() {
    this[S] = { switches: new Map(), args: [] };
  }
  appendSwitch(sw, value) {
    record('app.commandLine', { method: 'appendSwitch', args: [sw, value] });
    this[S].switches.set(sw, value ?? '');
  }
  appendArgument(arg) {
    record('app.commandLine', { method: 'appendArgument', args: [arg] });
    this[S].args.push(arg);
  }
  hasSwitch(sw) {
    return this[S].switches.has(sw);
  }
  getSwitchValue(sw) {
    return this[S].switches.get(sw) ?? '';
  }
  removeSwitch(sw) {
    record('app.commandLine', { method: 'removeSwitch', args: [sw] });
    this[S].switches.delete(sw);
  }
}

class DockImpl {
  constructor() {
    this[S] = { badge: '', visible: true, menu: null, icon: null };
  }
  setBadge(text) {
    record('app.dock', { method: 'setBadge', args: [text] });
    this[S].badge = text;
  }
  getBadge() {
    return this[S].badge;
  }
  bounce(type) {
    record('app.dock', { method: 'bounce', args: [type] });
    return 1;
  }
  cancelBounce(id) {
    record('app.dock', { method: 'cancelBounce', args: [id] });
  }
  show() {
    record('app.dock', { method: 'show' });
    this[S].visible = true;
    return Promise.resolve();
  }
  hide() {
    record('app.dock', { method: 'hide' });
    this[S].visible = false;
  }
  isVisible() {
    return this[S].visible;
  }
  setMenu(menu) {
    record('app.dock', { method: 'setMenu', args: [menu] });
    this[S].menu = menu;
  }
  getMenu() {
    return this[S].menu;
  }
  setIcon(image) {
    record('app.dock', { method: 'setIcon', args: [image] });
    this[S].icon = image;
  }
}

let resolveReady;
const readyPromise = new Promise((r) => (resolveReady = r));

class AppImpl extends Emitter {
  constructor() {
    super();
    this.commandLine = strict(new CommandLineImpl(), 'app.commandLine');
    // Electron defines `app.dock` on macOS only.
    this.dock = process.platform === 'darwin' ? strict(new DockImpl(), 'app.dock') : undefined;
    this[S] = {
      name: packageJson.productName ?? packageJson.name ?? 'Electron',
      paths: new Map(),
      hasLock: false,
      protocolClients: new Map(),
      loginItem: { openAtLogin: false, openAsHidden: false },
      badgeCount: 0,
      userAgentFallback: `Mozilla/5.0 (electron-stand-in) ${packageJson.productName ?? 'app'}/${packageJson.version ?? '0.0.0'}`,
      quitting: false,
      quitScheduled: false,
      appUserModelId: undefined,
    };
  }
  [INIT]() {
    trackListeners(this, 'app');
  }
  get isPackaged() {
    return options.packaged === true;
  }
  get name() {
    return this[S].name;
  }
  set name(value) {
    record('app.call', { method: 'set name', args: [value] });
    this[S].name = value;
  }
  get userAgentFallback() {
    return this[S].userAgentFallback;
  }
  set userAgentFallback(value) {
    record('app.call', { method: 'set userAgentFallback', args: [value] });
    this[S].userAgentFallback = value;
  }
  get badgeCount() {
    return this[S].badgeCount;
  }
  set badgeCount(value) {
    this.setBadgeCount(value);
  }
  get applicationMenu() {
    return applicationMenu;
  }
  set applicationMenu(menu) {
    MenuImpl.setApplicationMenu(menu);
  }

  // ---- paths
  getPath(name) {
    if (this[S].paths.has(name)) return this[S].paths.get(name);
    return defaultPath(name, this[S].paths, this[S].name);
  }
  setPath(name, givenPath) {
    record('app.call', { method: 'setPath', args: [name, givenPath] });
    const path = hostPath(givenPath);
    if (typeof path !== 'string' || !isAbsolute(path)) throw new Error('Path must be absolute');
    if (!PATH_NAMES.has(name)) throw new Error('Failed to set path');
    this[S].paths.set(name, path);
  }
  setAppLogsPath(givenPath) {
    record('app.call', { method: 'setAppLogsPath', args: givenPath === undefined ? [] : [givenPath] });
    const path = hostPath(givenPath);
    if (path !== undefined && !isAbsolute(path)) throw new Error('Path must be absolute');
    this[S].paths.delete('logs');
    const logs = path ?? defaultPath('logs', this[S].paths, this[S].name);
    mkdirSync(logs, { recursive: true }); // Electron creates it
    this[S].paths.set('logs', logs);
  }
  getAppPath() {
    return appPath;
  }
  getVersion() {
    return options.version ?? packageJson.version ?? '0.0.0';
  }
  getName() {
    return this[S].name;
  }
  setName(name) {
    this.name = name;
  }
  getLocale() {
    return options.locale ?? 'en-US';
  }
  getSystemLocale() {
    return this.getLocale();
  }
  getPreferredSystemLanguages() {
    return [this.getLocale()];
  }
  getLocaleCountryCode() {
    return (this.getLocale().split('-')[1] ?? 'US').toUpperCase();
  }

  // ---- lifecycle
  isReady() {
    return ready;
  }
  whenReady() {
    return readyPromise;
  }
  enableSandbox() {
    record('app.call', { method: 'enableSandbox' });
    if (ready) throw new Error('app.enableSandbox() can only be called before app is ready');
  }
  disableHardwareAcceleration() {
    record('app.call', { method: 'disableHardwareAcceleration' });
    if (ready) throw new Error('app.disableHardwareAcceleration() can only be called before app is ready');
  }
  requestSingleInstanceLock(additionalData) {
    record('app.call', { method: 'requestSingleInstanceLock', args: additionalData === undefined ? [] : [additionalData] });
    if (additionalData !== undefined) assertCloneable(additionalData);
    this[S].hasLock = options.singleInstanceLock !== false;
    return this[S].hasLock;
  }
  hasSingleInstanceLock() {
    return this[S].hasLock;
  }
  releaseSingleInstanceLock() {
    record('app.call', { method: 'releaseSingleInstanceLock' });
    this[S].hasLock = false;
  }
  quit() {
    record('app.call', { method: 'quit' });
    // Electron returns at once and runs the quit sequence afterwards; a quit already under way absorbs this one.
    if (this[S].quitting || this[S].quitScheduled) return;
    this[S].quitScheduled = true;
    setImmediate(runQuit);
  }
  exit(exitCode = 0) {
    record('app.call', { method: 'exit', args: [exitCode] });
    // No before-quit / will-quit / window-all-closed: the windows just go.
    this[S].quitting = true;
    for (const w of [...windows]) destroyWindow(w);
    exitChild(exitCode);
  }
  relaunch(opts) {
    record('app.call', { method: 'relaunch', args: opts === undefined ? [] : [opts] });
  }
  focus(opts) {
    record('app.call', { method: 'focus', args: opts === undefined ? [] : [opts] });
  }
  hide() {
    record('app.call', { method: 'hide' });
  }
  show() {
    record('app.call', { method: 'show' });
  }
  isHidden() {
    return false;
  }

  // ---- OS integration
  isDefaultProtocolClient(protocol, path, args) {
    const entry = this[S].protocolClients.get(protocol);
    if (!entry) return false;
    return (path === undefined || entry.path === path) && (args === undefined || JSON.stringify(entry.args) === JSON.stringify(args));
  }
  setAsDefaultProtocolClient(protocol, path, args) {
    record('app.call', { method: 'setAsDefaultProtocolClient', args: [protocol, path, args] });
    if (options.protocolClient === false) return false;
    this[S].protocolClients.set(protocol, { path: path ?? process.execPath, args: args ?? [] });
    return true;
  }
  removeAsDefaultProtocolClient(protocol, path, args) {
    record('app.call', { method: 'removeAsDefaultProtocolClient', args: [protocol, path, args] });
    return this[S].protocolClients.delete(protocol);
  }
  setAppUserModelId(id) {
    record('app.call', { method: 'setAppUserModelId', args: [id] });
    this[S].appUserModelId = id;
  }
  setLoginItemSettings(settings) {
    record('app.call', { method: 'setLoginItemSettings', args: [settings] });
    this[S].loginItem = { ...this[S].loginItem, ...settings };
  }
  getLoginItemSettings(query) {
    record('app.call', { method: 'getLoginItemSettings', args: query === undefined ? [] : [query] });
    const { openAtLogin = false, openAsHidden = false } = this[S].loginItem;
    const wasOpenedAtLogin = options.openedAtLogin === true;
    return { openAtLogin, openAsHidden, wasOpenedAtLogin, wasOpenedAsHidden: false, restoreState: false, executableWillLaunchAtLogin: openAtLogin, status: openAtLogin ? 'enabled' : 'not-registered', launchItems: [] };
  }
  setBadgeCount(count = 0) {
    record('app.call', { method: 'setBadgeCount', args: [count] });
    this[S].badgeCount = count;
    return true;
  }
  getBadgeCount() {
    return this[S].badgeCount;
  }
  setUserTasks(tasks) {
    record('app.call', { method: 'setUserTasks', args: [tasks] });
    return true;
  }
  setJumpList(categories) {
    record('app.call', { method: 'setJumpList', args: [categories] });
    return 'ok';
  }
  addRecentDocument(path) {
    record('app.call', { method: 'addRecentDocument', args: [path] });
  }
  clearRecentDocuments() {
    record('app.call', { method: 'clearRecentDocuments' });
  }
  setAboutPanelOptions(opts) {
    record('app.call', { method: 'setAboutPanelOptions', args: [opts] });
  }
  showAboutPanel() {
    record('app.call', { method: 'showAboutPanel' });
  }
  setAccessibilitySupportEnabled(enabled) {
    record('app.call', { method: 'setAccessibilitySupportEnabled', args: [enabled] });
  }
  isAccessibilitySupportEnabled() {
    return false;
  }
  getFileIcon(path) {
    record('app.call', { method: 'getFileIcon', args: [path] });
    return Promise.resolve(nativeImage.createEmpty());
  }
  /**
   * Electron's shape (pid, type, memory in KB). Stand-in figures: the browser process reports
   * this Node process's RSS; a renderer reports 0 KB unless the harness set a figure for its web
   * contents (`setProcessMemory`) — no Chromium here, so nothing else could be measured.
   */
  getAppMetrics() {
    record('app.call', { method: 'getAppMetrics' });
    const memory = Math.round(process.memoryUsage().rss / 1024);
    const cpu = { percentCPUUsage: 0, cumulativeCPUUsage: 0, idleWakeupsPerSecond: 0 };
    const browser = { pid: process.pid, type: 'Browser', creationTime: startTime, cpu, memory: { workingSetSize: memory, peakWorkingSetSize: memory }, sandboxed: false };
    const tabs = allWebContents.filter((wc) => !wc.isDestroyed()).map((wc) => {
      const kb = wc[S].workingSetKB ?? 0;
      return { pid: wc.getOSProcessId(), type: 'Tab', creationTime: startTime, cpu, memory: { workingSetSize: kb, peakWorkingSetSize: kb }, sandboxed: true };
    });
    return [browser, ...tabs];
  }
}

const startTime = Date.now();
export const app = instantiate(AppImpl, [], 'app');

/** Electron's quit sequence: before-quit, close every window, will-quit, quit, exit. */
function runQuit() {
  app[S].quitScheduled = false;
  if (exiting) return;
  if (emitOn(app, 'app', 'before-quit').defaultPrevented) return;
  app[S].quitting = true;
  for (const w of [...windows]) {
    if (!w.isDestroyed() && !closeWindow(w)) {
      app[S].quitting = false;
      return; // a window refused to close: the quit is cancelled
    }
  }
  if (emitOn(app, 'app', 'will-quit').defaultPrevented) {
    app[S].quitting = false;
    return;
  }
  emitOn(app, 'app', 'quit', [0]);
  exitChild(0);
}

let exiting = false;

/** End the process after the parent has every record. */
function exitChild(code) {
  if (exiting) return;
  exiting = true;
  record('process.exit', { code });
  if (typeof process.send === 'function' && process.connected) process.send({ t: 'exit', code }, () => process.exit(code));
  else process.exit(code);
}

/** `ready`: as Electron, after `will-finish-launching`; `whenReady()` settles after the listeners. */
function emitReady(launchInfo = {}) {
  if (ready) throw new Error('electron stand-in: ready was already emitted');
  emitOn(app, 'app', 'will-finish-launching', [], { withEvent: false });
  ready = true;
  mkdirSync(app.getPath('userData'), { recursive: true }); // Chromium creates the profile directory
  record('app.ready', {});
  const result = emitOn(app, 'app', 'ready', [launchInfo]);
  resolveReady();
  return result;
}

// ================================================================ ipcMain

class IpcMainImpl extends Emitter {
  constructor(label) {
    super();
    this[S] = { label, handlers: new Map() };
  }
  [INIT]() {
    trackListeners(this, this[S].label);
  }
  handle(channel, listener) {
    record('ipc.handle', { target: this[S].label, channel });
    if (this[S].handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    if (typeof listener !== 'function') throw new TypeError(`Expected handler to be a function, but found type '${typeof listener}'`);
    this[S].handlers.set(channel, listener);
  }
  handleOnce(channel, listener) {
    this.handle(channel, (...args) => {
      this.removeHandler(channel);
      return listener(...args);
    });
  }
  removeHandler(channel) {
    record('ipc.removeHandler', { target: this[S].label, channel });
    this[S].handlers.delete(channel);
  }
}

export const ipcMain = instantiate(IpcMainImpl, ['ipcMain'], 'ipcMain');

// ================================================================ sessions and protocols

const BUILT_IN_SCHEMES = new Set(['http', 'https', 'file', 'data', 'about', 'blob', 'ws', 'wss', 'javascript', 'chrome', 'devtools']);

class ProtocolImpl {
  constructor(session) {
    this[S] = { session, handlers: new Map() };
  }
  handle(scheme, handler) {
    record('protocol.handle', { session: this[S].session[S].label, scheme });
    if (this[S].handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this[S].handlers.set(scheme, handler);
  }
  unhandle(scheme) {
    record('protocol.unhandle', { session: this[S].session[S].label, scheme });
    this[S].handlers.delete(scheme);
  }
  isProtocolHandled(scheme) {
    return this[S].handlers.has(scheme) || BUILT_IN_SCHEMES.has(scheme);
  }
}

const HANDLER_KINDS = ['permissionRequest', 'permissionCheck', 'devicePermission', 'certificateVerifyProc', 'displayMediaRequest', 'bluetoothPairing', 'usbProtectedClasses'];

class SessionImpl extends Emitter {
  constructor(partition) {
    super();
    const label = partition === '' ? 'default' : partition;
    this.protocol = null; // set in INIT
    this[S] = { partition, label, handlers: {}, userAgent: app.userAgentFallback, acceptLanguages: undefined, preloads: [], spellChecker: true, displayMediaOptions: undefined };
  }
  [INIT]() {
    trackListeners(this, `session:${this[S].label}`);
    this.protocol = instantiate(ProtocolImpl, [this], `session(${this[S].label}).protocol`);
  }
  get storagePath() {
    return this.getStoragePath();
  }
  setHandler(kind, handler) {
    if (handler !== null && typeof handler !== 'function') throw new TypeError('Must pass null or function');
    record('session.handler', { session: this[S].label, handler: kind, set: handler !== null });
    this[S].handlers[kind] = handler ?? undefined;
  }
  setPermissionRequestHandler(handler) {
    this.setHandler('permissionRequest', handler);
  }
  setPermissionCheckHandler(handler) {
    this.setHandler('permissionCheck', handler);
  }
  setDevicePermissionHandler(handler) {
    this.setHandler('devicePermission', handler);
  }
  setCertificateVerifyProc(proc) {
    this.setHandler('certificateVerifyProc', proc);
  }
  setDisplayMediaRequestHandler(handler, opts) {
    this.setHandler('displayMediaRequest', handler);
    this[S].displayMediaOptions = opts;
  }
  setBluetoothPairingHandler(handler) {
    this.setHandler('bluetoothPairing', handler);
  }
  setUSBProtectedClassesHandler(handler) {
    this.setHandler('usbProtectedClasses', handler);
  }
  call(method, args = []) {
    record('session.call', { session: this[S].label, method, args });
  }
  clearStorageData(opts) {
    this.call('clearStorageData', opts === undefined ? [] : [opts]);
    return Promise.resolve();
  }
  clearCache() {
    this.call('clearCache');
    return Promise.resolve();
  }
  clearData(opts) {
    this.call('clearData', opts === undefined ? [] : [opts]);
    return Promise.resolve();
  }
  clearAuthCache() {
    this.call('clearAuthCache');
    return Promise.resolve();
  }
  clearHostResolverCache() {
    this.call('clearHostResolverCache');
    return Promise.resolve();
  }
  flushStorageData() {
    this.call('flushStorageData');
  }
  closeAllConnections() {
    this.call('closeAllConnections');
    return Promise.resolve();
  }
  setUserAgent(userAgent, acceptLanguages) {
    this.call('setUserAgent', acceptLanguages === undefined ? [userAgent] : [userAgent, acceptLanguages]);
    this[S].userAgent = userAgent;
    this[S].acceptLanguages = acceptLanguages;
  }
  getUserAgent() {
    return this[S].userAgent;
  }
  resolveProxy() {
    return Promise.resolve('DIRECT');
  }
  setProxy(config) {
    this.call('setProxy', [config]);
    return Promise.resolve();
  }
  setPreloads(preloads) {
    this.call('setPreloads', [preloads]);
    this[S].preloads = [...preloads];
  }
  getPreloads() {
    return [...this[S].preloads];
  }
  setSpellCheckerEnabled(enabled) {
    this.call('setSpellCheckerEnabled', [enabled]);
    this[S].spellChecker = enabled;
  }
  isSpellCheckerEnabled() {
    return this[S].spellChecker;
  }
  setDownloadPath(path) {
    this.call('setDownloadPath', [path]);
  }
  getCacheSize() {
    return Promise.resolve(0);
  }
  isPersistent() {
    return this[S].partition === '' || this[S].partition.startsWith('persist:');
  }
  getStoragePath() {
    const { partition } = this[S];
    if (partition === '') return app.getPath('userData');
    if (!partition.startsWith('persist:')) return null;
    return join(app.getPath('userData'), 'Partitions', encodeURIComponent(partition.slice('persist:'.length)));
  }
}

/** partition -> Session ('' is the default session). */
const sessions = new Map();

function getSession(partition) {
  if (!ready) throw new Error('Session can only be received when app is ready');
  if (typeof partition !== 'string') throw new TypeError('partition must be a string');
  const existing = sessions.get(partition);
  if (existing) return existing;
  const s = instantiate(SessionImpl, [partition], 'Session', (raw) => ({ $ref: 'session', session: raw[S].label }));
  sessions.set(partition, s);
  record('session.created', { session: s[S].label });
  // As in Electron: emitted for every session when it is created, without an Event.
  emitOn(app, 'app', 'session-created', [s], { withEvent: false });
  return s;
}

export const session = strict(
  {
    get defaultSession() {
      return getSession('');
    },
    fromPartition(partition) {
      return getSession(partition);
    },
    fromPath(path) {
      if (!isAbsolute(path)) throw new Error('An absolute path is required');
      return getSession(`path:${path}`);
    },
  },
  'session',
);

/** The harness names the default session 'default'. */
function sessionByLabel(label = 'default') {
  return getSession(label === 'default' ? '' : label);
}

/** @type {object[]} */
const privilegedSchemes = [];

export const protocol = strict(
  {
    registerSchemesAsPrivileged(customSchemes) {
      record('protocol.registerSchemesAsPrivileged', { schemes: customSchemes });
      if (ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
      privilegedSchemes.push(...customSchemes);
    },
    handle(scheme, handler) {
      return session.defaultSession.protocol.handle(scheme, handler);
    },
    unhandle(scheme) {
      return session.defaultSession.protocol.unhandle(scheme);
    },
    isProtocolHandled(scheme) {
      return session.defaultSession.protocol.isProtocolHandled(scheme);
    },
  },
  'protocol',
);

// ================================================================ web contents and frames

/** @type {object[]} every web contents ever created, in order */
const allWebContents = [];

class WebFrameMainImpl extends Emitter {
  /**
   * @param {object} wc the web contents
   * @param {{ url?: string, parent?: object | null, routingId: number }} frame a fixed URL (harness-made frames) or none (the live main frame)
   */
  constructor(wc, frame) {
    super();
    this.ipc = null; // set in INIT
    this[S] = { wc, url: frame.url, parent: frame.parent ?? null, routingId: frame.routingId };
  }
  [INIT]() {
    this.ipc = instantiate(IpcMainImpl, [`webContents:${this[S].wc.id}.frame:${this[S].routingId}.ipc`], 'WebFrameMain.ipc');
  }
  get url() {
    return this[S].url ?? this[S].wc[S].url;
  }
  get origin() {
    return originOf(this.url);
  }
  get parent() {
    return this[S].parent;
  }
  get top() {
    return this[S].parent ? this[S].parent.top : this;
  }
  get frames() {
    return [];
  }
  get framesInSubtree() {
    return [this];
  }
  get processId() {
    return this[S].wc[S].processId;
  }
  get osProcessId() {
    return this[S].wc[S].osProcessId;
  }
  get routingId() {
    return this[S].routingId;
  }
  get frameTreeNodeId() {
    return this[S].wc.id * 1000 + this[S].routingId;
  }
  get name() {
    return '';
  }
  get visibilityState() {
    return 'visible';
  }
  get detached() {
    return false;
  }
  isDestroyed() {
    return this[S].wc.isDestroyed();
  }
  send(channel, ...args) {
    assertCloneable(args);
    record('frame.send', { webContentsId: this[S].wc.id, routingId: this[S].routingId, url: this.url, channel, args });
  }
  postMessage(channel, message, transfer) {
    record('frame.postMessage', { webContentsId: this[S].wc.id, routingId: this[S].routingId, channel, message, ports: transfer?.length ?? 0 });
  }
  executeJavaScript() {
    return Promise.reject(new Error('electron stand-in: WebFrameMain.executeJavaScript cannot run page script: there is no renderer'));
  }
  reload() {
    record('frame.reload', { webContentsId: this[S].wc.id, routingId: this[S].routingId });
    return true;
  }
}

/** The origin Chromium gives a URL; for a registered standard scheme (app://myapps) too, unlike WHATWG URL. */
function originOf(url) {
  try {
    const u = new URL(url);
    if (u.origin !== 'null') return u.origin;
    return u.host ? `${u.protocol}//${u.host}` : 'null';
  } catch {
    return 'null';
  }
}

function makeFrame(wc, frame) {
  return instantiate(WebFrameMainImpl, [wc, frame], 'WebFrameMain', (raw) => ({ $ref: 'frame', webContentsId: raw[S].wc.id, routingId: raw[S].routingId, url: raw[S].url ?? raw[S].wc[S].url }));
}

class WebContentsImpl extends Emitter {
  constructor({ type, webPreferences, session: s }) {
    super();
    this.id = ++counters.webContents;
    this.session = s;
    this.ipc = null; // set in INIT
    this.mainFrame = null; // set in INIT
    this.hostWebContents = null;
    this.devToolsWebContents = null;
    this[S] = {
      type,
      webPreferences,
      url: '',
      title: '',
      destroyed: false,
      windowOpenHandler: undefined,
      devToolsOpened: false,
      userAgent: app.userAgentFallback,
      zoomFactor: 1,
      audioMuted: false,
      backgroundThrottling: webPreferences.backgroundThrottling !== false,
      pendingLoads: [],
      loading: false,
      focused: false,
      window: null,
      view: null,
      osProcessId: 40000 + this.id,
      processId: 1000 + this.id,
      frameRoutingIds: 1,
      cssKeys: 0,
    };
  }
  [INIT]() {
    trackListeners(this, `webContents:${this.id}`);
    this.ipc = instantiate(IpcMainImpl, [`webContents:${this.id}.ipc`], 'webContents.ipc');
    this.mainFrame = makeFrame(this, { routingId: 1 });
    allWebContents.push(this);
  }
  get userAgent() {
    return this[S].userAgent;
  }
  set userAgent(value) {
    this.setUserAgent(value);
  }
  get zoomFactor() {
    return this[S].zoomFactor;
  }
  set zoomFactor(value) {
    this.setZoomFactor(value);
  }
  get audioMuted() {
    return this[S].audioMuted;
  }
  set audioMuted(value) {
    this.setAudioMuted(value);
  }
  alive() {
    if (this[S].destroyed) throw new TypeError('Object has been destroyed');
  }
  call(method, args = [], extra = {}) {
    record('webContents.call', { webContentsId: this.id, method, args, ...extra });
  }

  // ---- loading
  loadURL(url, opts) {
    this.alive();
    record('webContents.loadURL', { webContentsId: this.id, url, ...(opts !== undefined && { options: opts }) });
    // A new load aborts the pending one, as in Electron.
    settleLoads(this, new Error(`ERR_ABORTED (-3) loading '${this[S].url}'`));
    this[S].url = String(url);
    this[S].loading = true;
    // Settles when the harness emits did-finish-load (resolve) or did-fail-load (reject).
    return new Promise((resolve, reject) => this[S].pendingLoads.push({ resolve, reject }));
  }
  loadFile(filePath, opts) {
    const url = pathToFileURL(isAbsolute(filePath) ? filePath : join(appPath, filePath));
    if (opts?.query) for (const [k, v] of Object.entries(opts.query)) url.searchParams.set(k, v);
    if (opts?.hash) url.hash = opts.hash;
    return this.loadURL(url.href);
  }
  getURL() {
    return this[S].url;
  }
  getTitle() {
    return this[S].title || this[S].url;
  }
  isLoading() {
    return this[S].loading;
  }
  isLoadingMainFrame() {
    return this[S].loading;
  }
  isWaitingForResponse() {
    return false;
  }
  isCrashed() {
    return false;
  }
  stop() {
    this.call('stop');
  }
  reload() {
    this.call('reload');
  }
  reloadIgnoringCache() {
    this.call('reloadIgnoringCache');
  }
  forcefullyCrashRenderer() {
    this.call('forcefullyCrashRenderer');
  }

  // ---- messages
  send(channel, ...args) {
    this.alive();
    if (typeof channel !== 'string') throw new Error('Missing required channel argument');
    assertCloneable(args);
    record('webContents.send', { webContentsId: this.id, channel, args });
  }
  sendToFrame(frameId, channel, ...args) {
    this.alive();
    assertCloneable(args);
    record('webContents.sendToFrame', { webContentsId: this.id, frameId, channel, args });
  }
  postMessage(channel, message, transfer = []) {
    this.alive();
    record('webContents.postMessage', { webContentsId: this.id, channel, message, ports: transfer.map((p) => refs.get(p)?.() ?? null) });
  }

  // ---- life
  isDestroyed() {
    return this[S].destroyed;
  }
  close(opts) {
    if (this[S].destroyed) return;
    this.call('close', opts === undefined ? [] : [opts]);
    const win = this[S].window;
    if (win && !win.isDestroyed()) closeWindow(win);
    else destroyWebContents(this);
  }
  getType() {
    return this[S].type;
  }
  getOSProcessId() {
    return this[S].osProcessId;
  }
  getProcessId() {
    return this[S].processId;
  }
  getLastWebPreferences() {
    return { ...this[S].webPreferences };
  }

  // ---- guards and tools
  setWindowOpenHandler(handler) {
    record('webContents.setWindowOpenHandler', { webContentsId: this.id, set: typeof handler === 'function' });
    this[S].windowOpenHandler = handler;
  }
  openDevTools(opts) {
    this.alive();
    // Electron opens no DevTools for a web contents created with `devTools: false`.
    const ignored = this[S].webPreferences.devTools === false;
    this.call('openDevTools', opts === undefined ? [] : [opts], { ignored });
    if (ignored || this[S].devToolsOpened) return;
    this[S].devToolsOpened = true;
    emitOn(this, `webContents:${this.id}`, 'devtools-opened', [], { withEvent: false });
  }
  closeDevTools() {
    this.call('closeDevTools');
    if (!this[S].devToolsOpened) return;
    this[S].devToolsOpened = false;
    emitOn(this, `webContents:${this.id}`, 'devtools-closed', [], { withEvent: false });
  }
  toggleDevTools() {
    if (this[S].devToolsOpened) this.closeDevTools();
    else this.openDevTools();
  }
  isDevToolsOpened() {
    return this[S].devToolsOpened;
  }
  isDevToolsFocused() {
    return false;
  }
  getUserAgent() {
    return this[S].userAgent;
  }
  setUserAgent(userAgent) {
    this.call('setUserAgent', [userAgent]);
    this[S].userAgent = userAgent;
  }
  focus() {
    this.call('focus');
    this[S].focused = true;
  }
  isFocused() {
    return this[S].focused;
  }
  setZoomFactor(factor) {
    this.call('setZoomFactor', [factor]);
    this[S].zoomFactor = factor;
  }
  getZoomFactor() {
    return this[S].zoomFactor;
  }
  setZoomLevel(level) {
    this.setZoomFactor(Math.pow(1.2, level));
  }
  getZoomLevel() {
    return Math.log(this[S].zoomFactor) / Math.log(1.2);
  }
  setVisualZoomLevelLimits(min, max) {
    this.call('setVisualZoomLevelLimits', [min, max]);
    return Promise.resolve();
  }
  setAudioMuted(muted) {
    this.call('setAudioMuted', [muted]);
    this[S].audioMuted = muted;
  }
  isAudioMuted() {
    return this[S].audioMuted;
  }
  isCurrentlyAudible() {
    return false;
  }
  setBackgroundThrottling(allowed) {
    this.call('setBackgroundThrottling', [allowed]);
    this[S].backgroundThrottling = allowed;
  }
  getBackgroundThrottling() {
    return this[S].backgroundThrottling;
  }
  setIgnoreMenuShortcuts(ignore) {
    this.call('setIgnoreMenuShortcuts', [ignore]);
  }
  setWebRTCIPHandlingPolicy(policy) {
    this.call('setWebRTCIPHandlingPolicy', [policy]);
    this[S].webRTCIPHandlingPolicy = policy;
  }
  getWebRTCIPHandlingPolicy() {
    return this[S].webRTCIPHandlingPolicy ?? 'default';
  }
  insertCSS(css, opts) {
    this.call('insertCSS', opts === undefined ? [css] : [css, opts]);
    return Promise.resolve(`css-${++this[S].cssKeys}`);
  }
  removeInsertedCSS(key) {
    this.call('removeInsertedCSS', [key]);
    return Promise.resolve();
  }
  executeJavaScript() {
    return Promise.reject(new Error('electron stand-in: webContents.executeJavaScript cannot run page script: there is no renderer'));
  }
  capturePage() {
    return Promise.resolve(nativeImage.createEmpty());
  }
  downloadURL(url, opts) {
    this.call('downloadURL', opts === undefined ? [url] : [url, opts]);
  }
  getMediaSourceId() {
    return `web-contents-media-stream://${this[S].processId}:${this.id}`;
  }
}

/** A web contents for a window, a view or the harness (not yet announced). */
function createWebContents(type, webPreferences = {}) {
  const s = webPreferences.session ?? (typeof webPreferences.partition === 'string' ? session.fromPartition(webPreferences.partition) : session.defaultSession);
  return instantiate(WebContentsImpl, [{ type, webPreferences, session: s }], 'webContents', (raw) => ({ $ref: 'webContents', id: raw.id }));
}

/** Record the new web contents and emit app 'web-contents-created', as Electron does for each one. */
function announceWebContents(wc, extra = {}) {
  record('webContents.created', { webContentsId: wc.id, type: wc[S].type, session: wc.session[S].label, webPreferences: wc[S].webPreferences, ...extra });
  emitOn(app, 'app', 'web-contents-created', [wc]);
}

function settleLoads(wc, error) {
  for (const p of wc[S].pendingLoads.splice(0)) {
    if (error) p.reject(error);
    else p.resolve();
  }
  wc[S].loading = false;
}

function destroyWebContents(wc) {
  if (wc[S].destroyed) return;
  settleLoads(wc, new Error(`ERR_ABORTED (-3) loading '${wc[S].url}'`));
  wc[S].destroyed = true;
  record('webContents.destroyed', { webContentsId: wc.id });
  emitOn(wc, `webContents:${wc.id}`, 'destroyed', [], { withEvent: false });
}

export const webContents = strict(
  {
    getAllWebContents() {
      return allWebContents.filter((wc) => !wc.isDestroyed());
    },
    getFocusedWebContents() {
      return allWebContents.find((wc) => !wc.isDestroyed() && wc.isFocused()) ?? null;
    },
    fromId(id) {
      return allWebContents.find((wc) => wc.id === id && !wc.isDestroyed());
    },
    fromFrame(frame) {
      return frame?.[S]?.wc;
    },
  },
  'webContents',
);

function webContentsById(id) {
  const wc = allWebContents.find((w) => w.id === id);
  if (!wc) throw new Error(`electron stand-in: no web contents ${id}`);
  return wc;
}

// ================================================================ views

class ViewImpl extends Emitter {
  constructor() {
    super();
    requireReady('View');
    this[S] = { id: ++counters.view, bounds: { x: 0, y: 0, width: 0, height: 0 }, visible: true, children: [], parent: null, window: null, backgroundColor: undefined, borderRadius: 0, options: undefined, kind: 'View' };
  }
  [INIT]() {
    trackListeners(this, `view:${this[S].id}`);
    record('view.created', { viewId: this[S].id, viewClass: 'View' });
  }
  get children() {
    return [...this[S].children];
  }
  call(method, args = []) {
    record('view.call', { viewId: this[S].id, windowId: windowIdOfView(this), method, args });
  }
  addChildView(view, index) {
    if (!(view?.[S]?.children instanceof Array)) throw new TypeError('Expected a View');
    if (view === this) throw new Error('A view cannot be its own child');
    const old = view[S].parent;
    if (old) old[S].children.splice(old[S].children.indexOf(view), 1);
    const list = this[S].children;
    const at = index === undefined || index < 0 || index > list.length ? list.length : index;
    list.splice(at, 0, view);
    view[S].parent = this;
    record('view.addChildView', { parentViewId: this[S].id, viewId: view[S].id, index: at, windowId: windowIdOfView(this), ...('webContents' in view && { webContentsId: view.webContents.id }) });
  }
  removeChildView(view) {
    const list = this[S].children;
    const i = list.indexOf(view);
    record('view.removeChildView', { parentViewId: this[S].id, viewId: view?.[S]?.id, windowId: windowIdOfView(this), wasChild: i >= 0 });
    if (i < 0) return;
    list.splice(i, 1);
    view[S].parent = null;
  }
  setBounds(bounds, opts) {
    this.call('setBounds', opts === undefined ? [bounds] : [bounds, opts]);
    this[S].bounds = { x: bounds.x ?? 0, y: bounds.y ?? 0, width: bounds.width ?? 0, height: bounds.height ?? 0 };
    emitOn(this, `view:${this[S].id}`, 'bounds-changed', [], { withEvent: false });
  }
  getBounds() {
    return { ...this[S].bounds };
  }
  setVisible(visible) {
    this.call('setVisible', [visible]);
    this[S].visible = visible;
  }
  getVisible() {
    return this[S].visible;
  }
  setBackgroundColor(color) {
    this.call('setBackgroundColor', [color]);
    this[S].backgroundColor = color;
  }
  setBorderRadius(radius) {
    this.call('setBorderRadius', [radius]);
    this[S].borderRadius = radius;
  }
}

class WebContentsViewImpl extends ViewImpl {
  constructor(opts = {}) {
    super();
    this.webContents = null; // set in INIT
    this[S].kind = 'WebContentsView';
    this[S].options = opts ?? {};
  }
  [INIT](opts = {}) {
    trackListeners(this, `view:${this[S].id}`);
    const given = opts?.webContents;
    const wc = given ?? createWebContents('browserView', opts?.webPreferences ?? {});
    this.webContents = wc;
    wc[S].view = this;
    record('view.created', { viewId: this[S].id, viewClass: 'WebContentsView', webContentsId: wc.id, options: opts ?? {} });
    if (!given) announceWebContents(wc, { viewId: this[S].id });
  }
}

const viewRef = (raw) => ({ $ref: 'view', id: raw[S].id });

function windowIdOfView(view) {
  let v = view;
  while (v[S].parent) v = v[S].parent;
  return v[S].window;
}

export const View = exportClass(ViewImpl, 'View', viewRef);
export const WebContentsView = exportClass(WebContentsViewImpl, 'WebContentsView', viewRef);

function makeContentView(windowId) {
  const v = Reflect.construct(ViewImpl, []);
  v[S].window = windowId;
  v[S].kind = 'contentView';
  const obj = strict(v, 'View');
  refs.set(obj, () => viewRef(v));
  trackListeners(obj, `view:${v[S].id}`);
  return obj;
}

// ================================================================ windows

/** @type {object[]} open windows, in creation order */
const windows = [];

class BaseWindowImpl extends Emitter {
  constructor(opts = {}) {
    super();
    requireReady('BrowserWindow');
    const o = opts ?? {};
    this.id = ++counters.window;
    this.contentView = null; // set in INIT
    this.webContents = null; // BrowserWindow only
    this[S] = {
      options: o,
      bounds: { x: o.x ?? 0, y: o.y ?? 0, width: o.width ?? 800, height: o.height ?? 600 },
      visible: o.show !== false,
      minimized: false,
      maximized: false,
      fullScreen: o.fullscreen === true,
      focused: false,
      destroyed: false,
      title: o.title ?? app.getName(),
      kind: 'BaseWindow',
      menuBarVisible: true,
      skipTaskbar: o.skipTaskbar === true,
      alwaysOnTop: o.alwaysOnTop === true,
    };
  }
  [INIT](opts = {}) {
    this.contentView = makeContentView(this.id);
    trackListeners(this, `window:${this.id}`);
    record('window.created', { windowId: this.id, windowClass: this[S].kind, contentViewId: this.contentView[S].id, options: opts ?? {} });
    this.openWindow();
  }
  openWindow() {
    windows.push(this);
    emitOn(app, 'app', 'browser-window-created', [this]);
    if (this[S].visible) this[S].focused = true;
  }
  call(method, args = []) {
    record('window.call', { windowId: this.id, method, args });
  }
  alive() {
    if (this[S].destroyed) throw new TypeError('Object has been destroyed');
  }
  emitWindow(name, args = []) {
    return emitOn(this, `window:${this.id}`, name, args);
  }

  // ---- visibility and state (each call recorded; events as Electron emits them)
  show() {
    this.alive();
    this.call('show');
    const was = this[S].visible;
    this[S].visible = true;
    if (!was) this.emitWindow('show');
    this.setFocused(true);
  }
  showInactive() {
    this.alive();
    this.call('showInactive');
    const was = this[S].visible;
    this[S].visible = true;
    if (!was) this.emitWindow('show');
  }
  hide() {
    this.alive();
    this.call('hide');
    const was = this[S].visible;
    this[S].visible = false;
    if (was) this.emitWindow('hide');
    this.setFocused(false);
  }
  minimize() {
    this.alive();
    this.call('minimize');
    if (!this[S].minimized) {
      this[S].minimized = true;
      this.emitWindow('minimize');
    }
    this.setFocused(false);
  }
  restore() {
    this.alive();
    this.call('restore');
    this[S].visible = true;
    if (this[S].minimized) {
      this[S].minimized = false;
      this.emitWindow('restore');
    }
  }
  maximize() {
    this.alive();
    this.call('maximize');
    this.becomeMaximized(true);
  }
  unmaximize() {
    this.alive();
    this.call('unmaximize');
    this.becomeMaximized(false);
  }
  /** Maximised: the bounds fill the work area of the window's display; the normal bounds are kept (getNormalBounds). */
  becomeMaximized(flag) {
    this[S].visible = true;
    if (this[S].maximized === flag) return;
    this[S].maximized = flag;
    if (flag) {
      this[S].normalBounds = { ...this[S].bounds };
      this[S].bounds = { ...screenImpl.getDisplayMatching(this[S].bounds).workArea };
    } else this[S].bounds = { ...(this[S].normalBounds ?? this[S].bounds) };
    this.emitWindow(flag ? 'maximize' : 'unmaximize');
    this.emitWindow('resize');
  }
  setFullScreen(flag) {
    this.alive();
    this.call('setFullScreen', [flag]);
    if (this[S].fullScreen !== flag) {
      this[S].fullScreen = flag;
      this.emitWindow(flag ? 'enter-full-screen' : 'leave-full-screen');
    }
  }
  focus() {
    this.alive();
    this.call('focus');
    this.setFocused(true);
  }
  blur() {
    this.alive();
    this.call('blur');
    this.setFocused(false);
  }
  setFocused(focused) {
    if (this[S].focused === focused) return;
    this[S].focused = focused;
    if (focused) for (const w of windows) if (w !== this && w[S].focused) w.setFocused(false);
    this.emitWindow(focused ? 'focus' : 'blur');
    emitOn(app, 'app', focused ? 'browser-window-focus' : 'browser-window-blur', [this]);
  }
  isVisible() {
    return this[S].visible;
  }
  isMinimized() {
    return this[S].minimized;
  }
  isMaximized() {
    return this[S].maximized;
  }
  isFullScreen() {
    return this[S].fullScreen;
  }
  isNormal() {
    return !this[S].minimized && !this[S].maximized && !this[S].fullScreen;
  }
  isFocused() {
    return this[S].focused;
  }
  isDestroyed() {
    return this[S].destroyed;
  }
  close() {
    if (this[S].destroyed) return;
    this.call('close');
    closeWindow(this);
  }
  destroy() {
    if (this[S].destroyed) return;
    this.call('destroy');
    destroyWindow(this);
  }

  // ---- geometry
  getBounds() {
    return { ...this[S].bounds };
  }
  setBounds(bounds, animate) {
    this.alive();
    this.call('setBounds', animate === undefined ? [bounds] : [bounds, animate]);
    this.changeBounds(bounds);
  }
  /** New bounds, with 'move' and / or 'resize' as Electron emits them (a maximised window is unmaximised first). */
  changeBounds(bounds) {
    if (this[S].maximized) this.becomeMaximized(false);
    const before = this[S].bounds;
    this[S].bounds = { ...before, ...bounds };
    if (this[S].bounds.x !== before.x || this[S].bounds.y !== before.y) this.emitWindow('move');
    if (this[S].bounds.width !== before.width || this[S].bounds.height !== before.height) this.emitWindow('resize');
  }
  getNormalBounds() {
    return { ...(this[S].maximized || this[S].fullScreen ? (this[S].normalBounds ?? this[S].bounds) : this[S].bounds) };
  }
  getContentBounds() {
    return { ...this[S].bounds };
  }
  setContentBounds(bounds) {
    this.setBounds(bounds);
  }
  getSize() {
    return [this[S].bounds.width, this[S].bounds.height];
  }
  setSize(width, height) {
    this.setBounds({ width, height });
  }
  getContentSize() {
    return this.getSize();
  }
  setContentSize(width, height) {
    this.setBounds({ width, height });
  }
  getPosition() {
    return [this[S].bounds.x, this[S].bounds.y];
  }
  setPosition(x, y) {
    this.setBounds({ x, y });
  }
  center() {
    this.call('center');
  }
  setMinimumSize(width, height) {
    this.call('setMinimumSize', [width, height]);
    this[S].minimumSize = [width, height];
  }
  getMinimumSize() {
    return this[S].minimumSize ?? [this[S].options.minWidth ?? 0, this[S].options.minHeight ?? 0];
  }

  // ---- decoration
  setTitle(title) {
    this.call('setTitle', [title]);
    this[S].title = title;
  }
  getTitle() {
    return this[S].title;
  }
  setOverlayIcon(overlay, description) {
    this.call('setOverlayIcon', [overlay, description]);
  }
  setIcon(icon) {
    this.call('setIcon', [icon]);
  }
  setProgressBar(progress, opts) {
    this.call('setProgressBar', opts === undefined ? [progress] : [progress, opts]);
  }
  flashFrame(flag) {
    this.call('flashFrame', [flag]);
  }
  setSkipTaskbar(skip) {
    this.call('setSkipTaskbar', [skip]);
    this[S].skipTaskbar = skip;
  }
  setAlwaysOnTop(flag, level) {
    this.call('setAlwaysOnTop', level === undefined ? [flag] : [flag, level]);
    this[S].alwaysOnTop = flag;
  }
  isAlwaysOnTop() {
    return this[S].alwaysOnTop;
  }
  setMenu(menu) {
    this.call('setMenu', [menu]);
  }
  removeMenu() {
    this.call('removeMenu');
  }
  setMenuBarVisibility(visible) {
    this.call('setMenuBarVisibility', [visible]);
    this[S].menuBarVisible = visible;
  }
  isMenuBarVisible() {
    return this[S].menuBarVisible;
  }
  setAutoHideMenuBar(hide) {
    this.call('setAutoHideMenuBar', [hide]);
  }
  setBackgroundColor(color) {
    this.call('setBackgroundColor', [color]);
  }
  setThumbarButtons(buttons) {
    this.call('setThumbarButtons', [buttons]);
    return true;
  }
  setAppDetails(details) {
    this.call('setAppDetails', [details]);
  }
  getNativeWindowHandle() {
    return Buffer.alloc(8);
  }
  getMediaSourceId() {
    return `window:${this.id}:0`;
  }
  getParentWindow() {
    return null;
  }
  getChildWindows() {
    return [];
  }
  setContentProtection(enable) {
    this.call('setContentProtection', [enable]);
  }
}

class BrowserWindowImpl extends BaseWindowImpl {
  constructor(opts = {}) {
    super(opts);
    this[S].kind = 'BrowserWindow';
  }
  [INIT](opts = {}) {
    const o = opts ?? {};
    const wc = createWebContents('window', o.webPreferences ?? {});
    this.webContents = wc;
    wc[S].window = this;
    this.contentView = makeContentView(this.id);
    trackListeners(this, `window:${this.id}`);
    record('window.created', { windowId: this.id, windowClass: 'BrowserWindow', webContentsId: wc.id, contentViewId: this.contentView[S].id, options: o });
    announceWebContents(wc, { windowId: this.id });
    this.openWindow();
  }
  loadURL(url, opts) {
    return this.webContents.loadURL(url, opts);
  }
  loadFile(filePath, opts) {
    return this.webContents.loadFile(filePath, opts);
  }
  reload() {
    this.webContents.reload();
  }
}

/** `close()`: a preventable 'close', then the window is destroyed. Returns whether it closed. */
function closeWindow(w) {
  if (w[S].destroyed) return true;
  if (w.emitWindow('close').defaultPrevented) return false;
  destroyWindow(w);
  return true;
}

function destroyWindow(w) {
  if (w[S].destroyed) return;
  w[S].destroyed = true;
  w[S].visible = false;
  w[S].focused = false;
  if (w.webContents) destroyWebContents(w.webContents);
  windows.splice(windows.indexOf(w), 1);
  record('window.closed', { windowId: w.id });
  emitOn(w, `window:${w.id}`, 'closed', [], { withEvent: false });
  if (windows.length === 0 && !app[S].quitting && !exiting) emitOn(app, 'app', 'window-all-closed', [], { withEvent: false });
}

const windowRef = (raw) => ({ $ref: 'window', id: raw.id });

BaseWindowImpl.getAllWindows = () => [...windows];
BaseWindowImpl.fromId = (id) => windows.find((w) => w.id === id) ?? null;
BaseWindowImpl.getFocusedWindow = () => windows.find((w) => w[S].focused) ?? null;
BrowserWindowImpl.getAllWindows = () => windows.filter((w) => w[S].kind === 'BrowserWindow');
BrowserWindowImpl.fromId = (id) => windows.find((w) => w.id === id && w[S].kind === 'BrowserWindow') ?? null;
BrowserWindowImpl.getFocusedWindow = () => windows.find((w) => w[S].focused && w[S].kind === 'BrowserWindow') ?? null;
/** The window owning the web contents: its own, or the one its view is attached to. */
BrowserWindowImpl.fromWebContents = (wc) => {
  if (!wc?.[S]) return null;
  const own = wc[S].window;
  if (own) return own[S].destroyed ? null : own;
  const view = wc[S].view;
  const id = view ? windowIdOfView(view) : null;
  return id === null ? null : BrowserWindowImpl.fromId(id);
};

export const BaseWindow = exportClass(BaseWindowImpl, 'BaseWindow', windowRef);
export const BrowserWindow = exportClass(BrowserWindowImpl, 'BrowserWindow', windowRef);

// ================================================================ Menu

let applicationMenu = null;

class MenuItemImpl {
  constructor(opts = {}) {
    const o = opts ?? {};
    const submenu = Array.isArray(o.submenu) ? MenuImpl.buildFromTemplate(o.submenu, { recorded: false }) : (o.submenu ?? null);
    this.id = o.id ?? '';
    this.label = o.label ?? '';
    this.sublabel = o.sublabel ?? '';
    this.toolTip = o.toolTip ?? '';
    this.role = o.role ?? undefined;
    this.type = o.type ?? (submenu ? 'submenu' : 'normal');
    this.submenu = submenu;
    this.click = typeof o.click === 'function' ? o.click : undefined;
    this.enabled = o.enabled ?? true;
    this.visible = o.visible ?? true;
    this.checked = o.checked ?? false;
    this.accelerator = o.accelerator ?? undefined;
    this.icon = o.icon ?? undefined;
    this.registerAccelerator = o.registerAccelerator ?? true;
    this.commandId = ++counters.menu;
    this.menu = null;
  }
}

class MenuImpl extends Emitter {
  constructor() {
    super();
    this.items = [];
    this[S] = { id: ++counters.menu, template: null };
  }
  [INIT]() {
    trackListeners(this, `menu:${this[S].id}`);
  }
  static buildFromTemplate(template, { recorded = true } = {}) {
    if (!Array.isArray(template)) throw new TypeError('Invalid template for Menu: Menu template must be an array');
    const menu = instantiate(MenuImpl, [], 'Menu', menuRef);
    menu[S].template = template;
    for (const item of template) menu.append(item instanceof MenuItemImpl ? item : newMenuItem(item));
    if (recorded) record('menu.build', { menuId: menu[S].id, template });
    return menu;
  }
  static setApplicationMenu(menu) {
    record('menu.setApplicationMenu', { menuId: menu ? menu[S].id : null, items: menu ? describeMenu(menu) : null });
    applicationMenu = menu;
  }
  static getApplicationMenu() {
    return applicationMenu;
  }
  static sendActionToFirstResponder(action) {
    record('menu.sendActionToFirstResponder', { action });
  }
  append(item) {
    this.items.push(item);
    item.menu = this;
  }
  insert(pos, item) {
    this.items.splice(pos, 0, item);
    item.menu = this;
  }
  getMenuItemById(id) {
    for (const item of this.items) {
      if (item.id === id) return item;
      const inner = item.submenu?.getMenuItemById(id);
      if (inner) return inner;
    }
    return null;
  }
  popup(opts) {
    record('menu.popup', { menuId: this[S].id, options: opts ?? {} });
  }
  closePopup(win) {
    record('menu.closePopup', { menuId: this[S].id, window: win ?? null });
  }
}

const menuRef = (raw) => ({ $ref: 'menu', id: raw[S].id });

function newMenuItem(opts) {
  return instantiate(MenuItemImpl, [opts], 'MenuItem', (raw) => ({ $ref: 'menuItem', label: raw.label, role: raw.role }));
}

/** A menu as plain data: label, role, type, enabled/visible/checked, accelerator, submenu. */
function describeMenu(menu) {
  return menu.items.map((i) => ({
    ...(i.id && { id: i.id }),
    ...(i.label && { label: i.label }),
    ...(i.role && { role: i.role }),
    type: i.type,
    enabled: i.enabled,
    visible: i.visible,
    ...(i.type === 'checkbox' || i.type === 'radio' ? { checked: i.checked } : {}),
    ...(i.accelerator && { accelerator: i.accelerator }),
    hasClick: typeof i.click === 'function',
    ...(i.submenu && { submenu: describeMenu(i.submenu) }),
  }));
}

export const Menu = exportClass(MenuImpl, 'Menu', menuRef);
export const MenuItem = exportClass(MenuItemImpl, 'MenuItem', (raw) => ({ $ref: 'menuItem', label: raw.label, role: raw.role }));

/** What a click on a role item does in the stand-in (Electron performs the role natively). */
function performRole(role, win) {
  const wc = win?.webContents;
  switch (String(role).toLowerCase()) {
    case 'quit':
      return app.quit();
    case 'reload':
      return wc?.reload();
    case 'forcereload':
      return wc?.reloadIgnoringCache();
    case 'toggledevtools':
      return wc?.toggleDevTools();
    case 'close':
      return win?.close();
    case 'minimize':
      return win?.minimize();
    case 'togglefullscreen':
      return win?.setFullScreen(!win.isFullScreen());
    default:
      record('menu.role', { role });
  }
}

// ================================================================ dialog, shell

const dialogState = { response: options.dialogResponse?.response ?? 0, checkboxChecked: options.dialogResponse?.checkboxChecked ?? false };

/** `dialog.x([window,] options)`: the window argument is optional. */
function dialogArgs(args) {
  const [first, second] = args;
  const isWindow = refs.get(first)?.().$ref === 'window';
  return isWindow ? { window: first, options: second ?? {} } : { window: null, options: first ?? {} };
}

export const dialog = strict(
  {
    showErrorBox(title, content) {
      record('dialog.showErrorBox', { title, content });
    },
    showMessageBox(...args) {
      const { window, options: o } = dialogArgs(args);
      record('dialog.showMessageBox', { window, options: o });
      return Promise.resolve({ response: dialogState.response, checkboxChecked: dialogState.checkboxChecked });
    },
    showMessageBoxSync(...args) {
      const { window, options: o } = dialogArgs(args);
      record('dialog.showMessageBoxSync', { window, options: o });
      return dialogState.response;
    },
    showOpenDialog(...args) {
      const { window, options: o } = dialogArgs(args);
      record('dialog.showOpenDialog', { window, options: o });
      return Promise.resolve({ canceled: true, filePaths: [] });
    },
    showOpenDialogSync(...args) {
      const { window, options: o } = dialogArgs(args);
      record('dialog.showOpenDialogSync', { window, options: o });
      return undefined;
    },
    showSaveDialog(...args) {
      const { window, options: o } = dialogArgs(args);
      record('dialog.showSaveDialog', { window, options: o });
      return Promise.resolve({ canceled: true, filePath: '' });
    },
    showSaveDialogSync(...args) {
      const { window, options: o } = dialogArgs(args);
      record('dialog.showSaveDialogSync', { window, options: o });
      return '';
    },
    showCertificateTrustDialog(...args) {
      const { window, options: o } = dialogArgs(args);
      record('dialog.showCertificateTrustDialog', { window, options: o });
      return Promise.resolve();
    },
  },
  'dialog',
);

export const shell = strict(
  {
    openExternal(url, opts) {
      record('shell.openExternal', { url, ...(opts !== undefined && { options: opts }) });
      return Promise.resolve();
    },
    openPath(path) {
      record('shell.openPath', { path });
      return Promise.resolve('');
    },
    showItemInFolder(fullPath) {
      record('shell.showItemInFolder', { path: fullPath });
    },
    trashItem(path) {
      record('shell.trashItem', { path });
      return Promise.resolve();
    },
    beep() {
      record('shell.beep', {});
    },
    writeShortcutLink(shortcutPath, operation, opts) {
      record('shell.writeShortcutLink', { path: shortcutPath, operation, options: opts });
      return true;
    },
  },
  'shell',
);

// ================================================================ nativeTheme, nativeImage

class NativeThemeImpl extends Emitter {
  constructor() {
    super();
    this[S] = { osDark: options.shouldUseDarkColors === true, source: 'system' };
  }
  [INIT]() {
    trackListeners(this, 'nativeTheme');
  }
  get shouldUseDarkColors() {
    return this[S].source === 'system' ? this[S].osDark : this[S].source === 'dark';
  }
  get themeSource() {
    return this[S].source;
  }
  set themeSource(value) {
    record('nativeTheme.set', { property: 'themeSource', value });
    const before = this.shouldUseDarkColors;
    this[S].source = value;
    if (before !== this.shouldUseDarkColors) emitOn(this, 'nativeTheme', 'updated', [], { withEvent: false });
  }
  get shouldUseHighContrastColors() {
    return false;
  }
  get shouldUseInvertedColorScheme() {
    return false;
  }
  get shouldUseDarkColorsForSystemIntegratedUI() {
    return this[S].osDark;
  }
  get inForcedColorsMode() {
    return false;
  }
  get prefersReducedTransparency() {
    return false;
  }
}

export const nativeTheme = instantiate(NativeThemeImpl, [], 'nativeTheme');

/** Width and height from a PNG header, or undefined. */
function pngSize(buffer) {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!buffer || buffer.length < 24 || sig.some((b, i) => buffer[i] !== b)) return undefined;
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

class NativeImageImpl {
  /** @param {{ source: string, path?: string, png?: Buffer, size: { width: number, height: number } }} init */
  constructor(init) {
    this.isMacTemplateImage = false;
    this[S] = { id: ++counters.image, ...init };
  }
  [INIT]() {
    const { id, source, path, size } = this[S];
    record('nativeImage.created', { imageId: id, source, ...(path !== undefined && { path }), size });
  }
  isEmpty() {
    return this[S].size.width === 0 || this[S].size.height === 0;
  }
  getSize() {
    return { ...this[S].size };
  }
  getAspectRatio() {
    return this.isEmpty() ? 1 : this[S].size.width / this[S].size.height;
  }
  getScaleFactors() {
    return this.isEmpty() ? [] : [1];
  }
  toPNG() {
    return this[S].png ? Buffer.from(this[S].png) : Buffer.alloc(0);
  }
  toJPEG() {
    return Buffer.alloc(0);
  }
  toBitmap() {
    return Buffer.alloc(this[S].size.width * this[S].size.height * 4);
  }
  toDataURL() {
    return `data:image/png;base64,${this.toPNG().toString('base64')}`;
  }
  resize(opts = {}) {
    const { width: w, height: h } = this[S].size;
    const width = opts.width ?? (opts.height && h ? Math.round((w * opts.height) / h) : w);
    const height = opts.height ?? (opts.width && w ? Math.round((h * opts.width) / w) : h);
    return makeImage({ source: 'resize', from: this[S].id, size: { width, height } });
  }
  crop(rect) {
    return makeImage({ source: 'crop', from: this[S].id, size: { width: rect.width, height: rect.height } });
  }
  setTemplateImage(flag) {
    this.isMacTemplateImage = flag;
  }
  isTemplateImage() {
    return this.isMacTemplateImage;
  }
  addRepresentation(opts) {
    record('nativeImage.addRepresentation', { imageId: this[S].id, scaleFactor: opts?.scaleFactor ?? 1 });
  }
}

function makeImage(init) {
  return instantiate(NativeImageImpl, [init], 'NativeImage', (raw) => ({ $ref: 'nativeImage', id: raw[S].id, source: raw[S].source, ...(raw[S].path !== undefined && { path: raw[S].path }), size: raw[S].size }));
}

const EMPTY = { width: 0, height: 0 };

export const nativeImage = strict(
  {
    createEmpty() {
      return makeImage({ source: 'empty', size: EMPTY });
    },
    /** PNG files are measured; any other file gives an empty image (the stand-in decodes nothing else). */
    createFromPath(path) {
      let png;
      try {
        png = readFileSync(path);
      } catch {
        png = undefined;
      }
      const size = pngSize(png);
      return makeImage({ source: 'path', path, ...(size && { png }), size: size ?? EMPTY });
    },
    createFromBuffer(buffer, opts) {
      const size = pngSize(buffer);
      if (size) return makeImage({ source: 'buffer', png: Buffer.from(buffer), size });
      return makeImage({ source: 'buffer', size: opts?.width && opts?.height ? { width: opts.width, height: opts.height } : EMPTY });
    },
    createFromBitmap(_buffer, opts) {
      return makeImage({ source: 'bitmap', size: { width: opts.width, height: opts.height } });
    },
    createFromDataURL(dataURL) {
      const m = /^data:image\/png;base64,(.*)$/.exec(String(dataURL));
      const png = m ? Buffer.from(m[1], 'base64') : undefined;
      const size = pngSize(png);
      return makeImage({ source: 'dataURL', ...(size && { png }), size: size ?? EMPTY });
    },
  },
  'nativeImage',
);

// ================================================================ Tray, Notification

class TrayImpl extends Emitter {
  constructor(image, guid) {
    super();
    requireReady('Tray');
    this[S] = { id: ++counters.tray, image, guid, destroyed: false, toolTip: '', title: '', contextMenu: null };
  }
  [INIT](image, guid) {
    trackListeners(this, `tray:${this[S].id}`);
    trays.push(this);
    record('tray.created', { trayId: this[S].id, image, ...(guid !== undefined && { guid }) });
  }
  call(method, args = []) {
    record('tray.call', { trayId: this[S].id, method, args });
  }
  setImage(image) {
    this.call('setImage', [image]);
    this[S].image = image;
  }
  setPressedImage(image) {
    this.call('setPressedImage', [image]);
  }
  setToolTip(toolTip) {
    this.call('setToolTip', [toolTip]);
    this[S].toolTip = toolTip;
  }
  setTitle(title) {
    this.call('setTitle', [title]);
    this[S].title = title;
  }
  getTitle() {
    return this[S].title;
  }
  setContextMenu(menu) {
    this.call('setContextMenu', [menu]);
    this[S].contextMenu = menu;
  }
  popUpContextMenu(menu, position) {
    this.call('popUpContextMenu', [menu, position]);
  }
  closeContextMenu() {
    this.call('closeContextMenu');
  }
  displayBalloon(opts) {
    this.call('displayBalloon', [opts]);
  }
  removeBalloon() {
    this.call('removeBalloon');
  }
  focus() {
    this.call('focus');
  }
  setIgnoreDoubleClickEvents(ignore) {
    this.call('setIgnoreDoubleClickEvents', [ignore]);
  }
  getBounds() {
    return { x: 0, y: 0, width: 22, height: 22 };
  }
  isDestroyed() {
    return this[S].destroyed;
  }
  destroy() {
    this.call('destroy');
    this[S].destroyed = true;
  }
}

/** @type {object[]} every tray created, in order */
const trays = [];
export const Tray = exportClass(TrayImpl, 'Tray', (raw) => ({ $ref: 'tray', id: raw[S].id }));

const notificationState = { supported: options.notificationsSupported !== false };

class NotificationImpl extends Emitter {
  constructor(opts = {}) {
    super();
    const o = opts ?? {};
    this.id = o.id ?? '';
    this.groupId = o.groupId ?? '';
    this.title = o.title ?? '';
    this.subtitle = o.subtitle ?? '';
    this.body = o.body ?? '';
    this.silent = o.silent ?? false;
    this.hasReply = o.hasReply ?? false;
    this.replyPlaceholder = o.replyPlaceholder ?? '';
    this.sound = o.sound ?? '';
    this.urgency = o.urgency ?? 'normal';
    this.timeoutType = o.timeoutType ?? 'default';
    this.actions = o.actions ?? [];
    this.closeButtonText = o.closeButtonText ?? '';
    this.toastXml = o.toastXml ?? '';
    this.icon = o.icon;
    this[S] = { id: ++counters.notification };
  }
  [INIT](opts = {}) {
    trackListeners(this, `notification:${this[S].id}`);
    notifications.push(this);
    record('notification.created', { notificationId: this[S].id, options: opts ?? {} });
  }
  static isSupported() {
    return notificationState.supported;
  }
  /** Shown: events ('show', 'click', 'close'...) come only when the harness emits them. */
  show() {
    record('notification.call', { notificationId: this[S].id, method: 'show' });
  }
  close() {
    record('notification.call', { notificationId: this[S].id, method: 'close' });
  }
}

/** @type {object[]} */
const notifications = [];
export const Notification = exportClass(NotificationImpl, 'Notification', (raw) => ({ $ref: 'notification', id: raw[S].id }));

// ================================================================ powerMonitor, screen, net, desktopCapturer

class PowerMonitorImpl extends Emitter {
  constructor() {
    super();
    this[S] = { idleTime: 0, locked: false, onBattery: false };
  }
  [INIT]() {
    trackListeners(this, 'powerMonitor');
  }
  getSystemIdleTime() {
    return this[S].idleTime;
  }
  getSystemIdleState(idleThreshold) {
    if (this[S].locked) return 'locked';
    return this[S].idleTime >= idleThreshold ? 'idle' : 'active';
  }
  isOnBatteryPower() {
    return this[S].onBattery;
  }
  get onBatteryPower() {
    return this[S].onBattery;
  }
  getCurrentThermalState() {
    return 'nominal';
  }
}

const powerMonitorImpl = instantiate(PowerMonitorImpl, [], 'powerMonitor');
export const powerMonitor = readyOnly(powerMonitorImpl, 'powerMonitor');

/** A full Display from a partial one ({ id, bounds, workArea?, scaleFactor? ... }). */
function display(d, i) {
  const bounds = { x: 0, y: 0, width: 1920, height: 1080, ...(d.bounds ?? {}) };
  const workArea = { ...bounds, ...(d.workArea ?? { height: Math.max(0, bounds.height - 40) }) };
  return {
    id: d.id ?? i + 1,
    label: d.label ?? `Display ${i + 1}`,
    bounds,
    workArea,
    size: { width: bounds.width, height: bounds.height },
    workAreaSize: { width: workArea.width, height: workArea.height },
    scaleFactor: d.scaleFactor ?? 1,
    rotation: d.rotation ?? 0,
    internal: d.internal ?? false,
    monochrome: false,
    accelerometerSupport: 'unknown',
    touchSupport: 'unknown',
    colorDepth: 24,
    colorSpace: '{primaries:BT709, transfer:SRGB, matrix:RGB, range:FULL}',
    depthPerComponent: 8,
    displayFrequency: d.displayFrequency ?? 60,
    detected: true,
    maximumCursorSize: { width: 64, height: 64 },
    nativeOrigin: { x: bounds.x, y: bounds.y },
  };
}

function overlap(a, b) {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

function distance(rect, p) {
  const dx = Math.max(rect.x - p.x, 0, p.x - (rect.x + rect.width));
  const dy = Math.max(rect.y - p.y, 0, p.y - (rect.y + rect.height));
  return Math.hypot(dx, dy);
}

class ScreenImpl extends Emitter {
  constructor() {
    super();
    this[S] = { displays: (options.displays ?? [{}]).map(display), cursor: { x: 0, y: 0 } };
  }
  [INIT]() {
    trackListeners(this, 'screen');
  }
  getAllDisplays() {
    return structuredCopy(this[S].displays);
  }
  getPrimaryDisplay() {
    return structuredCopy(this[S].displays[0]);
  }
  getDisplayNearestPoint(point) {
    const best = [...this[S].displays].sort((a, b) => distance(a.bounds, point) - distance(b.bounds, point))[0];
    return structuredCopy(best);
  }
  getDisplayMatching(rect) {
    const scored = this[S].displays.map((d) => ({ d, area: overlap(d.bounds, rect) }));
    const best = scored.sort((a, b) => b.area - a.area)[0];
    if (best && best.area > 0) return structuredCopy(best.d);
    return this.getDisplayNearestPoint({ x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 });
  }
  getCursorScreenPoint() {
    return { ...this[S].cursor };
  }
  dipToScreenPoint(p) {
    return { ...p };
  }
  screenToDipPoint(p) {
    return { ...p };
  }
}

function structuredCopy(value) {
  return value === undefined ? undefined : v8.deserialize(v8.serialize(value));
}

const screenImpl = instantiate(ScreenImpl, [], 'screen');
export const screen = readyOnly(screenImpl, 'screen');

const netState = { online: options.online !== false };

/**
 * `net.request`: recorded, and answered as a machine without network answers (the stand-in
 * has no network stack): after `end()`, an 'error' event with net::ERR_INTERNET_DISCONNECTED.
 */
class ClientRequestImpl extends Emitter {
  constructor(opts) {
    super();
    const o = typeof opts === 'string' ? { url: opts } : (opts ?? {});
    const url = o.url ?? `${o.protocol ?? 'http:'}//${o.hostname ?? o.host ?? 'localhost'}${o.port ? `:${o.port}` : ''}${o.path ?? '/'}`;
    this.chunkedEncoding = false;
    this[S] = { url, method: o.method ?? 'GET', headers: {}, ended: false, aborted: false };
  }
  [INIT]() {
    record('net.request', { url: this[S].url, method: this[S].method });
  }
  setHeader(name, value) {
    this[S].headers[String(name).toLowerCase()] = value;
  }
  getHeader(name) {
    return this[S].headers[String(name).toLowerCase()];
  }
  removeHeader(name) {
    delete this[S].headers[String(name).toLowerCase()];
  }
  write() {
    return true;
  }
  end() {
    if (this[S].ended) return this;
    this[S].ended = true;
    setImmediate(() => {
      if (!this[S].aborted) emitOn(this, 'clientRequest', 'error', [new Error('net::ERR_INTERNET_DISCONNECTED')], { withEvent: false });
    });
    return this;
  }
  abort() {
    this[S].aborted = true;
    emitOn(this, 'clientRequest', 'abort', [], { withEvent: false });
  }
  followRedirect() {}
  getUploadProgress() {
    return { active: false, started: false, current: 0, total: 0 };
  }
}

export const net = strict(
  {
    isOnline() {
      return netState.online;
    },
    get online() {
      return netState.online;
    },
    request(opts) {
      if (!ready) throw new Error('net.request can only be used when app is ready');
      return instantiate(ClientRequestImpl, [opts], 'ClientRequest');
    },
  },
  'net',
);

export const desktopCapturer = strict(
  {
    getSources(opts) {
      record('desktopCapturer.getSources', { options: opts });
      const sources = options.desktopSources ?? [{ id: 'screen:1:0', name: 'Entire screen', display_id: '1' }];
      return Promise.resolve(
        sources.map((s) => ({ appIcon: null, display_id: '', ...s, thumbnail: makeImage({ source: 'thumbnail', size: opts?.thumbnailSize ?? { width: 150, height: 150 } }) })),
      );
    },
  },
  'desktopCapturer',
);

// ================================================================ autoUpdater (Squirrel)

/**
 * Electron's own `autoUpdater` (Squirrel.Mac / Squirrel.Windows), which electron-updater's
 * MacUpdater drives: calls recorded, nothing downloaded; its events come only from the test.
 */
class AutoUpdaterImpl extends Emitter {
  constructor() {
    super();
    this[S] = { feedURL: '' };
  }
  [INIT]() {
    trackListeners(this, 'autoUpdater');
  }
  setFeedURL(opts) {
    record('autoUpdater.call', { method: 'setFeedURL', args: [opts] });
    this[S].feedURL = typeof opts === 'string' ? opts : (opts?.url ?? '');
  }
  getFeedURL() {
    return this[S].feedURL;
  }
  checkForUpdates() {
    record('autoUpdater.call', { method: 'checkForUpdates', args: [] });
  }
  quitAndInstall() {
    record('autoUpdater.call', { method: 'quitAndInstall', args: [] });
  }
}

export const autoUpdater = instantiate(AutoUpdaterImpl, [], 'autoUpdater');

// ================================================================ MessageChannelMain

class MessagePortMainImpl extends Emitter {
  constructor() {
    super();
    this[S] = { id: ++counters.port, other: null, started: false, closed: false, queue: [] };
  }
  [INIT]() {
    trackListeners(this, `port:${this[S].id}`);
  }
  postMessage(message, transfer = []) {
    if (this[S].closed) return;
    const other = this[S].other;
    if (!other || other[S].closed) return;
    other[S].queue.push({ data: structuredCopy(message), ports: transfer });
    if (other[S].started) setImmediate(() => deliver(other));
  }
  start() {
    this[S].started = true;
    setImmediate(() => deliver(this));
  }
  close() {
    if (this[S].closed) return;
    for (const p of [this, this[S].other]) {
      if (!p || p[S].closed) continue;
      p[S].closed = true;
      emitOn(p, `port:${p[S].id}`, 'close', [], { withEvent: false });
    }
  }
}

function deliver(port) {
  while (port[S].started && !port[S].closed && port[S].queue.length) {
    const { data, ports } = port[S].queue.shift();
    emitOn(port, `port:${port[S].id}`, 'message', [], { fields: { data, ports } });
  }
}

const portRef = (raw) => ({ $ref: 'port', id: raw[S].id });

class MessageChannelMainImpl {
  constructor() {
    this.port1 = instantiate(MessagePortMainImpl, [], 'MessagePortMain', portRef);
    this.port2 = instantiate(MessagePortMainImpl, [], 'MessagePortMain', portRef);
    this.port1[S].other = this.port2;
    this.port2[S].other = this.port1;
  }
  [INIT]() {
    record('messageChannel.created', { port1: this.port1[S].id, port2: this.port2[S].id });
  }
}

export const MessageChannelMain = exportClass(MessageChannelMainImpl, 'MessageChannelMain');

// ================================================================ what the stand-in does not implement

export const BrowserView = absentModule('BrowserView');
export const clipboard = absentModule('clipboard');
export const contentTracing = absentModule('contentTracing');
export const crashReporter = absentModule('crashReporter');
export const globalShortcut = absentModule('globalShortcut');
export const ImageView = absentModule('ImageView');
export const inAppPurchase = absentModule('inAppPurchase');
export const netLog = absentModule('netLog');
export const powerSaveBlocker = absentModule('powerSaveBlocker');
export const pushNotifications = absentModule('pushNotifications');
export const safeStorage = absentModule('safeStorage');
export const ServiceWorkerMain = absentModule('ServiceWorkerMain');
export const ShareMenu = absentModule('ShareMenu');
export const systemPreferences = absentModule('systemPreferences');
export const TouchBar = absentModule('TouchBar');
export const utilityProcess = absentModule('utilityProcess');
export const webFrameMain = absentModule('webFrameMain');

// ================================================================ control from the harness

function resolveRef(value) {
  if (Array.isArray(value)) return value.map(resolveRef);
  if (value === null || typeof value !== 'object') return value;
  switch (value.$ref) {
    case 'webContents':
      return webContentsById(value.id);
    case 'window':
      return windowById(value.id);
    case 'session':
      return sessionByLabel(value.session);
    case 'frame':
      // A frame of a web contents, as an IPC sender names one: `{ $ref: 'frame', webContentsId, url, isMainFrame, depth }` (its top frame, or one `depth` below it).
      return senderFrame(webContentsById(value.webContentsId), { url: value.url, isMainFrame: value.isMainFrame, depth: value.depth });
    case undefined:
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRef(v)]));
    default:
      throw new Error(`electron stand-in: cannot resolve a ${value.$ref} reference`);
  }
}

function windowById(id) {
  const w = [...windows].find((x) => x.id === id);
  if (!w) throw new Error(`electron stand-in: no open window ${id}`);
  return w;
}

/** App events Electron emits without an Event first. */
const APP_EVENTS_WITHOUT_EVENT = new Set(['window-all-closed', 'will-finish-launching', 'session-created']);
/** Web contents events Electron emits without an Event first. */
const WEB_CONTENTS_EVENTS_WITHOUT_EVENT = new Set(['destroyed', 'devtools-opened', 'devtools-closed', 'devtools-focused', 'dom-ready', 'did-stop-loading', 'did-start-loading', 'responsive', 'unresponsive', 'blur', 'focus', 'audio-state-changed']);

/**
 * A subframe at `depth` below the top frame (1: a child of the top frame); the frames in
 * between show about:blank. Frames the harness makes are not tracked by the web contents.
 */
function childFrame(wc, url, depth = 1) {
  let parent = wc.mainFrame;
  for (let i = 1; i < depth; i++) parent = makeFrame(wc, { url: 'about:blank', parent, routingId: ++wc[S].frameRoutingIds });
  return makeFrame(wc, { url, parent, routingId: ++wc[S].frameRoutingIds });
}

/** A subframe (on about:blank) below frames at `urls`, top-down (the first is a child of the top frame). */
function frameBelow(wc, urls) {
  let parent = wc.mainFrame;
  for (const url of urls) parent = makeFrame(wc, { url, parent, routingId: ++wc[S].frameRoutingIds });
  return makeFrame(wc, { url: 'about:blank', parent, routingId: ++wc[S].frameRoutingIds });
}

/**
 * The frame an IPC message comes from, as the harness describes it: `{ url, isMainFrame, depth }`.
 * A top frame on the web contents' own URL is its `mainFrame`; on another URL, a top frame at
 * that URL (the web contents' `getURL()` does not change: emit did-navigate for that).
 */
function senderFrame(wc, frame = {}) {
  const isMainFrame = frame.isMainFrame !== false;
  const url = frame.url ?? wc.getURL();
  if (isMainFrame && url === wc.getURL()) return wc.mainFrame;
  if (isMainFrame) return makeFrame(wc, { url, parent: null, routingId: 1 });
  return childFrame(wc, url, frame.depth ?? 1);
}

function ipcEventFields(sender) {
  const wc = webContentsById(sender.webContentsId);
  const frame = senderFrame(wc, sender.frame);
  return { wc, frame, fields: { type: 'frame', sender: wc, senderFrame: frame, processId: sender.processId ?? wc.getProcessId(), frameId: sender.frameId ?? frame.routingId } };
}

function describeWebContents(wc) {
  return {
    id: wc.id,
    type: wc[S].type,
    url: wc[S].url,
    destroyed: wc[S].destroyed,
    session: wc.session[S].label,
    webPreferences: wc[S].webPreferences,
    windowId: wc[S].window?.id ?? null,
    viewId: wc[S].view ? wc[S].view[S].id : null,
    listeners: listenerCounts(wc),
    hasWindowOpenHandler: typeof wc[S].windowOpenHandler === 'function',
    devToolsOpened: wc[S].devToolsOpened,
    ipc: { handlers: [...wc.ipc[S].handlers.keys()], listeners: listenerCounts(wc.ipc) },
  };
}

function describeView(v) {
  return { id: v[S].id, viewClass: v[S].kind, webContentsId: 'webContents' in v ? v.webContents.id : null, parentViewId: v[S].parent ? v[S].parent[S].id : null, windowId: windowIdOfView(v), bounds: v[S].bounds, visible: v[S].visible, children: v[S].children.map((c) => c[S].id), options: v[S].options ?? null, listeners: listenerCounts(v) };
}

const allViews = () => {
  const out = [];
  const walk = (v) => {
    out.push(v);
    v[S].children.forEach(walk);
  };
  for (const w of windows) walk(w.contentView);
  return out;
};

function state() {
  return {
    ready,
    app: {
      listeners: listenerCounts(app),
      paths: Object.fromEntries(app[S].paths),
      hasSingleInstanceLock: app[S].hasLock,
      protocolClients: Object.fromEntries(app[S].protocolClients),
      badgeCount: app[S].badgeCount,
      loginItem: app[S].loginItem,
      commandLineSwitches: Object.fromEntries(app.commandLine[S].switches),
    },
    windows: windows.map((w) => ({
      id: w.id,
      windowClass: w[S].kind,
      webContentsId: w.webContents?.id ?? null,
      contentViewId: w.contentView[S].id,
      options: w[S].options,
      visible: w[S].visible,
      minimized: w[S].minimized,
      maximized: w[S].maximized,
      fullScreen: w[S].fullScreen,
      focused: w[S].focused,
      bounds: w[S].bounds,
      title: w[S].title,
      listeners: listenerCounts(w),
    })),
    views: allViews().map(describeView),
    webContents: allWebContents.map(describeWebContents),
    sessions: [...sessions.values()].map((s) => ({
      session: s[S].label,
      handlers: Object.fromEntries(HANDLER_KINDS.map((k) => [k, typeof s[S].handlers[k] === 'function'])),
      protocols: [...s.protocol[S].handlers.keys()],
      userAgent: s[S].userAgent,
      listeners: listenerCounts(s),
    })),
    privilegedSchemes,
    ipcMain: { handlers: [...ipcMain[S].handlers.keys()], listeners: listenerCounts(ipcMain) },
    applicationMenu: applicationMenu ? describeMenu(applicationMenu) : null,
    nativeTheme: { themeSource: nativeTheme.themeSource, shouldUseDarkColors: nativeTheme.shouldUseDarkColors },
    notifications: notifications.map((n) => ({ id: n[S].id, title: n.title, body: n.body, listeners: listenerCounts(n) })),
    trays: trays.map((t) => ({ id: t[S].id, destroyed: t[S].destroyed, image: serialise(t[S].image) ?? null, toolTip: t[S].toolTip, title: t[S].title, contextMenu: t[S].contextMenu ? describeMenu(t[S].contextMenu) : null, listeners: listenerCounts(t) })),
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`electron stand-in: ${what} did not answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

function findMenuItem(menu, path) {
  let items = menu?.items ?? [];
  let found = null;
  for (const name of path) {
    found = items.find((i) => i.label === name || i.role === name) ?? null;
    if (!found) return null;
    items = found.submenu?.items ?? [];
  }
  return found;
}

/** The requests the harness can make (`{ t: 'request', id, op, params }`). */
const ops = {
  ping: () => 'pong',
  records: () => records,
  state,

  emitApp({ event, args = [], launchInfo }) {
    if (event === 'ready') return strip(emitReady(launchInfo ?? {}));
    return strip(emitOn(app, 'app', event, resolveRef(args), { withEvent: !APP_EVENTS_WITHOUT_EVENT.has(event) }));
  },

  /** Any other object's event: target 'webContents' | 'window' | 'session' | 'view' | 'nativeTheme' | 'powerMonitor' | 'screen' | 'notification' | 'tray' | 'ipcMain'. */
  emit({ target, id, session: label, event, args = [], fields = {}, withEvent }) {
    const emitter = emitterOf(target, id, label);
    const resolved = resolveRef(args);
    const defaultWithEvent = target === 'webContents' ? !WEB_CONTENTS_EVENTS_WITHOUT_EVENT.has(event) : target !== 'nativeTheme';
    if (target === 'webContents') beforeWebContentsEvent(emitter, event, fields, resolved);
    return strip(emitOn(emitter, `${target}${id !== undefined ? `:${id}` : label !== undefined ? `:${label}` : ''}`, event, resolved, { withEvent: withEvent ?? defaultWithEvent, fields: resolveRef(fields) }));
  },

  /** will-navigate / will-frame-navigate / will-redirect / did-start-navigation with Electron's event shape. */
  navigate({ webContentsId, event = 'will-navigate', url, isMainFrame = true, depth = 1, isSameDocument = false, ancestors }) {
    const wc = webContentsById(webContentsId);
    // The frame that navigates (it still shows its current document; a subframe's is about:blank here).
    const frame = isMainFrame ? wc.mainFrame : ancestors ? frameBelow(wc, ancestors) : childFrame(wc, 'about:blank', depth);
    const fields = { url, isMainFrame, isSameDocument, frame, initiator: null };
    // The deprecated positional arguments follow the event, as in Electron 45.
    const args = event === 'will-frame-navigate' ? [] : [url, event === 'will-redirect' ? isSameDocument : false, isMainFrame, wc.getProcessId(), frame.routingId];
    return strip(emitOn(wc, `webContents:${wc.id}`, event, args, { fields }));
  },

  async invoke({ channel, sender, args = [] }) {
    const { wc, frame, fields } = ipcEventFields(sender);
    const targets = [frame.ipc, wc.ipc, ipcMain];
    const target = targets.find((t) => t[S].handlers.has(channel));
    record('ipc.invoke', { channel, webContentsId: wc.id, frameUrl: frame.url, isMainFrame: frame.parent === null, handled: target !== undefined });
    if (!target) throw new Error(`No handler registered for '${channel}'`);
    const event = makeEvent(fields, `ipc:${channel}`, channel);
    const result = await target[S].handlers.get(channel)(event, ...structuredCopy(args));
    assertCloneable(result);
    return result;
  },

  sendIpc({ channel, sender, args = [] }) {
    const { wc, frame, fields } = ipcEventFields(sender);
    const event = makeEvent(
      {
        ...fields,
        ports: [],
        returnValue: undefined,
        reply: (replyChannel, ...replyArgs) => {
          assertCloneable(replyArgs);
          record('ipc.reply', { webContentsId: wc.id, routingId: frame.routingId, channel: replyChannel, args: replyArgs });
        },
      },
      `ipc:${channel}`,
      channel,
    );
    const copied = structuredCopy(args);
    let listenerCount = 0;
    for (const t of [frame.ipc, wc.ipc, ipcMain]) {
      listenerCount += t.listenerCount(channel);
      try {
        t.emit(channel, event, ...copied);
      } catch (e) {
        reportUncaught(e, `ipcMain listener of '${channel}'`);
      }
    }
    record('ipc.message', { channel, webContentsId: wc.id, frameUrl: frame.url, isMainFrame: frame.parent === null, listenerCount });
    return { listenerCount, returnValue: serialise(event.returnValue) ?? null };
  },

  windowOpen({ webContentsId, url, frameName = '', features = '', disposition = 'foreground-tab', referrer = { url: '', policy: 'strict-origin-when-cross-origin' }, postBody }) {
    const wc = webContentsById(webContentsId);
    const handler = wc[S].windowOpenHandler;
    record('webContents.windowOpen', { webContentsId, url, handled: typeof handler === 'function' });
    if (typeof handler !== 'function') return null; // Electron: no handler, the window opens
    return handler({ url, frameName, features, disposition, referrer, ...(postBody !== undefined && { postBody }) });
  },

  async permissionRequest({ session: label, webContentsId, permission, details = {}, timeoutMs = 5000 }) {
    const s = sessionByLabel(label);
    const wc = webContentsId === undefined ? null : webContentsById(webContentsId);
    const handler = s[S].handlers.permissionRequest;
    const full = { requestingUrl: wc?.getURL() ?? '', isMainFrame: true, ...details };
    // Electron grants every permission when no handler is set.
    const granted = typeof handler === 'function' ? await withTimeout(new Promise((done) => handler(wc, permission, (g) => done(g === true), full)), timeoutMs, 'the permission request handler') : true;
    record('session.permissionRequest', { session: s[S].label, permission, requestingUrl: full.requestingUrl, handled: typeof handler === 'function', granted });
    return granted;
  },

  permissionCheck({ session: label, webContentsId, permission, requestingOrigin, details = {} }) {
    const s = sessionByLabel(label);
    const wc = webContentsId === undefined || webContentsId === null ? null : webContentsById(webContentsId);
    const handler = s[S].handlers.permissionCheck;
    const origin = requestingOrigin ?? originOf(details.requestingUrl);
    const full = { isMainFrame: true, ...details };
    const granted = typeof handler === 'function' ? handler(wc, permission, origin, full) === true : true;
    record('session.permissionCheck', { session: s[S].label, permission, requestingOrigin: origin, handled: typeof handler === 'function', granted });
    return granted;
  },

  devicePermission({ session: label, details }) {
    const s = sessionByLabel(label);
    const handler = s[S].handlers.devicePermission;
    const granted = typeof handler === 'function' ? handler(details) === true : null;
    record('session.devicePermission', { session: s[S].label, deviceType: details?.deviceType, handled: typeof handler === 'function', granted });
    return granted;
  },

  async certificateVerify({ session: label, request, timeoutMs = 5000 }) {
    const s = sessionByLabel(label);
    const proc = s[S].handlers.certificateVerifyProc;
    const certificate = { data: '', issuer: {}, issuerName: '', issuerCert: null, subject: {}, subjectName: '', serialNumber: '', validStart: 0, validExpiry: 0, fingerprint: '', ...(request.certificate ?? {}) };
    const full = { verificationResult: 'net::OK', errorCode: 0, isIssuedByKnownRoot: true, ...request, certificate, validatedCertificate: request.validatedCertificate ?? certificate };
    // -3: Chromium's own verification result, what Electron uses without a proc.
    const result = typeof proc === 'function' ? await withTimeout(new Promise((done) => proc(full, done)), timeoutMs, 'the certificate verify proc') : -3;
    record('session.certificateVerify', { session: s[S].label, hostname: full.hostname, handled: typeof proc === 'function', result });
    return result;
  },

  async displayMediaRequest({ session: label, webContentsId, request = {}, timeoutMs = 5000 }) {
    const s = sessionByLabel(label);
    const handler = s[S].handlers.displayMediaRequest;
    const wc = webContentsId === undefined ? null : webContentsById(webContentsId);
    const full = { frame: wc?.mainFrame ?? null, securityOrigin: wc ? originOf(wc.getURL()) : '', videoRequested: true, audioRequested: false, userGesture: true, ...request };
    if (typeof handler !== 'function') return { handled: false, streams: null };
    const streams = await withTimeout(new Promise((done) => handler(full, done)), timeoutMs, 'the display media request handler');
    return { handled: true, streams: serialise(streams) ?? null };
  },

  async protocolRequest({ session: label, url, method = 'GET', headers = {}, body }) {
    const s = sessionByLabel(label);
    const scheme = new URL(url).protocol.slice(0, -1);
    const handler = s.protocol[S].handlers.get(scheme);
    record('protocol.request', { session: s[S].label, url, method, handled: handler !== undefined });
    if (!handler) throw new Error(`net::ERR_UNKNOWN_URL_SCHEME (${scheme})`);
    const request = new globalThis.Request(url, { method, headers, ...(body !== undefined && { body }) });
    const response = await handler(request);
    if (!(response instanceof globalThis.Response)) throw new Error('net::ERR_FAILED (the handler did not return a Response)');
    return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  },

  /** A web contents Electron creates without the shell asking (a popup, a <webview> guest, DevTools). */
  createWebContents({ type = 'remote', webPreferences = {} }) {
    const wc = createWebContents(type, resolveRef(webPreferences));
    announceWebContents(wc, { byHarness: true });
    return wc.id;
  },

  fromPartition({ partition }) {
    return session.fromPartition(partition)[S].label;
  },

  /** What the user or the OS does to a window (not recorded as a call of the shell). */
  windowAction({ windowId, action, bounds }) {
    const w = windowById(windowId);
    record('window.userAction', { windowId, action, ...(bounds !== undefined && { bounds }) });
    switch (action) {
      case 'minimize':
        w[S].minimized = true;
        w.emitWindow('minimize');
        return w.setFocused(false);
      case 'restore':
        w[S].minimized = false;
        return w.emitWindow('restore');
      case 'hide':
        w[S].visible = false;
        w.emitWindow('hide');
        return w.setFocused(false);
      case 'show':
        w[S].visible = true;
        return w.emitWindow('show');
      case 'focus':
        return w.setFocused(true);
      case 'blur':
        return w.setFocused(false);
      case 'close':
        return closeWindow(w);
      case 'maximize':
        return w.becomeMaximized(true);
      case 'unmaximize':
        return w.becomeMaximized(false);
      case 'moveTo':
        // The user drags or resizes the window to these bounds.
        if (!bounds) throw new Error('electron stand-in: moveTo needs bounds');
        return w.changeBounds(bounds);
      default:
        throw new Error(`electron stand-in: unknown window action ${action}`);
    }
  },

  /** A click on an item of a tray's context menu (by labels), as the OS delivers it. */
  clickTrayMenuItem({ trayId, path }) {
    const tray = trays.find((t) => t[S].id === trayId);
    if (!tray) throw new Error(`electron stand-in: no tray ${trayId}`);
    if (tray[S].destroyed) throw new Error(`electron stand-in: tray ${trayId} is destroyed`);
    const item = findMenuItem(tray[S].contextMenu, path);
    if (!item) throw new Error(`electron stand-in: no item ${path.join(' > ')} in the context menu of tray ${trayId}`);
    record('menu.click', { path, trayId });
    if (!item.enabled) return false; // the OS does not deliver clicks on disabled items
    // Electron checks a radio item (and unchecks its siblings) before calling its click.
    if (item.type === 'radio') for (const sibling of item.menu?.items ?? []) if (sibling.type === 'radio') sibling.checked = sibling === item;
    if (item.type === 'checkbox') item.checked = !item.checked;
    if (item.click) item.click(item, undefined, { shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, triggeredByAccelerator: false });
    else if (item.role) performRole(item.role, BrowserWindowImpl.getFocusedWindow() ?? undefined);
    return true;
  },

  clickMenuItem({ path, windowId }) {
    const item = findMenuItem(applicationMenu, path);
    if (!item) throw new Error(`electron stand-in: no menu item ${path.join(' > ')} in the application menu`);
    record('menu.click', { path });
    const win = windowId !== undefined ? windowById(windowId) : BrowserWindowImpl.getFocusedWindow();
    if (item.click) item.click(item, win ?? undefined, { shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, triggeredByAccelerator: false });
    else if (item.role) performRole(item.role, win);
    return true;
  },

  setDialogResponse({ response = 0, checkboxChecked = false }) {
    dialogState.response = response;
    dialogState.checkboxChecked = checkboxChecked;
  },
  setDisplays({ displays }) {
    const before = screenImpl[S].displays;
    const after = displays.map(display);
    screenImpl[S].displays = after;
    if (!ready) return;
    for (const d of after) if (!before.some((b) => b.id === d.id)) emitOn(screenImpl, 'screen', 'display-added', [d]);
    for (const b of before) if (!after.some((d) => d.id === b.id)) emitOn(screenImpl, 'screen', 'display-removed', [b]);
    for (const d of after) {
      const b = before.find((x) => x.id === d.id);
      if (!b) continue;
      const changed = ['bounds', 'workArea', 'scaleFactor', 'rotation'].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(d[k]));
      if (changed.length) emitOn(screenImpl, 'screen', 'display-metrics-changed', [d, changed]);
    }
  },
  setNativeTheme({ shouldUseDarkColors }) {
    const before = nativeTheme.shouldUseDarkColors;
    nativeTheme[S].osDark = shouldUseDarkColors;
    if (before !== nativeTheme.shouldUseDarkColors) emitOn(nativeTheme, 'nativeTheme', 'updated', [], { withEvent: false });
  },
  setIdle({ idleTime, locked }) {
    if (idleTime !== undefined) powerMonitorImpl[S].idleTime = idleTime;
    if (locked !== undefined) powerMonitorImpl[S].locked = locked;
  },
  setOnBattery({ onBattery }) {
    powerMonitorImpl[S].onBattery = onBattery;
  },
  setOnline({ online }) {
    netState.online = online;
  },
  /** A stand-in figure for the renderer process of a web contents, in KB, as `app.getAppMetrics()` will report it. */
  setProcessMemory({ webContentsId, workingSetKB }) {
    webContentsById(webContentsId)[S].workingSetKB = workingSetKB;
  },
  setNotificationsSupported({ supported }) {
    notificationState.supported = supported;
  },
  quit() {
    app.quit();
  },
};

/** did-finish-load / did-fail-load settle loadURL's promise; did-navigate commits the URL. */
function beforeWebContentsEvent(wc, event, fields, args) {
  if (event === 'did-finish-load') settleLoads(wc);
  if (event === 'did-fail-load') settleLoads(wc, new Error(`${args[1] ?? 'ERR_FAILED'} (${args[0] ?? -2}) loading '${args[2] ?? wc[S].url}'`));
  if (event === 'did-navigate' && typeof args[0] === 'string') wc[S].url = args[0];
  if (event === 'did-navigate-in-page' && typeof args[0] === 'string' && args[1] !== false) wc[S].url = args[0];
  if (event === 'page-title-updated' && typeof args[0] === 'string') wc[S].title = args[0];
}

function emitterOf(target, id, label) {
  switch (target) {
    case 'app':
      return app;
    case 'webContents':
      return webContentsById(id);
    case 'window':
      return windowById(id);
    case 'session':
      return sessionByLabel(label);
    case 'view': {
      const v = allViews().find((x) => x[S].id === id);
      if (!v) throw new Error(`electron stand-in: no attached view ${id}`);
      return v;
    }
    case 'nativeTheme':
      return nativeTheme;
    case 'powerMonitor':
      return powerMonitorImpl;
    case 'screen':
      return screenImpl;
    case 'notification': {
      const n = notifications.find((x) => x[S].id === id);
      if (!n) throw new Error(`electron stand-in: no notification ${id}`);
      return n;
    }
    case 'tray': {
      const t = trays.find((x) => x[S].id === id);
      if (!t) throw new Error(`electron stand-in: no tray ${id}`);
      return t;
    }
    case 'ipcMain':
      return ipcMain;
    default:
      throw new Error(`electron stand-in: cannot emit on ${target}`);
  }
}

/** The serialisable part of an emit result. */
function strip({ listenerCount, defaultPrevented, threw }) {
  return { listenerCount, defaultPrevented, ...(threw !== undefined && { threw }) };
}

if (typeof process.send === 'function') {
  process.on('message', (message) => {
    if (message?.t !== 'request') return;
    const { id, op, params } = message;
    Promise.resolve()
      .then(() => {
        const fn = ops[op];
        if (!fn) throw new Error(`electron stand-in: unknown request ${op}`);
        return fn(params ?? {});
      })
      .then(
        (value) => post({ t: 'response', id, ok: true, value: serialise(value) ?? null }),
        (e) => post({ t: 'response', id, ok: false, error: String(e?.message ?? e), stack: String(e?.stack ?? '') }),
      );
  });
  // The test process went away: so do we (Electron has no parent to lose, we must not linger).
  process.on('disconnect', () => process.exit(0));
  // The main script's top level runs synchronously right after this module: then we are booted.
  setImmediate(() => post({ t: 'booted', pid: process.pid, platform: process.platform, argv: process.argv }));
}

const electronApi = {
  app,
  autoUpdater,
  BaseWindow,
  BrowserView,
  BrowserWindow,
  clipboard,
  contentTracing,
  crashReporter,
  desktopCapturer,
  dialog,
  globalShortcut,
  ImageView,
  inAppPurchase,
  ipcMain,
  Menu,
  MenuItem,
  MessageChannelMain,
  nativeImage,
  nativeTheme,
  net,
  netLog,
  Notification,
  powerMonitor,
  powerSaveBlocker,
  protocol,
  pushNotifications,
  safeStorage,
  screen,
  ServiceWorkerMain,
  session,
  ShareMenu,
  shell,
  systemPreferences,
  TouchBar,
  Tray,
  utilityProcess,
  View,
  webContents,
  WebContentsView,
  webFrameMain,
};

// `require('electron')` (electron.cjs) gives the same object, as in Electron's main process.
globalThis[Symbol.for('myapps.electron-stand-in')] = electronApi;

export default electronApi;
