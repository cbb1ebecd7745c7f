/**
 * applib.js — the sample apps' app library: a small re-implementation, written from
 * docs/protocol/app-hosting.md §1–§3, of what innovaphone's lib1 and AppWebsocket Connection do
 * in an app page, so the client is tested against apps that behave like real ones.
 *
 * - `start`: URL parameters (lang, scheme, name, title, url, originalUrl; the rest in args/margs),
 *   values decoded with decodeURIComponent only ("+" stays "+", as in lib1).
 * - Every message goes to `window.parent` as a JSON string with target "*"; the first is
 *   {"mt":"Alive"}, posted while this module is evaluated, before any page code runs.
 * - Incoming: only string `event.data`; ApiUpdate/ApiResult/ApiRequest/ApiConsumerClosed only when
 *   `event.source` is `window.parent` (or `window.opener`); everything else from any source.
 * - AppWebsocket: AppChallenge → getLogin to the parent (never when top-level) → Login → AppLogin.
 * - Console: as lib1, when the user agent names myApps it takes `window.parent.console` if that
 *   is marked `custom` (only a same-origin parent can offer it). Otherwise, when the user agent
 *   names myApps or the page is framed, each console.debug/log/info/warn/error line is ALSO
 *   posted to the parent as `{"mt":"ConsoleLog","level","text"}` — OUR extension, not lib1's
 *   (main/core/bridge/console-lines.ts): how the browser shell captures the sample apps' consoles.
 *
 * Test hooks: `window.sampleApp` (see test/apps/hooks.ts for its shape).
 */
import { decryptHex, encryptHex, hashHex } from './appcrypto.js';

/** Messages lib1 takes only from the hosting window. */
const HOST_ONLY = new Set(['ApiUpdate', 'ApiResult', 'ApiRequest', 'ApiConsumerClosed']);

const topLevel = window.self === window.top;

const hooks = {
  /** Every value this page posted to its parent, in order (strings, or raw values from `post`). */
  sent: [],
  /** Every accepted message, parsed, in order. */
  received: [],
  /** Messages the library dropped: `{ data, reason }`. */
  ignored: [],
  /** Frames on the App Service websocket: `{ dir: 'out' | 'in', msg }`. */
  service: [],
  /** Post any value to the parent exactly as given (strings unchanged, objects as objects). */
  post: (raw) => postRaw(raw),
  topLevel,
};
window.sampleApp = hooks;
export { hooks };

function postRaw(data) {
  hooks.sent.push(data);
  window.parent.postMessage(data, '*');
}

/** lib1 `postClientMessage`: every app → client message. */
export function post(obj) {
  postRaw(JSON.stringify(obj));
}

// --- console ----------------------------------------------------------------------------------

/** Every ConsoleLog posted, in order (kept apart from `sent`, which tests compare message by message). */
hooks.consoleSent = [];
/** How the console reaches the client: 'borrowed' (lib1's hook), 'posted' (ConsoleLog), 'none' (top-level, no myApps). */
hooks.consoleCapture = captureConsole();

function consoleArg(value) {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.stack || `${value.name}: ${value.message}`;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // A cycle, a BigInt: as text.
  }
  return String(value);
}

function captureConsole() {
  const myApps = navigator.userAgent.includes('myApps');
  if (myApps) {
    try {
      // lib1 start(): a cross-origin parent throws here, which is swallowed.
      if (typeof window.parent.console !== 'undefined' && window.parent.console.custom) {
        window.console = window.parent.console;
        return 'borrowed';
      }
    } catch {
      // Not reachable: post instead.
    }
  }
  if (!myApps && topLevel) return 'none';
  const original = window.console;
  const wrapped = Object.create(original);
  for (const level of ['debug', 'log', 'info', 'warn', 'error']) {
    const print = original[level].bind(original);
    wrapped[level] = (...args) => {
      print(...args);
      const text = JSON.stringify({ mt: 'ConsoleLog', level, text: args.map(consoleArg).join(' ') });
      hooks.consoleSent.push(text);
      if (!topLevel) window.parent.postMessage(text, '*');
    };
  }
  window.console = wrapped;
  return 'posted';
}

// --- start: URL parameters --------------------------------------------------------------------

