import { describe, expect, it } from 'vitest';
import { linkArgs, parseAppLink, parseHomeSelection } from '../../main/core/apps/app-link.js';
import { buildCatalog, pbxPageUrl, resolveHttpUrl } from '../../main/core/apps/catalog.js';
import { parsePresenceNote } from '../../main/core/apps/presence-note.js';

describe('AppCatalog', () => {
  const ws = 'wss://pbx.example.com/PBX0/APPCLIENT/130000/websocket';

  it('resolves PBX-relative app URLs against the myApps page', () => {
    expect(pbxPageUrl(ws)).toBe('https://pbx.example.com/PBX0/APPCLIENT/130000/appclient.htm');
    expect(pbxPageUrl('ws://h:81/rp/PBX0/APPCLIENT/websocket')).toBe('http://h:81/rp/PBX0/APPCLIENT/appclient.htm');
    expect(resolveHttpUrl('../../APPS/chat/chat', pbxPageUrl(ws))).toBe('https://pbx.example.com/PBX0/APPS/chat/chat');
  });

  it.each(['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', 'https://u:p@h/x', 'http://[bad'])('refuses %s', (ref) => {
    expect(resolveHttpUrl(ref, pbxPageUrl(ws))).toBeUndefined();
  });

  it('builds tiles: hidden apps excluded, icons derived, websites without icon, policy filter, bad URLs reported', () => {
    const catalog = buildCatalog(
      [
        { name: 'chat', title: 'Chat', url: '../../APPS/chat/chat', info: { presence: true } },
        { name: 'search', url: 'https://ap/search/searchapi', info: { hidden: true, apis: { 'com.innovaphone.search': {} } } },
        { name: 'web', title: 'Web', url: 'https://www.example.com/', website: true },
        { name: 'custom', title: 'Custom', url: 'https://ap/c/c', icon: 'https://cdn/icon.svg' },
        { name: 'blocked', title: 'Blocked', url: 'https://ap/b/b' },
        { name: 'bad', title: 'Bad', url: 'javascript:alert(1)' },
      ],
      ws,
      (name) => name !== 'blocked',
    );
    expect(catalog.tiles.map((t) => t.name)).toEqual(['chat', 'web', 'custom']);
    expect(catalog.byName.get('search')).toMatchObject({ hidden: true, title: 'search', apis: { 'com.innovaphone.search': {} } });
    expect(catalog.byName.get('chat')).toMatchObject({ url: 'https://pbx.example.com/PBX0/APPS/chat/chat', iconUrl: 'https://pbx.example.com/PBX0/APPS/chat/chat.png', presence: true });
    expect(catalog.byName.get('web')!.iconUrl).toBeUndefined();
    expect(catalog.byName.get('custom')!.iconUrl).toBe('https://cdn/icon.svg');
    expect(catalog.byName.has('blocked')).toBe(false);
    expect(catalog.problems).toEqual([expect.stringContaining('"bad"')]);
  });
});

describe('app links', () => {
  it('parses name, args and client params', () => {
    expect(parseAppLink('contacts?id=13#s=doe&d=John%20Doe')).toEqual({ link: 'contacts?id=13#s=doe&d=John%20Doe', app: 'contacts', args: 'id=13', label: 'John Doe', presenceSip: 'doe' });
    expect(parseAppLink('phone')).toEqual({ link: 'phone', app: 'phone', args: '' });
    expect(parseAppLink('?x=1')).toBeUndefined();
    expect(parseHomeSelection('contacts, phone?x=1,,#d=y')).toHaveLength(2);
    expect(linkArgs('a=1&b=x%20y&a=2')).toEqual({ a: '1', b: 'x y' });
  });
});

describe('presence note hashtags (app-hosting.md §7 item 34)', () => {
  it('numbers, strings, bare tags, and the display note', () => {
    expect(parsePresenceNote('back soon #until:1524733200000 #next:41:5:42:5 #free')).toEqual({ params: { until: 1524733200000, next: '41:5:42:5', free: '' }, displayNote: 'back soon' });
    expect(parsePresenceNote('#badge:3')).toEqual({ params: { badge: 3 }, displayNote: '' });
    expect(parsePresenceNote('issue #42 is fixed')).toEqual({ params: {}, displayNote: 'issue #42 is fixed' });
    expect(parsePresenceNote(undefined)).toEqual({ params: {}, displayNote: '' });
  });
});
