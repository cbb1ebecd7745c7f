import { describe, expect, it } from 'vitest';
import { APP_ARG_KEY, APP_NAME, type DeepLink, MAX_ARG_VALUE_LENGTH, MAX_LINK_LENGTH, parseDeepLink } from '../../main/core/config/deep-link.js';

const call = (number: string) => ({ kind: 'call', scheme: 'tel', number });
const sip = (uri: string) => ({ kind: 'call', scheme: 'sip', uri });

describe('parseDeepLink: tel:', () => {
  it.each([
    ['tel:+49 (30) 1234-56', call('+4930123456')],
    ['tel:+49%20(30)%201234-56', call('+4930123456')],
    ['tel:0301234.56', call('030123456')],
    ['TEL:*21#', call('*21#')],
    ['tel:%2B4930123', call('+4930123')],
    ['tel://+4930123', call('+4930123')],
    ['  tel:123  ', call('123')],
    // Parameters are dropped: the phone API takes one dial string.
    ['tel:+4930123;ext=45', call('+4930123')],
    ['tel:1234;phone-context=example.com', call('1234')],
  ])('%s', (input, expected) => {
    expect(parseDeepLink(input)).toEqual(expected);
  });

  it.each(['tel:', 'tel:+', 'tel:12+34', 'tel:++49', 'tel:1-800-FLOWERS', 'tel:12%zz', 'tel:12%0', 'tel:12%00', 'tel:12%0A3', 'tel:%E2%80%AE123', 'tel:12?x=1', 'tel:' + '1'.repeat(65)])(
    'refuses %j',
    (input) => {
      expect(parseDeepLink(input).kind).toBe('error');
    },
  );
});

describe('parseDeepLink: sip:', () => {
  it.each([
    ['sip:alice@example.com', sip('alice@example.com')],
    ['sip:alice', sip('alice')],
    ['SIP:bob.smith@pbx.example.com:5061', sip('bob.smith@pbx.example.com:5061')],
    ['sip:alice@10.0.0.5', sip('alice@10.0.0.5')],
    ['sip:alice@[2001:db8::1]:5060', sip('alice@[2001:db8::1]:5060')],
    ["sip:o'neil+x=1~!$&*%20@example.com", sip("o'neil+x=1~!$&*%20@example.com")],
    // Parameters and headers never pass through.
    ['sip:a@b;transport=tcp?x', sip('a@b')],
    ['sip:alice@example.com?subject=hi&priority=urgent', sip('alice@example.com')],
  ])('%s', (input, expected) => {
    expect(parseDeepLink(input)).toEqual(expected);
  });

  it.each([
    'sip:',
    'sip:@example.com',
    'sip:alice@',
    'sip:alice:secret@example.com',
    'sip:al ice@example.com',
    'sip:alice@exa mple.com',
    'sip:alice@-bad.example',
    'sip:alice@example..com',
    'sip:alice@999.1.1.1',
    'sip:alice@[not-ipv6]',
    'sip:alice@[fe80::1%25eth0]',
    'sip:alice@[::1%<x>]',
    'sip:alice@example.com:0',
    'sip:alice@example.com:70000',
    'sip:a@b@c',
    'sip:al%zzice@example.com',
    'sip:al%00ice@example.com',
    'sip:<script>@example.com',
    'sips:alice@example.com',
  ])('refuses %j', (input) => {
    expect(parseDeepLink(input).kind).toBe('error');
  });
});

describe('parseDeepLink: callto:', () => {
  it.each([
    ['callto:+49 30 1234', call('+49301234')],
    ['callto://+4930123/', call('+4930123')],
    ['callto:alice@example.com', sip('alice@example.com')],
    ['callto://alice@example.com', sip('alice@example.com')],
    ['callto:alice', sip('alice')],
  ])('%s', (input, expected) => {
    expect(parseDeepLink(input)).toEqual(expected);
  });

  it.each(['callto:', 'callto://', 'callto:12+3', 'callto:al ice'])('refuses %j', (input) => {
    expect(parseDeepLink(input).kind).toBe('error');
  });
});

