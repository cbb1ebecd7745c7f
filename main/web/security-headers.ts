/**
 * Response headers of the browser shell (security control 9). No policy allows inline
 * script or style, and each page talks only to the shell itself.
 *
 * Three pages, three policies:
 * - the UI (index.html, and every other response) may frame only our own pages — the app-frame
 *   and status-frame pages — (`frame-src 'self'`) and may be framed by nobody;
 * - the app-frame page (appframe.html) may frame any http(s) App URL — which app may be
 *   shown is decided in the core, not by the CSP — and may be framed only by our own UI
 *   (`frame-ancestors 'self'`, `X-Frame-Options: SAMEORIGIN`);
 * - the status-frame page (statusframe.html, bridge/status-frame.ts) may frame exactly the
 *   origin of the one status page it is served for (a policy per request: the UI's own is
 *   fixed before any app shows one) and may be framed only by our own UI.
 */
import { statusFrameContentSecurityPolicy } from '../core/bridge/status-frame.js';
import { shellOrigins } from './access.js';

function sockets(port: number): string {
  return shellOrigins(port)
    .map((origin) => origin.replace(/^http:/, 'ws:'))
    .join(' ');
}

/** The UI's Content-Security-Policy; `frameSources` are what the UI itself may frame. */
export function contentSecurityPolicy(port: number, frameSources: readonly string[] = ["'self'"]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https: http: data:",
    `connect-src 'self' ${sockets(port)}`,
    `frame-src ${frameSources.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The app-frame page's policy: its own script and style, its own app-frame socket, one app
 * iframe of any http(s) origin, and nothing else (it shows no image, font or form itself).
 */
export function appFrameContentSecurityPolicy(port: number, frameSources: readonly string[] = ['http:', 'https:']): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${sockets(port)}`,
    `frame-src ${frameSources.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

const common = {
  // Page URLs carry the token: never send it to an app or a linked site.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
} as const;

/** Headers for every response, errors included (the app-frame page excepted). */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'Referrer-Policy': common['Referrer-Policy'],
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': common['Cross-Origin-Opener-Policy'],
    'X-Content-Type-Options': common['X-Content-Type-Options'],
  };
}

/** Headers of the status-frame page for a status page of `origin`: framed by our UI only. */
export function statusFrameSecurityHeaders(origin: string): Record<string, string> {
  return framedByUiHeaders(statusFrameContentSecurityPolicy(origin));
}

/** Headers of the app-frame page: framed by our UI only. */
export function appFrameSecurityHeaders(port: number): Record<string, string> {
  return framedByUiHeaders(appFrameContentSecurityPolicy(port));
}

/** Headers of a page only our own UI may frame. */
function framedByUiHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'Referrer-Policy': common['Referrer-Policy'],
    'X-Frame-Options': 'SAMEORIGIN',
    'Cross-Origin-Opener-Policy': common['Cross-Origin-Opener-Policy'],
    'X-Content-Type-Options': common['X-Content-Type-Options'],
  };
}
