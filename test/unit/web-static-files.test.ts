/** Request paths to files: only plain paths inside the renderer build, with the right type. */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentType, resolveStaticPath } from '../../main/web/static-files.js';

const root = resolve('/srv/renderer/dist');

describe('resolveStaticPath', () => {
  it('maps plain paths into the root, decoding once', () => {
    expect(resolveStaticPath(root, '/index.html')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/app-1a2b.js')).toBe(join(root, 'assets', 'app-1a2b.js'));
    expect(resolveStaticPath(root, '/assets/my%20font.woff2')).toBe(join(root, 'assets', 'my font.woff2'));
    // Decoded once only: `%252e` names a file literally called `%2e`, not `..`.
    expect(resolveStaticPath(root, '/assets/%252e%252e')).toBe(join(root, 'assets', '%2e%2e'));
  });

  it.each([
    ['parent segment', '/../package.json'],
    ['parent inside', '/assets/../../package.json'],
    ['encoded slash', '/assets/..%2f..%2fpackage.json'],
    ['encoded dots', '/%2e%2e/x'],
    ['encoded dots, upper case', '/%2E%2E/x'],
    ['current segment', '/./index.html'],
    ['NUL', '/assets/%00'],
    ['NUL before an extension', '/assets/app.js%00.png'],
    ['backslash', '/assets\\..\\x'],
    ['encoded backslash', '/assets/..%5c..%5cx'],
    ['empty segment', '//etc/passwd'],
    ['directory', '/assets/'],
    ['root itself', '/'],
    ['bad percent encoding', '/%E0%A4%A'],
    ['not absolute', 'index.html'],
    ['absolute-form target', 'http://127.0.0.1/index.html'],
  ])('refuses %s: %s', (_name, path) => {
    expect(resolveStaticPath(root, path)).toBeUndefined();
  });
});

describe('contentType', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['app.js', 'text/javascript; charset=utf-8'],
    ['app.css', 'text/css; charset=utf-8'],
    ['logo.svg', 'image/svg+xml'],
    ['icon.PNG', 'image/png'],
    ['favicon.ico', 'image/x-icon'],
    ['font.woff2', 'font/woff2'],
    ['manifest.json', 'application/json; charset=utf-8'],
    ['app.js.map', 'application/json; charset=utf-8'],
    ['notes.exe', 'application/octet-stream'],
    ['README', 'application/octet-stream'],
  ])('%s is %s', (file, type) => {
    expect(contentType(file)).toBe(type);
  });
});
