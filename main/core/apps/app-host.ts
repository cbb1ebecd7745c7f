/**
 * AppHost: the running apps and everything between them and the client — the one place that
 * decides which app an app view speaks for, which login it may get, and where each message
 * goes (architecture rule 2). Shells only relay strings to and from app-frame pages.
 */
import { Emitter } from '../common/emitter.js';
import type { Logger } from '../common/log.js';
import { LimitLog } from '../common/rate-limit.js';
import type { AppFrameLink, FromAppFrame, ToAppFrame } from '../bridge/app-frame.js';
import type { AppPermission, PopOutBounds, RunningApp } from '../bridge/views.js';
import type { AppGetLoginAnswer } from '../pbx/session.js';
import { jsonObjectFields, type ApiChannelChange } from '../bridge/api-direct.js';
import type { Shortcut } from '../bridge/shortcuts.js';
import { ClientApiBroker, type BuiltInProvider } from './api-broker.js';
import { ApiGrants } from './api-grants.js';
import { AppInstance } from './app-instance.js';
import { parseAppLink } from './app-link.js';
import { parseAppMessage, toApp, type AppMessage } from './app-messages.js';
import { appPageUrl, type AppStart } from './app-url.js';
import type { Catalog, CatalogEntry } from './catalog.js';
import { DEFAULT_PREPARE_RELOAD_TIMEOUT_MS, whyKeep } from './idle-unload.js';
import { loginMessageJson } from './login-message.js';
import { PopOuts, type PopOutMode } from './pop-out.js';
import type { ProviderCandidate } from './provider-choice.js';
import { wakeTarget, type WakeRequest } from './wake.js';
import type { InspectorRecord, InspectorTapRef } from '../inspector/inspector.js';

export interface AppHostDeps {
  catalog(): Catalog | undefined;
  /** AppGetLogin through the PBX session; rejects when there is no session. */
  appGetLogin(app: string, challenge: string): Promise<AppGetLoginAnswer>;
  start(): AppStart;
  /** The app iframe's `allow` attribute for this app (decided with its permissions). */
  allow(entry: CatalogEntry): string;
  /** What the app may use now (shown with the running app). */
  granted(entry: CatalogEntry): AppPermission[];
  /** An app stopped running (closed, revoked, logout). */
  closed?(instance: AppInstance): void;
  /** The app's page is loaded (again): what an earlier page of it showed ends (its status pages). */
  pageLoaded?(instance: AppInstance): void;
  /** An app registered a Client API. */
  apiRegistered?(api: string, provider: string): void;
  /** Join (or part) two app views' pages for a direct Client API channel (api-grants.ts). */
  apiChannel?(change: ApiChannelChange): void;
  log: Logger;
  /** How long a provider started for a request may take to register. */
  registerTimeoutMs?: number;
  /** How long an app view may go without an attached app-frame page before it fails (default 20 s). */
  attachTimeoutMs?: number;
  /** The core's clock (ms), for how long an app has been in the background. Default: Date.now. */
  now?(): number;
  /** The app has a `ShowStatusInfo` page open (the @client provider knows): it is never unloaded. */
  showsStatusInfo?(instance: AppInstance): boolean;
  /** The user pressed one of the client's shortcuts in an app view's page (Ctrl+K: the search). */
  shortcut?(shortcut: Shortcut): void;
  /** A line the app wrote to its console, as its page or the shell reported it (app-console.ts). */
  consoleLine?(viewId: string, line: Omit<Extract<FromAppFrame, { kind: 'console' }>, 'kind'>): void;
  /** How long an app may take to answer `PrepareReload` before it is unloaded (or moved, pop-out.ts) anyway (default 3 s). */
  prepareReloadTimeoutMs?: number;
  /** How apps get windows of their own in this shell (pop-out.ts); undefined: they cannot. */
  popOutMode?(): PopOutMode | undefined;
  /** Bring an app's own window to the front (shells that move views). */
  focusPopOut?(viewId: string): void;
  /** Where this App Object's own window was last, for the shell that opens it. */
  popOutBounds?(name: string): PopOutBounds | undefined;
  /** The provider of a Client API decided without asking the user (provider-choice.ts `resolve`). */
  defaultProvider(api: string, candidates: readonly ProviderCandidate[]): string | undefined;
  /** Ask the user which provider takes an app's request without `provider` (provider-choice.ts `ask`). */
  chooseProvider(api: string, consumer: string, title: string | undefined, candidates: readonly ProviderCandidate[]): { answer: Promise<string | undefined>; withdraw(): void };
  /** Bring the main window up (shown, focused): a `Wake` for an incoming call. */
  raiseWindow?(): void;
  /** The message inspector's tap (inspector.ts): `current` is set only while it records. */
  inspector?: InspectorTapRef;
}

