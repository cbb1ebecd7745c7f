/**
 * The direct Client API data path (docs/architecture.md, "The Client API data path: who decides
 * what"). The core grants a channel for one (consumer app, provider app, API) after it delivered
 * an `ApiRequest` of that pair itself; the shell joins the two app-frame pages with a
 * `MessagePort` pair; from then on the pages carry that pair's `ApiRequest` / `ApiResult`
 * between them and stamp them with the names the core gave them in the `grant` frame. The core
 * revokes the grant; everything else keeps going through the core.
 *
 * Pure: loaded by the core, both shells and the app-frame page.
 */
import { jsonNestsDeeperThan } from '../protocol/validate.js';

/** Channel ids are minted by the core; longer or odd ones are refused unseen. */
const channelIdPattern = /^[0-9a-z]{1,64}$/;

export function validChannelId(channel: unknown): channel is string {
  return typeof channel === 'string' && channelIdPattern.test(channel);
}

/** Core → shell: join two app views with a port pair, or part them again. */
export type ApiChannelChange = { kind: 'open' | 'close'; channel: string; consumerView: string; providerView: string };

/**
 * Shell → app-frame page, by `window.postMessage` (browser shell: the UI page to the app-frame
 * iframe, target origin its own; Electron: the app view's preload to its own main world): the
 * port of `channel` (in `event.ports[0]`), or that the channel is closed.
 */
export type ApiPortNotice = { myappsApiPort: 'open'; channel: string } | { myappsApiPort: 'close'; channel: string };

export function parseApiPortNotice(data: unknown): ApiPortNotice | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const r = data as Partial<Record<string, unknown>>;
  if ((r.myappsApiPort === 'open' || r.myappsApiPort === 'close') && validChannelId(r.channel)) return { myappsApiPort: r.myappsApiPort, channel: r.channel };
  return undefined;
}

/** Consumer page → provider page over the port: one `ApiRequest`, stamped with the consumer's name from the grant. */
export interface DirectApiRequest {
  consumer: string;
  api: string;
  src: string | undefined;
  msg: unknown;
}

/** Provider page → consumer page over the port: one `ApiResult` for the consumer of the grant. */
export interface DirectApiResult {
  api: string;
  src: string | undefined;
  msg: unknown;
}

/** What the app asked, as far as the direct path needs it; undefined: not for the direct path (the core takes it). */
export type AppApiMessage =
  | { mt: 'ApiRequest'; api: string; provider: string | undefined; src: string | undefined; msg: unknown }
  | { mt: 'ApiResult'; api: string; consumer: string; src: string | undefined; msg: unknown };

/**
 * Read an app string the way the core's `parseAppMessage` reads `ApiRequest` / `ApiResult`
 * (same fields, same `src` conversion), or undefined for anything else — including a malformed
 * one, which the core then reports. Cheap for the rest: no JSON parse unless the text names one.
 */
export function readAppApiMessage(text: string): AppApiMessage | undefined {
  const request = text.includes('"ApiRequest"');
  if (!request && !text.includes('"ApiResult"')) return undefined;
  const field = jsonObjectFields(text);
  if (!field) return undefined;
  const api = field('api');
  if (typeof api !== 'string') return undefined;
  const rawSrc = field('src');
  let src: string | undefined;
  if (typeof rawSrc === 'string') src = rawSrc;
  else if (typeof rawSrc === 'number' && Number.isFinite(rawSrc)) src = String(rawSrc);
  else if (rawSrc !== undefined) return undefined;
  const msg = field('msg');
  const mt = field('mt');
  if (mt === 'ApiRequest') {
    const provider = field('provider');
    const title = field('title');
    if ((provider !== undefined && typeof provider !== 'string') || (title !== undefined && typeof title !== 'string')) return undefined;
    return { mt, api, provider, src, msg };
  }
  if (mt === 'ApiResult') {
    const consumer = field('consumer');
    if (typeof consumer !== 'string') return undefined;
    return { mt, api, consumer, src, msg };
  }
  return undefined;
}

/**
 * The own fields of the JSON object in `text` (read with `field(name)`), or undefined when it is
 * not one — or nests deeper than any valid message, which is not even parsed.
 */
export function jsonObjectFields(text: string): ((name: string) => unknown) | undefined {
  if (jsonNestsDeeperThan(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  return (name) => (Object.hasOwn(object, name) ? object[name] : undefined);
}

/** The string the provider app gets, exactly as the core's broker builds it (`deliver`). */
export function apiRequestText(api: string, consumer: string, src: string | undefined, msg: unknown): string {
  return JSON.stringify({ mt: 'ApiRequest', api, consumer, src, msg });
}

/** The string the consumer app gets, exactly as the core's broker builds it (`result`). */
export function apiResultText(api: string, provider: string, src: string | undefined, msg: unknown): string {
  return JSON.stringify({ mt: 'ApiResult', api, provider, src, msg });
}

/** Pages report their direct traffic per channel this often (and when the channel ends). */
export const trafficReportMs = 5000;
