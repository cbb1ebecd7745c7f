/**
 * The values the client runs with, and where each came from. Every key is resolved on its
 * own by this precedence (lists are taken whole, never merged across levels):
 *
 *   enforced policy > command line > user settings > policy defaults > built-in defaults
 *
 * IT's enforced values beat everything; a flag is an explicit choice for one run; the
 * user's saved choice beats IT's suggested default; built-in defaults come last.
 */
import type { CommandLineOptions } from './command-line.js';
import { type Policy, type SecurityKey, compileUsernamePattern } from './policy.js';
import { type Account, type UserSettings, defaultUserSettings } from './settings.js';

/** The values resolved key by key through the precedence levels. */
export interface ResolvedValues {
  pbx: string | undefined;
  username: string | undefined;
  usernamePattern: string | undefined;
  developerMode: boolean;
  appDevTools: boolean;
  autostart: boolean;
  startMinimized: boolean;
  updateChannel: 'stable' | 'beta';
  /** Automatic updates of the desktop build (IT may turn them off). */
  updates: boolean;
  /** Where updates come from (a generic update server); built in unless IT names one. */
  updateFeed: string | undefined;
  /** A call link prepares the call in the phone app (PrepareCall) instead of dialling at once. */
  confirmCalls: boolean;
  /** Minutes an app view may stay in the background before it is unloaded (0: never). */
  unloadIdleAppsAfterMinutes: number;
  language: string;
  scheme: 'light' | 'dark' | 'system';
  allowedApps: string[];
  blockedApps: string[];
  certificateFingerprints: string[];
}

export interface EffectiveValues extends ResolvedValues {
  /**
   * The enforced `allowedApps` or `blockedApps` could not be read and failed closed: no app may
   * run (`appAllowed`). A flag of its own, because an empty `allowedApps` means "every app".
   */
  appsBlockedByPolicyError: boolean;
  /** The enforced `usernamePattern` could not be read and failed closed: no user name is allowed (`usernameAllowed`). */
  usernamesBlockedByPolicyError: boolean;
}

export type EffectiveKey = keyof ResolvedValues;
export type Source = 'enforced' | 'command-line' | 'user' | 'policy-default' | 'built-in';

export const effectiveKeys: readonly EffectiveKey[] = [
  'pbx',
  'username',
  'usernamePattern',
  'developerMode',
  'appDevTools',
  'autostart',
  'startMinimized',
  'updateChannel',
  'updates',
  'updateFeed',
  'confirmCalls',
  'unloadIdleAppsAfterMinutes',
  'language',
  'scheme',
  'allowedApps',
  'blockedApps',
  'certificateFingerprints',
];

export const builtInDefaults: Readonly<EffectiveValues> = Object.freeze({
  pbx: undefined,
  username: undefined,
  usernamePattern: undefined,
  developerMode: defaultUserSettings.developerMode,
  appDevTools: defaultUserSettings.appDevTools,
  autostart: defaultUserSettings.autostart,
  startMinimized: defaultUserSettings.startMinimized,
  updateChannel: defaultUserSettings.updateChannel,
  updates: true,
  updateFeed: undefined,
  confirmCalls: defaultUserSettings.confirmCalls,
  unloadIdleAppsAfterMinutes: defaultUserSettings.unloadIdleAppsAfterMinutes,
  language: defaultUserSettings.language,
  scheme: defaultUserSettings.scheme,
  allowedApps: [],
  blockedApps: [],
  certificateFingerprints: [],
  appsBlockedByPolicyError: false,
  usernamesBlockedByPolicyError: false,
});

/**
 * What an enforced security key that could not be read applies instead, locked (with the two
 * flags above for user names and apps). docs/it-deployment.md lists the same.
 */
