/**
 * Objects keyed by names from outside — App Object names, API names, SIP names, session ids,
 * settings keys. `__proto__` is a valid App Object name, and `constructor` a valid SIP name: a
 * plain `{}` would turn the first into a prototype change and read the second as a function.
 * Where such keys must live in an object (it goes out as JSON), it has no prototype; where one
 * is read from an object that came in as JSON (which has one), only its own keys count.
 * Part of the bridge contract so the UI uses the same two helpers.
 */

/** An object without a prototype, optionally filled from entries (JSON.stringify writes it as usual). */
export function dict<T>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (entries) for (const [k, v] of entries) out[k] = v;
  return out;
}

/** The value at `key` if it is the object's own, else undefined — never an inherited member. */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
