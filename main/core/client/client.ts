/**
 * ClientCore: the whole client behind the bridge contract. Both shells (Electron IPC and the
 * browser shell's WebSocket) host one of these and only relay commands and events.
 *
 * It owns the configuration, the credential store and the current account's PBX session,
 * and keeps the Snapshot the UI renders. Every command is validated here (control 6);
 * every decision — which apps exist, which URLs are usable, what the policy allows — is made
 * here once, never in a shell or the renderer (architecture rule 2).
 */
import { randomUUID } from 'node:crypto';
import { parseAppLink } from '../apps/app-link.js';
import { AppConsole } from '../apps/app-console.js';
import type { ApiGrantView } from '../apps/api-grants.js';
import { AppHost } from '../apps/app-host.js';
import { IdleUnloader } from '../apps/idle-unload.js';
import { isAllowedAppNavigation, webOrigin } from '../apps/app-origin.js';
import { AppPermissions, allowAttribute } from '../apps/app-permissions.js';
import { ProviderChoice } from '../apps/provider-choice.js';
import { AVATAR_API, OwnAvatar } from '../apps/avatar.js';
import { buildCatalog, type Catalog } from '../apps/catalog.js';
import { ClientProvider } from '../apps/providers/client-provider.js';
import { LauncherProvider } from '../apps/providers/launcher-provider.js';
import { adminSettings } from '../apps/providers/admin-settings.js';
import { wakeTypes } from '../apps/wake.js';
import { StatusInfos } from '../apps/status-infos.js';
import type { AppFrameHost, AppFrameLink, ToAppFrame } from '../bridge/app-frame.js';
import type { Command, CommandOf, CommandResult } from '../bridge/commands.js';
import { applyEvent, diffApps, isAppsEvent, mergeAppsEvents, type BridgeEvent } from '../bridge/events.js';
import { resolveLanguage } from '../bridge/language.js';
import { dict, own } from '../bridge/records.js';
import { parseCommand } from '../bridge/validate-command.js';
import { appPermissionNames, type PopOutBounds, type AppMemoryEntry, type AppMemoryView, type AppPermission, type Notice, type Snapshot, type UpdatesView } from '../bridge/views.js';
import { Coalescer } from '../common/coalesce.js';
import { Emitter } from '../common/emitter.js';
import { silentLogger, type Logger } from '../common/log.js';
import type { CommandLine } from '../config/command-line.js';
import { userLogsDir } from '../config/paths.js';
import type { AtomicWriteSteps } from '../config/atomic-write.js';
import { ConfigService, type SettingsPatch } from '../config/config-service.js';
import { appAllowed, appDevToolsAllowed } from '../config/effective.js';
import type { Account, ShellState } from '../config/settings.js';
import { MemoryCredentialStore, type CredentialStore } from '../credentials/credential-store.js';
import { KeytarCredentialStore } from '../credentials/keytar-store.js';
import { ResilientCredentialStore } from '../credentials/resilient-store.js';
import { CredentialVault, credentialAccount, type VaultEvents } from '../credentials/session-vault.js';
import { SignInVault } from '../credentials/sign-in-vault.js';
import type { SessionVault } from '../pbx/vault.js';
import { addressRefusal, completeSignIn, loginMethodsFor, methodRefusal } from './sign-in.js';
import { pbxWebSocketUrl } from '../pbx/address.js';
import type { AppsSnapshot, PbxSession, PbxSessionOptions } from '../pbx/session.js';
import { displayFingerprint } from '../pbx/tls-trust.js';
import type { App } from '../protocol/pbx-messages.js';
import { cacheHome, openAccountSession } from './account-session.js';
import { Links, PHONE_API } from './links.js';
import { ContactSearch, type ContactSearchLimits } from '../apps/contact-search.js';
import { SEARCH_API } from '../apps/search-messages.js';
import type { Shortcut } from '../bridge/shortcuts.js';
import { CHAT_API, runContactAction } from './contact-actions.js';
import { browserShellPort, type ShellPort } from './shell-port.js';
import { NetworkAccess } from './network.js';
import { Inspector, inspectorRefusal, type InspectorTapRef } from '../inspector/inspector.js';
import { accountView, appsView, badgeOf, contactPresence, loginView, ownPresenceView, sessionItems, settingsView } from './view-model.js';

export interface ClientCoreOptions {
  /** Directory of settings.json (the shells pass the per-OS user config dir). */
  configDir: string;
  policyFile?: string;
  commandLine?: CommandLine;
  /** Default: the OS keychain, falling back to memory with a notice. */
  credentialStore?: CredentialStore;
  /** How settings.json is written (tests hold or fail writes here). */
  writeSteps?: AtomicWriteSteps;
  log?: Logger;
  /** Test seams for the PBX session (timeouts, backoff, keep-alive). */
  sessionOptions?: Partial<PbxSessionOptions>;
  /** How long a provider app started for an API request may take to register (default 15 s). */
  registerTimeoutMs?: number;
  /** How long an app view may go without its app-frame page before it fails (default 20 s). */
  appAttachTimeoutMs?: number;
  /** The shell hosting this core; default: the browser shell (the UI frames app pages). */
  shell?: ShellPort;
  /** How often the IT policy file is checked for changes (default 5 s; 0: never). */
  policyPollMs?: number;
  /**
   * Test seams for unloading idle app views (apps/idle-unload.ts): how often to look (default a
   * minute), the length of a minute, the clock, and how long an app may take to answer PrepareReload.
   */
  idleUnload?: { checkEveryMs?: number; minuteMs?: number; now?: () => number; prepareReloadTimeoutMs?: number };
  /** Limits of the home screen's contact search (apps/contact-search.ts), e.g. a short provider timeout in tests. */
  contactSearch?: Partial<ContactSearchLimits>;
  /** The client's log folder (apps' console log files go to its `apps` folder); default `userLogsDir(configDir)`. */
  logsDir?: string;
}

/** What the Electron shell needs to create the view of a running app. */
export interface AppViewInfo {
  /** App Object name: picks the view's partition. */
  name: string;
  /** App URL (without `.htm`): its origin is the app's. */
  url: string;
  website: boolean;
  hidden: boolean;
  /** DevTools may be opened for it (developer mode and app DevTools on). */
  devTools: boolean;
}

interface Events extends Record<string, unknown> {
  event: BridgeEvent;
}

