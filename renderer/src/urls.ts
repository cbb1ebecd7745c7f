/** The only URLs the renderer puts into `src`: http(s), whatever the core already checked. */
export function httpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // Every tile asks on every mount (scrolling the windowed grid mounts them again): parse each URL once.
  const known = checked.get(value);
  if (known !== undefined) return known || undefined;
  let href = '';
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') href = url.href;
  } catch {
    // Not a URL: no http(s) URL either.
  }
  if (checked.size >= maxChecked) checked.clear();
  checked.set(value, href);
  return href || undefined;
}

/** URL text → its http(s) href, or '' for none; bounded (a catalogue has at most a few thousand icons). */
const checked = new Map<string, string>();
const maxChecked = 10_000;

/** The host of a PBX WebSocket URL, for people; the URL itself if it does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
