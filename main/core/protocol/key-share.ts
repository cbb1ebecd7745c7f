/**
 * The ECDH P-256 key exchange of the OAuth2 login (`pbx-session.md` §3.8). The client sends
 * its public point as `Login.keyShare`, the PBX its own as `LoginResult.info.keyShare`; the
 * shared secret, as lowercase hex, is the secret S that the digest and the session cipher use
 * where a digest login uses the password.
 *
 * A key share on the wire is the uncompressed point without its leading 0x04: 64 bytes, 128 hex.
 */
import { createECDH } from 'node:crypto';

const CURVE = 'prime256v1';
const KEY_SHARE = /^[0-9a-fA-F]{128}$/;

export class KeyShareError extends Error {
  override name = 'KeyShareError';
}

/** One login attempt's key pair. Made fresh per attempt and dropped with it: never reused. */
export interface KeyPair {
  /** The public key share to send (128 lowercase hex). */
  readonly keyShare: string;
  /** S = hex(ECDH(own private key, peer key share)); throws KeyShareError for a bad peer share. */
  sharedSecret(peerKeyShare: unknown): string;
}

/** A fresh key pair; `privateKey` (32 bytes) only for test vectors. */
export function createKeyPair(privateKey?: Uint8Array): KeyPair {
  const ecdh = createECDH(CURVE);
  if (privateKey) ecdh.setPrivateKey(privateKey);
  else ecdh.generateKeys();
  return {
    keyShare: ecdh.getPublicKey().subarray(1).toString('hex'),
    sharedSecret(peer: unknown): string {
      if (typeof peer !== 'string' || !KEY_SHARE.test(peer)) throw new KeyShareError('the key share is not 128 hex characters');
      try {
        // Throws for a point that is not on the curve (an attacker's or a broken PBX's value).
        return ecdh.computeSecret(Buffer.concat([Buffer.from([0x04]), Buffer.from(peer, 'hex')])).toString('hex');
      } catch {
        throw new KeyShareError('the key share is not a point on the P-256 curve');
      }
    },
  };
}
