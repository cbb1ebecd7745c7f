/**
 * A Client API request without `provider` (app-hosting.md §3.3): the default provider — IT's,
 * the user's, the only one — or, with several and none, the user is asked by title while the
 * requests wait; `ApiUpdate.defaultApiProviders` names the default; the direct data path
 * follows it. The real core against the PBX emulator; apps played by the test (FakeView).
 */
import { describe, expect, it } from 'vitest';
import { MAX_WAITING_REQUESTS } from '../../main/core/apps/api-broker.js';
import type { ClientCore } from '../../main/core/client/client.js';
import { appsConfig, openView, setup, until, viewOf, type FakeView } from '../support/core-apps.js';

const PHONE = 'com.innovaphone.phone';

/** alice with two phone apps (the softphone, a desk phone) and an app that consumes their API. */
function twoPhones() {
  const c = appsConfig();
  c.appObjects.push({ name: 'deskphone', title: 'Desk phone', password: 'p', url: 'http://127.0.0.1:9/apps/deskphone/deskphone', apis: { [PHONE]: {} } } as never);
  c.users[0]!.apps.push('deskphone');
  return c;
}

const call = (src: string, extra: object = {}) => ({ mt: 'ApiRequest', api: PHONE, src, msg: { mt: 'StartCall', num: src }, ...extra });

/** The provider the core started for the requests, alive and registered. */
async function provider(core: ClientCore, name: string): Promise<FakeView> {
  await until(core, (s) => s.runningApps.some((a) => a.name === name));
  const view = viewOf(core, name);
  view.post({ mt: 'Alive' });
  view.post({ mt: 'RegisterApi', api: PHONE });
  return view;
}

const lastUpdate = (v: FakeView) => v.posted.filter((m) => m.mt === 'ApiUpdate').at(-1) as { defaultApiProviders: Record<string, string> } | undefined;

