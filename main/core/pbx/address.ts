/**
 * Where the myApps WebSocket of a PBX lives (`pbx-session.md` §1).
 * Users type a host (`pbx.example.com`, `10.0.0.5:8080`) or a URL (`https://pbx/PBX0`,
 * `ws://host/rp/PBX0/APPCLIENT/websocket`); the client needs one `ws(s)://` URL.
 */

/** Build number used in the default path; any value is accepted by PBXes (§1). */
export const DEFAULT_BUILD = '130000';
export const DEFAULT_MODULE = 'PBX0';

export class PbxAddressError extends Error {
  override name = 'PbxAddressError';
}

const schemes: Record<string, 'ws:' | 'wss:'> = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' };

/**
 * Turn what the user typed into the PBX WebSocket URL.
 * - no scheme → `wss:`; `http(s):` → `ws(s):`
 * - no path → `/PBX0/APPCLIENT/<build>/websocket`
 * - a path ending in `/websocket` is used as given
 * - any other path is the module path (possibly behind a reverse-proxy prefix): `<path>/APPCLIENT/<build>/websocket`
 */
export function pbxWebSocketUrl(input: string, build: string = DEFAULT_BUILD): string {
  const text = input.trim();
  if (!text) throw new PbxAddressError('PBX address is empty');
  if (/\s/.test(text)) throw new PbxAddressError(`PBX address "${text}" contains spaces`);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `wss://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new PbxAddressError(`PBX address "${text}" is not a host name or URL`);
  }
  const scheme = schemes[url.protocol];
  if (!scheme) throw new PbxAddressError(`PBX address "${text}" uses ${url.protocol.slice(0, -1)}; use a host name or an http(s)/ws(s) URL`);
  if (!url.hostname) throw new PbxAddressError(`PBX address "${text}" has no host`);
  if (url.username || url.password) throw new PbxAddressError('PBX address must not contain a user name or password');
  const path = url.pathname.replace(/\/+$/, '');
  let wsPath: string;
  if (path === '') wsPath = `/${DEFAULT_MODULE}/APPCLIENT/${build}/websocket`;
  else if (path.endsWith('/websocket')) wsPath = path;
  else wsPath = `${path}/APPCLIENT/${build}/websocket`;
  return `${scheme}//${url.host}${wsPath}`;
}

/**
 * The URL to follow a `Redirect{info:{host,mod}}` (§3.6): same scheme as the current
 * connection, the new host, module `mod` (default PBX0). `https`/`http` port fields, when
 * given, override the port for the matching scheme.
 */
export function redirectWebSocketUrl(current: string, info: { host: string; mod?: string | undefined; http?: number | undefined; https?: number | undefined }, build: string = DEFAULT_BUILD): string {
  const secure = current.startsWith('wss:');
  const mod = info.mod ?? DEFAULT_MODULE;
  if (!/^[A-Za-z0-9_.-]+$/.test(mod)) throw new PbxAddressError(`Redirect module "${mod}" is not a valid module name`);
  const port = secure ? info.https : info.http;
  let target: URL;
  try {
    target = new URL(`${secure ? 'wss' : 'ws'}://${info.host}`);
  } catch {
    throw new PbxAddressError(`Redirect host "${info.host}" is not a host name`);
  }
  if (target.pathname !== '/' || target.search || target.username) throw new PbxAddressError(`Redirect host "${info.host}" is not a host name`);
  if (port !== undefined) target.port = String(port);
  return `${target.protocol}//${target.host}/${mod}/APPCLIENT/${build}/websocket`;
}

/** `host[:port]` of a ws URL, for messages such as "connecting to <home PBX>". */
export function hostOf(wsUrl: string): string {
  return new URL(wsUrl).host;
}
