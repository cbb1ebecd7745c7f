/**
 * ClientApiBroker: Client APIs between apps (`app-hosting.md` §3). Providers and consumers
 * are app names (one instance per app here); the client itself provides built-in APIs under
 * names starting with `@`.
 *
 * - `RegisterApi` / `ApiModel` update the model every consumer sees in `ApiUpdate`.
 * - `ConsumeApi` sends the model to the consumer and starts hidden providers of that API.
 * - `ApiRequest` goes to a named provider, to every provider (`"*"`), or — without `provider` —
 *   to the default one (provider-choice.ts: IT's, the user's, the only one); with several and
 *   no default the user is asked by title, the requests held meanwhile (bounded), and a
 *   cancelled question fails them with `errorText`. A provider that is not running is started
 *   and the request waits for its `RegisterApi`; one that never registers yields an
 *   `ApiResult` with `errorText` after a timeout.
 * - `ApiResult` goes back to the consumer with `provider` set; `ApiConsumerClosed` tells
 *   providers a consumer went away.
 */
import { dict } from '../bridge/records.js';
import type { Logger } from '../common/log.js';
import type { AppInstance } from './app-instance.js';
import { toApp } from './app-messages.js';
import type { Catalog } from './catalog.js';
import type { ProviderCandidate } from './provider-choice.js';

/** Requests that may wait for one provider to start; a consumer flooding a slow provider is refused beyond it. */
export const MAX_WAITING_REQUESTS = 256;

/** A provider built into the client (`@client`, `@launcher`). */
export interface BuiltInProvider {
  readonly name: string;
  readonly api: string;
  readonly title: string;
  model(): unknown;
  /** A request from `consumer`; answers go through `reply` (any number of them, e.g. subscriptions). */
  request(consumer: AppInstance, src: string | undefined, msg: unknown, reply: (msg: unknown) => void): void;
  /** The consumer closed: drop its subscriptions. */
  consumerClosed(consumer: AppInstance): void;
}

export interface BrokerDeps {
  catalog(): Catalog | undefined;
  instance(name: string): AppInstance | undefined;
  running(): Iterable<AppInstance>;
  /** Start an app without a tab (hidden provider), unless it runs already. */
  startHidden(name: string): AppInstance | undefined;
  log: Logger;
  /** How long a started provider may take to register before queued requests fail. */
  registerTimeoutMs: number;
  /** An app registered an API (a phone app is ready for calls). */
  registered?(api: string, provider: string): void;
  /**
   * The broker delivered a request of `consumer` for one provider it named or resolved (never
   * `*`, never a built-in, never one that waited): the pair may go direct (api-grants.ts).
   */
  delivered?(provider: AppInstance, consumer: ApiConsumer, api: string): void;
  /** The provider of `api` decided without asking the user (provider-choice.ts `resolve`); undefined: the user chooses. */
  defaultOf(api: string, candidates: readonly ProviderCandidate[]): string | undefined;
  /**
   * Ask the user which provider handles a request of the app titled `consumer` (the request's
   * own `title`, if it gave one); the answer undefined: cancelled, or no question possible.
   */
  choose(api: string, consumer: string, title: string | undefined, candidates: readonly ProviderCandidate[]): { answer: Promise<string | undefined>; withdraw(): void };
}

/** Who asked: an app, or the client itself (`@client`, whose answers are only logged). */
export type ApiConsumer = Pick<AppInstance, 'name' | 'post'>;

/**
 * What a provider answered a request of the client itself (`requestFromClient`), or why the
 * request failed; `src` is the one the client gave. `provider` is the broker's name for it,
 * never what the app says.
 */
export type ClientAnswer = { provider: string | undefined; src: string | undefined } & ({ msg: unknown } | { errorText: string });

/** A consumer's requests without `provider` while the user chooses the provider (one question per consumer and API). */
interface Choosing {
  consumer: ApiConsumer;
  held: { src: string | undefined; msg: unknown }[];
  withdraw(): void;
}

