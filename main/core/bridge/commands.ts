/**
 * Commands from the UI to the core, one definition each. The core validates every command
 * it receives (security control 6): the UI is trusted code, but a bridge is an attack
 * surface (a compromised renderer, a foreign frame, a local process on the web shell's port).
 */
import { ValidationError, array, boolean, literal, number, object, optional, record, string, unknownValue, type Infer, type Schema } from '../protocol/validate.js';

const text = (max: number): Schema<string> => ({
  parse(v, path) {
    const s = string.parse(v, path);
    if (s.length > max) throw new ValidationError(path, `longer than ${max} characters`);
    return s;
  },
});

/** A list of at most `max` entries (a list the UI reads from the browser, so bounded). */
const upTo = <T>(max: number, item: Schema<T>): Schema<T[]> => ({
  parse(v, path) {
    const list = array(item).parse(v, path);
    if (list.length > max) throw new ValidationError(path, `more than ${max} entries`);
    return list;
  },
});

/** A length or offset in CSS pixels of the main window. */
const pixels: Schema<number> = {
  parse(v, path) {
    const n = number.parse(v, path);
    if (n < 0 || n > 100_000) throw new ValidationError(path, 'out of range (0 to 100000)');
    return Math.round(n);
  },
};

/** A position or length in screen pixels (a window's place; left of or above the primary display is negative). */
const screenPixels = (min: number): Schema<number> => ({
  parse(v, path) {
    const n = number.parse(v, path);
    if (!Number.isFinite(n) || n < min || n > 100_000) throw new ValidationError(path, `out of range (${min} to 100000)`);
    return Math.round(n);
  },
});

const appPermission = literal('microphone', 'camera', 'screen');

