/**
 * The logged-in user's own profile picture, from an app that provides `com.innovaphone.avatar`
 * (`app-hosting.md` §3.4). The provider announces `info {filename, token, domain}` on its App
 * Object; the picture is at the directory of its App URL + `filename`, and the provider checks
 * `auth = hex(SHA-256(token + salt + sip))` for the `salt` the client chose. The query is the
 * one the SDK's `innovaphone.Avatar` builds: `sip, salt, auth, size, dn?, user, dom=@<domain>`
 * and `no-cache` for the user's own picture.
 *
 * Only a provider for the user's domain counts (the SDK picks providers by `info.domain`);
 * of several, the one provider-choice.ts decides without asking, else the first listed.
 * `UpdateProfile` ("the profile picture changed and shall be reloaded") takes a new salt, so
 * the URL changes and the UI fetches the picture again.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../common/log.js';
import type { UserView } from '../bridge/views.js';
import { sha256Hex } from '../protocol/crypto.js';
import { resolveHttpUrl } from './catalog.js';
import type { ProviderCandidate } from './provider-choice.js';

export const AVATAR_API = 'com.innovaphone.avatar';

/** Pixels asked of the provider: the header shows it at 24 CSS px, twice that for high-DPI screens, and some room. */
export const OWN_AVATAR_SIZE = 80;

/** What a provider's App Object says in `info.apis["com.innovaphone.avatar"]`, checked. */
export interface AvatarInfo {
  filename: string;
  token: string;
  domain: string;
}

const MAX_FIELD = 1024;

/** The provider's info, or why it cannot be used (the caller logs it; the user then has no picture). */
export function parseAvatarInfo(info: unknown): { ok: true; info: AvatarInfo } | { ok: false; reason: string } {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) return { ok: false, reason: 'info is not an object' };
  const rec = info as Record<string, unknown>;
  const field = (name: string) => (Object.hasOwn(rec, name) ? rec[name] : undefined);
  const filename = field('filename');
  const token = field('token');
  const domain = field('domain');
  for (const [name, value] of [
    ['filename', filename],
    ['token', token],
    ['domain', domain],
  ] as const) {
    if (typeof value !== 'string' || value === '') return { ok: false, reason: `info.${name} is missing or not a string` };
    if (value.length > MAX_FIELD) return { ok: false, reason: `info.${name} is longer than ${MAX_FIELD} characters` };
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value)) return { ok: false, reason: `info.${name} holds control characters` };
  }
  // The picture must stay in the provider's own directory: no query, fragment, absolute path or way up.
  const f = filename as string;
  if (/[?#\\\s]/.test(f) || f.startsWith('/') || f.split('/').some((seg) => seg === '..' || seg === '.')) {
    return { ok: false, reason: 'info.filename is not a file name in the provider’s directory' };
  }
  return { ok: true, info: { filename: f, token: token as string, domain: domain as string } };
}

/** `auth` of the picture's URL: hex SHA-256 of token + salt + sip, as the provider checks it. */
export function avatarAuth(token: string, salt: string, sip: string): string {
  return sha256Hex(token + salt + sip);
}

/** 16 letters and digits: the salt the SDK makes (`randomString(16)`). */
export function newSalt(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  // 62 * 4 = 248 < 256: bytes from 248 up are skipped so every character is equally likely.
  let out = '';
  while (out.length < 16) for (const b of randomBytes(32)) if (b < 248 && out.length < 16) out += alphabet[b % 62];
  return out;
}

export interface OwnAvatarRequest {
  /** The provider's App URL (absolute, as the catalogue has it). */
  appUrl: string;
  info: AvatarInfo;
  /** The user's SIP name (without domain) and domain. */
  sip: string;
  domain: string;
  dn?: string;
  size: number;
  salt: string;
}