/** Channels one app may have open at once. */
export const MAX_CHANNELS_PER_APP = 64;

/** An app view whose page never connects fails after this long, with a reason and Retry. */
export const DEFAULT_ATTACH_TIMEOUT_MS = 20_000;

export interface AppHostEvents extends Record<string, unknown> {
  /** The list of running apps or one of them changed. */
  running: RunningApp[];
  /** The app in front changed (undefined = home). */
  active: string | undefined;
}

type Channel = { id: string; opener: AppInstance; openerSrc: string; target: AppInstance; connected: boolean };

export class AppHost extends Emitter<AppHostEvents> {
  private readonly instances = new Map<string, AppInstance>();
  private activeView: string | undefined;
  /** The app in front before an app's StartActivity, to go back on FinishActivity. */
  private beforeActivity: string | undefined;
  private readonly channels = new Map<string, Channel>();
  private channelCounter = 0;
  /** One "over its limit" log per app view and kind (keys minted here, not from outside). */
  private readonly limitLogs = new Map<string, LimitLog>();
  readonly broker: ClientApiBroker;
  /** Which consumer/provider pairs go direct (api-grants.ts). */
  readonly grants: ApiGrants;
  /** Which apps are in windows of their own, and how they get there (pop-out.ts). */
  private readonly popOuts: PopOuts;
  /** Shared with every instance: the inspector's tap while it records. */
  private readonly inspector: InspectorTapRef;

  constructor(private readonly deps: AppHostDeps) {
    super();
    this.inspector = deps.inspector ?? { current: undefined };
    this.grants = new ApiGrants({ channel: (change) => deps.apiChannel?.(change), log: deps.log });
    this.popOuts = new PopOuts({
      mode: () => deps.popOutMode?.(),
      ...(deps.focusPopOut && { focus: deps.focusPopOut }),
      movePage: (instance) => this.movePage(instance),
      reloadInPlace: (instance) => this.reload(instance.viewId),
      loadAgain: (instance) => this.loadAgain(instance),
      changed: () => this.changed(),
      log: deps.log,
      prepareReloadTimeoutMs: deps.prepareReloadTimeoutMs ?? DEFAULT_PREPARE_RELOAD_TIMEOUT_MS,
    });
    this.broker = new ClientApiBroker({
      catalog: () => deps.catalog(),
      instance: (name) => this.byName(name),
      running: () => this.instances.values(),
      startHidden: (name) => this.startByName(name, '', true),
      log: deps.log,
      registerTimeoutMs: deps.registerTimeoutMs ?? 15_000,
      registered: (api, provider) => {
        this.revokeStaleDefaults();
        deps.apiRegistered?.(api, provider);
      },
      delivered: (provider, consumer, api) => {
        // Only an app view of ours consumes directly (not the client itself, `@client`).
        if (consumer instanceof AppInstance && this.instances.get(consumer.viewId) === consumer) {
          this.grants.grant(consumer, provider, api, this.broker.defaultProvider(api) === provider.name);
        }
      },
      defaultOf: (api, candidates) => deps.defaultProvider(api, candidates),
      choose: (api, consumer, title, candidates) => deps.chooseProvider(api, consumer, title, candidates),
    });
  }

  addProvider(provider: BuiltInProvider): void {
    this.broker.addBuiltIn(provider);
  }

  get running(): RunningApp[] {
    return [...this.instances.values()].map((i) => i.view(this.deps.granted(i.entry), this.deps.popOutBounds?.(i.name)));
  }

  get active(): string | undefined {
    return this.activeView;
  }

  instance(viewId: string): AppInstance | undefined {
    return this.instances.get(viewId);
  }

  byName(name: string): AppInstance | undefined {
    for (const i of this.instances.values()) if (i.name === name && i.state !== 'closed') return i;
    return undefined;
  }

