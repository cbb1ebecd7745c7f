/**
 * The sample apps over real HTTP and WebSocket, no mocks: pages, icons and scripts as a browser
 * gets them; the App Services' login checked against digests the PBX emulator mints for a raw
 * myApps connection; the website's request log; the CLI as a process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { killClis, runCli } from '../support/cli-process.js';
import { sampleAppKinds, type SampleAppConfig } from '../apps/catalog.js';
import { appLoginFrom, JsonSocket, PbxUser, type Msg } from '../apps/pbx-client.js';
import { startSampleApps, type SampleApps } from '../apps/server.js';
import { PbxEmulator, type EmulatorConfig } from '../pbx/index.js';
import { createHash } from 'node:crypto';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const APPS: SampleAppConfig[] = [
  { name: 'echo', kind: 'echo', password: 'echopwd' },
  { name: 'search', kind: 'search', password: 'searchpwd' },
  { name: 'searchclient', kind: 'searchClient', password: 'scpwd' },
  { name: 'phone', kind: 'phone', password: 'phonepwd' },
  { name: 'badge', kind: 'badge', password: 'badgepwd' },
  { name: 'channel', kind: 'channel', password: 'channelpwd' },
  { name: 'website', kind: 'website', password: 'websitepwd' },
  { name: 'contacts', kind: 'search', password: 'contactspwd', page: 'innovaphone-contacts' },
];

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function serve(apps = APPS): Promise<SampleApps> {
  const s = await startSampleApps({ apps });
  cleanup.push(() => s.close());
  return s;
}

/** An emulator whose App Objects point at the sample apps; `passwords` overrides what the PBX believes. */
async function pbxFor(apps: SampleApps, passwords: Record<string, string> = {}): Promise<PbxEmulator> {
  const config: EmulatorConfig = {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', apps: APPS.map((a) => a.name) }],
    appObjects: APPS.map((a) => ({
      name: a.name,
      title: a.name,
      password: passwords[a.name] ?? a.password,
      url: apps.urlOf(a.name),
      ...(a.kind === 'website' && { website: true }),
      ...(a.name === 'search' && { hidden: true, apis: { 'com.innovaphone.search': {} } }),
    })),
  };
  const pbx = await PbxEmulator.start({ config, port: 0 });
  cleanup.push(() => pbx.stop());
  return pbx;
}

async function alice(pbx: PbxEmulator): Promise<PbxUser> {
  const u = await PbxUser.login(pbx.url, 'alice', 'Secret123!');
  cleanup.push(() => u.close());
  return u;
}

/** An AppWebsocket to the app's service, as the page opens it (App URL cut at the last "/", http → ws). */
async function serviceSocket(apps: SampleApps, name: string): Promise<JsonSocket> {
  const url = apps.urlOf(name);
  const s = await JsonSocket.open(url.slice(0, url.lastIndexOf('/')).replace('http', 'ws'));
  cleanup.push(() => s.close());
  return s;
}

async function challenge(s: JsonSocket): Promise<string> {
  s.send({ mt: 'AppChallenge' });
  const r = await s.next('AppChallengeResult');
  expect(r.challenge).toMatch(/^[0-9a-f]{16}$/);
  return r.challenge as string;
}

/** Reads width and height from a PNG's IHDR after checking the signature and chunk type. */
function pngSize(buf: Buffer): [number, number] {
  expect([...buf.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(buf.toString('ascii', 12, 16)).toBe('IHDR');
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)];
}

