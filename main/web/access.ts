/**
 * Who may talk to the browser shell. The server listens on loopback, but every local process
 * and every web page the user has open can reach loopback too, so:
 * - the page and the bridge need the per-run token, which only the person who started the
 *   shell sees (it is printed once, never logged);
 * - the bridge also needs the shell's own `Origin`: a browser always sends it with a
 *   WebSocket handshake, so another site's page cannot drive the client through the user's
 *   browser (cross-site WebSocket hijacking), even should it learn the token;
 * - every request must name the shell in `Host`, so a DNS-rebound name cannot make a foreign
 *   page same-origin with the shell.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: fits in a query string as is. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison; hashing first gives equal lengths, so not even the length leaks. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** The origins the shell's own page can have: the address printed, or `localhost` typed by hand. */
export function shellOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

export function originAllowed(origin: string | undefined, port: number): boolean {
  return origin !== undefined && shellOrigins(port).includes(origin);
}

export function hostAllowed(host: string | undefined, port: number): boolean {
  return host !== undefined && (host === `127.0.0.1:${port}` || host === `localhost:${port}`);
}
