/**
 * JSON helpers that keep the PBX's member order.
 *
 * Digests over `info` (LoginResult, Redirect, AppGetLoginResult) are computed by the PBX over
 * its own compact serialisation. `JSON.stringify(JSON.parse(text))` reproduces that text for
 * everything the PBX sends today, with one trap: JavaScript objects list integer-like keys
 * first, so `{"b":1,"2":0}` would come back as `{"2":0,"b":1}` and the digest would fail.
 * `canonicalJson` re-serialises from the received text itself, so member order is always the
 * PBX's, while escapes and whitespace are normalised exactly as JSON.stringify does.
 */

import { MAX_JSON_DEPTH, jsonNestsDeeperThan } from './validate.js';

/** Compact JSON of the value that starts at `text[start]`, members in source order. */
export function canonicalJson(text: string): string {
  const reader = new Reader(text);
  reader.skipWs();
  const out = reader.value();
  reader.skipWs();
  if (reader.pos !== text.length) throw new SyntaxError(`Unexpected data at position ${reader.pos}`);
  return out;
}

/**
 * Canonical JSON of the top-level member `key` of the object in `text`, or `undefined`
 * when the member is absent. `text` must be a JSON object.
 */
export function canonicalMember(text: string, key: string): string | undefined {
  const reader = new Reader(text);
  reader.skipWs();
  let found: string | undefined;
  // Like JSON.parse, a duplicated key takes its last value.
  reader.members((name, value) => {
    if (name === key) found = value;
  });
  return found;
}

class Reader {
  pos = 0;
  constructor(private readonly text: string) {}

  peek(): string | undefined {
    return this.text[this.pos];
  }

  expect(ch: string): void {
    if (this.text[this.pos] !== ch) throw new SyntaxError(`Expected '${ch}' at position ${this.pos}`);
    this.pos++;
  }

  skipWs(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos]!)) this.pos++;
  }

  /** Reads one value and returns its canonical (JSON.stringify-compatible) text. */
  value(): string {
    const ch = this.peek();
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return JSON.stringify(JSON.parse(this.rawString()) as string);
    return this.scalar();
  }

  rawString(): string {
    const start = this.pos;
    this.expect('"');
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++];
      if (c === '\\') this.pos++;
      else if (c === '"') return this.text.slice(start, this.pos);
    }
    throw new SyntaxError('Unterminated string');
  }

  private scalar(): string {
    const match = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match) throw new SyntaxError(`Unexpected token at position ${this.pos}`);
    this.pos += match[0].length;
    return JSON.stringify(JSON.parse(match[0]) as unknown);
  }

  private object(): string {
    // Later duplicates replace earlier ones in place, as JSON.parse then JSON.stringify would
    // (a JS object keeps the first insertion position of a key).
    const members = new Map<string, string>();
    this.members((name, value) => members.set(name, value));
    return `{${[...members].map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
  }

  /** Reads an object, handing each member's name and canonical value to `visit`. */
  members(visit: (name: string, value: string) => void): void {
    this.expect('{');
    this.skipWs();
    if (this.peek() === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWs();
      const name = JSON.parse(this.rawString()) as string;
      this.skipWs();
      this.expect(':');
      this.skipWs();
      visit(name, this.value());
      this.skipWs();
      if (this.peek() !== ',') break;
      this.pos++;
    }
    this.expect('}');
  }

  private array(): string {
    this.expect('[');
    this.skipWs();
    if (this.peek() === ']') {
      this.pos++;
      return '[]';
    }
    const items: string[] = [];
    for (;;) {
      this.skipWs();
      items.push(this.value());
      this.skipWs();
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return `[${items.join(',')}]`;
    }
  }
}

/**
 * Parse text that must hold a JSON object (every frame of every channel we speak is one), nesting
 * at most MAX_JSON_DEPTH levels (validate.ts says why).
 */
export function parseJsonObject(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; reason: 'not-json' | 'not-object' | 'too-deep'; error: string } {
  if (jsonNestsDeeperThan(text)) return { ok: false, reason: 'too-deep', error: `nested deeper than ${MAX_JSON_DEPTH} levels` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: 'not-json', error: `not JSON (${(e as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not-object', error: 'not a JSON object' };
  return { ok: true, value: value as Record<string, unknown> };
}