export const failClosedValues: Readonly<Pick<ResolvedValues, SecurityKey>> = Object.freeze({
  developerMode: false,
  appDevTools: false,
  /** None: nothing is trusted by the policy (an account's own trusted fingerprint is the user's choice). */
  certificateFingerprints: [],
  /** No pattern, and `usernamesBlockedByPolicyError` refuses every name. */
  usernamePattern: undefined,
  /** Empty, and `appsBlockedByPolicyError` refuses every app. */
  allowedApps: [],
  blockedApps: [],
});

export interface Effective {
  values: Readonly<EffectiveValues>;
  sources: Readonly<Record<EffectiveKey, Source>>;
  /** Keys set by the enforced policy, or failed closed by it: the UI shows them read-only and updates are refused. */
  locked: ReadonlySet<EffectiveKey>;
}

export interface Levels {
  builtIn: Readonly<EffectiveValues>;
  policy: Policy;
  commandLine: CommandLineOptions;
  /** The user's saved choices; `pbx` and `username` come from the active account. */
  user: { settings: Partial<UserSettings>; account?: Account | undefined };
}

type Level = Partial<EffectiveValues>;

function commandLineLevel(o: CommandLineOptions): Level {
  return { pbx: o.pbx, username: o.user, developerMode: o.developerMode, startMinimized: o.minimized };
}

function userLevel({ settings, account }: Levels['user']): Level {
  const { mutedApps: _notEffective, ...rest } = settings;
  return { ...rest, pbx: account?.address, username: account?.username };
}

export function resolveEffective(levels: Levels): Effective {
  const enforced: Level = levels.policy.enforced;
  const failedClosed = new Set<EffectiveKey>(levels.policy.failedClosed ?? []);
  const ordered: [Source, Level][] = [
    ['enforced', enforced],
    ['command-line', commandLineLevel(levels.commandLine)],
    ['user', userLevel(levels.user)],
    ['policy-default', levels.policy.defaults],
    ['built-in', levels.builtIn],
  ];
  const values: Record<string, unknown> = {};
  const sources: Record<string, Source> = {};
  const failClosed: Level = failClosedValues;
  for (const key of effectiveKeys) {
    // A security key the policy meant to enforce but that could not be read: its safe value, as if enforced.
    const [source, level]: [Source, Level] = failedClosed.has(key) ? ['enforced', failClosed] : (ordered.find(([, l]) => l[key] !== undefined) ?? ['built-in', levels.builtIn]);
    const value = level[key];
    values[key] = Array.isArray(value) ? [...value] : value;
    sources[key] = source;
  }
  values.appsBlockedByPolicyError = failedClosed.has('allowedApps') || failedClosed.has('blockedApps');
  values.usernamesBlockedByPolicyError = failedClosed.has('usernamePattern');
  return {
    values: values as unknown as EffectiveValues,
    sources: sources as Record<EffectiveKey, Source>,
    locked: new Set(effectiveKeys.filter((k) => enforced[k] !== undefined || failedClosed.has(k))),
  };
}

/**
 * Whether the app with this App Object name may run: none while the policy's app filter failed
 * closed; blocked wins; an empty allow-list allows all.
 */
export function appAllowed(name: string, effective: Effective): boolean {
  const { allowedApps, blockedApps, appsBlockedByPolicyError } = effective.values;
  if (appsBlockedByPolicyError) return false;
  if (blockedApps.includes(name)) return false;
  return allowedApps.length === 0 || allowedApps.includes(name);
}

/**
 * Whether a user name satisfies the effective pattern (whole-name match); no pattern allows
 * all — unless the enforced pattern failed closed, then none is allowed.
 */
export function usernameAllowed(name: string, effective: Effective): boolean {
  if (effective.values.usernamesBlockedByPolicyError) return false;
  const source = effective.values.usernamePattern;
  if (source === undefined) return true;
  try {
    return compileUsernamePattern(source).test(name);
  } catch {
    return false; // Patterns are validated when read; should one still not compile, refuse.
  }
}

/** DevTools for apps (security control 13): only when both developer mode and app DevTools are on. */
export function appDevToolsAllowed(effective: Effective): boolean {
  return effective.values.developerMode && effective.values.appDevTools;
}