  /**
   * Open an app link (`name?args`) and bring it to the front. Only apps the PBX lists for the
   * user, visible ones, can be opened this way (control 8). A running app gets `SetArgs`.
   */
  open(link: string): { ok: true; viewId: string } | { ok: false; error: string } {
    const parsed = parseAppLink(link);
    const entry = parsed && this.deps.catalog()?.byName.get(parsed.app);
    if (!parsed || !entry || entry.hidden) return { ok: false, error: `There is no app "${parsed?.app ?? link}" for you.` };
    const running = this.byName(entry.name);
    if (running) {
      if (running.hidden) running.hidden = false;
      if (parsed.args && parsed.args !== running.args) {
        running.args = parsed.args;
        running.post(toApp({ mt: 'SetArgs', args: Object.fromEntries(new URLSearchParams(parsed.args)) }));
      }
      this.setActive(running.viewId);
      this.changed();
      return { ok: true, viewId: running.viewId };
    }
    const instance = this.startByName(entry.name, parsed.args, false)!;
    this.setActive(instance.viewId);
    return { ok: true, viewId: instance.viewId };
  }

  close(viewId: string): boolean {
    const instance = this.instances.get(viewId);
    if (!instance) return false;
    this.grants.revokeApp(instance, 'closed');
    instance.state = 'closed';
    clearTimeout(instance.attachTimer);
    clearTimeout(instance.heldBadge?.timer);
    clearTimeout(instance.unloading);
    this.popOuts.closed(instance);
    for (const kind of Object.keys(instance.limits)) this.limitLogs.delete(`${viewId}\n${kind}`);
    this.instances.delete(viewId);
    this.broker.closed(instance);
    this.deps.closed?.(instance);
    this.closeChannels(instance);
    if (this.activeView === viewId) this.setActive(undefined);
    if (this.beforeActivity === viewId) this.beforeActivity = undefined;
    this.changed();
    return true;
  }

  closeAll(): void {
    for (const viewId of [...this.instances.keys()]) this.close(viewId);
  }

  /**
   * Close every app the user may no longer use (gone from the PBX's list, or blocked by IT
   * policy) and return them, so the user can be told.
   */
  closeRevoked(): AppInstance[] {
    const catalog = this.deps.catalog();
    const revoked = [...this.instances.values()].filter((i) => !catalog?.byName.has(i.name));
    for (const i of revoked) {
      this.deps.log('info', 'app closed: no longer available to the user', { app: i.name });
      this.close(i.viewId);
    }
    this.revokeStaleDefaults();
    return revoked;
  }

  /** Show a running app in front, or the home screen (apps keep running). */
  show(viewId: string | undefined): boolean {
    if (viewId !== undefined && !this.instances.has(viewId)) return false;
    this.setActive(viewId);
    return true;
  }

  // ------------------------------------------------------------------ windows of their own (pop-out.ts)

  /** `popOutApp` (out) or `dockApp` (not out). */
  popOut(viewId: string, out: boolean): { ok: true } | { ok: false; error: string } {
    const instance = this.instances.get(viewId);
    if (!instance) return { ok: false, error: 'No such app view.' };
    return this.popOuts.request(instance, out);
  }

  /** The shell says the app's own window is gone: the app docks (it is not closed). */
  popOutWindowClosed(viewId: string): void {
    const instance = this.instances.get(viewId);
    if (instance) this.popOuts.windowClosed(instance);
  }

  /** A page in another window takes over the app (`reload` shells): the old page is let go, a new one loads it. */
  private movePage(instance: AppInstance): void {
    this.grants.revokeApp(instance, 'moved to another window');
    instance.release();
    instance.state = 'starting';
    instance.error = undefined;
    // The UI (main window or the app's own) creates the page anew; login answers for the old page are dropped.
    instance.frameEpoch++;
    this.awaitAttach(instance, 'start');
    this.changed();
  }

  // ------------------------------------------------------------------ unloading idle apps (idle-unload.ts)

  /** Why this app view must stay loaded (idle-unload.ts `whyKeep`); undefined: it may be unloaded. */
  whyKeep(instance: AppInstance): string | undefined {
    return whyKeep({
      state: instance.state,
      active: this.activeView === instance.viewId,
      providesInUse: this.broker.providesInUse(instance.name),
      inChannel: [...this.channels.values()].some((c) => c.opener === instance || c.target === instance),
      showsStatusInfo: this.deps.showsStatusInfo?.(instance) ?? false,
      ownWindow: instance.poppedOut || instance.moving !== undefined,
    });
  }

  /** Unload every app view that has been in the background at least `afterMs` and may go. */
  unloadIdle(afterMs: number): void {
    const now = this.now();
    for (const i of [...this.instances.values()]) {
      if (i.unloading || i.backgroundSince === undefined || now - i.backgroundSince < afterMs) continue;
      if (this.whyKeep(i) !== undefined) continue;
      this.deps.log('info', 'unloading an idle app view', { app: i.name, idleMs: now - i.backgroundSince });
      this.unload(i.viewId);
    }
  }

