/**
 * The URL an app view loads (`app-hosting.md` §1.2): `<App URL>.htm?lang=..&scheme=..&name=..&title=..`
 * followed by the app link's own arguments, every value through encodeURIComponent. Plain
 * websites get their bare URL: no parameters, no `.htm` (control 8).
 */
import type { CatalogEntry } from './catalog.js';
import { linkArgs } from './app-link.js';

export interface AppStart {
  lang: string;
  scheme: 'light' | 'dark';
}

export function appPageUrl(entry: CatalogEntry, start: AppStart, args: string): string {
  if (entry.website) return entry.url;
  const params: [string, string][] = [
    ['lang', start.lang],
    ['scheme', start.scheme],
    ['name', entry.name],
    ['title', entry.title],
  ];
  // App arguments cannot override what identifies the app to itself.
  for (const [k, v] of Object.entries(linkArgs(args))) if (!['lang', 'scheme', 'name', 'title'].includes(k)) params.push([k, v]);
  return `${entry.url}.htm?${params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
}
