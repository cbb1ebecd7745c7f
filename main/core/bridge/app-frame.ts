/**
 * The app-frame contract: one app-frame page per app view hosts the app's iframe and relays
 * its string messages (architecture.md, "The app view"). The core decides everything; the page
 * only creates the iframe it is told to, forwards strings whose `event.source` is that iframe,
 * and posts the strings the core sends back.
 *
 * One page, two transports (renderer/src/appframe/):
 * - browser shell: the page is `appFramePagePath?view=<viewId>&token=<token>`, framed by the UI,
 *   and talks to the core over its own WebSocket at `appFrameBridgePath?view=<viewId>&token=<token>`;
 *   the socket opened for a view speaks for that view.
 * - Electron: the page is top-level in the app's own WebContentsView and talks over IPC
 *   (`ipcChannels.appFrameUp` / `appFrameDown`, one string per message each way); the view's
 *   web contents is its identity, bound by the main process — nothing the page says changes it.
 *   The page says `hello` whenever it (re)starts; the main process then (re)attaches it.
 *
 * The frame validation below is pure (no Node API) so both shells and the page load it.
 */

import { jsonNestsDeeperThan } from '../protocol/validate.js';
import { validChannelId } from './api-direct.js';
import { isConsoleLevel, maxConsoleSourceChars } from './console-lines.js';
import type { ConsoleLevel } from '../inspector/entries.js';
import type { Shortcut } from './shortcuts.js';

export const appFramePagePath = '/appframe.html';
export const appFrameBridgePath = '/app-bridge';

/** Core → app-frame page. */
export type ToAppFrame =
  /**
   * Create (or re-create, on reload) the app iframe at `url`. Plain websites: no messages at all.
   * `allow`: the iframe's permissions policy (`allow` attribute), decided by the core per app.
   */
  | { kind: 'load'; url: string; website: boolean; title: string; allow: string }
  /** Post this string to the app iframe (`postMessage(text, '*')`). */
  | { kind: 'post'; text: string }
  /** A direct Client API channel for one (consumer, provider, API) (api-direct.ts); its port comes from the shell. */
  | ApiGrantFrame
  /** The channel is over: its messages go through the core again. */
  | { kind: 'revoke'; channel: string }
  /** The peer page sends this channel's messages over the port from here on: everything before came through the core. */
  | { kind: 'handover'; channel: string }
  /**
   * The message inspector records (`on`) or not: while on, the page reports a copy of each
   * direct-channel message it delivers to its app (`inspected`); off, it reports nothing.
   */
  | { kind: 'inspect'; on: boolean };

/**
 * Consumer side: stamp requests with `self` (the consumer's own name as the core knows it) and
 * send those for `peer` — or without a provider, when `defaultProvider` says the core resolves
 * the API to `peer` — over the port. Provider side: `peer` is the consumer whose results go back.
 */
export type ApiGrantFrame =
  | { kind: 'grant'; channel: string; api: string; role: 'consumer'; peer: string; self: string; defaultProvider: boolean }
  | { kind: 'grant'; channel: string; api: string; role: 'provider'; peer: string };

/** App-frame page → core. */
export type FromAppFrame =
  /** A string the app iframe posted to its parent. */
  | { kind: 'message'; text: string }
  /** The app iframe finished loading (`load` event) or failed to. */
  | { kind: 'loaded' }
  | { kind: 'failed'; reason: string }
  /** From here on this page sends the channel's messages over its port (the core tells the peer page, in order). */
  | { kind: 'handover'; channel: string }
  /** Direct messages this page sent and received on the channel since its last report. */
  | { kind: 'traffic'; channel: string; sent: number; received: number }
  /** While the inspector records: the string this page posted to its app from the direct channel `channel` (a copy; the core checks it against the grant). */
  | { kind: 'inspected'; channel: string; text: string }
  /** The user pressed one of the client's shortcuts while the focus was in this page (not in the app's frame, which the page cannot hear). */
  | { kind: 'shortcut'; shortcut: Shortcut }
  /**
   * A line the app wrote to its console (console-lines.ts): from the page (browser shell, our
   * `ConsoleLog` extension) or made by the Electron shell from the view's `console-message`.
   */
  | { kind: 'console'; level: ConsoleLevel; text: string; source?: string };

/** IPC transport only: the page started (or restarted) and asks to be attached to its view. */
export type AppFrameHello = { kind: 'hello' };

