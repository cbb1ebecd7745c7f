/**
 * `npm run bench`: the product's speed and memory bars (README, "Speed"), each measured side
 * by side with its reference in one run, printed as a ratio (≤ 1 passes) and written to
 * `bench/results/latest.json` and `latest.md`. Not a test: nothing here fails the build; the
 * figures are the check. `BENCH_RUNS` (default 5) runs per figure; `BENCH_ONLY=relay,reconnect`
 * measures only those.
 *
 *   relay             Client API round trips/s through the client vs two iframes posting directly (relay.ts)
 *   searchKeystroke   search keystroke input → next paint, p95, 2,000 tiles (home.ts)
 *   searchKeystrokeContacts  the same with two contact search providers answering (home.ts)
 *   tilesRender       2,000 tiles: login click → visible tiles painted, script + style + layout (home.ts)
 *   loginToTiles      200 apps: login click → tiles, vs a bare page doing the same exchanges (home.ts)
 *   reconnect         PBX restarted → session back, vs the first backoff + one round trip (reconnect.ts)
 *   memoryPerAppView  memory of an idle app view, and how much unloading it gives back (memory.ts)
 *   inspectorClosed   round trips through the core, developer mode on and no inspector open, vs developer mode off (inspector.ts)
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from '@playwright/test';
import { launch, RUNS } from './env.js';
import { loginToTiles, searchKeystroke, searchKeystrokeContacts, tilesRender } from './home.js';
import { reconnect } from './reconnect.js';
import { relay } from './relay.js';
import { figure, machineInfo, markdown, writeResults, type Bar, type FigureKey, type Measurement, type Results } from './results.js';

const BARS: Record<FigureKey, Bar[]> = {
  relay: [
    { kind: 'min', value: 0.3, of: 'reference-ratio', text: '≥ 0.3× direct' },
    { kind: 'min', value: 6000, of: 'value', text: '≥ 6,000/s' },
  ],
  searchKeystroke: [{ kind: 'max', value: 16, of: 'value', text: 'p95 ≤ 16 ms' }],
  searchKeystrokeContacts: [{ kind: 'max', value: 16, of: 'value', text: 'p95 ≤ 16 ms' }],
  tilesRender: [{ kind: 'max', value: 100, of: 'value', text: '< 100 ms' }],
  loginToTiles: [{ kind: 'max', value: 1.3, of: 'reference-ratio', text: '≤ 1.3× the bare page' }],
  reconnect: [{ kind: 'max', value: 1, of: 'reference-ratio', text: '≤ first backoff + one round trip' }],
  memoryPerAppView: [{ kind: 'min', value: 80, of: 'value', text: '≥ 80% reclaimed' }],
  inspectorClosed: [{ kind: 'min', value: 0.95, of: 'reference-ratio', text: '≥ 0.95× developer mode off' }],
};

const MEASURE: Record<FigureKey, (context: BrowserContext) => Promise<Measurement | undefined>> = {
  relay,
  searchKeystroke,
  searchKeystrokeContacts,
  tilesRender,
  loginToTiles,
  reconnect: () => reconnect(),
  memoryPerAppView: async (context) => (await import('./memory.js')).memoryPerAppView(context),
  inspectorClosed: async () => (await import('./inspector.js')).inspectorClosed(),
};

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()) ?? Object.keys(MEASURE);
const { browser, context } = await launch();
const results: Results = { machine: machineInfo(browser.version()), date: new Date().toISOString(), figures: {} };
process.stdout.write(`myApps benchmarks: ${RUNS} runs per figure\n`);
let failed = 0;
for (const key of Object.keys(MEASURE) as FigureKey[]) {
  if (!only.includes(key)) continue;
  try {
    const m = await MEASURE[key](context);
    if (!m) continue;
    const f = figure(m, BARS[key]);
    results.figures[key] = f;
    process.stdout.write(`${key.padEnd(24)} ${f.value.toFixed(1)} ${f.unit}${f.reference ? ` (reference ${f.reference.value.toFixed(1)} ${f.reference.unit})` : ''}  ratio ${f.ratio.toFixed(2)} ${f.ok ? 'ok' : 'OVER'}  (${f.bar})\n`);
  } catch (e) {
    failed++;
    process.stdout.write(`${key.padEnd(24)} failed: ${String(e)}\n`);
  }
}
await browser.close();
const dir = resolve(fileURLToPath(import.meta.url), '../../../bench/results');
writeResults(dir, results);
process.stdout.write(`\n${markdown(results)}\nwritten to ${dir}/latest.json and latest.md\n`);
// A figure that failed may have left a server or page open: the run ends here either way.
process.exit(failed === 0 ? 0 : 1);
