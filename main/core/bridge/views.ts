/**
 * What the UI sees: plain, serialisable data the core derives from the PBX session, the
 * configuration and the app catalog. No secret is ever part of a view (architecture rule 4).
 */
import type { EffectiveKey, EffectiveValues, Source } from '../config/effective.js';
import type { UserSettings } from '../config/settings.js';
import type { SessionErrorReason, SessionState } from '../pbx/state.js';

export type { SessionErrorReason, SessionState as ConnectionView };

export interface AccountView {
  id: string;
  address: string;
  username: string;
  label?: string;
  trustedFingerprint?: string;
}

/** What the login screen needs before anyone typed anything. */
export interface LoginView {
  /** Prefilled PBX address (policy default, command line, or the last account). */
  pbx?: string;
  username?: string;
  /** The PBX address is enforced by the IT policy: show it read-only, with a lock. */
  pbxLocked: boolean;
  /** Human-readable hint when a user-name pattern is enforced. */
  usernamePattern?: string;
  /** A keychain is available, so "stay logged in" can keep the session across restarts. */
  canStayLoggedIn: boolean;
  /** The IT policy allows only this login method (`loginMethod`): the other is not offered. */
  loginMethod?: 'digest' | 'oauth2';
}

/** What the login screen offers for one PBX (`loginMethods` command): its `LoginInfoResult`, after the IT policy. */
export interface LoginMethodsView {
  /** User name and password. */
  digest: boolean;
  /** "Sign in with <oauth2Name>" (single sign-on in the browser). */
  oauth2: boolean;
  oauth2Name: string;
  /** False: the PBX did not say (unreachable, or older than 13r3); the password login is offered. */
  answered: boolean;
}

export interface UserView {
  sip?: string;
  dn?: string;
  num?: string;
  email?: string;
  domain?: string;
}

/** One app the user may open, as a tile. URLs are absolute and checked (http/https only). */
export interface Tile {
  name: string;
  title: string;
  /** Description, shown as the tooltip. */
  text: string;
  /** App URL without `.htm` (the app page is `url + ".htm"`; plain websites open `url` itself). */
  url: string;
  /** Icon URL (`url + ".png"` or the App Object's icon); absent for plain websites. */
  iconUrl?: string;
  website: boolean;
}

/** One entry of the user's home screen: an app link `name?args#d=label&s=sip`. */
export interface HomeLink {
  /** The link exactly as stored at the PBX. */
  link: string;
  app: string;
  /** `?args` part without the `?`. */
  args: string;
  /** `#d=` label, if any. */
  label?: string;
  /** `#s=` SIP name whose presence the tile shows. */
  presenceSip?: string;
}

export interface AppsView {
  tiles: Tile[];
  home: HomeLink[];
  /** From the cache of the last session (offline start / reconnecting), not yet confirmed by the PBX. */
  fromCache: boolean;
}

export type Activity = '' | 'away' | 'busy' | 'dnd';

export interface OwnPresenceView {
  activity: Activity;
  note: string;
}

export interface ContactPresence {
  sip: string;
  /** Presence of the `tel:` contact: '' (available), away, busy, dnd, or what the PBX sent. */
  activity: string;
  /** `open` (reachable) or `closed`; empty when unknown. */
  status: string;
  /** Note without hashtags. */
  note: string;
  up: boolean;
}

export interface SessionItem {
  id: string;
  current: boolean;
  userAgent: string;
  /** ms since epoch, 0 when unknown. */
  timestamp: number;
  needsAuthorization: boolean;
  code?: string;
}

export interface SettingsView {
  /** The values in force. */
  values: EffectiveValues;
  /** Keys enforced by the IT policy: shown with a lock, changes refused. */
  locked: EffectiveKey[];
  sources: Record<EffectiveKey, Source>;
  /** Per-app notification mute. */
  mutedApps: UserSettings['mutedApps'];
  /** Where the policy came from (for the lock tooltip). */
  policySource?: string;
  /** Remembered permission answers and IT decisions, per App Object. */
  appPermissions: AppPermissionEntry[];
  /** Default providers per API (the user's choice or IT's). */
  defaultProviders: DefaultProviderEntry[];
}

/**
 * What a web page cannot use without a yes from the user or IT, per App Object (security
 * control 16): microphone and camera (`getUserMedia`) and screen capture (`getDisplayMedia`).
 */
export type AppPermission = 'microphone' | 'camera' | 'screen';
export const appPermissionNames: readonly AppPermission[] = ['microphone', 'camera', 'screen'];

/** The user is asked, naming the app; the answer is remembered per App Object. */
export interface PermissionPrompt {
  id: string;
  /** App Object name. */
  app: string;
  title: string;
  permissions: AppPermission[];
}

/** A remembered answer or an IT decision, listed in Settings (revocable unless locked). */
export interface AppPermissionEntry {
  app: string;
  permission: AppPermission;
  state: 'granted' | 'denied';
  /** Decided by the IT policy: shown with a lock, not revocable. */
  locked: boolean;
}