/** What an app may give as the request's `title`, shown as the question: at most this long. */
const MAX_TITLE = 200;

interface Queued {
  consumer: ApiConsumer;
  /** The provider it waits for. */
  provider: string;
  api: string;
  src: string | undefined;
  msg: unknown;
  timer: ReturnType<typeof setTimeout>;
}

export class ClientApiBroker {
  /** api → provider name → dynamic state. */
  private readonly registered = new Map<string, Map<string, { model?: unknown; restart: number }>>();
  private readonly consumers = new Map<string, Set<string>>();
  /** Requests waiting for `provider` to register `api`. */
  private readonly waiting = new Map<string, Queued[]>();
  /** `api\nconsumer` → requests waiting for the user to choose the provider. */
  private readonly choosing = new Map<string, Choosing>();
  private readonly builtIns = new Map<string, BuiltInProvider>();
  private readonly restarts = new Map<string, number>();
  private lastBroadcast: string | undefined;
  /** The client as a consumer: what providers answer it is only logged. */
  private readonly clientConsumer: ApiConsumer = { name: '@client', post: (text) => this.deps.log('debug', 'a provider answered the client', { length: text.length }) };
  /** Per API, who in the client reads the answers to its own requests (the contact search); without one they are only logged. */
  private readonly clientListeners = new Map<string, (answer: ClientAnswer) => void>();

  constructor(private readonly deps: BrokerDeps) {}

  addBuiltIn(provider: BuiltInProvider): void {
    this.builtIns.set(provider.api, provider);
  }

  /** `ApiUpdate` for every API: static info from the app list, dynamic model from running providers. */
  apiUpdate(): string {
    // API and app names come from apps and the PBX: objects without a prototype (bridge/records.ts).
    const apis = dict<Record<string, Record<string, unknown>>>();
    const defaults = dict<string>();
    for (const b of this.builtIns.values()) {
      apis[b.api] = dict([[b.name, { title: b.title, url: '', info: {}, model: b.model() }]]);
      defaults[b.api] = b.name;
    }
    for (const entry of this.deps.catalog()?.byName.values() ?? []) {
      for (const [api, info] of Object.entries(entry.apis)) {
        const dynamic = this.registered.get(api)?.get(entry.name);
        (apis[api] ??= dict())[entry.name] = {
          title: entry.title,
          url: entry.url,
          info,
          ...(dynamic?.model !== undefined && { model: dynamic.model }),
          ...(dynamic && { restart: dynamic.restart }),
        };
      }
    }
    // Apps may provide APIs their App Object does not announce; they are providers all the same.
    for (const [api, providers] of this.registered) {
      for (const [name, dynamic] of providers) {
        if (apis[api]?.[name]) continue;
        const entry = this.deps.catalog()?.byName.get(name);
        (apis[api] ??= dict())[name] = { title: entry?.title ?? name, url: entry?.url ?? '', info: {}, ...(dynamic.model !== undefined && { model: dynamic.model }), restart: dynamic.restart };
      }
    }
    // The default is the provider a request without one goes to without asking: none while the user would be asked.
    for (const [api, providers] of Object.entries(apis)) {
      if (defaults[api] !== undefined) continue;
      const chosen = this.deps.defaultOf(api, Object.entries(providers).map(([name, p]) => ({ name, title: String(p.title) })));
      if (chosen !== undefined) defaults[api] = chosen;
    }
    return toApp({ mt: 'ApiUpdate', apis, defaultApiProviders: defaults });
  }

  /**
   * Send the current model to every app that consumes something — only when it changed:
   * callers announce every event that might change it (connection states, app lists, ...).
   */
  broadcastUpdate(): void {
    const update = this.apiUpdate();
    if (update === this.lastBroadcast) return;
    this.lastBroadcast = update;
    const names = new Set([...this.consumers.values()].flatMap((s) => [...s]));
    for (const name of names) this.deps.instance(name)?.post(update);
  }

