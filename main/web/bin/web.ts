/** Entry point of `npm run web`: see main/web/start.ts. */
import { UsageError } from '../../cli/args.js';
import { startWebShell, webUsage } from '../start.js';

try {
  const run = await startWebShell(process.argv.slice(2), (line) => process.stdout.write(line + '\n'));
  const stop = () => {
    run.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`closing failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n${e instanceof UsageError ? webUsage + '\n' : ''}`);
  process.exit(e instanceof UsageError ? 2 : 1);
}
