/**
 * The direct Client API data path in the core (main/core/apps/api-grants.ts): when the core
 * grants a (consumer, provider, API) channel, when it does not, and every trigger that revokes
 * one. The pages' half runs in real Chromium (test/e2e/api-direct.spec.ts); the Electron
 * shell's ports in test/integration/electron-wiring.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ApiChannelChange } from '../../main/core/bridge/api-direct.js';
import type { ToAppFrame } from '../../main/core/bridge/app-frame.js';
import type { ClientCore } from '../../main/core/client/client.js';
import { appsConfig, consumerAndProvider, openView, setup, until, viewOf, type FakeView } from '../support/core-apps.js';

const SEARCH = 'com.innovaphone.search';

type Grant = Extract<ToAppFrame, { kind: 'grant' }>;
const grants = (v: FakeView) => v.frames.filter((f): f is Grant => f.kind === 'grant');
const revokes = (v: FakeView) => v.frames.filter((f) => f.kind === 'revoke');

function channelEvents(core: ClientCore): ApiChannelChange[] {
  const seen: ApiChannelChange[] = [];
  core.onEvent((e) => {
    if (e.type === 'apiChannel') seen.push(e.change);
  });
  return seen;
}

const pair = (core: ClientCore) => consumerAndProvider(core, SEARCH);

/** One request through the core, delivered: the pair is granted its channel. */
async function granted(core: ClientCore) {
  const events = channelEvents(core);
  const { consumer, provider } = await pair(core);
  consumer.post({ mt: 'ApiRequest', api: SEARCH, provider: 'search', src: 'r1', msg: { mt: 'Search' } });
  await provider.next((m) => m.mt === 'ApiRequest');
  const channel = (await consumer.frame((f) => f.kind === 'grant')) as Grant;
  return { consumer, provider, channel: channel.channel, events };
}

/**
 * Resolves once `check` passes: for what reaches the shell as UI events, which the core sends
 * coalesced, a frame later than it acts (common/coalesce.ts). Frames to the pages go out at once.
 */
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 3000 });

describe('direct Client API channels: granting', () => {
  it('granted after the first delivery, once per pair: both pages told who they are, the shell told which views', async () => {
    const { core } = await setup();
    const events = channelEvents(core);
    const { consumer, provider } = await pair(core);
    expect(grants(consumer)).toEqual([]);
    consumer.post({ mt: 'ApiRequest', api: SEARCH, provider: 'search', src: 'r1', msg: { mt: 'Search', search: 'bob' } });
    // Delivered through the core first, exactly as always.
    expect(await provider.next((m) => m.mt === 'ApiRequest')).toEqual({ mt: 'ApiRequest', api: SEARCH, consumer: 'consumer', src: 'r1', msg: { mt: 'Search', search: 'bob' } });
    const c = (await consumer.frame((f) => f.kind === 'grant')) as Grant;
    const p = (await provider.frame((f) => f.kind === 'grant')) as Grant;
    expect(c).toEqual({ kind: 'grant', channel: c.channel, api: SEARCH, role: 'consumer', peer: 'search', self: 'consumer', defaultProvider: true });
    expect(p).toEqual({ kind: 'grant', channel: c.channel, api: SEARCH, role: 'provider', peer: 'consumer' });
    // The grant follows the request in the provider's stream: nothing granted overtakes it.
    const kinds = provider.frames.map((f) => (f.kind === 'post' ? (JSON.parse(f.text) as { mt: string }).mt : f.kind));
    expect(kinds.indexOf('grant')).toBeGreaterThan(kinds.indexOf('ApiRequest'));
    await eventually(() => expect(events).toEqual([{ kind: 'open', channel: c.channel, consumerView: consumer.viewId, providerView: provider.viewId }]));
    consumer.post({ mt: 'ApiRequest', api: SEARCH, src: 'r2', msg: {} });
    await provider.next((m) => m.src === 'r2');
    expect(grants(consumer)).toHaveLength(1);
    expect(grants(provider)).toHaveLength(1);
    expect(core.apiGrants()).toMatchObject([{ channel: c.channel, api: SEARCH, consumer: 'consumer', provider: 'search' }]);
  });

  it('no grant for "*", for built-in APIs, for unknown apps, for requests that waited, nor for the client itself', async () => {
    const { core } = await setup();
    const events = channelEvents(core);
    const { consumer, provider } = await pair(core);
    consumer.post({ mt: 'ApiRequest', api: SEARCH, provider: '*', src: 'star', msg: {} });
    await provider.next((m) => m.src === 'star');
    consumer.post({ mt: 'ApiRequest', api: 'com.innovaphone.client', src: 'builtin', msg: { mt: 'Nothing' } });
    consumer.post({ mt: 'ApiRequest', api: SEARCH, provider: 'nosuch', src: 'unknown', msg: {} });
    await consumer.next((m) => m.mt === 'ApiResult' && m.src === 'unknown');
    // A provider started for the request: it waited for RegisterApi.
    consumer.post({ mt: 'ApiRequest', api: 'com.example.lazy', provider: 'lazy', src: 'waited', msg: {} });
    await until(core, (s) => s.runningApps.some((a) => a.name === 'lazy'));
    const lazy = viewOf(core, 'lazy');
    lazy.post({ mt: 'Alive' });
    lazy.post({ mt: 'RegisterApi', api: 'com.example.lazy' });
    await lazy.next((m) => m.src === 'waited');
    // Positive control, before the assertions: the same consumer naming the provider is granted at
    // once. Its grant follows its request in the provider's stream, and its `open` event reaches
    // the shell after any the requests above caused (nothing pushed earlier goes out later).
    consumer.post({ mt: 'ApiRequest', api: SEARCH, provider: 'search', src: 'named', msg: {} });
    const named = (await consumer.frame((f) => f.kind === 'grant')) as Grant;
    const open = { kind: 'open', channel: named.channel, consumerView: consumer.viewId, providerView: provider.viewId };
    await eventually(() => expect(events).toContainEqual(open));
    // The one grant is the named request's: the pair had none before it (a grant is once per pair).
    const posts = provider.frames.map((f) => (f.kind === 'post' ? (JSON.parse(f.text) as { src?: string }).src : f.kind));
    expect(posts.indexOf('grant')).toBeGreaterThan(posts.indexOf('named'));
    expect([...grants(consumer), ...grants(provider), ...grants(lazy)].map((g) => g.channel)).toEqual([named.channel, named.channel]);
    expect(events).toEqual([open]);
    expect(core.apiGrants().map((g) => g.channel)).toEqual([named.channel]);
  });
});

