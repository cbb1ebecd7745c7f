/**
 * The app-frame contract: one app-frame page per app view hosts the app's iframe and relays
 * its string messages (architecture.md, "The app view"). The core decides everything; the page
 * only creates the iframe it is told to, forwards strings whose `event.source` is that iframe,
 * and posts the strings the core sends back.
 *
 * Browser shell: the page is `appFramePagePath?view=<viewId>&token=<token>` and talks to the
 * core over its own WebSocket at `appFrameBridgePath?view=<viewId>&token=<token>`. The view id
 * is minted by the core for one app instance and is the page's only identity: what comes
 * from that socket speaks for that app, whatever the messages themselves claim.
 */

export const appFramePagePath = '/appframe.html';
export const appFrameBridgePath = '/app-bridge';

/** Core → app-frame page. */
export type ToAppFrame =
  /** Create (or re-create, on reload) the app iframe at `url`. Plain websites: no messages at all. */
  | { kind: 'load'; url: string; website: boolean; title: string }
  /** Post this string to the app iframe (`postMessage(text, '*')`). */
  | { kind: 'post'; text: string };

/** App-frame page → core. */
export type FromAppFrame =
  /** A string the app iframe posted to its parent. */
  | { kind: 'message'; text: string }
  /** The app iframe finished loading (`load` event) or failed to. */
  | { kind: 'loaded' }
  | { kind: 'failed'; reason: string };

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
