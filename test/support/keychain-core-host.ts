/**
 * A ClientCore on the real OS keychain (its default store: keytar behind the resilient store,
 * service "myApps Desktop"), in a process of its own, driven over stdio by
 * test/integration/faults-keychain.test.ts. A process of its own because keytar (libsecret)
 * binds to one D-Bus session for the life of a process, and a locked collection can crash it
 * (node-keytar#477): the test gives each host a private Secret Service and watches it exit.
 *
 * In:  one JSON request a line: {id, op: 'start', configDir, backoffMs?} | {id, op: 'handle', command} | {id, op: 'dispose'}
 * Out: one JSON line each: {ready: true} once; {id, ok, value | error} per request;
 *      {snapshot} after every core event; {log: {level, message}} for each warning or error the core logs.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ClientCore } from '../../main/core/client/client.js';

let core: ClientCore | undefined;
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

type Request = { id: number; op: 'start'; configDir: string; backoffMs?: number } | { id: number; op: 'handle'; command: unknown } | { id: number; op: 'dispose' };

async function run(req: Request): Promise<unknown> {
  switch (req.op) {
    case 'start': {
      const backoffMs = req.backoffMs ?? 50;
      core = await ClientCore.start({
        configDir: req.configDir,
        policyFile: join(req.configDir, 'policy.json'),
        policyPollMs: 0,
        sessionOptions: { backoff: { initialMs: backoffMs, maxMs: backoffMs * 4, random: () => 1 } },
        // Messages only: fields may name accounts, and a host has no business echoing more.
        log: (level, message) => {
          if (level === 'warn' || level === 'error') out({ log: { level, message } });
        },
      });
      const started = core;
      started.onEvent(() => out({ snapshot: started.snapshot() }));
      return started.snapshot();
    }
    case 'handle':
      if (!core) throw new Error('not started');
      return core.handle(req.command);
    case 'dispose':
      await core?.dispose();
      core = undefined;
      return null;
  }
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const req = JSON.parse(line) as Request;
    run(req).then(
      (value) => out({ id: req.id, ok: true, value }),
      (e: unknown) => out({ id: req.id, ok: false, error: String(e) }),
    );
  })
  .on('close', () => {
    void (core?.dispose() ?? Promise.resolve()).finally(() => process.exit(0));
  });

out({ ready: true });