  register(provider: AppInstance, api: string): void {
    let providers = this.registered.get(api);
    if (!providers) this.registered.set(api, (providers = new Map()));
    const key = `${api}\n${provider.name}`;
    // `restart` is 0 on the first start and counts restarts, so consumers resubscribe (§3.2).
    const restart = this.restarts.has(key) ? this.restarts.get(key)! + 1 : 0;
    this.restarts.set(key, restart);
    providers.set(provider.name, { restart });
    this.broadcastUpdate();
    this.deps.registered?.(api, provider.name);
    for (const q of this.waiting.get(key) ?? []) {
      clearTimeout(q.timer);
      this.deliver(provider, q.consumer, q.api, q.src, q.msg);
    }
    this.waiting.delete(key);
  }

  model(provider: AppInstance, api: string, model: unknown): void {
    const dynamic = this.registered.get(api)?.get(provider.name);
    if (!dynamic) {
      this.deps.log('warn', 'ApiModel for an API the app did not register', { app: provider.name, api });
      return;
    }
    dynamic.model = model;
    this.broadcastUpdate();
  }

  consume(consumer: AppInstance, api: string): void {
    let set = this.consumers.get(api);
    if (!set) this.consumers.set(api, (set = new Set()));
    set.add(consumer.name);
    consumer.post(this.apiUpdate());
    for (const name of this.providersInCatalog(api)) {
      if (this.deps.catalog()?.byName.get(name)?.hidden) this.deps.startHidden(name);
    }
  }

  request(consumer: AppInstance, api: string, provider: string | undefined, src: string | undefined, msg: unknown, title?: string): void {
    const builtIn = this.builtIns.get(api);
    if (provider === undefined && !builtIn) return this.requestDefault(consumer, api, src, msg, title);
    const target = provider ?? builtIn!.name;
    if (builtIn && (target === builtIn.name || target === '*')) {
      builtIn.request(consumer, src, msg, (answer) => consumer.post(toApp({ mt: 'ApiResult', api, provider: builtIn.name, src, msg: answer })));
      if (target !== '*') return;
    }
    const names = target === '*' ? new Set([...this.providersInCatalog(api), ...(this.registered.get(api)?.keys() ?? [])]) : new Set([target]);
    if (target === '*' && names.size === 0 && !builtIn) return this.fail(consumer, api, '*', src, `No app provides ${api}.`);
    for (const name of names) if (!name.startsWith('@')) this.sendTo(consumer, api, name, src, msg, target !== '*');
  }

  /** The provider a request without `provider` goes to without asking the user; undefined: the user is asked (or none provides it). */
  defaultProvider(api: string): string | undefined {
    const builtIn = this.builtIns.get(api);
    return builtIn ? builtIn.name : this.deps.defaultOf(api, this.candidates(api));
  }

  /**
   * A request without `provider`: to the default, else held while the user chooses — one
   * question per consumer and API, at most MAX_WAITING_REQUESTS requests held for it. The
   * answer sends them all to the chosen app; cancelled (or no question possible) fails them.
   */
  private requestDefault(consumer: AppInstance, api: string, src: string | undefined, msg: unknown, title: string | undefined): void {
    const candidates = this.candidates(api);
    if (candidates.length === 0) return this.fail(consumer, api, undefined, src, `No app provides ${api}.`);
    const chosen = this.deps.defaultOf(api, candidates);
    if (chosen !== undefined) return this.sendTo(consumer, api, chosen, src, msg, true);
    const key = `${api}\n${consumer.name}`;
    const asking = this.choosing.get(key);
    if (asking) {
      if (asking.held.length >= MAX_WAITING_REQUESTS) return this.fail(consumer, api, undefined, src, `Too many requests are waiting for you to choose an app for ${api}.`);
      asking.held.push({ src, msg });
      return;
    }
    const consumerTitle = this.deps.catalog()?.byName.get(consumer.name)?.title ?? consumer.name;
    const question = this.deps.choose(api, consumerTitle, title?.slice(0, MAX_TITLE), candidates);
    const entry: Choosing = { consumer, held: [{ src, msg }], withdraw: question.withdraw };
    this.choosing.set(key, entry);
    void question.answer.then((provider) => {
      // Withdrawn (the consumer closed): nothing to answer.
      if (this.choosing.get(key) !== entry) return;
      this.choosing.delete(key);
      for (const { src: s, msg: m } of entry.held) {
        if (provider === undefined) this.fail(consumer, api, undefined, s, `No app was chosen for ${api}.`);
        else this.sendTo(consumer, api, provider, s, m, true);
      }
    });
  }