  /**
   * Unload an app view: ask the app to save its state (`PrepareReload`), then, once it answers
   * `PrepareReloadComplete` or the time is up, destroy its view and keep its entry (`unloaded`).
   */
  unload(viewId: string): { ok: true } | { ok: false; error: string } {
    const instance = this.instances.get(viewId);
    if (!instance) return { ok: false, error: 'No such app view.' };
    const why = this.whyKeep(instance);
    if (why !== undefined) return { ok: false, error: `“${instance.entry.title}” stays loaded: ${why}.` };
    if (instance.unloading) return { ok: true };
    if (instance.entry.website) {
      this.finishUnload(instance);
      return { ok: true };
    }
    instance.unloading = setTimeout(() => {
      this.deps.log('info', 'app did not answer PrepareReload in time; unloaded anyway', { app: instance.name });
      this.finishUnload(instance);
    }, this.deps.prepareReloadTimeoutMs ?? DEFAULT_PREPARE_RELOAD_TIMEOUT_MS);
    instance.unloading.unref?.();
    instance.post(toApp({ mt: 'PrepareReload' }));
    return { ok: true };
  }

  private finishUnload(instance: AppInstance): void {
    clearTimeout(instance.unloading);
    instance.unloading = undefined;
    if (!this.instances.has(instance.viewId) || this.whyKeep(instance) !== undefined) return;
    clearTimeout(instance.attachTimer);
    instance.attachTimer = undefined;
    // Like a closed app for the others: its APIs, subscriptions and channels end; it starts afresh.
    this.broker.closed(instance);
    this.closeChannels(instance);
    this.grants.revokeApp(instance, 'unloaded');
    instance.unloaded();
    this.changed();
  }

  /** An unloaded app is shown or needed again: the shell creates its view anew, the page loads with its kept arguments. */
  private loadAgain(instance: AppInstance): void {
    if (instance.state !== 'unloaded') return;
    instance.state = 'starting';
    instance.frameEpoch++;
    this.awaitAttach(instance, 'start');
    this.changed();
  }

  /** Someone wants the app after all while it saves its state: it stays. */
  private cancelUnload(instance: AppInstance): void {
    if (!instance.unloading) return;
    clearTimeout(instance.unloading);
    instance.unloading = undefined;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Load the app's page again (after a failure, or on the user's request). */
  reload(viewId: string): boolean {
    const instance = this.instances.get(viewId);
    if (!instance) return false;
    if (instance.state === 'unloaded') {
      this.loadAgain(instance);
      return true;
    }
    this.grants.revokeApp(instance, 'reloaded');
    instance.state = 'starting';
    instance.error = undefined;
    if (instance.attached) this.loadPage(instance);
    else {
      // No page to tell: the shell creates the app-frame page anew (UI frame, Electron view).
      instance.frameEpoch++;
      this.awaitAttach(instance, 'start');
    }
    this.changed();
    return true;
  }

  /** Push the language or scheme to every app whose page was loaded with another one. */
  pushStart(): void {
    const start = this.deps.start();
    for (const i of this.instances.values()) {
      if (!i.loadedWith) continue;
      if (i.loadedWith.lang !== start.lang) i.post(toApp({ mt: 'SetLang', lang: start.lang }));
      if (i.loadedWith.scheme !== start.scheme) i.post(toApp({ mt: 'SetScheme', scheme: start.scheme }));
      i.loadedWith = { lang: start.lang, scheme: start.scheme };
    }
  }

  /** A badge from the app's presence (`#badge:n`), shown while the app has not set its own. */
  setPresenceBadge(name: string, badge: string | undefined): void {
    const i = this.byName(name);
    if (i && i.badge !== badge) {
      i.badge = badge;
      this.changed();
    }
  }

  /**
   * A PBX `Wake` (wake.ts decides which app): started without a tab and without coming to the
   * front; for an incoming call brought to the front (as `BringToFront` does) with the window.
   */
  wake(request: WakeRequest): void {
    const target = wakeTarget(request, [...(this.deps.catalog()?.byName.values() ?? [])], (api) => this.broker.defaultProvider(api));
    if (!target) {
      this.deps.log('info', 'Wake: no app to start', { type: request.type.slice(0, 32), incoming: request.incoming });
      return;
    }
    // Started, or — unloaded or being unloaded (idle-unload.ts) — loaded again: a Wake for a call must reach the phone app.
    const instance = this.startByName(target.name, '', true);
    if (!instance || !target.front) return;
    // In front it gets its tab, as an app the user opened (an API-only app stays without one).
    if (instance.hidden && !instance.entry.hidden) {
      instance.hidden = false;
      this.changed();
    }
    this.setActive(instance.viewId);
    this.deps.raiseWindow?.();
  }

