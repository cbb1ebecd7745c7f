/**
 * Security control 6, the sender half: only the main window's top frame on our page may
 * send bridge commands (the payload half — schema validation — is ClientCore.handle's).
 */
import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../main/electron/ipc.js';

const main = 7;

describe('isTrustedSender', () => {
  it('accepts the main window top frame on app://myapps', () => {
    expect(isTrustedSender('app://myapps/index.html', true, main, main)).toBe(true);
    expect(isTrustedSender('app://myapps/', true, main, main)).toBe(true);
  });

  it('refuses a subframe of the main window (an app iframe, an injected frame)', () => {
    expect(isTrustedSender('app://myapps/index.html', false, main, main)).toBe(false);
    expect(isTrustedSender('https://pbx.example.com/app.htm', false, main, main)).toBe(false);
  });

  it('refuses other web contents (app views, DevTools, a second window)', () => {
    expect(isTrustedSender('app://myapps/index.html', true, main, 8)).toBe(false);
    expect(isTrustedSender('app://myapps/appframe/index.html', true, main, 12)).toBe(false);
  });

  it('refuses everything while there is no main window', () => {
    expect(isTrustedSender('app://myapps/index.html', true, undefined, main)).toBe(false);
  });

  it('refuses a main frame that left our origin', () => {
    for (const url of ['https://evil.test/', 'app://myapps.evil.test/', 'app://evil.test@myapps:1/', 'file:///index.html', 'about:blank', 'data:text/html,x', '', undefined]) {
      expect(isTrustedSender(url, true, main, main), String(url)).toBe(false);
    }
  });
});
