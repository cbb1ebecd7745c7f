/**
 * Where configuration lives on each OS. Pure functions of (platform, environment, home) so
 * every OS's answer is testable on any machine; Windows paths are built with `path.win32`.
 */
import { join, posix, win32 } from 'node:path';
import type { ConfigProblem } from './problems.js';

export const APP_DIR_NAME = 'myapps-desktop';
export const SETTINGS_FILE_NAME = 'settings.json';
export const POLICY_FILE_NAME = 'policy.json';
/** Environment variable naming a policy file; `--policy <file>` wins over it. */
export const POLICY_ENV = 'MYAPPS_POLICY';

export type Env = Readonly<Record<string, string | undefined>>;

/** Windows variable names are case-insensitive; a copied env object may not be. */
function winEnv(env: Env, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  const value = key === undefined ? undefined : env[key];
  return value ? value : undefined;
}

/** The per-user directory holding settings.json. */
export function userConfigDir(platform: NodeJS.Platform, env: Env, home: string): string {
  if (platform === 'win32') return win32.join(winEnv(env, 'APPDATA') ?? win32.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  // The XDG spec says relative values of XDG_CONFIG_HOME are invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  return posix.join(xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.config'), APP_DIR_NAME);
}

/**
 * The client's log folder when the shell names none: `logs` in the user config dir, where
 * Electron's `app.setAppLogsPath()` puts it on Linux and Windows (on macOS Electron uses
 * `~/Library/Logs/<product name>`, and the desktop build passes its own). Apps' console log
 * files go to its `apps` folder (apps/app-console.ts).
 */
export function userLogsDir(configDir: string): string {
  return join(configDir, 'logs');
}

/** The machine-wide IT policy file of the OS, writable only by administrators. */
export function defaultPolicyPath(platform: NodeJS.Platform, env: Env): string {
  if (platform === 'win32') return win32.join(winEnv(env, 'ProgramData') ?? 'C:\\ProgramData', APP_DIR_NAME, POLICY_FILE_NAME);
  if (platform === 'darwin') return posix.join('/Library/Application Support', APP_DIR_NAME, POLICY_FILE_NAME);
  return posix.join('/etc', APP_DIR_NAME, POLICY_FILE_NAME);
}

/** The policy file named by `--policy <file>`, else `$MYAPPS_POLICY`, else the OS location. */
export function policyPath(platform: NodeJS.Platform, env: Env, flag?: string): string {
  return flag || env[POLICY_ENV] || defaultPolicyPath(platform, env);
}

/**
 * The policy file that applies. On a managed machine (a policy file exists at the OS
 * location) `--policy` and `$MYAPPS_POLICY` are ignored, so a user cannot escape the locks by
 * naming another file; elsewhere (development, tests, unmanaged desktops) they apply.
 */
export function choosePolicyFile(platform: NodeJS.Platform, env: Env, flag: string | undefined, exists: (path: string) => boolean): { file: string; problem?: ConfigProblem } {
  const machine = defaultPolicyPath(platform, env);
  const requested = policyPath(platform, env, flag);
  if (requested === machine || !exists(machine)) return { file: requested };
  return {
    file: machine,
    problem: { source: requested, reason: `ignored: this computer has a policy at ${machine}, which cannot be replaced from the command line or environment`, severity: 'warning' },
  };
}
