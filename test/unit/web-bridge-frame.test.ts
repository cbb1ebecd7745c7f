/** Control 6 on the browser shell's WebSocket: only well-formed command frames reach the core. */
import { describe, expect, it } from 'vitest';
import { parseCommandFrame } from '../../main/web/bridge-socket.js';

describe('parseCommandFrame', () => {
  it('reads a command frame, leaving the command itself to the core', () => {
    expect(parseCommandFrame('{"kind":"command","id":7,"command":{"type":"getSnapshot"}}')).toEqual({ ok: true, id: 7, command: { type: 'getSnapshot' } });
    expect(parseCommandFrame('{"kind":"command","id":0,"command":"anything"}')).toEqual({ ok: true, id: 0, command: 'anything' });
  });

  it.each([
    ['{', 'frame is not JSON'],
    ['', 'frame is not JSON'],
    ['[1]', 'frame is not an object'],
    ['null', 'frame is not an object'],
    ['"command"', 'frame is not an object'],
    ['{"kind":"command","command":{}}', 'frame has no integer id'],
    ['{"kind":"command","id":1.5,"command":{}}', 'frame has no integer id'],
    ['{"kind":"command","id":"1","command":{}}', 'frame has no integer id'],
    ['{"kind":"command","id":9007199254740992,"command":{}}', 'frame has no integer id'],
  ])('drops %s: %s', (text, error) => {
    expect(parseCommandFrame(text)).toEqual({ ok: false, error });
  });

  it.each([
    ['{"kind":"result","id":3,"result":{"ok":true}}', 'frame is not a command'],
    ['{"id":3,"command":{}}', 'frame is not a command'],
    ['{"kind":"command","id":3}', 'frame has no command'],
    ['{"kind":"command","id":3,"__proto__":{"command":{}}}', 'frame has no command'],
  ])('answers %s with its id: %s', (text, error) => {
    expect(parseCommandFrame(text)).toEqual({ ok: false, id: 3, error });
  });
});
