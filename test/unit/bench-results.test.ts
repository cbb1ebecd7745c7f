/** The bench's arithmetic: how a figure compares with its bars, and the table it writes. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { figure, markdown, percentile, ratioTo, writeResults, type Bar } from '../bench/results.js';

const atMost16: Bar = { kind: 'max', value: 16, of: 'value', text: '≤ 16 ms' };
const relayBars: Bar[] = [
  { kind: 'min', value: 0.3, of: 'reference-ratio', text: '≥ 0.3× direct' },
  { kind: 'min', value: 6000, of: 'value', text: '≥ 6,000/s' },
];

describe('bench results', () => {
  it('times: ours ÷ bar; throughputs: bar ÷ ours; two bars: the worse', () => {
    expect(ratioTo({ value: 8, unit: 'ms' }, [atMost16])).toBe(0.5);
    expect(ratioTo({ value: 32, unit: 'ms' }, [atMost16])).toBe(2);
    // 9,000/s against 20,000/s direct: 0.45× passes the share, 9,000 passes the rate.
    expect(ratioTo({ value: 9000, unit: '/s', reference: { value: 20000, unit: '/s', what: 'direct' } }, relayBars)).toBeCloseTo(0.6667, 3);
    // 5,000/s against 10,000/s: the share passes (0.6), the rate does not (6,000 ÷ 5,000).
    expect(figure({ value: 5000, unit: '/s', reference: { value: 10000, unit: '/s', what: 'direct' } }, relayBars)).toMatchObject({ ratio: 1.2, ok: false, bar: '≥ 0.3× direct and ≥ 6,000/s' });
    expect(figure({ value: 1.2, unit: 'ms', reference: { value: 1, unit: 'ms', what: 'bare' } }, [{ kind: 'max', value: 1.3, of: 'reference-ratio', text: '≤ 1.3×' }]).ok).toBe(true);
  });

  it('a figure without its reference does not pass', () => {
    expect(figure({ value: 1, unit: 'ms' }, [{ kind: 'max', value: 1.3, of: 'reference-ratio', text: '≤ 1.3×' }]).ok).toBe(false);
  });

  it('p95 of twenty values is the nineteenth', () => {
    expect(percentile(Array.from({ length: 20 }, (_, i) => 20 - i), 95)).toBe(19);
  });

  it('writes latest.json and a Markdown table with every figure, measured or not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'myapps-bench-results-'));
    const results = { machine: { cpus: 2 }, date: '2026-11-29T00:00:00.000Z', figures: { searchKeystroke: figure({ value: 8, unit: 'ms', note: 'n' }, [atMost16]) } };
    writeResults(dir, results);
    expect(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'))).toEqual(results);
    const md = readFileSync(join(dir, 'latest.md'), 'utf8');
    expect(md).toBe(markdown(results));
    expect(md).toContain('| Search keystroke, input to next paint (p95) | 8.00 ms |  | ≤ 16 ms | 0.50 ok |');
    // Several runs: their spread beside the note.
    const spread = markdown({ ...results, figures: { tilesRender: figure({ value: 96, unit: 'ms', runs: [80, 96, 140], note: '2000 apps' }, [{ kind: 'max', value: 100, of: 'value', text: '< 100 ms' }]) } });
    expect(spread).toContain('- Tiles: login click to visible tiles painted (script + style + layout): 2000 apps; runs from 80.0 to 140 ms');
    expect(md).toContain('| Reconnect after a PBX restart | not measured |');
    expect(md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Figure'))).toHaveLength(8);
  });
});
