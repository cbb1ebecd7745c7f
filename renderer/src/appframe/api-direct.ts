/**
 * The app-frame page's half of the direct Client API data path (main/core/bridge/api-direct.ts;
 * docs/architecture.md, "The Client API data path: who decides what"). The core decides; this
 * page carries and stamps:
 *
 * - a channel goes live when both its `grant` (from the core, over the transport) and its port
 *   (from the shell, by window message) are here; the page then tells the core `handover` and
 *   sends its direction of the pair over the port from then on;
 * - the consumer side sends the app's `ApiRequest`s for the granted provider (named, or left out
 *   when the grant says the core resolves the API to it) as `{consumer, api, src, msg}`, with
 *   `consumer` the name from the grant — never one the app wrote;
 * - the provider side sends the app's `ApiResult`s for the granted consumer as `{api, src, msg}`;
 * - the receiving side posts them to its app exactly as the core's broker would, with the
 *   names from its own grant (a port message naming anything else is dropped).
 *
 * Order: what arrives over the port is held until the core's `handover` for the channel came —
 * the core passes the peer's `handover` on in the same stream as the messages the peer sent
 * through it before switching, so nothing sent later overtakes them, and the sender never waits
 * for an answer (the alternative, switching only after the peer acknowledged the port, would
 * still let a message already on its way through the core be overtaken).
 *
 * `revoke` (or the shell closing the port, or the link to the core dropping) ends a channel:
 * its messages go through the core again. Direct messages are counted per channel and reported
 * to the core (`traffic`) every few seconds and when the channel ends.
 */
import { apiRequestText, apiResultText, readAppApiMessage, trafficReportMs, type DirectApiRequest, type DirectApiResult } from '../../../main/core/bridge/api-direct.js';
import type { ApiGrantFrame, FromAppFrame } from '../../../main/core/bridge/app-frame.js';

interface Channel {
  readonly id: string;
  grant: ApiGrantFrame | undefined;
  port: MessagePort | undefined;
  /** This page sends its direction over the port (handover said). */
  live: boolean;
  /** The peer's handover came through the core: what the port brings may go to the app. */
  peerLive: boolean;
  held: unknown[];
  /** What the app sent for the pair since the last flush: one port message per batch. */
  outbox: unknown[];
  sent: number;
  received: number;
}

export interface DirectApiDeps {
  toCore(frame: FromAppFrame): void;
  toApp(text: string): void;
}

/** Channels a page keeps at once (a grant per pair; far more than any real app uses). */
const MAX_CHANNELS = 256;
/** Port messages held for one channel until its handover. */
const MAX_HELD = 4096;
/** Ended channel ids remembered, so a port or frame arriving after the end does not open them again. */
const MAX_ENDED = 1024;

export class DirectApi {
  private readonly channels = new Map<string, Channel>();
  /** Consumer side: api → provider name → live channel; api → the live channel of the default provider. */
  private readonly toProvider = new Map<string, Map<string, Channel>>();
  private readonly toDefault = new Map<string, Channel>();
  /** Provider side: api → consumer name → live channel. */
  private readonly toConsumer = new Map<string, Map<string, Channel>>();
  private readonly ended = new Set<string>();
  private liveCount = 0;
  /**
   * The core's message inspector records (`inspect` frame): each message this page posts to its
   * app from a port is copied to the core too (`inspected`). Off, nothing is copied.
   */
  inspecting = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  /**
   * Batching: the app's messages arrive one task each; a flush posted to the same kind of task
   * queue runs after those already waiting, so everything queued by then crosses the port as
   * one message (an array). That saves a task per message on the other side.
   */
  private readonly flusher = new MessageChannel();
  private flushPending = false;

  constructor(private readonly deps: DirectApiDeps) {
    this.flusher.port1.onmessage = () => this.flush();
  }

  grant(grant: ApiGrantFrame): void {
    const ch = this.channel(grant.channel);
    if (!ch || ch.grant) return;
    ch.grant = grant;
    this.tryLive(ch);
  }

  port(channel: string, port: MessagePort): void {
    const ch = this.channel(channel);
    if (!ch || ch.port) {
      port.close();
      return;
    }
    ch.port = port;
    port.onmessage = (event: MessageEvent) => this.fromPort(ch, event.data);
    this.tryLive(ch);
  }

  /** The core: the peer sends over the port from here on. */
  handover(channel: string): void {
    const ch = this.channel(channel);
    if (!ch || ch.peerLive) return;
    ch.peerLive = true;
    for (const data of ch.held.splice(0)) this.deliver(ch, data);
  }

  /** The core revoked the channel, or the shell closed its port. */
  end(channel: string): void {
    this.remember(channel);
    const ch = this.channels.get(channel);
    if (!ch) return;
    this.channels.delete(channel);
    this.unroute(ch);
    this.flushChannel(ch);
    // What the peer sent before the end still reaches the app (its order no longer matters to anyone gone).
    for (const data of ch.held.splice(0)) this.deliver(ch, data);
    ch.port?.close();
    this.report(ch);
    if (this.channels.size === 0) this.stopTimer();
  }

  /** The link to the core dropped or the app is replaced: every channel ends here. */
  endAll(): void {
    for (const id of [...this.channels.keys()]) this.end(id);
  }

