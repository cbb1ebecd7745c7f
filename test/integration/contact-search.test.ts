/**
 * The home screen's contact search in the core (apps/contact-search.ts) against the real broker:
 * ClientCore logged in to the PBX emulator, providers played by the test as app views that post
 * what a `com.innovaphone.search` app would. What the UI gets is the `contactSearch` part of the
 * snapshot. The browser e2e test (contact-search.spec.ts) runs the same paths with sample apps.
 */
import { describe, expect, it } from 'vitest';
import type { ContactSearchView } from '../../main/core/bridge/views.js';
import type { LogLevel } from '../../main/core/common/log.js';
import type { ClientCore } from '../../main/core/client/client.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { appsConfig, openView, setup, until, viewOf, type FakeView } from '../support/core-apps.js';

const API = 'com.innovaphone.search';

/** The session test apps, a second search provider (a visible app), and a chat app. */
function config(withChat = true): EmulatorConfig {
  const c = appsConfig();
  c.appObjects.push({ name: 'directory', title: 'Directory', password: 'd', url: 'http://127.0.0.1:9/apps/directory/directory', apis: { [API]: {} } } as never);
  c.users[0]!.apps.push('directory');
  if (withChat) {
    c.appObjects.push({ name: 'chatter', title: 'Chatter', password: 'c', url: 'http://127.0.0.1:9/apps/chatter/chatter', apis: { 'com.innovaphone.chat': {} } } as never);
    c.users[0]!.apps.push('chatter');
  }
  return c;
}

const search = (core: ClientCore) => core.snapshot().contactSearch;
const names = (view: ContactSearchView | undefined) => view?.contacts.map((c) => c.dn);

/** The provider `name` started for the search: it registers and gets the client's request. */
async function provider(core: ClientCore, name: string): Promise<{ view: FakeView; src: string; answer(msg: unknown, src?: string): void }> {
  await until(core, (s) => s.runningApps.some((a) => a.name === name));
  const view = viewOf(core, name);
  view.post({ mt: 'Alive' });
  view.post({ mt: 'RegisterApi', api: API });
  const request = await view.next((m) => m.mt === 'ApiRequest');
  expect(request).toMatchObject({ api: API, consumer: '@client', msg: { mt: 'Search', type: 'contact' } });
  const src = request.src as string;
  return { view, src, answer: (msg, s = src) => view.post({ mt: 'ApiResult', api: API, consumer: '@client', src: s, msg }) };
}

/** The next request of the client to a provider that has registered already. */
async function nextRequest(view: FakeView, search: string): Promise<string> {
  const request = await view.next((m) => m.mt === 'ApiRequest' && (m.msg as { search?: string }).search === search);
  return request.src as string;
}

