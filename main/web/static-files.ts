/**
 * Serving the renderer build (`renderer/dist`) without ever leaving it. A request path is
 * decoded once and must then be a plain relative path: no `.`/`..`/empty segments, no NUL,
 * no backslash (a separator on Windows). The resolved file must lie under the root, and so
 * must its real path, so a symlink in the build cannot lead out either.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export function contentType(file: string): string {
  return contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The path under `root` that a raw request path (without query) names, or undefined if it is not a plain path. */
export function resolveStaticPath(root: string, rawPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || /[\0\\]/.test(decoded)) return undefined;
  const segments = decoded.slice(1).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  const base = resolve(root);
  const file = resolve(base, ...segments);
  return file.startsWith(base + sep) ? file : undefined;
}

export interface StaticFile {
  path: string;
  size: number;
}

/** The regular file a request path names: `'bad-path'` for a path that is refused outright, undefined if there is none. */
export async function findStaticFile(root: string, rawPath: string): Promise<StaticFile | 'bad-path' | undefined> {
  const file = resolveStaticPath(root, rawPath);
  if (file === undefined) return 'bad-path';
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    if (!realFile.startsWith(realRoot + sep)) return undefined;
    const info = await stat(realFile);
    return info.isFile() ? { path: realFile, size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

/** Send a file found by `findStaticFile`; HEAD gets the headers only. */
export async function sendStaticFile(req: IncomingMessage, res: ServerResponse, file: StaticFile, headers: Record<string, string>): Promise<void> {
  res.writeHead(200, { ...headers, 'Content-Type': contentType(file.path), 'Content-Length': String(file.size) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(file.path), res);
}
