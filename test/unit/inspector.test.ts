/**
 * The inspector's core half on its own (main/core/inspector): the ring buffer keeps its bounds,
 * entries are redacted when they are made, nothing is kept while no panel is open, and entries
 * reach the UI in batches. With the real core and the emulator: test/integration/inspector.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import type { InspectorEntry, InspectorMessage } from '../../main/core/inspector/entries.js';
import { Inspector, readBody } from '../../main/core/inspector/inspector.js';
import { RingBuffer } from '../../main/core/inspector/ring-buffer.js';

const app = { viewId: 'v1', name: 'myapp' };
const peer = { viewId: 'v2', name: 'other' };

function inspector(options: { capacity?: number; maxUnits?: number; refusal?: string } = {}) {
  const batches: InspectorEntry[][] = [];
  const recording: boolean[] = [];
  const i = new Inspector({
    refusal: () => options.refusal,
    recording: (on) => recording.push(on),
    publish: (entries) => batches.push(entries),
    now: () => 1000,
    ...(options.capacity !== undefined && { capacity: options.capacity }),
    ...(options.maxUnits !== undefined && { maxUnits: options.maxUnits }),
  });
  return { i, batches, recording };
}

describe('RingBuffer', () => {
  it('keeps at most `capacity` items, the newest, oldest first', () => {
    const b = new RingBuffer<number>(3, 1000, () => 1);
    for (let n = 1; n <= 10; n++) b.push(n);
    expect(b.length).toBe(3);
    expect(b.toArray()).toEqual([8, 9, 10]);
    expect(b.size).toBe(3);
  });

  it('keeps at most `maxUnits` of summed size: the oldest go until the new one fits; one bigger than the cap is not kept', () => {
    const b = new RingBuffer<string>(100, 10, (s) => s.length);
    b.push('aaaa');
    b.push('bbbb');
    b.push('cccc'); // 12 > 10: 'aaaa' goes.
    expect(b.toArray()).toEqual(['bbbb', 'cccc']);
    expect(b.size).toBe(8);
    expect(b.push('x'.repeat(11))).toBe(false);
    expect(b.toArray()).toEqual(['bbbb', 'cccc']);
    b.push('dddddddddd'); // exactly the cap: everything else goes.
    expect(b.toArray()).toEqual(['dddddddddd']);
    b.clear();
    expect([b.length, b.size, b.toArray()]).toEqual([0, 0, []]);
  });

  it('a long flood wraps around many times and stays at its caps', () => {
    const b = new RingBuffer<number>(7, 1_000_000, () => 3);
    for (let n = 0; n < 100_000; n++) b.push(n);
    expect(b.toArray()).toEqual([99_993, 99_994, 99_995, 99_996, 99_997, 99_998, 99_999]);
    expect(b.size).toBe(21);
  });
});

describe('Inspector', () => {
  const login = JSON.stringify({ mt: 'Login', app: 'myapp', domain: 'example.com', sip: 'alice', info: { appobj: 'myapp' }, digest: 'd1g35t-SECRET', key: 'k3y-SECRET', salt: 's4lt-SECRET' });

  it('a Login is kept redacted: digest and key never in an entry, nor in what goes to the UI', async () => {
    const { i, batches } = inspector();
    expect(i.open('p1')).toMatchObject({ ok: true, entries: [] });
    i.toApp(app, login);
    const [entry] = i.entries() as InspectorMessage[];
    expect(entry).toMatchObject({ kind: 'message', seq: 1, time: 1000, direction: 'client→app', app, path: 'core', mt: 'Login', size: login.length });
    expect(entry!.body).toEqual({ mt: 'Login', app: 'myapp', domain: 'example.com', sip: 'alice', info: { appobj: 'myapp' }, digest: '[redacted]', key: '[redacted]', salt: '[redacted]' });
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    expect(JSON.stringify([i.entries(), batches])).not.toMatch(/SECRET/);
  });

  it('secrets are redacted at any depth a message can have (deeper than a log line goes)', () => {
    let nested: object = { pwd: 'deep-SECRET', keep: 'visible' };
    for (let d = 0; d < 20; d++) nested = { level: nested };
    const text = JSON.stringify({ mt: 'ApiRequest', api: 'com.example', src: 7, msg: nested });
    const body = readBody(text);
    expect(JSON.stringify(body)).not.toMatch(/SECRET/);
    expect(JSON.stringify(body)).toMatch(/visible/);
    // Not JSON: the text as it was; nested past any valid message: not parsed at all.
    expect(readBody('hello')).toBe('hello');
    expect(readBody('['.repeat(100))).toBe('[not shown: nested too deeply]');
  });

  it('fields for the filters: mt, api, src (a number as text); app→app with its peer', () => {
    const { i } = inspector();
    i.open('p1');
    i.fromApp(app, JSON.stringify({ mt: 'ApiRequest', api: 'com.example', src: 7, msg: {} }));
    i.toApp(peer, JSON.stringify({ mt: 'ApiRequest', api: 'com.example', consumer: 'myapp', src: '7', msg: {} }), app);
    i.direct(peer, app, JSON.stringify({ mt: 'ApiResult', api: 'com.example', provider: 'other', src: '7', msg: {} }));
    i.fromApp(app, 'not json');
    expect(i.entries().map((e) => e.kind === 'message' && [e.direction, e.app.name, e.peer?.name, e.path, e.mt, e.api, e.src])).toEqual([
      ['app→client', 'myapp', undefined, 'core', 'ApiRequest', 'com.example', '7'],
      ['app→app', 'myapp', 'other', 'core', 'ApiRequest', 'com.example', '7'],
      ['app→app', 'other', 'myapp', 'direct', 'ApiResult', 'com.example', '7'],
      ['app→client', 'myapp', undefined, 'core', '', undefined, undefined],
    ]);
  });

  it('nothing is kept while no panel is open; the last panel closing stops recording; opening twice counts once', () => {
    const { i, recording } = inspector();
    i.fromApp(app, login);
    expect(i.record({ kind: 'console', time: 1, app, level: 'log', text: 'hi' })).toBeUndefined();
    expect(i.entries()).toEqual([]);
    i.open('a');
    i.open('a');
    i.open('b');
    expect(recording).toEqual([true]);
    i.close('a');
    expect(i.recording).toBe(true);
    i.record({ kind: 'console', time: 1, app, level: 'warn', text: 'kept' });
    i.close('b');
    expect(recording).toEqual([true, false]);
    i.fromApp(app, login);
    // What was kept stays for the next panel; nothing was added while closed.
    expect(i.entries().map((e) => e.kind === 'console' && e.text)).toEqual(['kept']);
  });

  it('refused with the reason when it may not record', () => {
    const { i, recording } = inspector({ refusal: 'The message inspector needs developer mode: turn it on in Settings.' });
    expect(i.open('p1')).toEqual({ ok: false, error: 'The message inspector needs developer mode: turn it on in Settings.' });
    expect(recording).toEqual([]);
  });

  it('entries go to the UI in batches, never more waiting than the buffer keeps', async () => {
    const { i, batches } = inspector({ capacity: 50 });
    i.open('p1');
    for (let n = 0; n < 1000; n++) i.fromApp(app, JSON.stringify({ mt: 'Flood', n }));
    await vi.waitFor(() => expect(batches.length).toBeGreaterThan(0));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, k) => 951 + k));
    expect(i.held.entries).toBe(50);
  });
});
