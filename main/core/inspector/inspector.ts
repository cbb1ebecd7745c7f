/**
 * The developer-mode message inspector's core half (README, "For app developers"). While at
 * least one inspector panel is open — and only while developer mode is on and IT allows it —
 * the core copies every message between an app and the client (and Client API messages between
 * apps, also those the app-frame pages carry on the direct path) into a bounded ring buffer,
 * redacted, and streams them to the UI in batches. Closed, nothing is parsed, copied or kept:
 * the taps in the app host are one null check (`InspectorTapRef.current`).
 *
 * Console capture adds its lines through `record`, the one way in for entries made elsewhere.
 */
import { redact } from '../common/log.js';
import type { Effective } from '../config/effective.js';
import { MAX_JSON_DEPTH, jsonNestsDeeperThan } from '../protocol/validate.js';
import type { InspectorApp, InspectorConsoleLine, InspectorEntry, InspectorMessage } from './entries.js';
import { RingBuffer } from './ring-buffer.js';

/** An entry as it is handed in: the inspector numbers it. */
export type InspectorRecord = Omit<InspectorMessage, 'seq'> | Omit<InspectorConsoleLine, 'seq'>;

/** What the app host calls on every message while the inspector records; `current` is undefined otherwise. */
export interface InspectorTap {
  /** A string an app posted, before the core reads it. */
  fromApp(app: InspectorApp, text: string): void;
  /** A string the core posts to `app`; `from`: the app whose Client API message it carries (the broker's). */
  toApp(app: InspectorApp, text: string, from?: InspectorApp): void;
  /** A copy the receiving app-frame page reported of what it posted to its app from a direct channel (checked by the host). */
  direct(sender: InspectorApp, receiver: InspectorApp, text: string): void;
  /** An entry made elsewhere (console capture): numbered and kept. */
  record(entry: InspectorRecord): InspectorEntry | undefined;
}

/** Held by the core and the app host: the tap while recording, else undefined. */
export interface InspectorTapRef {
  current: InspectorTap | undefined;
}

/** Entries kept; the UI keeps as many. */
export const INSPECTOR_CAPACITY = 5000;
/** The most the kept entries' texts may add up to (UTF-16 units): with their parsed copies, tens of MB at most. */
export const INSPECTOR_MAX_UNITS = 4 * 1024 * 1024;
/** What an entry costs beyond its text (its fields, the parsed object's overhead), in the same units. */
const ENTRY_OVERHEAD = 256;
/** Panels one core counts at once (each UI window opens one); more are refused. */
const MAX_PANELS = 16;

export interface InspectorDeps {
  /** Why the inspector may not record now (developer mode off, locked by IT); undefined: it may. */
  refusal(): string | undefined;
  /** Recording starts or stops (the core installs the tap and tells the app-frame pages). */
  recording(on: boolean): void;
  /** New entries for the UI, at most one batch per `batchMs`. */
  publish(entries: InspectorEntry[]): void;
  now?(): number;
  capacity?: number;
  maxUnits?: number;
  batchMs?: number;
}

export class Inspector implements InspectorTap {
  /** Open panels by the id their UI gave them: opening twice (a reconnecting UI) counts once. */
  private readonly panels = new Set<string>();
  private readonly buffer: RingBuffer<InspectorEntry>;
  /**
   * How many of the newest entries the UI has not been sent yet: they are the buffer's last ones,
   * so in a flood whatever the buffer dropped is simply not sent (no second list to trim).
   */
  private pending = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;

  constructor(private readonly deps: InspectorDeps) {
    this.buffer = new RingBuffer<InspectorEntry>(deps.capacity ?? INSPECTOR_CAPACITY, deps.maxUnits ?? INSPECTOR_MAX_UNITS, entryUnits);
  }

  get recording(): boolean {
    return this.panels.size > 0;
  }

  /** What the buffer holds now (oldest first). */
  entries(): InspectorEntry[] {
    return this.buffer.toArray();
  }

  /** The buffer's fill, for tests and the bench. */
  get held(): { entries: number; units: number } {
    return { entries: this.buffer.length, units: this.buffer.size };
  }