function baseUrl(href) {
  const htm = href.indexOf('.htm');
  let url = htm >= 0 ? href.slice(0, htm) : href.replace(/[?#].*$/, '');
  url = url.slice(0, url.lastIndexOf('/'));
  return url;
}

function parseStart() {
  const start = {
    lang: (navigator.language || 'en').split('-')[0].toLowerCase(),
    scheme: 'dark',
    name: undefined,
    title: undefined,
    url: undefined,
    originalUrl: undefined,
    args: {},
    margs: {},
    apis: {},
    defaultApiProviders: {},
  };
  for (const pair of location.search.slice(1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = pair.slice(0, eq);
    let value;
    try {
      value = decodeURIComponent(pair.slice(eq + 1));
    } catch {
      value = pair.slice(eq + 1);
    }
    if (key === 'lang' || key === 'scheme' || key === 'name' || key === 'title' || key === 'url' || key === 'originalUrl') start[key] = value;
    else {
      if (!(key in start.args)) start.args[key] = value;
      (start.margs[key] = start.margs[key] || []).push(value);
    }
  }
  start.url = baseUrl(start.url || location.href).replace('http', 'ws');
  start.originalUrl = baseUrl(start.originalUrl || location.href);
  return start;
}

export const start = parseStart();
hooks.start = start;

// --- events -----------------------------------------------------------------------------------

const listeners = new Map();

/**
 * Subscribe to `lang`, `scheme`, `args` (after SetLang/SetScheme/SetArgs updated `start`),
 * `apiupdate`, `menustate` (value), `message` (every accepted message).
 */
export function on(event, listener) {
  if (!listeners.has(event)) listeners.set(event, []);
  listeners.get(event).push(listener);
}

function emit(event, ...args) {
  for (const l of listeners.get(event) ?? []) {
    try {
      l(...args);
    } catch (e) {
      console.error(`sample app: ${event} listener failed`, e);
    }
  }
}

// --- actions ----------------------------------------------------------------------------------

/** Action ShowApp: no value = show this app; an app link opens that app; "@home" shows home. */
export function showApp(value) {
  post(value === undefined ? { mt: 'Action', type: 'ShowApp' } : { mt: 'Action', type: 'ShowApp', value });
}
export const bringToFront = () => post({ mt: 'Action', type: 'BringToFront' });
export const closeApp = () => post({ mt: 'Action', type: 'CloseApp' });
export const setBadge = (value) => post({ mt: 'Action', type: 'SetBadge', value });
export const setArgs = (args, title) => post({ mt: 'Action', type: 'SetArgs', args, title });
export const startActivity = () => post({ mt: 'Action', type: 'StartActivity' });
export const finishActivity = () => post({ mt: 'Action', type: 'FinishActivity' });
export const setMenuState = (value) => post({ mt: 'SetMenuState', value });

let prepareReload;
/** Ask the client for PrepareReload; `callback` runs then and must call prepareReloadComplete(). */
export function requestPrepareReload(callback) {
  prepareReload = callback;
  post({ mt: 'RequestPrepareReload' });
}
export const prepareReloadComplete = () => post({ mt: 'PrepareReloadComplete' });
/** When the client sends PrepareReload (before it reloads or moves the app): `callback` saves and must call prepareReloadComplete(). */
export function onPrepareReload(callback) {
  prepareReload = callback;
}

// --- Client APIs ------------------------------------------------------------------------------

let lastSrc = 0;
const requests = new Map(); // src -> { api, onResult }
const consumers = new Map(); // api -> { model, providers, defaultProvider, listeners }
const providers = new Map(); // api -> { onRequest, onClosed[] }
const consumerClosedListeners = [];

/**
 * Consume `api`: posts ConsumeApi and tracks the API's part of ApiUpdate. The returned object has
 * `model` (apis[api]), `providers` (its keys), `defaultProvider`, and `onupdate(listener)`.
 */
export function consumeApi(api) {
  let consumer = consumers.get(api);
  if (!consumer) {
    const ls = [];
    consumer = { api, model: {}, providers: [], defaultProvider: undefined, onupdate: (l) => ls.push(l), listeners: ls };
    consumers.set(api, consumer);
    updateConsumer(consumer);
  }
  post({ mt: 'ConsumeApi', api });
  return consumer;
}

function updateConsumer(consumer) {
  const model = start.apis?.[consumer.api] ?? {};
  const dflt = start.defaultApiProviders?.[consumer.api];
  if (JSON.stringify(model) === JSON.stringify(consumer.model) && dflt === consumer.defaultProvider) return;
  consumer.model = model;
  consumer.providers = Object.keys(model);
  consumer.defaultProvider = dflt;
  for (const l of consumer.listeners) l(consumer);
}

/**
 * lib1's `Src`: one `src` ("apisrc-<n>") for several ApiRequests of `api`; `onResult` gets every
 * ApiResult with that src: `{ provider, src, msg, errorText }`. `send(msg, provider, title)`:
 * provider is an app name, "*" (every provider) or undefined (the default provider).
 */
export function apiSrc(api, onResult) {
  const src = `apisrc-${++lastSrc}`;
  if (onResult) requests.set(src, { api, onResult });
  return {
    src,
    send(msg, provider, title) {
      const req = { mt: 'ApiRequest', api, src, msg };
      if (provider !== undefined) req.provider = provider;
      if (title !== undefined) req.title = title;
      post(req);
    },
    close: () => requests.delete(src),
  };
}

/** ApiRequest{api, provider, src, msg} on a fresh src (see {@link apiSrc}); returns the src. */
export function sendRequest(api, msg, provider, onResult, title) {
  const s = apiSrc(api, onResult);
  s.send(msg, provider, title);
  return s.src;
}

/** Stop routing results of `src` (e.g. after the final result). */
export const endRequest = (src) => requests.delete(src);

/**
 * Provide `api`: posts RegisterApi. `onRequest({ consumer, src, msg }, reply)` runs for every
 * ApiRequest of this api from the host; `reply(msg)` posts ApiResult{api, consumer, src, msg}.
 * Returns `{ setModel(model) /* ApiModel *\/, send(consumer, src, msg) /* ApiResult *\/ }`.
 */
export function registerApi(api, onRequest) {
  const send = (consumer, src, msg) => post({ mt: 'ApiResult', api, consumer, src, msg });
  providers.set(api, { onRequest, send });
  post({ mt: 'RegisterApi', api });
  return { api, send, setModel: (model) => post({ mt: 'ApiModel', api, model }), isDefault: () => start.defaultApiProviders?.[api] === start.name };
}

/** ApiConsumerClosed{api, consumer} for an api this page provides. */
export function onConsumerClosed(listener) {
  consumerClosedListeners.push(listener);
}

// --- channels ---------------------------------------------------------------------------------

let channelSrc = 0;
// Keys are String(src) / String(channel): lib1 compares with ==, so a host may echo 1 as "1".
const openers = new Map(); // src -> channel object (opener side, until connected/closed)
const channels = new Map(); // channel id -> channel object
let onopenchannel;

function channelObject(dst) {
  return {
    dst,
    channel: undefined,
    state: 'opening',
    onconnected: () => {},
    onmessage: () => {},
    onclosed: () => {},
    send(msg) {
      if (this.channel !== undefined && this.state === 'connected') post({ mt: 'ChannelMessage', channel: this.channel, msg });
    },
    close() {
      if (this.channel !== undefined && this.state === 'connected') post({ mt: 'ChannelClosed', channel: this.channel });
      this.state = 'closed';
      openers.delete(String(this.src));
      channels.delete(String(this.channel));
    },
  };
}

/** OpenChannel{src (a number, as lib1), dst, args}; the returned channel fires onconnected/onmessage/onclosed. */
export function openChannel(dst, args) {
  const src = ++channelSrc;
  const ch = channelObject(dst);
  ch.src = src;
  openers.set(String(src), ch);
  post({ mt: 'OpenChannel', src, dst, args });
  return ch;
}

/**
 * Handle incoming OpenChannel{channel, opener, args}: `handler({ channel, opener, args, accept, reject })`;
 * `accept()` posts ChannelConnected{channel} and returns the channel object. Without a handler every
 * incoming channel is rejected with ChannelClosed{channel} (lib1's default).
 */
export function setOnOpenChannel(handler) {
  onopenchannel = handler;
}

function incomingChannel(obj) {
  const { channel, opener, args } = obj;
  const reject = () => post({ mt: 'ChannelClosed', channel });
  if (!onopenchannel) return reject();
  const accept = () => {
    const ch = channelObject(opener);
    ch.channel = channel;
    ch.state = 'connected';
    channels.set(String(channel), ch);
    post({ mt: 'ChannelConnected', channel });
    return ch;
  };
  onopenchannel({ channel, opener, args, accept, reject });
}

// --- App Service login (AppWebsocket) ----------------------------------------------------------

const connections = [];

/**
 * The app's websocket to its App Service (`start.url`), logging in through the client.
 * `handlers.onstate(state, detail)`: 'connecting' | 'challenge' | 'getlogin' | 'login' | 'connected'
 * | 'failed' (detail = reason) | 'refused' (Login for another app; still waiting) | 'toplevel'
 * | 'closed' (connection lost; reconnects after 1 s, doubling up to 32 s).
 * `handlers.onmessage(obj)`: service messages after login.
 */
export class AppWebsocket {
  constructor(handlers = {}, url = start.url, app = start.name) {
    this.url = url;
    this.app = app;
    this.handlers = handlers;
    this.state = 'closed';
    this.login = undefined;
    this.key = undefined;
    this.attempts = 0;
    this.timeoutMs = 1000;
    this.pending = [];
    this.lastLogin = undefined;
    connections.push(this);
    hooks.connection = this;
    this.connect();
  }

  setState(state, detail) {
    this.state = state;
    this.detail = detail;
    this.handlers.onstate?.(state, detail);
  }

  connect() {
    this.setState('connecting');
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.timeoutMs = 1000;
      this.setState('challenge');
      this.raw({ mt: 'AppChallenge' });
    };
    ws.onmessage = (e) => this.fromService(e.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.retry('closed', 'connection lost');
    };
  }

  /** Reconnect with back-off; each reconnect yields a new challenge and a new getLogin. */
  retry(state, detail) {
    this.ws?.close();
    this.ws = undefined;
    this.login = undefined;
    this.key = undefined;
    this.setState(state, detail);
    const wait = this.timeoutMs;
    this.timeoutMs = Math.min(this.timeoutMs * 2, 32000);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), wait);
  }

  raw(obj) {
    hooks.service.push({ dir: 'out', msg: obj });
    this.ws?.send(JSON.stringify(obj));
  }

  fromService(text) {
    let obj;
    try {
      obj = JSON.parse(text);
    } catch {
      return;
    }
    hooks.service.push({ dir: 'in', msg: obj });
    if (obj.mt === 'AppChallengeResult') {
      if (topLevel) {
        // lib1 would show its own password prompt here; the sample apps only say why they stop.
        this.setState('toplevel', 'This app must run inside myApps');
        return;
      }
      this.attempts++;
      this.setState('getlogin');
      post({ mt: 'getLogin', app: this.app, challenge: obj.challenge });
    } else if (obj.mt === 'AppLoginResult') {
      if (obj.ok) {
        this.setState('connected', obj.domain);
        const queued = this.pending.splice(0);
        for (const m of queued) this.send(m);
      } else {
        const unlicensed = this.lastLogin?.info?.unlicensed === true;
        const reason = unlicensed ? 'UNLICENSED' : obj.errorText || (typeof obj.error === 'string' ? obj.error : obj.error !== undefined ? `Error ${obj.error}` : 'LOGIN_FAILURE');
        this.retry('failed', reason);
      }
    } else if (this.state === 'connected') {
      this.handlers.onmessage?.(obj);
    }
  }

  /** A `Login` from the host (any source, as lib1). */
  fromHost(obj) {
    if (this.state !== 'getlogin') {
      hooks.ignored.push({ data: obj, reason: 'Login without a pending getLogin' });
      return;
    }
    const data = { ...obj };
    delete data.key;
    this.lastLogin = data;
    if (obj.error !== undefined || obj.errorText !== undefined) {
      this.setState('failed', obj.errorText || `Error ${obj.error}`);
      return;
    }
    if (obj.pbxObj !== this.app) {
      // The key is for another app: drop it and keep waiting (lib1 does not log in either).
      this.setState('refused', 'login refused: not for this app');
      this.state = 'getlogin';
      return;
    }
    this.key = obj.key;
    this.login = { app: obj.app, domain: obj.domain, sip: obj.sip, guid: obj.guid, dn: obj.dn, pbxObj: obj.pbxObj, info: obj.info };
    this.setState('login');
    const login = { mt: 'AppLogin', app: obj.app, domain: obj.domain, sip: obj.sip, guid: obj.guid, dn: obj.dn, digest: obj.digest, pbxObj: this.app };
    if (obj.info !== undefined) login.info = obj.info;
    this.raw(login);
  }

  /** Send to the service once logged in (queued until then). */
  send(obj) {
    if (this.state === 'connected') this.raw(obj);
    else this.pending.push(obj);
  }

  encrypt(seed, data) {
    return encryptHex(seed, this.key, data);
  }
  decrypt(seed, data) {
    return decryptHex(seed, this.key, data);
  }
  hash(seed, data) {
    return hashHex(seed, this.key, data);
  }

  /** Close for good (no reconnect). */
  close() {
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = undefined;
    ws?.close();
    this.setState('closed', 'closed by the app');
  }
}

