/**
 * The desktop build's user agent: Chromium's own, naming myApps as innovaphone's clients do.
 *
 * innovaphone's app library (lib1 `start()`) checks `navigator.userAgent.includes("myApps")` to
 * know it runs inside a myApps client (it then borrows a console its parent marks `custom`).
 * innovaphone does not publish the exact string its clients send; we keep Chromium's user agent
 * whole (App Services and sites see the browser they get) and append a product token,
 * ` myApps/<version>`, set once as `app.userAgentFallback` before any session exists — so the UI,
 * every app's own session (`persist:app-<App Object>`) and their requests all carry it.
 *
 * The browser shell cannot do this: a page cannot change its browser's user agent.
 */

/** The product token lib1 looks for. */
export const MYAPPS_UA_PRODUCT = 'myApps';

/** `base` (Chromium's user agent) with ` myApps/<version>` appended, unless it names that token already. */
export function myAppsUserAgent(base: string, version: string): string {
  const token = `${MYAPPS_UA_PRODUCT}/${version}`;
  return base.split(' ').includes(token) ? base : `${base} ${token}`;
}
