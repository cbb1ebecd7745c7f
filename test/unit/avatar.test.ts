/**
 * The user's own picture (main/core/apps/avatar.ts): the `auth` formula against the vector,
 * the URL the SDK builds, the provider's info checked at the boundary, which provider is used,
 * and a new URL on `UpdateProfile`.
 */
import { describe, expect, it } from 'vitest';
import { AVATAR_API, avatarAuth, newSalt, OWN_AVATAR_SIZE, OwnAvatar, ownAvatarUrl, parseAvatarInfo, type AvatarProvider } from '../../main/core/apps/avatar.js';
import type { UserView } from '../../main/core/bridge/views.js';
import { vectors } from '../support/vectors.js';

const flip = (s: string) => s.slice(0, -1) + (s.endsWith('a') ? 'b' : 'a');

describe('avatar auth', () => {
  it.each(vectors.avatar.cases)('matches the vector (sip $sip)', (v) => {
    expect(avatarAuth(v.token, v.salt, v.sip)).toBe(v.auth);
    // Each input counts, in this order.
    expect(avatarAuth(flip(v.token), v.salt, v.sip)).not.toBe(v.auth);
    expect(avatarAuth(v.token, flip(v.salt), v.sip)).not.toBe(v.auth);
    expect(avatarAuth(v.token, v.salt, flip(v.sip))).not.toBe(v.auth);
    expect(avatarAuth(v.salt, v.token, v.sip)).not.toBe(v.auth);
  });

  it('makes fresh 16-character salts of letters and digits', () => {
    const seen = new Set(Array.from({ length: 50 }, newSalt));
    expect(seen.size).toBe(50);
    for (const s of seen) expect(s).toMatch(/^[A-Za-z0-9]{16}$/);
  });
});

describe('avatar URL', () => {
  const v = vectors.avatar.cases[0]!;
  const info = { filename: 'avatar.png', token: v.token, domain: 'example.com' };

  it('is the provider directory + filename with the SDK query', () => {
    const url = ownAvatarUrl({ appUrl: 'https://apps.example.com/example.com/profile/innovaphone-profile', info, sip: v.sip, domain: 'example.com', dn: 'Alice Example', size: 80, salt: v.salt });
    expect(url).toBe(`https://apps.example.com/example.com/profile/avatar.png?sip=alice&salt=${v.salt}&auth=${v.auth}&size=80&dn=Alice%20Example&user=alice&dom=@example.com&no-cache`);
  });

  it('encodes names and leaves out an empty dn', () => {
    const url = ownAvatarUrl({ appUrl: 'http://h/a/app', info, sip: 'a&b c', domain: 'd.com', size: 40, salt: 'S' })!;
    const q = new URL(url).searchParams;
    expect(q.get('sip')).toBe('a&b c');
    expect(q.get('user')).toBe('a&b c');
    expect(q.get('auth')).toBe(avatarAuth(v.token, 'S', 'a&b c'));
    expect(q.has('dn')).toBe(false);
    expect(q.has('no-cache')).toBe(true);
  });

  it('keeps the picture in the provider directory', () => {
    // parseAvatarInfo refuses such names already; the URL builder does not trust that alone.
    expect(ownAvatarUrl({ appUrl: 'http://h/a/app', info: { ...info, filename: '//evil.example/x' }, sip: 's', domain: 'd', size: 1, salt: 'x' })).toBeUndefined();
  });
});

describe('avatar provider info', () => {
  const good = { filename: 'pic.png', token: 't0k', domain: 'example.com' };

  it('takes the three fields', () => {
    expect(parseAvatarInfo(good)).toEqual({ ok: true, info: good });
    expect(parseAvatarInfo({ ...good, extra: 1 })).toEqual({ ok: true, info: good });
  });

  it.each([
    ['not an object', 'x'],
    ['null', null],
    ['an array', [good]],
    ['no filename', { token: 't', domain: 'd' }],
    ['no token', { filename: 'f', domain: 'd' }],
    ['no domain', { filename: 'f', token: 't' }],
    ['a number token', { ...good, token: 42 }],
    ['an empty token', { ...good, token: '' }],
    ['an inherited filename', Object.assign(Object.create({ filename: 'f' }) as object, { token: 't', domain: 'd' })],
    ['a filename with a query', { ...good, filename: 'a.png?x=1' }],
    ['an absolute filename', { ...good, filename: '/etc/passwd' }],
    ['a filename going up', { ...good, filename: '../other/pic.png' }],
    ['a filename with a backslash', { ...good, filename: '..\\pic.png' }],
    ['a control character', { ...good, domain: 'a\nb' }],
    ['an overlong token', { ...good, token: 'x'.repeat(2000) }],
  ])('refuses %s', (_name, info) => {
    expect(parseAvatarInfo(info).ok).toBe(false);
  });
});