describe('parseDeepLink: myapps://', () => {
  it.each([
    ['myapps://app/contacts', { kind: 'app', name: 'contacts', args: {} }],
    ['myapps://app/contacts?a=1&b=x', { kind: 'app', name: 'contacts', args: { a: '1', b: 'x' } }],
    ['MYAPPS://APP/com.example.app-2_x', { kind: 'app', name: 'com.example.app-2_x', args: {} }],
    ['myapps://app/search?q=J%C3%BCrgen%20M%C3%BCller&flag', { kind: 'app', name: 'search', args: { q: 'Jürgen Müller', flag: '' } }],
    ['myapps://app/phone?n=+4930&&', { kind: 'app', name: 'phone', args: { n: '+4930' } }],
    ['myapps://app/x?', { kind: 'app', name: 'x', args: {} }],
  ])('%s', (input, expected) => {
    expect(parseDeepLink(input)).toEqual(expected);
  });

  it('keeps an argument named __proto__ an argument, not a prototype', () => {
    const link = parseDeepLink('myapps://app/x?__proto__=y&constructor=z') as Extract<DeepLink, { kind: 'app' }>;
    expect(Object.getPrototypeOf(link.args)).toBe(Object.prototype);
    expect(Object.keys(link.args)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).y).toBeUndefined();
  });

  it.each([
    'myapps://evil',
    'myapps://app',
    'myapps://app/',
    'myapps://app/../x',
    'myapps://app/../etc',
    'myapps://app/a/../etc',
    'myapps://app/%2e%2e',
    'myapps://app/.hidden',
    'myapps://app/contacts/',
    'myapps://app/contacts#frag',
    'myapps://app/contacts?a=1#frag',
    'myapps://other/contacts',
    'myapps://app@evil.com/contacts',
    'myapps:app/contacts',
    'myapps://app/' + 'a'.repeat(65),
    'myapps://app/x?a=1&a=2',
    'myapps://app/x?=1',
    'myapps://app/x?a b=1',
    'myapps://app/x?a=%zz',
    'myapps://app/x?a=%00',
    'myapps://app/x?a=%E2%80%AE',
    'myapps://app/x?a=%C3',
    'myapps://app/x?' + Array.from({ length: 33 }, (_, i) => `k${i}=v`).join('&'),
    'myapps://app/x?a=' + 'v'.repeat(MAX_ARG_VALUE_LENGTH + 1),
    'myapps://app/x?' + 'k'.repeat(65) + '=1',
  ])('refuses %j', (input) => {
    expect(parseDeepLink(input).kind).toBe('error');
  });

  it('accepts the limits exactly', () => {
    const args = Array.from({ length: 32 }, (_, i) => `k${i}=v`).join('&');
    expect(parseDeepLink(`myapps://app/x?${args}`).kind).toBe('app');
    expect(parseDeepLink(`myapps://app/x?${'k'.repeat(64)}=${'v'.repeat(MAX_ARG_VALUE_LENGTH)}`).kind).toBe('app');
  });
});

describe('parseDeepLink: hostile input', () => {
  it.each([
    ['javascript:alert(1)'],
    ['JavaScript:alert(1)'],
    ['file:///etc/passwd'],
    ['http://example.com'],
    ['https://example.com'],
    ['data:text/html,<script>'],
    ['vbscript:x'],
    ['tel:123\u0000'],
    ['tel:12\n3'],
    ['tel:123\t'],
    ['\ttel:123'],
    ['sip:alice@example.com\r\nX: y'],
    ['tel:123\u007f'],
    ['tel:123\u0085'],
    ['tel:\u202e321'],
    ['sip:alice\u202e@example.com'],
    ['myapps://app/x?a=\u202e'],
    ['tel:１２３'],
    ['tel:123\u00a0456'],
    ['tel\u200b:123'],
    ['sip:аlice@example.com'], // Cyrillic "а"
    [''],
    ['   '],
    ['tel'],
    [':123'],
    ['123'],
    ['tel:' + '1'.repeat(MAX_LINK_LENGTH)],
  ])('refuses %j', (input) => {
    const result = parseDeepLink(input);
    expect(result.kind).toBe('error');
    expect((result as { reason: string }).reason).toMatch(/\w/);
  });

  it.each(['tel:123\u0000', 'sip:a\r\nb', 'myapps://app/x?a=1\t', 'tel:1\u007f'])('names control characters as the reason: %j', (input) => {
    expect(parseDeepLink(input)).toEqual({ kind: 'error', reason: 'the link contains control characters' });
  });

  it.each([undefined, null, 42, {}, ['tel:1'], Symbol('x')])('refuses non-text %s', (input) => {
    expect(parseDeepLink(input).kind).toBe('error');
  });

  it('does not echo the input in its reason', () => {
    const result = parseDeepLink('tel:\u202e<img src=x onerror=alert(1)>');
    expect(JSON.stringify(result)).not.toContain('<img');
  });
});

