/**
 * Value schemas shared by the settings file, the IT policy and the command line, built on
 * the protocol's schema language so every check reports a field path and a plain reason.
 */
import { displayFingerprint } from '../pbx/tls-trust.js';
import { PbxAddressError, pbxWebSocketUrl } from '../pbx/address.js';
import { type ObjectOf, type Schema, ValidationError, number, object, string } from '../protocol/validate.js';
import { hasControlOrFormat } from './text.js';

/** Human-entered text: non-empty, at most `max` characters, nothing invisible. */
export function plainText(max: number): Schema<string> {
  return {
    parse(v, path) {
      const s = string.parse(v, path);
      if (s.length === 0) throw new ValidationError(path, 'must not be empty');
      if (s.length > max) throw new ValidationError(path, `is longer than ${max} characters`);
      if (hasControlOrFormat(s)) throw new ValidationError(path, 'contains control or invisible formatting characters');
      return s;
    },
  };
}

/** A PBX host or URL as the user typed it; accepted only if the client can connect to it. */
export const pbxAddress: Schema<string> = {
  parse(v, path) {
    const s = plainText(1024).parse(v, path).trim();
    try {
      pbxWebSocketUrl(s);
    } catch (e) {
      if (e instanceof PbxAddressError) throw new ValidationError(path, e.message);
      throw e;
    }
    return s;
  },
};

/** An https URL without user info (an update server, say). */
export const httpsUrl: Schema<string> = {
  parse(v, path) {
    const s = plainText(2048).parse(v, path).trim();
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      throw new ValidationError(path, 'expected an https URL');
    }
    if (u.protocol !== 'https:' || u.username !== '' || u.password !== '' || u.hostname === '') throw new ValidationError(path, 'expected an https URL without user name or password');
    return u.toString();
  },
};

/** A SHA-256 certificate fingerprint, with or without colons; stored as `AB:CD:…`. */
export const fingerprint: Schema<string> = {
  parse(v, path) {
    const s = string.parse(v, path);
    try {
      return displayFingerprint(s);
    } catch {
      throw new ValidationError(path, 'expected a SHA-256 fingerprint (64 hex digits, colons optional)');
    }
  },
};

/** Matches a schema against a regular expression, with a reason that says what was expected. */
export function pattern(re: RegExp, expected: string): Schema<string> {
  return {
    parse(v, path) {
      const s = string.parse(v, path);
      if (!re.test(s)) throw new ValidationError(path, `expected ${expected}`);
      return s;
    },
  };
}

/** A whole number from `min` to `max` (minutes, counts): a fraction, a negative number or text is refused with the range. */
export function wholeNumber(min: number, max: number): Schema<number> {
  return {
    parse(v, path) {
      const n = number.parse(v, path);
      if (!Number.isInteger(n) || n < min || n > max) throw new ValidationError(path, `expected a whole number from ${min} to ${max}`);
      return n;
    },
  };
}

/** Account ids name keychain entries and cache keys, so they stay short and plain. */
export const accountId = pattern(/^[A-Za-z0-9_-]{1,64}$/, 'an id of 1-64 letters, digits, "_" or "-"');

type Shape = Record<string, Schema<unknown>>;

/**
 * An object with exactly the given members. Unlike the protocol's `object()`, which keeps
 * unknown members for relaying, configuration refuses them: a key we do not know is either a
 * typo that would silently do nothing, or data (such as a password) that must not be here.
 */
export function strictObject<S extends Shape>(shape: S, unknownReason = 'unknown key'): Schema<ObjectOf<S>> {
  const loose = object(shape);
  return {
    parse(v, path) {
      const parsed = loose.parse(v, path);
      const extra = Object.keys(parsed).find((k) => !Object.hasOwn(shape, k));
      if (extra !== undefined) throw new ValidationError(`${path}.${extra}`, unknownReason);
      return parsed;
    },
  };
}