describe('sample apps: what a browser loads', () => {
  it('serves every page with a CSP allowing only its own scripts, no inline script, and every script it names', async () => {
    const apps = await serve();
    for (const a of APPS) {
      const res = await fetch(`${apps.urlOf(a.name)}.htm?lang=de&scheme=light&name=${a.name}&title=T`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('frame-ancestors'); // the client frames it from its own origin
      expect(res.headers.get('x-frame-options')).toBeNull();
      const html = await res.text();
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts).toHaveLength(1);
      const [, attrs, body] = scripts[0]!;
      expect(body).toBe('');
      expect(html).not.toMatch(/\son[a-z]+=/i);
      const src = /src="([^"]+)"/.exec(attrs!)![1]!;
      expect(src).toBe(`${a.kind.toLowerCase()}.js`);
      const js = await fetch(new URL(src, res.url));
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      const code = await js.text();
      if (a.kind === 'website') expect(code).not.toMatch(/applib|postMessage|addEventListener\('message'/);
      else expect(code).toContain("from './applib.js'");
    }
  });

  it('serves applib.js and its helpers to every app, a PNG icon for any .png, and 404 for the rest', async () => {
    const apps = await serve();
    for (const file of ['applib.js', 'appcrypto.js', 'ui.js']) {
      const res = await fetch(`${apps.origin}/apps/echo/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
    expect((await fetch(`${apps.origin}/apps/echo/app.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    for (const icon of [`${apps.urlOf('echo')}.png`, `${apps.urlOf('contacts')}.png`, `${apps.origin}/apps/contacts/contacts-icon.png`]) {
      const res = await fetch(icon);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(pngSize(Buffer.from(await res.arrayBuffer()))).toEqual([100, 100]);
    }
    expect(apps.urlOf('contacts')).toBe(`${apps.origin}/apps/contacts/innovaphone-contacts`);
    for (const path of ['/apps/echo/contacts.htm', '/apps/echo/echo', '/apps/nope/nope.htm', '/apps/echo/secret.js', '/apps/echo/../server.ts', '/']) {
      expect((await fetch(`${apps.origin}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${apps.urlOf('echo')}.htm`, { method: 'POST' })).status).toBe(405);
    expect(() => apps.urlOf('nope')).toThrow(/no app "nope"/);
  });

  it('website: records the URLs its page was requested with, and has no App Service', async () => {
    const apps = await serve();
    await fetch(apps.urlOf('website'));
    await fetch(`${apps.urlOf('website')}.htm?lang=en&name=website`);
    expect(apps.received('website')).toEqual(['/apps/website/website', '/apps/website/website.htm?lang=en&name=website']);
    expect(apps.requests('website')).toEqual(apps.received('website'));
    await expect(JsonSocket.open(`${apps.origin.replace('http', 'ws')}/apps/website`)).rejects.toThrow(/404/);
    await expect(JsonSocket.open(`${apps.origin.replace('http', 'ws')}/apps/nope`)).rejects.toThrow(/404/);
    await fetch(`${apps.urlOf('echo')}.htm?x=1`);
    expect(apps.requests('echo')).toEqual(['/apps/echo/echo.htm?x=1']);
  });

  it('rejects bad or duplicate app names', async () => {
    await expect(startSampleApps({ apps: [{ name: '../x', kind: 'echo', password: 'p' }] })).rejects.toThrow(/bad app name/);
    await expect(startSampleApps({ apps: [APPS[0]!, APPS[0]!] })).rejects.toThrow(/duplicate/);
  });
});

describe('sample App Services: app login with digests minted by the PBX emulator', () => {
  it('accepts the AppGetLoginResult fields as AppLogin, then answers WhoAmI and proves the session key', async () => {
    const apps = await serve();
    const pbx = await pbxFor(apps);
    const user = await alice(pbx);
    for (const name of ['echo', 'search', 'contacts']) {
      const s = await serviceSocket(apps, name);
      const c = await challenge(s);
      const r = await user.appGetLogin(name, c);
      expect(r.error).toBeUndefined();
      expect(r.pbxObj).toBe(name);
      s.send(appLoginFrom(r));
      expect(await s.next('AppLoginResult')).toEqual({ mt: 'AppLoginResult', ok: true });
      s.send({ mt: 'WhoAmI', src: 'w1' });
      expect(await s.next('WhoAmIResult')).toEqual({ mt: 'WhoAmIResult', src: 'w1', sip: 'alice', dn: 'Alice Example', domain: 'example.com', guid: r.guid });
      // The key the PBX handed out is the one the service derived (hash(seed, data) = SHA-256(seed:key:data)).
      s.send({ mt: 'CheckKey', seed: 's', data: 'd', hash: sha256(`s:${r.key}:d`) });
      expect(await s.next('CheckKeyResult')).toEqual({ mt: 'CheckKeyResult', ok: true });
      s.send({ mt: 'CheckKey', seed: 's', data: 'd', hash: sha256('s:wrong:d') });
      expect(await s.next('CheckKeyResult')).toEqual({ mt: 'CheckKeyResult', ok: false });
    }
    // The contacts page is innovaphone-contacts: that is the `app` the digest covers.
    expect(apps.received('contacts').find((f) => f.mt === 'AppLogin')).toMatchObject({ app: 'innovaphone-contacts', pbxObj: 'contacts' });
    expect(apps.received('echo').map((f) => f.mt)).toEqual(['AppChallenge', 'AppLogin', 'WhoAmI', 'CheckKey', 'CheckKey']);
  });

  it('refuses the login when the PBX holds another App Object password', async () => {
    const apps = await serve();
    const pbx = await pbxFor(apps, { echo: 'not-the-service-password' });
    const user = await alice(pbx);
    const s = await serviceSocket(apps, 'echo');
    const r = await user.appGetLogin('echo', await challenge(s));
    s.send(appLoginFrom(r));
    expect(await s.next('AppLoginResult')).toEqual({ mt: 'AppLoginResult', ok: false, error: 'digest mismatch' });
    s.send({ mt: 'WhoAmI' });
    // Positive control: the service answers frames on one socket in order, and a challenge even
    // without a login; once this one is answered, a WhoAmIResult would have come before it.
    s.send({ mt: 'AppChallenge' });
    await s.next('AppChallengeResult');
    expect(s.inbox.map((m) => m.mt)).toEqual(['AppChallengeResult', 'AppLoginResult', 'AppChallengeResult']);
  });

  it('refuses tampered, replayed and misdirected logins', async () => {
    const apps = await serve();
    const pbx = await pbxFor(apps);
    const user = await alice(pbx);
    const attempt = async (name: string, change: (login: Msg, r: Msg) => void, useChallenge = true): Promise<Msg> => {
      const s = await serviceSocket(apps, name);
      const c = await challenge(s);
      const r = await user.appGetLogin(name, c);
      const login = appLoginFrom(r);
      change(login, r);
      if (!useChallenge) {
        const fresh = await serviceSocket(apps, name);
        fresh.send(login); // no AppChallenge on this connection
        return fresh.next('AppLoginResult');
      }
      s.send(login);
      return s.next('AppLoginResult');
    };
    // info re-ordered (a client rebuilding it from typed fields) breaks the digest.
    expect(await attempt('echo', (l) => (l.info = Object.fromEntries(Object.entries(l.info as object).reverse())))).toMatchObject({ ok: false, error: 'digest mismatch' });
    expect(await attempt('echo', (l) => delete l.info)).toMatchObject({ ok: false, error: 'digest mismatch' });
    expect(await attempt('echo', (l) => (l.dn = 'Mallory'))).toMatchObject({ ok: false, error: 'digest mismatch' });
    // pbxObj is not in the digest: changing it alone is not detected (as with a real service).
    expect(await attempt('echo', (l) => (l.pbxObj = 'other'))).toMatchObject({ ok: true });
    // A login minted for another app (search) presented to echo.
    const s = await serviceSocket(apps, 'echo');
    const r = await user.appGetLogin('search', await challenge(s));
    s.send(appLoginFrom(r));
    expect(await s.next('AppLoginResult')).toMatchObject({ ok: false, error: 'wrong app' });
    // Without a challenge on the connection there is nothing to check against.
    expect(await attempt('echo', () => {}, false)).toMatchObject({ ok: false, error: 'no challenge' });
    // One attempt per challenge: a second AppLogin on the same connection is refused.
    const s2 = await serviceSocket(apps, 'echo');
    const r2 = await user.appGetLogin('echo', await challenge(s2));
    s2.send({ ...appLoginFrom(r2), digest: 'f'.repeat(64) });
    expect(await s2.next('AppLoginResult')).toMatchObject({ ok: false });
    s2.send(appLoginFrom(r2));
    expect(await s2.next('AppLoginResult')).toMatchObject({ ok: false, error: 'no challenge' });
  });

  it('records every frame, including ones it cannot parse, and answers app messages only after login', async () => {
    const apps = await serve();
    const s = await serviceSocket(apps, 'search');
    s.ws.send('not json');
    s.ws.send(Buffer.from([1, 2, 3]));
    s.send({ mt: 'WhoAmI' });
    s.send({ mt: 'CheckBuild', url: 'x', src: 'b' });
    expect(await s.next('CheckBuildResult')).toEqual({ mt: 'CheckBuildResult', src: 'b' });
    await apps.waitFor('search', 'CheckBuild');
    expect(apps.received('search')).toEqual([{ invalid: 'not json' }, { binary: true }, { mt: 'WhoAmI' }, { mt: 'CheckBuild', url: 'x', src: 'b' }]);
    expect(s.inbox.map((m) => m.mt)).toEqual(['CheckBuildResult']);
    expect(apps.connections('search')).toBe(1);
    apps.disconnect('search');
    await expect(apps.waitFor('search', 'ConsumerClosed', () => true, 50)).rejects.toThrow(/no ConsumerClosed within 50 ms/);
  });
});

describe('sample apps CLI', () => {
  afterEach(killClis);
  const run = (args: string[]) => runCli('test/apps/cli.ts', args);

  it('serves every App Object of the demo config that points at it, then prints the ready line', async () => {
    const cli = run(['--config', 'test/pbx/demo.json', '--port', '0']);
    const [, origin] = await cli.until(/^myApps sample apps ready: (http:\/\/127\.0\.0\.1:\d+)$/m);
    expect(cli.out()).toMatch(/^ {2}echo +echo +http:\/\/127\.0\.0\.1:\d+\/apps\/echo\/echo$/m);
    expect(cli.out()).toMatch(/^ {2}searchclient +searchClient /m);
    expect(cli.out()).toMatch(/^ {2}voicemail +\(not served: relative URL/m);
    for (const kind of sampleAppKinds) expect(cli.out()).toContain(` ${kind} `);
    const page = await fetch(`${origin}/apps/search/search.htm`);
    expect(page.status).toBe(200);
    cli.p.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('exits 2 on a bad command line or config', async () => {
    expect(await run(['--port', '1']).exited).toBe(2);
    const bad = run(['--config', 'test/pbx/nope.json']);
    expect(await bad.exited).toBe(2);
    expect(bad.err()).toMatch(/cannot read file/);
    // Nothing of the demo config lives on port 1.
    const none = run(['--config', 'test/pbx/demo.json', '--port', '1']);
    expect(await none.exited).toBe(2);
    expect(none.err()).toMatch(/no App Object/);
  });
});
