/** Control 9: the browser shell's CSP and headers, built by pure functions. */
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, securityHeaders } from '../../main/web/security-headers.js';

describe('contentSecurityPolicy', () => {
  it('allows only our own scripts and styles and our own bridge', () => {
    expect(contentSecurityPolicy(41234)).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; connect-src 'self' ws://127.0.0.1:41234 ws://localhost:41234; frame-src http: https:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('lets app hosting choose the frame sources', () => {
    expect(contentSecurityPolicy(80, ['https://apps.example.com'])).toContain('; frame-src https://apps.example.com;');
  });

  it('never allows inline or evaluated script', () => {
    expect(contentSecurityPolicy(80)).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });
});

describe('securityHeaders', () => {
  it('sets every header of control 9', () => {
    expect(securityHeaders(41234)).toEqual({
      'Content-Security-Policy': contentSecurityPolicy(41234),
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
    });
  });
});
