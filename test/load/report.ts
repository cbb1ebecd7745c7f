/**
 * Output of the load runs: a small Markdown table on stdout, and the figures as JSON in
 * test/load/results/latest.json (one key per run: `client`, `emulator`; the other run's key is kept).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
export const latestResultsFile = `${resultsDir}latest.json`;

export const mb = (bytes: number) => bytes / (1024 * 1024);
export const fmtMb = (bytes: number) => `${mb(bytes).toFixed(1)} MB`;
export const fmtSignedMb = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${mb(Math.abs(bytes)).toFixed(2)} MB`;
export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

/** A two-column Markdown table. */
export function markdownTable(title: [string, string], rows: [string, string][]): string {
  const w0 = Math.max(title[0].length, ...rows.map((r) => r[0].length));
  const w1 = Math.max(title[1].length, ...rows.map((r) => r[1].length));
  const line = (a: string, b: string) => `| ${a.padEnd(w0)} | ${b.padEnd(w1)} |`;
  return [line(title[0], title[1]), `|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 2)}|`, ...rows.map((r) => line(r[0], r[1]))].join('\n') + '\n';
}

/** Where the figures were taken: they mean little without the machine. */
export function machine(): Record<string, unknown> {
  const c = cpus();
  return { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: c.length, cpuModel: c[0]?.model ?? 'unknown', totalMemMb: Math.round(mb(totalmem())) };
}

/** Store this run's figures under `key` in latest.json, keeping the other run's. */
export function writeResults(key: 'client' | 'emulator', figures: Record<string, unknown>): void {
  mkdirSync(resultsDir, { recursive: true });
  let all: Record<string, unknown> = {};
  if (existsSync(latestResultsFile)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(latestResultsFile, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) all = parsed as Record<string, unknown>;
    } catch {
      // A damaged file is replaced.
    }
  }
  all[key] = { at: new Date().toISOString(), machine: machine(), ...figures };
  const tmp = `${latestResultsFile}.tmp`;
  writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n');
  renameSync(tmp, latestResultsFile);
}

/** heapUsed after a full GC (needs `--expose-gc`): three rounds, letting finalizers and weak refs settle in between. */
export async function heapAfterGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (npm run load does)');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
