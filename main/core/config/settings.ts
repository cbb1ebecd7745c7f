/**
 * The user's settings file model (`settings.json` in the user config dir), its validation and
 * its defaults. Reading and writing the file is `settings-store.ts`.
 *
 * No secret is ever stored here (security control 11): passwords are used for one login and
 * dropped, session credentials live in the OS keychain. The schema has no field for them and
 * rejects unknown keys inside accounts, so a stray `password` cannot be written or kept even
 * by mistake — a file that has one is repaired (the key dropped, the original backed up).
 */
import { type Infer, array, boolean, literal, number, optional, record, string } from '../protocol/validate.js';
import { type Report, entries, fields, items, whole } from './lenient.js';
import { dict } from '../bridge/records.js';
import { accountId, fingerprint, pattern, pbxAddress, plainText, strictObject, wholeNumber } from './schemas.js';

export const SETTINGS_VERSION = 1;

export const accountSchema = strictObject(
  {
    id: accountId,
    /** The PBX host or URL as the user typed it. */
    address: pbxAddress,
    username: plainText(256),
    label: optional(plainText(256)),
    /** The one certificate the user chose to trust for this PBX (control 10), `AB:CD:…`. */
    trustedFingerprint: optional(fingerprint),
  },
  'unknown key; accounts hold no passwords or other secrets (those live in the OS keychain only)',
);
export type Account = Infer<typeof accountSchema>;

/** An App Object name as the PBX sends it; used for per-app settings and policy lists. */
export const appObjectName = plainText(256);

export const cachedAppSchema = strictObject({
  name: appObjectName,
  title: string,
  text: optional(string),
  url: string,
  website: optional(boolean),
  icon: optional(string),
  hidden: optional(boolean),
});
export type CachedApp = Infer<typeof cachedAppSchema>;

/** Per App Object: which of microphone, camera and screen capture it may use (security control 16). */
export const permissionStatesSchema = strictObject(
  {
    microphone: optional(literal('granted', 'denied')),
    camera: optional(literal('granted', 'denied')),
    screen: optional(literal('granted', 'denied')),
  },
  'unknown permission (expected microphone, camera or screen)',
);
export type PermissionStates = Infer<typeof permissionStatesSchema>;

/** Where the main window was on one display (Electron): restored there, or moved onto a display that exists. */
export const windowBoundsSchema = strictObject({ x: number, y: number, width: number, height: number, maximized: boolean });
export type WindowBounds = Infer<typeof windowBoundsSchema>;

/** What the desktop shell remembers between runs (no secrets, nothing the user chooses). */
export const shellStateSchema = strictObject({
  /** Per display (the shell's key for a display: its bounds), the window there. */
  windows: optional(record(windowBoundsSchema)),
  /** The user was told once that closing the window keeps myApps running in the tray. */
  trayHintShown: optional(boolean),
});
export type ShellState = Infer<typeof shellStateSchema>;

/**
 * Where an app's own window (popped out of the main window) was: its outer position and size in
 * screen pixels, per App Object. Whole numbers in a range no screen arrangement leaves; whether
 * the place is on a display that exists is the shell's check when it opens the window.
 */
export const popOutBoundsSchema = strictObject({ x: wholeNumber(-100_000, 100_000), y: wholeNumber(-100_000, 100_000), width: wholeNumber(1, 100_000), height: wholeNumber(1, 100_000) });
export type PopOutBounds = Infer<typeof popOutBoundsSchema>;

/** The home screen as last seen, so the client can show it before the PBX answers. */
export const homeLayoutSchema = strictObject({ apps: array(cachedAppSchema), selected: string, savedAt: number });
export type HomeLayout = Infer<typeof homeLayoutSchema>;

/** Minutes in the background before an idle app view is unloaded: 0 (never) up to a week. */
export const MAX_UNLOAD_IDLE_MINUTES = 10_080;
export const unloadIdleMinutes = wholeNumber(0, MAX_UNLOAD_IDLE_MINUTES);

/** The UI's and the apps' language: "auto" (follow the OS) or a two-letter code; a user setting and a policy key. */
export const languageSetting = pattern(/^(?:auto|[a-z]{2})$/, '"auto" or a two-letter language code');

