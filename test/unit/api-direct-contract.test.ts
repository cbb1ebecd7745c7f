/**
 * The pure parts of the direct Client API data path and of the app-frame wire format
 * (main/core/bridge/api-direct.ts, app-frame.ts), plus the two shell-side relays of ports
 * (preload/app-frame-api.ts `relayApiPorts`, main/electron/api-ports.ts), without a browser.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiRequestText, apiResultText, parseApiPortNotice, readAppApiMessage } from '../../main/core/bridge/api-direct.js';
import { batchAppFrames, encodeFromAppFrame, parseAppFrame, parseToAppFrame, splitAppFrames } from '../../main/core/bridge/app-frame.js';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import { parseAppMessage, toApp } from '../../main/core/apps/app-messages.js';
import { electronApiPorts } from '../../main/electron/api-ports.js';
import { relayApiPorts } from '../../preload/app-frame-api.js';

const channel = '0123456789abcdef01234567';

describe('frames of the direct path', () => {
  it('grant, revoke and handover down; handover and traffic up — only with a valid channel and counts', () => {
    expect(parseToAppFrame(JSON.stringify({ kind: 'grant', channel, api: 'a', role: 'consumer', peer: 'p', self: 'c', defaultProvider: true, extra: 1 }))).toEqual({ kind: 'grant', channel, api: 'a', role: 'consumer', peer: 'p', self: 'c', defaultProvider: true });
    expect(parseToAppFrame(JSON.stringify({ kind: 'grant', channel, api: 'a', role: 'provider', peer: 'c', self: 'x' }))).toEqual({ kind: 'grant', channel, api: 'a', role: 'provider', peer: 'c' });
    expect(parseToAppFrame(JSON.stringify({ kind: 'grant', channel, api: 'a', role: 'consumer', peer: 'p' }))).toBeUndefined();
    expect(parseToAppFrame(JSON.stringify({ kind: 'grant', channel: 'NOT valid', api: 'a', role: 'provider', peer: 'c' }))).toBeUndefined();
    expect(parseToAppFrame(JSON.stringify({ kind: 'revoke', channel }))).toEqual({ kind: 'revoke', channel });
    expect(parseToAppFrame(JSON.stringify({ kind: 'handover', channel: '__proto__' }))).toBeUndefined();
    expect(parseAppFrame(JSON.stringify({ kind: 'handover', channel, x: 1 }))).toEqual({ ok: true, frame: { kind: 'handover', channel } });
    expect(parseAppFrame(JSON.stringify({ kind: 'traffic', channel, sent: 3, received: 0 }))).toEqual({ ok: true, frame: { kind: 'traffic', channel, sent: 3, received: 0 } });
    for (const bad of [-1, 1.5, '3', Number.MAX_SAFE_INTEGER + 2]) expect(parseAppFrame(JSON.stringify({ kind: 'traffic', channel, sent: bad, received: 0 }))).toEqual({ ok: false, error: 'traffic counts are not counts' });
  });

  it('the shell’s port notice: open or close, a valid channel, nothing else', () => {
    expect(parseApiPortNotice({ myappsApiPort: 'open', channel, more: 1 })).toEqual({ myappsApiPort: 'open', channel });
    for (const bad of [null, 'x', { myappsApiPort: 'opened', channel }, { myappsApiPort: 'open', channel: 'A B' }, { myappsApiPort: 'close' }]) expect(parseApiPortNotice(bad)).toBeUndefined();
  });
});

describe('the wire format, page → core', () => {
  it('a message frame is `m` + the app’s text as it is; other kinds JSON; a tick’s frames batched with their lengths', () => {
    expect(encodeFromAppFrame({ kind: 'message', text: '{"mt":"Alive"}' })).toBe('m{"mt":"Alive"}');
    expect(encodeFromAppFrame({ kind: 'loaded' })).toBe('{"kind":"loaded"}');
    expect(parseAppFrame('m{"mt":"Alive"}')).toEqual({ ok: true, frame: { kind: 'message', text: '{"mt":"Alive"}' } });
    expect(parseAppFrame(`m${'x'.repeat(1024 * 1024 + 1)}`)).toEqual({ ok: false, error: 'message text over 1 MiB' });
    expect(batchAppFrames(['m1'])).toBe('m1');
    expect(batchAppFrames(['m1', '{"kind":"loaded"}'])).toBe('2:m117:{"kind":"loaded"}');
    for (const bad of ['0:', '1:', '01:m', '2:m', '1:m1', '1:mx', '99999999:m']) expect(splitAppFrames(bad).ok, bad).toBe(false);
    expect(splitAppFrames(5)).toEqual({ ok: false, error: 'frame is not a string' });
  });

  it('any frames survive a batch unchanged, surrogates and colons included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.string()).map((t) => `m${t}`), { minLength: 1, maxLength: 8 }), (frames) => {
        expect(splitAppFrames(batchAppFrames(frames))).toEqual({ ok: true, frames });
      }),
    );
  });
});

describe('what the page sends direct, and what it posts', () => {
  const request = (fields: Record<string, unknown>) => JSON.stringify({ mt: 'ApiRequest', api: 'a', ...fields });

  it('reads an ApiRequest / ApiResult exactly when the core’s parser accepts it, with the same src', () => {
    const text = fc.oneof(
      fc.record({ mt: fc.constantFrom('ApiRequest', 'ApiResult', 'Alive'), api: fc.oneof(fc.string(), fc.integer()), provider: fc.option(fc.oneof(fc.string(), fc.integer()), { nil: undefined }), consumer: fc.option(fc.oneof(fc.string(), fc.constant(null)), { nil: undefined }), src: fc.option(fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean()), { nil: undefined }), title: fc.option(fc.oneof(fc.string(), fc.integer()), { nil: undefined }), msg: fc.option(fc.jsonValue(), { nil: undefined }) }).map((r) => JSON.stringify(r)),
      fc.string().map((s) => `{"mt":"ApiRequest"${s}`),
    );
    fc.assert(
      fc.property(text, (t) => {
        const core = parseAppMessage(t);
        const page = readAppApiMessage(t);
        const coreTakes = core.ok && (core.msg.mt === 'ApiRequest' || core.msg.mt === 'ApiResult');
        expect(page !== undefined, t).toBe(coreTakes);
        if (page && core.ok && (core.msg.mt === 'ApiRequest' || core.msg.mt === 'ApiResult')) {
          expect(page.src).toBe(core.msg.src);
          expect(page.api).toBe(core.msg.api);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('posts to the apps exactly the strings the broker builds', () => {
    expect(apiRequestText('a', 'c', 's', { x: [1] })).toBe(toApp({ mt: 'ApiRequest', api: 'a', consumer: 'c', src: 's', msg: { x: [1] } }));
    expect(apiResultText('a', 'p', undefined, undefined)).toBe(toApp({ mt: 'ApiResult', api: 'a', provider: 'p', src: undefined, msg: undefined }));
    expect(readAppApiMessage(request({ provider: 'p', src: 7, consumer: 'forged' }))).toEqual({ mt: 'ApiRequest', api: 'a', provider: 'p', src: '7', msg: undefined });
  });
});

describe('the shells hand the ports on', () => {
  it('preload: a well-formed notice with its one port goes to the page; anything else does not', () => {
    const handlers: ((event: unknown, data: unknown) => void)[] = [];
    const posted: unknown[][] = [];
    relayApiPorts({ on: (ch: string, h: never) => (ch === ipcChannels.appFramePort && handlers.push(h), undefined as never) } as never, (notice, ports) => posted.push([notice, ports.length]));
    const port = {} as MessagePort;
    handlers[0]!({ ports: [port, port] }, { myappsApiPort: 'open', channel });
    handlers[0]!({ ports: [] }, { myappsApiPort: 'open', channel });
    handlers[0]!({ ports: [port] }, { myappsApiPort: 'open', channel: 'bad channel' });
    handlers[0]!({ ports: [port] }, { myappsApiPort: 'close', channel });
    expect(posted).toEqual([
      [{ myappsApiPort: 'open', channel }, 1],
      [{ myappsApiPort: 'close', channel }, 0],
    ]);
  });

  it('Electron: ports only to two living views; closing tells both', () => {
    const sent: unknown[][] = [];
    const contents = (id: number, destroyed = false) => ({ isDestroyed: () => destroyed, postMessage: (...a: unknown[]) => sent.push([id, ...a]) });
    const views = new Map([
      ['c', contents(1)],
      ['p', contents(2)],
      ['gone', contents(3, true)],
    ]);
    let made = 0;
    const apply = electronApiPorts({ createChannel: () => ({ port1: `port1-${++made}` as never, port2: `port2-${made}` as never }), contentsOf: (v) => views.get(v) as never, log: () => {} });
    apply({ kind: 'open', channel, consumerView: 'c', providerView: 'gone' });
    expect([made, sent]).toEqual([0, []]);
    apply({ kind: 'open', channel, consumerView: 'c', providerView: 'p' });
    apply({ kind: 'close', channel, consumerView: 'c', providerView: 'p' });
    expect(sent).toEqual([
      [1, ipcChannels.appFramePort, { myappsApiPort: 'open', channel }, ['port1-1']],
      [2, ipcChannels.appFramePort, { myappsApiPort: 'open', channel }, ['port2-1']],
      [1, ipcChannels.appFramePort, { myappsApiPort: 'close', channel }],
      [2, ipcChannels.appFramePort, { myappsApiPort: 'close', channel }],
    ]);
  });
});