export class ClientCore extends Emitter<Events> implements AppFrameHost {
  private readonly log: Logger;
  private state: Snapshot;
  private session: PbxSession | undefined;
  private sessionAccount: Account | undefined;
  private catalog: Catalog | undefined;
  private lastApps: AppsSnapshot | undefined;
  private readonly presenceSubs = new Map<string, () => void>();
  private readonly badgeApps = new Set<string>();
  private readonly contactSips = new Set<string>();
  private readonly apps: AppHost;
  private readonly clientApi: ClientProvider;
  private readonly launcher: LauncherProvider;
  /** Status pages apps show while in the background (`ShowStatusInfo`), for the UI's strip. */
  private readonly statusInfos: StatusInfos;
  private readonly permissions: AppPermissions;
  private readonly providerChoice: ProviderChoice;
  /** The user's own picture from the avatar provider (`ownAvatar` in the snapshot). */
  private readonly ownAvatar: OwnAvatar;
  private readonly links: Links;
  /** The home screen's contact search: the client as a consumer of com.innovaphone.search. */
  private readonly contactSearch: ContactSearch;
  private readonly shell: ShellPort;
  /** The system proxy and the proxy credentials of this run (network.ts). */
  private readonly network: NetworkAccess;
  /** The user's idleness as last told to the PBX (SetUserActivity goes out on changes only). */
  private inactive = false;
  /** The updater's own state, before the core adds channel and the PBX's announcement. */
  private updaterState: Omit<UpdatesView, 'channel' | 'pbxAnnounces'> = { state: 'unsupported' };
  private pbxAnnounces: UpdatesView['pbxAnnounces'];
  /** The app the PBX names for the user's profile (`UpdateRegister.profile`): `profileApp` in the `@client` model. */
  private profileApp: string | undefined;
  private stopWatchingPolicy: () => void = () => {};
  /** Unloads app views idle in the background longer than `unloadIdleAppsAfterMinutes`. */
  private readonly idleUnloader: IdleUnloader;
  /** Apps' console lines: to the inspector, and in developer mode to each app's log file. */
  readonly appConsole: AppConsole;
  /** The message inspector (developer mode) and its tap in the app host, set only while it records. */
  private readonly inspectorTap: InspectorTapRef = { current: undefined };
  private readonly inspector: Inspector;
  /** While the UI's events are held after a login (holdUiUntilApps), the timer that ends it. */
  private uiHold: ReturnType<typeof setTimeout> | undefined;
  /** Events to the UI, at most one per kind per frame (common/coalesce.ts). */
  private readonly toUi = new Coalescer<BridgeEvent>(
    (event) => this.emit('event', event),
    (event) =>
      event.type === 'snapshot'
        ? undefined
        : event.type === 'badge'
          ? `badge\n${event.app}`
          : event.type === 'presence'
            ? `presence\n${event.presence.sip}`
            : event.type === 'appsDelta'
              ? 'apps'
              : // Each direct API channel opens and closes once: none may replace another.
                event.type === 'apiChannel'
                ? `apiChannel\n${event.change.kind}\n${event.change.channel}`
                : event.type,
    undefined,
    // Apps deltas held in one frame compose into one (a whole view replaces what is held).
    (held, next) => (isAppsEvent(held) && isAppsEvent(next) ? mergeAppsEvents(held, next) : next),
  );
  /** What the OS prefers, as the UI reports it (settings "auto" / "system" follow it). */
  /** What the UI reported of the OS (`setSystemPreferences`); English until it has. */
  private system: { languages: readonly string[]; dark: boolean } = { languages: ['en'], dark: false };

