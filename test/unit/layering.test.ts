/**
 * Rule 1 of docs/architecture.md, checked mechanically: main/core imports nothing from
 * electron, the shells (main/electron, main/web, main/cli), preload or renderer.
 * Two independent checks: a scan of every import in main/core, and proof that the ESLint
 * rule (which editors show while typing) fires on each forbidden form.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const core = join(root, 'main/core');
const forbiddenDirs = ['main/electron', 'main/web', 'main/cli', 'preload', 'renderer'].map((d) => join(root, d));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Module specifiers of static imports, re-exports and dynamic imports. */
export function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re = /\b(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  return specs;
}

function violation(file: string, spec: string): string | undefined {
  if (spec === 'electron' || spec.startsWith('electron/')) return 'imports electron';
  if (!spec.startsWith('.')) return undefined;
  const target = resolve(dirname(file), spec);
  const hit = forbiddenDirs.find((d) => target === d || target.startsWith(d + '/'));
  return hit ? `imports ${relative(root, hit)}` : undefined;
}

describe('main/core stays runtime-neutral', () => {
  it('no file in main/core imports electron, a shell, preload or renderer', () => {
    const files = sourceFiles(core);
    expect(files.length).toBeGreaterThan(3);
    const problems = files.flatMap((f) =>
      importsOf(readFileSync(f, 'utf8')).flatMap((spec) => {
        const why = violation(f, spec);
        return why ? [`${relative(root, f)}: ${why} ('${spec}')`] : [];
      }),
    );
    expect(problems).toEqual([]);
  });

  it('the scan itself catches each forbidden form', () => {
    const file = join(core, 'pbx/x.ts');
    const bad = [
      `import { app } from 'electron';`,
      `import type { X } from '../../electron/windows.js';`,
      `export * from '../../web/server.js';`,
      `const m = await import('../../../renderer/src/App.js');`,
      `import '../../../preload/bridge.js';`,
      `import { main } from '../../cli/doctor.js';`,
    ];
    for (const line of bad) {
      const specs = importsOf(line);
      expect(specs, line).toHaveLength(1);
      expect(violation(file, specs[0]!), line).toBeDefined();
    }
    expect(violation(file, '../protocol/crypto.js')).toBeUndefined();
    expect(violation(file, 'ws')).toBeUndefined();
  });

  it('the ESLint rule fires on the same forms', async () => {
    const eslint = new ESLint({ cwd: root });
    const filePath = join(core, 'pbx/layering-probe.ts');
    for (const line of [`import { app } from 'electron';\nexport const a = app;\n`, `import { x } from '../../electron/windows.js';\nexport const a = x;\n`, `import { x } from '../../../renderer/src/x.js';\nexport const a = x;\n`, `import { x } from '../../../preload/x.js';\nexport const a = x;\n`, `import { x } from '../../web/x.js';\nexport const a = x;\n`]) {
      const [result] = await eslint.lintText(line, { filePath });
      const rules = result!.messages.map((m) => m.ruleId);
      expect(rules, line).toContain('no-restricted-imports');
    }
    const [ok] = await eslint.lintText(`import { sha256Hex } from '../protocol/crypto.js';\nexport const a = sha256Hex;\n`, { filePath });
    expect(ok!.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([]);
  });
});

describe('main/core/bridge stays loadable in the renderer', () => {
  it('allows type imports from the core, refuses runtime imports and Node modules', async () => {
    const eslint = new ESLint({ cwd: root });
    const filePath = join(core, 'bridge/layering-probe.ts');
    const lint = async (code: string) => (await eslint.lintText(code, { filePath }))[0]!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
    expect(await lint(`import type { SessionState } from '../pbx/state.js';\nimport { object } from '../protocol/validate.js';\nexport type X = SessionState;\nexport const o = object;\n`)).toEqual([]);
    expect(await lint(`import { pbxWebSocketUrl } from '../pbx/address.js';\nexport const x = pbxWebSocketUrl;\n`)).toHaveLength(1);
    expect(await lint(`import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n`)).toHaveLength(1);
  });
});