/** What a shell needs from the core to serve one app-frame connection. */
export interface AppFrameHost {
  /**
   * Bind a new app-frame connection to view `viewId`; `send` delivers frames to the page.
   * Undefined: no such view (the shell refuses the connection).
   */
  attachAppFrame(viewId: string, send: (frame: ToAppFrame) => void): AppFrameLink | undefined;
}

export interface AppFrameLink {
  receive(frame: FromAppFrame): void;
  /** The page went away (closed, reloaded, crashed). */
  detach(): void;
}

// ------------------------------------------------------------------ limits and validation

/** Longest app message relayed, in UTF-8 bytes; the app-frame page drops longer ones itself. */
export const maxAppMessageBytes = 1024 * 1024;
/** Longest failure reason, in UTF-8 bytes. */
export const maxFailureReasonBytes = 1024;
/** JSON escaping can make a frame up to six times its text (`\u0001`): room for the longest valid one. */
export const maxAppFrameBytes = 6 * maxAppMessageBytes + 1024;
/** View ids are minted by the core (`text(128)` in the commands): longer or odd ones are refused unseen. */
const viewIdPattern = /^[\x21-\x7e]{1,128}$/;

export function validViewId(viewId: unknown): viewId is string {
  return typeof viewId === 'string' && viewIdPattern.test(viewId);
}

/**
 * Whether `s` is longer than `max` bytes in UTF-8, counted without encoding it (a lone
 * surrogate counts 3, like the replacement character it becomes).
 */
