/**
 * Certificate trust for the PBX connection (security control 10).
 * Normal validation always applies, against Node's CAs and the OS trust store (system-ca.ts).
 * A user may additionally trust exactly one certificate per account by its SHA-256
 * fingerprint — never "ignore all errors".
 */
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { trustedSecureContext } from './system-ca.js';

/** `AB:CD:…` or `abcd…` → `ABCD…` so both spellings compare equal. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) throw new TypeError(`"${fp}" is not a SHA-256 fingerprint (64 hex digits)`);
  return hex;
}

/** Colon form used when showing a fingerprint to a person. */
export function displayFingerprint(fp: string): string {
  return normalizeFingerprint(fp).match(/../g)!.join(':');
}

/** The PBX presented a certificate that is neither valid nor trusted by fingerprint. */
export class UntrustedCertificateError extends Error {
  override name = 'UntrustedCertificateError';
  constructor(
    /** SHA-256 fingerprint of the presented certificate, colon form. */
    readonly fingerprint256: string,
    /** OpenSSL's reason, e.g. DEPTH_ZERO_SELF_SIGNED_CERT or ERR_TLS_CERT_ALTNAME_INVALID. */
    readonly reason: string,
    readonly subject: string,
  ) {
    super(`The PBX certificate is not trusted (${reason}); SHA-256 fingerprint ${fingerprint256}`);
  }
}

/**
 * A `createConnection` for `ws` that completes the TLS handshake without Node's automatic
 * rejection, then accepts the socket only if the chain (to a bundled or OS CA) and host name
 * verified, or the certificate's fingerprint is one the user trusted. Otherwise the socket is
 * destroyed with an UntrustedCertificateError before any byte of the WebSocket handshake is sent.
 * `over`: a tunnel through a proxy to run the TLS in; the certificate checked is still the PBX's.
 */
export function trustingTlsConnect(trusted: readonly string[], over?: Duplex) {
  const allowed = new Set(trusted.map(normalizeFingerprint));
  return (options: ConnectionOptions & { path?: string; host?: string }): TLSSocket => {
    const host = options.host ?? 'localhost';
    const socket = tlsConnect({
      ...options,
      ...(over && { socket: over }),
      path: undefined,
      servername: options.servername ?? (isIP(host) ? '' : host),
      secureContext: trustedSecureContext(),
      rejectUnauthorized: false,
    } as ConnectionOptions);
    socket.once('secureConnect', () => {
      if (socket.authorized) return;
      const cert = socket.getPeerCertificate();
      const fp = cert?.fingerprint256 ?? '';
      if (fp && allowed.has(normalizeFingerprint(fp))) return;
      const reason = String(socket.authorizationError ?? 'UNKNOWN');
      const cn = cert?.subject?.CN;
      socket.destroy(new UntrustedCertificateError(fp, reason, Array.isArray(cn) ? cn.join(', ') : (cn ?? '')));
    });
    return socket;
  };
}