  // ------------------------------------------------------------------ app-frame pages

  /** An app-frame page connects for `viewId`; it gets the page to load, then the app's messages. */
  attachFrame(viewId: string, send: (frame: ToAppFrame) => void): AppFrameLink | undefined {
    const instance = this.instances.get(viewId);
    if (!instance) return undefined;
    // A new page holds no port: whatever the old one was granted ends.
    this.grants.revokeApp(instance, 'page attached anew');
    instance.attach(send);
    clearTimeout(instance.attachTimer);
    instance.attachTimer = undefined;
    this.loadPage(instance);
    // A page that comes while the inspector records reports its direct messages from the start.
    if (this.inspector.current) instance.frame({ kind: 'inspect', on: true });
    return {
      receive: (frame) => {
        // A page replaced by another (a reload of the UI, an app moved to another window) is no longer heard.
        if (!instance.attachedTo(send)) return;
        if (frame.kind === 'message') this.fromApp(instance, frame.text);
        else if (frame.kind === 'handover') this.grants.handover(instance, frame.channel);
        else if (frame.kind === 'traffic') this.grants.traffic(instance, frame.channel, frame.sent);
        else if (frame.kind === 'inspected') this.inspected(instance, frame.channel, frame.text);
        else if (frame.kind === 'shortcut') this.deps.shortcut?.(frame.shortcut);
        else if (frame.kind === 'console') this.deps.consoleLine?.(instance.viewId, { level: frame.level, text: frame.text, ...(frame.source !== undefined && { source: frame.source }) });
        else if (frame.kind === 'failed' && instance.state === 'starting') {
          instance.state = 'failed';
          instance.error = frame.reason;
          this.changed();
        } else if (frame.kind === 'loaded' && instance.entry.website && instance.state === 'starting') {
          // A plain website never says Alive: loaded is as alive as it gets.
          instance.alive();
          this.changed();
        }
      },
      detach: () => {
        if (instance.attachedTo(send)) this.grants.revokeApp(instance, 'page went away');
        instance.detach(send);
        // A page that went away without the app closing (crash, reload of the UI) must come
        // back; if it does not, the view fails rather than hanging.
        if (!instance.attached && instance.state !== 'closed' && instance.state !== 'unloaded') this.awaitAttach(instance, 'return');
      },
    };
  }

  /**
   * An inspector entry made elsewhere (console capture): kept only while the inspector records —
   * closed, this is one null check.
   */
  inspectorRecord(entry: InspectorRecord): void {
    this.inspector.current?.record(entry);
  }

  /** The inspector starts or stops recording: every page reports copies of its direct messages, or stops. */
  inspecting(on: boolean): void {
    for (const i of this.instances.values()) i.frame({ kind: 'inspect', on });
  }

  /**
   * A page's copy of a message it posted to its app from a direct channel (`inspected`): kept
   * only while the inspector records, and only if it is what that page's side of the grant can
   * receive — an `ApiRequest` from the grant's consumer, or an `ApiResult` from its provider, for
   * its API. The sender is the grant's other app, never a name the page wrote.
   */
  private inspected(receiver: AppInstance, channel: string, text: string): void {
    const tap = this.inspector.current;
    if (!tap) return;
    const g = this.grants.find(channel);
    const sender = g && (receiver === g.provider ? g.consumer : receiver === g.consumer ? g.provider : undefined);
    if (!g || !sender) {
      this.deps.log('debug', 'inspected copy for a channel the app does not have dropped', { app: receiver.name });
      return;
    }
    const m = directMessage(text);
    const fits = m !== undefined && m.api === g.api && (receiver === g.provider ? m.mt === 'ApiRequest' && m.consumer === g.consumer.name : m.mt === 'ApiResult' && m.provider === g.provider.name);
    if (!fits) {
      this.deps.log('debug', 'inspected copy that does not fit its grant dropped', { app: receiver.name });
      return;
    }
    tap.direct(sender, receiver, text);
  }

  /**
   * Grants whose consumer may leave out the provider, where the core now resolves the API to
   * another one (or to none: the user would be asked). Called on everything that can change a
   * default: the app list, an app registering an API, the user's or IT's defaults.
   */
  revokeStaleDefaults(): void {
    this.grants.revokeWhere((g) => g.defaultProvider && this.broker.defaultProvider(g.api) !== g.provider.name, 'the default provider changed');
  }

