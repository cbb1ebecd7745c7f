/**
 * The home screen's contact search (Ctrl+K): the client itself is a consumer of
 * `com.innovaphone.search`, as `@client`. For a query it sends `Search{type:"contact", search}`
 * to every provider (`"*"`; the broker starts hidden ones) and keeps what comes back:
 *
 * - **One search at a time.** Each search has its own `src`; answers with another `src` (an
 *   older query, or one that ended) are ignored, so a late result never shows under a newer query.
 * - **Bounded.** At most `perProvider` answers of one provider are read (bad ones count: a
 *   provider cannot flood the log), at most `maxContacts` contacts kept, and a provider that has
 *   not sent `SearchResult` within `providerTimeoutMs` counts as done (timed out) — the search
 *   never stays "in progress" because of one that never answers. What it sends later for the
 *   same query is still taken; after its `SearchResult`, nothing more.
 * - **Merged.** A contact with the guid or the SIP name (case-insensitive) of one already found
 *   is that contact: the first display name stays, missing fields are filled in.
 * - **Ranked** by the display name against the query: starts with it, then a word starts with
 *   it, then contains it, then the rest (the provider matched on something else). Within a rank
 *   the order of arrival, so a row moves only when a better one arrives above it.
 * - Every `SearchInfo` is validated (search-messages.ts); a bad one is dropped with a log line.
 */
import type { ContactSearchView, ContactView } from '../bridge/views.js';
import type { Logger } from '../common/log.js';
import { parseDeepLink, linkText } from '../config/deep-link.js';
import type { ClientAnswer } from './api-broker.js';
import { type Search, type SearchInfo, parseSearchAnswer } from './search-messages.js';

export interface ContactSearchLimits {
  /** Shortest query searched, in characters. */
  minLength: number;
  /** Answers read per provider and search (SearchInfo, good or bad). */
  perProvider: number;
  /** Contacts kept per search. */
  maxContacts: number;
  /** How long a provider may take to send its `SearchResult` before it counts as done. */
  providerTimeoutMs: number;
}

export const defaultContactSearchLimits: ContactSearchLimits = { minLength: 2, perProvider: 50, maxContacts: 100, providerTimeoutMs: 10_000 };

export interface ContactSearchDeps {
  /** The apps that provide `com.innovaphone.search` now (listed or registered). */
  providers(): string[];
  /** The app's title, for "found by". */
  titleOf(name: string): string;
  /** `Search` to every provider (`"*"`), answers tagged with `src`. */
  send(msg: Search, src: string): void;
  /** An app that starts chats is there. */
  chatAvailable(): boolean;
  /** The app link can be opened for the user (a visible app of theirs). */
  openable(link: string): boolean;
  /** The provider's App URL: its relative photo URLs are resolved against it. */
  appUrl(name: string): string | undefined;
  publish(view: ContactSearchView | undefined): void;
  log: Logger;
  limits?: Partial<ContactSearchLimits>;
}

/** A found contact with what the client acts on; the view shows part of it. */
export interface FoundContact {
  id: string;
  dn: string;
  sip?: string;
  num?: string;
  email?: string;
  /** The link `followLink` dials (`sip:` preferred, else `tel:`), when the SIP name or number is one it takes. */
  call?: string;
  link?: string;
  photoUrl?: string;
  /** Names of the apps that found it, first finder first. */
  from: string[];
  rank: number;
  seq: number;
}

interface ProviderState {
  answers: number;
  state: 'waiting' | 'done' | 'timedOut';
}

