/**
 * The figures `npm run bench` reports, how each compares with its bar, and the two files it
 * writes: `bench/results/latest.json` (for tools) and `bench/results/latest.md` (for people;
 * the README shows it). PURE apart from `writeResults`; unit-tested.
 *
 * `ratio` says how far a figure is from its bar, the same way for every figure: ≤ 1 passes.
 * Times and sizes ("at most"): ours ÷ bar. Throughputs and shares ("at least"): bar ÷ ours.
 * A figure with two bars (the relay: a share of the direct rate AND a rate) takes the worse.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, type, release, arch } from 'node:os';
import { join } from 'node:path';

export type FigureKey = 'relay' | 'searchKeystroke' | 'searchKeystrokeContacts' | 'tilesRender' | 'loginToTiles' | 'reconnect' | 'memoryPerAppView' | 'inspectorClosed';

/** One bar: the figure must be at most (`max`) or at least (`min`) `value`. */
export interface Bar {
  kind: 'max' | 'min';
  value: number;
  /** What `value` is measured on: the figure's own value, or the ratio to its reference. */
  of: 'value' | 'reference-ratio';
  text: string;
}

export interface Measurement {
  value: number;
  unit: string;
  /** The side-by-side reference measured in the same run, where there is one. */
  reference?: { value: number; unit: string; what: string };
  /** Every run's value, for the record. */
  runs?: number[];
  /** Anything a reader needs to read the value right. */
  note?: string;
}

export interface Figure extends Measurement {
  bar: string;
  ratio: number;
  ok: boolean;
}

export interface Results {
  machine: Record<string, string | number>;
  date: string;
  figures: Partial<Record<FigureKey, Figure>>;
}

/** How far `m` is from each bar (≤ 1 passes); the worst of them. */
export function ratioTo(m: Measurement, bars: readonly Bar[]): number {
  const ratios = bars.map((bar) => {
    const measured = bar.of === 'value' ? m.value : m.reference ? m.value / m.reference.value : Number.NaN;
    return bar.kind === 'max' ? measured / bar.value : bar.value / measured;
  });
  return Math.max(...ratios);
}

export function figure(m: Measurement, bars: readonly Bar[]): Figure {
  const ratio = ratioTo(m, bars);
  return { ...m, bar: bars.map((b) => b.text).join(' and '), ratio, ok: Number.isFinite(ratio) && ratio <= 1 };
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const percentile = (xs: readonly number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((xs.length * p) / 100) - 1)]!;

const TITLES: Record<FigureKey, string> = {
  relay: 'Client API round trips through the client vs two iframes posting directly',
  searchKeystroke: 'Search keystroke, input to next paint (p95)',
  searchKeystrokeContacts: 'Search keystroke with contact search providers, input to next paint (p95)',
  tilesRender: 'Tiles: login click to visible tiles painted (script + style + layout)',
  loginToTiles: 'Login to tiles vs a bare page',
  reconnect: 'Reconnect after a PBX restart',
  memoryPerAppView: 'Memory of an idle app view reclaimed by unloading',
  inspectorClosed: 'Round trips through the core, developer mode on and the inspector closed',
};

const num = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(Math.abs(x) >= 10 ? 1 : 2));

export function markdown(results: Results): string {
  const rows = (Object.keys(TITLES) as FigureKey[]).flatMap((key) => {
    const f = results.figures[key];
    if (!f) return [`| ${TITLES[key]} | not measured | | | |`];
    const reference = f.reference ? `${num(f.reference.value)} ${f.reference.unit} (${f.reference.what})` : '';
    return [`| ${TITLES[key]} | ${num(f.value)} ${f.unit} | ${reference} | ${f.bar} | ${f.ratio.toFixed(2)} ${f.ok ? 'ok' : '**over**'} |`];
  });
  const machine = Object.entries(results.machine)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const notes = (Object.keys(TITLES) as FigureKey[]).flatMap((key) => {
    const f = results.figures[key];
    // The spread says how much one run tells: on a small shared machine, a lot less than the median.
    const spread = f?.runs && f.runs.length > 1 ? `runs from ${num(Math.min(...f.runs))} to ${num(Math.max(...f.runs))} ${f.unit}` : undefined;
    const text = [f?.note?.replace(/\.$/, ''), spread].filter(Boolean).join('; ');
    return text ? [`- ${TITLES[key]}: ${text}`] : [];
  });
  return [`Measured ${results.date} on ${machine}.`, '', '| Figure | Ours | Reference | Bar | Ratio (≤ 1 passes) |', '|---|---|---|---|---|', ...rows, '', ...notes, ''].join('\n');
}

export function machineInfo(browserVersion: string): Record<string, string | number> {
  const cpu = cpus();
  return { cpus: cpu.length, cpu: cpu[0]?.model.trim() ?? 'unknown', memoryGB: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()} ${arch()}`, node: process.version, chromium: browserVersion };
}

export function writeResults(dir: string, results: Results): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(dir, 'latest.md'), markdown(results));
}
