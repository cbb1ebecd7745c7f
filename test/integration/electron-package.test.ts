/**
 * The packaged app, built without Electron: electron-builder packages the app for Linux as a
 * folder (`--dir`) from electron-builder.yml, with a stand-in Electron distribution
 * (test/support/electron-dist-stand-in/: the `electron` executable carries a fuse wire and is
 * never run). Checked: what app.asar holds and does not hold (among it the tray and badge
 * images the main process loads), that the packaged binary's fuses are those
 * electron-builder.yml sets (security control 12), the update feed written beside app.asar, and
 * the Linux icon set and desktop entry as electron-builder's deb, rpm and AppImage targets take
 * them (those targets need tools downloaded from GitHub, so only the folder is built here).
 *
 * Then the packaged main.js, extracted from app.asar, is booted under the recording stand-in of
 * the Electron API (test/support/electron-stand-in/) as if packaged.
 *
 * Builds first (`npm run build`'s three builds) where dist/ or renderer/dist is not fresh.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type * as Asar from '@electron/asar';
import { type AfterPackContext, type Configuration, build as electronBuilder, Platform, archFromString } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_FRAME_PRELOAD_BUNDLE, PRELOAD_BUNDLE } from '../../main/electron/instance.js';
import { SHELL_ORIGIN } from '../../main/electron/navigation.js';
import { preloadNames } from '../../preload/vite.config.js';
import { BADGE_LABELS, PNG_SIZES, TRAY_IMAGES } from '../../scripts/icons.js';
import { APP_BUILDS, ensureAppBuilt, repoRoot as root } from '../support/app-build.js';
import { bootMain } from '../support/electron-stand-in/harness.js';
import { ELECTRON_DEFAULT_FUSES, FUSE_COUNT, FUSE_STATE, createElectronDistStandIn, electronFuses, requireFromElectronBuilder } from '../support/electron-dist-stand-in/index.js';

const asar = requireFromElectronBuilder('@electron/asar') as typeof Asar;
// What deb, rpm and AppImage use for the icons and the .desktop file (app-builder-lib 26).
const { LinuxTargetHelper } = requireFromElectronBuilder('./out/targets/LinuxTargetHelper') as {
  LinuxTargetHelper: new (packager: unknown) => { icons: Promise<{ file: string; size: number }[]>; computeDesktopEntry(options: unknown, exec?: string): Promise<string> };
};
const yaml = requireFromElectronBuilder('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Configuration;
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** Every file under `dir`, relative, with `/` separators. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

let tmp: string;
let appOutDir: string;
let archive: string;
/** Every path in app.asar, relative, without the leading `/`. */
let entries: string[];
let builtScripts: string[];
let packagingMs: number;
/** The icons electron-builder's Linux installers would install, and their .desktop file. */
let linuxIcons: { file: string; size: number }[];
let desktopEntry: string;