describe('contact search', () => {
  it('asks every provider with "*" as @client (hidden ones started), merges by guid and by SIP name, ranks, and streams progress until done', async () => {
    const { core } = await setup({ config: config() });
    expect(await core.handle({ type: 'searchContacts', query: ' an ' })).toEqual({ ok: true });
    expect(search(core)).toMatchObject({ query: 'an', providers: 2, done: 0, timedOut: 0, contacts: [], limited: false, chat: true });
    // Both providers were started for it: the hidden one and the visible one, neither with a tab.
    const s = await provider(core, 'search');
    const d = await provider(core, 'directory');
    expect(core.snapshot().runningApps.filter((a) => a.name === 'search' || a.name === 'directory').map((a) => a.hidden)).toEqual([true, true]);
    expect(s.view.posted.find((m) => m.mt === 'ApiRequest')).toEqual({ mt: 'ApiRequest', api: API, consumer: '@client', src: s.src, msg: { mt: 'Search', type: 'contact', search: 'an' } });

    // A link to a hidden app (it cannot be opened) is replaced by one the user can open (below).
    s.answer({ mt: 'SearchInfo', type: 'contact', guid: 'AA01', dn: 'Hannah Berg', contact: { sip: 'hannah' }, link: 'search?id=hannah' });
    await until(core, (v) => names(v.contactSearch)?.length === 1);
    s.answer({ mt: 'SearchInfo', type: 'contact', guid: 'aa02', dn: 'Anna Kaiser', contact: { sip: 'anna', email: 'anna@example.com' }, link: 'directory?id=anna', photourl: 'photos/anna.png' });
    // Starts with the query: above the one that only contains it.
    expect(names(await until(core, (v) => names(v.contactSearch)?.length === 2).then((v) => v.contactSearch))).toEqual(['Anna Kaiser', 'Hannah Berg']);
    s.answer({ mt: 'SearchResult' });
    await until(core, (v) => v.contactSearch?.done === 1);
    // After its SearchResult a provider is done: what it still sends is dropped (the directory's
    // results, which follow on the same way, show that it would have arrived).
    s.answer({ mt: 'SearchInfo', dn: 'Anne After', contact: { sip: 'anne' } });

    // The directory finds Anna again (same SIP name, other case, other guid) and Hannah (same guid):
    // each stays one entry, with what the first finder lacked filled in.
    d.answer({ mt: 'SearchInfo', dn: 'Anna K.', guid: 'ffff', contact: { sip: 'ANNA', num: '+49 30 123' }, link: 'search?id=anna' });
    d.answer({ mt: 'SearchInfo', dn: 'H. Berg', guid: 'aa01', contact: { num: 4711 }, link: 'directory?id=hannah' });
    // A word starts with the query: between the two; a later "contains" goes below Hannah (stable).
    d.answer({ mt: 'SearchInfo', dn: 'Zora Gran', contact: { sip: 'zora' } });
    d.answer({ mt: 'SearchInfo', dn: 'Bob Andersen', contact: { sip: 'bob' } });
    d.answer({ mt: 'SearchResult' });
    const done = (await until(core, (v) => v.contactSearch?.done === 2)).contactSearch!;
    expect(done).toMatchObject({ query: 'an', providers: 2, done: 2, timedOut: 0, limited: false });
    expect(done.contacts).toEqual([
      // Her photo, relative to the App URL of the app that gave it.
      { id: 'g:aa02', dn: 'Anna Kaiser', sip: 'anna', num: '+49 30 123', email: 'anna@example.com', photoUrl: 'http://127.0.0.1:9/apps/search/photos/anna.png', canCall: true, canOpen: true, from: ['Search', 'Directory'] },
      { id: 's:bob', dn: 'Bob Andersen', sip: 'bob', canCall: true, canOpen: false, from: ['Directory'] },
      { id: 'g:aa01', dn: 'Hannah Berg', sip: 'hannah', num: '4711', canCall: true, canOpen: true, from: ['Search', 'Directory'] },
      { id: 's:zora', dn: 'Zora Gran', sip: 'zora', canCall: true, canOpen: false, from: ['Directory'] },
    ]);
  });

  it('an older query’s late results never show under a newer one; the newer one’s do (positive control)', async () => {
    const { core } = await setup({ config: config() });
    await core.handle({ type: 'searchContacts', query: 'an' });
    const s = await provider(core, 'search');
    const d = await provider(core, 'directory');
    const old = s.src;
    await core.handle({ type: 'searchContacts', query: 'bo' });
    expect(search(core)).toMatchObject({ query: 'bo', done: 0, contacts: [] });
    const now = await nextRequest(s.view, 'bo');
    expect(now).not.toBe(old);
    // Late for "an", then the answer for "bo", in this order on one provider's link.
    s.answer({ mt: 'SearchInfo', dn: 'Anna Late', contact: { sip: 'anna' } }, old);
    s.answer({ mt: 'SearchResult' }, old);
    s.answer({ mt: 'SearchInfo', dn: 'Bob Builder', contact: { sip: 'bob' } }, now);
    await until(core, (v) => names(v.contactSearch)?.includes('Bob Builder') === true);
    expect(search(core)).toMatchObject({ query: 'bo', done: 0, contacts: [{ dn: 'Bob Builder' }] });
    // The directory's answer to "bo" ends it; its late "an" result does not count.
    d.answer({ mt: 'SearchResult' }, d.src);
    d.answer({ mt: 'SearchResult' }, await nextRequest(d.view, 'bo'));
    s.answer({ mt: 'SearchResult' }, now);
    expect(names((await until(core, (v) => v.contactSearch?.done === 2)).contactSearch)).toEqual(['Bob Builder']);

    // Shorter than two characters: no search; what still comes is ignored.
    await core.handle({ type: 'searchContacts', query: 'b' });
    expect(search(core)).toBeUndefined();
    s.answer({ mt: 'SearchInfo', dn: 'Bob Late', contact: { sip: 'bob2' } }, now);
    await core.handle({ type: 'searchContacts', query: 'bob' });
    const third = await nextRequest(s.view, 'bob');
    s.answer({ mt: 'SearchInfo', dn: 'Bob Third', contact: { sip: 'bob3' } }, third);
    expect(names((await until(core, (v) => names(v.contactSearch)?.length === 1)).contactSearch)).toEqual(['Bob Third']);
  });

  it('bounded: results per provider, contacts per search, and a provider that never finishes counts as done after the timeout', async () => {
    const { core } = await setup({ config: config(), core: { contactSearch: { perProvider: 3, maxContacts: 4, providerTimeoutMs: 1500 } } });
    await core.handle({ type: 'searchContacts', query: 'xy' });
    const s = await provider(core, 'search');
    const d = await provider(core, 'directory');
    for (let i = 1; i <= 5; i++) s.answer({ mt: 'SearchInfo', dn: `S${i} xy`, contact: { sip: `s${i}` } });
    s.answer({ mt: 'SearchResult' });
    // Three of five taken, and the view says results were left out.
    const first = (await until(core, (v) => v.contactSearch?.done === 1)).contactSearch!;
    expect(first).toMatchObject({ limited: true });
    expect(names(first)).toEqual(['S1 xy', 'S2 xy', 'S3 xy']);
    // The directory never sends SearchResult: four contacts at most, then the timeout ends it.
    d.answer({ mt: 'SearchInfo', dn: 'D1 xy', contact: { sip: 'd1' } });
    d.answer({ mt: 'SearchInfo', dn: 'D2 xy', contact: { sip: 'd2' } });
    const timedOut = (await until(core, (v) => v.contactSearch?.done === 2, 5000)).contactSearch!;
    expect(timedOut).toMatchObject({ providers: 2, done: 2, timedOut: 1, limited: true });
    expect(names(timedOut)).toEqual(['S1 xy', 'S2 xy', 'S3 xy', 'D1 xy']);
    // The directory's late result, after the timeout but for this query, is still taken (a merge
    // into a kept contact, which the cap on contacts does not stop).
    d.answer({ mt: 'SearchInfo', dn: 'S2 later', contact: { sip: 's2', num: '22' } });
    d.answer({ mt: 'SearchResult' });
    const end = (await until(core, (v) => v.contactSearch?.timedOut === 0)).contactSearch!;
    expect(end).toMatchObject({ done: 2, timedOut: 0 });
    expect(end.contacts[1]).toEqual({ id: 's:s2', dn: 'S2 xy', sip: 's2', num: '22', canCall: true, canOpen: false, from: ['Search', 'Directory'] });
  });

  it('a malformed SearchInfo is dropped with a log line; the rest of the answer is shown; an app that was not asked is not heard', async () => {
    const logs: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
    const { core } = await setup({ config: config(), core: { log: (level, message, fields) => logs.push({ level, message, ...(fields && { fields }) }) } });
    const other = await openView(core, 'myapp');
    await core.handle({ type: 'searchContacts', query: 'an' });
    const s = await provider(core, 'search');
    const bad: unknown[] = [
      'SearchInfo',
      { mt: 'SearchInfo' },
      { mt: 'SearchInfo', dn: 42 },
      { mt: 'SearchInfo', dn: 'Bad Contact', contact: 'anna' },
      { mt: 'SearchInfo', dn: 'Ann\u202eevil' },
      { mt: 'SearchInfo', dn: 'Ann', type: 'room' },
      { mt: 'SearchInfo', dn: 'A'.repeat(300) },
      { mt: 'SearchInfo', dn: 'Ann', contact: { sip: ['anna'] } },
      { mt: 'Something' },
    ];
    for (const msg of bad) s.answer(msg);
    // Not a provider of the API, though it knows the src: not heard.
    other.post({ mt: 'ApiResult', api: API, consumer: '@client', src: s.src, msg: { mt: 'SearchInfo', dn: 'Forged Anna', contact: { sip: 'forged' } } });
    // A link that is no app link and a photo that is no http(s) URL are left out, the contact kept; `__proto__` is data.
    s.view.post(`{"mt":"ApiResult","api":"${API}","consumer":"@client","src":"${s.src}","msg":{"mt":"SearchInfo","dn":"Anna Good","contact":{"sip":"anna","__proto__":{"num":"1"}},"link":"https://evil.example/","photourl":"javascript:alert(1)"}}`);
    s.answer({ mt: 'SearchResult' });
    const view = (await until(core, (v) => v.contactSearch?.done === 1)).contactSearch!;
    expect(view.contacts).toEqual([{ id: 's:anna', dn: 'Anna Good', sip: 'anna', canCall: true, canOpen: false, from: ['Search'] }]);
    expect(logs.filter((l) => l.message === 'a search result was dropped').map((l) => l.fields?.error)).toEqual([
      'the answer is not an object',
      'SearchInfo: dn is missing',
      'SearchInfo: dn is not text',
      'SearchInfo: contact is not an object',
      'SearchInfo: dn contains control or invisible characters',
      'SearchInfo: type is not "contact"',
      'SearchInfo: dn is longer than 256 characters',
      'SearchInfo: sip is not text',
      'unexpected mt "Something"',
    ]);
    expect(logs.some((l) => l.message === 'a search answer from an app that was not asked was ignored' && l.fields?.provider === 'myapp')).toBe(true);
  });

  it('no provider: nothing is asked and the search is done at once; a provider that cannot start counts as done', async () => {
    const c = config();
    c.appObjects = c.appObjects.filter((a) => !(a.apis && API in a.apis));
    c.users[0]!.apps = c.users[0]!.apps.filter((name) => name !== 'search' && name !== 'directory');
    const { core } = await setup({ config: c });
    await core.handle({ type: 'searchContacts', query: 'anna' });
    expect(search(core)).toMatchObject({ providers: 0, done: 0, contacts: [] });

    // With the register timeout of setup (300 ms) a provider that never registers fails, and is done.
    const { core: other } = await setup({ config: config() });
    await other.handle({ type: 'searchContacts', query: 'anna' });
    const s = await provider(other, 'search');
    s.answer({ mt: 'SearchResult' });
    expect((await until(other, (v) => v.contactSearch?.done === 2)).contactSearch).toMatchObject({ providers: 2, done: 2, timedOut: 0 });
  });
});

