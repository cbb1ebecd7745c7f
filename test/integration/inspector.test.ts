/**
 * The developer-mode message inspector with the real core and the PBX emulator (apps played by
 * the test as app-frame pages, test/support/core-apps.ts): what it records (redacted), when it
 * records (only while a panel is open, only with developer mode, which IT can lock off), the
 * direct path's copies (checked against their grant), and that a flood keeps it bounded.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it, vi } from 'vitest';
import type { ToAppFrame } from '../../main/core/bridge/app-frame.js';
import type { BridgeEvent } from '../../main/core/bridge/events.js';
import type { ClientCore } from '../../main/core/client/client.js';
import type { InspectorEntry, InspectorMessage } from '../../main/core/inspector/entries.js';
import { INSPECTOR_CAPACITY, INSPECTOR_MAX_UNITS } from '../../main/core/inspector/inspector.js';
import { consumerAndProvider, openView, setup, until } from '../support/core-apps.js';

const SEARCH = 'com.innovaphone.search';

/** Every entry the UI was sent in `inspector` events, and whether it was told the inspector stopped. */
function inspectorEvents(core: ClientCore) {
  const seen = { entries: [] as InspectorEntry[], batches: 0, biggest: 0, stopped: false };
  core.onEvent((e: BridgeEvent) => {
    if (e.type !== 'inspector') return;
    seen.batches++;
    seen.biggest = Math.max(seen.biggest, e.entries.length);
    seen.entries.push(...e.entries);
    if (e.stopped) seen.stopped = true;
  });
  return seen;
}

const messages = (entries: InspectorEntry[]) => entries.filter((e): e is InspectorMessage => e.kind === 'message');
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 5000 });

async function developerCore(policy?: object) {
  const w = await setup({ core: { policyPollMs: 0 }, ...(policy && { policy }) });
  if (!policy) expect(await w.core.handle({ type: 'updateSettings', patch: { developerMode: true } })).toMatchObject({ ok: true });
  return w;
}

