/**
 * The only URLs the renderer puts into `src`: http(s), whatever the core already checked (it
 * sends absolute hrefs). A prefix test, not a parse: every tile asks on every mount, and a
 * malformed http URL only fails to load (the icon then shows its monogram).
 */
export function httpUrl(value: string | undefined): string | undefined {
  return value && /^https?:\/\//i.test(value) ? value : undefined;
}

/** The host of a PBX WebSocket URL, for people; the URL itself if it does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
