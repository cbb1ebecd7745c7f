/**
 * App links: `<app name>[?<app args>][#<client params>]` (`app-hosting.md` §1.6), as stored in
 * the user's home selection (`SetApps.home`, comma-separated). Client params: `d` = label,
 * `s` = SIP name whose presence the tile shows.
 */
export interface AppLink {
  link: string;
  app: string;
  args: string;
  label?: string;
  presenceSip?: string;
}

const NAME = /^[^?#,\s]{1,256}$/;

/** Parse one link; undefined when it names no app. */
export function parseAppLink(link: string): AppLink | undefined {
  const hash = link.indexOf('#');
  const beforeHash = hash < 0 ? link : link.slice(0, hash);
  const fragment = hash < 0 ? '' : link.slice(hash + 1);
  const q = beforeHash.indexOf('?');
  const app = q < 0 ? beforeHash : beforeHash.slice(0, q);
  if (!NAME.test(app)) return undefined;
  const args = q < 0 ? '' : beforeHash.slice(q + 1);
  const client = new URLSearchParams(fragment);
  const label = client.get('d') ?? undefined;
  const presenceSip = client.get('s') ?? undefined;
  return { link, app, args, ...(label && { label }), ...(presenceSip && { presenceSip }) };
}

/** The home selection as the PBX stores it: links separated by commas. */
export function parseHomeSelection(selected: string): AppLink[] {
  return selected
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean)
    .flatMap((l) => parseAppLink(l) ?? []);
}

/** `args` of a link as key/value pairs (first value wins, as lib1's `start.args`). */
export function linkArgs(args: string): Record<string, string> {
  // Keys come from the link: a null-prototype object, so `?__proto__=x` or `?constructor=x` is an argument like any other.
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of new URLSearchParams(args)) if (!Object.hasOwn(out, k)) out[k] = v;
  return out;
}
