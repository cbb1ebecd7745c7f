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
  | { kind: 'post'; text: string };

/** App-frame page → core. */
export type FromAppFrame =
  /** A string the app iframe posted to its parent. */
  | { kind: 'message'; text: string }
  /** The app iframe finished loading (`load` event) or failed to. */
  | { kind: 'loaded' }
  | { kind: 'failed'; reason: string };

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
    case 'hello':
      if (options.hello) return { ok: true, frame: { kind: 'hello' } };
      return { ok: false, error: 'unknown frame kind' };
    default:
      return { ok: false, error: 'unknown frame kind' };
  }
}

/**
 * Read a frame from the core on the page's side. The page trusts its transport no more than
 * it must: anything but a well-formed `load` or `post` is ignored.
 */
export function parseToAppFrame(text: unknown): ToAppFrame | undefined {
  if (typeof text !== 'string') return undefined;
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
  return undefined;
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
