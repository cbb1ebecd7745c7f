/**
 * The builds `npm run dist` packs (`npm run build`: shell + core, both preloads, renderer), run
 * by tests that need them — only those whose output is missing or older than their inputs, so
 * a test run builds at most once and reuses a fresh `dist/`.
 *
 * "Older" is judged by a stamp written after a build succeeded (`dist/.build-stamps/<script>`):
 * tsc writes its output even when the code does not type-check, and that output must not pass
 * for fresh on the next run.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');

export interface AppBuild {
  /** The npm script. */
  script: 'build:electron' | 'build:preload' | 'build:renderer';
  /** Files and folders (relative to the repository) whose changes call for a new build. */
  inputs: string[];
  /** Files the build writes (relative): all must exist. */
  outputs: string[];
}

/** The three builds of `npm run build`, in its order. */
export const APP_BUILDS: readonly AppBuild[] = [
  {
    script: 'build:electron',
    inputs: ['main/electron', 'main/core', 'tsconfig.json', 'package.json'],
    outputs: ['dist/main/electron/main.js', 'dist/main/core/client/client.js'],
  },
  {
    script: 'build:preload',
    inputs: ['preload', 'main/core/bridge', 'package.json'],
    outputs: ['dist/preload/bridge.cjs', 'dist/preload/app-frame.cjs'],
  },
  {
    script: 'build:renderer',
    inputs: ['renderer/src', 'renderer/index.html', 'renderer/appframe.html', 'renderer/vite.config.ts', 'renderer/tsconfig.json', 'main/core/bridge', 'package.json'],
    outputs: ['renderer/dist/index.html', 'renderer/dist/appframe.html'],
  },
];

/** Newest modification time under `path` (a file or a folder, recursively); 0 if missing. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const stampOf = (build: AppBuild, root: string) => join(root, 'dist', '.build-stamps', build.script);

/** Whether an output is missing, or an input changed since the build last succeeded here. */
export function isStale(build: AppBuild, root = repoRoot): boolean {
  const stamp = stampOf(build, root);
  if (!existsSync(stamp) || build.outputs.some((o) => !existsSync(join(root, o)))) return true;
  const built = statSync(stamp).mtimeMs;
  return build.inputs.some((i) => newest(join(root, i)) > built);
}

/**
 * Runs every stale build (`npm run <script>`), in `npm run build`'s order. A failing build
 * (e.g. the shell does not type-check) throws with its output. Returns the scripts that ran.
 */
export async function ensureAppBuilt(root = repoRoot): Promise<string[]> {
  const ran: string[] = [];
  for (const build of APP_BUILDS) {
    if (!isStale(build, root)) continue;
    // The stamp carries the start time: a source saved during the build makes it stale again.
    const started = new Date();
    try {
      await promisify(execFile)('npm', ['run', build.script], { cwd: root, maxBuffer: 16 * 1024 * 1024, timeout: 180_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    } catch (e) {
      const failed = e as { stdout?: string; stderr?: string };
      const output = `${failed.stdout ?? ''}\n${failed.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
      // The output is in the message once; the cause keeps only the exit details.
      delete failed.stdout;
      delete failed.stderr;
      throw new Error(`npm run ${build.script} failed (the packaged app needs it):\n${output}`, { cause: e });
    }
    mkdirSync(join(root, 'dist', '.build-stamps'), { recursive: true });
    writeFileSync(stampOf(build, root), `${started.toISOString()}\n`);
    utimesSync(stampOf(build, root), started, started);
    ran.push(build.script);
  }
  return ran;
}
