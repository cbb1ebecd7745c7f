/**
 * `npm run demo`: everything a newcomer needs to see the client work, on one machine.
 * Today: the PBX emulator with the demo configuration, and the doctor command to log in to it.
 * (The browser shell and the sample App Services join as they are built.)
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { PbxEmulator, loadEmulatorConfig } from './pbx/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const configPath = resolve(here, 'pbx/demo.json');
const port = Number(process.env.MYAPPS_DEMO_PBX_PORT ?? 8089);

const config = loadEmulatorConfig(configPath);
const pbx = await PbxEmulator.start({ config, port });

const lines = [
  `myApps demo`,
  ``,
  `PBX emulator:  ${pbx.url}`,
  `Demo users (user / password):`,
  ...config.users.map((u) => `  ${u.sip.padEnd(8)} ${u.password.padEnd(12)} ${u.twoFactor ? '(two-factor: approve from another session of the user)' : ''}`.trimEnd()),
  ``,
  `Try it from another terminal:`,
  `  MYAPPS_PASSWORD='${config.users[0]!.password}' npm run doctor -- --pbx ${pbx.url} --user ${config.users[0]!.sip}`,
  `  MYAPPS_PASSWORD='${config.users[0]!.password}' npm run doctor -- --pbx ${pbx.url} --user ${config.users[0]!.sip} --app contacts --challenge 1234`,
  ``,
  `Ctrl+C stops the demo.`,
];
process.stdout.write(lines.join('\n') + '\n');

const stop = async () => {
  await pbx.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
