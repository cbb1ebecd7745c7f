/**
 * The JSON nesting limit (MAX_JSON_DEPTH) at every door text from outside comes through, not
 * only the PBX link (test/integration/hostile-pbx.test.ts): app messages, app-frame frames,
 * Client API messages read for the direct path, and the browser shell's bridge frames. Each is
 * refused for its depth, with that reason, while the same text one level shallower is read (the
 * positive control: the refusal is the limit's, not some other check's).
 */
import { describe, expect, it } from 'vitest';
import { parseAppMessage } from '../../main/core/apps/app-messages.js';
import { readAppApiMessage } from '../../main/core/bridge/api-direct.js';
import { parseAppFrame } from '../../main/core/bridge/app-frame.js';
import { MAX_JSON_DEPTH } from '../../main/core/protocol/validate.js';
import { parseCommandFrame } from '../../main/web/bridge-socket.js';

/** `{"a":{"a":…1…}}` nested `levels` objects deep. */
const nested = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
/** A frame whose own object is one level, its `member` `levels` more. */
const withMember = (head: string, member: string, levels: number): string => `${head.slice(0, -1)},"${member}":${nested(levels)}}`;

const doors: [string, (levels: number) => unknown, unknown][] = [
  ['app message (parseAppMessage)', (n) => parseAppMessage(withMember('{"mt":"ApiRequest","api":"x","src":"s"}', 'msg', n)), { ok: false, error: `nested deeper than ${MAX_JSON_DEPTH} levels` }],
  ['app-frame frame (parseAppFrame)', (n) => parseAppFrame(withMember('{"kind":"loaded"}', 'extra', n)), { ok: false, error: 'frame nested too deeply' }],
  ['Client API message on the direct path (readAppApiMessage)', (n) => readAppApiMessage(withMember('{"mt":"ApiRequest","api":"x","src":"s"}', 'msg', n)), undefined],
  ['browser bridge frame (parseCommandFrame)', (n) => parseCommandFrame(withMember('{"kind":"command","id":1}', 'command', n)), { ok: false, error: 'frame nested too deeply' }],
];

describe(`JSON nested deeper than ${MAX_JSON_DEPTH} levels is refused at every door`, () => {
  it.each(doors)('%s', (_, read, refused) => {
    expect(read(MAX_JSON_DEPTH - 1)).not.toEqual(refused);
    expect(read(MAX_JSON_DEPTH)).toEqual(refused);
  });
});
