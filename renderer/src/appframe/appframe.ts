/**
 * The app-frame page (docs/architecture.md, "The app view"): one per app view, framed by
 * the UI as `appframe.html?view=<viewId>&token=<token>`. It decides nothing. Over its own
 * WebSocket (`appFrameBridgePath`, bound to the view by the shell) the core tells it which
 * app to show (`load`) and what to post to it (`post`); the page answers with the app's
 * string messages and whether its iframe loaded.
 *
 * Security (docs: security.md, controls 3, 7 and 8):
 * - ONE app iframe, sandboxed without `allow-top-navigation`, so neither an app nor a plain
 *   website can navigate this page or the UI; no permissions are delegated to it (`allow`
 *   is left empty, the apps' grants are decided elsewhere); no referrer (our URLs carry the
 *   token).
 * - Only strings whose `event.source` is that iframe's window are relayed (control 7):
 *   messages of nested frames of the app, of the UI, of any other window, and non-strings
 *   are dropped and counted in `window.__appFrameDropped`.
 * - Plain websites (control 8): no message listener at all, and nothing is ever posted.
 * - An App URL of our own origin is refused: with `allow-same-origin` it could reach into
 *   this page and lift its own sandbox.
 */
import { appFrameBridgePath, type FromAppFrame, type ToAppFrame } from '../../../main/core/bridge/app-frame.js';
import './appframe.css';

declare global {
  interface Window {
    /** App-frame page: messages dropped by the source/type check (control 7), for tests and diagnostics. */
    __appFrameDropped?: number;
  }
}

/** An app iframe that has not fired `load` by then is reported failed (it may still load later). */
const loadTimeoutMs = 15_000;
const sandboxFlags = 'allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads';
/** The shell relays nothing longer (main/web/app-frame-socket.ts); dropped here rather than costing the connection. */
const maxMessageBytes = 1024 * 1024;
const firstRetryMs = 250;
const maxRetryMs = 5000;
/** Frames kept for the core while the socket is down; later ones are dropped. */
const maxQueued = 512;

type Load = Extract<ToAppFrame, { kind: 'load' }>;

interface AppView {
  frame: HTMLIFrameElement;
  load: Load;
  status: 'loading' | 'loaded' | 'failed';
  reason: string;
  timer: number | undefined;
}

/** `connecting` → `open`; `lost` after an open socket dropped; `refused` when a connection never opened. */
type SocketState = 'connecting' | 'open' | 'lost' | 'refused';

const params = new URLSearchParams(window.location.search);
const socketUrl =
  `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}${appFrameBridgePath}` +
  `?view=${encodeURIComponent(params.get('view') ?? '')}&token=${encodeURIComponent(params.get('token') ?? '')}`;

let view: AppView | undefined;
let socket: WebSocket | undefined;
let everOpened = false;
/** Set on a reconnect until its first `load`: the core may name the app that is already shown. */
let reattaching = false;
let retryMs = firstRetryMs;
const queue: FromAppFrame[] = [];

window.__appFrameDropped = 0;
connect();

function connect(): void {
  const ws = new WebSocket(socketUrl);
  socket = ws;
  let opened = false;
  setSocketState('connecting');
  ws.onopen = () => {
    opened = true;
    reattaching = everOpened;
    everOpened = true;
    retryMs = firstRetryMs;
    setSocketState('open');
    for (const frame of queue.splice(0)) ws.send(JSON.stringify(frame));
  };
  ws.onmessage = (message) => {
    if (typeof message.data === 'string') receive(message.data);
  };
  // 'error' is always followed by 'close': reconnecting is handled in one place. A refused
  // connection cannot carry a frame, so the page can only keep trying (the view may not be
  // registered yet) and say so in its state.
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = undefined;
    setSocketState(opened ? 'lost' : 'refused');
    window.setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, maxRetryMs);
  };
}

function setSocketState(state: SocketState): void {
  document.documentElement.dataset.bridge = state;
}

