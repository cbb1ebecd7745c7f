/**
 * A throwaway company CA and server certificates signed by it (openssl CLI, as
 * test/pbx/tls.ts makes the emulator's self-signed one), and a TLS front that puts such a
 * certificate in front of a plain `ws://` emulator: the PBX as a company that signs its own
 * certificates runs it.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type TLSSocket } from 'node:tls';

export interface ServerCert {
  keyPem: string;
  certPem: string;
  fingerprint256: string;
}

export interface TestCa {
  certPem: string;
  /** A server certificate for these DNS names and IP addresses, signed by this CA. */
  issue(names: { dns?: string[]; ip?: string[] }): ServerCert;
  /** Remove the CA's files. */
  dispose(): void;
}

const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const run = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export function createTestCa(name = 'Example Corp Test CA'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'myapps-test-ca-'));
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.pem');
  run(['req', '-x509', ...ec, '-days', '2', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', caKey, '-out', caCert]);
  let serial = 0;
  return {
    certPem: readFileSync(caCert, 'utf8'),
    issue({ dns = [], ip = [] }) {
      const n = ++serial;
      const [key, csr, cert, ext] = ['key', 'csr', 'pem', 'ext'].map((e) => join(dir, `server${n}.${e}`)) as [string, string, string, string];
      const san = [...dns.map((d) => `DNS:${d}`), ...ip.map((i) => `IP:${i}`)].join(',');
      writeFileSync(ext, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`);
      run(['req', ...ec, '-subj', `/CN=${dns[0] ?? ip[0] ?? 'server'}`, '-keyout', key, '-out', csr]);
      run(['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-set_serial', String(1000 + n), '-days', '2', '-extfile', ext, '-out', cert]);
      const certPem = readFileSync(cert, 'utf8');
      return { keyPem: readFileSync(key, 'utf8'), certPem, fingerprint256: new X509Certificate(certPem).fingerprint256 };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsFront {
  readonly port: number;
  close(): Promise<void>;
}

/** TLS with `cert` on a loopback port, each connection piped to `targetPort` (a ws:// emulator). */
export async function startTlsFront(cert: { keyPem: string; certPem: string }, targetPort: number): Promise<TlsFront> {
  const sockets = new Set<Socket>();
  const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (client: TLSSocket) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
