/**
 * The messages of `com.innovaphone.search` (`app-hosting.md` §3.4) as the client speaks them
 * when it searches contacts itself: it sends `Search{type:"contact", search}` to every
 * provider (`"*"`) and reads back any number of `SearchInfo` and one `SearchResult` per
 * provider. What a provider answers is outside input: each `SearchInfo` is validated here, once,
 * and only the fields the client uses survive (a provider's extra fields never travel on).
 */
import { hasControlOrFormat } from '../config/text.js';
import { parseAppLink } from './app-link.js';

export const SEARCH_API = 'com.innovaphone.search';

/** What the client asks every provider. */
export interface Search {
  mt: 'Search';
  type: 'contact';
  search: string;
}

/** The longest display name, SIP name, e-mail address and app link the client takes from a provider. */
export const MAX_DN = 256;
export const MAX_SIP = 256;
export const MAX_NUM = 64;
export const MAX_EMAIL = 256;
export const MAX_LINK = 1024;
export const MAX_PHOTO_URL = 2048;

/** One contact a provider found, as validated: the fields the client shows and acts on. */
export interface SearchInfo {
  mt: 'SearchInfo';
  dn: string;
  /** The provider's id of the contact; the all-zero guid (lib1's "none") is left out. */
  guid?: string;
  sip?: string;
  num?: string;
  email?: string;
  /** An app link (`<app>?<args>`) that shows the contact in its app. */
  link?: string;
  /** The contact's picture as the provider gave it (absolute, or relative to its App URL). */
  photourl?: string;
}

export type SearchAnswer = { ok: true; msg: SearchInfo | { mt: 'SearchResult' } } | { ok: false; error: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Own members only: a provider's `{"__proto__": …}` is data, never the prototype. */
const field = (o: Record<string, unknown>, name: string): unknown => (Object.hasOwn(o, name) ? o[name] : undefined);

/**
 * An optional text field: absent (undefined, null or "") is fine; anything else must be a
 * string (a number where `numbers` allows it: phone numbers come as numbers from some
 * directories) of at most `max` characters without control or invisible format characters.
 */
function text(o: Record<string, unknown>, name: string, max: number, numbers = false): string | undefined {
  const v = field(o, name);
  if (v === undefined || v === null || v === '') return undefined;
  const s = typeof v === 'string' ? v.trim() : numbers && typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
  if (s === undefined) throw new Error(`${name} is not text`);
  if (s.length > max) throw new Error(`${name} is longer than ${max} characters`);
  if (hasControlOrFormat(s)) throw new Error(`${name} contains control or invisible characters`);
  return s === '' ? undefined : s;
}

/** Read one answer of a provider to `Search`; anything else is an error with a reason for the log. */
export function parseSearchAnswer(msg: unknown): SearchAnswer {
  if (!isRecord(msg)) return { ok: false, error: 'the answer is not an object' };
  const mt = field(msg, 'mt');
  if (mt === 'SearchResult') return { ok: true, msg: { mt: 'SearchResult' } };
  if (mt !== 'SearchInfo') return { ok: false, error: `unexpected mt ${JSON.stringify(typeof mt === 'string' ? mt.slice(0, 64) : mt)}` };
  try {
    const type = field(msg, 'type');
    if (type !== undefined && type !== 'contact') throw new Error('type is not "contact"');
    const dn = text(msg, 'dn', MAX_DN);
    if (dn === undefined) throw new Error('dn is missing');
    const guidRaw = text(msg, 'guid', 64);
    const guid = guidRaw === undefined || /^0+$/.test(guidRaw) ? undefined : guidRaw.toLowerCase();
    const contactRaw = field(msg, 'contact');
    if (contactRaw !== undefined && contactRaw !== null && !isRecord(contactRaw)) throw new Error('contact is not an object');
    const contact = isRecord(contactRaw) ? contactRaw : {};
    const sip = text(contact, 'sip', MAX_SIP);
    const num = text(contact, 'num', MAX_NUM, true);
    const email = text(contact, 'email', MAX_EMAIL);
    const rawLink = text(msg, 'link', MAX_LINK);
    // Only an app link (the client opens it as `openApp` would); a URL or junk is left out, the contact kept.
    const link = rawLink !== undefined && !rawLink.includes(',') && parseAppLink(rawLink) ? rawLink : undefined;
    const photourl = text(msg, 'photourl', MAX_PHOTO_URL);
    return { ok: true, msg: { mt: 'SearchInfo', dn, ...(guid && { guid }), ...(sip && { sip }), ...(num && { num }), ...(email && { email }), ...(link && { link }), ...(photourl && { photourl }) } };
  } catch (e) {
    return { ok: false, error: `SearchInfo: ${(e as Error).message}` };
  }
}
