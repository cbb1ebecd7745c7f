/**
 * Response headers of the browser shell (security control 9). The CSP allows no inline
 * script or style, talks only to the shell itself, and lets app frames load any http(s) App
 * URL: which app may be shown is decided in the core, not by the CSP.
 */
import { shellOrigins } from './access.js';

/** The shell's Content-Security-Policy; app hosting may narrow or extend `frameSources`. */
export function contentSecurityPolicy(port: number, frameSources: readonly string[] = ['http:', 'https:']): string {
  const sockets = shellOrigins(port).map((origin) => origin.replace(/^http:/, 'ws:'));
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https: http: data:",
    `connect-src 'self' ${sockets.join(' ')}`,
    `frame-src ${frameSources.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers for every response, errors included. */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    // The page URL carries the token: never send it to an app or a linked site.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
  };
}
