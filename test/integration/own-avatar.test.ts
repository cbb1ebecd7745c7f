/**
 * The user's own picture (apps/avatar.ts) in the real core against the PBX emulator: the URL
 * made from the avatar provider's App Object info reaches the snapshot (`ownAvatar`), an app's
 * `UpdateProfile` to `@client` makes a new one, a provider with unusable info is skipped with
 * a warning, of two the IT default is used, and the URL goes with the provider and at logout.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EmulatorConfig } from '../pbx/index.js';
import { appsConfig, openView, setup, until } from '../support/core-apps.js';

const AVATAR = 'com.innovaphone.avatar';
const CLIENT = 'com.innovaphone.client';
const TOKEN = 'tok-0123456789';
// The provider's side of the check, written here with node:crypto (not the client's code).
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

function withProviders(providers: { name: string; info: unknown }[]): EmulatorConfig {
  const c = appsConfig();
  for (const p of providers) {
    c.appObjects.push({ name: p.name, title: p.name.toUpperCase(), password: 'p', url: `http://127.0.0.1:9/apps/${p.name}/${p.name}`, hidden: true, apis: { [AVATAR]: p.info } } as never);
    c.users[0]!.apps.push(p.name);
  }
  return c;
}

const info = (token = TOKEN, extra: object = {}) => ({ filename: 'avatar.png', token, domain: 'example.com', ...extra });

/** The URL's parts, and whether its auth is the provider's formula for its salt. */
function parse(url: string) {
  const u = new URL(url);
  const q = u.searchParams;
  return { path: `${u.origin}${u.pathname}`, q, authOk: q.get('auth') === sha256(TOKEN + q.get('salt')! + q.get('sip')!) };
}

describe('own avatar', () => {
  it('the view model carries the provider’s picture URL; UpdateProfile from an app changes it', async () => {
    const { core } = await setup({ config: withProviders([{ name: 'pics', info: info() }]) });
    const first = (await until(core, (s) => s.ownAvatar !== undefined)).ownAvatar!;
    const a = parse(first);
    expect(a.path).toBe('http://127.0.0.1:9/apps/pics/avatar.png');
    expect(a.authOk).toBe(true);
    expect(Object.fromEntries(a.q)).toMatchObject({ sip: 'alice', user: 'alice', dom: '@example.com', dn: 'Alice Example', 'no-cache': '' });

    const app = await openView(core, 'consumer');
    app.post({ mt: 'ApiRequest', api: CLIENT, src: 'p1', msg: { mt: 'UpdateProfile' } });
    expect(await app.next((m) => m.mt === 'ApiResult' && m.src === 'p1')).toMatchObject({ msg: { mt: 'UpdateProfileResult' } });
    const second = (await until(core, (s) => s.ownAvatar !== first)).ownAvatar!;
    const b = parse(second);
    expect(b.path).toBe(a.path);
    expect(b.q.get('salt')).not.toBe(a.q.get('salt'));
    expect(b.authOk).toBe(true);

    // Logged out: no picture of anyone.
    await core.handle({ type: 'logout' });
    await until(core, (s) => s.ownAvatar === undefined);
  });

  it('no provider: no URL; a provider with unusable info: none either, a warning, no crash', async () => {
    const plain = await setup();
    // Positive control for "nothing came": the apps (which the URL is made from) are there.
    expect(plain.core.snapshot().apps).toBeDefined();
    expect(plain.core.snapshot().ownAvatar).toBeUndefined();

    const logs: { message: string; fields?: Record<string, unknown> }[] = [];
    const { core } = await setup({
      config: withProviders([
        { name: 'broken', info: { filename: 'avatar.png', domain: 'example.com' } },
        { name: 'escape', info: info(TOKEN, { filename: '../other/avatar.png' }) },
      ]),
      core: { log: (_level, message, fields) => logs.push({ message, ...(fields && { fields }) }) },
    });
    expect(core.snapshot().apps?.tiles.length).toBeGreaterThan(0);
    expect(core.snapshot().ownAvatar).toBeUndefined();
    expect(logs.filter((l) => l.message.startsWith('an avatar provider is not used')).map((l) => l.fields)).toEqual([
      { app: 'broken', reason: 'info.token is missing or not a string' },
      { app: 'escape', reason: 'info.filename is not a file name in the provider’s directory' },
    ]);
    // The core still works: an app's UpdateProfile is answered, with no URL to renew.
    const app = await openView(core, 'consumer');
    app.post({ mt: 'ApiRequest', api: CLIENT, src: 'p1', msg: { mt: 'UpdateProfile' } });
    expect(await app.next((m) => m.mt === 'ApiResult' && m.src === 'p1')).toMatchObject({ msg: { mt: 'UpdateProfileResult' } });
    expect(core.snapshot().ownAvatar).toBeUndefined();
  });

  it('of two providers the IT default is used without asking; another domain’s provider is not; the URL goes with the provider', async () => {
    const config = withProviders([
      { name: 'elsewhere', info: info(TOKEN, { domain: 'other.example' }) },
      { name: 'first', info: info('first-token') },
      { name: 'pics', info: info() },
    ]);
    const { core, pbx } = await setup({ config, policy: { enforced: { defaultApiProviders: { [AVATAR]: 'pics' } } } });
    const url = (await until(core, (s) => s.ownAvatar !== undefined)).ownAvatar!;
    expect(parse(url).path).toBe('http://127.0.0.1:9/apps/pics/avatar.png');
    expect(parse(url).authOk).toBe(true);
    expect(core.snapshot().providerPrompts).toEqual([]);
    // The user may no longer use it: the other provider of the domain takes over.
    pbx.setUserApps('alice', pbx.config.users[0]!.apps.filter((a) => a !== 'pics'));
    const next = (await until(core, (s) => s.ownAvatar !== url)).ownAvatar!;
    expect(new URL(next).pathname).toBe('/apps/first/avatar.png');
    expect(new URL(next).searchParams.get('auth')).toBe(sha256('first-token' + new URL(next).searchParams.get('salt')! + 'alice'));
    // And none left of the user's domain: no picture.
    pbx.setUserApps('alice', pbx.config.users[0]!.apps.filter((a) => a !== 'first' && a !== 'pics'));
    await until(core, (s) => s.ownAvatar === undefined);
  });
});
