/** The grammar of proxy answers and variables (main/core/pbx/proxy.ts) and where the trusted CAs come from (system-ca.ts). */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { bypassesProxy, environmentProxy, isLoopback, parsePac } from '../../main/core/pbx/proxy.js';
import { loadTrustedCertificates } from '../../main/core/pbx/system-ca.js';
import { createTestCa } from '../support/test-ca.js';

describe('parsePac', () => {
  it.each([
    ['DIRECT', [{ kind: 'direct' }]],
    ['', [{ kind: 'direct' }]],
    ['  ;  ', [{ kind: 'direct' }]],
    ['PROXY proxy.example.com:3128; DIRECT', [{ kind: 'proxy', protocol: 'http', host: 'proxy.example.com', port: 3128 }, { kind: 'direct' }]],
    ['HTTPS Secure.Example.com:8443', [{ kind: 'proxy', protocol: 'https', host: 'secure.example.com', port: 8443 }]],
    ['PROXY proxy', [{ kind: 'proxy', protocol: 'http', host: 'proxy', port: 80 }]],
    ['HTTPS proxy', [{ kind: 'proxy', protocol: 'https', host: 'proxy', port: 443 }]],
    ['proxy [fd00::1]:3128', [{ kind: 'proxy', protocol: 'http', host: 'fd00::1', port: 3128 }]],
    ['SOCKS5 socks:1080; PROXY p:1', [{ kind: 'unsupported', entry: 'SOCKS5 socks:1080' }, { kind: 'proxy', protocol: 'http', host: 'p', port: 1 }]],
    ['SOCKS s:1080', [{ kind: 'unsupported', entry: 'SOCKS s:1080' }]],
    ['QUIC q:443', [{ kind: 'unsupported', entry: 'QUIC q:443' }]],
    ['PROXY p:99999', [{ kind: 'unsupported', entry: 'PROXY p:99999' }]],
    ['PROXY user:pw@p:3128', [{ kind: 'unsupported', entry: 'PROXY user:pw@p:3128' }]],
    ['PROXY', [{ kind: 'unsupported', entry: 'PROXY' }]],
  ])('%j', (pac, routes) => {
    expect(parsePac(pac)).toEqual(routes);
  });
});

describe('environmentProxy', () => {
  const pbx = 'wss://pbx.example.com/PBX0/APPCLIENT/130000/websocket';
  it('HTTPS_PROXY for wss: and https:, HTTP_PROXY for ws: and http:', () => {
    const env = environmentProxy({ HTTPS_PROXY: 'http://secure-proxy:3128', HTTP_PROXY: 'plain-proxy:8080' });
    expect(env.resolve(pbx)).toBe('PROXY secure-proxy:3128');
    expect(env.resolve('https://pbx.example.com/')).toBe('PROXY secure-proxy:3128');
    expect(env.resolve('ws://pbx.example.com/x')).toBe('PROXY plain-proxy:8080');
    expect(env.resolve('http://pbx.example.com/x')).toBe('PROXY plain-proxy:8080');
    expect(environmentProxy({ HTTP_PROXY: 'http://p:1' }).resolve(pbx)).toBe('DIRECT');
    expect(environmentProxy({}).resolve(pbx)).toBe('DIRECT');
  });

  it('lower case wins; an https:// proxy is an HTTPS proxy; SOCKS stays SOCKS (and is skipped later, with a log line)', () => {
    expect(environmentProxy({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }).resolve(pbx)).toBe('PROXY lower:1');
    expect(environmentProxy({ HTTPS_PROXY: 'https://tls-proxy' }).resolve(pbx)).toBe('HTTPS tls-proxy:443');
    expect(environmentProxy({ HTTPS_PROXY: 'http://p' }).resolve(pbx)).toBe('PROXY p:80');
    expect(environmentProxy({ HTTPS_PROXY: 'socks5://s' }).resolve(pbx)).toBe('SOCKS5 s:1080');
    expect(environmentProxy({ HTTPS_PROXY: 'http://[fd00::1]:3128' }).resolve(pbx)).toBe('PROXY [fd00::1]:3128');
  });

  it('a value that is no proxy address is reported (without what it contains) and ignored', () => {
    const env = environmentProxy({ HTTPS_PROXY: 'ftp://user:secret@p:21' });
    expect(env.resolve(pbx)).toBe('DIRECT');
    expect(env.problems).toEqual(['HTTPS_PROXY is not a proxy address (expected http://host:port); connecting directly']);
  });

  it('credentials in the variable belong to that proxy only, decoded', () => {
    const env = environmentProxy({ HTTPS_PROXY: 'http://j%40doe:p%3Ass@proxy:3128' });
    expect(env.resolve(pbx)).toBe('PROXY proxy:3128');
    expect(env.credentials('proxy:3128')).toEqual({ username: 'j@doe', password: 'p:ss' });
    expect(env.credentials('other:3128')).toBeUndefined();
    expect(environmentProxy({ HTTPS_PROXY: 'http://proxy:3128' }).credentials('proxy:3128')).toBeUndefined();
  });

  it('NO_PROXY and loopback go direct', () => {
    const env = environmentProxy({ HTTPS_PROXY: 'http://p:1', NO_PROXY: 'example.com' });
    expect(env.resolve(pbx)).toBe('DIRECT');
    expect(env.resolve('wss://pbx.example.org/')).toBe('PROXY p:1');
    expect(env.resolve('wss://127.0.0.1:8443/')).toBe('DIRECT');
    expect(env.resolve('wss://localhost/')).toBe('DIRECT');
    expect(env.resolve('wss://[::1]/')).toBe('DIRECT');
    expect(environmentProxy({ HTTPS_PROXY: 'http://p:1', no_proxy: '*' }).resolve(pbx)).toBe('DIRECT');
  });
});