describe('contact actions', () => {
  async function found(withChat = true) {
    const { core } = await setup({ config: config(withChat) });
    await core.handle({ type: 'searchContacts', query: 'an' });
    const s = await provider(core, 'search');
    s.answer({ mt: 'SearchInfo', dn: 'Anna Kaiser', contact: { sip: 'anna', num: '+49 30 1' }, link: 'directory?id=anna' });
    s.answer({ mt: 'SearchInfo', dn: 'Ann Number', contact: { num: '+49 (30) 2' } });
    s.answer({ mt: 'SearchInfo', dn: 'Ann Nothing', guid: '1234', contact: { email: 'ann@example.com' } });
    s.answer({ mt: 'SearchResult' });
    await until(core, (v) => v.contactSearch?.contacts.length === 3);
    return core;
  }

  it('Call goes the click-to-dial way: StartCall with the SIP name, else the number, at the phone app', async () => {
    const core = await found();
    expect(await core.handle({ type: 'contactAction', id: 's:anna', action: 'call' })).toEqual({ ok: true });
    await until(core, (s) => s.runningApps.some((a) => a.name === 'softphone'));
    const phone = viewOf(core, 'softphone');
    phone.post({ mt: 'Alive' });
    phone.post({ mt: 'RegisterApi', api: 'com.innovaphone.phone' });
    expect(await phone.next((m) => m.mt === 'ApiRequest')).toEqual({ mt: 'ApiRequest', api: 'com.innovaphone.phone', consumer: '@client', msg: { mt: 'StartCall', sip: 'anna' } });
    const numberOnly = core.snapshot().contactSearch!.contacts.find((c) => c.dn === 'Ann Number')!;
    expect(await core.handle({ type: 'contactAction', id: numberOnly.id, action: 'call' })).toEqual({ ok: true });
    expect(await phone.next((m) => m.mt === 'ApiRequest' && JSON.stringify(m).includes('StartCall') && !JSON.stringify(m).includes('anna'))).toMatchObject({ msg: { mt: 'StartCall', num: '+49302' } });
    // Nothing to call, or a contact of no search shown now: refused with a reason.
    expect(core.snapshot().contactSearch!.contacts.find((c) => c.dn === 'Ann Nothing')).toMatchObject({ id: 'g:1234', canCall: false });
    expect(await core.handle({ type: 'contactAction', id: 'g:1234', action: 'call' })).toEqual({ ok: false, error: 'Ann Nothing has no number or SIP name to call.' });
    expect(await core.handle({ type: 'contactAction', id: 's:nobody', action: 'call' })).toMatchObject({ ok: false, error: 'This contact is no longer in the search results.' });
  });

  it('Chat: StartChat{sip, dn} at the chat app, which comes to the front; without a chat app, no Chat', async () => {
    const core = await found();
    expect(core.snapshot().contactSearch!.chat).toBe(true);
    expect(await core.handle({ type: 'contactAction', id: 's:anna', action: 'chat' })).toEqual({ ok: true });
    const shown = await until(core, (s) => s.runningApps.some((a) => a.name === 'chatter' && !a.hidden));
    expect(shown.activeApp).toBe(shown.runningApps.find((a) => a.name === 'chatter')!.viewId);
    const chat = viewOf(core, 'chatter');
    chat.post({ mt: 'Alive' });
    chat.post({ mt: 'RegisterApi', api: 'com.innovaphone.chat' });
    expect(await chat.next((m) => m.mt === 'ApiRequest')).toEqual({ mt: 'ApiRequest', api: 'com.innovaphone.chat', consumer: '@client', msg: { mt: 'StartChat', sip: 'anna', dn: 'Anna Kaiser' } });
    const numberOnly = core.snapshot().contactSearch!.contacts.find((c) => c.dn === 'Ann Number')!;
    expect(await core.handle({ type: 'contactAction', id: numberOnly.id, action: 'chat' })).toEqual({ ok: false, error: 'Ann Number has no SIP name to chat with.' });

    const without = await found(false);
    expect(without.snapshot().contactSearch!.chat).toBe(false);
    expect(await without.handle({ type: 'contactAction', id: 's:anna', action: 'chat' })).toEqual({ ok: false, error: 'No chat app is available to you.' });
  });

  it('Open: the provider’s app link opens that app in front, with its arguments', async () => {
    const core = await found();
    // It runs hidden for the search; its page is there.
    const directory = viewOf(core, 'directory');
    directory.post({ mt: 'Alive' });
    expect(await core.handle({ type: 'contactAction', id: 's:anna', action: 'open' })).toEqual({ ok: true });
    const opened = await until(core, (s) => s.runningApps.some((a) => a.name === 'directory' && !a.hidden));
    expect(opened.activeApp).toBe(directory.viewId);
    // Already running, it gets its arguments as SetArgs.
    expect(await directory.next((m) => m.mt === 'SetArgs')).toEqual({ mt: 'SetArgs', args: { id: 'anna' } });
    expect(await core.handle({ type: 'contactAction', id: 'g:1234', action: 'open' })).toEqual({ ok: false, error: 'Ann Nothing has no app to open it in.' });
  });
});

describe('shortcuts from app views', () => {
  it('a shortcut frame of an app-frame page reaches the UI as a shortcut event', async () => {
    const { core } = await setup({ config: config() });
    const view = await openView(core, 'myapp');
    const events: unknown[] = [];
    core.onEvent((e) => e.type === 'shortcut' && events.push(e));
    view.link!.receive({ kind: 'shortcut', shortcut: 'search' });
    await until(core, () => events.length === 1);
    expect(events).toEqual([{ type: 'shortcut', shortcut: 'search' }]);
  });
});
