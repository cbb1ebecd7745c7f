/**
 * A real HTTP CONNECT proxy for tests (node:http's 'connect'), as a company proxy behaves:
 * it tunnels to `host:port`, resolving names itself (`hosts` maps test names such as
 * `pbx.test` to an address), may require Basic authentication (407 with a realm), may refuse
 * every tunnel (403), and may speak TLS to the client (an `HTTPS` proxy). It records every
 * CONNECT it sees and counts the tunnels it opened.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ConnectProxyOptions {
  /** Require these (Basic); other credentials or none get 407. */
  auth?: { username: string; password: string; realm?: string };
  /** Answer 407 asking for this scheme only (e.g. "NTLM"), never accepting anything. */
  onlyScheme?: string;
  /** Refuse every CONNECT with this status (e.g. 403). */
  refuse?: number;
  /** Name → address the proxy connects to instead of resolving the name. */
  hosts?: Record<string, string>;
  /** Serve TLS to the client (an `HTTPS host:port` proxy). */
  tls?: { keyPem: string; certPem: string };
}

export interface ConnectRecord {
  /** `host:port` the client asked for. */
  target: string;
  /** The Proxy-Authorization header as sent, if any. */
  authorization?: string;
  status: number;
}

export interface ConnectProxy {
  readonly port: number;
  /** `127.0.0.1:PORT`. */
  readonly hostPort: string;
  /** Every CONNECT request, in order. */
  readonly requests: ConnectRecord[];
  /** Tunnels opened (answered 200 and connected to the target). */
  tunnels(): number;
  close(): Promise<void>;
}

export async function startConnectProxy(opts: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.keyPem, cert: opts.tls.certPem }) : createHttpServer();
  const requests: ConnectRecord[] = [];
  const sockets = new Set<Duplex>();
  let tunnels = 0;
  server.on('request', (_req, res) => res.writeHead(405, { 'content-type': 'text/plain' }).end('CONNECT only\n'));
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const target = req.url ?? '';
    const authorization = req.headers['proxy-authorization'];
    const answer = (status: number, reason: string, headers = '') => {
      requests.push({ target, status, ...(authorization !== undefined && { authorization }) });
      client.end(`HTTP/1.1 ${status} ${reason}\r\n${headers}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (opts.refuse) return answer(opts.refuse, 'Refused');
    if (opts.onlyScheme) return answer(407, 'Proxy Authentication Required', `Proxy-Authenticate: ${opts.onlyScheme}\r\n`);
    if (opts.auth) {
      const expected = `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`;
      if (authorization !== expected) return answer(407, 'Proxy Authentication Required', `Proxy-Authenticate: Basic realm="${opts.auth.realm ?? 'proxy'}"\r\n`);
    }
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(target);
    if (!m) return answer(400, 'Bad Request');
    const name = (m[1] ?? m[2])!;
    const upstream: Socket = connect(Number(m[3]), opts.hosts?.[name] ?? name);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      tunnels++;
      requests.push({ target, status: 200, ...(authorization !== undefined && { authorization }) });
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.once('error', () => (upstream.readyState === 'opening' ? answer(502, 'Bad Gateway') : client.destroy()));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hostPort: `127.0.0.1:${port}`,
    requests,
    tunnels: () => tunnels,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on loopback where nothing listens (a proxy that is down). */
export async function closedPort(): Promise<number> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
