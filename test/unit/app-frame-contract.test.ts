/** Control 6 on the app-frame sockets: only well-formed FromAppFrame frames reach the core, and only their own fields. */
import { describe, expect, it } from 'vitest';
import { maxAppFrameBytes, maxAppMessageBytes, maxFailureReasonBytes, parseAppFrame, parseToAppFrame, utf8LongerThan, validViewId } from '../../main/core/bridge/app-frame.js';

describe('parseAppFrame', () => {
  it('reads the three frames of the contract', () => {
    expect(parseAppFrame('{"kind":"message","text":"{\\"mt\\":\\"Alive\\"}"}')).toEqual({ ok: true, frame: { kind: 'message', text: '{"mt":"Alive"}' } });
    expect(parseAppFrame('{"kind":"message","text":""}')).toEqual({ ok: true, frame: { kind: 'message', text: '' } });
    expect(parseAppFrame('{"kind":"loaded"}')).toEqual({ ok: true, frame: { kind: 'loaded' } });
    expect(parseAppFrame('{"kind":"failed","reason":"timeout"}')).toEqual({ ok: true, frame: { kind: 'failed', reason: 'timeout' } });
  });

  it('a shortcut frame names one of the client\'s shortcuts, nothing else', () => {
    expect(parseAppFrame('{"kind":"shortcut","shortcut":"search","viewId":"x"}')).toEqual({ ok: true, frame: { kind: 'shortcut', shortcut: 'search' } });
    for (const bad of ['{"kind":"shortcut"}', '{"kind":"shortcut","shortcut":"quit"}', '{"kind":"shortcut","shortcut":["search"]}']) expect(parseAppFrame(bad)).toEqual({ ok: false, error: 'unknown shortcut' });
  });

  it('hands on only the fields of the contract', () => {
    expect(parseAppFrame('{"kind":"message","text":"x","viewId":"other","app":"admin"}')).toEqual({ ok: true, frame: { kind: 'message', text: 'x' } });
    expect(parseAppFrame('{"kind":"loaded","reason":"x"}')).toEqual({ ok: true, frame: { kind: 'loaded' } });
  });

  it('takes texts up to 1 MiB of UTF-8 and reasons up to 1 KiB', () => {
    expect(parseAppFrame(JSON.stringify({ kind: 'message', text: 'x'.repeat(maxAppMessageBytes) })).ok).toBe(true);
    expect(parseAppFrame(JSON.stringify({ kind: 'message', text: 'x'.repeat(maxAppMessageBytes + 1) }))).toEqual({ ok: false, error: 'message text over 1 MiB' });
    // Counted in bytes, not characters: 'é' is two.
    expect(parseAppFrame(JSON.stringify({ kind: 'message', text: 'é'.repeat(maxAppMessageBytes / 2 + 1) }))).toEqual({ ok: false, error: 'message text over 1 MiB' });
    expect(parseAppFrame(JSON.stringify({ kind: 'failed', reason: 'r'.repeat(maxFailureReasonBytes) })).ok).toBe(true);
    expect(parseAppFrame(JSON.stringify({ kind: 'failed', reason: 'r'.repeat(maxFailureReasonBytes + 1) }))).toEqual({ ok: false, error: 'failure reason over 1 KiB' });
  });

  it.each([
    ['', 'frame is not JSON'],
    ['{', 'frame is not JSON'],
    ['null', 'frame is not an object'],
    ['[{"kind":"loaded"}]', 'frame is not an object'],
    ['"loaded"', 'frame is not an object'],
    ['{}', 'unknown frame kind'],
    ['{"kind":"load","url":"https://evil.example/"}', 'unknown frame kind'],
    ['{"kind":"post","text":"x"}', 'unknown frame kind'],
    ['{"kind":"command","id":1,"command":{"type":"logout"}}', 'unknown frame kind'],
    ['{"kind":"message"}', 'message has no text'],
    ['{"kind":"message","text":{"mt":"Alive"}}', 'message has no text'],
    ['{"kind":"message","text":null}', 'message has no text'],
    ['{"kind":"message","__proto__":{"text":"x"}}', 'message has no text'],
    ['{"kind":"failed"}', 'failure has no reason'],
    ['{"kind":"failed","reason":42}', 'failure has no reason'],
  ])('drops %s: %s', (text, error) => {
    expect(parseAppFrame(text)).toEqual({ ok: false, error });
  });
});

describe('validViewId', () => {
  it('accepts the ids the core mints', () => {
    expect(validViewId('0b6f3c1e-8a4d-4c52-9e8f-0123456789ab')).toBe(true);
    expect(validViewId('v'.repeat(128))).toBe(true);
  });

  it.each([null, undefined, '', 'v'.repeat(129), 'a b', 'a\nb', 'ä', '\u0000'])('refuses %j', (viewId) => {
    expect(validViewId(viewId)).toBe(false);
  });
});

describe('parseAppFrame: hello (IPC transport only) and what is not a string', () => {
  it('hello is a frame only where the transport says hello', () => {
    expect(parseAppFrame('{"kind":"hello"}', { hello: true })).toEqual({ ok: true, frame: { kind: 'hello' } });
    expect(parseAppFrame('{"kind":"hello"}')).toEqual({ ok: false, error: 'unknown frame kind' });
  });

  it.each([undefined, null, 42, { kind: 'loaded' }, ['{"kind":"loaded"}']])('refuses a non-string payload %j', (payload) => {
    expect(parseAppFrame(payload)).toEqual({ ok: false, error: 'frame is not a string' });
  });

  it('refuses a frame over the size limit before parsing it', () => {
    expect(parseAppFrame(' '.repeat(maxAppFrameBytes + 1))).toEqual({ ok: false, error: 'frame over the size limit' });
  });
});

describe('parseToAppFrame: what the page accepts from the core', () => {
  it('load and post, with only their own fields', () => {
    expect(parseToAppFrame('{"kind":"load","url":"https://a.example/x.htm","website":false,"title":"X","allow":"microphone","extra":1}')).toEqual({ kind: 'load', url: 'https://a.example/x.htm', website: false, title: 'X', allow: 'microphone' });
    expect(parseToAppFrame('{"kind":"load","url":"https://a.example/","website":true,"title":"X"}')).toEqual({ kind: 'load', url: 'https://a.example/', website: true, title: 'X', allow: '' });
    expect(parseToAppFrame('{"kind":"post","text":"{}"}')).toEqual({ kind: 'post', text: '{}' });
  });

  it.each(['', 'null', '{"kind":"load","url":1}', '{"kind":"post"}', '{"kind":"message","text":"x"}', 7])('ignores %j', (text) => {
    expect(parseToAppFrame(text)).toBeUndefined();
  });
});

describe('utf8LongerThan', () => {
  it('counts UTF-8 bytes without encoding', () => {
    for (const s of ['a', 'abc', 'é'.repeat(10), '€'.repeat(10), '😀'.repeat(10), '\ud800x', 'a'.repeat(100)]) {
      const bytes = new TextEncoder().encode(s).length;
      expect(utf8LongerThan(s, bytes), s).toBe(false);
      expect(utf8LongerThan(s, bytes - 1), s).toBe(true);
    }
  });
});
