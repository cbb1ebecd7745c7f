/**
 * Load run 2 (test/load/README.md): the PBX emulator with 500 clients logging in at once — is it
 * a fit stand-in for tests at scale?
 *
 * The emulator runs in a child process (pbx-worker.ts) with 500 users, each granted the same
 * 30 App Objects. This process opens 500 bare myApps connections at once; each does the
 * two-round digest login (`PbxUser.login`, test/apps/pbx-client.ts), then `SubscribeApps`, and
 * waits for `UpdateAppsComplete` after all of its `UpdateAppsInfo`. Reported: the time until all
 * are logged in and until all have their app list, per-client times, failures (must be 0), and
 * the emulator process's memory before and after (heap after a full GC, RSS, peak RSS).
 *
 *   npm run load -- emulator        (or: npx tsx --expose-gc test/load/emulator-load.ts)
 *   LOAD_CLIENTS=500 LOAD_USER_APPS=30
 *
 * One user per client: logins of one user fan out `SessionAdded` to each of that user's other
 * connections, which would make the run measure that quadratic fan-out instead.
 * Exit 0 when every client made it, 1 when any failed, 2 when the run could not be made.
 */
import { PbxUser } from '../apps/pbx-client.js';
import { emulatorLoadConfig, emulatorUserPassword, envNumber } from './load-config.js';
import { PbxProcess, type PbxStats } from './pbx-process.js';
import { fmtInt, fmtMb, fmtSignedMb, markdownTable, writeResults } from './report.js';

const clients = Math.round(envNumber('LOAD_CLIENTS', 500));
const appsPerUser = Math.round(envNumber('LOAD_USER_APPS', 30));
/** Per step (connect + Authenticate, LoginResult, the app list): generous, a failure here is a finding. */
const stepTimeoutMs = 30_000;

interface ClientOutcome {
  loggedInMs?: number;
  appsMs?: number;
  error?: string;
}

async function oneClient(url: string, sip: string, t0: number): Promise<ClientOutcome & { user?: PbxUser }> {
  const outcome: ClientOutcome & { user?: PbxUser } = {};
  try {
    const user = await PbxUser.login(url, sip, emulatorUserPassword(sip));
    outcome.user = user;
    outcome.loggedInMs = performance.now() - t0;
    user.socket.send({ mt: 'SubscribeApps' });
    await user.socket.next('UpdateAppsComplete', undefined, stepTimeoutMs);
    const listed = user.socket.takeAll('UpdateAppsInfo').length;
    if (listed !== appsPerUser) throw new Error(`${listed} apps listed, ${appsPerUser} expected`);
    outcome.appsMs = performance.now() - t0;
  } catch (e) {
    outcome.error = (e as Error)?.message ?? String(e);
  }
  return outcome;
}

const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};

async function run(): Promise<number> {
  process.stdout.write(`emulator load: ${clients} clients log in at once, ${appsPerUser} apps each\n`);
  const pbx = await PbxProcess.start(emulatorLoadConfig({ users: clients, apps: appsPerUser }));
  let users: PbxUser[] = [];
  try {
    const idle: PbxStats = await pbx.stats(true);
    const t0 = performance.now();
    const outcomes = await Promise.all(Array.from({ length: clients }, (_, i) => oneClient(pbx.url, `user${String(i).padStart(4, '0')}`, t0)));
    const wallMs = performance.now() - t0;
    users = outcomes.flatMap((o) => (o.user ? [o.user] : []));
    // Every client still connected and logged in: the emulator's memory with all of them.
    const loaded: PbxStats = await pbx.stats(true);

    const failed = outcomes.filter((o) => o.error !== undefined);
    const loginTimes = outcomes.flatMap((o) => (o.loggedInMs === undefined ? [] : [o.loggedInMs]));
    const appsTimes = outcomes.flatMap((o) => (o.appsMs === undefined ? [] : [o.appsMs]));
    const reasons = new Map<string, number>();
    for (const o of failed) reasons.set(o.error!, (reasons.get(o.error!) ?? 0) + 1);
    const heapPerClient = (loaded.heapUsed - idle.heapUsed) / clients;
    const verdict = failed.length === 0 && loaded.loggedIn === clients ? 'PASS' : 'FAIL';
    const rows: [string, string][] = [
      ['Clients (users) / apps each', `${clients} / ${appsPerUser}`],
      ['All logged in (LoginResult) after', `${Math.max(0, ...loginTimes).toFixed(0)} ms`],
      ['All have their app list (UpdateAppsComplete) after', `${Math.max(0, ...appsTimes).toFixed(0)} ms`],
      ['Per client, login p50 / p95', `${quantile(loginTimes, 0.5).toFixed(0)} / ${quantile(loginTimes, 0.95).toFixed(0)} ms`],
      ['Per client, login + app list p50 / p95', `${quantile(appsTimes, 0.5).toFixed(0)} / ${quantile(appsTimes, 0.95).toFixed(0)} ms`],
      ['Failures', failed.length === 0 ? '0' : `${failed.length}: ${[...reasons].map(([r, n]) => `${r} ×${n}`).join('; ')}`],
      ['Logged-in connections at the emulator', `${loaded.loggedIn} of ${loaded.connections}`],
      ['Emulator heap after GC: idle → loaded', `${fmtMb(idle.heapUsed)} → ${fmtMb(loaded.heapUsed)} (${fmtSignedMb(loaded.heapUsed - idle.heapUsed)}, ${fmtInt(heapPerClient / 1024)} KB per client)`],
      ['Emulator RSS: idle → loaded (peak)', `${fmtMb(idle.rss)} → ${fmtMb(loaded.rss)} (${fmtMb(loaded.peakRss)})`],
      ['Emulator CPU for the whole run', `${fmtInt(loaded.cpuMs - idle.cpuMs)} ms`],
      ['Frames the emulator received (it keeps all)', fmtInt(loaded.framesReceived)],
      ['Check: 0 failures, all logged in', verdict],
    ];
    process.stdout.write('\n' + markdownTable(['Emulator under load', 'Figure'], rows) + '\n');
    writeResults('emulator', {
      verdict,
      parameters: { clients, appsPerUser },
      wallMs: Math.round(wallMs),
      allLoggedInMs: Math.round(Math.max(0, ...loginTimes)),
      allAppListsMs: Math.round(Math.max(0, ...appsTimes)),
      loginMs: { p50: Math.round(quantile(loginTimes, 0.5)), p95: Math.round(quantile(loginTimes, 0.95)) },
      loginAndAppsMs: { p50: Math.round(quantile(appsTimes, 0.5)), p95: Math.round(quantile(appsTimes, 0.95)) },
      failures: failed.length,
      failureReasons: Object.fromEntries(reasons),
      emulatorIdle: idle,
      emulatorLoaded: loaded,
      emulatorHeapPerClientBytes: Math.round(heapPerClient),
    });
    process.stdout.write(`${verdict}\n`);
    return verdict === 'PASS' ? 0 : 1;
  } finally {
    for (const u of users) u.close();
    await pbx.stop();
  }
}

try {
  process.exitCode = await run();
} catch (e) {
  process.stderr.write(`emulator load run failed: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 2;
}
process.exit();
