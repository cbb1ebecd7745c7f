/**
 * The certificate authorities a PBX certificate is checked against: Node's bundled ones plus
 * the operating system's trust store, so that a PBX signed by a company CA that IT installed
 * on the machine works without a fingerprint exception.
 *
 * Node ≥ 22.15 / 23.5 (the Electron build) reads the OS store itself: `tls.getCACertificates`.
 * Older Node (20: the browser shell, the doctor, the tests) follows OpenSSL's conventions:
 * `SSL_CERT_FILE` / `SSL_CERT_DIR`, else the distribution's bundle. Read once per process.
 */
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tls from 'node:tls';

/** Where Linux distributions and macOS keep the system's CA bundle, in the order tried. */
export const DISTRIBUTION_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Arch, Alpine
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL, CentOS
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/ssl/cert.pem', // macOS, Alpine, FreeBSD
];

type CertificateStore = 'default' | 'system' | 'bundled' | 'extra';
type GetCACertificates = (store?: CertificateStore) => string[];

export interface SystemCaSource {
  env: Readonly<Record<string, string | undefined>>;
  /** `tls.getCACertificates` where Node has it. */
  getCACertificates?: GetCACertificates | undefined;
  bundles?: readonly string[];
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates in a PEM file; unreadable files and blocks that are not certificates are skipped. */
function pemBlocks(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return (text.match(PEM) ?? []).filter((pem) => {
    try {
      new X509Certificate(pem);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Every CA the PBX certificate may chain to, from `source` (not cached: `trustedCertificates`
 * is the cached one). Duplicates removed.
 */
export function loadTrustedCertificates(source: SystemCaSource): string[] {
  const { env } = source;
  const out: string[] = [];
  const fromNode = source.getCACertificates && readNodeStores(source.getCACertificates);
  if (fromNode) {
    out.push(...fromNode);
  } else {
    // An explicit `ca` replaces Node's defaults, so NODE_EXTRA_CA_CERTS is read here as Node would.
    out.push(...tls.rootCertificates);
    if (env.NODE_EXTRA_CA_CERTS) out.push(...pemBlocks(env.NODE_EXTRA_CA_CERTS));
    out.push(...systemFromFiles(env, source.bundles ?? DISTRIBUTION_BUNDLES));
  }
  return [...new Set(out.map((pem) => pem.trim()))];
}

/** `default` is what Node trusts anyway (bundled, NODE_EXTRA_CA_CERTS, …), `system` the OS store; undefined if this Node cannot say. */
function readNodeStores(getCACertificates: GetCACertificates): string[] | undefined {
  try {
    return [...getCACertificates('default'), ...getCACertificates('system')];
  } catch {
    return undefined;
  }
}

/** OpenSSL's conventions: SSL_CERT_FILE and SSL_CERT_DIR if set, else the first bundle that exists. */
function systemFromFiles(env: Readonly<Record<string, string | undefined>>, bundles: readonly string[]): string[] {
  if (env.SSL_CERT_FILE || env.SSL_CERT_DIR) {
    const out = env.SSL_CERT_FILE ? pemBlocks(env.SSL_CERT_FILE) : [];
    // SSL_CERT_DIR may list several directories (":"-separated, ";" on Windows).
    for (const dir of (env.SSL_CERT_DIR ?? '').split(process.platform === 'win32' ? ';' : ':').filter(Boolean)) {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        const path = join(dir, name);
        try {
          if (statSync(path).isFile()) out.push(...pemBlocks(path));
        } catch {
          // a dangling link: skip it
        }
      }
    }
    return out;
  }
  for (const path of bundles) {
    const found = pemBlocks(path);
    if (found.length) return found;
  }
  return [];
}

let cached: { certificates: string[]; context: tls.SecureContext } | undefined;

/** Node's CAs and the OS's, read once per process. */
export function trustedCertificates(): string[] {
  return trusted().certificates;
}

/** A TLS context trusting `trustedCertificates()`, made once (parsing a few hundred CAs per connection would be wasted). */
export function trustedSecureContext(): tls.SecureContext {
  return trusted().context;
}

function trusted(): { certificates: string[]; context: tls.SecureContext } {
  if (!cached) {
    const getCACertificates = (tls as unknown as { getCACertificates?: GetCACertificates }).getCACertificates;
    const certificates = loadTrustedCertificates({ env: process.env, getCACertificates });
    cached = { certificates, context: tls.createSecureContext({ ca: certificates }) };
  }
  return cached;
}
