/**
 * Which app a PBX `Wake{type, hw, incoming}` starts (pbx-session.md §4.4; app-hosting.md §5.1
 * item 10). Only apps whose `info.wake` lists the type qualify, and of those:
 *
 * - `phone`: the app `hw` names (none named: the standard one) — and only if it is the user's
 *   standard phone app or the call is outgoing (`incoming: false`). A call that is not known to
 *   be outgoing never starts another phone app than the standard one: the user chose it.
 *   Incoming calls (`incoming: true`) bring the app to the front.
 * - any other type (`chat`): the standard app of that kind, started in the background.
 *
 * The standard app of a kind is the default provider of its Client API (IT's, the user's, or
 * the only provider: provider-choice.ts) when it lists the type, else the only app that does.
 */
import type { CatalogEntry } from './catalog.js';

export interface WakeRequest {
  type: string;
  hw?: string | undefined;
  incoming?: boolean | undefined;
}

export interface WakeTarget {
  name: string;
  /** Bring it to the front (an incoming call); otherwise it starts without a tab. */
  front: boolean;
}

/** The Client API whose default provider is the standard app for a wake type. */
const standardApi: ReadonlyMap<string, string> = new Map([
  ['phone', 'com.innovaphone.phone'],
  ['chat', 'com.innovaphone.chat'],
]);

export function wakeTarget(request: WakeRequest, entries: readonly Pick<CatalogEntry, 'name' | 'wake'>[], defaultProviderOf: (api: string) => string | undefined): WakeTarget | undefined {
  const able = entries.filter((e) => e.wake.includes(request.type)).map((e) => e.name);
  const api = standardApi.get(request.type);
  const byDefault = api === undefined ? undefined : defaultProviderOf(api);
  const standard = byDefault !== undefined && able.includes(byDefault) ? byDefault : able.length === 1 ? able[0] : undefined;
  if (request.type !== 'phone') return standard === undefined ? undefined : { name: standard, front: false };
  const named = request.hw === undefined ? standard : able.find((name) => name === request.hw);
  if (named === undefined || (named !== standard && request.incoming !== false)) return undefined;
  return { name: named, front: request.incoming === true };
}

/** What the catalogue's apps can be woken for (`SetSessionInfo{wake}`): each type once, sorted. */
export function wakeTypes(entries: Iterable<Pick<CatalogEntry, 'wake'>>): string[] {
  return [...new Set([...entries].flatMap((e) => e.wake))].sort();
}
