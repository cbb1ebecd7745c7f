/**
 * `npm run web`: the client core behind the browser shell, as one function so that
 * `npm run demo` can start it in-process too.
 *
 *   npm run web -- [--pbx <address>] [--port <n>] [--config-dir <dir>] [--policy <file>] [<link> ...]
 *
 * Links (`tel:`, `sip:`, `callto:`, `myapps://app/…`) are followed as the desktop build follows
 * them from its command line: validated, kept until the login, then dialled or opened.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions, UsageError } from '../cli/args.js';
import { ClientCore } from '../core/client/client.js';
import { stderrLogger, type Logger } from '../core/common/log.js';
import { parseCommandLine } from '../core/config/command-line.js';
import { linkText } from '../core/config/deep-link.js';
import { userConfigDir } from '../core/config/paths.js';
import { createWebShell, type WebShell } from './server.js';

export const webUsage = 'usage: npm run web -- [--pbx <address>] [--port <n>] [--config-dir <dir>] [--policy <file>] [<tel:|sip:|callto:|myapps:// link> ...]';

/** The renderer build, found from this file so the shell works from any working directory. */
export const defaultRendererDir = fileURLToPath(new URL('../../renderer/dist', import.meta.url));

export interface WebShellRun {
  shell: WebShell;
  core: ClientCore;
  /** Close the shell, then end the core's PBX session. */
  close(): Promise<void>;
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError('--port must be a port number (0 picks a free one)');
  return Number(value);
}

/** Where the links begin: the first argument that is neither an option nor its value (every option here takes one). */
function linksStart(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i]!.startsWith('--')) return i;
    if (!argv[i]!.includes('=')) i++;
  }
  return argv.length;
}

/**
 * Start the core and the browser shell. Prints the one line `myApps browser shell: <url>`
 * through `out` (scripts read the address from it) and a hint through `err`.
 * Throws `UsageError` for bad arguments.
 */
export async function startWebShell(argv: readonly string[], out: (line: string) => void, err: (line: string) => void = (line) => process.stderr.write(line + '\n'), log: Logger = stderrLogger('info')): Promise<WebShellRun> {
  const firstLink = linksStart(argv);
  const links = argv.slice(firstLink);
  const options = parseOptions(argv.slice(0, firstLink), { pbx: 'string', port: 'string', 'config-dir': 'string', policy: 'string' });
  const port = parsePort(options.port);
  // The core takes the same command line as the desktop client (validation, and the rule that
  // --policy cannot replace a machine's policy file). The `=` form keeps a value a value.
  const commandLine = parseCommandLine([...(options.pbx === undefined ? [] : [`--pbx=${options.pbx}`]), ...(options.policy === undefined ? [] : [`--policy=${options.policy}`]), ...(links.length ? ['--', ...links] : [])]);
  // The desktop client reports a bad flag and starts anyway; a developer's command line is better refused.
  const bad = commandLine.problems.find((p) => p.severity === 'error');
  if (bad) throw new UsageError(`${bad.field ?? 'option'} ${bad.reason.replace(/; the option was ignored$/, '')}`);
  const configDir = resolve(options['config-dir'] ?? userConfigDir(process.platform, process.env, homedir()));

  const core = await ClientCore.start({ configDir, commandLine, log });
  let shell: WebShell;
  try {
    shell = await createWebShell({ host: core, rendererDir: defaultRendererDir, port, log });
  } catch (e) {
    await core.dispose();
    throw e;
  }
  // Kept by the core until the login (main/core/client/links.ts).
  for (const link of commandLine.deepLinks) {
    const result = await core.handle({ type: 'followLink', link: linkText(link) });
    if (!result.ok) err(result.error);
  }
  out(`myApps browser shell: ${shell.url}`);
  err(
    existsSync(join(defaultRendererDir, 'index.html'))
      ? 'Open that address in a browser (it carries this run’s access token; do not share it). Ctrl+C stops the shell.'
      : 'The UI is not built yet: run npm run build:renderer, then open that address. Ctrl+C stops the shell.',
  );
  return {
    shell,
    core,
    close: async () => {
      await shell.close();
      await core.dispose();
    },
  };
}
