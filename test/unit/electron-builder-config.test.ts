/**
 * Security control 12 and the packaging contract: electron-builder.yml is read the way
 * electron-builder reads it, validated against electron-builder's own schema (so a misspelt
 * fuse fails here, not silently at packaging time), and every fuse, link scheme, target and
 * path the shell relies on is asserted; so are the installers' icons and artwork, the update
 * feed, and the MSI's PBX property (assets/msi/): its WiX fragment on the project
 * electron-builder itself writes, and its script run against stand-ins for Windows Installer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { DOMParser } from '@xmldom/xmldom';
import { parse as parseJs } from 'acorn';
import type { Configuration } from 'electron-builder';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addPolicyFragment, POLICY_SCRIPT_NAME } from '../../assets/msi/project-created.mjs';
import { parsePolicy } from '../../main/core/config/policy.js';
import { pbxAddress } from '../../main/core/config/schemas.js';
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

type FileSet = { from: string; to: string; filter: string[] };
/** The `files` patterns of the app itself (strings), and the file sets copied from elsewhere. */
const filePatterns = (config.files as (string | FileSet)[]).filter((f): f is string => typeof f === 'string');
const fileSets = (config.files as (string | FileSet)[]).filter((f): f is FileSet => typeof f === 'object');

/** Width and height from a PNG's IHDR. */
function pngSize(path: string): [number, number] {
  const png = readFileSync(join(root, path));
  expect(png.toString('latin1', 1, 4), path).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('electron-builder.yml', () => {
  it('is what electron-builder itself loads, and valid against its schema', async () => {
    const loaded = await builderConfig.getConfig(root, null, null);
    // electron-builder normalises the `files` patterns into one file set and keeps the other
    // file sets as they are; everything else is as written.
    expect({ ...loaded, files: undefined }).toEqual({ ...config, files: undefined });
    expect(loaded.files).toEqual([{ filter: filePatterns }, ...fileSets]);
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
    const preloadFiles = filePatterns.filter((f) => f.startsWith('dist/preload/'));
    expect(preloadFiles.sort()).toEqual(preloadNames.map((name) => `dist/preload/${name}.cjs`).sort());
  });

  it('ships every preload the shell loads, and the shell loads every preload that is built', () => {
    expect(config.files).toEqual(expect.arrayContaining([PRELOAD_BUNDLE, APP_FRAME_PRELOAD_BUNDLE]));
    // Every `*PRELOAD_BUNDLE` of main/electron/instance.ts, by name, so a third one is checked too.
    const constants = Object.entries(instance).filter(([name]) => /(^|_)PRELOAD_BUNDLE$/.test(name));
    for (const [name, path] of constants) expect(config.files, name).toContain(path);
    expect(constants.map(([, path]) => path).sort()).toEqual(preloadNames.map((name) => `dist/preload/${name}.cjs`).sort());
  });

  it('builds the installers the IT deployment guide names: NSIS per user, MSI per machine, dmg + zip (for electron-updater)', () => {
    expect(targets(config.linux?.target).sort()).toEqual(['AppImage', 'deb', 'rpm', 'tar.gz']);
    expect(targets(config.win?.target).sort()).toEqual(['msi', 'nsis']);
    expect(targets(config.mac?.target).sort()).toEqual(['dmg', 'zip']);
    expect(config.nsis?.artifactName).toBe('${name}-setup-${version}.${ext}');
    expect(config.msi?.artifactName).toBe('${name}-${version}.${ext}');
    expect(config.appImage?.artifactName).toBe('${name}-${version}-${arch}.${ext}');
    expect(config.dmg?.artifactName).toBe('${name}-${version}-${arch}.${ext}');
    // NSIS: assisted, per user unless the user (or `/allusers`) chooses all users.
    expect(config.nsis).toMatchObject({ oneClick: false });
    expect(config.nsis?.perMachine ?? false).toBe(false);
    expect(config.msi?.perMachine).toBe(true);
  });

  it('ships the images the main process loads (tray, badges, window icon) inside app.asar, under assets/', () => {
    // A file set of its own: electron-builder leaves buildResources (assets/) out of the app's files.
    expect(config.directories?.buildResources).toBe('assets');
    expect(fileSets).toEqual([{ from: 'assets', to: 'assets', filter: ['icon.png', 'tray/*.png', 'badges/*.png'] }]);
    expect(filePatterns.filter((f) => f.startsWith('assets'))).toEqual([]);
  });

  it('names an icon for every platform and installer, each a file npm run icons writes', () => {
    expect(config.linux?.icon).toBe('assets/icons/png');
    expect(config.win?.icon).toBe('assets/icon.ico');
    expect(config.mac?.icon).toBe('assets/icon.icns');
    expect(config.nsis).toMatchObject({ installerIcon: 'assets/icon.ico', uninstallerIcon: 'assets/icon.ico', installerHeaderIcon: 'assets/icon.ico' });
    expect(config.dmg).toMatchObject({ icon: 'assets/icon.icns', background: 'assets/dmg/background.png' });
    for (const path of [config.linux?.icon, config.win?.icon, config.mac?.icon, config.nsis?.installerIcon, config.dmg?.icon, config.dmg?.background]) expect(existsSync(join(root, path as string)), String(path)).toBe(true);
    // The disk image window takes the background's size; its Retina twin sits beside it.
    expect(pngSize('assets/dmg/background.png')).toEqual([540, 380]);
    expect(pngSize('assets/dmg/background@2x.png')).toEqual([1080, 760]);
    // The arrow is drawn between electron-builder's default icon places, (130, 220) and (410, 220).
    expect(config.dmg?.contents).toBeUndefined();
  });

  it('electron-builder takes every icon as it is — the .ico (≥ 256 px), the .icns, the PNG set — converting nothing (which would download a tool)', async () => {
    const { convertIcon } = require('app-builder-lib/out/util/iconConverter') as {
      convertIcon(o: { sources: string[]; fallbackSources: string[]; roots: string[]; format: string; outDir: string }): Promise<{ icons: { file: string; size: number }[]; isFallback: boolean }>;
    };
    const outDir = join(tmpdir(), `myapps-icon-conversion-${process.pid}`);
    const resolveIcon = (source: string, format: string) => convertIcon({ sources: [source], fallbackSources: [], roots: [join(root, 'assets'), root], format, outDir });
    expect(await resolveIcon(config.win!.icon as string, 'ico')).toEqual({ icons: [{ file: join(root, 'assets/icon.ico'), size: 256 }], isFallback: false });
    expect(await resolveIcon(config.mac!.icon as string, 'icns')).toEqual({ icons: [{ file: join(root, 'assets/icon.icns'), size: 0 }], isFallback: false });
    const set = await resolveIcon(config.linux!.icon as string, 'set');
    expect(set.icons.map((i) => [i.file, i.size])).toEqual([16, 24, 32, 48, 64, 128, 256, 512, 1024].map((n) => [join(root, `assets/icons/png/${n}x${n}.png`), n]));
    expect(existsSync(outDir), 'electron-builder converted an icon').toBe(false);
  });

  it('publishes to a generic feed: a placeholder that never resolves', () => {
    expect(config.publish).toEqual({ provider: 'generic', url: 'https://updates.myapps-desktop.invalid/${channel}' });
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

// ─── The MSI's PBX property (assets/msi/) ───────────────────────────────────────────────────

const msiDir = join(root, 'assets/msi');
const fragmentText = readFileSync(join(msiDir, 'policy.wxs'), 'utf8');
const policyScript = readFileSync(join(msiDir, 'policy.js'), 'utf8');

/** Parses XML, failing on any well-formedness error or warning. */
function parseXml(text: string, what: string) {
  const problems: string[] = [];
  const report = (m: string) => problems.push(m);
  const doc = new DOMParser({ errorHandler: { warning: report, error: report, fatalError: report } }).parseFromString(text, 'text/xml');
  expect(problems, `${what} is not well-formed XML`).toEqual([]);
  return doc;
}
const elements = (node: { getElementsByTagName(name: string): { length: number; item(i: number): Element | null } }, name: string): Element[] => {
  const list = node.getElementsByTagName(name);
  return Array.from({ length: list.length }, (_, i) => list.item(i)!);
};
const attrs = (e: Element) => Object.fromEntries(Array.from({ length: e.attributes.length }, (_, i) => [e.attributes.item(i)!.name, e.attributes.item(i)!.value]));

/**
 * The WiX project electron-builder 26 writes for the MSI target (MsiTarget.writeManifest from its
 * own template), with this repository's electron-builder.yml, for a small stand-in of the
 * Windows app folder. (Compiling it needs WiX, which runs on Windows or under Wine.)
 */
async function electronBuilderMsiProject(dir: string): Promise<string> {
  const requireBuilder = createRequire(require.resolve('app-builder-lib/package.json'));
  requireBuilder('app-builder-lib'); // the package first: its modules import each other in this order
  const MsiTarget = (requireBuilder('./out/targets/MsiTarget') as { default: new (packager: unknown, outDir: string) => { options: unknown; writeManifest(appOutDir: string, arch: number, options: unknown): Promise<string> } }).default;
  const { getEffectiveOptions } = requireBuilder('./out/options/CommonWindowsInstallerConfiguration') as { getEffectiveOptions(options: unknown, packager: unknown): unknown };
  const { Arch } = requireBuilder('builder-util') as { Arch: { x64: number } };
  const appOutDir = join(dir, 'win-unpacked');
  await mkdir(join(appOutDir, 'resources'), { recursive: true });
  await writeFile(join(appOutDir, 'myApps Desktop.exe'), 'stand-in');
  await writeFile(join(appOutDir, 'resources', 'app.asar'), 'stand-in');
  const appInfo = {
    productFilename: 'myApps Desktop',
    sanitizedProductName: 'myApps Desktop',
    sanitizedName: packageJson.name,
    id: config.appId,
    productName: config.productName,
    companyName: 'myApps Desktop contributors',
    description: 'Open-source desktop client for innovaphone myApps',
    version: '0.1.0',
    getVersionInWeirdWindowsForm: () => '0.1.0.0',
  };
  const packager = { config, platformSpecificBuildOptions: { ...config.win }, appInfo, fileAssociations: [], compression: 'normal', getIconPath: async () => join(root, config.win!.icon as string), expandMacro: (s: string) => s };
  const target = new MsiTarget(packager, join(dir, 'out'));
  return target.writeManifest(appOutDir, Arch.x64, getEffectiveOptions(target.options, packager));
}

describe('MSI: the PBX install property, written into the policy file (assets/msi/)', () => {
  it('policy.wxs is a well-formed WiX fragment in the namespace of electron-builder’s MSI template', () => {
    const doc = parseXml(fragmentText, 'assets/msi/policy.wxs');
    const template = parseXml(readFileSync(require.resolve('app-builder-lib/templates/msi/template.xml'), 'utf8').replace(/\{\{[\s\S]*?\}\}/g, ''), 'the template');
    expect(doc.documentElement!.tagName).toBe('Wix');
    expect(doc.documentElement!.namespaceURI).toBe(template.documentElement!.namespaceURI);
    expect(elements(doc, 'Fragment')).toHaveLength(1);
    expect(elements(doc, 'Product')).toHaveLength(0);
  });

  it('declares PBX public and secure; deferred, elevated custom actions call the functions policy.js defines', () => {
    const doc = parseXml(fragmentText, 'assets/msi/policy.wxs');
    expect(elements(doc, 'Property').map(attrs)).toEqual([{ Id: 'PBX', Secure: 'yes' }]);
    expect(elements(doc, 'Binary').map(attrs)).toEqual([{ Id: 'MyAppsPolicyScript', SourceFile: POLICY_SCRIPT_NAME }]);
    const actions = Object.fromEntries(elements(doc, 'CustomAction').map((e) => [e.getAttribute('Id'), attrs(e)]));
    expect(actions.MyAppsWritePolicy).toMatchObject({ BinaryKey: 'MyAppsPolicyScript', JScriptCall: 'writePolicy', Execute: 'deferred', Impersonate: 'no', Return: 'check' });
    expect(actions.MyAppsRemovePolicy).toMatchObject({ BinaryKey: 'MyAppsPolicyScript', JScriptCall: 'removePolicy', Execute: 'deferred', Impersonate: 'no', Return: 'ignore' });
    // Their CustomActionData, set by a property action of the same name each.
    expect(actions.MyAppsWritePolicyData).toEqual({ Id: 'MyAppsWritePolicyData', Property: 'MyAppsWritePolicy', Value: '[CommonAppDataFolder]|[PBX]' });
    expect(actions.MyAppsRemovePolicyData).toEqual({ Id: 'MyAppsRemovePolicyData', Property: 'MyAppsRemovePolicy', Value: '[CommonAppDataFolder]' });
    const sequence = Object.fromEntries(elements(doc, 'Custom').map((e) => [e.getAttribute('Action'), { ...attrs(e), condition: e.textContent }]));
    expect(sequence.MyAppsWritePolicy).toMatchObject({ Before: 'InstallFinalize', condition: 'NOT (REMOVE="ALL")' });
    expect(sequence.MyAppsWritePolicyData).toMatchObject({ Before: 'MyAppsWritePolicy', condition: 'NOT (REMOVE="ALL")' });
    // Removed on uninstall, kept through a major upgrade (the old version is uninstalled first).
    expect(sequence.MyAppsRemovePolicy).toMatchObject({ Before: 'RemoveFiles', condition: 'REMOVE="ALL" AND NOT UPGRADINGPRODUCTCODE' });
    expect(sequence.MyAppsRemovePolicyData).toMatchObject({ Before: 'MyAppsRemovePolicy', condition: 'REMOVE="ALL" AND NOT UPGRADINGPRODUCTCODE' });
    // The functions exist, at the top level of the script.
    const program = parseJs(policyScript, { ecmaVersion: 3, sourceType: 'script' });
    const functions = program.body.flatMap((n) => (n.type === 'FunctionDeclaration' && n.id ? [n.id.name] : []));
    expect(functions).toEqual(expect.arrayContaining(['writePolicy', 'removePolicy']));
    // The folder: %ProgramData%\myapps-desktop, owner Administrators, Users read only, nothing inherited.
    expect(elements(doc, 'Directory').map(attrs)).toEqual([{ Id: 'CommonAppDataFolder' }, { Id: 'MyAppsPolicyFolder', Name: 'myapps-desktop' }]);
    expect(elements(doc, 'PermissionEx').map((e) => e.getAttribute('Sddl'))).toEqual(['O:BAG:SYD:PAI(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;BU)']);
  });

  it('the hook electron-builder.yml names (loaded as electron-builder loads it) adds the fragment to the project electron-builder writes: still well-formed, linked by a FeatureRef, no Id twice, the script beside it; per machine', async () => {
    expect(config.msiProjectCreated).toBe('./assets/msi/project-created.mjs');
    // Resolved the way electron-builder resolves hooks (relative to the working directory, the repository).
    const { resolveFunction } = require('app-builder-lib/out/util/resolve') as { resolveFunction(type: string, executor: unknown, name: string, root: string): Promise<unknown> };
    const msiProjectCreated = (await resolveFunction('module', config.msiProjectCreated, 'msiProjectCreated', root)) as (projectFile: string) => Promise<void>;
    expect(msiProjectCreated).toBeTypeOf('function');
    const dir = await mkdtemp(join(tmpdir(), 'myapps-msi-'));
    try {
      const projectFile = join(dir, 'project.wxs');
      const project = await electronBuilderMsiProject(dir);
      await writeFile(projectFile, project);
      await msiProjectCreated(projectFile);

      const before = parseXml(project, 'electron-builder’s MSI project');
      // Per machine: ALLUSERS=1 (electron-builder.yml msi.perMachine).
      expect(elements(before, 'Property').find((e) => e.getAttribute('Id') === 'ALLUSERS')?.getAttribute('Value')).toBe('1');
      const after = parseXml(await readFile(projectFile, 'utf8'), 'the MSI project with the policy fragment');
      const wix = after.documentElement!;
      const children = Array.from({ length: wix.childNodes.length }, (_, i) => wix.childNodes.item(i)!).filter((n) => n.nodeType === 1) as Element[];
      expect(children.map((e) => e.tagName)).toEqual(['Product', 'Fragment']);
      const product = children[0]!;
      const refs = elements(product, 'FeatureRef').map((e) => e.getAttribute('Id'));
      expect(refs).toEqual(['MyAppsPolicy']);
      expect(elements(children[1]!, 'Feature').map((e) => e.getAttribute('Id'))).toEqual(refs);
      // Everything else of electron-builder's project is unchanged.
      const serial = (e: Element) => e.toString().replace(/<FeatureRef Id="MyAppsPolicy"\/>/, '').replace(/\s+/g, ' ');
      expect(serial(product)).toBe(serial(elements(before, 'Product')[0]!));
      // Definitions (not references) never share an Id.
      const definitions = elements(after, '*').filter((e) => e.hasAttribute('Id') && !/Ref$/.test(e.tagName)).map((e) => `${e.tagName}:${e.getAttribute('Id')}`);
      expect(definitions.length).toBe(new Set(definitions).size);
      expect(await readFile(join(dir, POLICY_SCRIPT_NAME), 'utf8')).toBe(policyScript);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the hook refuses a project that does not end in </Product></Wix> (electron-builder’s template changed)', () => {
    expect(() => addPolicyFragment('<Wix><Package/></Wix>', fragmentText)).toThrow(/template changed/);
    expect(() => addPolicyFragment('<Wix><Product></Product></Wix>', '<Wix/>')).toThrow(/no <Fragment>/);
  });

  it('policy.js is ECMAScript 3 (what Windows Installer’s JScript runs), without the library of later versions', () => {
    expect(() => parseJs(policyScript, { ecmaVersion: 3, sourceType: 'script' })).not.toThrow();
    // ES3 syntax is checked by the parser; these are the ES5+ library calls it cannot see.
    const code = policyScript.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code).not.toMatch(/\bJSON\b|\.trim\(|\.forEach\(|\.map\(|\.filter\(|Object\.keys|Array\.isArray|\.indexOf\(\[|Date\.now/);
  });
});

// ─── policy.js, run as Windows Installer runs it, against stand-ins ──────────────────────────

const PROGRAM_DATA = 'C:\\ProgramData\\';
const POLICY_FILE = 'C:\\ProgramData\\myapps-desktop\\policy.json';

/** Scripting.FileSystemObject over a map of files; records every change. */
class FileSystemStandIn {
  files = new Map<string, string>();
  folders = new Set<string>(['C:\\ProgramData']);
  changes: string[] = [];
  FolderExists(path: string) {
    return this.folders.has(path);
  }
  CreateFolder(path: string) {
    this.changes.push(`mkdir ${path}`);
    this.folders.add(path);
  }
  FileExists(path: string) {
    return this.files.has(path);
  }
  OpenTextFile(path: string, mode: number, create: boolean, format: number) {
    expect([mode, create, format], 'OpenTextFile(ForReading, no create, ASCII)').toEqual([1, false, 0]);
    const text = this.files.get(path);
    if (text === undefined) throw new Error(`File not found: ${path}`);
    return { AtEndOfStream: text === '', ReadAll: () => text, Close: () => {} };
  }
  CreateTextFile(path: string, overwrite: boolean, unicode: boolean) {
    expect([overwrite, unicode], 'CreateTextFile(overwrite, ASCII)').toEqual([true, false]);
    const folder = path.slice(0, path.lastIndexOf('\\'));
    if (!this.folders.has(folder)) throw new Error(`Path not found: ${folder}`);
    let text = '';
    return { Write: (t: string) => void (text += t), Close: () => (this.changes.push(`write ${path}`), this.files.set(path, text)) };
  }
  DeleteFile(path: string, force: boolean) {
    expect(force).toBe(true);
    if (!this.files.delete(path)) throw new Error(`File not found: ${path}`);
    this.changes.push(`delete ${path}`);
  }
  MoveFile(from: string, to: string) {
    if (this.files.has(to)) throw new Error('File already exists');
    const text = this.files.get(from);
    if (text === undefined) throw new Error(`File not found: ${from}`);
    this.files.delete(from);
    this.files.set(to, text);
    this.changes.push(`move ${from} → ${to}`);
  }
}

/** Runs policy.js's `fn` as a deferred custom action with this CustomActionData. */
function runCustomAction(fn: 'writePolicy' | 'removePolicy', customActionData: string, fs = new FileSystemStandIn()) {
  const log: string[] = [];
  const session = {
    Property: (name: string) => (name === 'CustomActionData' ? customActionData : ''),
    Installer: { CreateRecord: () => ({}) },
    Message: () => 1,
  };
  const context = createContext({
    Session: session,
    ActiveXObject: function ActiveXObject(progId: string) {
      if (progId !== 'Scripting.FileSystemObject') throw new Error(`no ActiveX object ${progId}`);
      return fs;
    },
  });
  runInContext(policyScript, context, { filename: 'policy.js' });
  // The installer's log: the script's own log() needs JScript (see the script); record instead.
  context.log = (text: string) => log.push(text);
  let result: unknown;
  let error: Error | undefined;
  try {
    result = runInContext(`${fn}()`, context);
  } catch (e) {
    error = e as Error;
  }
  return { result, error, fs, log };
}

const withPolicy = (text: string) => {
  const fs = new FileSystemStandIn();
  fs.folders.add('C:\\ProgramData\\myapps-desktop');
  fs.files.set(POLICY_FILE, text);
  return fs;
};

describe('MSI policy.js (a JScript custom action, run here against stand-ins for Session and FileSystemObject)', () => {
  it('PBX=pbx.example.com: writes {"defaults":{"pbx":…},"enforced":{"updates":false}}, which the core reads without a problem', () => {
    const { result, error, fs } = runCustomAction('writePolicy', `${PROGRAM_DATA}|pbx.example.com`);
    expect(error).toBeUndefined();
    expect(result).toBe(1);
    const text = fs.files.get(POLICY_FILE)!;
    expect(text).toBe('{"defaults":{"pbx":"pbx.example.com"},"enforced":{"updates":false}}\r\n');
    // Written beside, then moved into place: the app never reads half a file.
    expect(fs.changes).toEqual(['mkdir C:\\ProgramData\\myapps-desktop', `write ${POLICY_FILE}.msi-new`, `move ${POLICY_FILE}.msi-new → ${POLICY_FILE}`]);
    const loaded = parsePolicy(text, POLICY_FILE);
    expect(loaded.problems).toEqual([]);
    expect(loaded.policy).toEqual({ defaults: { pbx: 'pbx.example.com' }, enforced: { updates: false } });
  });

  it('without PBX: only the enforced part; a URL and host:port are taken as given', () => {
    expect(runCustomAction('writePolicy', `${PROGRAM_DATA}|`).fs.files.get(POLICY_FILE)).toBe('{"enforced":{"updates":false}}\r\n');
    for (const pbx of ['https://pbx.example.com/PBX0', '10.0.0.5:8443', 'pbx.example.com:443/rp/PBX0', '[2001:db8::1]:443']) {
      const text = runCustomAction('writePolicy', `${PROGRAM_DATA}|  ${pbx} `).fs.files.get(POLICY_FILE)!;
      expect(parsePolicy(text, POLICY_FILE)).toEqual({ policy: { defaults: { pbx }, enforced: { updates: false } }, problems: [] });
    }
  });

  it('replaces its own file (a new PBX on upgrade or repair), and keeps the PBX it wrote when none is given', () => {
    const own = '{"defaults":{"pbx":"old.example.com"},"enforced":{"updates":false}}\r\n';
    expect(runCustomAction('writePolicy', `${PROGRAM_DATA}|new.example.com`, withPolicy(own)).fs.files.get(POLICY_FILE)).toBe('{"defaults":{"pbx":"new.example.com"},"enforced":{"updates":false}}\r\n');
    const kept = runCustomAction('writePolicy', `${PROGRAM_DATA}|`, withPolicy(own));
    expect(kept.fs.files.get(POLICY_FILE)).toBe(own);
    expect(kept.fs.changes).toEqual([`write ${POLICY_FILE}.msi-new`, `delete ${POLICY_FILE}`, `move ${POLICY_FILE}.msi-new → ${POLICY_FILE}`]);
  });

  it('never changes a policy file IT wrote, says so in the log, and the installation goes on', () => {
    const itsOwn = '{\n  "defaults": { "pbx": "pbx.corp.example" },\n  "enforced": { "updates": false, "blockedApps": ["games"] }\n}\n';
    for (const text of [itsOwn, '\uFEFF{"enforced":{"updates":false}}', '{"enforced":{"updates":false},"defaults":{"pbx":"x"}}', '', 'not json']) {
      const { result, error, fs, log } = runCustomAction('writePolicy', `${PROGRAM_DATA}|pbx.example.com`, withPolicy(text));
      expect([result, error]).toEqual([1, undefined]);
      expect(fs.changes, JSON.stringify(text)).toEqual([]);
      expect(log.join('\n')).toMatch(/was not written by this installer and is left as it is \(PBX not applied\)/);
    }
  });

  it('a PBX that is not an address fails the installation, with the reason in the log, and writes nothing', () => {
    for (const pbx of ['pbx example.com', 'pbx"},"enforced":{"developerMode":true', 'pbx\\x', 'pbx.example.com\nx', `${'a'.repeat(1025)}`, 'user@pbx.example.com', 'ümlaut.example']) {
      const { error, fs, log } = runCustomAction('writePolicy', `${PROGRAM_DATA}|${pbx}`);
      expect(error?.message, JSON.stringify(pbx)).toMatch(/is not a PBX address/);
      expect(fs.changes).toEqual([]);
      expect(log.join('\n')).toMatch(/is not a PBX address/);
    }
  });

  it('whatever PBX and whatever file it finds: it writes only its two forms, valid for the core, and never touches another file', () => {
    const anyText = fc.oneof(fc.string(), fc.constantFrom('{"enforced":{"updates":false}}', '{"defaults":{"pbx":"a.example"},"enforced":{"updates":false}}\r\n'), fc.json());
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('pbx.example.com', 'https://pbx/PBX0', '')), fc.option(anyText, { nil: undefined }), (pbx, existing) => {
        const fs = existing === undefined ? new FileSystemStandIn() : withPolicy(existing);
        const { error, fs: after } = runCustomAction('writePolicy', `${PROGRAM_DATA}|${pbx}`, fs);
        const written = after.files.get(POLICY_FILE);
        if (error) {
          expect(after.changes).toEqual([]);
          return;
        }
        expect([...after.files.keys()].every((f) => f === POLICY_FILE)).toBe(true);
        if (existing !== undefined && written === existing && after.changes.length === 0) return; // IT's file, untouched
        const policy = JSON.parse(written!) as { defaults?: { pbx: string }; enforced: { updates: false } };
        expect(Object.keys(policy).sort()).toEqual(policy.defaults ? ['defaults', 'enforced'] : ['enforced']);
        expect(policy.enforced).toEqual({ updates: false });
        if (pbx.trim() !== '') expect(policy.defaults?.pbx).toBe(pbx.trim());
        // The address the MSI accepted is one the client can connect to, or the core names it.
        const loaded = parsePolicy(written!, POLICY_FILE);
        expect(loaded.problems.every((p) => p.field === 'defaults.pbx')).toBe(true);
      }),
      { seed: 20260801, numRuns: 400 },
    );
  });

  it('every host name and URL the MSI accepts as PBX is one the core accepts', () => {
    for (const pbx of ['pbx.example.com', 'pbx', '10.0.0.5', '10.0.0.5:8443', 'https://pbx.example.com/PBX0', 'wss://pbx.example.com/PBX0/APPCLIENT/130000/websocket', '[2001:db8::1]']) {
      expect(() => pbxAddress.parse(pbx, 'pbx'), pbx).not.toThrow();
      expect(runCustomAction('writePolicy', `${PROGRAM_DATA}|${pbx}`).error, pbx).toBeUndefined();
    }
  });

  it('uninstall: removes its own file, keeps IT’s file, and never fails', () => {
    const own = runCustomAction('removePolicy', PROGRAM_DATA, withPolicy('{"defaults":{"pbx":"a.example"},"enforced":{"updates":false}}\r\n'));
    expect([own.result, own.error, own.fs.files.has(POLICY_FILE)]).toEqual([1, undefined, false]);
    const its = runCustomAction('removePolicy', PROGRAM_DATA, withPolicy('{"enforced":{"blockedApps":["games"]}}'));
    expect([its.result, its.error, its.fs.files.has(POLICY_FILE), its.fs.changes]).toEqual([1, undefined, true, []]);
    expect(its.log.join('\n')).toMatch(/left as it is/);
    expect(runCustomAction('removePolicy', PROGRAM_DATA).result).toBe(1);
    const broken = new FileSystemStandIn();
    broken.FileExists = () => {
      throw new Error('Permission denied');
    };
    const failed = runCustomAction('removePolicy', PROGRAM_DATA, broken);
    expect([failed.result, failed.error]).toEqual([1, undefined]);
    expect(failed.log.join('\n')).toMatch(/could not remove the policy file: Permission denied/);
  });
});