/** The URL of the user's own picture; undefined when it would not be an http(s) URL in the provider's directory. */
export function ownAvatarUrl(r: OwnAvatarRequest): string | undefined {
  const dir = r.appUrl.slice(0, r.appUrl.lastIndexOf('/') + 1);
  const base = resolveHttpUrl(r.info.filename, dir);
  if (!base || !base.startsWith(dir)) return undefined;
  const e = encodeURIComponent;
  const query = [
    `sip=${e(r.sip)}`,
    `salt=${e(r.salt)}`,
    `auth=${avatarAuth(r.info.token, r.salt, r.sip)}`,
    `size=${r.size}`,
    ...(r.dn ? [`dn=${e(r.dn)}`] : []),
    `user=${e(r.sip)}`,
    `dom=@${e(r.domain)}`,
    // The user's own picture changes under the same URL: caches must not keep it (SDK does the same).
    'no-cache',
  ];
  return `${base}?${query.join('&')}`;
}

/** A provider of the avatar API as the catalogue lists it. */
export interface AvatarProvider {
  name: string;
  title: string;
  url: string;
  /** Its `info.apis["com.innovaphone.avatar"]`, unchecked. */
  info: unknown;
}

export interface OwnAvatarDeps {
  /** The providers the user may use (the catalogue's apps that list the API), in the PBX's order. */
  providers(): AvatarProvider[];
  /** provider-choice.ts `resolve`: the default among several without asking the user. */
  resolve(api: string, candidates: readonly ProviderCandidate[]): string | undefined;
  user(): UserView | undefined;
  /** The URL changed (undefined: no picture). */
  changed(url: string | undefined): void;
  log: Logger;
  salt?: () => string;
}

/**
 * Keeps the user's picture URL. The salt stays while provider and user do (the same URL, so
 * nothing is fetched again for nothing); a new provider or user, or `reload`, takes a new one.
 */
export class OwnAvatar {
  private url: string | undefined;
  /** What the URL was made from, but the salt; a different one takes a new salt. */
  private basis: string | undefined;
  private salt: string | undefined;
  /** Warnings already logged for a provider's info (not once per app-list update). */
  private readonly warned = new Set<string>();

  constructor(private readonly deps: OwnAvatarDeps) {}

  get current(): string | undefined {
    return this.url;
  }

  /** Work out the URL again (user, app list or defaults changed); tells `changed` only when it differs. */
  update(): void {
    this.set(this.compute(false));
  }

  /** `UpdateProfile`: the picture changed at the provider; a new URL makes the UI fetch it again. */
  reload(): void {
    this.set(this.compute(true));
  }

  private set(url: string | undefined): void {
    if (url === this.url) return;
    this.url = url;
    this.deps.changed(url);
  }

  private compute(fresh: boolean): string | undefined {
    const user = this.deps.user();
    if (!user?.sip || !user.domain) return this.clear();
    const usable: { provider: AvatarProvider; info: AvatarInfo }[] = [];
    for (const provider of this.deps.providers()) {
      const parsed = parseAvatarInfo(provider.info);
      if (!parsed.ok) {
        const key = `${provider.name}\n${parsed.reason}`;
        if (!this.warned.has(key)) {
          this.warned.add(key);
          this.deps.log('warn', 'an avatar provider is not used: its info is unusable', { app: provider.name, reason: parsed.reason });
        }
        continue;
      }
      // The SDK uses a provider for the pictures of its own domain only.
      if (parsed.info.domain === user.domain) usable.push({ provider, info: parsed.info });
    }
    if (usable.length === 0) return this.clear();
    const chosen = this.deps.resolve(AVATAR_API, usable.map((u) => ({ name: u.provider.name, title: u.provider.title })));
    // No default among several: the first the PBX lists, as the SDK does; the user is never asked for a picture.
    const { provider, info } = usable.find((u) => u.provider.name === chosen) ?? usable[0]!;
    const basis = JSON.stringify([provider.name, provider.url, info, user.sip, user.domain, user.dn ?? '']);
    if (fresh || basis !== this.basis || this.salt === undefined) this.salt = (this.deps.salt ?? newSalt)();
    this.basis = basis;
    const url = ownAvatarUrl({ appUrl: provider.url, info, sip: user.sip, domain: user.domain, ...(user.dn && { dn: user.dn }), size: OWN_AVATAR_SIZE, salt: this.salt });
    if (url === undefined) this.deps.log('warn', 'an avatar provider is not used: its picture URL is unusable', { app: provider.name });
    return url;
  }

  private clear(): undefined {
    this.basis = undefined;
    this.salt = undefined;
    return undefined;
  }
}
