/**
 * The app-frame page (docs/architecture.md, "The app view"): one per app view. It decides
 * nothing. Over its transport (transport.ts: its own WebSocket in the browser shell, where the
 * UI frames it as `appframe.html?view=<viewId>&token=<token>`; IPC in Electron, where it is the
 * top frame of the app's own view) the core tells it which app to show (`load`) and what to
 * post to it (`post`); the page answers with the app's string messages and whether its iframe
 * loaded.
 *
 * Security (docs: security.md, controls 3, 7, 8 and 16):
 * - ONE app iframe, sandboxed without `allow-top-navigation`, so neither an app nor a plain
 *   website can navigate this page or the UI; no referrer (our URLs carry the token). Both
 *   are set before `src`, so they apply from the iframe's first navigation.
 * - Permissions (control 16): the iframe's permissions policy is exactly the `allow` the core
 *   sent with `load` — none when it is empty — set before `src` too; the page adds nothing.
 * - Only strings whose `event.source` is that iframe's window are relayed (control 7):
 *   messages of nested frames of the app, of the UI, of any other window, non-strings, and
 *   strings over `maxAppMessageBytes` are dropped and counted in `window.__appFrameDropped`.
 * - Plain websites (control 8): nothing they post is relayed or even counted, and nothing is
 *   ever posted to them.
 * - An App URL of our own origin is refused: with `allow-same-origin` it could reach into
 *   this page and lift its own sandbox. So is anything but http(s).
 *
 * Nothing here runs on import: `startAppFramePage` reads the page's globals when called, so a
 * test page can set things up (an init script, a fake transport) first.
 */
import { parseApiPortNotice, type ApiPortNotice } from '../../../main/core/bridge/api-direct.js';
import { maxAppMessageBytes, utf8LongerThan, type FromAppFrame, type ToAppFrame } from '../../../main/core/bridge/app-frame.js';
import { shortcutOf } from '../../../main/core/bridge/shortcuts.js';
import { DirectApi } from './api-direct.js';
import { createConsoleCapture, offerConsoleHook } from './console-capture.js';
import type { AppFrameLinkState, AppFrameTransport } from './transport.js';

declare global {
  interface Window {
    /** App-frame page: messages dropped by the source/type check (control 7), for tests and diagnostics. */
    __appFrameDropped?: number;
  }
}

/** An app iframe that has not fired `load` by then is reported failed (it may still load later). */
export const loadTimeoutMs = 15_000;
export const sandboxFlags = 'allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads';

type Load = Extract<ToAppFrame, { kind: 'load' }>;

interface AppView {
  frame: HTMLIFrameElement;
  load: Load;
  status: 'loading' | 'loaded' | 'failed';
  reason: string;
  timer: number | undefined;
}

export interface AppFramePageOptions {
  /**
   * What becomes of the app's `ConsoleLog` lines (console-capture.ts): `relay` them to the core
   * (browser shell, which also offers lib1's console hook), or `drop` them (Electron: the shell
   * hears the app's console itself). Default `relay`.
   */
  consoleLog?: 'relay' | 'drop';
}

