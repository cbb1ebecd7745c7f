/**
 * SHA-256 and RC4 for the sample apps' AppWebsocket helpers, in plain ES2020 with no DOM use, so
 * the same file runs in the app pages and under vitest (test/unit/sample-apps-crypto.test.ts).
 * Synchronous like innovaphone's own JS crypto; Web Crypto is async and missing outside secure contexts.
 */

const utf8 = new TextEncoder();

const rotr = (x, n) => (x >>> n) | (x << (32 - n));

/** The first `count` primes. */
function primes(count) {
  const out = [];
  for (let n = 2; out.length < count; n++) if (out.every((p) => n % p !== 0)) out.push(n);
  return out;
}

/** First 32 bits of the fractional part of `x` (FIPS 180-4 §4.2.2/§5.3.3 constants). */
const frac32 = (x) => Math.floor((x - Math.floor(x)) * 0x100000000) >>> 0;

const ROUND = Uint32Array.from(primes(64), (p) => frac32(Math.cbrt(p)));
const INITIAL = Uint32Array.from(primes(8), (p) => frac32(Math.sqrt(p)));

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Lowercase hex SHA-256 of a string (UTF-8) or bytes. */
export function sha256Hex(input) {
  const data = typeof input === 'string' ? utf8.encode(input) : input;
  const total = Math.ceil((data.length + 9) / 64) * 64;
  const buf = new Uint8Array(total);
  buf.set(data);
  buf[data.length] = 0x80;
  const view = new DataView(buf.buffer);
  view.setUint32(total - 8, Math.floor(data.length / 0x20000000));
  view.setUint32(total - 4, (data.length * 8) >>> 0);
  const h = Uint32Array.from(INITIAL);
  const w = new Uint32Array(64);
  for (let off = 0; off < total; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    let [a, b, c, d, e, f, g, k] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + ROUND[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  h.forEach((v, i) => outView.setUint32(i * 4, v));
  return hex(out);
}

/** RC4 keystream applied to `data` (standard KSA + PRGA). */
export function rc4(key, data) {
  const s = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = new Uint8Array(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
    out[n] = data[n] ^ s[(s[i] + s[j]) & 0xff];
  }
  return out;
}

/** AppWebsocket `encrypt(seed, data)`: hex(RC4(UTF-8(seed ":" key), UTF-8(data))). */
export function encryptHex(seed, key, data) {
  return hex(rc4(utf8.encode(`${seed}:${key}`), utf8.encode(data)));
}

/** Inverse of {@link encryptHex}. */
export function decryptHex(seed, key, cipherHex) {
  const bytes = Uint8Array.from(cipherHex.match(/../g) ?? [], (b) => parseInt(b, 16));
  return new TextDecoder().decode(rc4(utf8.encode(`${seed}:${key}`), bytes));
}

/** AppWebsocket `hash(seed, data)`: hex(SHA-256(seed ":" key ":" data)). */
export function hashHex(seed, key, data) {
  return sha256Hex(`${seed}:${key}:${data}`);
}
