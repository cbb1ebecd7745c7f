/** Who may use the browser shell: the per-run token, the shell's own origins and Host names. */
import { describe, expect, it } from 'vitest';
import { hostAllowed, newToken, originAllowed, shellOrigins, tokenMatches } from '../../main/web/access.js';

describe('token', () => {
  it('is 32 random bytes in base64url, new each run', () => {
    const token = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newToken()).not.toBe(token);
  });

  it('matches only exactly', () => {
    const token = newToken();
    expect(tokenMatches(token, token)).toBe(true);
    for (const given of [null, undefined, '', token.slice(0, -1), token + 'x', token.toUpperCase(), ` ${token}`]) expect(tokenMatches(token, given)).toBe(false);
  });
});

describe('origins and hosts', () => {
  it('accepts the shell’s own origin as 127.0.0.1 or localhost', () => {
    expect(shellOrigins(4000)).toEqual(['http://127.0.0.1:4000', 'http://localhost:4000']);
    expect(originAllowed('http://127.0.0.1:4000', 4000)).toBe(true);
    expect(originAllowed('http://localhost:4000', 4000)).toBe(true);
  });

  it.each([undefined, '', 'null', 'http://evil.example', 'http://127.0.0.1:4001', 'https://127.0.0.1:4000', 'http://127.0.0.1:4000/', 'http://localhost.evil.example:4000', 'http://[::1]:4000'])(
    'refuses the origin %s',
    (origin) => {
      expect(originAllowed(origin, 4000)).toBe(false);
    },
  );

  it('accepts only the shell as Host', () => {
    expect(hostAllowed('127.0.0.1:4000', 4000)).toBe(true);
    expect(hostAllowed('localhost:4000', 4000)).toBe(true);
    for (const host of [undefined, '127.0.0.1', 'evil.example:4000', '127.0.0.1:4001', 'localhost.evil.example:4000']) expect(hostAllowed(host, 4000)).toBe(false);
  });
});
