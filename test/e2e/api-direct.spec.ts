/**
 * The direct Client API data path in the browser shell, in real Chromium with the real core
 * (main/core/apps/api-grants.ts, renderer/src/appframe/api-direct.ts, renderer/src/apiPorts.ts):
 * two probe apps (probe-apps.ts) — `probe` consumes com.innovaphone.search, the hidden
 * `search` provider answers every ApiRequest with an ApiResult — and the app-frame sockets
 * watched from the browser side, so the test sees which messages still go through the core.
 */
import type { Frame, Page, WebSocket } from '@playwright/test';
import { allApps, expect, logIn, test, type World } from './fixtures.js';
import { AppServer, answerEveryRequest, appsConfig, probeFrame } from './probe-apps.js';

const API = 'com.innovaphone.search';

let apps: AppServer;
test.beforeEach(async () => {
  apps = await AppServer.start();
});
test.afterEach(async () => {
  await apps.close();
});

/** Every frame each app-frame page sent to the core, by view id. */
function watchSockets(page: Page): Map<string, string[]> {
  const sent = new Map<string, string[]>();
  page.on('websocket', (ws: WebSocket) => {
    const url = new URL(ws.url());
    if (!url.pathname.endsWith('/app-bridge')) return;
    const view = url.searchParams.get('view') ?? '';
    ws.on('framesent', (f) => {
      const list = sent.get(view) ?? [];
      list.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8'));
      sent.set(view, list);
    });
  });
  return sent;
}

const appFrame = probeFrame;

type Probe = { send(m: unknown): void; received: Record<string, unknown>[] };

/** Log in, open Probe, consume the API: the hidden provider starts, registers and answers every request. */
async function start(page: Page, world: World) {
  const sockets = watchSockets(page);
  await world.start({ config: appsConfig(apps.base) });
  await world.open();
  await logIn(page, world);
  await allApps(page).getByRole('button', { name: 'Probe', exact: true }).click();
  const consumer = await appFrame(page, 'probe');
  await consumer.evaluate((api) => (window as unknown as Probe).send({ mt: 'ConsumeApi', api }), API);
  const provider = await appFrame(page, 'search');
  await answerEveryRequest(provider);
  await expect.poll(() => world.core.snapshot().runningApps.find((a) => a.name === 'search')?.state).toBe('alive');
  const view = (name: string) => world.core.snapshot().runningApps.find((a) => a.name === name)!.viewId;
  return { sockets, consumer, provider, view };
}

const received = (f: Frame, mt: string) => f.evaluate((m) => (window as unknown as Probe).received.filter((r) => r.mt === m), mt);
const request = (f: Frame, msg: object) => f.evaluate((m) => (window as unknown as Probe).send(m), { mt: 'ApiRequest', api: API, ...msg });
/** Messages of a page's socket (each the frames of one tick: app-frame.ts) that contain `text`. */
const viaCore = (sockets: Map<string, string[]>, view: string, text: string) => (sockets.get(view) ?? []).filter((f) => f.includes(text)).length;

test('round trips go direct once granted: right names both ways, nothing through the core, and the core counts them', async ({ page, world }) => {
  const { sockets, consumer, provider, view } = await start(page, world);
  // "*" is never granted: delivered through the core, and still no channel.
  await request(consumer, { provider: '*', src: 'star', msg: { n: -1 } });
  // Positive control, before the assertion: the core grants as it delivers a request, so a grant
  // for "*" would be in place before the provider even saw it — and its answer, through the
  // core, is back at the consumer.
  await expect.poll(async () => (await received(consumer, 'ApiResult')).length).toBe(1);
  expect(world.core.apiGrants()).toEqual([]);
  // A second control that the pair can be granted at all (after the assertion: a grant is once per
  // pair): the first request naming the provider goes through the core, and is granted.
  await request(consumer, { provider: 'search', src: 'r0', msg: { n: 0 } });
  await expect.poll(() => viaCore(sockets, view('probe'), '"src":"r0"')).toBe(1);
  await expect.poll(() => viaCore(sockets, view('probe'), '"handover"')).toBe(1);
  await expect.poll(() => viaCore(sockets, view('search'), '"handover"')).toBe(1);
  const consumerFrames = sockets.get(view('probe'))!.length;
  const providerFrames = sockets.get(view('search'))!.length;
  // A consumer app forging `consumer` is stamped with its own name; one leaving `provider` out reaches the default.
  await request(consumer, { provider: 'search', consumer: 'evil', src: 'forged', msg: {} });
  await request(consumer, { src: 'default', msg: {} });
  for (let n = 1; n <= 20; n++) await request(consumer, { provider: 'search', src: `d${n}`, msg: { n } });
  await expect.poll(async () => (await received(consumer, 'ApiResult')).length).toBe(24);
  const requests = await received(provider, 'ApiRequest');
  expect(requests.slice(1).map((r) => r.src)).toEqual(['r0', 'forged', 'default', ...Array.from({ length: 20 }, (_, i) => `d${i + 1}`)]);
  for (const r of requests) expect(r).toMatchObject({ mt: 'ApiRequest', api: API, consumer: 'probe' });
  expect(requests.find((r) => r.src === 'd7')).toEqual({ mt: 'ApiRequest', api: API, consumer: 'probe', src: 'd7', msg: { n: 7 } });
  const results = await received(consumer, 'ApiResult');
  for (const r of results) expect(r).toMatchObject({ mt: 'ApiResult', api: API, provider: 'search' });
  expect(results.at(-1)).toEqual({ mt: 'ApiResult', api: API, provider: 'search', src: 'd20', msg: { echo: { n: 20 } } });
  // None of them went through the core's sockets.
  expect(sockets.get(view('probe'))!.slice(consumerFrames).filter((f) => f.includes('ApiRequest'))).toEqual([]);
  expect(sockets.get(view('search'))!.slice(providerFrames).filter((f) => f.includes('ApiResult'))).toEqual([]);
  // A request for another provider is not the granted pair's: through the core, answered by the core.
  await request(consumer, { provider: 'other', src: 'elsewhere', msg: {} });
  await expect.poll(() => viaCore(sockets, view('probe'), 'elsewhere')).toBe(1);
  // The core hears the traffic when the channel ends (here: the consumer closes).
  await page.getByRole('navigation', { name: 'Running apps' }).getByRole('button', { name: 'Close Probe' }).click();
  await expect.poll(() => world.core.apiGrants()[0]?.ended).toBe('closed');
  // The provider's page reported the results it sent direct (22, or 23 when r0's result already could).
  await expect.poll(() => world.core.apiGrants()[0]?.results).toBeGreaterThanOrEqual(22);
});

