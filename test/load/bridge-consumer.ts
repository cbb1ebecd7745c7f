/**
 * What the UI does with the bridge, without a browser: a real WebSocket to the browser shell
 * (token, Origin), `getSnapshot` on open, then every event read and applied to the snapshot
 * with the contract's own reducer (`applyEvent`), as renderer/src/store.ts does.
 *
 * Memory stays flat however long it runs: counters, and fixed histograms of delivery latency
 * read from presence notes (latency.ts): from the driver's send, and from the emulator's hook.
 */
import WebSocket from 'ws';
import { webBridgePath, type WebBridgeFrame } from '../../main/core/bridge/channels.js';
import { applyEvent, type BridgeEvent } from '../../main/core/bridge/events.js';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { clockMs, LatencyHistogram, noteTimes } from './latency.js';

export class BridgeConsumer {
  snapshot: Snapshot | undefined;
  /** Events read, by type. */
  readonly events = new Map<BridgeEvent['type'], number>();
  frames = 0;
  closed = false;
  /** Driver's send → the bridge: the emulator's queue included. */
  readonly endToEnd = new LatencyHistogram();
  /** Emulator's hook → the bridge: the PBX WebSocket, the core, the coalescer, the bridge WebSocket. */
  readonly fromPbx = new LatencyHistogram();
  private changed: (() => void)[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.receive(String(data)));
    ws.on('close', () => {
      this.closed = true;
      this.wake();
    });
    ws.on('error', () => {});
  }

  static async connect(shell: { port: number; token: string; origin: string }): Promise<BridgeConsumer> {
    const ws = new WebSocket(`ws://127.0.0.1:${shell.port}${webBridgePath}?token=${encodeURIComponent(shell.token)}`, { headers: { Origin: shell.origin }, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const consumer = new BridgeConsumer(ws);
    // As the UI: ask for the whole state first; events before it arrives carry nothing to apply to.
    ws.send(JSON.stringify({ kind: 'command', id: 1, command: { type: 'getSnapshot' } } satisfies WebBridgeFrame));
    return consumer;
  }

  count(type: BridgeEvent['type']): number {
    return this.events.get(type) ?? 0;
  }

  /** Resolves when `pred` holds for the snapshot (checked after every frame); rejects after `ms`. */
  until(pred: (s: Snapshot) => boolean, ms: number, what: string): Promise<Snapshot> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.snapshot && pred(this.snapshot)) {
          clearTimeout(timer);
          resolve(this.snapshot);
          return true;
        }
        if (this.closed) {
          clearTimeout(timer);
          reject(new Error(`bridge closed while waiting for ${what}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        this.changed = this.changed.filter((w) => w !== waiter);
        reject(new Error(`bridge: no ${what} within ${ms} ms`));
      }, ms);
      const waiter = () => {
        if (!check()) this.changed.push(waiter);
      };
      waiter();
    });
  }

  close(): void {
    this.ws.terminate();
  }

  private receive(text: string): void {
    this.frames++;
    const frame = JSON.parse(text) as WebBridgeFrame;
    if (frame.kind === 'result') {
      if (frame.id === 1 && frame.result.ok) this.snapshot = frame.result.value as Snapshot;
    } else if (frame.kind === 'event') {
      const event = frame.event;
      this.events.set(event.type, (this.events.get(event.type) ?? 0) + 1);
      if (event.type === 'snapshot') this.snapshot = event.snapshot;
      else if (this.snapshot) this.snapshot = applyEvent(this.snapshot, event);
      if (event.type === 'presence') {
        const times = noteTimes(event.presence.note);
        if (times) {
          const now = clockMs();
          this.endToEnd.add(now - times.sent);
          if (times.pbx !== undefined) this.fromPbx.add(now - times.pbx);
        }
      }
    }
    this.wake();
  }

  private wake(): void {
    if (this.changed.length === 0) return;
    const waiters = this.changed;
    this.changed = [];
    for (const w of waiters) w();
  }
}