describe('a request without provider', () => {
  it('two providers, no default: the user is asked by title, the requests wait; the kept answer sends them, and the next goes there unasked', async () => {
    const { core } = await setup({ config: twoPhones() });
    const consumer = await openView(core, 'consumer');
    consumer.post({ mt: 'ConsumeApi', api: PHONE });
    // No default yet: ApiUpdate names none for the API (lib1's isDefaultApiProvider is false for both).
    expect((await consumer.next((m) => m.mt === 'ApiUpdate')).defaultApiProviders).not.toHaveProperty(PHONE);
    consumer.post(call('r1', { title: 'Call 200' }));
    consumer.post(call('r2'));
    const prompt = (await until(core, (s) => s.providerPrompts.length > 0)).providerPrompts;
    // One question for both requests, naming the app and its own words for the request.
    expect(prompt).toEqual([{ id: expect.any(String), api: PHONE, purpose: 'Call 200', consumer: 'Consumer', providers: [{ name: 'softphone', title: 'Softphone' }, { name: 'deskphone', title: 'Desk phone' }] }]);
    expect(core.snapshot().runningApps.map((a) => a.name)).toEqual(['consumer']);
    expect(await core.handle({ type: 'answerProviderPrompt', id: prompt[0]!.id, provider: 'deskphone', remember: true })).toEqual({ ok: true });
    const desk = await provider(core, 'deskphone');
    await desk.next((m) => m.src === 'r2');
    expect(desk.posted.filter((m) => m.mt === 'ApiRequest').map((m) => [m.consumer, m.src])).toEqual([['consumer', 'r1'], ['consumer', 'r2']]);
    expect(core.snapshot().runningApps.find((a) => a.name === 'deskphone')).toMatchObject({ hidden: true });
    expect(core.snapshot().settings.defaultProviders).toEqual([{ api: PHONE, provider: 'deskphone', locked: false, source: 'user' }]);
    await consumer.next((m) => m.mt === 'ApiUpdate' && (m.defaultApiProviders as Record<string, string>)[PHONE] === 'deskphone');

    // Kept: the next request goes there without a question.
    consumer.post(call('r3'));
    await desk.next((m) => m.src === 'r3');
    expect(core.snapshot().providerPrompts).toEqual([]);
    desk.post({ mt: 'ApiResult', api: PHONE, consumer: 'consumer', src: 'r3', msg: { mt: 'StartCallResult' } });
    expect(await consumer.next((m) => m.mt === 'ApiResult')).toEqual({ mt: 'ApiResult', api: PHONE, provider: 'deskphone', src: 'r3', msg: { mt: 'StartCallResult' } });

    // Forgotten in Settings: asked again, and the model names no default any more.
    expect(await core.handle({ type: 'resetDefaultProvider', api: PHONE })).toEqual({ ok: true });
    await consumer.next(() => lastUpdate(consumer)?.defaultApiProviders[PHONE] === undefined);
    consumer.post(call('r4'));
    const again = (await until(core, (s) => s.providerPrompts.length > 0)).providerPrompts[0]!;
    // Without the request's own title the dialog names the app (`purpose` empty).
    expect(again).toMatchObject({ purpose: '', consumer: 'Consumer' });
    // Chosen without keeping it: this request goes to the softphone, the default stays unset.
    expect(await core.handle({ type: 'answerProviderPrompt', id: again.id, provider: 'softphone', remember: false })).toEqual({ ok: true });
    const soft = await provider(core, 'softphone');
    expect(await soft.next((m) => m.mt === 'ApiRequest')).toMatchObject({ consumer: 'consumer', src: 'r4' });
    expect(core.snapshot().settings.defaultProviders).toEqual([]);
  });

  it('cancelled: every waiting request fails with errorText; a consumer that closes takes its question with it', async () => {
    const { core } = await setup({ config: twoPhones() });
    const consumer = await openView(core, 'consumer');
    consumer.post(call('c1'));
    consumer.post(call('c2'));
    const prompt = (await until(core, (s) => s.providerPrompts.length > 0)).providerPrompts[0]!;
    expect(await core.handle({ type: 'answerProviderPrompt', id: prompt.id, remember: false })).toEqual({ ok: true });
    await consumer.next((m) => m.mt === 'ApiResult' && m.src === 'c2');
    expect(consumer.posted.filter((m) => m.mt === 'ApiResult')).toEqual([
      { mt: 'ApiResult', api: PHONE, src: 'c1', errorText: `No app was chosen for ${PHONE}.` },
      { mt: 'ApiResult', api: PHONE, src: 'c2', errorText: `No app was chosen for ${PHONE}.` },
    ]);
    expect(core.snapshot().runningApps.map((a) => a.name)).toEqual(['consumer']);

    consumer.post(call('c3'));
    await until(core, (s) => s.providerPrompts.length === 1);
    expect(await core.handle({ type: 'closeApp', viewId: consumer.viewId })).toEqual({ ok: true });
    await until(core, (s) => s.providerPrompts.length === 0);
    // No app provides the API at all: an error at once, no question.
    const other = await openView(core, 'contacts');
    other.post({ mt: 'ApiRequest', api: 'com.example.nobody', src: 'n1', msg: {} });
    expect(await other.next((m) => m.mt === 'ApiResult')).toEqual({ mt: 'ApiResult', api: 'com.example.nobody', src: 'n1', errorText: 'No app provides com.example.nobody.' });
    expect(core.snapshot().providerPrompts).toEqual([]);
  });

  it(`bounded: at most ${MAX_WAITING_REQUESTS} requests wait for one question; beyond that they fail at once`, async () => {
    const { core } = await setup({ config: twoPhones() });
    const consumer = await openView(core, 'consumer');
    for (let i = 0; i <= MAX_WAITING_REQUESTS; i++) consumer.post(call(`b${i}`));
    expect(await consumer.next((m) => m.mt === 'ApiResult')).toEqual({ mt: 'ApiResult', api: PHONE, src: `b${MAX_WAITING_REQUESTS}`, errorText: `Too many requests are waiting for you to choose an app for ${PHONE}.` });
    const prompt = (await until(core, (s) => s.providerPrompts.length > 0)).providerPrompts;
    expect(prompt).toHaveLength(1);
    // Positive control: those that waited are all delivered once the user answers.
    await core.handle({ type: 'answerProviderPrompt', id: prompt[0]!.id, provider: 'softphone', remember: false });
    const soft = await provider(core, 'softphone');
    await soft.next((m) => m.src === `b${MAX_WAITING_REQUESTS - 1}`);
    expect(soft.posted.filter((m) => m.mt === 'ApiRequest')).toHaveLength(MAX_WAITING_REQUESTS);
  });

  it('IT names the provider: no question, the model names it, and the user cannot forget it', async () => {
    const { core } = await setup({ config: twoPhones(), policy: { enforced: { defaultApiProviders: { [PHONE]: 'softphone' } } } });
    const consumer = await openView(core, 'consumer');
    consumer.post({ mt: 'ConsumeApi', api: PHONE });
    expect((await consumer.next((m) => m.mt === 'ApiUpdate')).defaultApiProviders).toMatchObject({ [PHONE]: 'softphone', 'com.innovaphone.client': '@client' });
    consumer.post(call('i1'));
    const soft = await provider(core, 'softphone');
    expect(await soft.next((m) => m.mt === 'ApiRequest')).toMatchObject({ src: 'i1' });
    expect(core.snapshot().providerPrompts).toEqual([]);
    expect(core.snapshot().settings.defaultProviders).toEqual([{ api: PHONE, provider: 'softphone', locked: true, source: 'enforced' }]);
    expect(await core.handle({ type: 'resetDefaultProvider', api: PHONE })).toMatchObject({ ok: false });
  });

  it('the direct path follows the default: a grant that relied on the kept default ends when the user forgets it', async () => {
    const { core } = await setup({ config: twoPhones() });
    const consumer = await openView(core, 'consumer');
    consumer.post(call('g1'));
    const prompt = (await until(core, (s) => s.providerPrompts.length > 0)).providerPrompts[0]!;
    await core.handle({ type: 'answerProviderPrompt', id: prompt.id, provider: 'deskphone', remember: true });
    const desk = await provider(core, 'deskphone');
    await desk.next((m) => m.src === 'g1');
    // The first waited for the provider to start (never granted); the next is delivered at once, and granted.
    consumer.post(call('g2'));
    await desk.next((m) => m.src === 'g2');
    const grant = await consumer.frame((f) => f.kind === 'grant');
    expect(grant).toMatchObject({ kind: 'grant', api: PHONE, role: 'consumer', peer: 'deskphone', defaultProvider: true });
    const channel = (grant as { channel: string }).channel;
    // Another setting changes: the grant stays.
    await core.handle({ type: 'updateSettings', patch: { confirmCalls: true } });
    await until(core, (s) => s.settings.values.confirmCalls);
    expect(core.apiGrants()).toEqual([{ channel, api: PHONE, consumer: 'consumer', provider: 'deskphone', requests: 0, results: 0 }]);
    // Forgotten: the core would ask again, so the consumer may no longer leave `provider` out on the direct path.
    expect(await core.handle({ type: 'resetDefaultProvider', api: PHONE })).toEqual({ ok: true });
    expect(await consumer.frame((f) => f.kind === 'revoke')).toEqual({ kind: 'revoke', channel });
    expect(core.apiGrants()).toMatchObject([{ channel, ended: 'the default provider changed' }]);
  });
});
