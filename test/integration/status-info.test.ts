/**
 * Status-info pages (apps/status-infos.ts): `ShowStatusInfo{url, id}` / `CloseStatusInfo{id?}`
 * of `com.innovaphone.client`, as the real core keeps them and tells the UI (`statusInfos`),
 * against the PBX emulator, apps played by FakeView. Which URL may be shown (the app's own
 * origin only), bounded ids and the per-app limit; and that a page goes with its app: closed,
 * revoked, unloaded, loaded anew, logged out. Every refusal is followed by a request that is
 * taken, so a refusal cannot pass for a message that never arrived.
 */
import { describe, expect, it } from 'vitest';
import { MAX_STATUS_INFO_ID_LENGTH, MAX_STATUS_INFOS_PER_APP } from '../../main/core/apps/status-infos.js';
import type { StatusInfoView } from '../../main/core/bridge/views.js';
import type { ClientCore } from '../../main/core/client/client.js';
import { type FakeView, appsConfig, openView, setup, until } from '../support/core-apps.js';
import { APP_URL_BASE } from '../support/session-config.js';

const CLIENT = 'com.innovaphone.client';
/** The softphone's App URL (appsConfig): `http://127.0.0.1:9/apps/softphone/softphone`. */
const PHONE_DIR = `${APP_URL_BASE}/softphone`;

let src = 0;
/** The app sends `msg` to @client; resolves with the ApiResult's `msg`. */
async function ask(view: FakeView, msg: Record<string, unknown>): Promise<Record<string, unknown>> {
  const mine = `s${++src}`;
  view.post({ mt: 'ApiRequest', api: CLIENT, provider: '@client', src: mine, msg });
  const result = await view.next((m) => m.mt === 'ApiResult' && m.src === mine);
  return result.msg as Record<string, unknown>;
}

const shown = (core: ClientCore): StatusInfoView[] => core.snapshot().statusInfos;
const ids = (core: ClientCore): string[] => shown(core).map((s) => s.id);

