/**
 * Loads the protocol vectors the formula tests check against: `test/vectors/protocol-vectors.json`
 * in this repository (where each set comes from: test/vectors/README.md). `MYAPPS_VECTORS`
 * names another file of the same shape, e.g. to try vectors captured from your own PBX.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const vectorsPath = process.env.MYAPPS_VECTORS ?? fileURLToPath(new URL('../vectors/protocol-vectors.json', import.meta.url));

export interface Vectors {
  login: { type: 'user' | 'session'; domain: string; username: string; password: string; nonce: string; challenge: string; response: string }[];
  loginResult: { domain: string; username: string; secret: string; nonce: string; challenge: string; info: Record<string, unknown>; digest: string; decryptedSession?: { usr: string; pwd: string } }[];
  redirect: { username: string; secret: string; nonce: string; challenge: string; info: Record<string, unknown>; digest: string }[];
  appLogin: { app: string; domain: string; sip: string; guid: string; dn: string; info?: Record<string, unknown>; challenge: string; password: string; pbxObj: string; digest: string }[];
  sessionKey: { challenge: string; password: string; key: string }[];
  realPbxAppLogins: { cases: { app: string; domain: string; sip: string; guid: string; dn: string; pbxObj: string; challenge: string; password: string; digest: string; info: Record<string, unknown> }[] };
  realPbxSessionRc4: { key: string; cipherHex: string; plain: string };
  sdkAppLoginVectors: { cases: { input: string; digest: string }[] };
  avatar: { cases: { token: string; salt: string; sip: string; auth: string }[] };
  oauth2: {
    cases: {
      clientPrivateKey: string;
      pbxPrivateKey: string;
      clientKeyShare: string;
      pbxKeyShare: string;
      sharedSecret: string;
      domain: string;
      username: string;
      nonce: string;
      challenge: string;
      info: Record<string, unknown>;
      digest: string;
      decryptedSession: { usr: string; pwd: string };
    }[];
  };
}

export const vectors = JSON.parse(readFileSync(vectorsPath, 'utf8')) as Vectors;