  /** Start (or restart) the time limit for a page to attach to `instance`. */
  private awaitAttach(instance: AppInstance, why: 'start' | 'return'): void {
    clearTimeout(instance.attachTimer);
    const ms = this.deps.attachTimeoutMs ?? DEFAULT_ATTACH_TIMEOUT_MS;
    instance.attachTimer = setTimeout(() => {
      instance.attachTimer = undefined;
      if (instance.attached || instance.state === 'closed' || instance.state === 'unloaded' || !this.instances.has(instance.viewId)) return;
      const seconds = Math.max(1, Math.round(ms / 1000));
      instance.state = 'failed';
      instance.error = why === 'start' ? `The app view did not start within ${seconds} s.` : `The app view stopped and did not come back within ${seconds} s.`;
      this.deps.log('warn', 'app view failed: no app-frame page attached', { app: instance.name, why });
      this.broker.failed(instance);
      this.changed();
    }, ms);
    instance.attachTimer.unref?.();
  }

  /** One string the app posted (the app-frame page already dropped non-strings and foreign frames). */
  fromApp(instance: AppInstance, text: string): void {
    // An unloaded app's old page may still say something on its way out: not heard.
    if (instance.entry.website || instance.state === 'closed' || instance.state === 'unloaded') return;
    // The inspector's tap: while it is closed, this null check is all it costs.
    const tap = this.inspector.current;
    if (tap) tap.fromApp(instance, text);
    const parsed = parseAppMessage(text);
    if (!parsed.ok) {
      if (parsed.ignored) this.deps.log('debug', 'app message of unknown type ignored', { app: instance.name, mt: parsed.mt });
      else this.deps.log('warn', 'malformed app message dropped', { app: instance.name, error: parsed.error });
      return;
    }
    this.handle(instance, parsed.msg);
  }

  private handle(app: AppInstance, msg: AppMessage): void {
    switch (msg.mt) {
      case 'Alive':
        app.alive();
        this.changed();
        return;
      case 'getLogin':
        return this.getLogin(app, msg.app, msg.challenge);
      case 'Action':
        return this.action(app, msg);
      case 'SetMenuState':
        return this.menuAnnounced(app, msg.value);
      case 'SetColor':
        return;
      case 'RequestPrepareReload':
        app.post(toApp({ mt: 'PrepareReload' }));
        return;
      case 'PrepareReloadComplete':
        // Saved for an unload (idle-unload.ts), a move to another window (pop-out.ts), or the reload the app asked for.
        if (app.unloading) this.finishUnload(app);
        else if (!this.popOuts.prepared(app)) this.reload(app.viewId);
        return;
      case 'RegisterApi':
        this.broker.register(app, msg.api);
        return;
      case 'ApiModel':
        this.broker.model(app, msg.api, msg.model);
        return;
      case 'ConsumeApi':
        this.broker.consume(app, msg.api);
        return;
      case 'ApiRequest':
        this.broker.request(app, msg.api, msg.provider, msg.src, msg.msg, msg.title);
        return;
      case 'ApiResult':
        this.broker.result(app, msg.api, msg.consumer, msg.src, msg.msg);
        return;
      case 'ApiConsumerClosed':
        this.broker.consumerClosed(app, msg.api);
        return;
      case 'OpenChannel':
        return this.openChannel(app, msg.src, msg.dst, msg.args);
      case 'ChannelConnected':
      case 'ChannelClosed':
      case 'ChannelMessage':
        return this.channelMessage(app, msg);
    }
  }

  /**
   * Control 7: a getLogin is answered for the App Object this view was started for, and only
   * to this view. An app asking for another app's login gets an error and the PBX never hears.
   */
  private getLogin(app: AppInstance, requested: string, challenge: string): void {
    if (!app.limits.getLogin.take()) {
      // Every getLogin is answered, the limited ones at once with an error: the app's library
      // reports it and retries with backoff, as after any failed login.
      this.limited(app, 'getLogin');
      app.queueLogin(Promise.resolve(toApp({ mt: 'Login', app: requested, error: 1, errorText: 'Too many login requests from this app; try again in a moment.' })));
      return;
    }
    if (requested !== app.name) {
      this.deps.log('warn', 'getLogin for another app refused', { app: app.name, requested });
      app.queueLogin(Promise.resolve(toApp({ mt: 'Login', app: requested, error: 1, errorText: `This app may only log in as "${app.name}".` })));
      return;
    }
    app.queueLogin(
      this.deps.appGetLogin(app.name, challenge).then(
        (answer) => loginMessageJson(answer),
        (e: Error) => toApp({ mt: 'Login', app: app.name, error: 1, errorText: e.message }),
      ),
    );
  }