export function utf8LongerThan(s: string, max: number): boolean {
  if (s.length * 3 <= max) return false; // Small enough whatever its characters.
  if (s.length > max) return true; // At least one byte per UTF-16 unit.
  let bytes = 0;
  for (let i = 0; i < s.length && bytes <= max; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes > max;
}

export type AppFrameParse<F = FromAppFrame> = { ok: true; frame: F } | { ok: false; error: string };

/**
 * Read a frame from an app-frame page (text of a WebSocket frame or of an IPC message). Only
 * the fields of the contract survive: the frame handed on is built here, so an extra field
 * (a `viewId`, an `app`) never reaches the core. `hello` is accepted only where the
 * transport uses it (IPC).
 */
export function parseAppFrame(text: unknown): AppFrameParse;
export function parseAppFrame(text: unknown, options: { hello: true }): AppFrameParse<FromAppFrame | AppFrameHello>;
export function parseAppFrame(text: unknown, options: { hello?: boolean } = {}): AppFrameParse<FromAppFrame | AppFrameHello> {
  if (typeof text !== 'string') return { ok: false, error: 'frame is not a string' };
  if (utf8LongerThan(text, maxAppFrameBytes)) return { ok: false, error: 'frame over the size limit' };
  if (text.startsWith(messageFramePrefix)) {
    // The app's own text, as it posted it: not wrapped, not escaped.
    const body = text.slice(messageFramePrefix.length);
    if (utf8LongerThan(body, maxAppMessageBytes)) return { ok: false, error: 'message text over 1 MiB' };
    return { ok: true, frame: { kind: 'message', text: body } };
  }
  if (jsonNestsDeeperThan(text)) return { ok: false, error: 'frame nested too deeply' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'frame is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'frame is not an object' };
  const field = (name: string): unknown => (Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined);
  switch (field('kind')) {
    case 'message': {
      const body = field('text');
      if (typeof body !== 'string') return { ok: false, error: 'message has no text' };
      if (utf8LongerThan(body, maxAppMessageBytes)) return { ok: false, error: 'message text over 1 MiB' };
      return { ok: true, frame: { kind: 'message', text: body } };
    }
    case 'loaded':
      return { ok: true, frame: { kind: 'loaded' } };
    case 'failed': {
      const reason = field('reason');
      if (typeof reason !== 'string') return { ok: false, error: 'failure has no reason' };
      if (utf8LongerThan(reason, maxFailureReasonBytes)) return { ok: false, error: 'failure reason over 1 KiB' };
      return { ok: true, frame: { kind: 'failed', reason } };
    }
    case 'handover': {
      const channel = field('channel');
      if (!validChannelId(channel)) return { ok: false, error: 'handover without a valid channel' };
      return { ok: true, frame: { kind: 'handover', channel } };
    }
    case 'traffic': {
      const channel = field('channel');
      const sent = field('sent');
      const received = field('received');
      if (!validChannelId(channel)) return { ok: false, error: 'traffic without a valid channel' };
      if (!validCount(sent) || !validCount(received)) return { ok: false, error: 'traffic counts are not counts' };
      return { ok: true, frame: { kind: 'traffic', channel, sent, received } };
    }
    case 'inspected': {
      const channel = field('channel');
      const body = field('text');
      if (!validChannelId(channel)) return { ok: false, error: 'inspected without a valid channel' };
      if (typeof body !== 'string') return { ok: false, error: 'inspected has no text' };
      if (utf8LongerThan(body, maxAppMessageBytes)) return { ok: false, error: 'inspected text over 1 MiB' };
      return { ok: true, frame: { kind: 'inspected', channel, text: body } };
    }
    case 'shortcut': {
      const shortcut = field('shortcut');
      if (shortcut !== 'search') return { ok: false, error: 'unknown shortcut' };
      return { ok: true, frame: { kind: 'shortcut', shortcut } };
    }
    case 'console': {
      const level = field('level');
      const line = field('text');
      const source = field('source');
      if (!isConsoleLevel(level)) return { ok: false, error: 'console line without a valid level' };
      if (typeof line !== 'string') return { ok: false, error: 'console line has no text' };
      if (utf8LongerThan(line, maxAppMessageBytes)) return { ok: false, error: 'console line over 1 MiB' };
      if (source !== undefined && (typeof source !== 'string' || source.length > maxConsoleSourceChars)) return { ok: false, error: 'console line source is not a short string' };
      return { ok: true, frame: { kind: 'console', level, text: line, ...(source !== undefined && { source }) } };
    }
    case 'hello':
      if (options.hello) return { ok: true, frame: { kind: 'hello' } };
      return { ok: false, error: 'unknown frame kind' };
    default:
      return { ok: false, error: 'unknown frame kind' };
  }
}

// ------------------------------------------------------------------ wire format, page → core

/**
 * A `message` frame on the wire is `m` followed by the app's text as it is; every other kind
 * is its JSON object (`{"kind":…}`, which is also still read for `message`). Whatever a page
 * queues within one tick goes as ONE transport message: a single frame as it is, several as
 * `<length>:<frame>` one after the other (length in UTF-16 code units, decimal) — a single
 * frame never starts with a digit, so the two cannot be confused.
 */
export const messageFramePrefix = 'm';
/** Frames one transport message may carry. */
export const maxFramesPerBatch = 4096;

export function encodeFromAppFrame(frame: FromAppFrame | AppFrameHello): string {
  return frame.kind === 'message' ? messageFramePrefix + frame.text : JSON.stringify(frame);
}

/** One transport message for the frames of one tick (see `messageFramePrefix`). */
export function batchAppFrames(frames: readonly string[]): string {
  return frames.length === 1 ? frames[0]! : frames.map((f) => `${f.length}:${f}`).join('');
}

export interface FrameBatcher {
  /** One encoded frame (`encodeFromAppFrame` / `encodeToAppFrame`), sent with the rest of this tick's. */
  push(encoded: string): void;
  /** Send what waits now (a transport that just opened). */
  flush(): void;
}

/**
 * Frames for the other side, sent at most once per tick, the same way on every transport (the
 * page's WebSocket and IPC, the browser shell's socket, the Electron relay): whatever is pushed
 * within one task goes as ONE transport message (`batchAppFrames`), split only where a batch would
 * pass the size or count limit. `schedule` runs the flush after the current task (`setTimeout` in
 * a page, `setImmediate` in Node). `write` is called only while `canWrite()` (asked before each
 * message); until then frames wait, up to `maxWaiting` — more are dropped.
 */
export function createFrameBatcher(options: { write(text: string): void; canWrite(): boolean; maxWaiting: number; schedule(run: () => void): void }): FrameBatcher {
  const { write, canWrite, maxWaiting, schedule } = options;
  const waiting: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    while (waiting.length > 0 && canWrite()) {
      let units = 0;
      let n = 0;
      // At least one frame per message; a frame is at most maxAppFrameBytes itself.
      while (n < waiting.length && n < maxFramesPerBatch && (n === 0 || (units + waiting[n]!.length + 12) * 3 <= maxAppFrameBytes)) units += waiting[n++]!.length + 12;
      write(batchAppFrames(waiting.splice(0, n)));
    }
  };
  return {
    push(encoded) {
      if (waiting.length >= maxWaiting && !canWrite()) return;
      waiting.push(encoded);
      if (!scheduled && canWrite()) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
  };
}

/**
 * Split one transport message into its frames, checking only the framing (each frame is then
 * read by `parseAppFrame`). A malformed batch is refused whole: nothing in it is trusted.
 */
export function splitAppFrames(text: unknown): { ok: true; frames: string[] } | { ok: false; error: string } {
  if (typeof text !== 'string') return { ok: false, error: 'frame is not a string' };
  const first = text.charCodeAt(0);
  if (!(first >= 0x30 && first <= 0x39)) return { ok: true, frames: [text] };
  if (utf8LongerThan(text, maxAppFrameBytes)) return { ok: false, error: 'batch over the size limit' };
  const frames: string[] = [];
  let at = 0;
  while (at < text.length) {
    const colon = text.indexOf(':', at);
    const digits = colon < 0 ? '' : text.slice(at, colon);
    if (!/^[1-9][0-9]{0,7}$/.test(digits)) return { ok: false, error: 'batch has a malformed length' };
    const length = Number(digits);
    if (colon + 1 + length > text.length) return { ok: false, error: 'batch ends inside a frame' };
    if (frames.length >= maxFramesPerBatch) return { ok: false, error: 'batch has too many frames' };
    frames.push(text.slice(colon + 1, colon + 1 + length));
    at = colon + 1 + length;
  }
  return { ok: true, frames };
}

// ------------------------------------------------------------------ wire format, core → page

/** A `post` frame on the wire is `p` followed by the string for the app as it is; other kinds JSON. */
export const postFramePrefix = 'p';

export function encodeToAppFrame(frame: ToAppFrame): string {
  return frame.kind === 'post' ? postFramePrefix + frame.text : JSON.stringify(frame);
}

/** Every well-formed frame of one transport message from the core, in order (a malformed batch: none). */
export function decodeToAppFrames(text: unknown): ToAppFrame[] {
  const batch = splitAppFrames(text);
  if (!batch.ok) return [];
  const frames: ToAppFrame[] = [];
  for (const f of batch.frames) {
    const frame = parseToAppFrame(f);
    if (frame) frames.push(frame);
  }
  return frames;
}

/**
 * Read a frame from the core on the page's side. The page trusts its transport no more than
 * it must: anything but a well-formed `load` or `post` is ignored.
 */
export function parseToAppFrame(text: unknown): ToAppFrame | undefined {
  if (typeof text !== 'string') return undefined;
  if (text.startsWith(postFramePrefix)) return { kind: 'post', text: text.slice(postFramePrefix.length) };
  let f: unknown;
  try {
    f = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof f !== 'object' || f === null) return undefined;
  const r = f as Partial<Record<string, unknown>>;
  if (r.kind === 'load' && typeof r.url === 'string' && typeof r.website === 'boolean' && typeof r.title === 'string') {
    return { kind: 'load', url: r.url, website: r.website, title: r.title, allow: typeof r.allow === 'string' ? r.allow : '' };
  }
  if (r.kind === 'post' && typeof r.text === 'string') return { kind: 'post', text: r.text };
  if ((r.kind === 'revoke' || r.kind === 'handover') && validChannelId(r.channel)) return { kind: r.kind, channel: r.channel };
  if (r.kind === 'inspect' && typeof r.on === 'boolean') return { kind: 'inspect', on: r.on };
  if (r.kind === 'grant' && validChannelId(r.channel) && typeof r.api === 'string' && typeof r.peer === 'string') {
    if (r.role === 'provider') return { kind: 'grant', channel: r.channel, api: r.api, role: 'provider', peer: r.peer };
    if (r.role === 'consumer' && typeof r.self === 'string' && typeof r.defaultProvider === 'boolean') {
      return { kind: 'grant', channel: r.channel, api: r.api, role: 'consumer', peer: r.peer, self: r.self, defaultProvider: r.defaultProvider };
    }
  }
  return undefined;
}

/** A message count in a `traffic` frame: a whole number a page could have counted. */
function validCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/**
 * What the app-view preload exposes to the app-frame page in Electron, as `window.myappsAppFrame`:
 * one channel each way, strings only. The page picks this transport when it exists.
 */
export interface AppFrameApi {
  send(text: string): void;
  /** Returns the unsubscribe function. */
  onFrame(listener: (text: string) => void): () => void;
}
