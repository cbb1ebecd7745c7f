/**
 * Which sample app serves which App Object: a table by App Object name (the demo's objects),
 * then the object's flags for any other name. Also picks the App Objects of an emulator config
 * that the sample-app server at a given origin can serve.
 */
import type { AppObjectConfig, EmulatorConfig } from '../pbx/index.js';

export const sampleAppKinds = ['echo', 'search', 'searchClient', 'phone', 'badge', 'website', 'channel', 'contacts', 'chat', 'profile', 'console'] as const;
export type SampleAppKind = (typeof sampleAppKinds)[number];

/** The demo's App Objects by name. */
export const kindByName: Readonly<Record<string, SampleAppKind>> = {
  echo: 'echo',
  search: 'search',
  contacts: 'contacts',
  directory: 'contacts',
  searchclient: 'searchClient',
  phone: 'phone',
  softphone: 'phone',
  badge: 'badge',
  inbox: 'badge',
  channel: 'channel',
  website: 'website',
  chat: 'chat',
  profile: 'profile',
  console: 'console',
  reports: 'echo',
  devtools: 'echo',
};

/** The kind for an App Object: by name, else by its flags and APIs, else `echo`. */
export function kindOf(app: Pick<AppObjectConfig, 'name' | 'website' | 'apis' | 'presence'>): SampleAppKind {
  const byName = kindByName[app.name];
  if (byName) return byName;
  if (app.website) return 'website';
  if (app.apis?.['com.innovaphone.search']) return 'search';
  if (app.apis?.['com.innovaphone.phone']) return 'phone';
  if (app.apis?.['com.innovaphone.chat']) return 'chat';
  if (app.apis?.['com.innovaphone.avatar']) return 'profile';
  if (app.presence) return 'badge';
  return 'echo';
}

export interface SampleAppConfig {
  /** App Object name: the URL directory `/apps/<name>/` and the service's path. */
  name: string;
  kind: SampleAppKind;
  /** App Object password (shared secret with the PBX). */
  password: string;
  /** HTML base name (last App URL segment, `app` in AppLogin); default `name`. */
  page?: string;
  /**
   * Profile apps: the App Object's `com.innovaphone.avatar` info — the picture is served at
   * `filename` to requests whose `auth` matches `token` (absent or unusable: no picture, 404).
   */
  avatar?: { filename: string; token: string };
}

export interface SkippedAppObject {
  name: string;
  reason: string;
}

/**
 * The App Objects whose URL is `<origin>/apps/<name>/<page>`, as sample apps. With `anyPort`
 * (a server on port 0) the port of the URL is not compared.
 */
export function sampleAppsFor(config: Pick<EmulatorConfig, 'appObjects'>, origin: string, anyPort = false): { apps: SampleAppConfig[]; skipped: SkippedAppObject[] } {
  const base = new URL(origin);
  const apps: SampleAppConfig[] = [];
  const skipped: SkippedAppObject[] = [];
  for (const obj of config.appObjects) {
    let url: URL;
    try {
      url = new URL(obj.url);
    } catch {
      skipped.push({ name: obj.name, reason: `relative URL ${obj.url}` });
      continue;
    }
    if (url.protocol !== base.protocol || url.hostname !== base.hostname || (!anyPort && url.port !== base.port)) {
      skipped.push({ name: obj.name, reason: `URL ${obj.url} is not on ${origin}` });
      continue;
    }
    const m = /^\/apps\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m || m[1] !== obj.name) {
      skipped.push({ name: obj.name, reason: `URL ${obj.url} is not ${origin}/apps/${obj.name}/<page>` });
      continue;
    }
    if (apps.some((a) => a.name === obj.name)) continue;
    const kind = kindOf(obj);
    const avatar = kind === 'profile' ? avatarOf(obj.apis?.['com.innovaphone.avatar']) : undefined;
    apps.push({ name: obj.name, kind, password: obj.password, ...(m[2] !== obj.name && { page: m[2] }), ...(avatar && { avatar }) });
  }
  return { apps, skipped };
}

/** What the profile sample needs of an App Object's avatar info; undefined when it lacks a usable file name or token. */
function avatarOf(info: object | undefined): SampleAppConfig['avatar'] {
  const { filename, token } = (info ?? {}) as Record<string, unknown>;
  return typeof filename === 'string' && /^[A-Za-z0-9._-]+$/.test(filename) && typeof token === 'string' && token ? { filename, token } : undefined;
}