  private action(app: AppInstance, msg: Extract<AppMessage, { mt: 'Action' }>): void {
    switch (msg.type) {
      case 'ShowApp': {
        const value = typeof msg.value === 'string' ? msg.value : undefined;
        if (!value) this.setActive(app.viewId);
        else if (value === '@home') this.setActive(undefined);
        else {
          const opened = this.open(value);
          if (!opened.ok) this.deps.log('info', 'ShowApp for an app the user cannot open', { app: app.name, link: value.slice(0, 200) });
        }
        return;
      }
      case 'BringToFront':
        this.setActive(app.viewId);
        return;
      case 'CloseApp':
        this.close(app.viewId);
        return;
      case 'SetArgs':
        if (msg.args && typeof msg.args === 'object') app.args = new URLSearchParams(Object.entries(msg.args as Record<string, unknown>).map(([k, v]): [string, string] => [k, textOf(v)])).toString();
        app.pageTitle = msg.title;
        return;
      case 'SetBadge': {
        const value = msg.value === undefined || msg.value === null || msg.value === 0 || msg.value === '' ? undefined : textOf(msg.value).slice(0, 8);
        this.setBadge(app, value);
        return;
      }
      case 'StartActivity':
        if (this.activeView !== app.viewId) this.beforeActivity = this.activeView;
        this.setActive(app.viewId);
        return;
      case 'FinishActivity':
        if (this.activeView === app.viewId) this.setActive(this.beforeActivity);
        this.beforeActivity = undefined;
        return;
      default:
        this.deps.log('debug', 'unknown Action ignored', { app: app.name, type: msg.type.slice(0, 64) });
    }
  }

  /**
   * An app's own badge, at most as often as its badge limit allows: beyond it the latest value
   * is held and shown when the limit allows again, so the last badge an app sets always shows.
   */
  private setBadge(app: AppInstance, value: string | undefined): void {
    if (app.heldBadge) {
      app.heldBadge.value = value;
      return;
    }
    if (!app.limits.badge.take()) {
      this.limited(app, 'badge');
      const timer = setTimeout(() => {
        const held = app.heldBadge;
        app.heldBadge = undefined;
        if (held && app.state !== 'closed') this.setBadge(app, held.value);
      }, app.limits.badge.waitMs);
      timer.unref?.();
      app.heldBadge = { value, timer };
      return;
    }
    if (app.badge !== value) {
      app.badge = value;
      this.changed();
    }
  }

  /** An app went over one of its limits: say so in the log, once a second at most per app and kind. */
  limited(app: AppInstance, kind: keyof AppInstance['limits']): void {
    const key = `${app.viewId}\n${kind}`;
    let log = this.limitLogs.get(key);
    if (!log) this.limitLogs.set(key, (log = new LimitLog(this.deps.log, `app over its ${kind} limit`, { app: app.name })));
    log.limited();
  }

  // ------------------------------------------------------------------ the app's menu (SetMenuState)

  /**
   * The app owns a menu (its first `SetMenuState` announces it) and says whether it is open —
   * e.g. the user closed it inside the app. Anything but "open" reads as closed.
   */
  private menuAnnounced(app: AppInstance, value: string | undefined): void {
    if (value !== 'open' && value !== 'closed') this.deps.log('debug', 'SetMenuState with an unknown value read as closed', { app: app.name, value: value?.slice(0, 32) });
    const state = value === 'open' ? 'open' : 'closed';
    if (app.menuState === state) return;
    app.menuState = state;
    this.changed();
  }

  /** The user opened or closed an app's menu with our menu button: the app hears it (`SetMenuState`). */
  setMenu(viewId: string, open: boolean): { ok: true } | { ok: false; error: string } {
    const app = this.instances.get(viewId);
    if (!app) return { ok: false, error: 'No such app view.' };
    if (app.menuState === undefined) return { ok: false, error: `“${app.entry.title}” has no menu.` };
    app.menuState = open ? 'open' : 'closed';
    app.post(toApp({ mt: 'SetMenuState', value: app.menuState }));
    this.changed();
    return { ok: true };
  }

  // ------------------------------------------------------------------ channels (§1.7)

