/** Entry point of `npm run doctor`: see main/cli/doctor.ts. */
import { doctor } from '../doctor.js';

/**
 * Nothing doctor prints is a stack trace: an error nobody expected (a throw outside doctor's
 * own handling, an unhandled rejection) still ends in one JSON line with a reason, and exit 1.
 */
let failed = false;
function internalError(e: unknown): void {
  if (failed) return; // e.g. stdout itself broke while saying so
  failed = true;
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`doctor: internal error: ${message}\n`);
  // Exit once the line is out (a pipe may be asynchronous), whether or not it could be written.
  process.stdout.write(JSON.stringify({ step: 'error', reason: 'internal', message }) + '\n', () => process.exit(1));
}
process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);

process.exitCode = await doctor(process.argv.slice(2), (record) => process.stdout.write(JSON.stringify(record) + '\n')).catch((e: unknown) => {
  internalError(e);
  return 1;
});