  private constructor(
    private readonly config: ConfigService,
    private readonly store: CredentialStore,
    private readonly options: ClientCoreOptions,
    notices: Notice[],
  ) {
    super();
    this.log = options.log ?? silentLogger;
    this.shell = options.shell ?? browserShellPort;
    this.network = new NetworkAccess(this.shell, this.log);
    this.statusInfos = new StatusInfos({ changed: (statusInfos) => this.publish({ type: 'statusInfos', statusInfos }), log: this.log });
    this.permissions = new AppPermissions({
      levels: () => config.permissionLevels,
      remember: async (app, answers) => {
        const result = await config.setAppPermissions(app, answers);
        if (!result.ok) throw new Error(result.errors.map((e) => e.reason).join('; '));
      },
      changed: (permissionPrompts) => this.publish({ type: 'permissionPrompts', permissionPrompts }),
      log: this.log,
    });
    this.providerChoice = new ProviderChoice({
      levels: () => config.defaultProviderLevels,
      remember: async (api, provider) => {
        const result = await config.setDefaultProvider(api, provider);
        if (!result.ok) throw new Error(result.errors.map((e) => e.reason).join('; '));
      },
      changed: (providerPrompts) => this.publish({ type: 'providerPrompts', providerPrompts }),
      log: this.log,
    });
    this.ownAvatar = new OwnAvatar({
      providers: () =>
        [...(this.catalog?.byName.values() ?? [])].filter((e) => Object.hasOwn(e.apis, AVATAR_API)).map((e) => ({ name: e.name, title: e.title, url: e.url, info: e.apis[AVATAR_API] })),
      resolve: (api, candidates) => this.providerChoice.resolve(api, candidates),
      user: () => this.state.user,
      changed: (ownAvatar) => this.publish({ type: 'ownAvatar', ownAvatar }),
      log: this.log,
    });
    if (this.shell.updater) this.updaterState = { state: 'idle' };
    this.state = {
      connection: { kind: 'disconnected', reason: 'initial' },
      login: loginView(config, store.kind === 'keychain'),
      badges: dict(),
      presence: dict(),
      ownPresence: { activity: '', note: '' },
      sessions: [],
      settings: settingsView(config, options.policyFile, this.permissions.entries(), this.providerChoice.entries()),
      notices,
      runningApps: [],
      notifications: [],
      statusInfos: [],
      permissionPrompts: [],
      providerPrompts: [],
      badgeTotal: 0,
      updates: { ...this.updaterState, channel: config.effective.values.updateChannel },
      shell: this.shell.view,
    };
    this.inspector = new Inspector({
      refusal: () => inspectorRefusal(this.config.effective),
      recording: (on) => {
        this.inspectorTap.current = on ? this.inspector : undefined;
        this.apps.inspecting(on);
      },
      // Straight out, not through the coalescer: the inspector batches per frame itself, and a batch replaces nothing.
      publish: (entries) => this.emit('event', { type: 'inspector', entries }),
    });
    this.appConsole = new AppConsole({
      app: (viewId) => {
        const instance = this.apps.instance(viewId);
        return instance && { viewId: instance.viewId, name: instance.name };
      },
      record: (line) => this.inspector.record(line),
      developerMode: () => this.config.effective.values.developerMode,
      logsDir: options.logsDir ?? userLogsDir(options.configDir),
      log: this.log,
    });
    this.apps = new AppHost({
      inspector: this.inspectorTap,
      catalog: () => this.catalog,
      appGetLogin: (app, challenge) => (this.session ? this.session.appGetLogin(app, challenge) : Promise.reject(new Error('Not logged in to the PBX.'))),
      start: () => this.appStart(),
      // The browser shell can only delegate a permission to the app's frame: granted ones only.
      // Electron's per-app session decides on each use, so the frame always gets them.
      allow: (entry) => allowAttribute(this.shell.permissionGate === 'session' ? appPermissionNames : this.permissions.granted(entry)),
      granted: (entry) => this.permissions.granted(entry),
      closed: (instance) => {
        this.permissions.withdraw(instance.name);
        this.appConsole.forget(instance.viewId);
      },
      apiRegistered: (api) => {
        if (api === PHONE_API) this.links.phoneProviderAppeared();
      },
      apiChannel: (change) => {
        if (this.shell.apiChannel) this.shell.apiChannel(change);
        else this.publish({ type: 'apiChannel', change });
      },
      shortcut: (shortcut) => this.shortcut(shortcut),
      consoleLine: (viewId, line) => {
        const taken = this.appConsole.line({ viewId, ...line });
        // Lines over the rate are logged by the console itself, once a second.
        if (!taken.ok && !taken.limited) this.log('warn', 'app console line dropped', { view: viewId, error: taken.error });
      },
      log: this.log,
      ...(options.registerTimeoutMs !== undefined && { registerTimeoutMs: options.registerTimeoutMs }),
      ...(options.appAttachTimeoutMs !== undefined && { attachTimeoutMs: options.appAttachTimeoutMs }),
      ...(options.idleUnload?.now && { now: options.idleUnload.now }),
      ...(options.idleUnload?.prepareReloadTimeoutMs !== undefined && { prepareReloadTimeoutMs: options.idleUnload.prepareReloadTimeoutMs }),
      showsStatusInfo: (instance) => this.statusInfos.shows(instance),
      // The browser shell's UI opens the window and the app loads again there; a shell with views of its own moves them (pop-out.ts).
      popOutMode: () => (this.shell.view.appViews === 'frames' ? 'reload' : this.shell.popOutWindows ? 'move' : undefined),
      focusPopOut: (viewId) => this.shell.popOutWindows?.focus(viewId),
      popOutBounds: (name) => this.config.popOutWindows.get(name),
      defaultProvider: (api, candidates) => this.providerChoice.resolve(api, candidates),
      chooseProvider: (api, consumer, title, candidates) => this.providerChoice.ask(api, title ?? '', candidates, consumer),
      raiseWindow: () => this.raiseWindow(),
      pageLoaded: (instance) => this.statusInfos.appGone(instance),
    });
    this.idleUnloader = new IdleUnloader({
      minutes: () => this.config.effective.values.unloadIdleAppsAfterMinutes,
      unloadIdle: (afterMs) => this.apps.unloadIdle(afterMs),
      log: this.log,
      ...(options.idleUnload?.checkEveryMs !== undefined && { checkEveryMs: options.idleUnload.checkEveryMs }),
      ...(options.idleUnload?.minuteMs !== undefined && { minuteMs: options.idleUnload.minuteMs }),
    });
    this.idleUnloader.start();
    this.clientApi = new ClientProvider({
      model: () => this.clientModel(),
      subscribePresence: (target) => this.session?.subscribePresence(target),
      subscribeDialog: (target) => this.session?.subscribeDialog(target),
      setAttachedToHome: (app, reference, attached) => this.setAttachedToHome(app, reference, attached),
      statusInfos: this.statusInfos,
      profileUpdated: () => this.ownAvatar.reload(),
    });
    this.launcher = new LauncherProvider({
      muted: (app) => this.config.userSettings.mutedApps.includes(app),
      changed: (notifications) => this.publish({ type: 'notifications', notifications }),
      limited: (app) => this.apps.limited(app, 'notification'),
      // Do not disturb: notifications are listed in the window, the OS does not pop them up.
      popup: () => this.state.ownPresence.activity !== 'dnd',
    });
    this.links = new Links({
      ready: () => this.loggedIn() && this.catalog !== undefined && this.state.apps?.fromCache === false,
      openApp: (link) => {
        const opened = this.apps.open(link);
        return opened.ok ? { ok: true } : opened;
      },
      phoneProviders: () => this.apps.broker.providersOf(PHONE_API).flatMap((name) => {
        const entry = this.catalog?.byName.get(name);
        return entry ? [{ name, title: entry.title }] : [];
      }),
      choose: (api, purpose, candidates) => this.providerChoice.choose(api, purpose, candidates),
      request: (api, provider, msg) => this.apps.broker.requestFromClient(api, provider, msg),
      confirmCalls: () => this.config.effective.values.confirmCalls,
      notice: (n) => this.addNotice(n),
      removeNotice: (id) => this.publish({ type: 'notices', notices: this.state.notices.filter((n) => n.id !== id) }),
      log: this.log,
    });
    this.contactSearch = new ContactSearch({
      providers: () => this.apps.broker.providersOf(SEARCH_API),
      titleOf: (name) => this.catalog?.byName.get(name)?.title ?? name,
      send: (msg, src) => this.apps.broker.requestFromClient(SEARCH_API, '*', msg, src),
      chatAvailable: () => this.apps.broker.providersOf(CHAT_API).length > 0,
      openable: (link) => {
        const entry = this.catalog?.byName.get(parseAppLink(link)?.app ?? '');
        return entry !== undefined && !entry.hidden;
      },
      appUrl: (name) => this.catalog?.byName.get(name)?.url,
      publish: (contactSearch) => this.publish({ type: 'contactSearch', contactSearch }),
      log: this.log,
      ...(options.contactSearch && { limits: options.contactSearch }),
    });
    this.apps.broker.onClientAnswer(SEARCH_API, (answer) => this.contactSearch.answer(answer));
    this.shell.updater?.onState((state) => {
      // IT turned updates off: the updater's own news does not change that.
      if (!this.config.effective.values.updates) return;
      this.updaterState = state;
      this.publishUpdates();
    });
    this.configureUpdater();
    this.apps.addProvider(this.clientApi);
    this.apps.addProvider(this.launcher);
    this.apps.on('running', (runningApps) => this.publish({ type: 'runningApps', runningApps }));
    this.apps.on('active', (activeApp) => this.publish({ type: 'activeApp', activeApp }));
    // A save that does not reach the disk is the user's business: they are told in plain words until one does.
    config.on('saved', (result) => {
      if (result.ok) {
        if (this.state.notices.some((n) => n.id === 'settings-not-saved')) this.publish({ type: 'notices', notices: this.state.notices.filter((n) => n.id !== 'settings-not-saved') });
      } else this.addNotice({ id: 'settings-not-saved', severity: 'error', text: settingsNotSavedText(result.code) });
    });
    config.on('policyReloaded', (problems) => {
      this.publish({ type: 'notices', notices: this.state.notices.filter((n) => !n.id.startsWith('policy-')) });
      problems.forEach((p, i) => this.addNotice({ id: `policy-${i}`, severity: p.severity, text: `${p.source}${p.field ? ` (${p.field})` : ''}: ${p.reason}` }));
    });
    config.on('changed', () => {
      // Config changes often (every home-screen cache write); tell the UI only what changed.
      const before = this.state.settings.values;
      this.publishIfChanged({ type: 'settings', settings: settingsView(config, options.policyFile, this.permissions.entries(), this.providerChoice.entries()) }, this.state.settings);
      this.publishIfChanged({ type: 'login', login: loginView(config, this.store.kind === 'keychain') }, this.state.login);
      const after = config.effective.values;
      const filterChanged = JSON.stringify([before.allowedApps, before.blockedApps, before.appsBlockedByPolicyError]) !== JSON.stringify([after.allowedApps, after.blockedApps, after.appsBlockedByPolicyError]);
      if (filterChanged && this.lastApps) this.showApps(this.lastApps, false);
      // What running apps were granted may have changed (an answer, a reset in Settings).
      if (JSON.stringify(this.apps.running) !== JSON.stringify(this.state.runningApps)) this.apps.changed();
      // Developer mode went off (the user, or IT locking it): the inspector stops and forgets.
      if (this.inspector.recording && inspectorRefusal(config.effective) !== undefined) {
        this.inspector.stop();
        this.emit('event', { type: 'inspector', entries: [], stopped: true });
      }
      // A default provider the user kept, forgot, or IT named: direct channels that relied on the old one end.
      this.apps.revokeStaleDefaults();
      this.apps.pushStart();
      this.apps.broker.broadcastUpdate();
      // Which avatar provider is the default, or which apps are allowed, may have changed.
      this.ownAvatar.update();
      this.configureUpdater();
    });
  }

  static async start(options: ClientCoreOptions): Promise<ClientCore> {
    const log = options.log ?? silentLogger;
    const config = await ConfigService.open({ dir: options.configDir, ...(options.policyFile && { policyFile: options.policyFile }), ...(options.commandLine && { commandLine: options.commandLine }), ...(options.writeSteps && { writeSteps: options.writeSteps }), log });
    const notices: Notice[] = config.problems.map((p, i) => ({ id: `config-${i}`, severity: p.severity, text: `${p.source}${p.field ? ` (${p.field})` : ''}: ${p.reason}` }));
    // Until the core exists, notices are collected for its first snapshot.
    let notify = (n: Notice): void => {
      notices.push(n);
    };
    const store =
      options.credentialStore ??
      new ResilientCredentialStore(new KeytarCredentialStore(), (notice, detail) => {
        log('warn', 'keychain unavailable', { detail });
        notify({ id: 'keychain', severity: 'warning', text: notice });
      });
    if (store instanceof ResilientCredentialStore) await store.probe();
    const core = new ClientCore(config, store, options, notices);
    notify = (n) => core.addNotice(n);
    await core.finishPendingWipes();
    if (options.policyPollMs !== 0) core.stopWatchingPolicy = config.watchPolicy(options.policyPollMs ?? 5000);
    await core.resume();
    return core;
  }