  /** A panel opens: recording starts with the first; the answer carries what was kept so far. */
  open(panel: string): { ok: true; entries: InspectorEntry[] } | { ok: false; error: string } {
    const refused = this.deps.refusal();
    if (refused !== undefined) return { ok: false, error: refused };
    if (!this.panels.has(panel) && this.panels.size >= MAX_PANELS) return { ok: false, error: `At most ${MAX_PANELS} inspector panels may be open at once.` };
    const was = this.recording;
    this.panels.add(panel);
    if (!was) this.deps.recording(true);
    return { ok: true, entries: this.entries() };
  }

  /** A panel closes: with the last, recording stops (what was kept stays for the next panel). */
  close(panel: string): void {
    if (!this.panels.delete(panel) || this.recording) return;
    this.stopRecording();
  }

  clear(): void {
    this.buffer.clear();
    this.pending = 0;
  }

  /** Developer mode went off (or IT locked it): every panel closes and what was kept goes. */
  stop(): void {
    if (!this.recording) return;
    this.panels.clear();
    this.stopRecording();
    this.clear();
  }

  /** Add an entry (console capture, the direct path); dropped unless recording. Returns it numbered. */
  record(entry: InspectorRecord): InspectorEntry | undefined {
    if (!this.recording) return undefined;
    const numbered = { ...entry, seq: ++this.seq } as InspectorEntry;
    if (!this.buffer.push(numbered)) return undefined;
    this.pending++;
    this.schedule();
    return numbered;
  }

  fromApp(app: InspectorApp, text: string): void {
    this.message('app→client', app, undefined, 'core', text);
  }

  toApp(app: InspectorApp, text: string, from?: InspectorApp): void {
    if (from) this.message('app→app', from, app, 'core', text);
    else this.message('client→app', app, undefined, 'core', text);
  }

  direct(sender: InspectorApp, receiver: InspectorApp, text: string): void {
    this.message('app→app', sender, receiver, 'direct', text);
  }

  private message(direction: InspectorMessage['direction'], app: InspectorApp, peer: InspectorApp | undefined, path: InspectorMessage['path'], text: string): void {
    if (!this.recording) return;
    const body = readBody(text);
    const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
    const api = fields?.api;
    const src = fields?.src;
    this.record({
      kind: 'message',
      time: this.now(),
      direction,
      app: { viewId: app.viewId, name: app.name },
      ...(peer && { peer: { viewId: peer.viewId, name: peer.name } }),
      path,
      mt: typeof fields?.mt === 'string' ? fields.mt : '',
      ...(typeof api === 'string' && { api }),
      ...((typeof src === 'string' || typeof src === 'number') && { src: String(src) }),
      size: text.length,
      body,
    });
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.flush(), this.deps.batchMs ?? 16);
    this.timer.unref?.();
  }

  private flush(): void {
    this.timer = undefined;
    if (this.pending === 0 || !this.recording) return;
    const batch = this.buffer.last(this.pending);
    this.pending = 0;
    this.deps.publish(batch);
  }

  private stopRecording(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = 0;
    this.deps.recording(false);
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

/**
 * Why the inspector may not record: it shows what apps and the client say to each other, so it
 * is a developer tool — off unless developer mode is on, which IT can lock off (a security key).
 */
export function inspectorRefusal(effective: Effective): string | undefined {
  if (effective.values.developerMode) return undefined;
  if (effective.locked.has('developerMode')) return 'The message inspector is not available: your IT department has turned developer mode off.';
  return 'The message inspector needs developer mode: turn it on in Settings.';
}

function entryUnits(entry: InspectorEntry): number {
  return (entry.kind === 'message' ? entry.size : entry.text.length) + ENTRY_OVERHEAD;
}

/**
 * The message as the inspector shows it: parsed and redacted as logs are (`common/log.ts`
 * `redact`: `digest`, `key`, `pwd`… at any depth a message can have), or the text itself when
 * it is not JSON. Text nested deeper than any valid message is not parsed at all.
 */
export function readBody(text: string): unknown {
  if (jsonNestsDeeperThan(text)) return '[not shown: nested too deeply]';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  // `redact` stops at depth 8 for log lines; started lower, it reaches every level a parsed message can have.
  return redact(value, 8 - MAX_JSON_DEPTH - 1);
}
