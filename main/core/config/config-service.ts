/**
 * The configuration of one client run: IT policy, the user's settings file and the command
 * line, resolved into effective values. All changes go through here, so policy locks are
 * enforced in one place (architecture rule 2) and every change is saved atomically.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, unwatchFile, watchFile } from 'node:fs';
import { Emitter } from '../common/emitter.js';
import { type Logger, silentLogger } from '../common/log.js';
import type { PermissionLevels } from '../apps/app-permissions.js';
import type { DefaultLevels } from '../apps/provider-choice.js';
import { dict, own } from '../bridge/records.js';
import type { AppPermission } from '../bridge/views.js';
import { pbxWebSocketUrl } from '../pbx/address.js';
import type { AtomicWriteSteps } from './atomic-write.js';
import type { CommandLine, CommandLineOptions } from './command-line.js';
import { type Effective, type EffectiveKey, builtInDefaults, resolveEffective } from './effective.js';
import { whole } from './lenient.js';
import { plainText } from './schemas.js';
import { choosePolicyFile } from './paths.js';
import { type Policy, compileUsernamePattern, loadPolicy } from './policy.js';
import type { ConfigProblem } from './problems.js';
import { loadSettings, saveSettings, settingsPath } from './settings-store.js';
import {
  type Account,
  type HomeLayout,
  type SettingsFile,
  type UserSettings,
  accountSchema,
  appObjectName,
  permissionStatesSchema,
  type PopOutBounds,
  popOutBoundsSchema,
  type ShellState,
  shellStateSchema,
  defaultUserSettings,
  homeLayoutSchema,
  userSettingFields,
} from './settings.js';

export interface ConfigServiceOptions {
  /** The user config directory (`userConfigDir`). */
  dir: string;
  /** The policy file. Default: `--policy`, else `$MYAPPS_POLICY`, else the OS location. */
  policyFile?: string;
  commandLine?: CommandLine;
  log?: Logger;
  /** The clock, for `savedAt` and backup names. */
  now?: () => number;
  /** The atomic write's steps; replaced in tests to simulate a crash. */
  writeSteps?: AtomicWriteSteps;
}

/** `null` removes the user's choice, so the setting follows the policy default again. */
export type SettingsPatch = { [K in keyof UserSettings]?: UserSettings[K] | null };
/** An account to save; without an id it is a new account. */
export type AccountInput = Omit<Account, 'id'> & { id?: string };

/**
 * The outcome of a change. Refused changes carry their reasons; an accepted change applies
 * to this run even when it could not be saved (`saved: false` says why).
 */
export type ChangeResult<T = undefined> =
  | { ok: true; value: T; saved: true }
  | { ok: true; value: T; saved: false; reason: string }
  | { ok: false; errors: ConfigProblem[] };

export interface ConfigEvents extends Record<string, unknown> {
  changed: { effective: Effective; settingsFile: Readonly<SettingsFile> };
  /** The policy file changed while the client runs and was read again; these are its problems. */
  policyReloaded: readonly ConfigProblem[];
  /** Whether the last save reached the disk; `code` is the system's reason when not (ENOSPC, EROFS, …). */
  saved: { ok: true } | { ok: false; code: string };
}

