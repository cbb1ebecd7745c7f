/** A CLI of ours as a child process: its output collected, and a wait for a line to appear. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');
const tsx = join(repoRoot, 'node_modules/.bin/tsx');

export interface CliProcess {
  p: ChildProcessWithoutNullStreams;
  exited: Promise<number | null>;
  /** The first match of `re` in stdout, waiting up to `timeoutMs`. */
  until(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  out(): string;
  err(): string;
}

const running: ChildProcessWithoutNullStreams[] = [];

/** Run `script` (a .ts file, relative to the repository) with tsx. */
export function runCli(script: string, args: string[]): CliProcess {
  const p = spawn(tsx, [script, ...args], { cwd: repoRoot });
  running.push(p);
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => (out += String(d)));
  p.stderr.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | null>((done) => p.on('exit', (code) => done(code)));
  const until = async (re: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(out);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no ${re} in stdout: ${out}\nstderr: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { p, exited, until, out: () => out, err: () => err };
}

/** Kill every CLI still running (call in afterEach). */
export function killClis(): void {
  for (const p of running.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
}