describe('OwnAvatar', () => {
  const alice: UserView = { sip: 'alice', domain: 'example.com', dn: 'Alice' };
  const provider = (name: string, info: unknown, url = `https://apps.example.com/${name}/app`): AvatarProvider => ({ name, title: name.toUpperCase(), url, info });
  const good = (token = 'tok') => ({ filename: 'pic.png', token, domain: 'example.com' });

  function setup(providers: AvatarProvider[], user: UserView | undefined = alice, resolve: (names: string[]) => string | undefined = () => undefined) {
    const changes: (string | undefined)[] = [];
    const logs: { message: string; fields?: Record<string, unknown> }[] = [];
    let n = 0;
    const state: { providers: AvatarProvider[]; user: UserView | undefined } = { providers, user };
    const resolved: { api: string; names: string[] }[] = [];
    const avatar = new OwnAvatar({
      providers: () => state.providers,
      resolve: (api, c) => {
        resolved.push({ api, names: c.map((x) => x.name) });
        return resolve(c.map((x) => x.name));
      },
      user: () => state.user,
      changed: (url) => changes.push(url),
      log: (_level, message, fields) => logs.push({ message, ...(fields && { fields }) }),
      salt: () => `salt${++n}`,
    });
    return { avatar, changes, logs, state, resolved };
  }

  it('makes the URL of the provider for the user’s domain and tells it once', () => {
    const { avatar, changes } = setup([provider('other', { ...good(), domain: 'other.com' }), provider('pics', good())]);
    avatar.update();
    avatar.update();
    expect(changes).toEqual([`https://apps.example.com/pics/pic.png?sip=alice&salt=salt1&auth=${avatarAuth('tok', 'salt1', 'alice')}&size=${OWN_AVATAR_SIZE}&dn=Alice&user=alice&dom=@example.com&no-cache`]);
  });

  it('makes a new URL with a new salt on reload (UpdateProfile)', () => {
    const { avatar, changes } = setup([provider('pics', good())]);
    avatar.update();
    avatar.reload();
    expect(changes).toHaveLength(2);
    expect(new URL(changes[1]!).searchParams.get('salt')).toBe('salt2');
    expect(new URL(changes[1]!).searchParams.get('auth')).toBe(avatarAuth('tok', 'salt2', 'alice'));
  });

  it('has no URL without a provider, a user or a domain, and drops it at logout', () => {
    const none = setup([]);
    none.avatar.update();
    none.avatar.reload();
    expect(none.changes).toEqual([]);
    const noDomain = setup([provider('pics', good())], { sip: 'alice' });
    noDomain.avatar.update();
    expect(noDomain.changes).toEqual([]);
    const s = setup([provider('pics', good())]);
    s.avatar.update();
    s.state.user = undefined;
    s.avatar.update();
    expect(s.changes).toHaveLength(2);
    expect(s.changes[1]).toBeUndefined();
    expect(s.avatar.current).toBeUndefined();
  });

  it('skips a provider with bad info with one warning (no token logged), and uses a good one', () => {
    const s = setup([provider('broken', { filename: 'p.png', token: 'secret-token' }), provider('pics', good())]);
    s.avatar.update();
    s.avatar.reload();
    expect(new URL(s.changes.at(-1)!).pathname).toBe('/pics/pic.png');
    expect(s.logs).toEqual([{ message: 'an avatar provider is not used: its info is unusable', fields: { app: 'broken', reason: 'info.domain is missing or not a string' } }]);
    expect(JSON.stringify(s.logs)).not.toContain('secret-token');
    // Only bad ones: no picture, and no crash.
    const bad = setup([provider('broken', 'nonsense')]);
    bad.avatar.update();
    expect(bad.changes).toEqual([]);
    expect(bad.logs).toHaveLength(1);
  });

  it('of several, takes the default provider-choice resolves, else the first listed, without asking', () => {
    const byDefault = setup([provider('a', good('ta')), provider('b', good('tb'))], alice, (names) => (names.includes('b') ? 'b' : undefined));
    byDefault.avatar.update();
    expect(byDefault.resolved).toEqual([{ api: AVATAR_API, names: ['a', 'b'] }]);
    expect(new URL(byDefault.changes[0]!).pathname).toBe('/b/pic.png');
    const first = setup([provider('a', good('ta')), provider('b', good('tb'))]);
    first.avatar.update();
    expect(new URL(first.changes[0]!).pathname).toBe('/a/pic.png');
  });

  it('a changed provider info takes a new salt; an unchanged one keeps the URL', () => {
    const s = setup([provider('pics', good('t1'))]);
    s.avatar.update();
    s.state.providers = [provider('pics', good('t2'))];
    s.avatar.update();
    expect(s.changes).toHaveLength(2);
    expect(new URL(s.changes[1]!).searchParams.get('auth')).toBe(avatarAuth('t2', 'salt2', 'alice'));
  });
});
