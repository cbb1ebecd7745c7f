/**
 * A stand-in Electron distribution so electron-builder can package without the real binary;
 * it is never run (README.md in this folder). Written into a folder of the caller's choosing
 * and passed to electron-builder as `electronDist`.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Fuses from '@electron/fuses';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');

/** Loads a package the way electron-builder's own code (app-builder-lib) resolves it, so the versions match. */
export const requireFromElectronBuilder = createRequire(createRequire(join(root, 'package.json')).resolve('app-builder-lib/package.json'));

/** `@electron/fuses`, the copy electron-builder flips the fuses with. */
export const electronFuses = requireFromElectronBuilder('@electron/fuses') as typeof Fuses;
// The sentinel and the byte values are not re-exported by the package's index.
const { SENTINEL, FuseState } = requireFromElectronBuilder('@electron/fuses/dist/constants') as {
  SENTINEL: string;
  FuseState: { DISABLE: number; ENABLE: number; REMOVED: number; INHERIT: number };
};
export { FuseState as FUSE_STATE };

/** Every fuse this version of @electron/fuses knows, by wire index. */
export const FUSE_COUNT = Object.values(electronFuses.FuseV1Options).filter((v) => typeof v === 'number').length;

/**
 * Electron's own defaults (what an unflipped binary carries; electron/build/fuses/fuses.json5):
 * the opposite of every fuse electron-builder.yml sets, so a packaged build proves each flip.
 */
export const ELECTRON_DEFAULT_FUSES: Readonly<Record<Fuses.FuseV1Options, boolean>> = {
  [electronFuses.FuseV1Options.RunAsNode]: true,
  [electronFuses.FuseV1Options.EnableCookieEncryption]: false,
  [electronFuses.FuseV1Options.EnableNodeOptionsEnvironmentVariable]: true,
  [electronFuses.FuseV1Options.EnableNodeCliInspectArguments]: true,
  [electronFuses.FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: false,
  [electronFuses.FuseV1Options.OnlyLoadAppFromAsar]: false,
  [electronFuses.FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [electronFuses.FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
};

/** The fuse wire as @electron/fuses reads it: sentinel, version, length, one byte per fuse. */
export function fuseWire(fuses: Readonly<Record<number, boolean>> = ELECTRON_DEFAULT_FUSES): Buffer {
  const states = Array.from({ length: FUSE_COUNT }, (_, i) => {
    if (typeof fuses[i] !== 'boolean') throw new Error(`fuse ${i} has no state`);
    return fuses[i] ? FuseState.ENABLE : FuseState.DISABLE;
  });
  return Buffer.concat([Buffer.from(SENTINEL, 'ascii'), Buffer.from([Number(electronFuses.FuseVersion.V1), FUSE_COUNT, ...states])]);
}

/**
 * The stand-in executable: a shell script that refuses to run, carrying the fuse wire in a
 * comment line (the wire's bytes contain no newline, so the shell never reads them).
 */
export function standInExecutable(version: string): Buffer {
  return Buffer.concat([
    Buffer.from(
      [
        '#!/bin/sh',
        `# A stand-in for the Electron ${version} binary (test/support/electron-dist-stand-in/README.md),`,
        '# so electron-builder can package without the real one. It is not Electron and is never run.',
        `echo "this is a stand-in for the Electron binary, not Electron: install Electron ${version} to run the app" >&2`,
        'exit 1',
        '# fuse wire: ',
      ].join('\n'),
      'utf8',
    ),
    fuseWire(),
    Buffer.from('\n', 'utf8'),
  ]);
}

export interface ElectronDistStandIn {
  /** The folder to pass as `electronDist`. */
  dir: string;
  /** The Electron version it stands for (the installed `electron` package's). */
  version: string;
}

/** The installed `electron` package's version (its binary need not be there). */
export function installedElectronVersion(): string {
  const pkg = createRequire(join(root, 'package.json'))('electron/package.json') as { version: string };
  return pkg.version;
}

/** Writes a stand-in Linux Electron distribution into `dir` (created if missing). */
export async function createElectronDistStandIn(dir: string, version = installedElectronVersion()): Promise<ElectronDistStandIn> {
  await mkdir(join(dir, 'resources'), { recursive: true });
  const executable = join(dir, 'electron');
  await writeFile(executable, standInExecutable(version));
  await chmod(executable, 0o755);
  await writeFile(join(dir, 'version'), version);
  await writeFile(join(dir, 'LICENSE'), `Stand-in for Electron's LICENSE (MIT) of the Electron ${version} distribution; not shipped by a real build.\n`);
  await writeFile(join(dir, 'LICENSES.chromium.html'), `<!doctype html><title>Stand-in</title><p>Stand-in for Chromium's licences of the Electron ${version} distribution.</p>\n`);
  return { dir, version };
}