describe('bypassesProxy (NO_PROXY)', () => {
  it.each([
    ['*', 'pbx.example.com', 443, true],
    ['example.com', 'example.com', 443, true],
    ['example.com', 'pbx.example.com', 443, true],
    ['example.com', 'pbxexample.com', 443, false],
    ['.example.com', 'pbx.example.com', 443, true],
    ['.example.com', 'example.com', 443, true],
    ['*.example.com', 'pbx.example.com', 443, true],
    ['EXAMPLE.COM', 'Pbx.Example.Com', 443, true],
    ['example.com.', 'pbx.example.com', 443, true],
    ['other.com, example.com', 'pbx.example.com', 443, true],
    ['other.com example.com', 'pbx.example.com', 443, true],
    ['other.com', 'pbx.example.com', 443, false],
    ['example.com:8443', 'pbx.example.com', 8443, true],
    ['example.com:8443', 'pbx.example.com', 443, false],
    ['10.0.0.5', '10.0.0.5', 443, true],
    ['10.0.0.5', '10.0.0.50', 443, false],
    ['10.0.0.5:443', '10.0.0.5', 443, true],
    ['10.0.0.0/8', '10.1.2.3', 443, true],
    ['10.0.0.0/8', '11.1.2.3', 443, false],
    ['10.0.0.0/8', 'ten.example.com', 443, false],
    ['fd00::/8', 'fd12::1', 443, true],
    ['fd00::1', '[fd00:0:0::1]', 443, true],
    ['[fd00::1]:8443', 'fd00::1', 8443, true],
    ['[fd00::1]:8443', 'fd00::1', 443, false],
    ['', 'pbx.example.com', 443, false],
    ['.', 'pbx.example.com', 443, false],
  ])('%j for %s:%d → %s', (noProxy, host, port, expected) => {
    expect(bypassesProxy(noProxy, host, port)).toBe(expected);
  });

  it.each([
    ['localhost', true],
    ['app.localhost', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['localhost.example.com', false],
    ['128.0.0.1', false],
  ])('loopback %s → %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});

describe('loadTrustedCertificates', () => {
  const ca = createTestCa();
  const other = createTestCa('Other CA');
  const dir = mkdtempSync(join(tmpdir(), 'myapps-ca-unit-'));
  const bundle = join(dir, 'bundle.pem');
  writeFileSync(bundle, `${ca.certPem}\n-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n`);
  const otherFile = join(dir, 'other.pem');
  writeFileSync(otherFile, other.certPem);
  afterAll(() => {
    ca.dispose();
    other.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("Node's own CAs, then SSL_CERT_FILE (blocks that are not certificates skipped)", () => {
    const list = loadTrustedCertificates({ env: { SSL_CERT_FILE: bundle }, bundles: [] });
    expect(list.slice(0, rootCertificates.length)).toEqual(rootCertificates.map((c) => c.trim()));
    expect(list.slice(rootCertificates.length)).toEqual([ca.certPem.trim()]);
  });

  it('SSL_CERT_DIR: every certificate file in it (dangling links skipped)', () => {
    const d = mkdtempSync(join(dir, 'dir-'));
    writeFileSync(join(d, 'a.pem'), ca.certPem);
    writeFileSync(join(d, 'b.0'), other.certPem);
    symlinkSync(join(d, 'missing.pem'), join(d, 'dangling.0'));
    const list = loadTrustedCertificates({ env: { SSL_CERT_DIR: d }, bundles: [] });
    expect(list).toContain(ca.certPem.trim());
    expect(list).toContain(other.certPem.trim());
  });

  it('without the variables: the first distribution bundle that exists', () => {
    const list = loadTrustedCertificates({ env: {}, bundles: [join(dir, 'missing.pem'), otherFile, bundle] });
    expect(list).toContain(other.certPem.trim());
    expect(list).not.toContain(ca.certPem.trim());
  });

  it('the variables replace the bundles; NODE_EXTRA_CA_CERTS is kept (an explicit CA list would otherwise drop it)', () => {
    const list = loadTrustedCertificates({ env: { SSL_CERT_FILE: join(dir, 'missing.pem'), NODE_EXTRA_CA_CERTS: otherFile }, bundles: [bundle] });
    expect(list).toContain(other.certPem.trim());
    expect(list).not.toContain(ca.certPem.trim());
  });

  it("Node ≥ 22.15 / 23.5: tls.getCACertificates('default') and ('system'), files not read", () => {
    const asked: string[] = [];
    const list = loadTrustedCertificates({
      env: { SSL_CERT_FILE: bundle },
      getCACertificates: (store = 'default') => (asked.push(store), store === 'system' ? [other.certPem, ca.certPem] : [ca.certPem]),
    });
    expect(asked).toEqual(['default', 'system']);
    expect(list).toEqual([ca.certPem.trim(), other.certPem.trim()]);
  });
});