/** mulberry32: a small seeded PRNG so a failing fuzz input can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const controlChar = /\p{Cc}/u; // U+0000–U+001F, U+007F–U+009F

/** Everything a successful parse promises, checked on every success the fuzzer finds. */
function checkInvariants(input: string, link: DeepLink): void {
  const strings: string[] = [];
  if (link.kind === 'call' && link.scheme === 'tel') {
    expect(link.number).toMatch(/^\+?[0-9*#]+$/);
    expect(link.number.length).toBeLessThanOrEqual(64);
    strings.push(link.number);
  } else if (link.kind === 'call') {
    expect(link.uri).toMatch(/^[A-Za-z0-9._~!$&'*+=%-]{1,256}(@[A-Za-z0-9.:[\]-]+)?$/);
    expect(link.uri).not.toMatch(/[;?]/);
    strings.push(link.uri);
  } else {
    expect(link.kind).toBe('app');
    expect(link.name).toMatch(APP_NAME);
    const keys = Object.keys(link.args);
    expect(keys.length).toBeLessThanOrEqual(32);
    for (const [k, v] of Object.entries(link.args)) {
      expect(k).toMatch(APP_ARG_KEY);
      expect(typeof v).toBe('string');
      expect(v.length).toBeLessThanOrEqual(MAX_ARG_VALUE_LENGTH);
      expect(v).not.toMatch(/[\p{Cc}\p{Cf}]/u);
      strings.push(k, v);
    }
    strings.push(link.name);
  }
  for (const s of strings) expect(s).not.toMatch(controlChar);
  expect(JSON.stringify(link).length).toBeLessThanOrEqual(input.length * 2 + 100);
}

describe('parseDeepLink fuzz', () => {
  const valid = [
    'tel:+49 (30) 1234-56',
    'tel:*21#;ext=1',
    'sip:alice@example.com',
    'sip:bob@[::1]:5060;transport=tcp',
    'callto://+4930123/',
    'callto:alice@example.com',
    'myapps://app/contacts?a=1&b=x',
    'myapps://app/search?q=J%C3%BCrgen',
  ];
  const specials = [...'%:/?#;&=@[]+()-.*!$\'~_ \\<>"`{}|^', '%00', '%zz', '%2e', '%C3', '%E2%80%AE', '\u0000', '\n', '\u202e', '\u200b', '\ufeff', 'é', '\ud800', '😀', '..', '//', 'app/', 'tel:', 'sip:', 'myapps://', '__proto__='];

  function randomBytes(rand: () => number): string {
    const n = Math.floor(rand() * 64);
    return Array.from({ length: n }, () => String.fromCharCode(Math.floor(rand() * (rand() < 0.9 ? 128 : 0x10000)))).join('');
  }

  function mutate(rand: () => number, text: string): string {
    let s = text;
    for (let k = 1 + Math.floor(rand() * 4); k > 0; k--) {
      const at = Math.floor(rand() * (s.length + 1));
      const op = rand();
      const piece = rand() < 0.7 ? specials[Math.floor(rand() * specials.length)]! : randomBytes(rand).slice(0, 3);
      if (op < 0.4) s = s.slice(0, at) + piece + s.slice(at);
      else if (op < 0.7) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rand() * 3));
      else s = s.slice(0, at) + piece + s.slice(at + piece.length);
    }
    return s;
  }

  function mixture(rand: () => number): string {
    const prefix = ['tel:', 'sip:', 'callto:', 'callto://', 'myapps://app/', 'myapps://', ''][Math.floor(rand() * 7)]!;
    const parts = Array.from({ length: Math.floor(rand() * 12) }, () => (rand() < 0.5 ? specials[Math.floor(rand() * specials.length)]! : String.fromCharCode(48 + Math.floor(rand() * 75))));
    return prefix + parts.join('');
  }

  it('never throws and every success satisfies the invariants (25,000 inputs, seed 20240601)', () => {
    const rand = prng(20240601);
    const counts = { ok: 0, error: 0 };
    for (let i = 0; i < 25_000; i++) {
      const kind = i % 4;
      let input: string;
      if (kind === 0) input = randomBytes(rand);
      else if (kind === 1 || kind === 2) input = mutate(rand, valid[Math.floor(rand() * valid.length)]!);
      else input = mixture(rand);
      if (i % 997 === 0) input = input.repeat(Math.ceil(MAX_LINK_LENGTH / Math.max(1, input.length)) + 1);
      let result: ReturnType<typeof parseDeepLink>;
      try {
        result = parseDeepLink(input);
      } catch (e) {
        throw new Error(`parseDeepLink threw on input #${i} ${JSON.stringify(input)}`, { cause: e });
      }
      if (result.kind === 'error') {
        counts.error++;
        expect(result.reason.length).toBeGreaterThan(0);
      } else {
        counts.ok++;
        checkInvariants(input, result);
      }
    }
    // The corpus must exercise both outcomes, or the invariants were never really tested.
    expect(counts.ok).toBeGreaterThan(1000);
    expect(counts.error).toBeGreaterThan(1000);
  });
});