  /** The providers of `api` the user could choose from, by title (the App Object's; a registered app the catalogue lacks by its name). */
  private candidates(api: string): ProviderCandidate[] {
    return this.providersOf(api).map((name) => ({ name, title: this.deps.catalog()?.byName.get(name)?.title ?? name }));
  }

  /**
   * A request of the client itself (a call link → `StartCall` at a phone app): delivered as an
   * app's would be, with `consumer: "@client"`; what the provider answers is only logged.
   */
  requestFromClient(api: string, provider: string, msg: unknown, src?: string): void {
    // "*": every app that provides it (hidden ones are started), as an app's request to "*".
    const names = provider === '*' ? this.providersOf(api) : [provider];
    for (const name of names) this.sendTo(this.clientConsumer, api, name, src, msg);
  }

  /** Answers to the client's own requests on `api` (and their failures) go to `listener` (one per API). */
  onClientAnswer(api: string, listener: (answer: ClientAnswer) => void): void {
    this.clientListeners.set(api, listener);
  }

  /** The names of the apps that provide `api`: listed in the catalogue or registered now. */
  providersOf(api: string): string[] {
    return [...new Set([...this.providersInCatalog(api), ...(this.registered.get(api)?.keys() ?? [])])];
  }

  /**
   * The app provides an API that another app consumes now: unloading it would leave them
   * without it (idle-unload.ts never unloads such a provider).
   */
  providesInUse(name: string): boolean {
    for (const [api, providers] of this.registered) {
      if (!providers.has(name)) continue;
      for (const consumer of this.consumers.get(api) ?? []) if (consumer !== name) return true;
    }
    return false;
  }

  /** To one provider app: now if it runs and registered the API, else once it has (starting it hidden). */
  private sendTo(consumer: ApiConsumer, api: string, name: string, src: string | undefined, msg: unknown, one = false): void {
    const running = this.deps.instance(name);
    if (running && this.registered.get(api)?.has(name)) {
      this.deliver(running, consumer, api, src, msg);
      if (one) this.deps.delivered?.(running, consumer, api);
      return;
    }
    if (!running && !this.deps.catalog()?.byName.has(name)) {
      this.fail(consumer, api, name, src, `There is no app "${name}".`);
      return;
    }
    // Not running, or running but not registered yet: start it and wait for RegisterApi.
    // An unloaded provider (idle-unload.ts) loads again.
    if (!running || running.state === 'unloaded') this.deps.startHidden(name);
    const key = `${api}\n${name}`;
    const queued: Queued = {
      consumer,
      provider: name,
      api,
      src,
      msg,
      timer: setTimeout(() => {
        const list = this.waiting.get(key) ?? [];
        this.waiting.set(key, list.filter((q) => q !== queued));
        this.fail(consumer, api, name, src, `The app "${name}" did not start to provide ${api}.`);
      }, this.deps.registerTimeoutMs),
    };
    let list = this.waiting.get(key);
    if (!list) this.waiting.set(key, (list = []));
    if (list.length >= MAX_WAITING_REQUESTS) {
      clearTimeout(queued.timer);
      this.fail(consumer, api, name, src, `Too many requests are waiting for "${name}" to start.`);
      return;
    }
    list.push(queued);
  }

