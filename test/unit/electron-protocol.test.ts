/**
 * Security control 9 for the Electron shell: our pages come from app://myapps/ (never
 * file://), no request leaves renderer/dist, and every response carries the CSP.
 */
import { posix, win32 } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { statusFrameContentSecurityPolicy } from '../../main/core/bridge/status-frame.js';
import { appFrameContentSecurityPolicy, appResponse, appScheme, contentSecurityPolicy, contentType, fileHeaders, resolveAppRequest, securityHeaders } from '../../main/electron/protocol.js';

const root = '/opt/myapps/resources/app.asar/renderer/dist';
const file = (url: string, method = 'GET') => resolveAppRequest(url, method, root, posix);

describe('resolveAppRequest', () => {
  it('maps our URLs to files under the root; / is index.html', () => {
    expect(file('app://myapps/')).toEqual({ kind: 'file', path: `${root}/index.html` });
    expect(file('app://myapps')).toEqual({ kind: 'file', path: `${root}/index.html` });
    expect(file('app://myapps/index.html?x=1#y')).toEqual({ kind: 'file', path: `${root}/index.html` });
    expect(file('app://myapps/assets/index-abc123.js')).toEqual({ kind: 'file', path: `${root}/assets/index-abc123.js` });
    expect(file('app://myapps/assets/a%20b.css')).toEqual({ kind: 'file', path: `${root}/assets/a b.css` });
    expect(file('app://myapps/index.html', 'HEAD').kind).toBe('file');
  });

  it('refuses path traversal in every spelling', () => {
    for (const url of [
      'app://myapps/assets/..%2f..%2f..%2fetc%2fpasswd',
      'app://myapps/assets/%2E%2E%2F%2E%2E%2Fsecret',
      'app://myapps/..%5c..%5cwindows%5cwin.ini',
      'app://myapps/assets%5c..%5c..%5csecret',
      'app://myapps/a//b',
      'app://myapps/a/%2F/b',
      'app://myapps/%00index.html',
      'app://myapps/index.html%00.png',
      'app://myapps/C:%5cWindows',
      'app://myapps/C:/Windows/win.ini',
      'app://myapps/index.html:stream',
      'app://myapps/%',
      'app://myapps/%zz',
      'app://myapps/%c0%ae%c0%ae/secret',
    ]) {
      const r = file(url);
      expect(r.kind, url).toBe('error');
    }
  });

  it('URL-level dot segments (also %2e) are resolved by the URL parser and cannot climb above the root', () => {
    for (const url of ['app://myapps/../../etc/passwd', 'app://myapps/assets/../../../etc/passwd', 'app://myapps/./../secret', 'app://myapps/%2e%2e/%2e%2e/etc/passwd', 'app://myapps/%2E./.%2E/x']) {
      const r = file(url);
      expect(r.kind === 'error' || r.path.startsWith(`${root}/`), url).toBe(true);
    }
    expect(file('app://myapps/%2e%2e/%2e%2e/etc/passwd')).toEqual({ kind: 'file', path: `${root}/etc/passwd` });
  });

  it('refuses other hosts, schemes, user info and ports', () => {
    for (const url of ['app://evil.test/index.html', 'app://myapps.evil.test/', 'app://user@myapps/', 'app://myapps:99/', 'file:///etc/passwd', 'https://myapps/', 'not a url']) {
      expect(file(url), url).toMatchObject({ kind: 'error', status: 404 });
    }
  });

  it('only GET and HEAD', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'get']) expect(file('app://myapps/index.html', method), method).toMatchObject({ kind: 'error', status: 405 });
  });

  it('on Windows, backslashes and drive letters cannot leave the root either', () => {
    const winRoot = 'C:\\Program Files\\myApps Desktop\\resources\\app.asar\\renderer\\dist';
    const win = (url: string) => resolveAppRequest(url, 'GET', winRoot, win32);
    expect(win('app://myapps/assets/x.js')).toEqual({ kind: 'file', path: `${winRoot}\\assets\\x.js` });
    for (const url of ['app://myapps/..%5C..%5Csecret', 'app://myapps/C:%5CWindows%5Cwin.ini', 'app://myapps/D:/x', 'app://myapps/%5C%5Cserver%5Cshare', 'app://myapps/x/..%5C..%5C..%5C']) {
      expect(win(url).kind, url).toBe('error');
    }
  });
});

