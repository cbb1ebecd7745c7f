/**
 * Deep links handed to the client by the OS or another program (security control 14):
 * `tel:`, `sip:`, `callto:` start a call, `myapps://app/<name>?<args>` opens an app.
 * A link is untrusted text from anywhere (a web page, a mail), so the parser accepts a narrow,
 * normalised form, returns only values rebuilt from checked pieces, and never throws.
 *
 * Decisions:
 * - The raw link must be printable ASCII (non-ASCII must be percent-encoded) of at most 2048
 *   characters; surrounding spaces are trimmed; any control character is an error.
 * - tel: visual separators ` -.()` are removed; `+` only leading; digits, `*`, `#`. Everything
 *   from the first `;` on (`ext=`, `phone-context=`, `isub=`) is dropped: the phone API takes
 *   one dial string and the PBX dials in its own context, and appending an extension would
 *   dial a different number on many PBXes. Letters (`1-800-FLOWERS`) are refused.
 * - sip: URI parameters (`;transport=`) and headers (`?subject=`) are dropped, never passed on.
 *   The user part keeps its percent-escapes (they are part of the URI); a password
 *   (`user:pw@`) is refused. `sips:` is not a scheme we register, so it is refused.
 * - tel: and callto: accept the `//` form browsers and some sites produce.
 * - myapps: only `myapps://app/<name>` with an optional query; no trailing slash, no fragment.
 *   In the query `+` is a literal plus (RFC 3986, not HTML forms; apps pass phone numbers);
 *   empty `&&` segments are skipped; a repeated key is an error (which one would be meant?).
 *   Decoded argument values may be any Unicode except control and format characters.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { hasControlOrFormat } from './text.js';

export type DeepLink =
  | { kind: 'call'; scheme: 'tel'; number: string }
  | { kind: 'call'; scheme: 'sip'; uri: string }
  | { kind: 'app'; name: string; args: Record<string, string> };

export interface DeepLinkError {
  kind: 'error';
  reason: string;
}

export const MAX_LINK_LENGTH = 2048;
export const MAX_NUMBER_LENGTH = 64;
export const MAX_APP_ARGS = 32;
export const MAX_ARG_VALUE_LENGTH = 1024;
export const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const APP_ARG_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
export const SIP_USER = /^[A-Za-z0-9._~!$&'*+=%-]{1,256}$/;

const fail = (reason: string): DeepLinkError => ({ kind: 'error', reason });

/** Strict percent-decoding: every `%` needs two hex digits and the bytes must be UTF-8. */
function percentDecode(text: string): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function parseTel(body: string): DeepLink | DeepLinkError {
  const decoded = percentDecode(body.split(';', 1)[0]!);
  if (decoded === undefined) return fail('the number contains a malformed %-escape');
  if (hasControlOrFormat(decoded)) return fail('the number contains control characters');
  const number = decoded.replace(/[ \-.()]/g, '');
  if (!/^\+?[0-9*#]+$/.test(number)) return fail('a phone number may hold only a leading "+", digits, "*", "#" and the separators " -.()"');
  if (number.length > MAX_NUMBER_LENGTH) return fail(`the number is longer than ${MAX_NUMBER_LENGTH} characters`);
  return { kind: 'call', scheme: 'tel', number };
}

function validHost(host: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(host);
  const plain = /^([^:[\]]+)(?::(\d{1,5}))?$/.exec(host);
  const match = bracketed ?? plain;
  if (!match) return false;
  const [, name, port] = match as unknown as [string, string, string | undefined];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  // isIPv6 accepts zone ids (`fe80::1%eth0`, any text after `%`); a link has no use for them.
  if (bracketed) return /^[0-9A-Fa-f:.]+$/.test(name) && isIPv6(name);
  if (/^[0-9.]+$/.test(name)) return isIPv4(name);
  const label = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
  return name.length <= 253 && name.split('.').every((l) => label.test(l));
}

function parseSip(body: string): DeepLink | DeepLinkError {
  const address = body.split(/[;?]/, 1)[0]!;
  const at = address.lastIndexOf('@');
  const user = at < 0 ? address : address.slice(0, at);
  const host = at < 0 ? undefined : address.slice(at + 1);
  if (user.includes(':')) return fail('a sip link must not carry a password');
  if (!SIP_USER.test(user)) return fail('the sip user part is empty, too long or has characters outside A-Z a-z 0-9 . _ ~ ! $ & \' * + = % -');
  const decodedUser = percentDecode(user);
  if (decodedUser === undefined || hasControlOrFormat(decodedUser)) return fail('the sip user part contains a malformed or control-character %-escape');
  if (host !== undefined && !validHost(host)) return fail('the sip host is not a host name or IP address');
  return { kind: 'call', scheme: 'sip', uri: host === undefined ? user : `${user}@${host}` };
}

/** callto: is used for numbers and for addresses alike: a number goes the tel: way. */
function parseCallto(body: string): DeepLink | DeepLinkError {
  const bare = body.startsWith('//') ? body.slice(2).replace(/\/$/, '') : body;
  const asTel = parseTel(bare);
  if (asTel.kind !== 'error') return asTel;
  const looksLikeNumber = /^[+0-9*#() .-]*$/.test(bare.split(';', 1)[0]!);
  return looksLikeNumber ? asTel : parseSip(bare);
}

function parseApp(rest: string): DeepLink | DeepLinkError {
  const m = /^\/\/app\/([^?#]*)(?:\?([^#]*))?$/i.exec(rest);
  if (!m) return fail('a myapps link must have the form myapps://app/<name>?<arguments>');
  const [, name, query] = m as unknown as [string, string, string | undefined];
  if (!APP_NAME.test(name)) return fail('the app name must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit');
  const args = new Map<string, string>();
  for (const part of (query ?? '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = percentDecode(eq < 0 ? part : part.slice(0, eq));
    const value = percentDecode(eq < 0 ? '' : part.slice(eq + 1));
    if (key === undefined || value === undefined) return fail('an argument contains a malformed %-escape');
    if (!APP_ARG_KEY.test(key)) return fail('an argument name must be 1-64 letters, digits, "_", "." or "-"');
    if (args.has(key)) return fail('an argument is given twice');
    if (value.length > MAX_ARG_VALUE_LENGTH) return fail(`an argument value is longer than ${MAX_ARG_VALUE_LENGTH} characters`);
    if (hasControlOrFormat(value)) return fail('an argument value contains control or invisible formatting characters');
    if (args.size === MAX_APP_ARGS) return fail(`a link may carry at most ${MAX_APP_ARGS} arguments`);
    args.set(key, value);
  }
  // fromEntries defines own properties: an argument named "__proto__" stays an argument.
  return { kind: 'app', name, args: Object.fromEntries(args) };
}

export function parseDeepLink(text: unknown): DeepLink | DeepLinkError {
  if (typeof text !== 'string') return fail('a link must be text');
  if (text.length > MAX_LINK_LENGTH) return fail(`the link is longer than ${MAX_LINK_LENGTH} characters`);
  if (/\p{Cc}/u.test(text)) return fail('the link contains control characters');
  if (/[^\x20-\x7e]/.test(text)) return fail('the link contains characters that are not plain ASCII (they must be %-encoded)');
  const link = text.trim();
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(link);
  if (!m) return fail('the link has no scheme');
  const [, scheme, rest] = m as unknown as [string, string, string];
  switch (scheme.toLowerCase()) {
    case 'tel':
      return parseTel(rest.startsWith('//') ? rest.slice(2) : rest);
    case 'sip':
      return parseSip(rest);
    case 'callto':
      return parseCallto(rest);
    case 'myapps':
      return parseApp(rest);
    default:
      return fail('only tel:, sip:, callto: and myapps:// links are handled');
  }
}

/**
 * A parsed link as the text `followLink` takes, which `parseDeepLink` reads back to the same
 * link: `tel:<number>`, `sip:<uri>`, `myapps://app/<name>?<args>` (keys and values
 * percent-encoded, so a `+` or a space in a value survives; the parser reads `+` literally).
 */
export function linkText(link: DeepLink): string {
  if (link.kind === 'call') return link.scheme === 'tel' ? `tel:${link.number}` : `sip:${link.uri}`;
  const query = Object.entries(link.args)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return `myapps://app/${link.name}${query === '' ? '' : `?${query}`}`;
}