describe('the message inspector', () => {
  it('open: a getLogin and its Login are recorded both ways, the Login redacted — its digest and key reach no entry', async () => {
    const { core } = await developerCore();
    const seen = inspectorEvents(core);
    expect(await core.handle({ type: 'inspectorOpen', panel: 'p1' })).toEqual({ ok: true, value: { entries: [] } });
    const app = await openView(core, 'consumer');
    app.post({ mt: 'getLogin', app: 'consumer', challenge: '4711' });
    const login = await app.next((m) => m.mt === 'Login');
    // The app itself got the secrets (positive control for what must not show).
    expect(typeof login.digest).toBe('string');
    expect(typeof login.key).toBe('string');
    await eventually(() => expect(messages(seen.entries).some((m) => m.mt === 'Login')).toBe(true));
    const get = messages(seen.entries).find((m) => m.mt === 'getLogin')!;
    expect(get).toMatchObject({ direction: 'app→client', app: { viewId: app.viewId, name: 'consumer' }, path: 'core', body: { mt: 'getLogin', app: 'consumer', challenge: '4711' } });
    const shown = messages(seen.entries).find((m) => m.mt === 'Login')!;
    expect(shown).toMatchObject({ direction: 'client→app', app: { name: 'consumer' }, body: { mt: 'Login', sip: 'alice', digest: '[redacted]', key: '[redacted]' } });
    expect(shown.seq).toBeGreaterThan(get.seq);
    expect(shown.size).toBe(JSON.stringify(login).length);
    const everything = JSON.stringify([seen.entries, (await core.handle({ type: 'inspectorOpen', panel: 'p1' })) as object]);
    expect(everything).not.toContain(login.digest as string);
    expect(everything).not.toContain(login.key as string);
  });

  it('closed: nothing is recorded (the app is still answered); opened again it records again', async () => {
    const { core } = await developerCore();
    const seen = inspectorEvents(core);
    const app = await openView(core, 'consumer');
    await core.handle({ type: 'inspectorOpen', panel: 'p1' });
    app.post({ mt: 'getLogin', app: 'consumer', challenge: 'while-open' });
    await eventually(() => expect(messages(seen.entries).some((m) => m.mt === 'Login')).toBe(true));
    expect(await core.handle({ type: 'inspectorClose', panel: 'p1' })).toEqual({ ok: true });
    const held = core.inspectorHeld();
    app.post({ mt: 'getLogin', app: 'consumer', challenge: 'while-closed' });
    app.post({ mt: 'SetMenuState', value: 'closed' });
    // Positive control: the core took both in (the Login came, the menu shows), none was recorded.
    await app.next((m) => m.mt === 'Login' && app.posted.filter((x) => x.mt === 'Login').length === 2);
    await until(core, (s) => s.runningApps.some((a) => a.name === 'consumer' && a.menu === 'closed'));
    expect(core.inspectorHeld()).toEqual(held);
    const reopened = (await core.handle({ type: 'inspectorOpen', panel: 'p1' })) as { ok: true; value: { entries: InspectorEntry[] } };
    expect(JSON.stringify(reopened.value.entries)).toContain('while-open');
    expect(JSON.stringify(reopened.value.entries)).not.toContain('while-closed');
    app.post({ mt: 'getLogin', app: 'consumer', challenge: 'reopened' });
    await eventually(() => expect(JSON.stringify(seen.entries)).toContain('reopened'));
    expect(JSON.stringify(seen.entries)).not.toContain('while-closed');
    expect(messages(seen.entries).some((m) => m.mt === 'SetMenuState')).toBe(false);
  });

  it('refused without developer mode, and when IT locks it off — with a clear reason; turning it off stops a panel', async () => {
    const { core } = await setup({ core: { policyPollMs: 0 } });
    expect(await core.handle({ type: 'inspectorOpen', panel: 'p1' })).toEqual({ ok: false, error: 'The message inspector needs developer mode: turn it on in Settings.' });
    expect(await core.handle({ type: 'updateSettings', patch: { developerMode: true } })).toMatchObject({ ok: true });
    const seen = inspectorEvents(core);
    expect(await core.handle({ type: 'inspectorOpen', panel: 'p1' })).toMatchObject({ ok: true });
    const app = await openView(core, 'consumer');
    await eventually(() => expect(seen.entries.length).toBeGreaterThan(0));
    // The user turns developer mode off: the panel is told, the core stops and forgets.
    expect(await core.handle({ type: 'updateSettings', patch: { developerMode: false } })).toMatchObject({ ok: true });
    await eventually(() => expect(seen.stopped).toBe(true));
    expect(core.inspectorHeld()).toEqual({ entries: 0, units: 0 });
    const before = seen.entries.length;
    app.post({ mt: 'getLogin', app: 'consumer', challenge: 'after' });
    await app.next((m) => m.mt === 'Login');
    expect(seen.entries.length).toBe(before);
    expect(core.inspectorHeld().entries).toBe(0);

    const locked = await developerCore({ enforced: { developerMode: false } });
    expect(await locked.core.handle({ type: 'inspectorOpen', panel: 'p1' })).toEqual({ ok: false, error: 'The message inspector is not available: your IT department has turned developer mode off.' });
    // The user cannot turn it on over IT's lock.
    expect(await locked.core.handle({ type: 'updateSettings', patch: { developerMode: true } })).toMatchObject({ ok: false });
    expect(await locked.core.handle({ type: 'inspectorOpen', panel: 'p1' })).toMatchObject({ ok: false });
  });

  it('Client API traffic between apps: through the core as app→app, and on the direct path from the pages’ copies, checked against their grant', async () => {
    const { core } = await developerCore();
    const seen = inspectorEvents(core);
    const { consumer, provider } = await consumerAndProvider(core, SEARCH);
    await core.handle({ type: 'inspectorOpen', panel: 'p1' });
    // Pages are told to report their direct messages.
    await provider.frame((f) => f.kind === 'inspect' && f.on);
    await consumer.frame((f) => f.kind === 'inspect' && f.on);
    consumer.post({ mt: 'ApiRequest', api: SEARCH, provider: 'search', src: 'r1', msg: { mt: 'Search', search: 'bob' } });
    await provider.next((m) => m.mt === 'ApiRequest');
    const grant = (await consumer.frame((f) => f.kind === 'grant')) as Extract<ToAppFrame, { kind: 'grant' }>;
    await eventually(() => expect(messages(seen.entries).filter((m) => m.api === SEARCH && m.mt === 'ApiRequest').map((m) => [m.direction, m.app.name, m.peer?.name, m.path])).toEqual([
      ['app→client', 'consumer', undefined, 'core'],
      ['app→app', 'consumer', 'search', 'core'],
    ]));

    // A copy that does not fit its grant is dropped: another API, another consumer name, a channel it does not have.
    const request = (fields: object) => JSON.stringify({ mt: 'ApiRequest', api: SEARCH, consumer: 'consumer', src: 'd1', msg: { mt: 'Search' }, ...fields });
    provider.link!.receive({ kind: 'inspected', channel: grant.channel, text: request({ api: 'com.example.other', src: 'forged-api' }) });
    provider.link!.receive({ kind: 'inspected', channel: grant.channel, text: request({ consumer: 'someone', src: 'forged-consumer' }) });
    provider.link!.receive({ kind: 'inspected', channel: 'abc123', text: request({ src: 'forged-channel' }) });
    consumer.link!.receive({ kind: 'inspected', channel: grant.channel, text: request({ src: 'forged-side' }) });
    // The good ones: the provider page delivered a request, the consumer page its result.
    provider.link!.receive({ kind: 'inspected', channel: grant.channel, text: request({ src: 'd1' }) });
    consumer.link!.receive({ kind: 'inspected', channel: grant.channel, text: JSON.stringify({ mt: 'ApiResult', api: SEARCH, provider: 'search', src: 'd1', msg: { mt: 'SearchResult' } }) });
    await eventually(() => expect(messages(seen.entries).filter((m) => m.path === 'direct').map((m) => [m.mt, m.src, m.app.name, m.peer?.name, m.direction])).toEqual([
      ['ApiRequest', 'd1', 'consumer', 'search', 'app→app'],
      ['ApiResult', 'd1', 'search', 'consumer', 'app→app'],
    ]));
    expect(JSON.stringify(seen.entries)).not.toMatch(/forged/);

    // Closed: the pages stop reporting, and a copy that still comes is not kept.
    await core.handle({ type: 'inspectorClose', panel: 'p1' });
    await provider.frame((f) => f.kind === 'inspect' && !f.on);
    const held = core.inspectorHeld();
    provider.link!.receive({ kind: 'inspected', channel: grant.channel, text: request({ src: 'late' }) });
    expect(core.inspectorHeld()).toEqual(held);
  });

  it('a flood of 100,000 messages: the buffer stays at its cap, batches to the UI too, and memory stays bounded', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { core } = await developerCore();
    const seen = inspectorEvents(core);
    const app = await openView(core, 'consumer');
    await core.handle({ type: 'inspectorOpen', panel: 'p1' });
    gc();
    const before = process.memoryUsage().heapUsed;
    const pad = 'x'.repeat(200);
    for (let n = 0; n < 100_000; n++) app.post({ mt: 'Flood', n, pad });
    // Positive control: the last one was recorded.
    await eventually(() => expect(messages(seen.entries).at(-1)?.body).toMatchObject({ n: 99_999 }));
    gc();
    const after = process.memoryUsage().heapUsed;
    expect(core.inspectorHeld().entries).toBe(INSPECTOR_CAPACITY);
    expect(core.inspectorHeld().units).toBeLessThanOrEqual(INSPECTOR_MAX_UNITS);
    expect(seen.biggest).toBeLessThanOrEqual(INSPECTOR_CAPACITY);
    // 5,000 entries of ~250 characters, parsed: a few MB. Unbounded, 100,000 would be ~100 MB.
    expect(after - before).toBeLessThan(30 * 1024 * 1024);
    seen.entries.length = 0;
  });
});
