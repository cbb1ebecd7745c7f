/** Control 9: the browser shell's CSP and headers, built by pure functions. */
import { describe, expect, it } from 'vitest';
import { statusFrameContentSecurityPolicy } from '../../main/core/bridge/status-frame.js';
import { appFrameContentSecurityPolicy, appFrameSecurityHeaders, contentSecurityPolicy, securityHeaders, statusFrameSecurityHeaders } from '../../main/web/security-headers.js';

describe('contentSecurityPolicy (the UI)', () => {
  it('allows only our own scripts and styles and our own bridge, and frames only our own app-frame page', () => {
    expect(contentSecurityPolicy(41234)).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; connect-src 'self' ws://127.0.0.1:41234 ws://localhost:41234; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('lets a caller choose the frame sources', () => {
    expect(contentSecurityPolicy(80, ["'self'", 'https://apps.example.com'])).toContain("; frame-src 'self' https://apps.example.com;");
  });

  it('never allows inline or evaluated script', () => {
    expect(contentSecurityPolicy(80)).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });
});

describe('appFrameContentSecurityPolicy (the app-frame page)', () => {
  it('frames any http(s) App URL, talks only to the shell, and may be framed only by our own UI', () => {
    expect(appFrameContentSecurityPolicy(41234)).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws://127.0.0.1:41234 ws://localhost:41234; frame-src http: https:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
    );
  });

  it('never allows inline or evaluated script, other schemes in frames, or foreign framers', () => {
    const csp = appFrameContentSecurityPolicy(80);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|data:|blob:|file:|javascript:/);
    expect(csp).toMatch(/frame-ancestors 'self'$/);
  });
});

describe('statusFrameContentSecurityPolicy (the status-frame page, both shells)', () => {
  it('frames exactly the one origin it is served for, connects nowhere, and may be framed only by our own UI', () => {
    expect(statusFrameContentSecurityPolicy('https://phone.example.com:8443')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; frame-src https://phone.example.com:8443; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
    );
    expect(statusFrameContentSecurityPolicy('http://127.0.0.1:9')).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?: |connect-src/);
  });
});

describe('securityHeaders', () => {
  it('sets every header of control 9 on the UI and every other response', () => {
    expect(securityHeaders(41234)).toEqual({
      'Content-Security-Policy': contentSecurityPolicy(41234),
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  it('lets only our own UI frame the app-frame page, and never sends its URL (with the token) as a referrer', () => {
    expect(appFrameSecurityHeaders(41234)).toEqual({
      'Content-Security-Policy': appFrameContentSecurityPolicy(41234),
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'SAMEORIGIN',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  it('lets only our own UI frame the status-frame page, with the policy for its status page’s origin', () => {
    expect(statusFrameSecurityHeaders('https://phone.example.com')).toEqual({
      'Content-Security-Policy': statusFrameContentSecurityPolicy('https://phone.example.com'),
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'SAMEORIGIN',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
    });
  });
});