  /** A provider answers: to the consumer app it names, with the provider set by us. */
  result(provider: AppInstance, api: string, consumerName: string, src: string | undefined, msg: unknown): void {
    // `@client` is the client's own name as a consumer (app-hosting.md §3.1): no app's.
    if (consumerName === this.clientConsumer.name) {
      const listener = this.clientListeners.get(api);
      if (listener) listener({ provider: provider.name, src, msg });
      else this.deps.log('debug', 'a provider answered the client', { api, provider: provider.name });
      return;
    }
    const consumer = this.deps.instance(consumerName);
    if (!consumer) {
      this.deps.log('debug', 'ApiResult for a consumer that is gone', { api, consumer: consumerName });
      return;
    }
    consumer.post(toApp({ mt: 'ApiResult', api, provider: provider.name, src, msg }), provider);
  }

  /** An app closed: its consumers' providers hear of it, and it no longer provides anything. */
  closed(app: AppInstance): void {
    // Built-in providers may serve apps that never sent ConsumeApi (a request is enough).
    for (const b of this.builtIns.values()) b.consumerClosed(app);
    for (const [api, set] of this.consumers) {
      if (!set.delete(app.name)) continue;
      for (const providerName of this.registered.get(api)?.keys() ?? []) {
        this.deps.instance(providerName)?.post(toApp({ mt: 'ApiConsumerClosed', api, consumer: app.name }));
      }
    }
    let changed = false;
    for (const providers of this.registered.values()) changed = providers.delete(app.name) || changed;
    for (const [key, list] of this.waiting) {
      const kept = list.filter((q) => q.consumer !== app);
      for (const q of list) if (q.consumer === app) clearTimeout(q.timer);
      this.waiting.set(key, kept);
    }
    // Its questions to the user go with it.
    for (const [key, asking] of this.choosing) {
      if (asking.consumer !== app) continue;
      this.choosing.delete(key);
      asking.withdraw();
    }
    if (changed) this.broadcastUpdate();
  }

  /** A provider's view failed to start: requests waiting for it fail now, not at the register timeout. */
  failed(provider: AppInstance): void {
    for (const [key, list] of this.waiting) {
      if (list[0]?.provider !== provider.name) continue;
      this.waiting.delete(key);
      for (const q of list) {
        clearTimeout(q.timer);
        this.fail(q.consumer, q.api, provider.name, q.src, `The app "${provider.name}" could not be started to provide ${q.api}.`);
      }
    }
  }

  /** A nested frame of `app` went away (`ApiConsumerClosed` relayed by lib1). */
  consumerClosed(app: AppInstance, api: string): void {
    for (const providerName of this.registered.get(api)?.keys() ?? []) {
      this.deps.instance(providerName)?.post(toApp({ mt: 'ApiConsumerClosed', api, consumer: app.name }));
    }
  }

  private deliver(provider: AppInstance, consumer: ApiConsumer, api: string, src: string | undefined, msg: unknown): void {
    // The inspector shows it as a message between the two apps (the client's own requests: to the app).
    provider.post(toApp({ mt: 'ApiRequest', api, consumer: consumer.name, src, msg }), 'viewId' in consumer ? (consumer as AppInstance) : undefined);
  }

  private fail(consumer: ApiConsumer, api: string, provider: string | undefined, src: string | undefined, errorText: string): void {
    this.deps.log('info', 'API request failed', { api, provider, errorText });
    if (consumer === this.clientConsumer) this.clientListeners.get(api)?.({ provider, src, errorText });
    consumer.post(toApp({ mt: 'ApiResult', api, ...(provider !== undefined && { provider }), src, errorText }));
  }

  private providersInCatalog(api: string): string[] {
    return [...(this.deps.catalog()?.byName.values() ?? [])].filter((e) => Object.hasOwn(e.apis, api)).map((e) => e.name);
  }
}
