/**
 * Reading and writing `settings.json`. Nothing the user saved is ever lost without a trace:
 * a corrupt file is moved aside, a partly invalid one is backed up before it is repaired,
 * an old one is backed up before it is upgraded, and a file from a newer version of the app
 * is not touched at all. Each of these is reported as a problem in plain words.
 */
import { chmod, copyFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { type AtomicWriteSteps, fileSystemSteps, removeStaleTempFiles, writeFileAtomic } from './atomic-write.js';
import { migrate } from './migrations.js';
import { SETTINGS_FILE_NAME } from './paths.js';
import type { ConfigProblem } from './problems.js';
import { SETTINGS_VERSION, type SettingsFile, emptySettingsFile, parseSettingsFile } from './settings.js';

export interface LoadedSettings {
  file: SettingsFile;
  problems: ConfigProblem[];
  /** False when the file on disk must not be replaced (newer version, unreadable, no backup possible). */
  writable: boolean;
}

export interface SettingsStoreOptions {
  now?: () => number;
  steps?: AtomicWriteSteps;
}

export function settingsPath(dir: string): string {
  return join(dir, SETTINGS_FILE_NAME);
}

export async function saveSettings(dir: string, file: SettingsFile, steps: AtomicWriteSteps = fileSystemSteps): Promise<void> {
  await makeDirectory(dir);
  await writeFileAtomic(settingsPath(dir), JSON.stringify(file, null, 2) + '\n', steps);
}

/**
 * `mkdir -p` that fails with the real cause. Node's recursive mkdir reports ENOENT when it
 * cannot create a missing directory for another reason (a read-only file system: EROFS; no
 * permission: EACCES), so on ENOENT the missing directories are created one by one, and the
 * first that fails says why.
 */
async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const found = await stat(at).then(
      () => true,
      () => false,
    );
    if (found || dirname(at) === at) break;
    missing.unshift(at);
  }
  for (const at of missing) {
    await mkdir(at, { mode: 0o700 }).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    });
  }
}

/** Backups hold what settings.json holds (PBX addresses, user names): readable by their owner only, as settings.json is written. */
async function ownerOnly(path: string): Promise<void> {
  await chmod(path, 0o600);
}

function errorText(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

export async function loadSettings(dir: string, options: SettingsStoreOptions = {}): Promise<LoadedSettings> {
  const path = settingsPath(dir);
  const problems: ConfigProblem[] = [];
  const report = (reason: string, severity: ConfigProblem['severity'], field?: string) =>
    problems.push({ source: path, ...(field === undefined ? {} : { field }), reason, severity });
  const defaults = (writable: boolean): LoadedSettings => ({ file: emptySettingsFile(), problems, writable });
  // Windows forbids ':' in file names.
  const stamp = new Date((options.now ?? Date.now)()).toISOString().replace(/[:.]/g, '-');

  await removeStaleTempFiles(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return defaults(true);
    report(`The settings file cannot be read (${errorText(e)}). This run uses default settings and leaves the file untouched.`, 'error');
    return defaults(false);
  }

  const corrupt = async (what: string, field?: string): Promise<LoadedSettings> => {
    const backup = `${path}.corrupt-${stamp}`;
    try {
      await rename(path, backup);
    } catch (e) {
      report(`The settings file ${what} and could not be moved aside (${errorText(e)}). This run uses default settings and leaves the file untouched.`, 'error', field);
      return defaults(false);
    }
    // The file keeps the mode it had, perhaps one an editor gave it; the backup is owner-only.
    // It is moved aside already, so a failure here costs nothing but that narrowing.
    await ownerOnly(backup).catch(() => {});
    report(`The settings file ${what}. It was kept as ${basename(backup)} and the app started with default settings.`, 'error', field);
    return defaults(true);
  };
  const backUp = async (suffix: string): Promise<string | undefined> => {
    try {
      await copyFile(path, `${path}.${suffix}`);
      await ownerOnly(`${path}.${suffix}`);
      return basename(`${path}.${suffix}`);
    } catch (e) {
      report(`The settings file could not be backed up (${errorText(e)}), so it is left untouched and changes are not saved.`, 'error');
      return undefined;
    }
  };

  let raw: unknown;
  try {
    // Editors on Windows like to save UTF-8 with a byte-order mark, which JSON.parse refuses.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return corrupt(`is not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return corrupt('does not hold a JSON object');
  const record = raw as Record<string, unknown>;
  // The prototype wrote no version: its files are version 0.
  const version = record.version ?? 0;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) return corrupt('has an invalid settings version', 'version');
  if (version > SETTINGS_VERSION) {
    report(
      `The settings file was written by a newer version of myApps Desktop (settings version ${version}; this version knows ${SETTINGS_VERSION}). It is left untouched; this run uses default settings and does not save changes.`,
      'warning',
      'version',
    );
    return defaults(false);
  }

  let current = record;
  if (version < SETTINGS_VERSION) {
    try {
      current = migrate(record, version);
    } catch (e) {
      return corrupt(`could not be upgraded from settings version ${version} (${(e as Error).message})`, 'version');
    }
    if ((await backUp(`v${version}`)) === undefined) return defaults(false);
  }

  const invalid: ConfigProblem[] = [];
  const file = parseSettingsFile(current, (field, reason) => invalid.push({ source: path, field, reason, severity: 'warning' }));
  if (invalid.length > 0) {
    const backup = await backUp(`corrupt-${stamp}`);
    if (backup === undefined) return { file, problems: [...invalid, ...problems], writable: false };
    problems.push(...invalid);
    report(`Some settings were invalid and were reset to their defaults (each is listed); the original file was kept as ${backup}.`, 'warning');
  }
  if (version < SETTINGS_VERSION || invalid.length > 0) {
    try {
      await saveSettings(dir, file, options.steps);
    } catch (e) {
      report(`The repaired settings could not be saved (${errorText(e)}); they apply to this run only.`, 'warning');
    }
  }
  return { file, problems, writable: true };
}
