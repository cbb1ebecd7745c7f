/**
 * `npm run load [-- client|emulator]`: the load runs of test/load/README.md, each in a fresh
 * process of its own (so one run's memory is not in the other's figures), one after the other.
 * Exits non-zero when any run fails (the highest exit code of the runs).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = { client: './client-load.ts', emulator: './emulator-load.ts' } as const;
type RunName = keyof typeof runs;

const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !(a in runs));
if (unknown.length > 0) {
  process.stderr.write(`usage: npm run load [-- client|emulator]  (unknown: ${unknown.join(' ')})\n`);
  process.exit(2);
}
const selected: RunName[] = asked.length > 0 ? (asked as RunName[]) : ['client', 'emulator'];

// The same loader flags this process runs with (tsx), and --expose-gc for the heap figures.
const execArgv = [...process.execArgv.filter((a) => a !== '--expose-gc'), '--expose-gc'];
let worst = 0;
for (const name of selected) {
  const file = fileURLToPath(new URL(runs[name], import.meta.url));
  const result = spawnSync(process.execPath, [...execArgv, file], { stdio: 'inherit' });
  const code = result.status ?? 2;
  if (code !== 0) process.stderr.write(`load run "${name}" exited with ${result.signal ?? code}\n`);
  worst = Math.max(worst, code);
}
process.exit(worst);