export const userSettingFields = {
  language: whole(languageSetting),
  scheme: whole(literal('light', 'dark', 'system')),
  startMinimized: whole(boolean),
  /** A call link asks the phone app to prepare the call (PrepareCall) instead of dialling at once (StartCall). */
  confirmCalls: whole(boolean),
  autostart: whole(boolean),
  developerMode: whole(boolean),
  appDevTools: whole(boolean),
  updateChannel: whole(literal('stable', 'beta')),
  /** An app view in the background this long is unloaded to free its memory (0: never); IT may set or enforce it. */
  unloadIdleAppsAfterMinutes: whole(unloadIdleMinutes),
  /** Apps whose notifications the user muted, by App Object name. */
  mutedApps: items(appObjectName),
};

export interface UserSettings {
  language: string;
  scheme: 'light' | 'dark' | 'system';
  startMinimized: boolean;
  confirmCalls: boolean;
  autostart: boolean;
  developerMode: boolean;
  appDevTools: boolean;
  updateChannel: 'stable' | 'beta';
  unloadIdleAppsAfterMinutes: number;
  mutedApps: string[];
}

export const defaultUserSettings: Readonly<UserSettings> = Object.freeze({
  language: 'auto',
  scheme: 'system',
  startMinimized: false,
  confirmCalls: false,
  autostart: false,
  developerMode: false,
  appDevTools: false,
  updateChannel: 'stable',
  unloadIdleAppsAfterMinutes: 30,
  mutedApps: [],
});

export interface SettingsFile {
  version: typeof SETTINGS_VERSION;
  accounts: Account[];
  activeAccount?: string;
  /**
   * Only what the user chose. An absent key follows the IT policy's default, then the
   * built-in default — storing every default would make policy defaults unreachable.
   */
  settings: Partial<UserSettings>;
  homeLayoutCache: Record<string, HomeLayout>;
  /** The user's answers to permission prompts, per App Object (forgotten one by one in Settings). */
  appPermissions: Record<string, PermissionStates>;
  /**
   * Keychain entries (account names, no secrets) a logout could not remove — a locked keychain
   * answers "nothing there" — to be removed at the next start.
   */
  pendingKeychainWipes: string[];
  /** The user's default provider per Client API (`com.innovaphone.phone` → `softphone`). */
  defaultProviders: Record<string, string>;
  shellState: ShellState;
  /** Where each app's own window was (pop-out windows), by App Object name: a null-prototype object (`__proto__` is a valid name). */
  popOutWindows: Record<string, PopOutBounds>;
}

export function emptySettingsFile(): SettingsFile {
  return { version: SETTINGS_VERSION, accounts: [], settings: {}, homeLayoutCache: {}, appPermissions: {}, pendingKeychainWipes: [], defaultProviders: {}, shellState: {}, popOutWindows: dict() };
}

const fileFields = fields({
  accounts: items(accountSchema, (a) => a.id),
  activeAccount: whole(accountId),
  settings: fields(userSettingFields),
  homeLayoutCache: entries(accountId, homeLayoutSchema),
  appPermissions: entries(appObjectName, permissionStatesSchema),
  pendingKeychainWipes: items(plainText(4096), (a) => a),
  defaultProviders: entries(plainText(256), appObjectName),
  shellState: whole(shellStateSchema),
  popOutWindows: entries(appObjectName, popOutBoundsSchema),
});

/**
 * A current-version file parsed member by member: whatever is valid is kept, each invalid
 * part is reported with its path and left at its default. `version` is checked by the caller.
 */
export function parseSettingsFile(raw: Record<string, unknown>, report: Report): SettingsFile {
  const { version: _version, ...members } = raw;
  const parsed = fileFields(members, '', report) ?? {};
  const file = emptySettingsFile();
  file.accounts = parsed.accounts ?? [];
  if (parsed.activeAccount !== undefined) {
    if (file.accounts.some((a) => a.id === parsed.activeAccount)) file.activeAccount = parsed.activeAccount;
    else report('activeAccount', 'names no saved account');
  }
  file.settings = parsed.settings ?? {};
  file.homeLayoutCache = parsed.homeLayoutCache ?? {};
  file.appPermissions = parsed.appPermissions ?? {};
  file.pendingKeychainWipes = parsed.pendingKeychainWipes ?? [];
  file.defaultProviders = parsed.defaultProviders ?? {};
  file.shellState = parsed.shellState ?? {};
  // Each bad entry was reported on its own (lenient.ts `entries`); the others are kept, keyed without a prototype.
  file.popOutWindows = dict(Object.entries(parsed.popOutWindows ?? {}));
  return file;
}