  /** An app string (size and source already checked): true when it went over a port, false when the core takes it. */
  fromApp(text: string): boolean {
    if (this.liveCount === 0) return false;
    const m = readAppApiMessage(text);
    if (!m) return false;
    if (m.mt === 'ApiRequest') {
      const ch = m.provider === undefined ? this.toDefault.get(m.api) : this.toProvider.get(m.api)?.get(m.provider);
      if (!ch?.port || ch.grant?.role !== 'consumer') return false;
      const request: DirectApiRequest = { consumer: ch.grant.self, api: ch.grant.api, src: m.src, msg: m.msg };
      this.send(ch, request);
      return true;
    }
    const ch = this.toConsumer.get(m.api)?.get(m.consumer);
    if (!ch?.port || ch.grant?.role !== 'provider') return false;
    const result: DirectApiResult = { api: ch.grant.api, src: m.src, msg: m.msg };
    this.send(ch, result);
    return true;
  }

  private send(ch: Channel, message: DirectApiRequest | DirectApiResult): void {
    ch.outbox.push(message);
    ch.sent++;
    if (this.flushPending) return;
    this.flushPending = true;
    this.flusher.port2.postMessage(0);
  }

  private flush(): void {
    this.flushPending = false;
    for (const ch of this.channels.values()) this.flushChannel(ch);
  }

  private flushChannel(ch: Channel): void {
    if (ch.outbox.length === 0) return;
    ch.port?.postMessage(ch.outbox.splice(0));
  }

  private remember(id: string): void {
    this.ended.delete(id);
    this.ended.add(id);
    if (this.ended.size > MAX_ENDED) this.ended.delete(this.ended.values().next().value!);
  }

  private channel(id: string): Channel | undefined {
    let ch = this.channels.get(id);
    if (ch) return ch;
    // The port and the core's frames come by different ways: one may come after the end.
    if (this.ended.has(id) || this.channels.size >= MAX_CHANNELS) return undefined;
    ch = { id, grant: undefined, port: undefined, live: false, peerLive: false, held: [], outbox: [], sent: 0, received: 0 };
    this.channels.set(id, ch);
    this.timer ??= setInterval(() => this.reportAll(), trafficReportMs);
    return ch;
  }

  private tryLive(ch: Channel): void {
    const g = ch.grant;
    if (!g || !ch.port || ch.live) return;
    ch.live = true;
    this.liveCount++;
    // The core hears first; everything this page sends for the pair after this goes over the port.
    this.deps.toCore({ kind: 'handover', channel: ch.id });
    if (g.role === 'consumer') {
      let byProvider = this.toProvider.get(g.api);
      if (!byProvider) this.toProvider.set(g.api, (byProvider = new Map()));
      byProvider.set(g.peer, ch);
      if (g.defaultProvider) this.toDefault.set(g.api, ch);
    } else {
      let byConsumer = this.toConsumer.get(g.api);
      if (!byConsumer) this.toConsumer.set(g.api, (byConsumer = new Map()));
      byConsumer.set(g.peer, ch);
    }
  }

  private unroute(ch: Channel): void {
    if (!ch.live || !ch.grant) return;
    ch.live = false;
    this.liveCount--;
    const g = ch.grant;
    if (g.role === 'consumer') {
      if (this.toProvider.get(g.api)?.get(g.peer) === ch) this.toProvider.get(g.api)!.delete(g.peer);
      if (this.toDefault.get(g.api) === ch) this.toDefault.delete(g.api);
    } else if (this.toConsumer.get(g.api)?.get(g.peer) === ch) this.toConsumer.get(g.api)!.delete(g.peer);
  }

  /** A batch from the peer page (an array of messages, in order). */
  private fromPort(ch: Channel, batch: unknown): void {
    if (this.channels.get(ch.id) !== ch || !Array.isArray(batch)) return;
    for (const data of batch as unknown[]) {
      if (!ch.peerLive || !ch.grant) {
        if (ch.held.length < MAX_HELD) ch.held.push(data);
        continue;
      }
      this.deliver(ch, data);
    }
  }

  /** To the app, exactly as the broker would build it, with the names of this page's grant. */
  private deliver(ch: Channel, data: unknown): void {
    const g = ch.grant;
    if (!g || typeof data !== 'object' || data === null) return;
    const d = data as Partial<Record<string, unknown>>;
    if (d.api !== g.api || (d.src !== undefined && typeof d.src !== 'string')) return;
    const src = d.src as string | undefined;
    let text: string;
    if (g.role === 'provider') {
      // The consumer page stamped its grant's name; it must be the one this grant names.
      if (d.consumer !== g.peer) return;
      text = apiRequestText(g.api, g.peer, src, d.msg);
    } else text = apiResultText(g.api, g.peer, src, d.msg);
    this.deps.toApp(text);
    ch.received++;
    if (this.inspecting) this.deps.toCore({ kind: 'inspected', channel: ch.id, text });
  }

  private report(ch: Channel): void {
    if (ch.sent === 0 && ch.received === 0) return;
    this.deps.toCore({ kind: 'traffic', channel: ch.id, sent: ch.sent, received: ch.received });
    ch.sent = 0;
    ch.received = 0;
  }

  private reportAll(): void {
    for (const ch of this.channels.values()) this.report(ch);
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
