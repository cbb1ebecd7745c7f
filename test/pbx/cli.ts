/**
 * `npm run pbx -- --config <file> [--port N] [--host H] [--tls] [--oauth2] [--verbose]`
 * Prints exactly one "ready" line (plus the certificate fingerprint with --tls, the identity
 * provider with --oauth2) so scripts can wait for it; exit code 2 means a bad command line or config.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadEmulatorConfig } from './config.js';
import type { EmulatorConfig } from './config.js';
import { PbxEmulator } from './emulator.js';
import type { IdentityProvider } from './idp.js';

const USAGE = 'usage: npm run pbx -- --config <file> [--port N] [--host H] [--tls] [--oauth2] [--verbose]';

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
        oauth2: { type: 'boolean' },
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

  if (values.oauth2 && values.tls) fail('--oauth2 needs the emulator without --tls (the identity provider accepts only http:// loopback callbacks)', 2);

  let config: EmulatorConfig;
  try {
    config = loadEmulatorConfig(values.config);
  } catch (e) {
    fail((e as Error).message, 2);
  }
  let idp: IdentityProvider | undefined;
  if (values.oauth2) {
    // A stand-in for a directory the PBX and the IdP share: every user signs in with their PBX password.
    // Loaded only when asked for: oidc-provider prints warnings as soon as it is imported.
    const { startIdentityProvider } = await import('./idp.js');
    idp = await startIdentityProvider({ accounts: config.users.map((u) => ({ username: u.sip, password: u.password })) });
    config.oauth2 = { ...idp.pbxConfig, ...(config.oauth2?.name ? { name: config.oauth2.name } : {}) };
  }
  let emu: PbxEmulator;
  try {
    emu = await PbxEmulator.start({ config, port, host: values.host, tls: values.tls, verbose: values.verbose });
  } catch (e) {
    await idp?.close();
    if (e instanceof ConfigError) fail(e.message, 2);
    fail(`PBX emulator failed to start: ${(e as Error).message}`, 1);
  }
  console.log(`myApps PBX emulator ready: ${emu.url}`);
  if (emu.fingerprint256) console.log(`TLS certificate SHA-256 fingerprint: ${emu.fingerprint256}`);
  if (idp) console.log(`OAuth2 identity provider: ${idp.issuer} (users sign in with their PBX passwords)`);

  const shutdown = (): void => {
    void Promise.all([emu.stop(), idp?.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main();
