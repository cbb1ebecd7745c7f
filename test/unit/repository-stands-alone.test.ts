/**
 * The repository stands alone: a fresh clone, with nothing beside it, builds and tests. No
 * file refers to a folder beside the repository, and no test or tool builds a path that
 * leaves the repository root.
 *
 * Files are those git would commit (`git ls-files`, plus new files not ignored); where git is
 * unavailable (a copy of the tree, an export) the tree is walked, skipping what .gitignore
 * names and `.git` itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The folder beside the repository this project once read from; built so this file does not contain it. */
const besideRepo = ['..', 'shared'].join('/');

/** Files that may mention it: lock files record resolved paths of foreign packages. */
const exempt = new Set(['package-lock.json']);

/** Repository files (relative, `/`-separated) and how they were found. */
function listFiles(): { files: string[]; how: 'git' | 'walk' } {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
    // Files only: an untracked symlink to a folder (a linked node_modules) is listed by git as a file.
    const files = out.split('\0').filter((f) => f !== '' && statSync(join(root, f), { throwIfNoEntry: false })?.isFile() === true);
    if (files.length > 0) return { files, how: 'git' };
  } catch {
    // No git, or not a repository: walk the tree instead.
  }
  return { files: walk(), how: 'walk' };
}

/** `.gitignore`'s simple forms: `name/` (a folder anywhere), `path/name/` (from the root), `*.ext`. */
function ignoreRules(): { dirNames: Set<string>; dirPaths: Set<string>; suffixes: string[] } {
  const rules = { dirNames: new Set(['.git']), dirPaths: new Set<string>(), suffixes: [] as string[] };
  const file = join(root, '.gitignore');
  if (!existsSync(file)) return rules;
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    if (line.startsWith('*.')) rules.suffixes.push(line.slice(1));
    else {
      const name = line.replace(/^\/+|\/+$/g, '');
      if (name.includes('/')) rules.dirPaths.add(name);
      else rules.dirNames.add(name);
    }
  }
  return rules;
}

function walk(): string[] {
  const rules = ignoreRules();
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!rules.dirNames.has(entry.name) && !rules.dirPaths.has(rel)) visit(rel);
      } else if ((entry.isFile() || (entry.isSymbolicLink() && statSync(join(root, rel), { throwIfNoEntry: false })?.isFile())) && !rules.suffixes.some((s) => entry.name.endsWith(s)) && !rules.dirNames.has(entry.name)) {
        out.push(rel);
      }
    }
  };
  visit('');
  return out;
}

/** Files whose content names the folder beside the repository. */
function filesReferringOutside(files: readonly string[], read: (file: string) => Buffer): string[] {
  const needle = Buffer.from(besideRepo);
  return files.filter((f) => !exempt.has(f) && read(f).includes(needle));
}

/**
 * Paths built in code from a literal that leave the repository root. Three forms cover how this
 * repository builds paths: `resolve(fileURLToPath(import.meta.url), '<rel>')` (relative to the
 * file, as a path segment), `new URL('<rel>', import.meta.url)` (relative to the file's folder),
 * and `resolve(root | repoRoot, '<rel>')` (relative to the root).
 */
function escapingPaths(file: string, text: string): { expression: string; target: string }[] {
  const abs = join(root, file);
  const forms: [RegExp, (rel: string) => string][] = [
    [/resolve\(\s*fileURLToPath\(\s*import\.meta\.url\s*\)\s*,\s*'([^']*)'/g, (rel) => resolve(abs, rel)],
    [/new URL\(\s*'([^']*)'\s*,\s*import\.meta\.url\s*\)/g, (rel) => fileURLToPath(new URL(rel, pathToFileURL(abs)))],
    [/resolve\(\s*(?:root|repoRoot)\s*,\s*'([^']*)'/g, (rel) => resolve(root, rel)],
  ];
  const found: { expression: string; target: string }[] = [];
  for (const [pattern, target] of forms) {
    for (const m of text.matchAll(pattern)) {
      const where = target(m[1]!);
      const inside = relative(root, where);
      if (inside.startsWith('..') || isAbsolute(inside)) found.push({ expression: m[0], target: where });
    }
  }
  return found;
}

const { files, how } = listFiles();
const read = (f: string): Buffer => readFileSync(join(root, f));
const code = files.filter((f) => /\.(?:[cm]?[jt]s)$/.test(f) && (f.startsWith('test/') || f.startsWith('scripts/') || f.startsWith('.ci/') || !f.includes('/')));

describe(`the repository stands alone (files listed by ${how})`, () => {
  it('finds the repository and its files', () => {
    expect(existsSync(join(root, 'package.json'))).toBe(true);
    expect(files).toContain('package.json');
    expect(files).toContain('test/unit/repository-stands-alone.test.ts');
    expect(files.some((f) => f.startsWith('node_modules/'))).toBe(false);
  });

  it(`no file refers to ${besideRepo} (package-lock.json excepted)`, () => {
    expect(filesReferringOutside(files, read)).toEqual([]);
  });

  it('the protocol vectors and docs the tests and docs point at are in the repository', () => {
    for (const f of ['test/vectors/protocol-vectors.json', 'test/vectors/README.md', 'docs/protocol/pbx-session.md', 'docs/protocol/app-hosting.md']) {
      expect(files, f).toContain(f);
    }
  });

  it('no test, script or config builds a path outside the repository root', () => {
    const escapes = code.flatMap((f) => escapingPaths(f, read(f).toString('utf8')).map((e) => `${f}: ${e.expression} -> ${e.target}`));
    expect(escapes).toEqual([]);
  });

  it('the path check sees the forms this repository uses (it is not passing by matching nothing)', () => {
    const seen = code.reduce((n, f) => n + escapingPaths(f, read(f).toString('utf8').replace(/'(\.\.\/)+/g, "'../../../../../../../../../../")).length, 0);
    expect(seen).toBeGreaterThan(5);
  });

  it('both checks fire on the loader this repository once had', () => {
    const oldLoader = [
      "const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');",
      `export const vectorsPath = resolve(repoRoot, '${besideRepo}/vectors/protocol-vectors.json');`,
    ].join('\n');
    expect(filesReferringOutside(['test/support/vectors.ts'], () => Buffer.from(oldLoader))).toEqual(['test/support/vectors.ts']);
    expect(escapingPaths('test/support/vectors.ts', oldLoader)).toEqual([{ expression: `resolve(repoRoot, '${besideRepo}/vectors/protocol-vectors.json'`, target: resolve(dirname(root), 'shared/vectors/protocol-vectors.json') }]);
    expect(escapingPaths('test/support/vectors.ts', `new URL('${'../'.repeat(3)}x.json', import.meta.url)`)).toHaveLength(1);
    expect(escapingPaths('test/support/vectors.ts', "new URL('../vectors/protocol-vectors.json', import.meta.url)")).toEqual([]);
  });
});