/** Run the page on `transport`, in this window (once per page). */
export function startAppFramePage(transport: AppFrameTransport, options: AppFramePageOptions = {}): void {
  let view: AppView | undefined;
  /** The shown app's window, whose strings are relayed; null while none is shown or a plain website is. */
  let appWindow: Window | null = null;
  let everOpened = false;
  /** Set when the link opens again after a drop, until its first `load`: the core may name the app that is already shown. */
  let reattaching = false;

  const send = (frame: FromAppFrame): void => transport.send(frame);
  // Client API messages of pairs the core granted a channel go over its port (api-direct.ts).
  const direct = new DirectApi({ toCore: send, toApp: (text) => post(text) });
  const consoleLog = options.consoleLog ?? 'relay';
  const consoleCapture = createConsoleCapture(send, consoleLog);
  if (consoleLog === 'relay') offerConsoleHook(consoleCapture.line);

  const setLinkState = (state: AppFrameLinkState): void => {
    document.documentElement.dataset.bridge = state;
    // The core revokes what this page was granted when its link drops; the page cannot hear it.
    if (state !== 'open') direct.endAll();
    // A new link is told afresh whether the inspector records.
    if (state !== 'open') direct.inspecting = false;
    if (state !== 'open') return;
    reattaching = everOpened;
    everOpened = true;
  };

  const receive = (frame: ToAppFrame): void => {
    switch (frame.kind) {
      case 'load':
        return onLoad(frame);
      case 'post':
        return post(frame.text);
      case 'grant':
        return direct.grant(frame);
      case 'handover':
        return direct.handover(frame.channel);
      case 'revoke':
        return direct.end(frame.channel);
      case 'inspect':
        direct.inspecting = frame.on;
        return;
    }
  };

  const onLoad = (load: Load): void => {
    const again = reattaching && view !== undefined && view.load.url === load.url && view.load.website === load.website && view.load.allow === load.allow;
    reattaching = false;
    if (again && view) {
      // The link came back, the app did not go away: keep it running, tell the new link where it stands.
      view.load = load;
      view.frame.title = load.title;
      if (view.status === 'loaded') send({ kind: 'loaded' });
      else if (view.status === 'failed') send({ kind: 'failed', reason: view.reason });
      return;
    }
    show(load);
  };

  /** (Re)create the one app iframe; a `load` on the same link is a reload. */
  const show = (load: Load): void => {
    removeView();
    const refused = refusedUrl(load.url);
    if (refused) {
      send({ kind: 'failed', reason: refused });
      return;
    }
    const frame = document.createElement('iframe');
    frame.title = load.title;
    // Sandbox, referrer policy and permissions policy first: all apply from the iframe's first navigation.
    frame.setAttribute('sandbox', sandboxFlags);
    frame.referrerPolicy = 'no-referrer';
    if (load.allow !== '') frame.setAttribute('allow', load.allow);
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
    document.body.append(frame);
    // Plain websites (control 8): nothing they post is ever relayed.
    appWindow = load.website ? null : frame.contentWindow;
  };

  const removeView = (): void => {
    appWindow = null;
    direct.endAll();
    if (!view) return;
    window.clearTimeout(view.timer);
    view.frame.remove();
    view = undefined;
  };

  /**
   * The one message listener. The app's window first: it is where nearly every message comes
   * from, and a relayed Client API message then costs one check of its source.
   */
  const onMessage = (event: MessageEvent): void => {
    if (appWindow !== null && event.source === appWindow) {
      if (typeof event.data === 'string' && !utf8LongerThan(event.data, maxAppMessageBytes)) {
        if (!direct.fromApp(event.data) && !consoleCapture.fromApp(event.data)) send({ kind: 'message', text: event.data });
        return;
      }
    } else if (fromShell(event)) {
      const notice = parseApiPortNotice(event.data);
      if (notice) return shellNotice(notice, event.ports[0]);
    }
    // Not the app's string (control 7): another window, a nested frame of the app, or too long.
    if (appWindow !== null) window.__appFrameDropped = (window.__appFrameDropped ?? 0) + 1;
  };

  /**
   * The shell's port of a direct API channel (api-direct.ts): only from the window that frames
   * this page (the UI page in the browser shell; in Electron, top-level, the preload posts to
   * this very window), of our own origin. An app cannot be either.
   */
  const fromShell = (event: MessageEvent): boolean => event.source === window.parent && event.origin === window.location.origin;
  const shellNotice = (notice: ApiPortNotice, port: MessagePort | undefined): void => {
    if (notice.myappsApiPort === 'close') direct.end(notice.channel);
    else if (port) direct.port(notice.channel, port);
  };
  window.addEventListener('message', onMessage);

  const post = (text: string): void => {
    appWindow?.postMessage(text, '*');
  };

  /**
   * The client's shortcuts (Ctrl+K) pressed while the focus is in this page itself go to the
   * core, which tells the UI: the UI is another document (browser shell) or another web contents
   * (Electron) and cannot hear them. Keys typed inside the app's frame never reach this page
   * (another origin's document); Electron catches those before the app sees them (app-views.ts).
   */
  window.addEventListener('keydown', (e) => {
    const shortcut = shortcutOf({ key: e.key, ctrl: e.ctrlKey, meta: e.metaKey, alt: e.altKey, shift: e.shiftKey });
    if (shortcut === undefined) return;
    e.preventDefault();
    if (!e.repeat) send({ kind: 'shortcut', shortcut });
  });

  window.__appFrameDropped = 0;
  transport.start({ receive, state: setLinkState });
}

/** Why an App URL is not shown, or undefined if it may be. */
export function refusedUrl(url: string, ownOrigin: string = window.location.origin): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'The app address is not a valid URL.';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'The app address is not an http or https URL.';
  if (parsed.origin === ownOrigin) return 'The app address is the address of myApps itself.';
  return undefined;
}
