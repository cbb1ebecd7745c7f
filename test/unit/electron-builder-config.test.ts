/**
 * Security control 12 and the packaging contract: electron-builder.yml is read the way
 * electron-builder reads it, validated against electron-builder's own schema (so a misspelt
 * fuse fails here, not silently at packaging time), and every fuse, link scheme, target and
 * path the shell relies on is asserted.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import { parseDeepLink } from '../../main/core/config/deep-link.js';
import * as instance from '../../main/electron/instance.js';
import { APP_FRAME_PRELOAD_BUNDLE, LINK_SCHEMES, PRELOAD_BUNDLE, RENDERER_ROOT } from '../../main/electron/instance.js';
import { preloadNames } from '../../preload/vite.config.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const require = createRequire(join(root, 'package.json'));
// electron-builder's own YAML reader (app-builder-lib depends on js-yaml; it has no types of its own here).
const yaml = require('js-yaml') as { load(text: string): unknown };
const configText = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
const config = yaml.load(configText) as Configuration;
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; main: string; scripts: Record<string, string> };

type ConfigModule = {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: unknown): Promise<void>;
};
const builderConfig = require('app-builder-lib/out/util/config/config') as ConfigModule;
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

function targets(t: unknown): string[] {
  return (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? x : (x as { target: string }).target));
}

describe('electron-builder.yml', () => {
  it('is what electron-builder itself loads, and valid against its schema', async () => {
    const loaded = await builderConfig.getConfig(root, null, null);
    // electron-builder normalises `files` into one file set; everything else is as written.
    expect({ ...loaded, files: undefined }).toEqual({ ...config, files: undefined });
    expect(loaded.files).toEqual([{ filter: config.files }]);
    await expect(builderConfig.validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the schema check would catch a misspelt fuse', async () => {
    const typo = { ...config, electronFuses: { ...config.electronFuses, runAsnode: false } } as Configuration;
    await expect(builderConfig.validateConfiguration(typo, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });

  it('sets every fuse of control 12, explicitly', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs into an asar and does not rebuild native modules on this offline machine', () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
  });

  it('names the app as documented', () => {
    expect(config.appId).toBe('com.github.myapps-desktop');
    expect(config.productName).toBe('myApps Desktop');
    expect(config.executableName).toBe(packageJson.name);
    expect(packageJson.name).toBe('myapps-desktop');
  });

  it('declares exactly the link schemes the shell registers and the deep-link parser accepts', () => {
    const schemes = (config.protocols as { schemes: string[] }[]).flatMap((p) => p.schemes);
    expect(schemes.sort()).toEqual([...LINK_SCHEMES].sort());
    const samples: Record<string, string> = { tel: 'tel:+4930123', sip: 'sip:alice@example.com', callto: 'callto:+4930123', myapps: 'myapps://app/phone' };
    for (const s of schemes) expect(parseDeepLink(samples[s]).kind, s).not.toBe('error');
    expect(config.linux?.executableArgs).toEqual(['--']);
  });

  it('runs the compiled entry: extraMetadata.main = package.json main = tsc output of main/electron/main.ts', () => {
    const tsconfig = JSON.parse(readFileSync(join(root, 'main/electron/tsconfig.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
    const base = join(root, 'main/electron');
    const outDir = resolve(base, tsconfig.compilerOptions.outDir);
    const rootDir = resolve(base, tsconfig.compilerOptions.rootDir);
    const compiled = posix.join(posix.relative(root, outDir), posix.relative(rootDir, join(root, 'main/electron/main.js')));
    expect(config.extraMetadata?.main).toBe(compiled);
    expect(packageJson.main).toBe(compiled);
  });

  it('ships the compiled shell and core, every preload bundle and the renderer build, without source maps', () => {
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'dist/main/**/*.js', `${RENDERER_ROOT}/**/*`, '!**/*.map']));
    // Each bundle by name: what `npm run build:preload` writes is exactly what is packed.
    const preloadFiles = (config.files as string[]).filter((f) => f.startsWith('dist/preload/'));
    expect(preloadFiles.sort()).toEqual(preloadNames.map((name) => `dist/preload/${name}.cjs`).sort());
  });

  it('ships every preload the shell loads, and the shell loads every preload that is built', () => {
    expect(config.files).toEqual(expect.arrayContaining([PRELOAD_BUNDLE, APP_FRAME_PRELOAD_BUNDLE]));
    // Every `*PRELOAD_BUNDLE` of main/electron/instance.ts, by name, so a third one is checked too.
    const constants = Object.entries(instance).filter(([name]) => /(^|_)PRELOAD_BUNDLE$/.test(name));
    for (const [name, path] of constants) expect(config.files, name).toContain(path);
    expect(constants.map(([, path]) => path).sort()).toEqual(preloadNames.map((name) => `dist/preload/${name}.cjs`).sort());
  });

  it('builds the installers the IT deployment guide names', () => {
    expect(targets(config.linux?.target).sort()).toEqual(['AppImage', 'deb', 'rpm', 'tar.gz']);
    expect(targets(config.win?.target).sort()).toEqual(['msi', 'nsis']);
    expect(targets(config.mac?.target)).toEqual(['dmg']);
    expect(config.nsis?.artifactName).toBe('${name}-setup-${version}.${ext}');
    expect(config.msi?.artifactName).toBe('${name}-${version}.${ext}');
  });

  it('package.json has the build scripts, and `npm run dist` builds everything it packs first', () => {
    expect(packageJson.scripts['build:electron']).toBe('tsc -p main/electron/tsconfig.json');
    // One Vite build per preload (test/unit/electron-preload.test.ts checks each bundle).
    expect(packageJson.scripts['build:preload']).toBe(preloadNames.map((name) => `vite build --config preload/vite.config.ts --mode ${name}`).join(' && '));
    expect(packageJson.scripts['build:renderer']).toBe('vite build --config renderer/vite.config.ts');
    expect(packageJson.scripts.build).toBe('npm run build:electron && npm run build:preload && npm run build:renderer');
    expect(packageJson.scripts.dist).toBe('npm run build && electron-builder');
  });
});
