/**
 * Field-by-field parsing for configuration files: a bad value loses only itself. Each invalid
 * or unknown member is reported with its path; the valid members are returned. This is what
 * lets a policy file with one typo still enforce everything else.
 */
import { type Schema, ValidationError } from '../protocol/validate.js';

export type Report = (field: string, reason: string) => void;

/** Parses one value at `path`; undefined when the value is absent or invalid (then reported). */
export type FieldParser<T> = (value: unknown, path: string, report: Report) => T | undefined;

export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as a whole: valid or reported. */
export function whole<T>(schema: Schema<T>): FieldParser<T> {
  return (value, path, report) => {
    try {
      return schema.parse(value, path);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      report(e.path, e.reason);
      return undefined;
    }
  };
}

/** A list whose valid items are kept and invalid items reported one by one; `uniqueBy` also drops repeats. */
export function items<T>(item: Schema<T>, uniqueBy?: (item: T) => string): FieldParser<T[]> {
  const one = whole(item);
  return (value, path, report) => {
    if (!Array.isArray(value)) {
      report(path, `expected array, got ${describe(value)}`);
      return undefined;
    }
    const seen = new Set<string>();
    return value.flatMap((x, i) => {
      const parsed = one(x, `${path}[${i}]`, report);
      if (parsed === undefined) return [];
      const key = uniqueBy?.(parsed);
      if (key === undefined) return [parsed];
      if (seen.has(key)) {
        report(`${path}[${i}]`, `repeats "${key}" (ignored)`);
        return [];
      }
      seen.add(key);
      return [parsed];
    });
  };
}

/** A map whose keys must satisfy `key` and whose valid entries are kept. */
export function entries<T>(key: Schema<string>, entry: Schema<T>): FieldParser<Record<string, T>> {
  const one = whole(entry);
  return (value, path, report) => {
    if (!isPlainObject(value)) {
      report(path, `expected object, got ${describe(value)}`);
      return undefined;
    }
    const pairs = Object.entries(value).flatMap(([k, x]): [string, T][] => {
      try {
        key.parse(k, join(path, k));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        report(e.path, `invalid key: ${e.reason}`);
        return [];
      }
      const parsed = one(x, join(path, k), report);
      return parsed === undefined ? [] : [[k, parsed]];
    });
    // fromEntries defines own properties, so a key like "__proto__" cannot reach the prototype.
    return Object.fromEntries(pairs);
  };
}

export type Parsed<P> = { [K in keyof P]?: P[K] extends FieldParser<infer T> ? T : never };

/** An object parsed member by member; members not in `parsers` are reported as unknown. */
export function fields<P extends Record<string, FieldParser<unknown>>>(parsers: P, unknownReason = 'unknown key (ignored)'): FieldParser<Parsed<P>> {
  return (value, path, report) => {
    if (!isPlainObject(value)) {
      report(path, `expected object, got ${describe(value)}`);
      return undefined;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) {
      const parser = Object.hasOwn(parsers, k) ? parsers[k] : undefined;
      if (!parser) {
        report(join(path, k), unknownReason);
        continue;
      }
      const parsed = x === undefined ? undefined : parser(x, join(path, k), report);
      if (parsed !== undefined) out[k] = parsed;
    }
    return out as Parsed<P>;
  };
}