describe('headers and CSP', () => {
  it('the CSP allows no inline or eval script, no plugins, no base or form tricks, no framing of our pages', () => {
    const directives = new Map(contentSecurityPolicy.split(';').map((d) => { const [name, ...values] = d.trim().split(/\s+/); return [name!, values]; }));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    // Our own pages only: the status strip's status-frame page (every page but that one refuses to be framed).
    expect(directives.get('frame-src')).toEqual(["'self'"]);
    expect(contentSecurityPolicy).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|\*/);
  });

  it('only the app-frame page may frame an app (http or https); it differs from the UI policy in nothing else', () => {
    expect(fileHeaders('/x/appframe.html')['Content-Security-Policy']).toBe(appFrameContentSecurityPolicy);
    expect(appFrameContentSecurityPolicy).toBe(contentSecurityPolicy.replace("frame-src 'self'", 'frame-src https: http:'));
    expect(fileHeaders('/x/appframe.html.js')['Content-Security-Policy']).toBe(contentSecurityPolicy);
  });

  it('the status-frame page frames exactly the origin it is served for, and only our pages may frame it', () => {
    expect(fileHeaders('/x/statusframe.html', 'https://phone.example.com')['Content-Security-Policy']).toBe(statusFrameContentSecurityPolicy('https://phone.example.com'));
    expect(statusFrameContentSecurityPolicy('https://phone.example.com')).toContain("frame-src https://phone.example.com; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'");
    // Without an origin (never served so: appResponse refuses first) it is framed like any page of ours: not at all.
    expect(fileHeaders('/x/statusframe.html')['Content-Security-Policy']).toBe(contentSecurityPolicy);
  });

  it('every response, errors included, carries the CSP and nosniff', () => {
    for (const headers of [securityHeaders(), fileHeaders('/x/index.html')]) {
      expect(headers['Content-Security-Policy']).toBe(contentSecurityPolicy);
      expect(headers['X-Content-Type-Options']).toBe('nosniff');
      expect(headers['Referrer-Policy']).toBe('no-referrer');
    }
  });

  it('content types by extension; unknown files are opaque bytes', () => {
    expect(fileHeaders('/x/index.html')['Content-Type']).toBe('text/html; charset=utf-8');
    expect(contentType('/x/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentType('/x/a.css')).toBe('text/css; charset=utf-8');
    expect(contentType('/x/a.svg')).toBe('image/svg+xml');
    expect(contentType('/x/README')).toBe('application/octet-stream');
    expect(contentType('/x/a.html.exe')).toBe('application/octet-stream');
  });

  it('the scheme is standard and secure, and does not bypass CSP or get service workers / CORS', () => {
    expect(appScheme.scheme).toBe('app');
    expect(appScheme.privileges).toMatchObject({ standard: true, secure: true, bypassCSP: false, allowServiceWorkers: false, corsEnabled: false });
  });
});

describe('appResponse (on a real directory)', () => {
  const silent = () => {};

  async function fixture() {
    const { mkdtemp, mkdir, rm, writeFile, symlink } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const base = await mkdtemp(posix.join(tmpdir(), 'myapps-protocol-'));
    onTestFinished(() => rm(base, { recursive: true, force: true }));
    const dist = posix.join(base, 'renderer', 'dist');
    await mkdir(posix.join(dist, 'assets'), { recursive: true });
    await writeFile(posix.join(dist, 'index.html'), '<!doctype html><title>myApps</title>');
    await writeFile(posix.join(dist, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(posix.join(base, 'secret.txt'), 'do not serve');
    await symlink(posix.join(base, 'secret.txt'), posix.join(dist, 'assets', 'leak.txt'));
    await mkdir(posix.join(dist, 'folder'));
    return dist;
  }

  it('serves files with the CSP and their content type', async () => {
    const dist = await fixture();
    const index = await appResponse({ url: 'app://myapps/', method: 'GET' }, dist, silent);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>myApps</title>');
    const js = await appResponse({ url: 'app://myapps/assets/app.js', method: 'GET' }, dist, silent);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const head = await appResponse({ url: 'app://myapps/assets/app.js', method: 'HEAD' }, dist, silent);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('missing files, folders, symlinks out of the root and refused paths: errors with the CSP, logged', async () => {
    const dist = await fixture();
    const logged: string[] = [];
    const log = (_level: string, message: string) => void logged.push(message);
    for (const [url, status] of [
      ['app://myapps/missing.js', 404],
      ['app://myapps/folder', 404],
      ['app://myapps/assets/leak.txt', 404],
      ['app://myapps/..%2fsecret.txt', 400],
      ['app://evil/index.html', 404],
    ] as const) {
      const r = await appResponse({ url, method: 'GET' }, dist, log);
      expect(r.status, url).toBe(status);
      expect(r.headers.get('content-security-policy'), url).toBe(contentSecurityPolicy);
      expect(await r.text(), url).not.toContain('do not serve');
    }
    expect(logged.filter((m) => m === 'app:// request refused')).toHaveLength(2);
  });

  it('the status-frame page only for a status page the core shows, with the policy for exactly its origin', async () => {
    const dist = await fixture();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(posix.join(dist, 'statusframe.html'), '<!doctype html><title>myApps status page</title>');
    const call = 'https://phone.example.com/apps/phone/phone-status.htm?num=1';
    const shown = new Map([[call, 'https://phone.example.com']]);
    const logged: string[] = [];
    const log = (_level: string, message: string) => void logged.push(message);
    const get = (url: string, origin?: (u: string) => string | undefined) => appResponse({ url, method: 'GET' }, dist, log, origin);
    const served = await get(`app://myapps/statusframe.html?url=${encodeURIComponent(call)}&title=Phone`, (u) => shown.get(u));
    expect(served.status).toBe(200);
    expect(served.headers.get('content-security-policy')).toBe(statusFrameContentSecurityPolicy('https://phone.example.com'));
    expect(await served.text()).toContain('myApps status page');
    for (const [url, origin] of [
      [`app://myapps/statusframe.html?url=${encodeURIComponent('https://evil.test/x.htm')}`, (u: string) => shown.get(u)],
      ['app://myapps/statusframe.html', (u: string) => shown.get(u)],
      [`app://myapps/STATUSFRAME.HTML?url=${encodeURIComponent(`${call}&x`)}`, (u: string) => shown.get(u)],
      // A session that serves our pages without asking the core (an app's): never.
      [`app://myapps/statusframe.html?url=${encodeURIComponent(call)}`, undefined],
    ] as const) {
      const r = await get(url, origin);
      expect(r.status, url).toBe(404);
      expect(r.headers.get('content-security-policy'), url).toBe(contentSecurityPolicy);
      expect(await r.text(), url).not.toContain('myApps status page');
    }
    expect(logged.filter((m) => m === 'status-frame page refused: no status page shown at that URL')).toHaveLength(4);
  });
});
