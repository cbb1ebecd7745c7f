import { describe, expect, it } from 'vitest';
import { PbxAddressError, pbxWebSocketUrl, redirectWebSocketUrl } from '../../main/core/pbx/address.js';
import { backoffDelay } from '../../main/core/pbx/backoff.js';

describe('pbxWebSocketUrl: what the user typed → the myApps WebSocket', () => {
  it.each([
    ['pbx.example.com', 'wss://pbx.example.com/PBX0/APPCLIENT/130000/websocket'],
    ['  pbx.example.com:8443 ', 'wss://pbx.example.com:8443/PBX0/APPCLIENT/130000/websocket'],
    ['10.0.0.5', 'wss://10.0.0.5/PBX0/APPCLIENT/130000/websocket'],
    ['[::1]:8080', 'wss://[::1]:8080/PBX0/APPCLIENT/130000/websocket'],
    ['http://pbx.example.com', 'ws://pbx.example.com/PBX0/APPCLIENT/130000/websocket'],
    ['https://pbx.example.com/', 'wss://pbx.example.com/PBX0/APPCLIENT/130000/websocket'],
    ['https://pbx.example.com/PBX0', 'wss://pbx.example.com/PBX0/APPCLIENT/130000/websocket'],
    ['https://rp.example.com/example.com/x/PBX0/', 'wss://rp.example.com/example.com/x/PBX0/APPCLIENT/130000/websocket'],
    ['ws://127.0.0.1:9000/PBX0/APPCLIENT/websocket', 'ws://127.0.0.1:9000/PBX0/APPCLIENT/websocket'],
    ['WSS://PBX.example.com/PBX0/APPCLIENT/137766/websocket', 'wss://pbx.example.com/PBX0/APPCLIENT/137766/websocket'],
  ])('%s', (input, expected) => {
    expect(pbxWebSocketUrl(input)).toBe(expected);
  });

  it('uses the given build number', () => {
    expect(pbxWebSocketUrl('pbx', '137766')).toBe('wss://pbx/PBX0/APPCLIENT/137766/websocket');
  });

  it.each(['', '   ', 'pbx example', 'ftp://pbx.example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@pbx.example.com', 'http://'])(
    'rejects %j with a clear error',
    (input) => {
      expect(() => pbxWebSocketUrl(input)).toThrow(PbxAddressError);
    },
  );
});

describe('redirectWebSocketUrl', () => {
  it('keeps the scheme, uses host and module', () => {
    expect(redirectWebSocketUrl('wss://a/PBX0/APPCLIENT/130000/websocket', { host: 'slave1.example.com', mod: 'PBX0' })).toBe('wss://slave1.example.com/PBX0/APPCLIENT/130000/websocket');
    expect(redirectWebSocketUrl('ws://a:1/PBX0/APPCLIENT/websocket', { host: '127.0.0.1:5000' })).toBe('ws://127.0.0.1:5000/PBX0/APPCLIENT/130000/websocket');
    expect(redirectWebSocketUrl('wss://a/x', { host: 'b', https: 8443, http: 8080 })).toBe('wss://b:8443/PBX0/APPCLIENT/130000/websocket');
  });

  it.each([{ host: 'evil/../x' }, { host: 'a b' }, { host: 'h', mod: '../x' }, { host: 'h?x=1' }, { host: 'u@h' }])('refuses %j', (info) => {
    expect(() => redirectWebSocketUrl('wss://a/x', info)).toThrow(PbxAddressError);
  });
});

describe('backoffDelay', () => {
  it('doubles from 1 s to 32 s, jittered into [base/2, base]', () => {
    const low = { initialMs: 1000, maxMs: 32_000, random: () => 0 };
    const high = { ...low, random: () => 1 };
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((a) => backoffDelay(a, high))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 32000, 32000]);
    expect([1, 2, 6, 9].map((a) => backoffDelay(a, low))).toEqual([500, 1000, 16000, 16000]);
  });
});