function send(frame: FromAppFrame): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  else if (queue.length < maxQueued) queue.push(frame);
}

function receive(data: string): void {
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return; // Not a frame of ours: the core sends only JSON.
  }
  const f = frame as Partial<Record<string, unknown>> | null;
  if (f?.kind === 'load' && typeof f.url === 'string' && typeof f.website === 'boolean' && typeof f.title === 'string') {
    onLoad({ kind: 'load', url: f.url, website: f.website, title: f.title });
  } else if (f?.kind === 'post' && typeof f.text === 'string') {
    post(f.text);
  }
}

function onLoad(load: Load): void {
  const again = reattaching && view !== undefined && view.load.url === load.url && view.load.website === load.website;
  reattaching = false;
  if (again && view) {
    // The socket came back, the app did not go away: keep it running, tell the new link where it stands.
    view.load = load;
    view.frame.title = load.title;
    if (view.status === 'loaded') send({ kind: 'loaded' });
    else if (view.status === 'failed') send({ kind: 'failed', reason: view.reason });
    return;
  }
  show(load);
}

/** (Re)create the one app iframe; a `load` on the same connection is a reload. */
function show(load: Load): void {
  removeView();
  const refused = refusedUrl(load.url);
  if (refused) {
    send({ kind: 'failed', reason: refused });
    return;
  }
  const frame = document.createElement('iframe');
  frame.title = load.title;
  // Sandbox and referrer policy first: both apply from the iframe's first navigation.
  frame.setAttribute('sandbox', sandboxFlags);
  frame.referrerPolicy = 'no-referrer';
  // Exactly as given: the core built the URL (parameters included).
  frame.src = load.url;
  const current: AppView = { frame, load, status: 'loading', reason: '', timer: undefined };
  frame.addEventListener('load', () => {
    if (view !== current || current.status === 'loaded') return;
    window.clearTimeout(current.timer);
    current.status = 'loaded';
    send({ kind: 'loaded' });
  });
  current.timer = window.setTimeout(() => {
    if (view !== current || current.status !== 'loading') return;
    current.status = 'failed';
    current.reason = `The app did not load within ${loadTimeoutMs / 1000} seconds.`;
    send({ kind: 'failed', reason: current.reason });
  }, loadTimeoutMs);
  view = current;
  if (!load.website) window.addEventListener('message', onMessage);
  document.body.append(frame);
}

function removeView(): void {
  window.removeEventListener('message', onMessage);
  if (!view) return;
  window.clearTimeout(view.timer);
  view.frame.remove();
  view = undefined;
}

/** Why an App URL is not shown, or undefined if it may be. */
function refusedUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'The app address is not a valid URL.';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'The app address is not an http or https URL.';
  if (parsed.origin === window.location.origin) return 'The app address is the address of myApps itself.';
  return undefined;
}

/** Installed only while an app (not a website) is shown. */
function onMessage(event: MessageEvent): void {
  const appWindow = view && !view.load.website ? view.frame.contentWindow : null;
  if (appWindow === null || event.source !== appWindow || typeof event.data !== 'string' || tooLong(event.data)) {
    window.__appFrameDropped = (window.__appFrameDropped ?? 0) + 1;
    return;
  }
  send({ kind: 'message', text: event.data });
}

function post(text: string): void {
  if (!view || view.load.website) return;
  view.frame.contentWindow?.postMessage(text, '*');
}

/** Longer than `maxMessageBytes` in UTF-8, counted without encoding the string. */
function tooLong(s: string): boolean {
  if (s.length * 3 <= maxMessageBytes) return false; // Small enough whatever its characters.
  let bytes = 0;
  for (let i = 0; i < s.length && bytes <= maxMessageBytes; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // A surrogate pair; a lone surrogate counts 3, like its replacement character.
      i++;
    } else bytes += 3;
  }
  return bytes > maxMessageBytes;
}
