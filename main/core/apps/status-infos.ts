/**
 * Status-info pages (`com.innovaphone.client`, app-hosting.md §3.4): `ShowStatusInfo{url, id}`
 * asks the client to show a page while the asking app is in the background — the Phone app's
 * call while the user works in another app — until `CloseStatusInfo{id}` (without `id`: all of
 * the app's), and never longer than the app runs. The UI shows them in a strip (StatusInfoView);
 * which URL may be shown is decided here, once for both shells (security control 20):
 *
 * - `url` is resolved against the App URL, so `phone-status.htm?n=1` is a page beside the app's;
 * - only http(s) on the app's own origin, compared on parsed URLs (app-origin.ts): an app
 *   vouches for its own pages only, and cannot put another site's page into our window;
 * - `id` is the app's string (or number, as text), at most MAX_STATUS_INFO_ID_LENGTH long,
 *   kept in a Map (`__proto__` is an id like any other); showing an id again replaces its page;
 * - at most MAX_STATUS_INFOS_PER_APP pages per app.
 * A refusal is answered with `error` in the result and logged; nothing shown changes.
 * They end with the app: closed, revoked, unloaded, its page loaded anew, and at logout.
 */
import type { StatusInfoView } from '../bridge/views.js';
import type { Logger } from '../common/log.js';
import { parseUrl, webOrigin } from './app-origin.js';
import type { AppInstance } from './app-instance.js';

/** Status-info pages one app may show at once. */
export const MAX_STATUS_INFOS_PER_APP = 16;

/** The longest `id` an app may give a status-info page. */
export const MAX_STATUS_INFO_ID_LENGTH = 256;

/** The longest status-page URL an app may ask for (before and after resolving). */
export const MAX_STATUS_INFO_URL_LENGTH = 4096;

export interface StatusInfosDeps {
  /** What is shown changed: the whole list, for the UI. */
  changed(statusInfos: StatusInfoView[]): void;
  log: Logger;
}

/** What `ShowStatusInfo` / `CloseStatusInfo` answer (the @client provider sends it as the ApiResult's `msg`). */
export interface StatusInfoResult {
  mt: 'ShowStatusInfoResult' | 'CloseStatusInfoResult';
  error?: string;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** The app's id as text: a string or a finite number; absent is the empty id. */
function idOf(raw: unknown): Outcome<string> {
  if (raw === undefined) return { ok: true, value: '' };
  const id = typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : undefined;
  if (id === undefined) return { ok: false, error: 'id must be a string' };
  if (id.length > MAX_STATUS_INFO_ID_LENGTH) return { ok: false, error: `id longer than ${MAX_STATUS_INFO_ID_LENGTH} characters` };
  return { ok: true, value: id };
}

/** The status page's absolute URL, resolved against the App URL and on the app's own http(s) origin. */
export function resolveStatusPage(appUrl: string, raw: unknown): Outcome<string> {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, error: 'url required: a page of the app itself' };
  if (raw.length > MAX_STATUS_INFO_URL_LENGTH) return { ok: false, error: `url longer than ${MAX_STATUS_INFO_URL_LENGTH} characters` };
  const own = webOrigin(appUrl);
  let resolved: URL;
  try {
    resolved = new URL(raw, appUrl);
  } catch {
    return { ok: false, error: 'url is not a URL' };
  }
  const origin = webOrigin(resolved.href);
  if (own === undefined || origin !== own) {
    return { ok: false, error: `a status page must be on the app's own origin (${own ?? 'none'}), not ${origin ?? `a ${resolved.protocol} URL`}` };
  }
  if (resolved.href.length > MAX_STATUS_INFO_URL_LENGTH) return { ok: false, error: `url longer than ${MAX_STATUS_INFO_URL_LENGTH} characters` };
  return { ok: true, value: resolved.href };
}

export class StatusInfos {
  /** Per app, its pages by id (in the order first shown): id → resolved URL. */
  private readonly byApp = new Map<AppInstance, Map<string, string>>();

  constructor(private readonly deps: StatusInfosDeps) {}

  /** `ShowStatusInfo{url, id}` of `app`. */
  show(app: AppInstance, msg: Record<string, unknown>): StatusInfoResult {
    const refuse = (error: string): StatusInfoResult => {
      this.deps.log('warn', 'ShowStatusInfo refused', { app: app.name, reason: error, url: typeof msg.url === 'string' ? msg.url.slice(0, 200) : typeof msg.url });
      return { mt: 'ShowStatusInfoResult', error };
    };
    const id = idOf(msg.id);
    if (!id.ok) return refuse(id.error);
    const url = resolveStatusPage(app.entry.url, msg.url);
    if (!url.ok) return refuse(url.error);
    const pages = this.byApp.get(app) ?? new Map<string, string>();
    if (!pages.has(id.value) && pages.size >= MAX_STATUS_INFOS_PER_APP) return refuse(`at most ${MAX_STATUS_INFOS_PER_APP} status pages per app`);
    if (pages.get(id.value) === url.value) return { mt: 'ShowStatusInfoResult' };
    pages.set(id.value, url.value);
    this.byApp.set(app, pages);
    this.publish();
    return { mt: 'ShowStatusInfoResult' };
  }

  /** `CloseStatusInfo{id?}` of `app`: that page, or all of the app's. An id not shown is no error. */
  close(app: AppInstance, msg: Record<string, unknown>): StatusInfoResult {
    if (msg.id === undefined) {
      this.appGone(app);
      return { mt: 'CloseStatusInfoResult' };
    }
    const id = idOf(msg.id);
    if (!id.ok) {
      this.deps.log('warn', 'CloseStatusInfo refused', { app: app.name, reason: id.error });
      return { mt: 'CloseStatusInfoResult', error: id.error };
    }
    const pages = this.byApp.get(app);
    if (!pages?.delete(id.value)) return { mt: 'CloseStatusInfoResult' };
    if (pages.size === 0) this.byApp.delete(app);
    this.publish();
    return { mt: 'CloseStatusInfoResult' };
  }

  /** The app closed, was revoked or unloaded, or loads its page anew: its pages end with it. */
  appGone(app: AppInstance): void {
    if (this.byApp.delete(app)) this.publish();
  }

  /** The app shows a status page (a call): it is never unloaded while idle (idle-unload.ts). */
  shows(app: AppInstance): boolean {
    return this.byApp.has(app);
  }

  /**
   * The origin of the status page shown at exactly `url`, or undefined when none is: what a
   * shell lets its status-frame page frame (bridge/status-frame.ts), and for no longer than that.
   */
  originOf(url: unknown): string | undefined {
    if (typeof url !== 'string' || parseUrl(url) === undefined) return undefined;
    for (const pages of this.byApp.values()) for (const shown of pages.values()) if (shown === url) return webOrigin(url);
    return undefined;
  }

  views(): StatusInfoView[] {
    return [...this.byApp].flatMap(([app, pages]) => [...pages].map(([id, url]) => ({ viewId: app.viewId, app: app.name, title: app.entry.title, id, url })));
  }

  private publish(): void {
    this.deps.changed(this.views());
  }
}
