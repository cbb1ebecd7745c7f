/**
 * Starting with the OS session (the effective `autostart`: the user's setting, or IT's policy),
 * always into the tray (`--minimized`: no window, tray only).
 *
 * - Windows: `app.setLoginItemSettings({ openAtLogin, path: <exe>, args: ['--minimized'] })` —
 *   a Run value under the user's registry key (named after the AppUserModelId), with the same
 *   path and arguments when it is removed again.
 * - macOS: `app.setLoginItemSettings({ openAtLogin })` (a login item of the app; macOS passes
 *   no arguments, so a start at login is recognised by `wasOpenedAtLogin` instead and starts
 *   in the tray as well).
 * - Linux: an XDG autostart entry `$XDG_CONFIG_HOME/autostart/myapps-desktop.desktop`
 *   (default `~/.config/autostart`), written when on and removed when off. Exec names the
 *   AppImage when running from one (`$APPIMAGE`: the executable itself lives in a temporary
 *   mount), else the executable, quoted as the Desktop Entry spec says, plus `--minimized`.
 * - Only what differs from the OS's current state is changed. A development build (not
 *   packaged) changes nothing: its executable is Electron itself.
 *
 * The entry text, paths and settings are PURE (unit-tested); `applyAutostart` does the calls.
 * Only `import type` from electron.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { App, Settings } from 'electron';
import type { Logger } from '../core/common/log.js';
import { PRODUCT_NAME } from './tray.js';

/** The argument a start at login gets. */
export const AUTOSTART_ARGS: readonly string[] = ['--minimized'];
export const XDG_AUTOSTART_FILE = 'myapps-desktop.desktop';

/** What `app.setLoginItemSettings` gets (Windows and macOS). */
export function loginItemSettings(openAtLogin: boolean, platform: NodeJS.Platform, execPath: string): Settings {
  if (platform === 'win32') return { openAtLogin, path: execPath, args: [...AUTOSTART_ARGS] };
  return { openAtLogin };
}

/** `$XDG_CONFIG_HOME/autostart` (an absolute XDG_CONFIG_HOME only, as the spec says), else `~/.config/autostart`. */
export function xdgAutostartDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  return posix.join(xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.config'), 'autostart');
}

/** The program to start at login on Linux: the AppImage when running from one, else the executable. */
export function linuxAutostartExecutable(execPath: string, env: Readonly<Record<string, string | undefined>>): string {
  const appImage = env.APPIMAGE;
  return appImage && posix.isAbsolute(appImage) ? appImage : execPath;
}

/**
 * One argument of an Exec key (Desktop Entry spec, "The Exec key"): quoted when it holds a
 * reserved character, with `"`, `` ` ``, `$` and `\` escaped inside the quotes; `%` doubled (field
 * codes); then the string escapes of the file format (`\` written `\\`). Control characters
 * cannot be written safely: refused.
 */
export function desktopExecArgument(arg: string): string {
  if (arg === '' || /[\p{Cc}]/u.test(arg)) throw new Error('an Exec argument must be non-empty and free of control characters');
  let quoted = arg.replace(/%/g, '%%');
  if (/[\s"'\\><~|&;$*?#()`]/.test(quoted)) quoted = `"${quoted.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
  return quoted.replace(/\\/g, '\\\\');
}

/** The XDG autostart entry. */
export function xdgAutostartEntry(executable: string): string {
  const exec = [executable, ...AUTOSTART_ARGS].map(desktopExecArgument).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    `Name=${PRODUCT_NAME}`,
    'Comment=Starts myApps Desktop in the tray when you log in',
    `Exec=${exec}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export interface AutostartOptions {
  enabled: boolean;
  platform: NodeJS.Platform;
  packaged: boolean;
  app: Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings'>;
  execPath: string;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  log: Logger;
}

/** Make the OS start the client at login, or not. Never throws (a failure is logged). */
export async function applyAutostart(o: AutostartOptions): Promise<void> {
  if (!o.packaged) {
    o.log('info', 'autostart is left alone: a development build starts Electron itself, not the client', { autostart: o.enabled });
    return;
  }
  try {
    if (o.platform === 'linux') await applyXdgAutostart(o);
    else if (o.platform === 'win32' || o.platform === 'darwin') {
      const wanted = loginItemSettings(o.enabled, o.platform, o.execPath);
      const current = o.app.getLoginItemSettings(o.platform === 'win32' ? { path: o.execPath, args: [...AUTOSTART_ARGS] } : undefined);
      if (current.openAtLogin === o.enabled) return;
      o.app.setLoginItemSettings(wanted);
      o.log('info', o.enabled ? 'the client starts at login (in the tray)' : 'the client no longer starts at login');
    }
  } catch (e) {
    o.log('warn', 'autostart could not be changed', { autostart: o.enabled, error: String(e) });
  }
}

async function applyXdgAutostart(o: AutostartOptions): Promise<void> {
  const dir = xdgAutostartDir(o.env, o.home);
  const file = posix.join(dir, XDG_AUTOSTART_FILE);
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (!o.enabled) {
    if (current === undefined) return;
    await rm(file, { force: true });
    o.log('info', 'the client no longer starts at login', { file });
    return;
  }
  const entry = xdgAutostartEntry(linuxAutostartExecutable(o.execPath, o.env));
  if (current === entry) return;
  await mkdir(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, entry, { mode: 0o644 });
  await rename(temp, file);
  o.log('info', 'the client starts at login (in the tray)', { file });
}