  private openChannel(opener: AppInstance, src: string, dst: string, args: unknown): void {
    if ([...this.channels.values()].filter((c) => c.opener === opener).length >= MAX_CHANNELS_PER_APP) {
      this.deps.log('warn', `app opened more than ${MAX_CHANNELS_PER_APP} channels; refused`, { app: opener.name });
      opener.post(toApp({ mt: 'ChannelClosed', src }));
      return;
    }
    const target = this.byName(dst) ?? this.startByName(dst, '', true);
    if (!target) {
      opener.post(toApp({ mt: 'ChannelClosed', src }));
      return;
    }
    const id = `ch${++this.channelCounter}`;
    this.channels.set(id, { id, opener, openerSrc: src, target, connected: false });
    target.post(toApp({ mt: 'OpenChannel', channel: id, opener: opener.name, args }));
  }

  private channelMessage(app: AppInstance, msg: Extract<AppMessage, { mt: 'ChannelConnected' | 'ChannelClosed' | 'ChannelMessage' }>): void {
    const ch = msg.channel === undefined ? undefined : this.channels.get(msg.channel);
    // Only the two ends of a channel may use it.
    if (!ch || (ch.opener !== app && ch.target !== app)) {
      this.deps.log('debug', 'message for an unknown channel dropped', { app: app.name, mt: msg.mt });
      return;
    }
    const other = ch.opener === app ? ch.target : ch.opener;
    if (msg.mt === 'ChannelConnected') {
      if (app !== ch.target) return;
      ch.connected = true;
      other.post(toApp({ mt: 'ChannelConnected', src: ch.openerSrc, channel: ch.id }));
    } else if (msg.mt === 'ChannelClosed') {
      this.channels.delete(ch.id);
      other.post(toApp(other === ch.opener && !ch.connected ? { mt: 'ChannelClosed', src: ch.openerSrc } : { mt: 'ChannelClosed', channel: ch.id }));
    } else if (ch.connected) other.post(toApp({ mt: 'ChannelMessage', channel: ch.id, msg: msg.msg }));
  }

  // ------------------------------------------------------------------ helpers

  /** Start an app by name (hidden = without a tab). Only apps in the catalog exist. */
  private startByName(name: string, args: string, hidden: boolean): AppInstance | undefined {
    const running = this.byName(name);
    if (running) {
      this.cancelUnload(running);
      this.loadAgain(running);
      return running;
    }
    const entry = this.deps.catalog()?.byName.get(name);
    if (!entry) return undefined;
    const instance = new AppInstance(entry, args, hidden, this.inspector);
    instance.backgroundSince = this.now();
    this.instances.set(instance.viewId, instance);
    this.awaitAttach(instance, 'start');
    this.changed();
    return instance;
  }

  private loadPage(instance: AppInstance): void {
    // A new page: its menu is announced anew (or not at all).
    if (instance.menuState !== undefined) {
      instance.menuState = undefined;
      this.changed();
    }
    const start = this.deps.start();
    instance.loadedWith = { lang: start.lang, scheme: start.scheme };
    this.deps.pageLoaded?.(instance);
    instance.load(appPageUrl(instance.entry, start, instance.args), this.deps.allow(instance.entry));
  }

  private setActive(viewId: string | undefined): void {
    const next = viewId === undefined ? undefined : this.instances.get(viewId);
    if (next) {
      this.cancelUnload(next);
      this.loadAgain(next);
    }
    if (this.activeView === viewId) return;
    // The app leaving the front starts its time in the background (idle-unload.ts).
    const previous = this.activeView === undefined ? undefined : this.instances.get(this.activeView);
    if (previous) previous.backgroundSince = this.now();
    if (next) next.backgroundSince = undefined;
    this.activeView = viewId;
    this.emit('active', viewId);
  }

  private closeChannels(instance: AppInstance): void {
    for (const ch of [...this.channels.values()]) {
      if (ch.opener !== instance && ch.target !== instance) continue;
      this.channels.delete(ch.id);
      const other = ch.opener === instance ? ch.target : ch.opener;
      other.post(toApp(other === ch.opener && !ch.connected ? { mt: 'ChannelClosed', src: ch.openerSrc } : { mt: 'ChannelClosed', channel: ch.id }));
    }
  }

  /** Tell the UI the running apps changed (also when only what they were granted did). */
  changed(): void {
    this.emit('running', this.running);
  }
}

/** The fields of a direct-path message that say whose it is; undefined when it is not a JSON object. */
function directMessage(text: string): { mt: unknown; api: unknown; consumer: unknown; provider: unknown } | undefined {
  const field = jsonObjectFields(text);
  return field && { mt: field('mt'), api: field('api'), consumer: field('consumer'), provider: field('provider') };
}

/** A value from an app as text: strings as they are, anything else as JSON (String() throws on `{"toString":1}`). */
function textOf(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}
