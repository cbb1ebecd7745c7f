/**
 * ApiGrants: the core's decisions about the direct Client API data path (docs/architecture.md,
 * "The Client API data path: who decides what"). After the broker delivered an `ApiRequest`
 * of consumer app C to provider app P for API A itself, a channel for (C, P, A) is granted —
 * once per pair — and the shell joins the two app-frame pages with a port pair. The pages then
 * carry that pair's requests and results and stamp them with the names given here; the core
 * revokes the grant when either app closes, reloads or loses its page, or when P stops being
 * what the consumer's grant says (the default provider of A changed).
 *
 * Order: every page switches its own direction by a `handover` frame through the core, which
 * passes it on to the peer page in the same stream as everything else the core posts there; the
 * peer page holds what arrives over the port until that `handover` came. So whatever the pair
 * sent through the core before the switch reaches the app first, and nothing waits on a reply
 * (see renderer/src/appframe/api-direct.ts).
 */
import { randomBytes } from 'node:crypto';
import type { ApiChannelChange } from '../bridge/api-direct.js';
import type { Logger } from '../common/log.js';
import type { AppInstance } from './app-instance.js';

/** Grants kept after they ended, with their traffic, for a message inspector. */
const MAX_ENDED = 64;

export interface ApiGrant {
  readonly channel: string;
  readonly api: string;
  readonly consumer: AppInstance;
  readonly provider: AppInstance;
  /** The consumer may leave `provider` out: P is what the core resolves A to. */
  readonly defaultProvider: boolean;
  /** Direct requests and results as the sending pages reported them. */
  requests: number;
  results: number;
  ended: string | undefined;
}

/** One grant as tests and diagnostics see it. */
export interface ApiGrantView {
  channel: string;
  api: string;
  consumer: string;
  provider: string;
  requests: number;
  results: number;
  ended?: string;
}

export interface ApiGrantsDeps {
  /** The shell joins (or parts) the two pages' ports. */
  channel(change: ApiChannelChange): void;
  log: Logger;
}

export class ApiGrants {
  /** consumer view id → provider view id → api → grant (names from apps: Maps only). */
  private readonly byPair = new Map<string, Map<string, Map<string, ApiGrant>>>();
  private readonly byChannel = new Map<string, ApiGrant>();
  private readonly ended: ApiGrant[] = [];

  constructor(private readonly deps: ApiGrantsDeps) {}

  /**
   * The broker delivered a request of `consumer` to `provider` for `api`: grant the pair a
   * channel, unless it has one or either side cannot take part (a website, not alive, no page).
   */
  grant(consumer: AppInstance, provider: AppInstance, api: string, defaultProvider: boolean): void {
    if (consumer === provider || consumer.entry.website || provider.entry.website) return;
    if (consumer.state !== 'alive' || provider.state !== 'alive' || !consumer.attached || !provider.attached) return;
    let byProvider = this.byPair.get(consumer.viewId);
    if (!byProvider) this.byPair.set(consumer.viewId, (byProvider = new Map()));
    let byApi = byProvider.get(provider.viewId);
    if (!byApi) byProvider.set(provider.viewId, (byApi = new Map()));
    if (byApi.has(api)) return;
    const channel = randomBytes(12).toString('hex');
    const g: ApiGrant = { channel, api, consumer, provider, defaultProvider, requests: 0, results: 0, ended: undefined };
    byApi.set(api, g);
    this.byChannel.set(channel, g);
    this.deps.log('debug', 'direct API channel granted', { api, consumer: consumer.name, provider: provider.name });
    this.deps.channel({ kind: 'open', channel, consumerView: consumer.viewId, providerView: provider.viewId });
    provider.frame({ kind: 'grant', channel, api, role: 'provider', peer: consumer.name });
    consumer.frame({ kind: 'grant', channel, api, role: 'consumer', peer: provider.name, self: consumer.name, defaultProvider });
  }

  /** A page switched its direction of `channel` to the port: its peer hears it after everything before. */
  handover(from: AppInstance, channel: string): void {
    const g = this.byChannel.get(channel);
    if (!g || (from !== g.consumer && from !== g.provider)) {
      this.deps.log('debug', 'handover for a channel the app does not have ignored', { app: from.name });
      return;
    }
    (from === g.consumer ? g.provider : g.consumer).frame({ kind: 'handover', channel });
  }

  /** A page's traffic report: the sender's count is the one kept. */
  traffic(from: AppInstance, channel: string, sent: number): void {
    const g = this.byChannel.get(channel) ?? this.ended.find((e) => e.channel === channel);
    if (!g || (from !== g.consumer && from !== g.provider)) return;
    if (from === g.consumer) g.requests += sent;
    else g.results += sent;
  }

  /** The grant of `channel`, live or recently ended (a page may still deliver what it held after the end). */
  find(channel: string): ApiGrant | undefined {
    return this.byChannel.get(channel) ?? this.ended.find((e) => e.channel === channel);
  }

  /** Every grant `app` takes part in ends (it closed, reloads, lost its page). */
  revokeApp(app: AppInstance, why: string): void {
    for (const g of [...this.byChannel.values()]) if (g.consumer === app || g.provider === app) this.revoke(g, why);
  }

  /** Grants that no longer hold (e.g. the default provider of their API changed). */
  revokeWhere(stale: (g: ApiGrant) => boolean, why: string): void {
    for (const g of [...this.byChannel.values()]) if (stale(g)) this.revoke(g, why);
  }

  /** Live grants, then ended ones (newest last). */
  views(): ApiGrantView[] {
    const view = (g: ApiGrant): ApiGrantView => ({ channel: g.channel, api: g.api, consumer: g.consumer.name, provider: g.provider.name, requests: g.requests, results: g.results, ...(g.ended !== undefined && { ended: g.ended }) });
    return [...[...this.byChannel.values()].map(view), ...this.ended.map(view)];
  }

  private revoke(g: ApiGrant, why: string): void {
    this.byChannel.delete(g.channel);
    const byProvider = this.byPair.get(g.consumer.viewId);
    const byApi = byProvider?.get(g.provider.viewId);
    byApi?.delete(g.api);
    if (byApi?.size === 0) byProvider!.delete(g.provider.viewId);
    if (byProvider?.size === 0) this.byPair.delete(g.consumer.viewId);
    g.ended = why;
    this.ended.push(g);
    if (this.ended.length > MAX_ENDED) this.ended.shift();
    this.deps.log('debug', 'direct API channel revoked', { api: g.api, consumer: g.consumer.name, provider: g.provider.name, why });
    g.consumer.frame({ kind: 'revoke', channel: g.channel });
    g.provider.frame({ kind: 'revoke', channel: g.channel });
    this.deps.channel({ kind: 'close', channel: g.channel, consumerView: g.consumer.viewId, providerView: g.provider.viewId });
  }
}