  snapshot(): Snapshot {
    return this.state;
  }

  /** Sessions a logout could not remove from the keychain (it was locked): remove them now. */
  private async finishPendingWipes(): Promise<void> {
    for (const account of this.config.settingsFile.pendingKeychainWipes) {
      try {
        if (await this.store.delete(account)) await this.config.removePendingWipe(account);
      } catch (e) {
        this.log('warn', 'a stored session could still not be removed', { error: String(e) });
      }
    }
  }

  onEvent(listener: (event: BridgeEvent) => void): () => void {
    return this.on('event', listener);
  }

  /** Validate and run one command from a bridge. Never throws. */
  async handle(raw: unknown): Promise<CommandResult> {
    const parsed = parseCommand(raw);
    if (!parsed.ok) {
      this.log('warn', 'bridge command rejected', { error: parsed.error });
      return { ok: false, error: parsed.error };
    }
    try {
      return await this.run(parsed.command);
    } catch (e) {
      this.log('error', 'bridge command failed', { type: parsed.command.type, error: String(e) });
      return { ok: false, error: `Internal error: ${(e as Error)?.message ?? String(e)}` };
    }
  }

  async dispose(): Promise<void> {
    this.stopWatchingPolicy();
    this.idleUnloader.stop();
    this.endSession();
    this.toUi.flush();
    // Nothing the user changed may be lost to a quick quit: pending settings writes finish first.
    await this.config.settled();
    // Nor what an app logged last (developer mode).
    await this.appConsole.flush();
  }

  /** How full the inspector's buffer is (tests, the bench). */
  inspectorHeld(): { entries: number; units: number } {
    return this.inspector.held;
  }

  /** Direct Client API channels, live and recently ended, with their traffic (diagnostics, tests). */
  apiGrants(): ApiGrantView[] {
    return this.apps.grants.views();
  }

  /** An app-frame page connects for one app view (AppFrameHost, for the shells). */
  attachAppFrame(viewId: string, send: (frame: ToAppFrame) => void): AppFrameLink | undefined {
    return this.apps.attachFrame(viewId, send);
  }

  // ------------------------------------------------------------------ for the desktop shell

  /**
   * The user pressed one of the client's shortcuts where the UI cannot hear it: in an app view
   * (Electron's `before-input-event`, or the app-frame page). The UI acts on it as on its own.
   */
  shortcut(shortcut: Shortcut): void {
    // Straight out, not through the coalescer: each press is one action (no state to replace),
    // and one held back behind the burst after a login would come too late to matter.
    this.emit('event', { type: 'shortcut', shortcut });
  }

  /** The user went idle (or came back): told to the PBX (SetUserActivity), on changes only. */
  setUserActivity(inactive: boolean): void {
    if (inactive === this.inactive) return;
    this.inactive = inactive;
    if (this.loggedIn()) this.session!.setUserActivity(inactive);
  }

  /** The network may work again (resume, network change): a session waiting to reconnect tries now. */
  reconnectNow(reason: string): void {
    if (this.session?.reconnectNow()) this.log('info', 'reconnecting now', { reason });
  }

  /** What the desktop shell remembers between runs. */
  shellState(): Readonly<ShellState> {
    return this.config.shellState;
  }

  async saveShellState(patch: Partial<ShellState>): Promise<void> {
    const result = await this.config.saveShellState(patch);
    if (!result.ok) this.log('warn', 'shell state not saved', { errors: result.errors });
  }

  // ------------------------------------------------------------------ apps in windows of their own (apps/pop-out.ts)

  /** The shell says an app's own window is gone (closed, or its page ended): the app docks back, it keeps running. */
  popOutWindowClosed(viewId: string): void {
    this.apps.popOutWindowClosed(viewId);
  }

  /** Where an app's own window is now, remembered for its App Object (settings.json `popOutWindows`). */
  async savePopOutBounds(viewId: string, bounds: PopOutBounds): Promise<CommandResult> {
    const instance = this.apps.instance(viewId);
    if (!instance) return { ok: false, error: 'No such app view.' };
    const { x, y, width, height } = bounds;
    const result = await this.config.setPopOutBounds(instance.name, { x, y, width, height });
    return result.ok ? { ok: true } : { ok: false, error: result.errors.map((e) => `${e.field ?? ''} ${e.reason}`.trim()).join('; ') };
  }

  // ------------------------------------------------------------------ for a shell with its own app views (Electron)

  /** What the shell needs to create a running app's view; undefined: no such view. */
  appView(viewId: string): AppViewInfo | undefined {
    const i = this.apps.instance(viewId);
    return i && { name: i.name, url: i.entry.url, website: i.entry.website, hidden: i.hidden, devTools: appDevToolsAllowed(this.config.effective) };
  }

  /** May the app frame of this view navigate to `url`? Only within its App URL's origin (control 3). */
  appNavigationAllowed(viewId: string, url: string): boolean {
    const i = this.apps.instance(viewId);
    return i !== undefined && isAllowedAppNavigation(i.entry.url, url);
  }

  /** A permission check of an app view (no prompt): granted to its App Object, asked by its own origin. */
  appPermissionGranted(viewId: string, permission: AppPermission, requestingUrl: string | undefined): boolean {
    const i = this.apps.instance(viewId);
    if (!i || !this.fromAppOrigin(i.entry.url, requestingUrl)) return false;
    return this.permissions.granted(i.entry).includes(permission);
  }

  /** A permission request of an app view: decided by policy or a remembered answer, else the user is asked. */
  async appPermissionRequest(viewId: string, permissions: AppPermission[], requestingUrl: string | undefined): Promise<boolean> {
    const i = this.apps.instance(viewId);
    if (!i || permissions.length === 0 || !this.fromAppOrigin(i.entry.url, requestingUrl)) return false;
    return this.permissions.request(i.entry, permissions);
  }

  /**
   * A certificate error of app content (Electron checks app views with this): trusted only by
   * the same fingerprint decision as the PBX's — the account's trusted certificate or one the
   * IT policy lists (control 10). Never "ignore all".
   */
  certificateTrusted(fingerprint256: string): boolean {
    let fingerprint: string;
    try {
      fingerprint = displayFingerprint(fingerprint256);
    } catch {
      return false;
    }
    const trusted = [...(this.sessionAccount?.trustedFingerprint ? [this.sessionAccount.trustedFingerprint] : []), ...this.config.effective.values.certificateFingerprints];
    return trusted.some((t) => displayFingerprint(t) === fingerprint);
  }

  /**
   * The origin of the status page an app shows at exactly `url` (`ShowStatusInfo`), or undefined
   * when none is shown there: what a shell's status-frame page may frame, and only while it is
   * shown (bridge/status-frame.ts; the browser shell's CSP, Electron's CSP and frame navigation).
   */
  statusInfoOrigin(url: string): string | undefined {
    return this.statusInfos.originOf(url);
  }

  private fromAppOrigin(appUrl: string, requestingUrl: string | undefined): boolean {
    const origin = webOrigin(appUrl);
    return origin !== undefined && webOrigin(requestingUrl) === origin;
  }

  // ------------------------------------------------------------------ commands