/** How the shell hosting the UI puts apps on screen; the UI adapts, it never detects the shell itself. */
export interface ShellView {
  /**
   * `frames`: the UI frames each app's app-frame page (browser shell). `native`: the UI draws a
   * placeholder and reports its bounds (`placeAppView`); the shell places its own app view there (Electron).
   */
  appViews: 'frames' | 'native';
  /** `open`: the shell opens an app's DevTools itself; `instructions`: the UI explains how (browser). */
  appDevTools: 'open' | 'instructions';
  /**
   * `shell`: the shell opens the single sign-on page in the system browser itself (Electron).
   * Absent: the UI opens it in a new tab or window (the browser shell: that browser is the system's).
   */
  signInPage?: 'shell';
}

/** Where the UI's placeholder for the app in front is, in CSS pixels of the main window. */
export type AppViewBounds = {
  x: number;
  y: number;
  width: number;
  height: number;
};

/** One running app (an app view). */
export interface RunningApp {
  /** The view's identity, minted by the core; the app-frame page is bound to it. */
  viewId: string;
  /** App Object name. */
  name: string;
  title: string;
  iconUrl?: string;
  website: boolean;
  /** Hidden API provider started on demand: runs without a tab. */
  hidden: boolean;
  /**
   * `unloaded`: idle in the background too long, its view was destroyed to free memory; its entry
   * stays, and showing it loads it again (with the state it saved).
   */
  state: 'starting' | 'alive' | 'failed' | 'unloaded';
  /** Why it failed, for the "failed" state with a retry button. */
  error?: string;
  /** Badge the app set with `Action SetBadge`, or from presence. */
  badge?: string;
  /**
   * Bumped when the app's page must be created anew (a Retry while no app-frame page is
   * attached): the UI re-creates the frame, Electron reloads the view.
   */
  frameEpoch: number;
  /** What the app may use now (granted by the user or IT). */
  granted: AppPermission[];
  /**
   * The app has a menu of its own (it announced one with `SetMenuState`), open or closed: the UI
   * shows a menu button for it, and a click tells the app (`setAppMenu`).
   */
  menu?: 'open' | 'closed';
  /**
   * The app is in a window of its own (popped out of the main window); the main window shows
   * a placeholder for it. Closing that window docks it back.
   */
  poppedOut: boolean;
  /**
   * Browser shell only: the app is saving its state (`PrepareReload`) before it moves, `out` to
   * its own window or `in` to the main window, where it then loads again.
   */
  moving?: 'out' | 'in';
  /** Where this App Object's own window was last (outer position and size, screen pixels). */
  popOutBounds?: PopOutBounds;
}

/** A window's place on the screens: outer position and size in screen pixels (may be negative left of or above the primary display). */
export type PopOutBounds = {
  x: number;
  y: number;
  width: number;
  height: number;
};

/** The memory of the running app views (command `getAppMemory`), as the shell can measure it. */
export interface AppMemoryView {
  /**
   * False where the shell cannot measure per app (the browser shell: the browser keeps per-frame
   * memory to itself unless the page is cross-origin isolated, which the apps' own servers would
   * have to allow); then no figures are given, rather than invented ones.
   */
  measured: boolean;
  apps: AppMemoryEntry[];
  /** The sum over the apps, in bytes (measured only). */
  totalBytes?: number;
}

export interface AppMemoryEntry {
  viewId: string;
  name: string;
  title: string;
  hidden: boolean;
  state: RunningApp['state'];
  /** Bytes the app's view uses (its processes' working set), when measured; absent while unloaded. */
  bytes?: number;
}

/** A notification an app asked for (`com.innovaphone.launcher` AddLocalNotification). */
export interface AppNotification {
  id: string;
  viewId: string;
  app: string;
  title: string;
  text: string;
  /** `AddLocalNotification.type`: a call offers accept/reject, a chat message a reply. */
  type: 'Default' | 'PhoneCall' | 'ChatMessage';
  /** Button labels the app gave (or defaults), for the kinds that have buttons. */
  acceptTitle?: string;
  rejectTitle?: string;
  replyTitle?: string;
  /** The app's icon for it (http(s) only), if any. */
  iconUrl?: string;
  /** Shown by the OS as well (false while the user is in do-not-disturb: listed in the window only). */
  popup: boolean;
}

/**
 * A status page an app asked to show while it is in the background (`ShowStatusInfo`, e.g. the
 * Phone app's call). `url` is absolute, http(s), on the app's own origin (apps/status-infos.ts);
 * the UI frames it through the status-frame page (status-frame.ts), never directly.
 */
export interface StatusInfoView {
  /** The app showing it: its view (the strip hides it while that view is in front). */
  viewId: string;
  /** App Object name. */
  app: string;
  title: string;
  /** The app's id for it (any string, `__proto__` included). */
  id: string;
  url: string;
}

