/**
 * Hostile input shared by the fuzz properties: JSON values keyed by prototype names, strings
 * with lone surrogates and control characters, nesting far past the limit (10,000 levels and
 * more), huge strings, values that are not strings at all, and mutations of valid input.
 */
import fc from 'fast-check';

/** Keys that a plain object treats specially (a prototype change, an inherited method). */
export const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'toJSON', 'then', '__defineGetter__'] as const;

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...prototypeKeys) },
  { weight: 4, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);

/** Short strings, plausible and not: empty, control characters, lone surrogates, prototype names, JSON inside. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 16 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
  { weight: 2, arbitrary: fc.constantFrom(...prototypeKeys) },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', '\u0000', '\ud800', '\udfff\ud800', '"}', '{"mt":"Login"}', '%E0%A4%A', '../../etc/passwd', 'javascript:alert(1)', '*', '@client', 'ch1', '1e999') },
);

/** Finite numbers (JSON has no others), with the awkward ones often. */
export const jsonNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1, -1, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, 1e21, 0.1),
);

/** Any JSON value, objects keyed by hostile names, at most `maxDepth` levels. */
export function jsonValue(maxDepth = 3): fc.Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth },
      fc.constant(null),
      fc.boolean(),
      jsonNumber,
      hostileString,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
    ),
  }));
  return value;
}

/** Text nested `levels` deep, in the shapes a depth check must see through. */
export function deepText(levels: number, shape: 'object' | 'array' | 'unbalanced' | 'in-string'): string {
  switch (shape) {
    case 'object':
      return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    case 'array':
      return '['.repeat(levels) + ']'.repeat(levels);
    case 'unbalanced':
      return '['.repeat(levels);
    case 'in-string':
      // Brackets inside a string are not nesting: this one is shallow and valid.
      return JSON.stringify({ mt: 'x', s: '['.repeat(levels) });
  }
}

/** Nesting past the limit (64): just past it, and 10,000 and 100,000 levels. */
export const deepJsonText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(65, 1000, 10_000, 100_000), fc.constantFrom('object', 'array', 'unbalanced', 'in-string') as fc.Arbitrary<'object' | 'array' | 'unbalanced' | 'in-string'>)
  .map(([levels, shape]) => deepText(levels, shape));

/** A JavaScript value nested `levels` deep (for transports that carry values, not text). */
export function deepValue(levels: number, kind: 'object' | 'array' = 'object'): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = kind === 'object' ? { a: v } : [v];
  return v;
}

/** A string of about `bytes` bytes (huge input; built lazily, so cheap until drawn). */
export const hugeString = (sizes: number[]): fc.Arbitrary<string> => fc.constantFrom(...sizes).map((n) => 'x'.repeat(n));

/** `member` with a value nested `levels` deep, spliced into the JSON text of `object`. */
export function withDeepMember(objectText: string, member: string, levels: number): string {
  const inner = deepText(levels, 'object');
  return objectText === '{}' ? `{${JSON.stringify(member)}:${inner}}` : `${objectText.slice(0, -1)},${JSON.stringify(member)}:${inner}}`;
}

/** Members spliced into the JSON text of an object (later duplicates win, as in JSON.parse). */
export function withMembers(objectText: string, members: [string, unknown][]): string {
  if (members.length === 0) return objectText;
  const extra = members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',');
  return objectText === '{}' ? `{${extra}}` : `${objectText.slice(0, -1)},${extra}}`;
}

/** Characters that matter to a JSON reader, for text mutations. */
const jsonSyntax = fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\\', '\\u', '\\ud800', ' ', '\u0000', 'null', '-', '1e', '"__proto__":', '\u2028');

type TextEdit = ['truncate' | 'delete' | 'insert' | 'duplicate' | 'swap-quote', number, string];

// Built once (the mutate functions run for every value drawn through `chain`).
const textEdits: fc.Arbitrary<TextEdit[]> = fc.array(fc.tuple(fc.constantFrom('truncate', 'delete', 'insert', 'duplicate', 'swap-quote'), fc.nat(), fc.oneof(jsonSyntax, fc.string({ maxLength: 3 }))), { minLength: 1, maxLength: 3 });

/** 1–3 edits of `text`: truncate, delete, insert JSON syntax, duplicate a slice, break a quote. */
export function mutateText(text: string): fc.Arbitrary<string> {
  return textEdits.map((edits) => {
    let s = text;
    for (const [op, n, piece] of edits) {
      const at = s.length === 0 ? 0 : n % (s.length + 1);
      if (op === 'truncate') s = s.slice(0, at);
      else if (op === 'delete') s = s.slice(0, at) + s.slice(at + 1 + (n % 4));
      else if (op === 'insert') s = s.slice(0, at) + piece + s.slice(at);
      else if (op === 'duplicate') s = s.slice(0, at) + s.slice(at, at + 1 + (n % 16)) + s.slice(at);
      else s = s.slice(0, at) + s.slice(at).replace('"', "'");
    }
    return s;
  });
}

type ObjectEdit = { op: 'delete' | 'retype' | 'null' | 'wrap' | 'add'; pick: number; key: string; value: unknown };

// Built once (the mutate functions run for every value drawn through `chain`).
const objectEdits: fc.Arbitrary<ObjectEdit[]> = fc.array(fc.record({ op: fc.constantFrom('delete', 'retype', 'null', 'wrap', 'add'), pick: fc.nat(), key: hostileKey, value: jsonValue(2) }), { minLength: 1, maxLength: 3 });

/**
 * 1–3 edits of a valid message object: a member deleted, given a value of another type (or
 * null), wrapped in an array, or a hostile member added (`__proto__`, `constructor`, …).
 */
export function mutateObject(object: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  return objectEdits.map((edits) => {
    // JSON round trip: a plain copy whose own `__proto__` members stay members.
    const out = JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
    for (const e of edits) {
      const keys = Object.keys(out);
      const key = keys.length === 0 || e.op === 'add' ? e.key : keys[e.pick % keys.length]!;
      if (e.op === 'delete') delete out[key];
      else {
        const value = e.op === 'null' ? null : e.op === 'wrap' ? [out[key]] : e.value;
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      }
    }
    return out;
  });
}

/** Text that is not a valid message: random, binary-ish, JSON of any shape, too deep, JSON scalars. */
export const garbageText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 4, arbitrary: jsonValue(3).map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: deepJsonText },
  { weight: 1, arbitrary: fc.constantFrom('', 'null', 'true', '[]', '"text"', '1', '{}', '{"mt":null}', '{"mt":{}}', '{"mt":["Login"]}', '{"mt":"constructor"}', '{"mt":"__proto__"}', '{"__proto__":{"mt":"Alive"}}', '{"mt":"x"', '\ufeff{}', '{"a":1}{"b":2}') },
);

/** Values that are not strings (for channels whose contract is "strings only"). */
export const notAString: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3, withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }).filter((v) => typeof v !== 'string'),
  fc.constantFrom(undefined, null, 0, NaN, true, Symbol('s'), 10n, new Uint8Array([123, 125]), Buffer.from('{"kind":"hello"}'), new String('{"kind":"hello"}'), ['{"kind":"hello"}'], { toString: () => '{"kind":"hello"}' }, { toString: 1 }),
  fc.constantFrom(64, 10_000).map((n) => deepValue(n)),
);
