/**
 * Our pages come from `app://myapps/`, never from `file://` (security control 9): the
 * renderer build (`renderer/dist`) served by `protocol.handle`, every response with our CSP.
 *
 * The request-to-file mapping and the headers are PURE (unit-tested); `serveRenderer` only
 * reads the file. Only `import type` from electron: main.ts passes `protocol` in.
 *
 * Decisions:
 * - The scheme is registered before `ready` as standard (real origin, relative URLs),
 *   secure (a secure context, like https) and fetch-capable; it does not bypass CSP, has no
 *   service workers and no CORS privileges.
 * - Only GET and HEAD, only host `myapps`, no user info or port.
 * - The path is decoded once and must then be a plain relative path: no `.`/`..`/empty
 *   segments, no NUL, no backslash, no `:` (drive letters, Windows alternate data
 *   streams). The resolved file must lie under the root, and so must its real path (a
 *   symlink in the build cannot lead out either). `/` serves `index.html`.
 * - The CSP allows no inline script or style and no eval; fetches only to ourselves; images
 *   from ourselves, data: and http(s) (app icons come from the PBX). The UI frames only our own
 *   pages (each app is a view of its own; the status strip frames the status-frame page); the
 *   app-frame page, top-level in an app view, frames http(s) (which app may be shown is decided
 *   in the core, not by the CSP); the status-frame page (bridge/status-frame.ts) is served only
 *   for a status page the core shows now and frames exactly that page's origin. Nobody may
 *   frame our pages but the status-frame page, which only our own pages may frame.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { CustomScheme, Protocol } from 'electron';
import { appFramePagePath } from '../core/bridge/app-frame.js';
import { statusFrameContentSecurityPolicy, statusFramePagePath, statusPageOf } from '../core/bridge/status-frame.js';
import type { Logger } from '../core/common/log.js';
import { SHELL_HOST, SHELL_SCHEME, parseUrl } from './navigation.js';

export const appScheme: CustomScheme = {
  scheme: SHELL_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true, bypassCSP: false, allowServiceWorkers: false, corsEnabled: false, stream: false },
};

/** Must run before the app's `ready` event. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([appScheme]);
}

function policy(frameSources: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https: http: data:",
    "connect-src 'self'",
    `frame-src ${frameSources}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The UI and every other response: it frames our own pages only — the status-frame page, in the
 * status strip (app views are the main process's own views); every page but that one refuses
 * to be framed (`frame-ancestors 'none'`).
 */
export const contentSecurityPolicy = policy("'self'");
/** The app-frame page, top-level in each app view: it frames one app of any http(s) origin (the core decides which). */
export const appFrameContentSecurityPolicy = policy('https: http:');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(file: string): string {
  return contentTypes[nodePath.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers of every response, errors included; `csp` is the UI's unless the response is the app-frame page. */
export function securityHeaders(csp = contentSecurityPolicy): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
}

/** Is this file the status-frame page? */
function isStatusFramePage(file: string): boolean {
  return nodePath.basename(file).toLowerCase() === statusFramePagePath.slice(1);
}

/** Headers of a file response; `statusOrigin`: the origin the status-frame page is served for (the core's). */
export function fileHeaders(file: string, statusOrigin?: string): Record<string, string> {
  const name = nodePath.basename(file).toLowerCase();
  const csp = name === appFramePagePath.slice(1) ? appFrameContentSecurityPolicy : isStatusFramePage(file) && statusOrigin !== undefined ? statusFrameContentSecurityPolicy(statusOrigin) : contentSecurityPolicy;
  return { ...securityHeaders(csp), 'Content-Type': contentType(file) };
}

export type AppRequest = { kind: 'file'; path: string } | { kind: 'error'; status: 400 | 404 | 405; reason: string };

/** Which file under `root` a request names, or why none. `path` is injectable for the Windows tests. */
export function resolveAppRequest(url: string, method: string, root: string, path: nodePath.PlatformPath = nodePath): AppRequest {
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'error', status: 405, reason: 'method not allowed' };
  const u = parseUrl(url);
  if (!u || u.protocol !== `${SHELL_SCHEME}:` || u.host !== SHELL_HOST || u.username !== '' || u.password !== '') return { kind: 'error', status: 404, reason: 'not one of our pages' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(u.pathname);
  } catch {
    return { kind: 'error', status: 400, reason: 'malformed %-escape' };
  }
  if (decoded === '' || decoded === '/') decoded = '/index.html';
  if (!decoded.startsWith('/') || /[\0\\:]/.test(decoded)) return { kind: 'error', status: 400, reason: 'not a plain path' };
  const segments = decoded.slice(1).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return { kind: 'error', status: 400, reason: 'not a plain path' };
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  if (!file.startsWith(base + path.sep)) return { kind: 'error', status: 400, reason: 'outside the root' };
  return { kind: 'file', path: file };
}

function errorResponse(status: number, reason: string): Response {
  return new Response(reason, { status, headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' } });
}

/**
 * The origin of the status page an app shows at exactly this URL, or undefined when none is
 * (`ClientCore.statusInfoOrigin`). Without it, no status-frame page is served.
 */
export type StatusInfoOrigin = (url: string) => string | undefined;

/**
 * The response to one `app:` request: the file, or an error; always with our headers.
 * Plain Fetch API objects, so it runs (and is tested) in Node as well.
 */
export async function appResponse(request: Pick<Request, 'url' | 'method'>, root: string, log: Logger, statusInfoOrigin?: StatusInfoOrigin): Promise<Response> {
  const target = resolveAppRequest(request.url, request.method, root);
  if (target.kind === 'error') {
    log('warn', 'app:// request refused', { url: request.url.slice(0, 200), status: target.status, reason: target.reason });
    return errorResponse(target.status, target.reason);
  }
  // The status-frame page only while the core shows a status page at the URL it names.
  let statusOrigin: string | undefined;
  if (isStatusFramePage(target.path)) {
    const page = statusPageOf(request.url);
    statusOrigin = page === undefined ? undefined : statusInfoOrigin?.(page);
    if (statusOrigin === undefined) {
      log('info', 'status-frame page refused: no status page shown at that URL', { url: page?.slice(0, 200) });
      return errorResponse(404, 'no app shows a status page at that address');
    }
  }
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(target.path)]);
    if (!realFile.startsWith(realRoot + nodePath.sep) || !(await stat(realFile)).isFile()) return errorResponse(404, 'not found');
    const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(realFile));
    return new Response(body, { status: 200, headers: fileHeaders(realFile, statusOrigin) });
  } catch {
    return errorResponse(404, 'not found');
  }
}

/** Serve `root` (the renderer build) under `app://myapps/` on the protocol given (a session's). */
export function serveRenderer(protocol: Protocol, root: string, log: Logger, statusInfoOrigin?: StatusInfoOrigin): void {
  protocol.handle(SHELL_SCHEME, (request) => appResponse(request, root, log, statusInfoOrigin));
}
