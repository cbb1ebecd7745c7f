/**
 * Logging with secrets redacted (architecture rule 4). Every component takes a `Logger`;
 * the default writes JSON lines to stderr. Fields named like a secret are replaced before
 * anything is written, at any depth, so a whole PBX message can be logged safely.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

const secretKeys = new Set(['password', 'pwd', 'key', 'digest', 'response', 'usr', 'salt', 'secret', 'token']);

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = secretKeys.has(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

const levels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** A logger handing one redacted JSON line per entry from `minLevel` up to `write`. */
function lineLogger(write: (line: string) => void, minLevel: LogLevel, stamp: boolean): Logger {
  const min = levels.indexOf(minLevel);
  return (level, message, fields) => {
    if (levels.indexOf(level) < min) return;
    write(JSON.stringify({ ...(stamp && { time: new Date().toISOString() }), level, message, ...(redact(fields) as object) }) + '\n');
  };
}

/** A logger writing one JSON object per line to stderr, from `minLevel` up. */
export function stderrLogger(minLevel: LogLevel = 'info'): Logger {
  return lineLogger((line) => process.stderr.write(line), minLevel, false);
}

export const silentLogger: Logger = () => {};

/**
 * A logger appending JSON lines to `path` (created with its directory), secrets redacted.
 * Writes are synchronous so that a crash loses no line; the log is low-volume.
 */
export function fileLogger(path: string, minLevel: LogLevel = 'info'): Logger {
  mkdirSync(dirname(path), { recursive: true });
  return lineLogger((line) => appendFileSync(path, line, { mode: 0o600 }), minLevel, true);
}
