/**
 * `npm run demo`: everything a newcomer needs to see the client work, on one machine —
 * the PBX emulator with the demo configuration, the client core behind the browser shell,
 * the sample App Services (test/apps/) that the demo's App Objects point at, the Electron
 * shell where its binary exists, and the demo users to log in with.
 *
 * Ports: MYAPPS_DEMO_PBX_PORT (8089), MYAPPS_DEMO_PORT (8088), MYAPPS_DEMO_APPS_PORT (8090); 0 = any free port.
 * The OAuth2 identity provider (test/pbx/idp.ts) takes any free loopback port.
 * The demo keeps its settings in a fresh temporary folder, never in your own profile.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../main/core/common/log.js';
import { startWebShell } from '../main/web/start.js';
import { spawn, spawnSync } from 'node:child_process';
import { findElectronBinary } from './e2e-electron/find-electron.js';
import { sampleAppsFor } from './apps/catalog.js';
import { startSampleApps } from './apps/server.js';
import { startIdentityProvider } from './pbx/idp.js';
import { PbxEmulator, loadEmulatorConfig } from './pbx/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const config = loadEmulatorConfig(resolve(here, 'pbx/demo.json'));
// The demo config's apps live at http://127.0.0.1:8090/apps/…; on another port their URLs follow.
const demoAppsOrigin = 'http://127.0.0.1:8090';
const sampleApps = await startSampleApps({ port: Number(process.env.MYAPPS_DEMO_APPS_PORT ?? 8090), apps: sampleAppsFor(config, demoAppsOrigin).apps });
for (const app of config.appObjects) app.url = app.url.replace(demoAppsOrigin, sampleApps.origin);
// Single sign-on: one demo account also signs in through a real OpenID Connect provider.
const ssoAccount = { username: 'alice', password: 'alice-sso' };
const idp = await startIdentityProvider({ accounts: [ssoAccount] });
config.oauth2 = { ...idp.pbxConfig, name: 'Demo SSO' };
const pbx = await PbxEmulator.start({ config, port: Number(process.env.MYAPPS_DEMO_PBX_PORT ?? 8089) });
const configDir = mkdtempSync(join(tmpdir(), 'myapps-demo-'));
let shellUrl = '';
const web = await startWebShell(
  ['--pbx', pbx.url, '--port', process.env.MYAPPS_DEMO_PORT ?? '8088', '--config-dir', configDir],
  (line) => (shellUrl = line.replace(/^myApps browser shell: /, '')),
  () => {},
  silentLogger,
);

/** The desktop shell too, where an Electron binary exists (never on this project's CI machines). */
function startElectron(): string {
  const root = resolve(here, '..');
  const electron = findElectronBinary(root);
  if (!electron.found) return `Electron: not started (${electron.reason}); the browser shell runs the same UI and core.`;
  for (const script of ['build:electron', 'build:preload']) {
    if (spawnSync('npm', ['run', '-s', script], { cwd: root, stdio: 'inherit' }).status !== 0) return `Electron: not started (npm run ${script} failed).`;
  }
  const child = spawn(electron.path, [root, '--pbx', pbx.url], { cwd: root, stdio: 'inherit' });
  process.once('exit', () => child.kill());
  return `Electron ${electron.version}: started with the same PBX.`;
}

const lines = [
  `myApps demo`,
  ``,
  `Open the client:  ${shellUrl}`,
  `PBX emulator:     ${pbx.url}   (prefilled on the login screen)`,
  `Sample apps:      ${sampleApps.origin}/apps/<name>/<name>.htm`,
  `SSO provider:     ${idp.issuer}   (OAuth2 "Demo SSO": ${ssoAccount.username} / ${ssoAccount.password})`,
  ``,
  `Demo users (user / password):`,
  ...config.users.map((u) => `  ${u.sip.padEnd(8)} ${u.password.padEnd(12)} ${u.twoFactor ? '(two-factor: approve from another session of the user)' : ''}`.trimEnd()),
  ``,
  startElectron(),
  `Headless login check: MYAPPS_PASSWORD='${config.users[0]!.password}' npm run doctor -- --pbx ${pbx.url} --user ${config.users[0]!.sip}`,
  ``,
  `Ctrl+C stops the demo.`,
];
process.stdout.write(lines.join('\n') + '\n');

const stop = async () => {
  await web.close();
  await sampleApps.close();
  await pbx.stop();
  await idp.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