test('order is kept across the switch: a stream of requests, some through the core, the rest direct, arrives in order', async ({ page, world }) => {
  const { sockets, consumer, provider, view } = await start(page, world);
  const count = 400;
  // One request every few milliseconds, starting before the pair is granted anything.
  await consumer.evaluate(
    ([api, n]) =>
      new Promise<void>((done) => {
        let i = 0;
        const tick = () => {
          for (let k = 0; k < 4 && i < n; k++, i++) (window as unknown as Probe).send({ mt: 'ApiRequest', api, provider: 'search', src: `s${i}`, msg: { i } });
          if (i < n) setTimeout(tick, 1);
          else done();
        };
        tick();
      }),
    [API, count] as const,
  );
  await expect.poll(async () => (await received(provider, 'ApiRequest')).length, { timeout: 15_000 }).toBe(count);
  const srcs = (await received(provider, 'ApiRequest')).map((r) => r.src);
  expect(srcs).toEqual(Array.from({ length: count }, (_, i) => `s${i}`));
  await expect.poll(async () => (await received(consumer, 'ApiResult')).map((r) => r.src)).toEqual(srcs);
  // Both paths were used: the test would not see a broken switch otherwise.
  const throughCore = viaCore(sockets, view('probe'), 'ApiRequest');
  expect(throughCore).toBeGreaterThan(0);
  expect(throughCore).toBeLessThan(count);
});

test('revoked when the provider closes: the consumer falls back to the core, which starts the provider again', async ({ page, world }) => {
  const { sockets, consumer, view } = await start(page, world);
  await request(consumer, { provider: 'search', src: 'first', msg: {} });
  await expect.poll(() => viaCore(sockets, view('search'), '"handover"')).toBe(1);
  await expect.poll(() => viaCore(sockets, view('probe'), '"handover"')).toBe(1);
  await request(consumer, { provider: 'search', src: 'direct', msg: {} });
  await expect.poll(async () => (await received(consumer, 'ApiResult')).length).toBe(2);
  expect(viaCore(sockets, view('probe'), '"src":"direct"')).toBe(0);
  const oldProvider = view('search');
  await world.core.handle({ type: 'closeApp', viewId: oldProvider });
  await expect.poll(() => world.core.apiGrants()[0]?.ended).toBe('closed');
  await request(consumer, { provider: 'search', src: 'after', msg: {} });
  await expect.poll(() => viaCore(sockets, view('probe'), '"src":"after"')).toBe(1);
  await expect.poll(() => world.core.snapshot().runningApps.find((a) => a.name === 'search' && a.viewId !== oldProvider)?.state).toBe('alive');
  // The new provider page answers too (it is a fresh probe: answer by hand).
  const again = await appFrame(page, 'search');
  await expect.poll(async () => (await received(again, 'ApiRequest')).map((r) => r.src)).toEqual(['after']);
  await again.evaluate((api) => (window as unknown as Probe).send({ mt: 'ApiResult', api, consumer: 'probe', src: 'after', msg: 'ok' }), API);
  await expect.poll(async () => (await received(consumer, 'ApiResult')).at(-1)).toEqual({ mt: 'ApiResult', api: API, provider: 'search', src: 'after', msg: 'ok' });
});
