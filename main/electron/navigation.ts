/**
 * Where a web contents may go (security controls 3 and 4). PURE: decisions on parsed URLs,
 * no electron import, unit-tested with hostile URLs.
 *
 * Decisions:
 * - Origins are compared on the parsed URL (main/core/apps/app-origin.ts, which also decides
 *   an app view's own origin).
 * - The shell stays on our own pages: `app://myapps/...` only. Its frames are the status strip's
 *   status-frame pages (bridge/status-frame.ts) and, below each, its app's status page: that
 *   page's origin only (the core's), and only while the core shows it. Nothing else.
 * - An app view's frame stays on its App URL's origin (http or https only).
 * - Links leaving the client open in the OS only for `https:` and `mailto:`. Plain `http:`
 *   is refused although the security overview says "http(s) links open in the OS browser":
 *   its test row says "only https/mailto reach the OS", and we take the stricter reading.
 *   A cleartext link picked by an app (or by anyone on the network path of a plain-http App
 *   Service) would send the user to a page anyone on that path can rewrite, with our window
 *   as the implied sender. Every other scheme (`file:`, `javascript:`, `data:`, `smb:`,
 *   `ms-msdt:`, custom protocol handlers...) can start local programs and is refused.
 *   Should intranets need http links, an IT-policy allow-list is the place, not a default.
 * - Call links (`tel:`, `sip:`, `callto:`) a page opens — `window.open`, a `target=_blank` link,
 *   or a navigation of an app's frame — are neither opened in the OS nor refused: they are
 *   click-to-dial, handed to the core as `followLink` with the link rebuilt from its parsed
 *   form (`callLinkOf`, the deep-link parser's rules; an invalid one is refused). The core
 *   decides which phone app dials (or asks the user first).
 */

import { parseUrl, webOrigin } from '../core/apps/app-origin.js';
import { statusFramePagePath, statusPageOf } from '../core/bridge/status-frame.js';
import { parseDeepLink } from '../core/config/deep-link.js';
import { linkText } from './instance.js';

// The app-origin rules are the core's (one decision for both shells); re-exported for the shell.
export { isAllowedAppNavigation, parseUrl, webOrigin } from '../core/apps/app-origin.js';

/** The origin our own pages are served from (see protocol.ts). */
export const SHELL_SCHEME = 'app';
export const SHELL_HOST = 'myapps';
export const SHELL_ORIGIN = `${SHELL_SCHEME}://${SHELL_HOST}`;

/** Longest URL handed to the OS; long enough for sign-in links, short of abuse. */
export const MAX_EXTERNAL_URL_LENGTH = 8192;

/** A URL of our own pages: `app://myapps/<path>`, no user info, no port. */
export function isShellUrl(url: unknown): boolean {
  const u = parseUrl(url);
  return u !== undefined && u.protocol === `${SHELL_SCHEME}:` && u.host === SHELL_HOST && u.username === '' && u.password === '' && u.port === '';
}

/** The shell window may navigate only between our own pages. */
export function isAllowedShellNavigation(url: string): boolean {
  return isShellUrl(url);
}

/** A URL of our status-frame page (`app://myapps/statusframe.html?...`). */
export function isStatusFramePageUrl(url: unknown): boolean {
  return isShellUrl(url) && parseUrl(url)!.pathname.toLowerCase() === statusFramePagePath;
}

/**
 * May a frame below the shell window's top frame navigate to `url` (or be redirected there)?
 * `ancestors`: the URLs of the frames between it and the top frame, nearest first (empty: a
 * child of the top frame). A child of the top frame may show only our status-frame page; a
 * frame below one only the origin of the status page that page was served for, as long as the
 * core shows it (`statusInfoOrigin`, ClientCore.statusInfoOrigin). Anything else is refused.
 */
export function isAllowedShellFrameNavigation(url: string, ancestors: readonly string[], statusInfoOrigin: (statusUrl: string) => string | undefined): boolean {
  if (ancestors.length === 0) return isStatusFramePageUrl(url);
  const frame = ancestors.find(isStatusFramePageUrl);
  const status = frame === undefined ? undefined : statusPageOf(frame);
  const origin = status === undefined ? undefined : statusInfoOrigin(status);
  return origin !== undefined && webOrigin(url) === origin;
}

export type ExternalOpenDecision = { kind: 'open-external'; url: string } | { kind: 'follow-link'; link: string } | { kind: 'deny'; reason: string };

/** Schemes of click-to-dial links a page may hand to the core. */
export const CALL_LINK_SCHEMES: readonly string[] = ['tel:', 'sip:', 'callto:'];

/** Is this URL of a call-link scheme (valid or not)? */
export function isCallLinkScheme(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  const scheme = /^\s*([A-Za-z][A-Za-z0-9+.-]*:)/.exec(url)?.[1]?.toLowerCase();
  return scheme !== undefined && CALL_LINK_SCHEMES.includes(scheme);
}

/** A valid call link as the text `followLink` takes (`tel:+4930…`, `sip:alice@…`), or undefined. */
export function callLinkOf(url: unknown): string | undefined {
  if (!isCallLinkScheme(url)) return undefined;
  const link = parseDeepLink(url);
  return link.kind === 'call' ? linkText(link) : undefined;
}

/**
 * What to do with a URL a page wants to open in a new window: hand it to the OS (with the
 * normalised URL, never the raw text) or refuse it. No new Electron window is ever created.
 */
export function externalOpenDecision(url: string): ExternalOpenDecision {
  if (typeof url !== 'string' || url.length > MAX_EXTERNAL_URL_LENGTH) return { kind: 'deny', reason: 'not a URL of acceptable length' };
  if (isCallLinkScheme(url)) {
    const link = callLinkOf(url);
    return link === undefined ? { kind: 'deny', reason: 'not a valid call link' } : { kind: 'follow-link', link };
  }
  const u = parseUrl(url);
  if (!u) return { kind: 'deny', reason: 'not a valid URL' };
  if (u.protocol === 'https:') {
    if (u.username !== '' || u.password !== '') return { kind: 'deny', reason: 'https links with user info are refused' };
    if (u.hostname === '') return { kind: 'deny', reason: 'no host' };
    return { kind: 'open-external', url: u.href };
  }
  if (u.protocol === 'mailto:') return { kind: 'open-external', url: u.href };
  return { kind: 'deny', reason: `links of scheme ${u.protocol} are not opened outside the client` };
}
