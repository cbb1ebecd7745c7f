/**
 * The status-frame page: a page of ours that shows one app's status page (`ShowStatusInfo`,
 * apps/status-infos.ts) in a sandboxed iframe. The UI frames it in its status strip, in both
 * shells, at `statusFramePagePath?url=<status page>` (browser shell: `&token=` too).
 *
 * Why a page of ours in between: a page's Content-Security-Policy is fixed when the page
 * loads, and the UI page loads before anyone logs in, so its `frame-src` cannot name the
 * origins of status pages that appear later. The status-frame page is loaded for one status
 * page at a time, and the shell serves it with `frame-src` set to exactly that page's origin,
 * and only while the core shows a status page at exactly that URL (`ClientCore.statusInfoOrigin`);
 * the UI's own policy only has to allow our own pages. Pure: both shells and the page load it.
 */

export const statusFramePagePath = '/statusframe.html';

/** The query parameter that carries the status page's URL, as the core resolved it. */
export const statusFrameUrlParam = 'url';

/**
 * The sandbox of the status page's iframe: scripts (a call's timer, its state), nothing else.
 * No `allow-same-origin`: the page gets an opaque origin, so it reaches neither its app's
 * storage and cookies nor, should an app's origin ever be ours, our pages; a status page only
 * shows what its URL and its own scripts say. No top navigation, popups, forms or modals: it
 * is a strip in our window, not a place to leave it from.
 */
export const statusFrameSandbox = 'allow-scripts';

/**
 * The status-frame page's Content-Security-Policy, served with it in both shells: its own script
 * and style, one iframe of exactly `origin` (the status page's, as the core decided), nothing
 * else — no socket, no image — and only our own UI may frame it.
 */
export function statusFrameContentSecurityPolicy(origin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `frame-src ${origin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** The query parameter that carries the title for the status page's frame (the app's, for assistive technology). */
export const statusFrameTitleParam = 'title';

/** The status-frame page's query for one status page: `?url=…&title=…`. */
export function statusFramePageQuery(statusUrl: string, title: string): string {
  return `?${statusFrameUrlParam}=${encodeURIComponent(statusUrl)}&${statusFrameTitleParam}=${encodeURIComponent(title)}`;
}

/** The status page a status-frame page's address names (its `url` parameter), or undefined. */
export function statusPageOf(frameUrl: string): string | undefined {
  let u: URL;
  try {
    u = new URL(frameUrl);
  } catch {
    return undefined;
  }
  return u.pathname.toLowerCase() === statusFramePagePath ? (u.searchParams.get(statusFrameUrlParam) ?? undefined) : undefined;
}