interface Running {
  src: string;
  query: string;
  /** `query` lowercased without diacritics, for ranking. */
  needle: string;
  providers: Map<string, ProviderState>;
  contacts: FoundContact[];
  /** Contacts by `g:<guid>` and `s:<sip>`. */
  byKey: Map<string, FoundContact>;
  seq: number;
  limited: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Lowercase, accents removed: "José" is found by "jose". */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** 0: the name starts with the query, 1: a word of it does, 2: it contains it, 3: it does not. */
export function rankOf(dn: string, needle: string): number {
  const name = fold(dn);
  if (name.startsWith(needle)) return 0;
  if (name.split(/[\s,.;:()/"'-]+/u).some((w) => w.startsWith(needle))) return 1;
  return name.includes(needle) ? 2 : 3;
}

/** The link `followLink` takes to call this contact: its SIP name, else its number; none when neither parses. */
function callLink(info: Pick<SearchInfo, 'sip' | 'num'>): string | undefined {
  for (const candidate of [info.sip !== undefined ? `sip:${info.sip}` : undefined, info.num !== undefined ? `tel:${info.num}` : undefined]) {
    if (candidate === undefined) continue;
    const parsed = parseDeepLink(candidate);
    if (parsed.kind === 'call') return linkText(parsed);
  }
  return undefined;
}

export class ContactSearch {
  private readonly limits: ContactSearchLimits;
  private current: Running | undefined;
  private counter = 0;

  constructor(private readonly deps: ContactSearchDeps) {
    this.limits = { ...defaultContactSearchLimits, ...deps.limits };
  }

  /** Search `query` (trimmed); shorter than `minLength` ends the search. The same query again starts over. */
  search(query: string): void {
    const q = query.trim();
    this.end();
    if ([...q].length < this.limits.minLength) {
      this.deps.publish(undefined);
      return;
    }
    const names = this.deps.providers();
    const run: Running = {
      src: `contact-search-${++this.counter}`,
      query: q,
      needle: fold(q),
      providers: new Map(names.map((n) => [n, { answers: 0, state: 'waiting' }])),
      contacts: [],
      byKey: new Map(),
      seq: 0,
      limited: false,
      timer: undefined,
    };
    this.current = run;
    if (names.length > 0) {
      run.timer = setTimeout(() => this.timeOut(run), this.limits.providerTimeoutMs);
      run.timer.unref?.();
      this.deps.send({ mt: 'Search', type: 'contact', search: q }, run.src);
    }
    this.publish();
  }

  /** No search: what is still on its way is ignored. */
  clear(): void {
    if (!this.current) return;
    this.end();
    this.deps.publish(undefined);
  }

  /** The contact `id` of the search shown now. */
  contact(id: string): FoundContact | undefined {
    return this.current?.contacts.find((c) => c.id === id);
  }

  /** A provider answered the client on `com.innovaphone.search` (api-broker.ts `onClientAnswer`). */
  answer(a: ClientAnswer): void {
    const run = this.current;
    if (!run || a.src !== run.src) {
      this.deps.log('debug', 'a search answer for an older query was ignored', { provider: a.provider });
      return;
    }
    const provider = a.provider === undefined ? undefined : run.providers.get(a.provider);
    if (a.provider === undefined || !provider) {
      this.deps.log('warn', 'a search answer from an app that was not asked was ignored', { provider: a.provider });
      return;
    }
    if (provider.state === 'done') {
      this.deps.log('debug', 'a search answer after the provider\'s SearchResult was ignored', { provider: a.provider });
      return;
    }
    if ('errorText' in a) {
      this.deps.log('info', 'a search provider failed', { provider: a.provider, errorText: a.errorText });
      return this.finish(run, provider);
    }
    const parsed = parseSearchAnswer(a.msg);
    if (parsed.ok && parsed.msg.mt === 'SearchResult') return this.finish(run, provider);
    if (provider.answers >= this.limits.perProvider) {
      if (!run.limited) this.deps.log('info', 'a search provider sent more results than are taken', { provider: a.provider, limit: this.limits.perProvider });
      run.limited = true;
      return this.publish();
    }
    provider.answers++;
    if (!parsed.ok) {
      this.deps.log('warn', 'a search result was dropped', { provider: a.provider, error: parsed.error });
      return;
    }
    if (parsed.msg.mt === 'SearchInfo' && this.add(run, a.provider, parsed.msg)) this.publish();
  }

  /** Merge one result in; true when the view changed. */
  private add(run: Running, provider: string, info: SearchInfo): boolean {
    const keys = [...(info.guid !== undefined ? [`g:${info.guid}`] : []), ...(info.sip !== undefined ? [`s:${info.sip.toLowerCase()}`] : [])];
    const known = keys.map((k) => run.byKey.get(k)).find((c) => c !== undefined);
    if (known) {
      known.sip ??= info.sip;
      known.num ??= info.num;
      known.email ??= info.email;
      known.photoUrl ??= this.photoUrl(provider, info);
      known.call ??= callLink(info);
      // A link the user can open wins over one they cannot (a hidden provider's link to itself).
      if (info.link !== undefined && (known.link === undefined || (!this.deps.openable(known.link) && this.deps.openable(info.link)))) known.link = info.link;
      if (!known.from.includes(provider)) known.from.push(provider);
      for (const k of keys) if (!run.byKey.has(k)) run.byKey.set(k, known);
      return true;
    }
    if (run.contacts.length >= this.limits.maxContacts) {
      run.limited = true;
      return true;
    }
    const seq = run.seq++;
    const call = callLink(info);
    const photoUrl = this.photoUrl(provider, info);
    const found: FoundContact = {
      id: keys[0] ?? `p:${seq}`,
      dn: info.dn,
      ...(info.sip !== undefined && { sip: info.sip }),
      ...(info.num !== undefined && { num: info.num }),
      ...(info.email !== undefined && { email: info.email }),
      ...(call !== undefined && { call }),
      ...(info.link !== undefined && { link: info.link }),
      ...(photoUrl !== undefined && { photoUrl }),
      from: [provider],
      rank: rankOf(info.dn, run.needle),
      seq,
    };
    for (const k of keys) run.byKey.set(k, found);
    // Sorted insert: after every contact of the same or a better rank (stable across arrivals).
    let at = run.contacts.length;
    while (at > 0 && run.contacts[at - 1]!.rank > found.rank) at--;
    run.contacts.splice(at, 0, found);
    return true;
  }

  /** The photo as an absolute http(s) URL (relative ones against the provider's App URL); anything else is left out. */
  private photoUrl(provider: string, info: SearchInfo): string | undefined {
    if (info.photourl === undefined) return undefined;
    try {
      const url = new URL(info.photourl, this.deps.appUrl(provider));
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
    } catch {
      return undefined;
    }
  }

  private finish(run: Running, provider: ProviderState): void {
    provider.state = 'done';
    if ([...run.providers.values()].every((p) => p.state !== 'waiting')) {
      clearTimeout(run.timer);
      run.timer = undefined;
    }
    this.publish();
  }

  private timeOut(run: Running): void {
    if (this.current !== run) return;
    run.timer = undefined;
    const late = [...run.providers].filter(([, p]) => p.state === 'waiting');
    for (const [, p] of late) p.state = 'timedOut';
    this.deps.log('info', 'search providers did not finish in time', { providers: late.map(([n]) => n), afterMs: this.limits.providerTimeoutMs });
    this.publish();
  }

  private end(): void {
    if (this.current) clearTimeout(this.current.timer);
    this.current = undefined;
  }

  private publish(): void {
    const run = this.current;
    if (!run) return;
    const states = [...run.providers.values()];
    const chat = this.deps.chatAvailable();
    const contacts = run.contacts.map(
      (c): ContactView => ({
        id: c.id,
        dn: c.dn,
        ...(c.sip !== undefined && { sip: c.sip }),
        ...(c.num !== undefined && { num: c.num }),
        ...(c.email !== undefined && { email: c.email }),
        ...(c.photoUrl !== undefined && { photoUrl: c.photoUrl }),
        canCall: c.call !== undefined,
        canOpen: c.link !== undefined && this.deps.openable(c.link),
        from: c.from.map((n) => this.deps.titleOf(n)),
      }),
    );
    this.deps.publish({
      query: run.query,
      providers: states.length,
      done: states.filter((p) => p.state !== 'waiting').length,
      timedOut: states.filter((p) => p.state === 'timedOut').length,
      contacts,
      limited: run.limited,
      chat,
    });
  }
}
