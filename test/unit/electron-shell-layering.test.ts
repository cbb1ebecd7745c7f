/**
 * The Electron shell stays thin and testable: only the entry, the window wiring and the
 * preload entry load 'electron' at run time; every other shell module uses `import type`
 * (so its pure parts are unit-tested in plain Node, where 'electron' cannot load).
 * The shell does not reach into the other shell (main/web) or the renderer either.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const runtimeElectron = new Set(['main/electron/main.ts', 'main/electron/windows.ts', 'main/electron/app-views.ts', 'preload/bridge.ts', 'preload/app-frame.ts']);

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.config.ts'))
    .map((f) => relative(root, join(root, dir, f)));
}

/** Import/export declarations that load a module at run time (not `import type` / `export type`). */
function runtimeImports(source: string): string[] {
  const specs: string[] = [];
  for (const m of source.matchAll(/^\s*(import|export)\s+(?!type\b)([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm)) {
    // Under verbatimModuleSyntax even `import { type A } from 'x'` stays as `import {} from 'x'`,
    // which loads 'x': only the `import type` form is erased.
    specs.push(m[3]!);
  }
  for (const m of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) specs.push(m[1]!);
  for (const m of source.matchAll(/\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]!);
  return specs;
}

describe('Electron shell layering', () => {
  const files = [...tsFiles('main/electron'), ...tsFiles('preload')];

  it('finds the shell files', () => {
    expect(files).toEqual(expect.arrayContaining([...runtimeElectron, 'main/electron/navigation.ts', 'preload/bridge-api.ts']));
  });

  it('only main.ts, windows.ts, app-views.ts and the two preload entries load electron at run time', () => {
    const loaders = files.filter((f) => runtimeImports(readFileSync(join(root, f), 'utf8')).some((s) => s === 'electron' || s.startsWith('electron/')));
    expect(loaders.sort()).toEqual([...runtimeElectron].sort());
  });

  it('no shell file imports the browser shell, the CLI or the renderer', () => {
    const bad = files.flatMap((f) =>
      runtimeImports(readFileSync(join(root, f), 'utf8'))
        .filter((s) => s.startsWith('.'))
        .map((s) => relative(root, resolve(root, f, '..', s)))
        .filter((target) => /^(main\/web|main\/cli|renderer)(\/|$)/.test(target))
        .map((target) => `${f} -> ${target}`),
    );
    expect(bad).toEqual([]);
  });

  it('the scan tells type-only imports from run-time ones', () => {
    expect(runtimeImports(`import type { Session } from 'electron';`)).toEqual([]);
    expect(runtimeImports(`import { type Session, type App } from 'electron';`)).toEqual(['electron']);
    expect(runtimeImports(`import { app } from 'electron';`)).toEqual(['electron']);
    expect(runtimeImports(`import { type BrowserWindow, Menu } from 'electron';`)).toEqual(['electron']);
    expect(runtimeImports(`import * as e from 'electron';`)).toEqual(['electron']);
    expect(runtimeImports(`const e = require('electron');`)).toEqual(['electron']);
    expect(runtimeImports(`import 'electron';`)).toEqual(['electron']);
  });
});