export interface Notice {
  id: string;
  severity: 'info' | 'warning' | 'error';
  text: string;
  /** A button on the notice ("Call now"); pressing it sends `noticeAction{id}`. */
  actionLabel?: string;
}

/**
 * Several apps could do it (two phone apps for a call link, two search providers): the user
 * picks one by title, once, and may keep it as the default for that API.
 */
export interface ProviderPrompt {
  id: string;
  /** The Client API, e.g. `com.innovaphone.phone`. */
  api: string;
  /**
   * What it is for, in words for the dialog: "Call +49 30 1234", or the `title` an app gave its
   * request; empty when the app gave none (the dialog then names the app).
   */
  purpose: string;
  providers: { name: string; title: string }[];
  /** The title of the app whose request waits for the answer (none for the client's own, e.g. a call link). */
  consumer?: string;
}

/** A default provider per API: the user's choice or IT's (locked). */
export interface DefaultProviderEntry {
  api: string;
  provider: string;
  /** Enforced by IT. */
  locked: boolean;
  /** Where it comes from: only the user's own choice can be forgotten. */
  source: 'enforced' | 'user' | 'policy-default';
}

/**
 * The contact search of the home screen (Ctrl+K): what the `com.innovaphone.search` providers
 * found for `query` so far, merged and ranked by the core (apps/contact-search.ts), replaced
 * whole as results arrive.
 */
export interface ContactSearchView {
  /** The query these results are for, as the core searched it (trimmed). */
  query: string;
  /** Providers asked. */
  providers: number;
  /** Providers that finished: sent `SearchResult`, failed, or did not finish in time. */
  done: number;
  /** Of `done`, those that did not finish in time. */
  timedOut: number;
  /** Best first; a contact that arrives later goes below those that rank as well. */
  contacts: ContactView[];
  /** Results were left out: a provider or the whole search gave more than the client takes. */
  limited: boolean;
  /** An app that starts chats (`com.innovaphone.chat`) is there: contacts with a SIP name offer Chat. */
  chat: boolean;
}

/** One contact, merged from every provider that found it (same guid or same SIP name). */
export interface ContactView {
  /** Stable within one search: the key actions name (`contactAction`). */
  id: string;
  dn: string;
  sip?: string;
  num?: string;
  email?: string;
  /** The contact's picture (`SearchInfo.photourl`), absolute, http(s) only. */
  photoUrl?: string;
  /** Call offered: the SIP name or number is one the click-to-dial path takes. */
  canCall: boolean;
  /** Open offered: the provider's app link names an app of the user's that can be opened. */
  canOpen: boolean;
  /** The titles of the apps that found it. */
  from: string[];
}

/** Updates of the desktop build (the browser shell has none: `unsupported`). */
export interface UpdatesView {
  state: 'unsupported' | 'disabled' | 'idle' | 'checking' | 'up-to-date' | 'available' | 'downloading' | 'ready' | 'error';
  /** Why updates are off (`disabled`: IT policy; an MSI installation, updated by IT) or what failed. */
  detail?: string;
  /** The version found or downloaded. */
  version?: string;
  channel: 'stable' | 'beta';
  /** The PBX announces a client build newer than this one (`CheckBuildResult`). */
  pbxAnnounces?: { version: string; build: string };
}

/** Everything the UI shows, at once; events update parts of it. */
export interface Snapshot {
  connection: SessionState;
  login: LoginView;
  account?: AccountView;
  user?: UserView;
  /**
   * The URL of the user's own profile picture from the `com.innovaphone.avatar` provider
   * (apps/avatar.ts); a new one after `UpdateProfile`. None: no provider, the UI shows initials.
   */
  ownAvatar?: string;
  apps?: AppsView;
  /** Badge text per app name (from presence `#badge:n` or the app itself). */
  badges: Record<string, string>;
  /** Presence per SIP name, for tiles with `#s=`. */
  presence: Record<string, ContactPresence>;
  ownPresence: OwnPresenceView;
  sessions: SessionItem[];
  settings: SettingsView;
  notices: Notice[];
  /** Running apps, in the order they were opened (hidden providers included, flagged). */
  runningApps: RunningApp[];
  /** The app view in front; undefined = the home screen. */
  activeApp?: string;
  /** Notifications of apps that are not muted. */
  notifications: AppNotification[];
  /** Status pages of apps (`ShowStatusInfo`), in the order first shown; the UI shows those whose app is not in front. */
  statusInfos: StatusInfoView[];
  /** Apps waiting for the user's answer to a permission request. */
  permissionPrompts: PermissionPrompt[];
  /** Choices of which app handles something (a call link, a request without provider). */
  providerPrompts: ProviderPrompt[];
  /** The sum of the running apps' and tiles' numeric badges (tray, dock, taskbar, window title). */
  badgeTotal: number;
  updates: UpdatesView;
  /** The home screen's contact search, while one runs (a query of at least 2 characters). */
  contactSearch?: ContactSearchView;
  shell: ShellView;
}
