/**
 * The two primitives every myApps digest and cipher is built from.
 * SHA-256 and RC4 run over UTF-8 bytes and produce lowercase hex, as the PBX does
 * (`pbx-session.md` §3, `app-hosting.md` §2.3/§2.5).
 *
 * This file is deliberately tiny and formula-free: the PBX emulator shares it, and the
 * vectors in `test/vectors/protocol-vectors.json` pin it down. The message formulas that
 * combine these primitives live in `digest.ts` (client) and are written again independently
 * in the emulator, so a formula bug cannot hide on both sides.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Lowercase hex SHA-256 of the UTF-8 encoding of `text`. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Plain RC4 (KSA + PRGA, no drop). Node's OpenSSL 3 no longer ships RC4 by default,
 * so we implement the 20 lines ourselves. Encryption and decryption are the same operation.
 */
export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  if (key.length === 0) throw new RangeError('RC4 key must not be empty');
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
  }
  const out = new Uint8Array(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}

/** RC4-encrypt UTF-8 `plain` under the UTF-8 bytes of `key`; returns lowercase hex. */
export function rc4EncryptHex(key: string, plain: string): string {
  return Buffer.from(rc4(Buffer.from(key, 'utf8'), Buffer.from(plain, 'utf8'))).toString('hex');
}

/** Inverse of {@link rc4EncryptHex}. Throws on input that is not even-length hex. */
export function rc4DecryptHex(key: string, cipherHex: string): string {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(cipherHex)) throw new TypeError('RC4 ciphertext is not hex');
  return Buffer.from(rc4(Buffer.from(key, 'utf8'), Buffer.from(cipherHex, 'hex'))).toString('utf8');
}

/** `bytes` fresh random bytes as lowercase hex (nonces, challenges, session ids). */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
