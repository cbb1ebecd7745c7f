/**
 * Security controls 3 and 4 with hostile URLs: the shell stays on app://myapps, an app view
 * on its App URL's origin, and only https/mailto links reach the OS.
 */
import { describe, expect, it } from 'vitest';
import { callLinkOf, externalOpenDecision, isAllowedAppNavigation, isAllowedShellFrameNavigation, isAllowedShellNavigation, isShellUrl, isStatusFramePageUrl } from '../../main/electron/navigation.js';

const hostile = [
  'file:///etc/passwd',
  'file://C:/Windows/System32/calc.exe',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'blob:app://myapps/1234',
  'vbscript:msgbox(1)',
  'ms-msdt:/id PCWDiagnostic',
  'search-ms:query=x',
  'smb://evil.test/share',
  'about:blank',
  'chrome://settings',
  'devtools://devtools/bundled/inspector.html',
  '',
  'not a url',
];

describe('isAllowedShellNavigation', () => {
  it('allows our own pages', () => {
    for (const url of ['app://myapps/', 'app://myapps/index.html', 'app://myapps/index.html?x=1#home', 'app://myapps/appframe/index.html']) expect(isAllowedShellNavigation(url), url).toBe(true);
  });

  it('refuses every other origin and scheme', () => {
    for (const url of [
      ...hostile,
      'app://myapps.evil.test/',
      'app://evil.test/',
      'app://myapps@evil.test/',
      'app://evil.test@myapps/',
      'app://user:pw@myapps/',
      'app://myapps:8080/',
      'app:///index.html',
      'app:index.html',
      'apps://myapps/',
      'https://myapps/',
      'http://localhost:5173/',
      'https://pbx.example.com/',
    ]) {
      expect(isAllowedShellNavigation(url), url).toBe(false);
    }
  });

  it('isShellUrl refuses non-strings', () => {
    for (const v of [undefined, null, 1, {}, ['app://myapps/']]) expect(isShellUrl(v)).toBe(false);
  });
});

describe('isAllowedShellFrameNavigation (the status strip’s frames in the shell window)', () => {
  const call = 'https://phone.example.com/apps/phone/phone-status.htm?num=1';
  const wrapper = `app://myapps/statusframe.html?url=${encodeURIComponent(call)}&title=Phone`;
  /** The core shows `call` (and nothing else): its origin. */
  const origin = (url: string) => (url === call ? 'https://phone.example.com' : undefined);

  it('a child of the top frame shows our status-frame page and nothing else', () => {
    expect(isStatusFramePageUrl(wrapper)).toBe(true);
    expect(isAllowedShellFrameNavigation(wrapper, [], origin)).toBe(true);
    expect(isAllowedShellFrameNavigation('app://myapps/STATUSFRAME.HTML?url=x', [], origin)).toBe(true);
    for (const url of [...hostile, call, 'app://myapps/index.html', 'app://myapps/appframe.html?view=1', 'app://myapps.evil.test/statusframe.html', 'https://phone.example.com/statusframe.html']) {
      expect(isAllowedShellFrameNavigation(url, [], origin), url).toBe(false);
    }
  });

  it('below a status-frame page, only the origin of the status page it was served for, while the core shows it', () => {
    expect(isAllowedShellFrameNavigation(call, [wrapper], origin)).toBe(true);
    expect(isAllowedShellFrameNavigation('https://phone.example.com/apps/phone/other.htm', [wrapper], origin)).toBe(true);
    // Deeper frames of the status page: the same origin.
    expect(isAllowedShellFrameNavigation('https://phone.example.com/x.htm', [call, wrapper], origin)).toBe(true);
    expect(isAllowedShellFrameNavigation('https://maps.example/embed', [call, wrapper], origin)).toBe(false);
    for (const url of [...hostile, 'https://phone.example.com.evil.test/x', 'http://phone.example.com/x', 'https://phone.example.com:8443/x', 'https://user@phone.example.com/x', 'app://myapps/index.html']) {
      expect(isAllowedShellFrameNavigation(url, [wrapper], origin), url).toBe(false);
    }
    // Once the core no longer shows it, or for a status-frame page it never served: nothing.
    expect(isAllowedShellFrameNavigation(call, [wrapper], () => undefined)).toBe(false);
    expect(isAllowedShellFrameNavigation(call, [`app://myapps/statusframe.html?url=${encodeURIComponent('https://evil.test/')}`], origin)).toBe(false);
    // Below any other frame (a frame that is not our status-frame page): nothing.
    expect(isAllowedShellFrameNavigation(call, ['about:blank'], origin)).toBe(false);
    expect(isAllowedShellFrameNavigation(call, ['https://phone.example.com/statusframe.html?url=' + encodeURIComponent(call)], origin)).toBe(false);
  });
});