beforeAll(async () => {
  builtScripts = await ensureAppBuilt();
  tmp = await mkdtemp(join(tmpdir(), 'myapps-package-'));
  const standIn = await createElectronDistStandIn(join(tmp, 'electron-dist'));
  const started = Date.now();
  // `electron-builder --dir --linux` with electron-builder.yml, overridden only where this
  // machine needs it: the stand-in distribution, no rebuild, a temporary output folder.
  await electronBuilder({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir', archFromString(process.arch)),
    publish: 'never',
    config: {
      electronDist: standIn.dir,
      electronVersion: standIn.version,
      npmRebuild: false,
      directories: { output: join(tmp, 'out') },
      // Only to look: the icons and desktop entry a deb, rpm or AppImage of this package would get.
      afterPack: async (context: AfterPackContext) => {
        const helper = new LinuxTargetHelper(context.packager);
        linuxIcons = await helper.icons;
        desktopEntry = await helper.computeDesktopEntry(context.packager.platformSpecificBuildOptions);
      },
    },
  });
  packagingMs = Date.now() - started;
  console.info(`electron-builder --dir --linux: ${(packagingMs / 1000).toFixed(1)} s${builtScripts.length ? ` (after npm run ${builtScripts.join(', ')})` : ' (dist/ was fresh)'}`);
  const outDirs = readdirSync(join(tmp, 'out')).filter((d) => d.startsWith('linux') && d.endsWith('unpacked'));
  expect(outDirs).toHaveLength(1);
  appOutDir = join(tmp, 'out', outDirs[0]!);
  archive = join(appOutDir, 'resources', 'app.asar');
  entries = asar.listPackage(archive, { isPack: false }).map((p) => p.replace(/^[/\\]/, '').split('\\').join('/'));
}, 240_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const packed = (path: string) => asar.extractFile(archive, path);
const filesIn = (prefix: string) => entries.filter((p) => p.startsWith(prefix) && !entries.some((q) => q.startsWith(`${p}/`)));

describe('npm run dist (electron-builder --dir --linux, stand-in Electron)', () => {
  it('packages within a few seconds, after building only what was stale', () => {
    // `npm run build` is exactly the builds this test runs when stale, in that order.
    expect(packageJson.scripts.build).toBe(APP_BUILDS.map((b) => `npm run ${b.script}`).join(' && '));
    expect(builtScripts.every((s) => APP_BUILDS.some((b) => b.script === s))).toBe(true);
    expect(packagingMs).toBeLessThan(60_000);
  });

  it('writes the executable under its documented name, and app.asar', () => {
    const executable = join(appOutDir, 'myapps-desktop');
    expect(config.executableName).toBe('myapps-desktop');
    expect(statSync(executable).mode & 0o111).not.toBe(0);
    expect(existsSync(join(appOutDir, 'electron'))).toBe(false);
    expect(statSync(archive).isFile()).toBe(true);
    // Electron's licence kept next to the executable.
    expect(existsSync(join(appOutDir, 'LICENSE.electron.txt'))).toBe(true);
  });

  it('app.asar holds only package.json, the compiled app, the renderer build, the images the main process loads and production node_modules', () => {
    expect(entries.filter((p) => !p.includes('/')).sort()).toEqual(['assets', 'dist', 'node_modules', 'package.json', 'renderer']);
    expect(entries.filter((p) => /^[^/]+\/[^/]+$/.test(p) && !p.startsWith('node_modules/')).sort()).toEqual(['assets/badges', 'assets/icon.png', 'assets/tray', 'dist/main', 'dist/preload', 'renderer/dist']);
  });

  it('holds the tray images, the taskbar badges and the window icon at assets/ (as in the repository), byte for byte, and nothing else of assets/', () => {
    const images = [
      'assets/icon.png',
      ...TRAY_IMAGES.flatMap((name) => [`assets/tray/${name}.png`, `assets/tray/${name}@2x.png`]),
      ...BADGE_LABELS.map((label) => `assets/badges/badge-${label}.png`),
    ];
    expect(filesIn('assets/').sort()).toEqual(images.sort());
    for (const image of images) expect(packed(image).equals(readFileSync(join(root, image))), image).toBe(true);
    // The names the shell loads (main/electron/tray.ts, badges.ts).
    expect(images).toEqual(expect.arrayContaining(['assets/tray/tray.png', 'assets/tray/tray-badge.png', 'assets/tray/trayTemplate.png', 'assets/tray/trayTemplate@2x.png', 'assets/tray/trayBadgeTemplate.png', 'assets/badges/badge-1.png', 'assets/badges/badge-9plus.png']));
  });

  it('writes the update feed beside app.asar (app-update.yml): the generic placeholder, its ${channel} expanded for this version', () => {
    const feed = yaml.load(readFileSync(join(appOutDir, 'resources', 'app-update.yml'), 'utf8')) as Record<string, unknown>;
    // 0.1.0 is a release version: electron-builder's channel is `latest` (1.0.0-beta.1 would give `beta`).
    expect(feed).toMatchObject({ provider: 'generic', url: 'https://updates.myapps-desktop.invalid/latest', updaterCacheDirName: 'myapps-desktop-updater' });
  });

  it('the Linux installers get the icon set (16 … 1024 px from assets/icons/png) and a .desktop file naming it', () => {
    expect(linuxIcons.map((i) => [relative(root, i.file).split(sep).join('/'), i.size])).toEqual(PNG_SIZES.map((s) => [`assets/icons/png/${s}x${s}.png`, s]));
    // deb, rpm and AppImage install each as /usr/share/icons/hicolor/<n>x<n>/apps/myapps-desktop.png.
    expect(desktopEntry).toMatch(/^Icon=myapps-desktop$/m);
    expect(desktopEntry).toMatch(/^Exec=\/opt\/myApps Desktop\/myapps-desktop -- %U$|^Exec="\/opt\/myApps Desktop\/myapps-desktop" -- %U$/m);
  });

  it('its package.json starts the compiled shell', () => {
    const pkg = JSON.parse(packed('package.json').toString('utf8')) as { name: string; main: string; scripts?: unknown; devDependencies?: unknown };
    expect(pkg.main).toBe('dist/main/electron/main.js');
    expect(pkg.main).toBe(config.extraMetadata?.main);
    expect(pkg.main).toBe(packageJson.main);
    expect(pkg.name).toBe('myapps-desktop');
    // electron-builder drops what only the build needs.
    expect(pkg.scripts).toBeUndefined();
    expect(pkg.devDependencies).toBeUndefined();
    expect(entries).toContain(pkg.main);
  });

  it('holds every compiled file of the shell and the core, each built from a source that still exists', () => {
    const shipped = filesIn('dist/main/');
    expect(shipped).toEqual(expect.arrayContaining(['dist/main/electron/main.js', 'dist/main/electron/instance.js', 'dist/main/core/client/client.js', 'dist/main/core/bridge/channels.js']));
    expect(shipped.sort()).toEqual(
      filesUnder(join(root, 'dist/main'))
        .filter((f) => f.endsWith('.js'))
        .map((f) => `dist/main/${f}`)
        .sort(),
    );
    // Only the shell and what it imports (the core); no browser shell or CLI.
    expect([...new Set(shipped.map((p) => p.split('/')[2]))].sort()).toEqual(['core', 'electron']);
    const orphans = shipped.filter((p) => !existsSync(join(root, p.replace(/^dist\//, '').replace(/\.js$/, '.ts'))));
    expect(orphans, 'compiled files whose source is gone (stale dist/main: delete it and run npm run build)').toEqual([]);
  });

  it('holds both preload bundles exactly as built, and every preload the shell loads', () => {
    const bundles = preloadNames.map((name) => `dist/preload/${name}.cjs`);
    expect(filesIn('dist/preload/').sort()).toEqual([...bundles].sort());
    for (const bundle of bundles) expect(packed(bundle).equals(readFileSync(join(root, bundle))), bundle).toBe(true);
    // Where the shell loads them from (main/electron/instance.ts: the window's and the app views').
    expect(entries).toEqual(expect.arrayContaining([PRELOAD_BUNDLE, APP_FRAME_PRELOAD_BUNDLE]));
  });

  it('holds the renderer build: index.html, appframe.html and their assets', () => {
    const shipped = filesIn('renderer/dist/');
    expect(shipped).toEqual(expect.arrayContaining(['renderer/dist/index.html', 'renderer/dist/appframe.html']));
    expect(shipped.some((p) => /^renderer\/dist\/assets\/.+\.js$/.test(p))).toBe(true);
    expect(shipped.some((p) => /^renderer\/dist\/assets\/.+\.css$/.test(p))).toBe(true);
    expect(shipped.sort()).toEqual(
      filesUnder(join(root, 'renderer/dist'))
        .filter((f) => !f.endsWith('.map'))
        .map((f) => `renderer/dist/${f}`)
        .sort(),
    );
    // Every asset the pages reference is in the archive.
    for (const page of ['index.html', 'appframe.html']) {
      const html = packed(`renderer/dist/${page}`).toString('utf8');
      const refs = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => `renderer/dist/${m[1]}`);
      expect(refs.length, page).toBeGreaterThan(0);
      for (const ref of refs) expect(entries, `${page} → ${ref}`).toContain(ref);
    }
  });

  it('holds the production dependencies (ws, keytar, …) and no development dependency', () => {
    for (const dep of Object.keys(packageJson.dependencies)) expect(entries, dep).toContain(`node_modules/${dep}/package.json`);
    expect(Object.keys(packageJson.dependencies)).toEqual(expect.arrayContaining(['ws', 'keytar']));
    for (const dep of Object.keys(packageJson.devDependencies)) expect(entries, dep).not.toContain(`node_modules/${dep}`);
    // keytar's native module sits outside the archive, where Electron can load it.
    expect(entries).toContain('node_modules/keytar/build/Release/keytar.node');
    expect(existsSync(join(appOutDir, 'resources/app.asar.unpacked/node_modules/keytar/build/Release/keytar.node'))).toBe(true);
  });

  it('holds no tests, no PBX emulator, no sources, no source maps', () => {
    const ours = entries.filter((p) => !p.startsWith('node_modules/'));
    expect(entries.filter((p) => p === 'test' || p.startsWith('test/'))).toEqual([]);
    expect(entries.filter((p) => p.includes('test/pbx') || /(^|\/)pbx\/emulator\.[jt]s$/.test(p))).toEqual([]);
    expect(entries.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(ours.filter((p) => /\.(ts|tsx|mts|cts)$/.test(p))).toEqual([]);
    expect(entries.filter((p) => p.startsWith('renderer/src') || p.startsWith('main/') || p.startsWith('preload/'))).toEqual([]);
    expect(ours.filter((p) => /(^|\/)(tsconfig[^/]*\.json|vite\.config\.[jt]s|electron-builder\.yml|README\.md|\.env[^/]*)$/.test(p))).toEqual([]);
  });

  it('flips the fuses of the packaged binary to those of electron-builder.yml (control 12)', async () => {
    const byte = (enabled: boolean) => (enabled ? FUSE_STATE.ENABLE : FUSE_STATE.DISABLE);
    const states = (wire: Record<string, unknown>) => Object.fromEntries(Object.entries(wire).filter(([k]) => k !== 'version'));
    // What the stand-in carries (Electron's defaults), with every fuse of electron-builder.yml flipped.
    const expected: Record<string, number> = Object.fromEntries(Object.entries(ELECTRON_DEFAULT_FUSES).map(([i, on]) => [i, byte(on)]));
    for (const [key, value] of Object.entries(config.electronFuses ?? {})) {
      if (typeof value !== 'boolean') continue;
      const index: unknown = electronFuses.FuseV1Options[(key[0]!.toUpperCase() + key.slice(1)) as keyof typeof electronFuses.FuseV1Options];
      expect(index, `electron-builder.yml fuse ${key} is a fuse @electron/fuses knows`).toBeTypeOf('number');
      expected[String(index)] = byte(value);
    }
    const packagedWire = await electronFuses.getCurrentFuseWire(join(appOutDir, 'myapps-desktop'));
    expect(packagedWire.version).toBe(electronFuses.FuseVersion.V1);
    expect(Object.keys(states(packagedWire))).toHaveLength(FUSE_COUNT);
    expect(states(packagedWire)).toEqual(expected);
    // Control 12 in the packaged binary, whatever the config says: no Node runtime, no
    // NODE_OPTIONS, no inspector, only the integrity-checked app.asar, cookies encrypted.
    const F = electronFuses.FuseV1Options;
    expect(states(packagedWire)).toMatchObject({
      [F.RunAsNode]: FUSE_STATE.DISABLE,
      [F.EnableCookieEncryption]: FUSE_STATE.ENABLE,
      [F.EnableNodeOptionsEnvironmentVariable]: FUSE_STATE.DISABLE,
      [F.EnableNodeCliInspectArguments]: FUSE_STATE.DISABLE,
      [F.EnableEmbeddedAsarIntegrityValidation]: FUSE_STATE.ENABLE,
      [F.OnlyLoadAppFromAsar]: FUSE_STATE.ENABLE,
      [F.GrantFileProtocolExtraPrivileges]: FUSE_STATE.DISABLE,
    });
    // The stand-in distribution itself was copied, not changed.
    const original = await electronFuses.getCurrentFuseWire(join(tmp, 'electron-dist', 'electron'));
    expect(states(original)).toEqual(Object.fromEntries(Object.entries(ELECTRON_DEFAULT_FUSES).map(([i, on]) => [i, byte(on)])));
  });

  it('boots from the extracted app.asar (Electron API stand-in): the main window gets the packaged preload and loads app://myapps/index.html', async () => {
    // What Electron would run: the archive's own package.json main, its node_modules, its
    // renderer build — here in plain Node against the recording stand-in of the Electron API.
    const extracted = join(tmp, 'extracted');
    asar.extractAll(archive, extracted);
    const main = await bootMain({ mainPath: join(extracted, 'dist/main/electron/main.js'), appPath: extracted, packaged: true });
    try {
      const window = await main.mainWindow();
      const prefs = window.options.webPreferences ?? {};
      expect(prefs.preload).toBe(join(extracted, ...PRELOAD_BUNDLE.split('/')));
      expect(existsSync(prefs.preload!)).toBe(true);
      expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
      const load = await main.waitFor('webContents.loadURL', (r) => r.webContentsId === window.webContentsId);
      expect(load.url).toBe(`${SHELL_ORIGIN}/index.html`);
      // app:// serves the packaged renderer build.
      const page = await main.protocolRequest({ url: `${SHELL_ORIGIN}/index.html` });
      expect(page.status).toBe(200);
      expect(page.body).toBe(readFileSync(join(extracted, 'renderer/dist/index.html'), 'utf8'));
      expect(main.uncaught()).toEqual([]);
    } finally {
      await main.stop();
    }
  });
});
