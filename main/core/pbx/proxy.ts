/**
 * Reaching the PBX through the proxy the system uses.
 *
 * Where the proxy comes from: the Electron shell asks Chromium (`session.resolveProxy`, which
 * knows the OS settings and PAC scripts) and answers in PAC form; in plain Node (browser
 * shell, doctor) `environmentProxy` reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY and answers in
 * the same form. `parsePac` turns that into routes to try in order.
 *
 * How: an HTTP CONNECT tunnel through the proxy (`openTunnel`), over TLS for an `HTTPS`
 * proxy; the TLS to the PBX then runs inside the tunnel, so the PBX's certificate is checked
 * (tls-trust.ts) exactly as on a direct connection — never the proxy's in its place.
 *
 * Proxy credentials go only into `Proxy-Authorization` and are never part of a message, an
 * error or a log line.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction, type Socket } from 'node:net';
import type { SecureContext } from 'node:tls';

/** One entry of a PAC answer, in the order to try. */
export type ProxyRoute =
  | { kind: 'direct' }
  /** `PROXY host:port` (plain HTTP to the proxy) or `HTTPS host:port` (TLS to the proxy). */
  | { kind: 'proxy'; protocol: 'http' | 'https'; host: string; port: number }
  /** SOCKS and whatever else we cannot speak: skipped with a log line. */
  | { kind: 'unsupported'; entry: string };

export interface ProxyCredentials {
  username: string;
  password: string;
}

/** `host:port` of a proxy as the user sees it (IPv6 in brackets). */
export function proxyName(route: { host: string; port: number }): string {
  return `${route.host.includes(':') ? `[${route.host}]` : route.host}:${route.port}`;
}

/**
 * A PAC answer ("PROXY a:3128; HTTPS b:443; DIRECT") as routes. An empty answer is DIRECT
 * (as Chromium reads it); unknown or SOCKS entries are kept as `unsupported` so that the
 * caller can say what it skipped.
 */
export function parsePac(pac: string): ProxyRoute[] {
  const routes: ProxyRoute[] = [];
  for (const raw of pac.split(';')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [type = '', server, ...rest] = entry.split(/\s+/);
    const kind = type.toUpperCase();
    if (kind === 'DIRECT' && server === undefined) {
      routes.push({ kind: 'direct' });
      continue;
    }
    const protocol = kind === 'PROXY' || kind === 'HTTP' ? 'http' : kind === 'HTTPS' ? 'https' : undefined;
    const hostPort = protocol && server !== undefined && rest.length === 0 ? parseHostPort(server, protocol === 'https' ? 443 : 80) : undefined;
    routes.push(protocol && hostPort ? { kind: 'proxy', protocol, ...hostPort } : { kind: 'unsupported', entry });
  }
  return routes.length ? routes : [{ kind: 'direct' }];
}

/** `host`, `host:port`, `[v6]`, `[v6]:port`; undefined if it is none of these. */
function parseHostPort(text: string, defaultPort: number): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]/\s@]+))(?::(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2]!).toLowerCase(), port };
}

// ------------------------------------------------------------------ environment (plain Node)

export interface EnvironmentProxy {
  /** The proxy for `url` (http(s) or ws(s)) in PAC form: "DIRECT", "PROXY host:port", "HTTPS host:port". */
  resolve(url: string): string;
  /** Credentials written into the proxy variable (`http://user:password@proxy:3128`), for that proxy. */
  credentials(proxy: string): ProxyCredentials | undefined;
  /** What is wrong with the variables, if anything (never containing credentials). */
  problems: string[];
}

/**
 * The proxy conventions of command-line tools: `https_proxy`/`HTTPS_PROXY` for wss: and
 * https:, `http_proxy`/`HTTP_PROXY` for ws: and http: (lower case wins), `no_proxy`/`NO_PROXY`
 * for exceptions. Loopback addresses (localhost, 127.0.0.0/8, ::1) never use a proxy, as in
 * Chromium and Go.
 */