// --- the message listener ---------------------------------------------------------------------

function ignore(data, reason) {
  hooks.ignored.push({ data, reason });
}

window.addEventListener('message', (e) => {
  if (typeof e.data !== 'string') return ignore(e.data, 'not a string');
  if (topLevel && e.source === window) return; // our own posts to ourselves
  let obj;
  try {
    obj = JSON.parse(e.data);
  } catch {
    return ignore(e.data, 'not JSON');
  }
  if (!obj || typeof obj !== 'object' || typeof obj.mt !== 'string') return ignore(e.data, 'no mt');
  const fromHost = e.source === window.parent || (window.opener != null && e.source === window.opener);
  if (HOST_ONLY.has(obj.mt) && !fromHost) return ignore(e.data, 'not from the parent');
  hooks.received.push(obj);
  dispatch(obj);
  emit('message', obj);
});

function dispatch(obj) {
  switch (obj.mt) {
    case 'SetLang':
      start.lang = obj.lang;
      return emit('lang', start.lang);
    case 'SetScheme':
      start.scheme = obj.scheme;
      return emit('scheme', start.scheme);
    case 'SetArgs':
      start.args = obj.args && typeof obj.args === 'object' ? obj.args : {};
      return emit('args', start.args);
    case 'SetMenuState':
      return emit('menustate', obj.value);
    case 'PrepareReload':
      if (prepareReload) return prepareReload();
      return prepareReloadComplete();
    case 'ApiUpdate':
      start.apis = obj.apis && typeof obj.apis === 'object' ? obj.apis : {};
      start.defaultApiProviders = obj.defaultApiProviders && typeof obj.defaultApiProviders === 'object' ? obj.defaultApiProviders : {};
      for (const c of consumers.values()) updateConsumer(c);
      return emit('apiupdate', start.apis, start.defaultApiProviders);
    case 'ApiResult': {
      const req = requests.get(String(obj.src));
      if (req && req.api === obj.api) req.onResult({ provider: obj.provider, src: obj.src, msg: obj.msg || {}, errorText: obj.errorText });
      return;
    }
    case 'ApiRequest': {
      const p = providers.get(obj.api);
      if (p) p.onRequest({ consumer: obj.consumer, src: obj.src, msg: obj.msg || {} }, (msg) => p.send(obj.consumer, obj.src, msg));
      return;
    }
    case 'ApiConsumerClosed':
      if (providers.has(obj.api)) for (const l of consumerClosedListeners) l({ api: obj.api, consumer: obj.consumer });
      return;
    case 'OpenChannel':
      return incomingChannel(obj);
    case 'ChannelConnected': {
      const ch = openers.get(String(obj.src));
      if (!ch) return;
      openers.delete(String(obj.src));
      ch.channel = obj.channel;
      ch.state = 'connected';
      channels.set(String(obj.channel), ch);
      return ch.onconnected(ch);
    }
    case 'ChannelClosed': {
      const ch = (obj.src !== undefined && openers.get(String(obj.src))) || (obj.channel !== undefined && channels.get(String(obj.channel)));
      if (!ch) return;
      openers.delete(String(ch.src));
      channels.delete(String(ch.channel));
      ch.state = 'closed';
      return ch.onclosed(ch);
    }
    case 'ChannelMessage': {
      const ch = channels.get(String(obj.channel));
      if (ch && ch.state === 'connected') ch.onmessage(obj.msg, ch);
      return;
    }
    case 'Login':
      for (const c of connections) c.fromHost(obj);
      return;
  }
}

// lib1 posts Alive once its listener is in place, before the app's own code runs.
post({ mt: 'Alive' });