describe('ShowStatusInfo / CloseStatusInfo', () => {
  it('a page beside the app is shown to the UI, resolved against the App URL; CloseStatusInfo{id} closes that one', async () => {
    const { core } = await setup();
    const phone = await openView(core, 'softphone');
    const events: StatusInfoView[][] = [];
    core.onEvent((e) => e.type === 'statusInfos' && events.push(e.statusInfos));
    expect(await ask(phone, { mt: 'ShowStatusInfo', url: 'phone-status.htm?num=%2B4930&since=1', id: 'call-1' })).toEqual({ mt: 'ShowStatusInfoResult' });
    const view = { viewId: phone.viewId, app: 'softphone', title: 'Softphone', id: 'call-1', url: `${PHONE_DIR}/phone-status.htm?num=%2B4930&since=1` };
    expect(shown(core)).toEqual([view]);
    await until(core, () => events.length > 0);
    expect(events.at(-1)).toEqual([view]);
    // An absolute URL on the app's own origin, and a number as id (as text).
    expect(await ask(phone, { mt: 'ShowStatusInfo', url: `${APP_URL_BASE}/softphone/other.htm`, id: 7 })).toEqual({ mt: 'ShowStatusInfoResult' });
    expect(ids(core)).toEqual(['call-1', '7']);
    // The same id again replaces its page in place.
    expect(await ask(phone, { mt: 'ShowStatusInfo', url: 'phone-status.htm?num=2', id: 'call-1' })).toEqual({ mt: 'ShowStatusInfoResult' });
    expect(shown(core).map((s) => [s.id, s.url])).toEqual([
      ['call-1', `${PHONE_DIR}/phone-status.htm?num=2`],
      ['7', `${PHONE_DIR}/other.htm`],
    ]);
    // The shells frame only what is shown, on its origin; nothing else.
    expect(core.statusInfoOrigin(`${PHONE_DIR}/phone-status.htm?num=2`)).toBe('http://127.0.0.1:9');
    expect(core.statusInfoOrigin(`${PHONE_DIR}/phone-status.htm?num=%2B4930&since=1`)).toBeUndefined();
    expect(core.statusInfoOrigin(`${PHONE_DIR}/phone-status.htm`)).toBeUndefined();
    // An id not shown: no error, nothing changes.
    expect(await ask(phone, { mt: 'CloseStatusInfo', id: 'other' })).toEqual({ mt: 'CloseStatusInfoResult' });
    expect(ids(core)).toEqual(['call-1', '7']);
    expect(await ask(phone, { mt: 'CloseStatusInfo', id: 'call-1' })).toEqual({ mt: 'CloseStatusInfoResult' });
    expect(ids(core)).toEqual(['7']);
    expect(await ask(phone, { mt: 'CloseStatusInfo', id: '7' })).toEqual({ mt: 'CloseStatusInfoResult' });
    expect(shown(core)).toEqual([]);
    // The UI hears of it too (events go out once per frame).
    await until(core, () => events.at(-1)?.length === 0);
  });

  it('CloseStatusInfo without id closes all of that app’s pages, and only that app’s', async () => {
    const { core } = await setup();
    const phone = await openView(core, 'softphone');
    const badger = await openView(core, 'badger');
    await ask(phone, { mt: 'ShowStatusInfo', url: 'a.htm', id: 'a' });
    await ask(phone, { mt: 'ShowStatusInfo', url: 'b.htm', id: 'b' });
    await ask(badger, { mt: 'ShowStatusInfo', url: 'b.htm', id: 'a' });
    expect(shown(core).map((s) => [s.app, s.id])).toEqual([
      ['softphone', 'a'],
      ['softphone', 'b'],
      ['badger', 'a'],
    ]);
    expect(await ask(phone, { mt: 'CloseStatusInfo' })).toEqual({ mt: 'CloseStatusInfoResult' });
    expect(shown(core).map((s) => [s.app, s.id, s.url])).toEqual([['badger', 'a', `${APP_URL_BASE}/badger/b.htm`]]);
  });

  it('a page on another origin, of another scheme or with user info is refused with a clear error; the app’s own after it is shown', async () => {
    const logs: { message: string; fields?: Record<string, unknown> }[] = [];
    const { core } = await setup({ core: { log: (_level, message, fields) => logs.push({ message, ...(fields && { fields }) }) } });
    const phone = await openView(core, 'softphone');
    const refused = [
      'https://evil.test/call.htm',
      'http://127.0.0.1:10/apps/softphone/phone-status.htm',
      'https://127.0.0.1:9/apps/softphone/phone-status.htm',
      'http://127.0.0.1.evil.test:9/x.htm',
      'http://user@127.0.0.1:9/apps/softphone/x.htm',
      '//evil.test/x.htm',
      'javascript:alert(1)',
      'data:text/html,<p>hi</p>',
      'file:///etc/passwd',
    ];
    for (const url of refused) {
      const answer = await ask(phone, { mt: 'ShowStatusInfo', url, id: 'x' });
      expect(answer, url).toEqual({ mt: 'ShowStatusInfoResult', error: expect.stringContaining("a status page must be on the app's own origin (http://127.0.0.1:9)") });
    }
    expect(logs.filter((l) => l.message === 'ShowStatusInfo refused')).toHaveLength(refused.length);
    expect(logs.find((l) => l.message === 'ShowStatusInfo refused')?.fields).toMatchObject({ app: 'softphone', url: 'https://evil.test/call.htm' });
    for (const url of [undefined, '', 42, 'x'.repeat(5000)]) {
      expect((await ask(phone, { mt: 'ShowStatusInfo', url, id: 'x' })).error, String(url).slice(0, 20)).toMatch(/^url (required|longer than)/);
    }
    expect(shown(core)).toEqual([]);
    expect(core.statusInfoOrigin('https://evil.test/call.htm')).toBeUndefined();
    // Control: the app's own page, asked the same way, is taken.
    expect(await ask(phone, { mt: 'ShowStatusInfo', url: '../softphone/ok.htm', id: 'x' })).toEqual({ mt: 'ShowStatusInfoResult' });
    expect(shown(core).map((s) => s.url)).toEqual([`${PHONE_DIR}/ok.htm`]);
  });

  it('ids are bounded strings kept in a Map (__proto__ is an id); an app shows at most MAX_STATUS_INFOS_PER_APP', async () => {
    const { core } = await setup();
    const phone = await openView(core, 'softphone');
    expect(await ask(phone, { mt: 'ShowStatusInfo', url: 'x.htm', id: 'i'.repeat(MAX_STATUS_INFO_ID_LENGTH + 1) })).toEqual({ mt: 'ShowStatusInfoResult', error: `id longer than ${MAX_STATUS_INFO_ID_LENGTH} characters` });
    for (const id of [{}, [], true, null, Number.NaN]) expect((await ask(phone, { mt: 'ShowStatusInfo', url: 'x.htm', id })).error).toBe('id must be a string');
    expect(await ask(phone, { mt: 'CloseStatusInfo', id: {} })).toEqual({ mt: 'CloseStatusInfoResult', error: 'id must be a string' });
    expect(shown(core)).toEqual([]);
    for (const id of ['__proto__', 'constructor', 'toString', 'i'.repeat(MAX_STATUS_INFO_ID_LENGTH)]) expect(await ask(phone, { mt: 'ShowStatusInfo', url: `${id.length}.htm`, id })).toEqual({ mt: 'ShowStatusInfoResult' });
    expect(ids(core)).toEqual(['__proto__', 'constructor', 'toString', 'i'.repeat(MAX_STATUS_INFO_ID_LENGTH)]);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    for (let i = ids(core).length; i < MAX_STATUS_INFOS_PER_APP; i++) expect(await ask(phone, { mt: 'ShowStatusInfo', url: 'n.htm', id: `n${i}` })).toEqual({ mt: 'ShowStatusInfoResult' });
    expect(shown(core)).toHaveLength(MAX_STATUS_INFOS_PER_APP);
    expect(await ask(phone, { mt: 'ShowStatusInfo', url: 'n.htm', id: 'one more' })).toEqual({ mt: 'ShowStatusInfoResult', error: `at most ${MAX_STATUS_INFOS_PER_APP} status pages per app` });
    // A page already shown may still change; another app has its own limit.
    expect(await ask(phone, { mt: 'ShowStatusInfo', url: 'changed.htm', id: '__proto__' })).toEqual({ mt: 'ShowStatusInfoResult' });
    const badger = await openView(core, 'badger');
    expect(await ask(badger, { mt: 'ShowStatusInfo', url: 'b.htm', id: 'one more' })).toEqual({ mt: 'ShowStatusInfoResult' });
    expect(await ask(phone, { mt: 'CloseStatusInfo', id: '__proto__' })).toEqual({ mt: 'CloseStatusInfoResult' });
    expect(ids(core)).not.toContain('__proto__');
    expect(ids(core)).toContain('constructor');
  });

  it('the pages go when their app closes, loads its page anew, or is revoked — and the others stay', async () => {
    const { core, pbx } = await setup();
    const phone = await openView(core, 'softphone');
    const badger = await openView(core, 'badger');
    const contacts = await openView(core, 'contacts');
    await ask(phone, { mt: 'ShowStatusInfo', url: 'p.htm', id: 'p' });
    await ask(badger, { mt: 'ShowStatusInfo', url: 'b.htm', id: 'b' });
    await ask(contacts, { mt: 'ShowStatusInfo', url: 'c.htm', id: 'c' });
    expect(shown(core).map((s) => s.app)).toEqual(['softphone', 'badger', 'contacts']);
    // Closed by the user.
    expect(await core.handle({ type: 'closeApp', viewId: badger.viewId })).toEqual({ ok: true });
    expect(shown(core).map((s) => s.app)).toEqual(['softphone', 'contacts']);
    // Reloaded: the new page starts with none (it shows its call again if it still has one).
    expect(await core.handle({ type: 'reloadApp', viewId: contacts.viewId })).toEqual({ ok: true });
    expect(shown(core).map((s) => s.app)).toEqual(['softphone']);
    // Revoked by the PBX: closed, and its page with it.
    pbx.setUserApps('alice', appsConfig().users[0]!.apps.filter((a) => a !== 'softphone'));
    await until(core, (s) => !s.runningApps.some((a) => a.name === 'softphone'));
    expect(shown(core)).toEqual([]);
  });

  it('logout clears every page (and no status-frame page is served for them any more)', async () => {
    const { core } = await setup();
    const phone = await openView(core, 'softphone');
    const badger = await openView(core, 'badger');
    await ask(phone, { mt: 'ShowStatusInfo', url: 'p.htm', id: 'p' });
    await ask(badger, { mt: 'ShowStatusInfo', url: 'b.htm', id: 'b' });
    expect(shown(core)).toHaveLength(2);
    expect(core.statusInfoOrigin(`${PHONE_DIR}/p.htm`)).toBe('http://127.0.0.1:9');
    expect(await core.handle({ type: 'logout' })).toEqual({ ok: true });
    await until(core, (s) => s.connection.kind !== 'logged-in' && s.statusInfos.length === 0);
    expect(core.statusInfoOrigin(`${PHONE_DIR}/p.htm`)).toBeUndefined();
  });
});