export class ConfigService extends Emitter<ConfigEvents> {
  private file: SettingsFile;
  private current: Effective;
  /** Saves run one after another so the last change is the one on disk. */
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly options: ConfigServiceOptions & { log: Logger },
    private policy: Policy,
    private readonly policySource: string,
    private readonly commandLine: CommandLineOptions,
    loaded: SettingsFile,
    private readonly writable: boolean,
    readonly problems: readonly ConfigProblem[],
  ) {
    super();
    this.file = loaded;
    this.current = this.resolve();
  }

  static async open(options: ConfigServiceOptions): Promise<ConfigService> {
    const log = options.log ?? silentLogger;
    const commandLine = options.commandLine ?? { options: {}, deepLinks: [], problems: [], ignored: [] };
    const chosen = options.policyFile === undefined ? choosePolicyFile(process.platform, process.env, commandLine.options.policy, existsSync) : { file: options.policyFile };
    const policyFile = chosen.file;
    const [policy, settings] = await Promise.all([loadPolicy(policyFile), loadSettings(options.dir, { now: options.now, steps: options.writeSteps })]);
    const problems = [...(chosen.problem ? [chosen.problem] : []), ...policy.problems, ...settings.problems, ...commandLine.problems];
    for (const p of problems) log(p.severity === 'error' ? 'error' : 'warn', 'configuration problem', { ...p });
    for (const s of commandLine.ignored) log('debug', 'runtime switch on the command line ignored', { switch: s });
    return new ConfigService({ ...options, log }, policy.policy, policyFile, commandLine.options, settings.file, settings.writable, problems);
  }

  get effective(): Effective {
    return this.current;
  }

  /** The settings file as it is now (what is on disk, unless saving failed). */
  get settingsFile(): Readonly<SettingsFile> {
    return this.file;
  }

  /** The user's settings with built-in defaults filled in (the effective values may differ by policy). */
  get userSettings(): UserSettings {
    return { ...defaultUserSettings, mutedApps: [...defaultUserSettings.mutedApps], ...this.file.settings };
  }

  get activeAccount(): Account | undefined {
    return this.file.accounts.find((a) => a.id === this.file.activeAccount);
  }

  async updateSettings(patch: SettingsPatch): Promise<ChangeResult> {
    const errors: ConfigProblem[] = [];
    const settings: Record<string, unknown> = { ...this.file.settings };
    for (const [key, value] of Object.entries(patch)) {
      const field = `settings.${key}`;
      const parser = Object.hasOwn(userSettingFields, key) ? userSettingFields[key as keyof typeof userSettingFields] : undefined;
      if (!parser) errors.push(this.error(field, 'is not a setting'));
      else if (this.failedClosed(key)) errors.push(this.error(field, `is locked: the IT policy (${this.policySource}) could not be read for it, so it keeps its safe value until IT fixes the policy`));
      else if (this.current.locked.has(key as EffectiveKey)) errors.push(this.error(field, `is enforced by the IT policy (${this.policySource}) and cannot be changed`));
      else if (value === null) delete settings[key];
      else settings[key] = parser(value, field, (f, reason) => errors.push(this.error(f, reason)));
    }
    if (errors.length > 0) return { ok: false, errors };
    this.file = { ...this.file, settings };
    return this.commit(undefined);
  }

  /** The default provider per Client API, by level (Maps: API and app names come from outside). */
  get defaultProviderLevels(): DefaultLevels {
    return {
      enforced: new Map(Object.entries(this.policy.enforced.defaultApiProviders ?? {})),
      user: new Map(Object.entries(this.file.defaultProviders)),
      defaults: new Map(Object.entries(this.policy.defaults.defaultApiProviders ?? {})),
    };
  }

  /** Keep (or with `null` forget) the user's default provider for an API; one IT enforces cannot be changed. */
  async setDefaultProvider(api: string, provider: string | null): Promise<ChangeResult> {
    const field = `defaultProviders.${api}`;
    const enforced = this.policy.enforced.defaultApiProviders;
    if (enforced && Object.hasOwn(enforced, api)) return { ok: false, errors: [this.error(field, `is enforced by the IT policy (${this.policySource}) and cannot be changed`)] };
    const errors: ConfigProblem[] = [];
    whole(plainText(256))(api, field, (f, reason) => errors.push(this.error(f, reason)));
    if (provider !== null) whole(appObjectName)(provider, field, (f, reason) => errors.push(this.error(f, reason)));
    if (errors.length > 0) return { ok: false, errors };
    const others = Object.entries(this.file.defaultProviders).filter(([name]) => name !== api);
    this.file = { ...this.file, defaultProviders: Object.fromEntries(provider === null ? others : [...others, [api, provider]]) };
    return this.commit(undefined);
  }

  /** What the desktop shell remembers between runs (window positions, hints shown). */
  get shellState(): Readonly<ShellState> {
    return this.file.shellState;
  }

  async saveShellState(patch: Partial<ShellState>): Promise<ChangeResult> {
    const errors: ConfigProblem[] = [];
    const next = whole(shellStateSchema)({ ...this.file.shellState, ...patch }, 'shellState', (f, reason) => errors.push(this.error(f, reason)));
    if (!next) return { ok: false, errors };
    this.file = { ...this.file, shellState: next };
    return this.commit(undefined);
  }

  /** Where each app's own window was, by App Object name (a Map: the names come from the PBX). */
  get popOutWindows(): ReadonlyMap<string, PopOutBounds> {
    return new Map(Object.entries(this.file.popOutWindows));
  }

  /** Remember where an app's own window is now (both shells: the desktop's windows, the browser's pop-up). */
  async setPopOutBounds(app: string, bounds: PopOutBounds): Promise<ChangeResult> {
    const errors: ConfigProblem[] = [];
    const field = `popOutWindows.${app}`;
    whole(appObjectName)(app, field, (f, reason) => errors.push(this.error(f, reason)));
    const parsed = whole(popOutBoundsSchema)(bounds, field, (f, reason) => errors.push(this.error(f, reason)));
    if (errors.length > 0 || !parsed) return { ok: false, errors };
    const known = own(this.file.popOutWindows, app);
    if (known && JSON.stringify(known) === JSON.stringify(parsed)) return { ok: true, value: undefined, saved: true };
    // Rebuilt without a prototype: an App Object named "__proto__" stays data.
    this.file = { ...this.file, popOutWindows: dict([...Object.entries(this.file.popOutWindows).filter(([name]) => name !== app), [app, parsed]]) };
    return this.commit(undefined);
  }

  /** A keychain entry a logout could not remove: remember to remove it at the next start. */
  async addPendingWipe(account: string): Promise<ChangeResult> {
    if (this.file.pendingKeychainWipes.includes(account)) return { ok: true, value: undefined, saved: true };
    this.file = { ...this.file, pendingKeychainWipes: [...this.file.pendingKeychainWipes, account] };
    return this.commit(undefined);
  }

  /** The entry was removed, or a new session replaced it. */
  async removePendingWipe(account: string): Promise<ChangeResult> {
    if (!this.file.pendingKeychainWipes.includes(account)) return { ok: true, value: undefined, saved: true };
    this.file = { ...this.file, pendingKeychainWipes: this.file.pendingKeychainWipes.filter((a) => a !== account) };
    return this.commit(undefined);
  }

  /** Resolves when every change made so far is on disk (or failed to get there): the client closing waits for it. */
  async settled(): Promise<void> {
    await this.writes;
  }

  /** Adds or replaces an account. The first account saved becomes the active one. */
  /**
   * `waitForDisk: false` resolves once the account is valid and in force, while the write goes on
   * (in order with every other write): for a login, which need not wait for the disk. A write
   * that fails is reported as every failed save is (the `saved` event), not in this result.
   */
  async saveAccount(input: AccountInput, { waitForDisk = true }: { waitForDisk?: boolean } = {}): Promise<ChangeResult<Account>> {
    const errors: ConfigProblem[] = [];
    const account = whole(accountSchema)({ ...input, id: input.id ?? randomUUID() }, 'account', (f, reason) => errors.push(this.error(f, reason)));
    if (!account) return { ok: false, errors };
    const { pbx } = this.policy.enforced;
    if (pbx !== undefined && pbxWebSocketUrl(pbx) !== pbxWebSocketUrl(account.address)) {
      errors.push(this.error('account.address', `the IT policy (${this.policySource}) requires the PBX "${pbx}"`));
    }
    const refusal = this.usernameRefusal(account.username);
    if (refusal !== undefined) errors.push(this.error('account.username', refusal));
    if (errors.length > 0) return { ok: false, errors };
    const exists = this.file.accounts.some((a) => a.id === account.id);
    this.file = {
      ...this.file,
      accounts: exists ? this.file.accounts.map((a) => (a.id === account.id ? account : a)) : [...this.file.accounts, account],
      activeAccount: this.file.activeAccount ?? account.id,
    };
    const committed = this.commit(account);
    return waitForDisk ? committed : { ok: true, value: account, saved: false, reason: 'still being written' };
  }

  /** The only login method the IT policy allows (`enforced.loginMethod`), if it names one. */
  get loginMethod(): 'digest' | 'oauth2' | undefined {
    return this.policy.enforced.loginMethod;
  }

  /**
   * Why the IT policy refuses this user name, or undefined when it may log in: it must match the
   * enforced pattern, and while that pattern cannot be read (it failed closed) no name may.
   */
  usernameRefusal(username: string): string | undefined {
    if (this.failedClosed('usernamePattern')) {
      return `no user name may log in: the user name pattern of the IT policy (${this.policySource}) could not be read; ask your IT department to fix the policy`;
    }
    const { usernamePattern } = this.policy.enforced;
    if (usernamePattern !== undefined && !compileUsernamePattern(usernamePattern).test(username)) {
      return `does not match the user name pattern required by the IT policy (${this.policySource})`;
    }
    return undefined;
  }

  /** Removes an account and its home-screen cache (its keychain entry is the credential store's). */
  async removeAccount(id: string): Promise<ChangeResult> {
    if (!this.hasAccount(id)) return { ok: false, errors: [this.error('accounts', `no account with id "${id}"`)] };
    const { [id]: _removed, ...homeLayoutCache } = this.file.homeLayoutCache;
    const { activeAccount: active, ...rest } = this.file;
    this.file = {
      ...rest,
      accounts: this.file.accounts.filter((a) => a.id !== id),
      ...(active === id ? {} : { activeAccount: active }),
      homeLayoutCache,
    };
    return this.commit(undefined);
  }

  async setActiveAccount(id: string): Promise<ChangeResult> {
    if (!this.hasAccount(id)) return { ok: false, errors: [this.error('activeAccount', `no account with id "${id}"`)] };
    this.file = { ...this.file, activeAccount: id };
    return this.commit(undefined);
  }

  /**
   * Read the policy file again (IT may replace it while the client runs, e.g. by group policy).
   * Applies at once when it changed: locks, blocked apps, permissions.
   */
  async reloadPolicy(): Promise<void> {
    const loaded = await loadPolicy(this.policySource);
    if (JSON.stringify(loaded.policy) === JSON.stringify(this.policy)) return;
    for (const p of loaded.problems) this.options.log('error', 'configuration problem', { ...p });
    this.options.log('info', 'the IT policy file changed and applies now', { file: this.policySource });
    this.policy = loaded.policy;
    this.current = this.resolve();
    this.emit('policyReloaded', loaded.problems);
    this.emit('changed', { effective: this.current, settingsFile: this.file });
  }

  /** Watch the policy file (polling: it may not exist yet, and network file systems send no events). Returns the stop function. */
  watchPolicy(intervalMs: number): () => void {
    const listener = () => {
      this.reloadPolicy().catch((e: unknown) => this.options.log('warn', 'the IT policy file could not be read again', { error: String(e) }));
    };
    watchFile(this.policySource, { interval: intervalMs, persistent: false }, listener);
    return () => unwatchFile(this.policySource, listener);
  }

  /** The permission answers and IT decisions per App Object, by level (Maps: the names come from the PBX). */
  get permissionLevels(): PermissionLevels {
    return {
      enforced: new Map(Object.entries(this.policy.enforced.appPermissions ?? {})),
      user: new Map(Object.entries(this.file.appPermissions)),
      defaults: new Map(Object.entries(this.policy.defaults.appPermissions ?? {})),
    };
  }

  /**
   * Remembers the user's answers for an App Object; `null` forgets one (the app asks again).
   * Permissions the IT policy enforces cannot be changed.
   */
  async setAppPermissions(app: string, answers: Partial<Record<AppPermission, 'granted' | 'denied' | null>>): Promise<ChangeResult> {
    const errors: ConfigProblem[] = [];
    const field = `appPermissions.${app}`;
    whole(appObjectName)(app, field, (f, reason) => errors.push(this.error(f, reason)));
    const enforced = this.policy.enforced.appPermissions;
    const locked = enforced && Object.hasOwn(enforced, app) ? enforced[app] : undefined;
    for (const key of Object.keys(answers)) if (locked?.[key as AppPermission] !== undefined) errors.push(this.error(`${field}.${key}`, `is enforced by the IT policy (${this.policySource}) and cannot be changed`));
    if (errors.length > 0) return { ok: false, errors };
    const current: Record<string, string> = { ...(Object.hasOwn(this.file.appPermissions, app) ? this.file.appPermissions[app] : {}) };
    for (const [key, value] of Object.entries(answers)) {
      if (value === null || value === undefined) delete current[key];
      else current[key] = value;
    }
    const states = whole(permissionStatesSchema)(current, field, (f, reason) => errors.push(this.error(f, reason)));
    if (!states) return { ok: false, errors };
    // Rebuilt with fromEntries, which defines own properties: an App Object named "__proto__" stays data.
    const others = Object.entries(this.file.appPermissions).filter(([name]) => name !== app);
    const appPermissions = Object.fromEntries(Object.keys(states).length > 0 ? [...others, [app, states]] : others);
    this.file = { ...this.file, appPermissions };
    return this.commit(undefined);
  }

  /** Remembers the home screen of an account so the next start can show it before the PBX answers. */
  async cacheHomeLayout(accountId: string, layout: Omit<HomeLayout, 'savedAt'>): Promise<ChangeResult> {
    if (!this.hasAccount(accountId)) return { ok: false, errors: [this.error('homeLayoutCache', `no account with id "${accountId}"`)] };
    const errors: ConfigProblem[] = [];
    const field = `homeLayoutCache.${accountId}`;
    const parsed = whole(homeLayoutSchema)({ ...layout, savedAt: this.now() }, field, (f, reason) => errors.push(this.error(f, reason)));
    if (!parsed) return { ok: false, errors };
    this.file = { ...this.file, homeLayoutCache: { ...this.file.homeLayoutCache, [accountId]: parsed } };
    return this.commit(undefined);
  }

  /** Whether the enforced value of `key` could not be read and applies its safe value instead. */
  private failedClosed(key: string): boolean {
    return (this.policy.failedClosed ?? []).some((k) => k === key);
  }

  private hasAccount(id: string): boolean {
    return this.file.accounts.some((a) => a.id === id);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private error(field: string, reason: string): ConfigProblem {
    return { source: settingsPath(this.options.dir), field, reason, severity: 'error' };
  }

  private resolve(): Effective {
    return resolveEffective({
      builtIn: builtInDefaults,
      policy: this.policy,
      commandLine: this.commandLine,
      user: { settings: this.file.settings, account: this.activeAccount },
    });
  }

  /** Applies the new file model to this run, tells listeners, then saves it. */
  private async commit<T>(value: T): Promise<ChangeResult<T>> {
    this.current = this.resolve();
    this.emit('changed', { effective: this.current, settingsFile: this.file });
    if (!this.writable) return { ok: true, value, saved: false, reason: 'the settings file on disk is kept as it is (see the reported problem); this change applies to this run only' };
    const snapshot = this.file;
    const write = this.writes.then(() => saveSettings(this.options.dir, snapshot, this.options.writeSteps));
    this.writes = write.catch(() => {});
    try {
      await write;
      this.emit('saved', { ok: true });
      return { ok: true, value, saved: true };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      const reason = `the settings could not be saved (${code}); this change applies to this run only`;
      this.options.log('error', 'saving settings failed', { reason });
      this.emit('saved', { ok: false, code });
      return { ok: true, value, saved: false, reason };
    }
  }
}