  private async run(c: Command): Promise<CommandResult> {
    switch (c.type) {
      case 'getSnapshot':
        return { ok: true, value: this.state };
      case 'login':
        return this.login(c);
      case 'loginOAuth2':
        return this.loginOAuth2(c);
      case 'loginMethods': {
        const refusal = addressRefusal(this.config, c.pbx.trim());
        if (refusal !== undefined) return { ok: false, error: refusal };
        return { ok: true, value: await loginMethodsFor(c.pbx.trim(), this.config, this.log, { ...this.network.sessionOptions(), ...this.options.sessionOptions }) };
      }
      case 'cancelLogin':
        if (this.state.connection.kind === 'logged-in') return { ok: false, error: 'Already logged in; use logout.' };
        this.endSession();
        this.publish({ type: 'connection', connection: { kind: 'disconnected', reason: 'closed' } });
        return { ok: true };
      case 'logout':
        if (!this.session) return { ok: false, error: 'Not logged in.' };
        await this.session.logout();
        return { ok: true };
      case 'trustCertificate':
        return this.trustCertificate(c);
      case 'proxyCredentials':
        return this.proxyCredentials(c);
      case 'setPresence':
        if (!this.loggedIn()) return { ok: false, error: 'Not logged in.' };
        this.session!.setOwnPresence(c.activity, c.note);
        return { ok: true };
      case 'setHome':
        return this.setHome(c.links);
      case 'authorizeSession':
      case 'deleteSession':
        if (!this.loggedIn()) return { ok: false, error: 'Not logged in.' };
        if (!this.state.sessions.some((s) => s.id === c.id)) return { ok: false, error: 'No such session.' };
        if (c.type === 'authorizeSession') this.session!.authorizeSession(c.id);
        else this.session!.deleteSession(c.id);
        return { ok: true };
      case 'updateSettings': {
        const result = await this.config.updateSettings(c.patch as SettingsPatch);
        if (!result.ok) return { ok: false, error: 'Some settings were not changed.', details: result.errors.map((e) => `${e.field ?? ''} ${e.reason}`.trim()) };
        return result.saved ? { ok: true } : { ok: true, value: { notSaved: result.reason } };
      }
      case 'openApp': {
        if (!this.loggedIn() && !this.state.apps) return { ok: false, error: 'Not logged in.' };
        const opened = this.apps.open(c.link);
        return opened.ok ? { ok: true, value: { viewId: opened.viewId } } : { ok: false, error: opened.error };
      }
      case 'closeApp':
        return this.apps.close(c.viewId) ? { ok: true } : { ok: false, error: 'No such app view.' };
      case 'showApp':
        return this.apps.show(c.viewId) ? { ok: true } : { ok: false, error: 'No such app view.' };
      case 'reloadApp':
        return this.apps.reload(c.viewId) ? { ok: true } : { ok: false, error: 'No such app view.' };
      case 'unloadApp':
        return this.apps.unload(c.viewId);
      case 'setAppMenu':
        return this.apps.setMenu(c.viewId, c.open);
      case 'popOutApp':
      case 'dockApp':
        return this.apps.popOut(c.viewId, c.type === 'popOutApp');
      case 'savePopOutBounds':
        return this.savePopOutBounds(c.viewId, c.bounds);
      case 'getAppMemory':
        return { ok: true, value: await this.appMemory() };
      case 'notificationClicked': {
        const n = this.state.notifications.find((x) => x.id === c.id);
        if (!n || !this.launcher.clicked(c.id, c.action, c.replyText)) return { ok: false, error: 'No such notification.' };
        this.apps.show(n.viewId);
        return { ok: true };
      }
      case 'dismissNotification':
        return this.launcher.dismiss(c.id) ? { ok: true } : { ok: false, error: 'No such notification.' };
      case 'placeAppView':
        this.shell.placeAppView?.(c.bounds);
        return { ok: true };
      case 'openAppDevTools':
        return this.openAppDevTools(c.viewId);
      case 'answerPermission':
        return (await this.permissions.answer(c.id, c.allow)) ? { ok: true } : { ok: false, error: 'No such permission request.' };
      case 'requestAppPermission':
        return this.requestAppPermission(c.viewId, c.permissions);
      case 'resetAppPermission': {
        const result = await this.config.setAppPermissions(c.app, { [c.permission]: null });
        if (!result.ok) return { ok: false, error: result.errors.map((e) => `${e.field ?? ''} ${e.reason}`.trim()).join('; ') };
        return { ok: true };
      }
      case 'followLink':
        return this.links.follow(c.link);
      case 'answerProviderPrompt':
        return (await this.providerChoice.answer(c.id, c.provider, c.remember)) ? { ok: true } : { ok: false, error: 'No such choice, or not one of its apps.' };
      case 'resetDefaultProvider': {
        const result = await this.config.setDefaultProvider(c.api, null);
        return result.ok ? { ok: true } : { ok: false, error: result.errors.map((e) => `${e.field ?? ''} ${e.reason}`.trim()).join('; ') };
      }
      case 'noticeAction':
        return this.links.noticeAction(c.id) ? { ok: true } : { ok: false, error: 'This notice has no action.' };
      case 'searchContacts':
        if (!this.loggedIn()) return { ok: false, error: 'Not logged in.' };
        this.contactSearch.search(c.query);
        return { ok: true };
      case 'contactAction': {
        const contact = this.contactSearch.contact(c.id);
        if (!contact) return { ok: false, error: 'This contact is no longer in the search results.' };
        return runContactAction(
          {
            followLink: (link) => this.links.follow(link),
            chatProviders: () => this.apps.broker.providersOf(CHAT_API).map((name) => ({ name, title: this.catalog?.byName.get(name)?.title ?? name })),
            choose: (api, purpose, candidates) => this.providerChoice.choose(api, purpose, candidates),
            openApp: (link) => {
              const opened = this.apps.open(link);
              return opened.ok ? { ok: true } : opened;
            },
            request: (api, provider, msg) => this.apps.broker.requestFromClient(api, provider, msg),
          },
          contact,
          c.action,
        );
      }
      case 'checkForUpdates':
      case 'installUpdate': {
        const updater = this.shell.updater;
        if (!updater) return { ok: false, error: 'This version of myApps does not update itself.' };
        if (!this.config.effective.values.updates) return { ok: false, error: 'Updates are turned off by your IT department.' };
        if (c.type === 'checkForUpdates') updater.check();
        else if (this.state.updates.state === 'ready') updater.install();
        else return { ok: false, error: 'No update is ready to install.' };
        return { ok: true };
      }
      case 'setUserActivity':
        this.setUserActivity(c.inactive);
        return { ok: true };
      case 'networkChanged':
        this.reconnectNow('the network is back');
        return { ok: true };
      case 'setSystemPreferences':
        this.system = { languages: c.languages, dark: c.dark };
        this.apps.pushStart();
        // The @client model carries lang and scheme: its consumers hear of the change too.
        this.apps.broker.broadcastUpdate();
        return { ok: true };
      case 'dismissNotice':
        this.publish({ type: 'notices', notices: this.state.notices.filter((n) => n.id !== c.id) });
        return { ok: true };
      case 'inspectorOpen': {
        const opened = this.inspector.open(c.panel);
        return opened.ok ? { ok: true, value: { entries: opened.entries } } : opened;
      }
      case 'inspectorClose':
        this.inspector.close(c.panel);
        return { ok: true };
      case 'inspectorClear':
        this.inspector.clear();
        return { ok: true };
    }
  }

  /** What each running app view uses, as far as the shell can measure it (never invented). */
  private async appMemory(): Promise<AppMemoryView> {
    const running = this.apps.running;
    const apps: AppMemoryEntry[] = running.map((a) => ({ viewId: a.viewId, name: a.name, title: a.title, hidden: a.hidden, state: a.state }));
    if (!this.shell.appMemory) return { measured: false, apps };
    let figures: Map<string, number>;
    try {
      figures = await this.shell.appMemory();
    } catch (e) {
      this.log('warn', 'app memory could not be measured', { error: String(e) });
      return { measured: false, apps };
    }
    const measured = apps.map((a): AppMemoryEntry => {
      const bytes = a.state === 'unloaded' ? undefined : figures.get(a.viewId);
      return bytes === undefined ? a : { ...a, bytes };
    });
    return { measured: true, apps: measured, totalBytes: measured.reduce((sum, a) => sum + (a.bytes ?? 0), 0) };
  }