export function environmentProxy(env: Readonly<Record<string, string | undefined>>): EnvironmentProxy {
  const problems: string[] = [];
  const read = (name: string) => {
    const text = (env[name.toLowerCase()] || env[name.toUpperCase()] || '').trim();
    if (!text) return undefined;
    const parsed = parseProxyUrl(text);
    if (!parsed) problems.push(`${name.toUpperCase()} is not a proxy address (expected http://host:port); connecting directly`);
    return parsed;
  };
  const https = read('https_proxy');
  const http = read('http_proxy');
  const noProxy = env.no_proxy || env.NO_PROXY || '';
  return {
    problems,
    resolve(url) {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return 'DIRECT';
      }
      const secure = u.protocol === 'https:' || u.protocol === 'wss:';
      const proxy = secure ? https : http;
      if (!proxy) return 'DIRECT';
      const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
      const port = u.port ? Number(u.port) : secure ? 443 : 80;
      if (isLoopback(host) || bypassesProxy(noProxy, host, port)) return 'DIRECT';
      return proxy.pac;
    },
    credentials(proxy) {
      for (const p of [https, http]) if (p?.credentials && p.name === proxy) return p.credentials;
      return undefined;
    },
  };
}

interface EnvProxy {
  pac: string;
  name: string;
  credentials?: ProxyCredentials;
}

function parseProxyUrl(text: string): EnvProxy | undefined {
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    return undefined;
  }
  const scheme = u.protocol.slice(0, -1).toLowerCase();
  const type = scheme === 'http' ? 'PROXY' : scheme === 'https' ? 'HTTPS' : scheme.startsWith('socks') ? scheme.toUpperCase() : undefined;
  if (!type || !u.hostname) return undefined;
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = u.port ? Number(u.port) : scheme === 'https' ? 443 : scheme === 'http' ? 80 : 1080;
  const name = proxyName({ host, port });
  const credentials = u.username ? { username: safeDecode(u.username), password: safeDecode(u.password) } : undefined;
  return { pac: `${type} ${name}`, name, ...(credentials && { credentials }) };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** localhost, *.localhost, 127.0.0.0/8, ::1 (and ::ffff:127.x). */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./i.test(host) || /^(0{1,4}:){7}0{0,3}1$/.test(host);
  return false;
}

/**
 * NO_PROXY: entries separated by commas or spaces. `*` matches everything; `example.com`,
 * `.example.com` and `*.example.com` match that domain and every name under it; an IP address
 * matches itself and `10.0.0.0/8` its network; `host:port` matches only that port
 * (`[v6]:port` for IPv6).
 */
export function bypassesProxy(noProxy: string, host: string, port: number): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: number | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      entry = bracketed[1]!;
      if (bracketed[2] !== undefined) entryPort = Number(bracketed[2]);
    } else if ((entry.match(/:/g) ?? []).length === 1) {
      const [name = '', p = ''] = entry.split(':');
      if (!/^\d+$/.test(p)) continue;
      entry = name;
      entryPort = Number(p);
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    if (matchesAddress(entry, h)) return true;
  }
  return false;
}

function matchesAddress(entry: string, host: string): boolean {
  const slash = entry.indexOf('/');
  if (slash > 0) {
    const net = entry.slice(0, slash);
    const prefix = Number(entry.slice(slash + 1));
    const family = isIP(net);
    if (!family || !isIP(host) || !Number.isInteger(prefix)) return false;
    try {
      const list = new BlockList();
      list.addSubnet(net, prefix, family === 4 ? 'ipv4' : 'ipv6');
      return list.check(host, isIP(host) === 4 ? 'ipv4' : 'ipv6');
    } catch {
      return false;
    }
  }
  if (isIP(entry)) return isIP(host) !== 0 && normalizeIp(entry) === normalizeIp(host);
  const domain = entry.replace(/^\*/, '').replace(/^\./, '').replace(/\.$/, '');
  return domain !== '' && (host === domain || host.endsWith(`.${domain}`));
}

function normalizeIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  // Expand "::" so that equal IPv6 addresses compare equal.
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':');
}

// ------------------------------------------------------------------ the tunnel

/** A proxy could not be used: the next route may be tried. */
export class ProxyUnusableError extends Error {
  override name = 'ProxyUnusableError';
  constructor(
    readonly proxy: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** The proxy wants a user name and password (HTTP 407 with Basic). */
export class ProxyAuthRequiredError extends Error {
  override name = 'ProxyAuthRequiredError';
  constructor(
    readonly proxy: string,
    readonly realm: string | undefined,
    /** Credentials were sent and the proxy turned them down. */
    readonly refused: boolean,
  ) {
    super(refused ? `The proxy ${proxy} did not accept the user name and password.` : `The proxy ${proxy} needs a user name and password.`);
  }
}

export interface TunnelOptions {
  /** `host:port` to CONNECT to (the PBX). */
  target: string;
  credentials?: ProxyCredentials;
  timeoutMs: number;
  /** Trust for an `HTTPS` proxy's own certificate (bundled and OS CAs; no fingerprint exceptions). */
  secureContext?: SecureContext;
  lookup?: LookupFunction;
}

/**
 * `CONNECT target` through the proxy; resolves with the socket of the tunnel once the proxy
 * said 200. A 407 rejects with ProxyAuthRequiredError; anything else that goes wrong (the proxy
 * unreachable, its certificate, another status) with ProxyUnusableError.
 */
export function openTunnel(route: Extract<ProxyRoute, { kind: 'proxy' }>, o: TunnelOptions): Promise<Socket> {
  const proxy = proxyName(route);
  const https = route.protocol === 'https';
  const headers: Record<string, string> = { host: o.target };
  if (o.credentials) headers['proxy-authorization'] = `Basic ${Buffer.from(`${o.credentials.username}:${o.credentials.password}`, 'utf8').toString('base64')}`;
  const options = {
    host: route.host,
    port: route.port,
    method: 'CONNECT',
    path: o.target,
    headers,
    agent: false as const,
    setHost: false,
    timeout: o.timeoutMs,
    ...(o.lookup && { lookup: o.lookup }),
  };
  const req = https
    ? httpsRequest({ ...options, ...(o.secureContext && { secureContext: o.secureContext }), servername: isIP(route.host) ? '' : route.host })
    : httpRequest(options);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), o.timeoutMs);
    const done = () => clearTimeout(timer);
    req.once('connect', (res: IncomingMessage, socket: Socket, head: Buffer) => {
      done();
      if (res.statusCode === 200) {
        socket.setTimeout(0);
        if (head.length) socket.unshift(head);
        resolve(socket);
        return;
      }
      socket.destroy();
      if (res.statusCode === 407) {
        const challenges = (res.headersDistinct['proxy-authenticate'] ?? []).join(', ');
        const basic = /(?:^|,)\s*basic\b(?:[^,]*?\brealm="([^"]*)")?/i.exec(challenges);
        if (basic || !challenges.trim()) reject(new ProxyAuthRequiredError(proxy, basic?.[1] || undefined, o.credentials !== undefined));
        else reject(new ProxyUnusableError(proxy, `the proxy ${proxy} asks for a kind of login myApps does not support (${challenges.split(/[\s,]/)[0]})`));
        return;
      }
      reject(new ProxyUnusableError(proxy, `the proxy ${proxy} refused the connection (HTTP ${res.statusCode ?? 0})`));
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.once('error', (e: Error & { code?: string }) => {
      done();
      const certificate = https && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(e.code ?? '');
      reject(new ProxyUnusableError(proxy, certificate ? `the certificate of the proxy ${proxy} is not trusted (${e.code})` : `cannot reach the proxy ${proxy}: ${e.code ?? e.message}`));
    });
    req.end();
  });
}
