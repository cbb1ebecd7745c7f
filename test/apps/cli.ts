/**
 * `npx tsx test/apps/cli.ts --config test/pbx/demo.json [--port 8090] [--host 127.0.0.1]`
 * Serves a sample app for every App Object of the emulator config whose URL is
 * `http://<host>:<port>/apps/<name>/<page>` (kind from test/apps/catalog.ts), lists them, then
 * prints `myApps sample apps ready: <origin>`. Exit code 2: bad command line or config.
 * With `--port 0` a free port is used and the port in the App URLs is not compared.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadEmulatorConfig } from '../pbx/index.js';
import { sampleAppsFor } from './catalog.js';
import { startSampleApps } from './server.js';

const USAGE = 'usage: npx tsx test/apps/cli.ts --config <emulator config> [--port 8090] [--host 127.0.0.1]';

function fail(text: string, code: number): never {
  console.error(text);
  process.exit(code);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { config: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (e) {
    fail(`${(e as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.config) fail(`--config is required\n${USAGE}`, 2);
  const port = values.port === undefined ? 8090 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got "${values.port}"`, 2);
  const host = values.host ?? '127.0.0.1';

  let config;
  try {
    config = loadEmulatorConfig(values.config);
  } catch (e) {
    fail(e instanceof ConfigError ? e.message : `cannot load ${values.config}: ${(e as Error).message}`, 2);
  }
  const { apps, skipped } = sampleAppsFor(config, `http://${host}:${port}`, port === 0);
  if (apps.length === 0) fail(`no App Object of ${values.config} points at http://${host}:${port}/apps/<name>/<page>`, 2);

  let server;
  try {
    server = await startSampleApps({ port, host, apps });
  } catch (e) {
    fail(`sample apps failed to start: ${(e as Error).message}`, 1);
  }
  for (const a of apps) console.log(`  ${a.name.padEnd(14)} ${a.kind.padEnd(13)} ${server.urlOf(a.name)}`);
  for (const s of skipped) console.log(`  ${s.name.padEnd(14)} (not served: ${s.reason})`);
  console.log(`myApps sample apps ready: ${server.origin}`);

  const shutdown = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main();
