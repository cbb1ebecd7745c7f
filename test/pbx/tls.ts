/**
 * A throw-away self-signed certificate for `tls: true`, made with the openssl CLI (Node
 * cannot create X.509 certificates itself). Valid for localhost and 127.0.0.1, 2 days.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCert {
  keyPem: string;
  certPem: string;
  /** "AB:CD:…" as a user would compare it (X509Certificate.fingerprint256). */
  fingerprint256: string;
}

export function createSelfSignedCert(): SelfSignedCert {
  const dir = mkdtempSync(join(tmpdir(), 'pbx-emulator-tls-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', key, '-out', cert,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    const certPem = readFileSync(cert, 'utf8');
    return { keyPem: readFileSync(key, 'utf8'), certPem, fingerprint256: new X509Certificate(certPem).fingerprint256 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
