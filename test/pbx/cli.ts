/**
 * `npm run pbx -- --config <file> [--port N] [--host H] [--tls] [--verbose]`
 * Prints exactly one "ready" line (plus the certificate fingerprint with --tls) so scripts
 * can wait for it; exit code 2 means a bad command line or config.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from './config.js';
import { PbxEmulator } from './emulator.js';

const USAGE = 'usage: npm run pbx -- --config <file> [--port N] [--host H] [--tls] [--verbose]';

function fail(text: string, code: number): never {
  console.error(text);
  process.exit(code);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        tls: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    fail(`${(e as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.config) fail(`--config is required\n${USAGE}`, 2);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got "${values.port}"`, 2);

  let emu: PbxEmulator;
  try {
    emu = await PbxEmulator.start({ config: values.config, port, host: values.host, tls: values.tls, verbose: values.verbose });
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message, 2);
    fail(`PBX emulator failed to start: ${(e as Error).message}`, 1);
  }
  console.log(`myApps PBX emulator ready: ${emu.url}`);
  if (emu.fingerprint256) console.log(`TLS certificate SHA-256 fingerprint: ${emu.fingerprint256}`);

  const shutdown = (): void => {
    void emu.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main();
