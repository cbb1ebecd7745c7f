/**
 * The test hooks every applib page installs as `window.sampleApp` (test/apps/applib.js), typed
 * for Playwright tests: `page.frameLocator(...)` / `frame.evaluate(() => window.sampleApp.sent)`.
 * Plain websites have no hooks.
 */

/** lib1's `start`: the URL parameters as the app understood them. */
export interface SampleAppStart {
  lang: string;
  scheme: string;
  name?: string;
  title?: string;
  /** App Service websocket URL (App URL cut at the last "/", "http" → "ws"). */
  url: string;
  originalUrl: string;
  args: Record<string, string>;
  margs: Record<string, string[]>;
  apis: Record<string, Record<string, unknown>>;
  defaultApiProviders: Record<string, string>;
}

/** States of the app's AppWebsocket (`window.sampleApp.loginState`). */
export type SampleAppLoginState = 'connecting' | 'challenge' | 'getlogin' | 'login' | 'connected' | 'failed' | 'refused' | 'toplevel' | 'closed';

export interface SampleAppHooks {
  /** Every value the page posted to its parent, in order: JSON strings (and raw values given to `post`). */
  sent: unknown[];
  /** Every message the library accepted, parsed. */
  received: { mt: string; [k: string]: unknown }[];
  /** Messages the library dropped, with why: "not a string", "not JSON", "no mt", "not from the parent", "Login without a pending getLogin". */
  ignored: { data: unknown; reason: string }[];
  /** AppWebsocket traffic with the App Service. */
  service: { dir: 'out' | 'in'; msg: Record<string, unknown> }[];
  /** Posts `raw` to `window.parent` exactly as given (target "*"): strings, or objects to test the host's string-only rule. */
  post(raw: unknown): void;
  /** `self === top` when the library loaded. */
  topLevel: boolean;
  start: SampleAppStart;
  loginState?: SampleAppLoginState;
  /** Page-specific state (e.g. echo: `count`). */
  page?: Record<string, unknown>;
}

declare global {
  interface Window {
    sampleApp?: SampleAppHooks;
  }
}

/** The parsed JSON messages among `sent` (raw non-string posts are left out). */
export function sentMessages(hooks: Pick<SampleAppHooks, 'sent'>): { mt?: string; [k: string]: unknown }[] {
  return hooks.sent.filter((s): s is string => typeof s === 'string').map((s) => JSON.parse(s) as { mt?: string });
}