  private openAppDevTools(viewId: string): CommandResult {
    if (!this.apps.instance(viewId)) return { ok: false, error: 'No such app view.' };
    if (!appDevToolsAllowed(this.config.effective)) return { ok: false, error: 'App DevTools are off: turn on developer mode and app DevTools in Settings (unless your IT department locks them).' };
    if (!this.shell.openAppDevTools) return { ok: true, value: { opened: false } };
    if (!this.shell.openAppDevTools(viewId)) return { ok: false, error: 'This app was opened before app DevTools were turned on: reload it, then try again.' };
    return { ok: true, value: { opened: true } };
  }

  /**
   * The user asks to let a running app use `permissions` (browser shell: our page cannot see the
   * app's own request). Asks unless decided; a grant that changes what the app's frame is
   * delegated reloads the app, since a frame's permissions policy applies from its next load.
   */
  private requestAppPermission(viewId: string, permissions: AppPermission[]): CommandResult {
    const instance = this.apps.instance(viewId);
    if (!instance) return { ok: false, error: 'No such app view.' };
    if (instance.entry.website) return { ok: false, error: 'Websites get no device access unless your IT department grants it.' };
    const before = this.permissions.granted(instance.entry);
    void this.permissions.request(instance.entry, permissions).then((granted) => {
      const now = this.permissions.granted(instance.entry);
      this.apps.changed();
      if (granted && this.shell.permissionGate === 'frame' && now.some((p) => !before.includes(p)) && this.apps.instance(viewId) === instance) this.apps.reload(viewId);
    });
    return { ok: true };
  }

