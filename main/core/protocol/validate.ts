/**
 * A small schema language for validating messages at the boundary (PBX frames, app messages,
 * bridge commands). Each schema both checks a value and gives TypeScript its type, so one
 * definition per message serves the compiler and the runtime. Errors name the field path,
 * e.g. `UpdateAppsInfo.app.url: expected string, got number`.
 */

export class ValidationError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'ValidationError';
  }
}

export interface Schema<T> {
  /** Returns the validated value (possibly coerced) or throws a ValidationError. */
  parse(value: unknown, path: string): T;
  /** Set on schemas made with `optional()`: an absent member is accepted. */
  readonly isOptional?: boolean;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new ValidationError(path, `expected ${expected}, got ${describe(value)}`);
}

export const string: Schema<string> = {
  parse(v, path) {
    return typeof v === 'string' ? v : fail(path, 'string', v);
  },
};

export const number: Schema<number> = {
  parse(v, path) {
    return typeof v === 'number' && Number.isFinite(v) ? v : fail(path, 'number', v);
  },
};

export const boolean: Schema<boolean> = {
  parse(v, path) {
    return typeof v === 'boolean' ? v : fail(path, 'boolean', v);
  },
};

/** Accepts a string or a finite number and yields a string (old PBX builds send numbers for codes and challenges). */
export const stringish: Schema<string> = {
  parse(v, path) {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    return fail(path, 'string or number', v);
  },
};

/** Any JSON value, passed through untouched (payloads that are opaque to the client). */
export const unknownValue: Schema<unknown> = {
  parse(v) {
    return v;
  },
};

export function literal<const L extends string>(...values: L[]): Schema<L> {
  return {
    parse(v, path) {
      if (typeof v === 'string' && (values as string[]).includes(v)) return v as L;
      throw new ValidationError(path, `expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}, got ${JSON.stringify(v)}`);
    },
  };
}

/** A schema whose member may be absent; `object()` makes such members optional in the type too. */
export interface OptionalSchema<T> extends Schema<T | undefined> {
  readonly isOptional: true;
}

export function optional<T>(inner: Schema<T>): OptionalSchema<T> {
  return {
    isOptional: true,
    parse(v, path) {
      return v === undefined ? undefined : inner.parse(v, path);
    },
  };
}

export function array<T>(item: Schema<T>): Schema<T[]> {
  return {
    parse(v, path) {
      if (!Array.isArray(v)) fail(path, 'array', v);
      return (v as unknown[]).map((x, i) => item.parse(x, `${path}[${i}]`));
    },
  };
}

export function record<T>(value: Schema<T>): Schema<Record<string, T>> {
  return {
    parse(v, path) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'object', v);
      // Keys come from outside (API names, settings keys): no prototype, so "__proto__" stays a key.
      const out = Object.create(null) as Record<string, T>;
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = value.parse(x, `${path}.${k}`);
      return out;
    },
  };
}

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { readonly isOptional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };

/**
 * An object with the given members. Members not in the shape are kept as they are
 * (PBXes add fields over the years; dropping them would break relays such as `info`).
 */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S> & Record<string, unknown>> {
  return {
    parse(v, path) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'object', v);
      const input = v as Record<string, unknown>;
      const out: Record<string, unknown> = { ...input };
      for (const [key, schema] of Object.entries(shape)) {
        const parsed = schema.parse(input[key], `${path}.${key}`);
        if (parsed === undefined) delete out[key];
        else out[key] = parsed;
      }
      return out as ObjectOf<S> & Record<string, unknown>;
    },
  };
}

/**
 * How deep JSON from outside (the PBX, an app, a bridge) may nest. Real messages nest a few
 * levels; JSON.parse itself copes with any depth, but everything that walks a value afterwards
 * recursively (JSON.stringify when relaying it, the order-preserving `info` reader, structured
 * clone) would overflow the stack on a value thousands of levels deep — so such text is refused
 * before it is parsed.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests deeper than `max` arrays/objects, scanned without recursion (strings skipped). */
export function jsonNestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}
