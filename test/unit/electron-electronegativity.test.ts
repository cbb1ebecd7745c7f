/**
 * Security control 1: Electronegativity (Doyensec's static scanner for Electron apps) finds
 * nothing HIGH in the Electron shell. It reads the sources; no Electron binary is involved.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = resolve(fileURLToPath(import.meta.url), '../../..');

it('Electronegativity reports no HIGH finding for main/electron', { timeout: 120_000 }, () => {
  const out = join(mkdtempSync(join(tmpdir(), 'eneg-')), 'report.csv');
  const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
  const run = spawnSync(join(root, 'node_modules/.bin/electronegativity'), ['-i', join(root, 'main/electron'), '-e', electronVersion, '-o', out], { cwd: root, encoding: 'utf8', timeout: 110_000 });
  expect(run.status, run.stderr).toBe(0);
  const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1);
  expect(rows.length).toBeGreaterThan(0); // the scanner ran and looked (it always lists some MEDIUM reviews)
  expect(rows.filter((r) => r.split(',')[1] === '"HIGH"')).toEqual([]);
});