export const commandSchemas = {
  /** The whole UI state; the UI asks on start and after a bridge reconnect. */
  getSnapshot: object({ type: literal('getSnapshot') }),
  /** Log in: saves the account (PBX + user), then a user login with the password. */
  login: object({ type: literal('login'), pbx: text(2048), username: text(256), password: text(1024), stayLoggedIn: boolean }),
  /**
   * Single sign-on (OAuth2): saves the PBX, then the sign-in in the browser. The connection goes
   * to `awaiting-sign-in` with the identity provider's page; the account's user is the one the PBX signs in.
   */
  loginOAuth2: object({ type: literal('loginOAuth2'), pbx: text(2048), stayLoggedIn: boolean }),
  /** Which login methods the PBX at `pbx` offers, after the IT policy. Value: `LoginMethodsView`. */
  loginMethods: object({ type: literal('loginMethods'), pbx: text(2048) }),
  /** Stop a login in progress (connecting, waiting for 2FA or the sign-in, reconnecting). */
  cancelLogin: object({ type: literal('cancelLogin') }),
  logout: object({ type: literal('logout') }),
  /** Trust the certificate the PBX presented (by its SHA-256 fingerprint) for the account being logged in to. */
  trustCertificate: object({ type: literal('trustCertificate'), pbx: text(2048), username: text(256), fingerprint: text(128) }),
  /**
   * The user name and password for the proxy that asked (connection `proxy-auth-required`),
   * kept in memory for this run only. Value `{ resumed }`: true, the stored session is being
   * resumed; false, send `login` again (the password is needed).
   */
  proxyCredentials: object({ type: literal('proxyCredentials'), proxy: text(300), username: text(256), password: text(1024) }),
  setPresence: object({ type: literal('setPresence'), activity: literal('', 'away', 'busy', 'dnd'), note: text(512) }),
  /** Replace the home-screen selection (app links), saved at the PBX with SetApps. */
  setHome: object({ type: literal('setHome'), links: array(text(1024)) }),
  authorizeSession: object({ type: literal('authorizeSession'), id: text(128) }),
  deleteSession: object({ type: literal('deleteSession'), id: text(128) }),
  /** Change user settings; `null` clears a choice (back to the policy/built-in default). */
  updateSettings: object({ type: literal('updateSettings'), patch: record(unknownValue) }),
  /** Open an app by app link (`name?args`) and bring it to the front; started on first open, not at login. Value: `{ viewId }`. */
  openApp: object({ type: literal('openApp'), link: text(1024) }),
  closeApp: object({ type: literal('closeApp'), viewId: text(128) }),
  /** Bring a running app to the front; without `viewId`, show the home screen (apps keep running). */
  showApp: object({ type: literal('showApp'), viewId: optional(text(128)) }),
  /** Load the app again (e.g. after it failed). */
  reloadApp: object({ type: literal('reloadApp'), viewId: text(128) }),
  /** Unload a running app's view now to free its memory (as when idle; the same apps stay loaded). */
  unloadApp: object({ type: literal('unloadApp'), viewId: text(128) }),
  /** The user opened or closed the app's own menu with our menu button (`RunningApp.menu`); the app gets `SetMenuState`. */
  setAppMenu: object({ type: literal('setAppMenu'), viewId: text(128), open: boolean }),
  /**
   * Show the app in a window of its own (`RunningApp.poppedOut`); for an app that is already, bring that
   * window to the front. The browser shell's UI opens the window first, the desktop shell makes it.
   */
  popOutApp: object({ type: literal('popOutApp'), viewId: text(128) }),
  /** Bring a popped-out app back into the main window (as closing its window does). */
  dockApp: object({ type: literal('dockApp'), viewId: text(128) }),
  /** Browser shell: where the app's own window is now, remembered for its App Object (the desktop shell reports its windows itself). */
  savePopOutBounds: object({ type: literal('savePopOutBounds'), viewId: text(128), bounds: object({ x: screenPixels(-100_000), y: screenPixels(-100_000), width: screenPixels(1), height: screenPixels(1) }) }),
  /** The memory of the running app views; value: `AppMemoryView`. */
  getAppMemory: object({ type: literal('getAppMemory') }),
  /** The user clicked a notification (or one of its buttons). */
  notificationClicked: object({ type: literal('notificationClicked'), id: text(128), action: literal('', 'accept', 'reject', 'reply'), replyText: optional(text(4096)) }),
  dismissNotification: object({ type: literal('dismissNotification'), id: text(128) }),
  dismissNotice: object({ type: literal('dismissNotice'), id: text(128) }),
  /**
   * Electron (`shell.appViews === 'native'`): where the placeholder for the app in front is now.
   * Absent bounds: no app view may be seen (no app in front, or a dialog, menu or toast of the UI over it).
   */
  placeAppView: object({ type: literal('placeAppView'), bounds: optional(object({ x: pixels, y: pixels, width: pixels, height: pixels })) }),
  /** Developer mode with app DevTools allowed: the app's DevTools. Value `{ opened }`: false = the UI explains how (browser shell). */
  openAppDevTools: object({ type: literal('openAppDevTools'), viewId: text(128) }),
  /** The user's answer to a permission prompt; remembered for the App Object. */
  answerPermission: object({ type: literal('answerPermission'), id: text(128), allow: boolean }),
  /** The user asks to let a running app use these (browser shell: the page cannot see an app's request itself). */
  requestAppPermission: object({ type: literal('requestAppPermission'), viewId: text(128), permissions: array(appPermission) }),
  /** Forget the user's answer for an App Object (Settings): the app asks again next time. */
  resetAppPermission: object({ type: literal('resetAppPermission'), app: text(256), permission: appPermission }),
  /**
   * A link to follow: `tel:`, `sip:`, `callto:` (a call through a phone app) or `myapps://app/<name>`.
   * Links that come before login (or before the app list) wait and are followed then.
   */
  followLink: object({ type: literal('followLink'), link: text(2048) }),
  /** The user's choice in a provider prompt; no `provider`: cancelled. `remember`: the default for that API from now on. */
  answerProviderPrompt: object({ type: literal('answerProviderPrompt'), id: text(128), provider: optional(text(256)), remember: boolean }),
  /** Forget the user's default provider for an API (Settings). */
  resetDefaultProvider: object({ type: literal('resetDefaultProvider'), api: text(256) }),
  /** The button of a notice ("Call now"). */
  noticeAction: object({ type: literal('noticeAction'), id: text(128) }),
  /**
   * The home screen's search, as it settled (the user paused typing): the core searches contacts
   * at every `com.innovaphone.search` app and streams them as `contactSearch`. Shorter than two
   * characters (or empty, when the search is left) ends the search.
   */
  searchContacts: object({ type: literal('searchContacts'), query: text(256) }),
  /** Call, chat with or open a contact of the search shown now (`ContactView.id`). */
  contactAction: object({ type: literal('contactAction'), id: text(600), action: literal('call', 'chat', 'open') }),
  checkForUpdates: object({ type: literal('checkForUpdates') }),
  /** Quit and install the downloaded update. */
  installUpdate: object({ type: literal('installUpdate') }),
  /** Browser shell: the user has been idle (or is back); the desktop build reports this itself. */
  setUserActivity: object({ type: literal('setUserActivity'), inactive: boolean }),
  /** The network came back (browser `online`): reconnect now rather than after the backoff. */
  networkChanged: object({ type: literal('networkChanged') }),
  /**
   * What the OS prefers, which only the UI can see: used where settings say "auto" / "follow system".
   * `languages`: most preferred first (`navigator.languages`), resolved by `resolveLanguage` as the UI does.
   */
  setSystemPreferences: object({ type: literal('setSystemPreferences'), languages: upTo(16, text(35)), dark: boolean }),
  /**
   * The message inspector (developer mode; refused when it is off or IT locks it off): a panel
   * opens, with an id of the UI's own (opening again counts once). The core records while any
   * panel is open and streams new entries as `inspector` events. Value: `{ entries }`, what the
   * core kept so far (InspectorEntry[], oldest first).
   */
  inspectorOpen: object({ type: literal('inspectorOpen'), panel: text(64) }),
  /** The panel closed: with the last one the core stops recording. */
  inspectorClose: object({ type: literal('inspectorClose'), panel: text(64) }),
  /** Forget what the inspector kept. */
  inspectorClear: object({ type: literal('inspectorClear') }),
} satisfies Record<string, Schema<{ type: string }>>;

export type CommandType = keyof typeof commandSchemas;
export type Command = { [K in CommandType]: Infer<(typeof commandSchemas)[K]> }[CommandType];
export type CommandOf<K extends CommandType> = Infer<(typeof commandSchemas)[K]>;

export type CommandResult<T = unknown> = { ok: true; value?: T } | { ok: false; error: string; details?: string[] };