describe('direct Client API channels: order and traffic', () => {
  it('a handover goes to the peer page in order; only the two ends of a channel may hand over or report traffic', async () => {
    const { core } = await setup();
    const { consumer, provider, channel } = await granted(core);
    consumer.link!.receive({ kind: 'handover', channel });
    await provider.frame((f) => f.kind === 'handover');
    expect(provider.frames.at(-1)).toEqual({ kind: 'handover', channel });
    const third = await openView(core, 'contacts');
    third.link!.receive({ kind: 'handover', channel });
    third.link!.receive({ kind: 'traffic', channel, sent: 1000, received: 0 });
    consumer.link!.receive({ kind: 'traffic', channel, sent: 3, received: 2 });
    provider.link!.receive({ kind: 'traffic', channel, sent: 2, received: 3 });
    // Positive control: the provider's own handover reaches the consumer, after the third app's would have.
    provider.link!.receive({ kind: 'handover', channel });
    await consumer.frame((f) => f.kind === 'handover');
    expect(consumer.frames.filter((f) => f.kind === 'handover')).toEqual([{ kind: 'handover', channel }]);
    expect(core.apiGrants()).toMatchObject([{ channel, requests: 3, results: 2 }]);
  });
});

describe('direct Client API channels: revoked', () => {
  const revokedOn = async (trigger: (ctx: { core: ClientCore; consumer: FakeView; provider: FakeView; pbx: Awaited<ReturnType<typeof setup>>['pbx'] }) => Promise<unknown>, sides: ('consumer' | 'provider')[]) => {
    const { core, pbx } = await setup();
    const { consumer, provider, channel, events } = await granted(core);
    await trigger({ core, consumer, provider, pbx });
    for (const side of sides) expect(revokes(side === 'consumer' ? consumer : provider), side).toEqual([{ kind: 'revoke', channel }]);
    await eventually(() => expect(events.filter((e) => e.kind === 'close')).toEqual([{ kind: 'close', channel, consumerView: consumer.viewId, providerView: provider.viewId }]));
    expect(core.apiGrants()).toMatchObject([{ channel, ended: expect.any(String) }]);
    return { core, consumer, provider };
  };

  it('the consumer closes: the provider hears revoke, then ApiConsumerClosed through the core, as ever', async () => {
    const { provider } = await revokedOn(({ core, consumer }) => core.handle({ type: 'closeApp', viewId: consumer.viewId }), ['provider']);
    expect(await provider.next((m) => m.mt === 'ApiConsumerClosed')).toEqual({ mt: 'ApiConsumerClosed', api: SEARCH, consumer: 'consumer' });
  });

  it('the provider closes', async () => {
    await revokedOn(({ core, provider }) => core.handle({ type: 'closeApp', viewId: provider.viewId }), ['consumer']);
  });

  it('either app reloads', async () => {
    await revokedOn(({ core, provider }) => core.handle({ type: 'reloadApp', viewId: provider.viewId }), ['consumer', 'provider']);
    await revokedOn(async ({ consumer }) => consumer.post({ mt: 'PrepareReloadComplete' }), ['consumer', 'provider']);
  });

  it('a page goes away (its view detaches)', async () => {
    await revokedOn(async ({ provider }) => provider.link!.detach(), ['consumer']);
  });

  it('the PBX no longer lists the provider', async () => {
    await revokedOn(async ({ pbx, core }) => {
      pbx.setUserApps('alice', pbx.config.users[0]!.apps.filter((a) => a !== 'search'));
      await until(core, (s) => !s.runningApps.some((a) => a.name === 'search'));
    }, ['consumer']);
  });

  it('the default provider of the API changes (for a grant that relied on it); a grant for a named provider stays', async () => {
    const config = appsConfig();
    config.appObjects.unshift({ name: 'search2', title: 'Search 2', password: 's2', url: 'http://127.0.0.1:9/apps/search2/search2', hidden: true, apis: { [SEARCH]: {} } } as never);
    const { core, pbx } = await setup({ config });
    const { consumer, provider, channel, events } = await granted(core);
    expect(grants(consumer)[0]).toMatchObject({ defaultProvider: true });
    // The PBX now lists another provider of the API: two and no default, a request without `provider` would ask the user.
    pbx.setUserApps('alice', ['search2', ...config.users[0]!.apps]);
    await until(core, (s) => s.apps?.tiles !== undefined);
    await consumer.frame((f) => f.kind === 'revoke');
    expect(revokes(provider)).toEqual([{ kind: 'revoke', channel }]);
    await eventually(() => expect(events.filter((e) => e.kind === 'close')).toHaveLength(1));
    expect(core.apiGrants()).toMatchObject([{ channel, ended: 'the default provider changed' }]);
    // Granted again, now as a named provider only: it survives the next change of the list.
    consumer.post({ mt: 'ApiRequest', api: SEARCH, provider: 'search', src: 'named', msg: {} });
    const again = (await consumer.frame((f) => f.kind === 'grant' && f.channel !== channel)) as Grant;
    expect(again).toMatchObject({ defaultProvider: false });
    const seen = new Set(consumer.frames);
    pbx.setUserApps('alice', config.users[0]!.apps);
    // Positive control: the consumer hears that `search` is the default again (ApiUpdate), sent
    // while the core takes the new list in, as a revoke for it would be.
    await consumer.frame((f) => !seen.has(f) && f.kind === 'post' && (JSON.parse(f.text) as { mt: string; defaultApiProviders?: Record<string, string> }).defaultApiProviders?.[SEARCH] === 'search');
    expect(revokes(consumer)).toHaveLength(1);
  });

  it('the user logs out', async () => {
    await revokedOn(({ core }) => core.handle({ type: 'logout' }), []);
  });

  it('after a revoke the pair goes through the core, and a later delivery grants a new channel', async () => {
    const { core } = await setup();
    const { consumer, provider, channel } = await granted(core);
    provider.link!.detach();
    const again = viewOf(core, 'search');
    consumer.post({ mt: 'ApiRequest', api: SEARCH, provider: 'search', src: 'after', msg: {} });
    expect(await again.next((m) => m.src === 'after')).toMatchObject({ consumer: 'consumer' });
    const next = grants(consumer).at(-1)!;
    expect(next.channel).not.toBe(channel);
    expect(revokes(consumer)).toEqual([{ kind: 'revoke', channel }]);
  });
});
