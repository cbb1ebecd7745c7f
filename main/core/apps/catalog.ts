/**
 * The AppCatalog: the PBX's app list (`UpdateAppsInfo`…`UpdateAppsComplete`) turned into what
 * the client may show and run. Only apps the PBX listed exist (security control 8); the IT
 * policy may hide more (allowed/blocked apps). URLs are resolved against the PBX's myApps page
 * and must be http(s): anything else is dropped with a problem, never loaded.
 */
import type { App } from '../protocol/pbx-messages.js';

export interface CatalogEntry {
  name: string;
  title: string;
  text: string;
  /** Absolute App URL without `.htm`. */
  url: string;
  /** Absolute icon URL (`url + ".png"`, or the App Object's icon); none for plain websites. */
  iconUrl?: string;
  website: boolean;
  /** API-only app: never a tile, started when one of its APIs is consumed. */
  hidden: boolean;
  /** The app publishes badges through presence on its own name. */
  presence: boolean;
  /** Client APIs the app provides (`info.apis`), with their static provider info. */
  apis: Record<string, unknown>;
  wake: string[];
}

export interface Catalog {
  /** Every usable app by name, hidden ones included. */
  byName: ReadonlyMap<string, CatalogEntry>;
  /** Visible apps in the PBX's order. */
  tiles: CatalogEntry[];
  /** Apps that were listed but cannot be used, with why (bad URL, ...). */
  problems: string[];
}

/**
 * The myApps page a browser would load from this PBX (`…/APPCLIENT/<build>/appclient.htm`);
 * PBX-hosted apps are listed relative to it (`../../APPS/chat/chat`).
 */
export function pbxPageUrl(wsUrl: string): string {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = url.pathname.replace(/\/websocket$/, '/appclient.htm');
  url.search = '';
  return url.toString();
}

/** Resolve `ref` against `base`; only http(s) without credentials is usable. */
export function resolveHttpUrl(ref: string, base: string): string | undefined {
  let url: URL;
  try {
    url = new URL(ref, base);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return undefined;
  return url.toString();
}

export function buildCatalog(apps: readonly App[], wsUrl: string, allowed: (name: string) => boolean): Catalog {
  const base = pbxPageUrl(wsUrl);
  const byName = new Map<string, CatalogEntry>();
  const problems: string[] = [];
  for (const app of apps) {
    if (!allowed(app.name)) continue;
    const url = resolveHttpUrl(app.url, base);
    if (!url) {
      problems.push(`App "${app.name}" has an unusable URL (${JSON.stringify(app.url.slice(0, 200))}); it is not shown.`);
      continue;
    }
    const website = app.website === true;
    const iconRef = app.icon ?? app.info?.icon;
    const iconUrl = website ? undefined : iconRef !== undefined ? resolveHttpUrl(iconRef, base) : resolveHttpUrl(`${url}.png`, base);
    byName.set(app.name, {
      name: app.name,
      title: app.title || app.name,
      text: app.text ?? '',
      url,
      ...(iconUrl && { iconUrl }),
      website,
      hidden: app.info?.hidden === true,
      presence: app.info?.presence === true,
      apis: app.info?.apis ?? {},
      wake: app.info?.wake ?? [],
    });
  }
  return { byName, tiles: [...byName.values()].filter((e) => !e.hidden), problems };
}
