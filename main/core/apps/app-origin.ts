/**
 * Which web origin an app is, decided on parsed URLs (security controls 3 and 16). An app view
 * stays on its App URL's origin, and only that origin may use what the app was granted. Both
 * shells ask here; neither re-implements it.
 *
 * Origins are compared on the parsed URL (scheme, host, port), never by string prefix, so
 * `https://pbx.example.com.evil.test` and `https://pbx.example.com@evil.test` are other origins.
 * URLs with user info are refused outright (a classic phishing form).
 */

export function parseUrl(url: unknown): URL | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** The http(s) origin of a URL, or undefined for any other scheme, user info or no host. */
export function webOrigin(url: unknown): string | undefined {
  const u = parseUrl(url);
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:')) return undefined;
  if (u.username !== '' || u.password !== '' || u.hostname === '') return undefined;
  return u.origin;
}

/** An app view may navigate only within the origin of its App URL. */
export function isAllowedAppNavigation(appUrl: string, targetUrl: string): boolean {
  const app = webOrigin(appUrl);
  return app !== undefined && webOrigin(targetUrl) === app;
}