describe('isAllowedAppNavigation', () => {
  const app = 'https://pbx.example.com/PBX0/APPS/users/phone';

  it('allows any page of the App URL origin', () => {
    for (const url of ['https://pbx.example.com/PBX0/APPS/users/phone.htm?lang=en', 'https://pbx.example.com/other/page', 'https://PBX.EXAMPLE.COM:443/x', 'https://pbx.example.com/#x']) {
      expect(isAllowedAppNavigation(app, url), url).toBe(true);
    }
  });

  it('refuses look-alike hosts, other ports, other schemes and user info', () => {
    for (const url of [
      ...hostile,
      'https://pbx.example.com.evil.test/',
      'https://pbx.example.com@evil.test/',
      'https://evil.test/?https://pbx.example.com/',
      'https://evil.test#pbx.example.com',
      'https://pbx.example.co/',
      'https://xpbx.example.com/',
      'https://sub.pbx.example.com/',
      'https://pbx.example.com.:443/',
      'https://pbx.example.com:8443/',
      'http://pbx.example.com/',
      'wss://pbx.example.com/',
      'https://user:pw@pbx.example.com/',
      'https://user@pbx.example.com/',
      'app://myapps/',
    ]) {
      expect(isAllowedAppNavigation(app, url), url).toBe(false);
    }
  });

  it('a plain-http App URL keeps its own origin (and gets no https look-alike)', () => {
    expect(isAllowedAppNavigation('http://10.0.0.5/apps/x', 'http://10.0.0.5/other')).toBe(true);
    expect(isAllowedAppNavigation('http://10.0.0.5/apps/x', 'http://10.0.0.50/other')).toBe(false);
    expect(isAllowedAppNavigation('http://10.0.0.5/apps/x', 'https://10.0.0.5/other')).toBe(false);
  });

  it('an App URL that is not http(s) allows nothing', () => {
    for (const appUrl of ['file:///x', 'javascript:1', 'app://myapps/', '', 'https://user@pbx.example.com/']) {
      expect(isAllowedAppNavigation(appUrl, appUrl), appUrl).toBe(false);
      expect(isAllowedAppNavigation(appUrl, 'https://pbx.example.com/'), appUrl).toBe(false);
    }
  });
});

describe('externalOpenDecision', () => {
  it('opens https and mailto in the OS, with the normalised URL', () => {
    expect(externalOpenDecision('https://www.innovaphone.com/en')).toEqual({ kind: 'open-external', url: 'https://www.innovaphone.com/en' });
    expect(externalOpenDecision('HTTPS://Example.COM/a b')).toEqual({ kind: 'open-external', url: 'https://example.com/a%20b' });
    expect(externalOpenDecision('mailto:support@example.com?subject=Hi')).toEqual({ kind: 'open-external', url: 'mailto:support@example.com?subject=Hi' });
  });

  it('refuses plain http (only https/mailto reach the OS)', () => {
    expect(externalOpenDecision('http://example.com/').kind).toBe('deny');
  });

  it('refuses every other scheme and malformed input', () => {
    for (const url of [...hostile, 'myapps://app/phone', 'app://myapps/', 'ftp://example.com/', 'https://', 'sips:alice@example.com', 'telnet://example.com']) {
      expect(externalOpenDecision(url).kind, url).toBe('deny');
    }
  });

  it('call links are click-to-dial: followed (rebuilt from the parsed link), never opened in the OS', () => {
    expect(externalOpenDecision('tel:+49 (30) 1234')).toEqual({ kind: 'follow-link', link: 'tel:+49301234' });
    expect(externalOpenDecision('TEL:+4930123')).toEqual({ kind: 'follow-link', link: 'tel:+4930123' });
    expect(externalOpenDecision('sip:alice@example.com;transport=tls?subject=x')).toEqual({ kind: 'follow-link', link: 'sip:alice@example.com' });
    expect(externalOpenDecision('callto://+4930555/')).toEqual({ kind: 'follow-link', link: 'tel:+4930555' });
    expect(externalOpenDecision('callto:bob@example.com')).toEqual({ kind: 'follow-link', link: 'sip:bob@example.com' });
  });

  it('invalid call links are refused, not followed', () => {
    for (const url of ['tel:1-800-FLOWERS', 'sip:u:pw@host', 'tel:', 'tel:%zz', 'sip:alice@exa mple.com', `tel:${'1'.repeat(100)}`, 'callto:javascript:alert(1)']) {
      expect(externalOpenDecision(url), url).toMatchObject({ kind: 'deny' });
      expect(callLinkOf(url), url).toBeUndefined();
    }
    for (const url of ['https://example.com/', 'myapps://app/x', 'mailto:a@b.c', undefined, 42]) expect(callLinkOf(url), String(url)).toBeUndefined();
  });

  it('refuses https links with user info and absurd lengths', () => {
    expect(externalOpenDecision('https://pbx.example.com@evil.test/').kind).toBe('deny');
    expect(externalOpenDecision('https://user:pw@example.com/').kind).toBe('deny');
    expect(externalOpenDecision(`https://example.com/${'a'.repeat(9000)}`).kind).toBe('deny');
    expect(externalOpenDecision(undefined as unknown as string).kind).toBe('deny');
  });
});
