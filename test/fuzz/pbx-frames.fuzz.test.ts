/**
 * Fuzzing the PBX frame parser (security controls 15 and 17): `parsePbxFrame` is the one door
 * for every frame a PBX — or anything answering at its address — sends. For any text it returns
 * a verdict and never throws: a valid frame parses (keeping members it does not model), an
 * unknown `mt` is ignored by name, anything else is refused with a short reason for the log.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePbxFrame, pbxInbound, type ParsedFrame } from '../../main/core/protocol/pbx-messages.js';
import { MAX_JSON_DEPTH } from '../../main/core/protocol/validate.js';
import { deepJsonText, garbageText, hostileKey, hugeString, jsonValue, mutateObject, mutateText, prototypeKeys, withDeepMember, withMembers } from './arbitraries.js';
import { fuzzParams, fuzzTimeout } from './settings.js';
import { validFrame } from './pbx-frames.js';

/** Longest reason a refused frame may put in a log line. */
const MAX_REASON = 300;

/** The verdict is one of the three the type promises, with a usable reason. */
function expectVerdict(r: ParsedFrame): void {
  if (r.ok) {
    expect(typeof r.msg.mt).toBe('string');
    expect(Object.hasOwn(pbxInbound, r.msg.mt)).toBe(true);
  } else if (r.ignored) {
    expect(typeof r.mt).toBe('string');
    expect(r.mt.length).toBeLessThanOrEqual(64);
  } else {
    expect(typeof r.error).toBe('string');
    expect(r.error.length).toBeGreaterThan(0);
    expect(r.error.length).toBeLessThanOrEqual(MAX_REASON);
  }
}

/** Each message's members with a value the schema would check, spliced deep or huge. */
const infoCarriers = ['LoginResult', 'Redirect', 'AppGetLoginResult'] as const;

const mutatedFrame: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: validFrame.chain((f) => mutateText(f.text)) },
  { weight: 4, arbitrary: validFrame.chain((f) => mutateObject(f.object)).map((o) => JSON.stringify(o)) },
  // A member 65 / 10,000 levels deep, in any member (`info` of the frames whose digest covers it included).
  { weight: 2, arbitrary: fc.tuple(validFrame, fc.constantFrom('info', 'user', 'app', 'apps', 'presence', 'extra', '__proto__'), fc.constantFrom(65, 10_000)).map(([f, member, levels]) => withDeepMember(f.text, member, levels)) },
  // `mt` changed: to another known message (its members then are wrong), a prototype name, a near miss.
  {
    weight: 2,
    arbitrary: fc.tuple(validFrame, fc.oneof(fc.constantFrom(...Object.keys(pbxInbound)), fc.constantFrom(...prototypeKeys), fc.constantFrom('loginresult', 'LoginResult ', 'Login', 'AppGetLogin', ''))).map(([f, mt]) => JSON.stringify({ ...f.object, mt })),
  },
);

const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: garbageText },
  { weight: 2, arbitrary: validFrame.map((f) => f.text) },
  { weight: 3, arbitrary: mutatedFrame },
  { weight: 1, arbitrary: deepJsonText },
);

describe('parsePbxFrame: any text gets a verdict, never an exception', () => {
  it('never throws, for any text (random, binary-ish, JSON of any shape, 10,000+ levels deep)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expectVerdict(parsePbxFrame(text));
      }),
      fuzzParams(800),
    );
  }, fuzzTimeout(20_000));

  it('valid frames built from the schemas parse, keep members the client does not model, and carry `info` in the PBX’s order', () => {
    fc.assert(
      fc.property(validFrame, ({ mt, object, text }) => {
        const r = parsePbxFrame(text);
        if (!r.ok) throw new Error(`a valid ${mt} was refused: ${r.ignored ? 'ignored' : r.error}`);
        expect(r.msg.mt).toBe(mt);
        for (const key of Object.keys(object)) expect(Object.hasOwn(r.msg, key), `member ${JSON.stringify(key)} kept`).toBe(true);
        if ((infoCarriers as readonly string[]).includes(mt) && object.info !== undefined) expect(r.infoJson).toBe(JSON.stringify(object.info));
        else expect(r.infoJson).toBeUndefined();
      }),
      fuzzParams(400),
    );
  }, fuzzTimeout(20_000));

  it('mutated valid frames (text and members edited, members 10,000 levels deep, another mt) parse, are ignored, or are refused with a reason', () => {
    fc.assert(
      fc.property(mutatedFrame, (text) => {
        expectVerdict(parsePbxFrame(text));
      }),
      fuzzParams(800),
    );
  }, fuzzTimeout(20_000));

  it('an unknown mt — prototype names included — is ignored by name, whatever else the frame holds', () => {
    const unknownMt = fc.oneof(fc.constantFrom(...prototypeKeys), hostileKey, fc.string({ minLength: 65, maxLength: 300 })).filter((mt) => !Object.hasOwn(pbxInbound, mt));
    fc.assert(
      fc.property(unknownMt, fc.dictionary(hostileKey, jsonValue(2), { maxKeys: 4 }), (mt, rest) => {
        const r = parsePbxFrame(withMembers(JSON.stringify({ mt }), Object.entries(rest).filter(([k]) => k !== 'mt')));
        expect(r).toEqual({ ok: false, ignored: true, mt: mt.slice(0, 64) });
      }),
      fuzzParams(300),
    );
  }, fuzzTimeout(20_000));

  it('huge frames (up to the 8 MiB the transport lets through) get a verdict too', () => {
    // Few runs: each one scans megabytes.
    const huge = fc.tuple(validFrame, hugeString([64 * 1024, 1024 * 1024 + 1, 8 * 1024 * 1024 - 1024]), fc.constantFrom('errorText', 'info', 'mt', 'extra'), fc.boolean()).map(([f, big, member, raw]) =>
      raw ? big : withMembers(f.text, [[member, big]]),
    );
    fc.assert(
      fc.property(huge, (text) => {
        expectVerdict(parsePbxFrame(text));
      }),
      fuzzParams(8),
    );
  }, fuzzTimeout(20_000));

  it('text nested past the limit is refused before anything walks it', () => {
    fc.assert(
      fc.property(deepJsonText, fc.constantFrom(...infoCarriers), (deep, mt) => {
        for (const text of [deep, withDeepMember(JSON.stringify({ mt, digest: '00' }), 'info', 10_000)]) expectVerdict(parsePbxFrame(text));
        // Refused by the depth check itself, not by whatever walked it first and threw (the catch-all).
        const info = withDeepMember(JSON.stringify({ mt, digest: '00' }), 'info', MAX_JSON_DEPTH + 1);
        expect(parsePbxFrame(info)).toEqual({ ok: false, error: `nested deeper than ${MAX_JSON_DEPTH} levels` });
      }),
      fuzzParams(50),
    );
  }, fuzzTimeout(20_000));
});