  private async login(c: CommandOf<'login'>): Promise<CommandResult> {
    const forbidden = methodRefusal(this.config, 'digest');
    if (forbidden !== undefined) return { ok: false, error: forbidden };
    const pbx = c.pbx.trim();
    const username = c.username.trim();
    if (!username) return { ok: false, error: 'Enter your username.' };
    if (!c.password) return { ok: false, error: 'Enter your password.' };
    try {
      pbxWebSocketUrl(pbx);
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
    const refusal = this.config.usernameRefusal(username);
    // The refusal reads after a field name ("… does not match", "no user name may …"): made a sentence here.
    if (refusal !== undefined) return { ok: false, error: refusal.startsWith('does not') ? `This username ${refusal}.` : `${refusal[0]!.toUpperCase()}${refusal.slice(1)}.` };
    // In force at once; the login does not wait for the settings file (a failed write is a notice).
    const saved = await this.config.saveAccount({ ...this.existingAccount(pbx, username), address: pbx, username }, { waitForDisk: false });
    if (!saved.ok) return { ok: false, error: saved.errors.map((e) => e.reason).join('; ') };
    // "Stay logged in" off: the session lives in memory only, and nothing stays in the keychain.
    const store = c.stayLoggedIn ? this.store : new MemoryCredentialStore();
    if (!c.stayLoggedIn) await new CredentialVault(this.store, credentialAccount(pbxWebSocketUrl(pbx), username)).clear();
    const session = this.startSession(saved.value, store);
    // Progress arrives as `connection` events; 2FA may take minutes, so do not hold the command.
    void session.login({ username, password: c.password });
    // Remembering the account for the next start need not delay the connection, nor this answer
    // (in force at once; the write is queued behind the account's).
    void this.config.setActiveAccount(saved.value.id).then((activated) => {
      if (!activated.ok) this.log('warn', 'active account not saved', { errors: activated.errors });
    });
    return { ok: true };
  }

  /**
   * Single sign-on: the session holds its credentials in memory (SignInVault) until the PBX says
   * who signed in; then the account is saved as that user and the session moves to the keychain.
   */
  private async loginOAuth2(c: CommandOf<'loginOAuth2'>): Promise<CommandResult> {
    const pbx = c.pbx.trim();
    const refusal = methodRefusal(this.config, 'oauth2') ?? addressRefusal(this.config, pbx);
    if (refusal !== undefined) return { ok: false, error: refusal };
    const store = c.stayLoggedIn ? this.store : new MemoryCredentialStore();
    const vault = new SignInVault();
    // Not saved: the account gets its user name (and is saved) once the PBX names the user.
    const session = this.startSession({ id: randomUUID(), address: pbx, username: '' }, store, vault);
    session.on('state', (state) => {
      if (state.kind !== 'logged-in' || vault.bound || this.session !== session) return;
      void completeSignIn(this.config, { session, vault, pbx, store, keychain: c.stayLoggedIn ? undefined : this.store, existing: (p, u) => this.existingAccount(p, u), vaultEvents: this.vaultEvents() }).then((done) => {
        if (this.session !== session) return;
        if (!done.ok) {
          this.log('warn', 'single sign-on: the account could not be kept', { error: done.error });
          this.endSession();
          this.publish({ type: 'connection', connection: { kind: 'error', reason: 'login-rejected', message: done.error } });
          return;
        }
        this.sessionAccount = done.account;
        this.publish({ type: 'account', account: accountView(done.account) });
        this.publish({ type: 'login', login: loginView(this.config, this.store.kind === 'keychain') });
        void this.config.setActiveAccount(done.account.id).then((activated) => {
          if (!activated.ok) this.log('warn', 'active account not saved', { errors: activated.errors });
        });
      });
    });
    void session.login({ method: 'oauth2' });
    return { ok: true };
  }

  private async trustCertificate(c: CommandOf<'trustCertificate'>): Promise<CommandResult> {
    let fingerprint: string;
    try {
      fingerprint = displayFingerprint(c.fingerprint);
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
    // Only the certificate the PBX actually presented may be trusted (no typed-in fingerprints).
    const conn = this.state.connection;
    if (conn.kind !== 'error' || conn.reason !== 'certificate-untrusted' || !conn.fingerprint256 || displayFingerprint(conn.fingerprint256) !== fingerprint) {
      return { ok: false, error: 'That is not the certificate the PBX presented.' };
    }
    const saved = await this.config.saveAccount({ ...this.existingAccount(c.pbx, c.username), address: c.pbx.trim(), username: c.username.trim(), trustedFingerprint: fingerprint });
    if (!saved.ok) return { ok: false, error: saved.errors.map((e) => e.reason).join('; ') };
    await this.config.setActiveAccount(saved.value.id);
    this.publish({ type: 'account', account: accountView(saved.value) });
    return { ok: true };
  }

  // ---- network: proxy credentials (the rest is in network.ts) ----
  /** Only the proxy that asked gets them, for this run; a stored session resumes at once, a user login needs the password again. */
  private async proxyCredentials(c: CommandOf<'proxyCredentials'>): Promise<CommandResult> {
    const conn = this.state.connection;
    if (conn.kind !== 'error' || conn.reason !== 'proxy-auth-required' || conn.proxy !== c.proxy) return { ok: false, error: 'That proxy did not ask for a user name and password.' };
    if (!c.username || c.username.includes(':')) return { ok: false, error: 'Enter the proxy user name (without a colon).' };
    this.network.remember(c.proxy, { username: c.username, password: c.password });
    const session = this.session;
    if (!session || !(await session.hasStoredSession())) return { ok: true, value: { resumed: false } };
    void session.login();
    return { ok: true, value: { resumed: true } };
  }
  // ---- end network ----

  private setHome(links: string[]): CommandResult {
    if (!this.loggedIn() || !this.lastApps) return { ok: false, error: 'Not logged in.' };
    if (links.length > 200) return { ok: false, error: 'Too many home-screen entries (at most 200).' };
    const bad = links.filter((l) => l.includes(',') || !parseAppLink(l));
    if (bad.length) return { ok: false, error: 'Invalid app links.', details: bad.slice(0, 10) };
    const selected = links.join(',');
    this.session!.setApps(selected);
    // The PBX does not echo SetApps: show the new selection now, and remember it for the next start.
    this.showApps({ ...this.lastApps, selected }, false);
    if (this.sessionAccount) cacheHome(this.config, this.sessionAccount.id, this.lastApps, this.log);
    return { ok: true };
  }

  // ------------------------------------------------------------------ session

  /** At start: show the last home screen and resume the stored session, if any. */
  private async resume(): Promise<void> {
    const account = this.config.activeAccount;
    if (!account) return;
    this.publish({ type: 'account', account: accountView(account) });
    const cached = own(this.config.settingsFile.homeLayoutCache, account.id);
    if (cached) {
      const apps: App[] = cached.apps.map((a) => ({ ...a, ...(a.hidden !== undefined && { info: { hidden: a.hidden } }) }));
      this.showApps({ apps, deviceApps: [], selected: cached.selected }, true, account);
    }
    let url: string;
    try {
      url = pbxWebSocketUrl(account.address);
    } catch {
      return;
    }
    const stored = await new CredentialVault(this.store, credentialAccount(url, account.username)).load();
    if (!stored) return;
    void this.startSession(account, this.store).login();
  }

  private vaultEvents(): VaultEvents {
    return {
      corrupt: (text) => this.addNotice({ id: 'stored-session', severity: 'warning', text }),
      wipeFailed: (name) => {
        this.addNotice({ id: 'keychain-wipe', severity: 'warning', text: 'Your session could not be removed from the system keychain (it may be locked). myApps will remove it the next time it starts.' });
        void this.config.addPendingWipe(name);
      },
      saved: (name) => void this.config.removePendingWipe(name),
    };
  }

  private startSession(account: Account, store: CredentialStore, vault?: SessionVault): PbxSession {
    this.endSession();
    const session = openAccountSession(account, { config: this.config, store, log: this.log, vaultEvents: this.vaultEvents(), sessionOptions: { ...this.network.sessionOptions(), ...this.options.sessionOptions }, ...(vault && { vault }) });
    this.session = session;
    this.sessionAccount = account;
    this.publish({ type: 'account', account: accountView(account) });
    const mine = () => this.session === session;
    session.on('state', (connection) => {
      if (!mine()) return;
      this.publish({ type: 'connection', connection });
      // Single sign-on: the shell opens the identity provider's page in the system browser (the browser shell's UI opens it itself).
      if (connection.kind === 'awaiting-sign-in') this.shell.openSignInPage?.(connection.signInUrl);
      // A fresh login: user, sessions, presence and apps follow in a burst. The UI gets them as
      // one snapshot when the apps are there (or after a second), not as many small events.
      if (connection.kind === 'logged-in' && !this.state.apps) this.holdUiUntilApps();
      if (connection.kind === 'logged-in') {
        this.publishIfChanged({ type: 'login', login: loginView(this.config, this.store.kind === 'keychain') }, this.state.login);
        // The PBX forgets idleness with the connection: say it again.
        if (this.inactive) session.setUserActivity(true);
        this.links.flush();
      }
    });
    session.on('user', (user) => mine() && this.publish({ type: 'user', user }));
    session.on('apps', (apps) => mine() && this.showApps(apps, false));
    session.on('sessions', (list) => mine() && this.publish({ type: 'sessions', sessions: sessionItems(list) }));
    session.on('ownPresence', (p) => mine() && this.publish({ type: 'ownPresence', ownPresence: ownPresenceView(p) }));
    session.on('presence', (msg) => {
      if (!mine()) return;
      this.clientApi.presence(msg);
      if (msg.sip === undefined) return;
      if (this.badgeApps.has(msg.sip)) {
        const value = badgeOf(msg);
        this.publish({ type: 'badge', app: msg.sip, value });
        this.apps.setPresenceBadge(msg.sip, value);
      }
      if (this.contactSips.has(msg.sip)) this.publish({ type: 'presence', presence: contactPresence(msg, msg.sip) });
    });
    session.on('dialog', (info) => mine() && this.clientApi.dialog(info));
    session.on('wake', (w) => mine() && this.apps.wake(w));
    session.on('register', (r) => {
      // An empty name is no profile app.
      const profile = r.profile === '' ? undefined : r.profile;
      if (!mine() || profile === this.profileApp) return;
      this.profileApp = profile;
      this.apps.broker.broadcastUpdate();
    });
    session.on('build', (b) => {
      if (!mine() || b.version === undefined || b.build === undefined) return;
      this.pbxAnnounces = { version: b.version, build: b.build };
      this.publishUpdates();
    });
    session.on('loggedOut', () => {
      if (!mine()) return;
      this.apps.closeAll();
      // What apps stored (cookies, local storage) belongs to the session that ended (control 11).
      this.shell.clearAppData?.().catch((e: unknown) => this.log('warn', 'app storage could not be cleared', { error: String(e) }));
      this.clearSessionViews();
      this.publish({ type: 'login', login: loginView(this.config, this.store.kind === 'keychain') });
    });
    return session;
  }

  private holdUiUntilApps(): void {
    if (this.uiHold !== undefined) return;
    this.toUi.hold();
    this.uiHold = setTimeout(() => this.releaseUi(), 1000);
    this.uiHold.unref?.();
  }

  private releaseUi(): void {
    if (this.uiHold === undefined) return;
    clearTimeout(this.uiHold);
    this.uiHold = undefined;
    // Direct API channel changes are not part of the snapshot: they go out after it.
    this.toUi.release({ type: 'snapshot', snapshot: this.state }, (e) => e.type === 'apiChannel' || e.type === 'raiseWindow');
  }

  private endSession(): void {
    this.releaseUi();
    this.contactSearch.clear();
    const session = this.session;
    this.session = undefined;
    this.apps.closeAll();
    for (const off of this.presenceSubs.values()) off();
    this.presenceSubs.clear();
    session?.close();
  }

  private clearSessionViews(): void {
    this.contactSearch.clear();
    this.lastApps = undefined;
    this.catalog = undefined;
    this.profileApp = undefined;
    this.badgeApps.clear();
    this.contactSips.clear();
    for (const off of this.presenceSubs.values()) off();
    this.presenceSubs.clear();
    for (const e of [
      { type: 'user', user: undefined },
      { type: 'apps', apps: undefined },
      { type: 'sessions', sessions: [] },
    ] satisfies BridgeEvent[]) this.publish(e);
    this.state = { ...this.state, badges: dict(), presence: dict() };
  }

  /** Rebuild the catalog and tiles from an app list, and keep presence subscriptions in step. */
  private showApps(apps: AppsSnapshot, fromCache: boolean, account: Account | undefined = this.sessionAccount): void {
    if (!account) return;
    this.lastApps = apps;
    const catalog = buildCatalog(apps.apps, pbxWebSocketUrl(account.address), (name) => appAllowed(name, this.config.effective));
    for (const p of catalog.problems) this.log('warn', 'app not shown', { problem: p });
    this.catalog = catalog;
    this.ownAvatar.update();
    const view = appsView(catalog, apps.selected, fromCache);
    // What changed, not the whole view again (thousands of tiles); the whole view when there was none.
    const before = this.state.apps;
    const delta = before && diffApps(before, view);
    if (!before) this.publish({ type: 'apps', apps: view });
    else if (delta) this.publish({ type: 'appsDelta', ...delta });
    // The API model follows the catalogue, hidden providers included, which no tile shows (sent only when it changed).
    this.apps.broker.broadcastUpdate();
    this.releaseUi();
    if (fromCache) return;
    // What the apps can be woken for (info.wake): the PBX wakes this session only for those.
    this.session?.setWakeTypes(wakeTypes(catalog.byName.values()));
    this.links.flush();
    for (const revoked of this.apps.closeRevoked()) {
      if (!revoked.hidden) this.addNotice({ id: `revoked-${revoked.viewId}`, severity: 'info', text: `“${revoked.entry.title}” was closed: it is no longer available to you.` });
    }
    this.badgeApps.clear();
    for (const e of catalog.byName.values()) if (e.presence && !e.hidden) this.badgeApps.add(e.name);
    this.contactSips.clear();
    for (const l of view.home) if (l.presenceSip) this.contactSips.add(l.presenceSip);
    this.syncPresenceSubscriptions();
  }

  private syncPresenceSubscriptions(): void {
    const wanted = new Set([...this.badgeApps, ...this.contactSips]);
    for (const [sip, off] of this.presenceSubs) {
      if (!wanted.has(sip)) {
        off();
        this.presenceSubs.delete(sip);
      }
    }
    for (const sip of wanted) if (!this.presenceSubs.has(sip) && this.session) this.presenceSubs.set(sip, this.session.subscribePresence({ sip }));
  }

  // ------------------------------------------------------------------ app hosting

  /**
   * Language and scheme for app URLs and SetLang/SetScheme ("auto"/"system" follow the OS). The
   * language by the UI's own rule (`resolveLanguage`), so apps speak the language the UI does.
   */
  private appStart(): { lang: string; scheme: 'light' | 'dark' } {
    const { language, scheme } = this.config.effective.values;
    const lang = resolveLanguage(language, this.system.languages).app;
    return { lang, scheme: scheme === 'system' ? (this.system.dark ? 'dark' : 'light') : scheme };
  }

  /** The model of `com.innovaphone.client` (`app-hosting.md` §3.4). */
  private clientModel(): unknown {
    const start = this.appStart();
    const conn = this.state.connection;
    const home = dict<string[]>();
    for (const l of this.state.apps?.home ?? []) (home[l.app] ??= []).push(l.link);
    return {
      user: this.state.user ?? {},
      home,
      deviceApps: (this.lastApps?.deviceApps ?? []).map((d) => ({ name: d.name, title: d.title ?? d.name, deviceapp: d.deviceapp ?? d.name })),
      ...(this.profileApp !== undefined && { profileApp: this.profileApp }),
      lang: start.lang,
      scheme: start.scheme,
      standby: conn.kind === 'logged-in' && conn.standby,
      connInfo: { up: conn.kind === 'logged-in', standby: conn.kind === 'logged-in' && conn.standby, cur: conn.kind === 'logged-in' ? conn.url : '' },
      launcher: 'myApps Desktop',
      adminSettings: adminSettings(this.config.effective),
    };
  }

  /** Bring the main window up (a `Wake` for an incoming call): the shell where it can (Electron), else the UI's page. */
  private raiseWindow(): void {
    if (this.shell.showWindow) this.shell.showWindow();
    else this.publish({ type: 'raiseWindow' });
  }

  /** `SetAttachedToHome`: an app may pin or unpin links to itself only. */
  private setAttachedToHome(app: string, reference: string, attached: boolean): boolean {
    const link = reference.startsWith(`${app}?`) || reference.startsWith(`${app}#`) || reference === app ? reference : undefined;
    if (!link || !this.lastApps) return false;
    const links = (this.state.apps?.home ?? []).map((h) => h.link).filter((l) => l !== link);
    return this.setHome(attached ? [...links, link] : links).ok;
  }

  // ------------------------------------------------------------------ helpers

  private existingAccount(pbx: string, username: string): { id?: string; label?: string; trustedFingerprint?: string } {
    let url: string;
    try {
      url = pbxWebSocketUrl(pbx);
    } catch {
      return {};
    }
    const found = this.config.settingsFile.accounts.find((a) => a.username === username.trim() && safeUrl(a.address) === url);
    return found ? { id: found.id, ...(found.label && { label: found.label }), ...(found.trustedFingerprint && { trustedFingerprint: found.trustedFingerprint }) } : {};
  }

  private loggedIn(): boolean {
    return this.session !== undefined && this.state.connection.kind === 'logged-in';
  }

  /** The updater follows the policy and the settings; its state is published with the channel and the PBX's announcement. */
  private configureUpdater(): void {
    const { updates, updateChannel, updateFeed } = this.config.effective.values;
    this.shell.updater?.configure({ enabled: updates, channel: updateChannel, ...(updateFeed !== undefined && { feedUrl: updateFeed }) });
    // Turned on again, the updater reports its own state from `configure` (onState above).
    if (this.shell.updater && !updates) this.updaterState = { state: 'disabled', detail: 'Updates are turned off by your IT department.' };
    this.publishUpdates();
  }

  private publishUpdates(): void {
    const updates: UpdatesView = { ...this.updaterState, channel: this.config.effective.values.updateChannel, ...(this.pbxAnnounces && { pbxAnnounces: this.pbxAnnounces }) };
    if (JSON.stringify(updates) !== JSON.stringify(this.state.updates)) this.publish({ type: 'updates', updates });
  }

  private addNotice(notice: Notice): void {
    this.publish({ type: 'notices', notices: [...this.state.notices.filter((n) => n.id !== notice.id), notice] });
  }

  private publishIfChanged(event: Extract<BridgeEvent, { type: 'settings' | 'login' }>, current: unknown): void {
    const next = event.type === 'settings' ? event.settings : event.login;
    if (JSON.stringify(next) !== JSON.stringify(current)) this.publish(event);
  }

  private publish(event: BridgeEvent): void {
    this.state = applyEvent(this.state, event);
    this.toUi.push(event);
    if (event.type === 'badge' || event.type === 'runningApps' || isAppsEvent(event)) {
      const badgeTotal = totalBadges(this.state);
      if (badgeTotal !== this.state.badgeTotal) this.publish({ type: 'badgeTotal', badgeTotal });
    }
    // The @client model shows user, home links and connection: consumers see changes at once.
    if (event.type === 'user' || isAppsEvent(event) || event.type === 'connection') this.apps?.broker.broadcastUpdate();
    // The picture is the user's: a new user (or none, logged out) is a new URL.
    if (event.type === 'user') this.ownAvatar?.update();
  }
}

/** Why the settings were not saved, in plain words. */
export function settingsNotSavedText(code: string): string {
  const why =
    code === 'ENOSPC' ? 'the disk is full' : code === 'EROFS' ? 'the disk is read-only' : code === 'EACCES' || code === 'EPERM' ? 'myApps may not write to its settings folder' : `the system said ${code}`;
  return `Your settings could not be saved: ${why}. Your changes apply until you quit myApps; free some space or fix the folder, and they will be saved with your next change.`;
}

/** The sum of the numeric badges: a running app's own badge where it set one, else its presence badge. */
export function totalBadges(s: Snapshot): number {
  const values = new Map<string, string>(Object.entries(s.badges));
  for (const app of s.runningApps) if (app.badge !== undefined) values.set(app.name, app.badge);
  let total = 0;
  for (const v of values.values()) {
    const n = Number.parseInt(v, 10);
    if (Number.isFinite(n) && n > 0) total += n;
  }
  return total;
}

function safeUrl(address: string): string | undefined {
  try {
    return pbxWebSocketUrl(address);
  } catch {
    return undefined;
  }
}
