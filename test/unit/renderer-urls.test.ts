/**
 * The renderer's last check before a URL from the core goes into an image's `src`
 * (renderer/src/urls.ts): http(s) only. The core already resolves icon URLs; this is the
 * second line, so a core bug cannot put a script or a local file into the UI page.
 */
import { describe, expect, it } from 'vitest';
import { httpUrl } from '../../renderer/src/urls.js';

describe('httpUrl', () => {
  it('passes http and https URLs through as they are', () => {
    expect(httpUrl('https://apps.example.com/contacts/contacts.png')).toBe('https://apps.example.com/contacts/contacts.png');
    expect(httpUrl('HTTP://apps.example.com/a.png')).toBe('HTTP://apps.example.com/a.png');
  });

  it('refuses everything else, including look-alikes and leading blanks', () => {
    for (const bad of [undefined, '', 'javascript:alert(1)', ' https://apps.example.com/a.png', 'data:image/png;base64,AAAA', 'file:///etc/passwd', '//apps.example.com/a.png', 'https:apps.example.com', 'httpx://a', 'blob:https://a/b']) {
      expect(httpUrl(bad), String(bad)).toBeUndefined();
    }
  });
});
