/**
 * Load run 1 (test/load/README.md): the client with 2,000 apps takes 10,000 presence and badge
 * updates a minute for a few minutes, and its heap does not grow.
 *
 * - The PBX emulator runs in a child process (pbx-worker.ts), so its memory is not counted:
 *   2,000 App Objects, the first 300 with `presence: true` (the client subscribes their badges),
 *   and the user's home with `#s=` links to 300 users (the client subscribes their presence).
 * - This process holds what is measured: the real core (`ClientCore.start`, temp config dir,
 *   MemoryCredentialStore, `policyPollMs: 0`), logged in, and the browser shell's bridge over a
 *   real WebSocket with a consumer that reads every event and applies it, as the UI does.
 * - Updates are spread evenly over the run (half badges, half contact presence, targets picked
 *   at random with a fixed seed). The UI bridge coalesces them (one per key per 16 ms frame), so
 *   fewer may be delivered than sent; the bridge must end in the state last sent.
 *
 * Check: heapUsed after a full GC at the end exceeds the one at the start (after login and the
 * app list) by at most LOAD_MAX_HEAP_GROWTH_MB (5 MB), the bridge's final state is the one last
 * sent, and the bridge stayed open. Exit 0 PASS, 1 FAIL, 2 the run could not be made.
 *
 *   npm run load -- client          (or: npx tsx --expose-gc test/load/client-load.ts)
 *   LOAD_MINUTES=3 LOAD_RATE=10000 LOAD_APPS=2000 LOAD_BADGE_APPS=300 LOAD_CONTACTS=300 LOAD_SEED=1
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { ClientCore } from '../../main/core/client/client.js';
import type { Logger } from '../../main/core/common/log.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { createWebShell } from '../../main/web/server.js';
import { BridgeConsumer } from './bridge-consumer.js';
import { clockMs, fmtLatency, sameNote, sentNote } from './latency.js';
import { clientLoadWorld, envNumber, loadUser } from './load-config.js';
import { PbxProcess } from './pbx-process.js';
import { fmtInt, fmtMb, fmtSignedMb, heapAfterGc, markdownTable, mb, sleep, writeResults } from './report.js';

const minutes = envNumber('LOAD_MINUTES', 3);
const perMinute = envNumber('LOAD_RATE', 10_000);
const shape = { apps: envNumber('LOAD_APPS', 2000), badgeApps: envNumber('LOAD_BADGE_APPS', 300), contacts: envNumber('LOAD_CONTACTS', 300) };
const maxGrowthMb = envNumber('LOAD_MAX_HEAP_GROWTH_MB', 5);
const seed = envNumber('LOAD_SEED', 1);
/**
 * Positive control: retain this many bytes per update on purpose (default 0), to see the check
 * fail on a leak of that size (README: "Does the check catch a leak?").
 */
const leakBytes = process.env.LOAD_LEAK_BYTES ? envNumber('LOAD_LEAK_BYTES', 0) : 0;
const leaked: number[][] = [];

if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  process.stderr.write('client-load needs --expose-gc: run it with npm run load, or npx tsx --expose-gc test/load/client-load.ts\n');
  process.exit(2);
}

/** mulberry32: a small seeded PRNG, so two runs drive the same sequence. */
function random(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Warnings and errors of the core, counted by message (a fixed set of strings: bounded). */
const logged = new Map<string, number>();
const log: Logger = (level, message) => {
  if (level === 'warn' || level === 'error') logged.set(`${level}: ${message}`, (logged.get(`${level}: ${message}`) ?? 0) + 1);
};

async function run(): Promise<number> {
  const world = clientLoadWorld(shape);
  process.stdout.write(`client load: ${shape.apps} apps (${shape.badgeApps} with badges), ${shape.contacts} presence contacts, ${fmtInt(perMinute)} updates/min for ${minutes} min\n`);
  if (leakBytes > 0) process.stdout.write(`positive control: leaking ${leakBytes} bytes per update on purpose (LOAD_LEAK_BYTES)\n`);

  const pbx = await PbxProcess.start(world.config);
  const dir = mkdtempSync(join(tmpdir(), 'myapps-load-'));
  const core = await ClientCore.start({ configDir: dir, policyFile: join(dir, 'no-policy.json'), credentialStore: new MemoryCredentialStore(), policyPollMs: 0, log });
  // The consumer reads the bridge only: the shell serves no UI (an empty renderer folder).
  const shell = await createWebShell({ host: core, rendererDir: join(dir, 'no-ui') });
  const bridge = await BridgeConsumer.connect(shell);
  const cleanup = async () => {
    bridge.close();
    await shell.close();
    await core.dispose();
    await pbx.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // ---- login, the app list, every subscription answered
    await bridge.until((s) => s.connection !== undefined, 10_000, 'first snapshot');
    const loginStart = performance.now();
    const login = await core.handle({ type: 'login', pbx: pbx.url, username: loadUser.sip, password: loadUser.password, stayLoggedIn: true });
    if (!login.ok) throw new Error(`login refused: ${login.error}`);
    await bridge.until((s) => s.connection.kind === 'logged-in' && s.apps?.tiles.length === shape.apps && !s.apps.fromCache, 60_000, `${shape.apps} tiles`);
    const loginMs = performance.now() - loginStart;
    await bridge.until((s) => Object.keys(s.presence).length === shape.contacts, 30_000, `presence of ${shape.contacts} contacts`);
    const subscriptions = shape.badgeApps + shape.contacts;
    for (let i = 0; (await pbx.stats()).subscribePresence < subscriptions; i++) {
      if (i > 300) throw new Error(`the client did not subscribe ${subscriptions} presences`);
      await sleep(100);
    }
    await sleep(2000);
    const heapStart = await heapAfterGc();
    const rssStart = process.memoryUsage().rss;
    process.stdout.write(`logged in, ${shape.apps} tiles on the bridge in ${loginMs.toFixed(0)} ms; heap after GC ${fmtMb(heapStart)}; driving…\n`);

    // ---- the drive: `perMinute` updates a minute, evenly spread
    const rand = random(seed);
    const activities = ['', 'away', 'busy', 'dnd'];
    const expectedBadge = new Map<string, string | undefined>(world.badgeApps.map((a) => [a, undefined]));
    const expectedPresence = new Map<string, { activity: string; note: string }>(world.contacts.map((c) => [c, { activity: '', note: '' }]));
    const total = Math.round(minutes * perMinute);
    const intervalMs = 60_000 / perMinute;
    const eventsBefore = { badge: bridge.count('badge'), presence: bridge.count('presence') };
    const sent = { badge: 0, presence: 0 };
    const heapByMinute: { minute: number; heapUsed: number }[] = [];
    const loopResolutionMs = 10;
    const loopDelay = monitorEventLoopDelay({ resolution: loopResolutionMs });
    bridge.endToEnd.reset();
    bridge.fromPbx.reset();
    const pbxBefore = await pbx.stats();
    const cpuStart = process.cpuUsage();
    const driveStart = performance.now();
    loopDelay.enable();
    await new Promise<void>((done, fail) => {
      let n = 0;
      let nextMinute = 1;
      let sampling = false;
      const timer = setInterval(() => {
        if (!pbx.alive) {
          clearInterval(timer);
          fail(new Error('the PBX worker died'));
          return;
        }
        const elapsed = performance.now() - driveStart;
        const due = Math.min(total, Math.floor(elapsed / intervalMs) + 1);
        for (; n < due; n++) {
          if (n % 2 === 0) {
            const app = world.badgeApps[Math.floor(rand() * world.badgeApps.length)]!;
            const value = Math.floor(rand() * 100);
            pbx.setBadge(app, value);
            expectedBadge.set(app, value === 0 ? undefined : String(value));
            sent.badge++;
            if (leakBytes > 0) leaked.push(new Array<number>(Math.ceil(leakBytes / 8)).fill(n));
          } else {
            const sip = world.contacts[Math.floor(rand() * world.contacts.length)]!;
            const activity = activities[Math.floor(rand() * activities.length)]!;
            const note = sentNote(clockMs());
            pbx.setPresence(sip, { activity, note });
            expectedPresence.set(sip, { activity, note });
            sent.presence++;
            if (leakBytes > 0) leaked.push(new Array<number>(Math.ceil(leakBytes / 8)).fill(n));
          }
        }
        if (n >= total) {
          clearInterval(timer);
          done();
        } else if (!sampling && elapsed >= nextMinute * 60_000) {
          // The trend in the middle of the run: heap after a full GC at every full minute.
          sampling = true;
          const minute = nextMinute++;
          // Our own forced GC is no delay of the client's: not in the event loop figures.
          loopDelay.disable();
          void heapAfterGc().then((heapUsed) => {
            loopDelay.enable();
            heapByMinute.push({ minute, heapUsed });
            sampling = false;
          });
        }
      }, Math.max(1, Math.floor(intervalMs)));
    });
    const driveMs = performance.now() - driveStart;

    // ---- everything sent has arrived: the emulator ran every hook, the bridge shows the last state
    const pbxStats = await pbx.stats();
    const pbxCpuPercent = ((pbxStats.cpuMs - pbxBefore.cpuMs) / (performance.now() - driveStart)) * 100;
    const settled = (s: Snapshot) => [...expectedBadge].every(([app, v]) => s.badges[app] === v) && [...expectedPresence].every(([sip, p]) => s.presence[sip]?.activity === p.activity && sameNote(s.presence[sip]?.note, p.note));
    const converged = await bridge.until(settled, 15_000, 'final state').then(
      () => true,
      () => false,
    );
    loopDelay.disable();
    const cpu = process.cpuUsage(cpuStart);
    const delivered = { badge: bridge.count('badge') - eventsBefore.badge, presence: bridge.count('presence') - eventsBefore.presence };
    const snap = bridge.snapshot!;
    const mismatches = [...expectedBadge].filter(([app, v]) => snap.badges[app] !== v).length + [...expectedPresence].filter(([sip, p]) => snap.presence[sip]?.activity !== p.activity || !sameNote(snap.presence[sip]?.note, p.note)).length;
    await sleep(1000);
    const heapEnd = await heapAfterGc();
    const rssEnd = process.memoryUsage().rss;
    heapByMinute.push({ minute: Math.round((driveMs / 60_000) * 100) / 100, heapUsed: heapEnd });
    const peakRss = process.resourceUsage().maxRSS * 1024;

    // ---- the check
    const growth = heapEnd - heapStart;
    const sentTotal = sent.badge + sent.presence;
    const deliveredTotal = delivered.badge + delivered.presence;
    const failures = [
      ...(mb(growth) > maxGrowthMb ? [`heap grew ${fmtSignedMb(growth)} (limit ${maxGrowthMb} MB)`] : []),
      ...(!converged || mismatches > 0 ? [`the bridge did not end in the state last sent (${mismatches} of ${expectedBadge.size + expectedPresence.size} differ)`] : []),
      ...(bridge.closed ? ['the bridge connection was dropped'] : []),
      ...(pbxStats.hookErrors > 0 ? [`${pbxStats.hookErrors} emulator hooks failed: ${pbx.hookErrors.join('; ')}`] : []),
    ];
    const verdict = failures.length === 0 ? 'PASS' : 'FAIL';
    // The histogram's values include its sampling interval: the delay is what lies beyond it.
    const lag = (ns: number) => Math.round(Math.max(0, ns / 1e6 - loopResolutionMs) * 10) / 10;
    const ms = (ns: number) => `${lag(ns).toFixed(1)} ms`;
    const rows: [string, string][] = [
      ['App Objects / with badges / presence contacts', `${fmtInt(shape.apps)} / ${shape.badgeApps} / ${shape.contacts}`],
      ['Login → all tiles on the bridge', `${loginMs.toFixed(0)} ms`],
      ['Updates sent (badge + presence)', `${fmtInt(sentTotal)} in ${(driveMs / 60_000).toFixed(2)} min (${fmtInt(sentTotal / (driveMs / 60_000))}/min)`],
      ['Delivered to the bridge (coalesced)', `${fmtInt(deliveredTotal)} (${((deliveredTotal / sentTotal) * 100).toFixed(1)} %): ${fmtInt(delivered.badge)} badge, ${fmtInt(delivered.presence)} presence`],
      ['Presence latency, PBX frame → bridge, p50 / p99 / max', fmtLatency(bridge.fromPbx.summary())],
      ['Presence latency, driver → emulator (its queue)', fmtLatency(pbxStats.queueLag)],
      ['Presence latency, driver → bridge (end to end)', fmtLatency(bridge.endToEnd.summary())],
      ['Bridge ends in the state last sent', converged && mismatches === 0 ? 'yes' : `no (${mismatches} differ)`],
      ['Heap after GC: start → end', `${fmtMb(heapStart)} → ${fmtMb(heapEnd)} (${fmtSignedMb(growth)})`],
      ['Heap after GC, each minute', heapByMinute.map((h) => fmtMb(h.heapUsed)).join(', ')],
      ['RSS: start → end (peak)', `${fmtMb(rssStart)} → ${fmtMb(rssEnd)} (${fmtMb(peakRss)})`],
      ['CPU, client process, during the drive', `${(((cpu.user + cpu.system) / 1000 / driveMs) * 100).toFixed(1)} % of one core`],
      ['Event loop delay p50 / p99 / max', `${ms(loopDelay.percentile(50))} / ${ms(loopDelay.percentile(99))} / ${ms(loopDelay.max)}`],
      ['Emulator process: CPU during the drive, RSS / peak', `${pbxCpuPercent.toFixed(1)} % of one core, ${fmtMb(pbxStats.rss)} / ${fmtMb(pbxStats.peakRss)}`],
      ['Core warnings/errors logged', logged.size === 0 ? 'none' : [...logged].map(([m, c]) => `${m} ×${c}`).join('; ')],
      [`Check: heap growth ≤ ${maxGrowthMb} MB, final state, bridge open`, failures.length === 0 ? 'PASS' : `FAIL: ${failures.join('; ')}`],
    ];
    process.stdout.write('\n' + markdownTable(['Client under load', 'Figure'], rows) + '\n');

    writeResults('client', {
      verdict,
      failures,
      parameters: { minutes, perMinute, ...shape, maxGrowthMb, seed, ...(leakBytes > 0 && { leakBytes }) },
      loginToTilesMs: Math.round(loginMs),
      driveMs: Math.round(driveMs),
      sent,
      delivered,
      latencyMs: { pbxToBridge: bridge.fromPbx.summary(), driverToEmulator: pbxStats.queueLag, endToEnd: bridge.endToEnd.summary() },
      finalStateMatches: converged && mismatches === 0,
      mismatches,
      heapStartBytes: heapStart,
      heapEndBytes: heapEnd,
      heapGrowthBytes: growth,
      heapAfterGcByMinute: heapByMinute,
      rssStartBytes: rssStart,
      rssEndBytes: rssEnd,
      peakRssBytes: peakRss,
      cpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1000 / driveMs) * 1000) / 10,
      eventLoopDelayMs: { p50: lag(loopDelay.percentile(50)), p99: lag(loopDelay.percentile(99)), max: lag(loopDelay.max) },
      emulatorCpuPercentOfOneCore: Math.round(pbxCpuPercent * 10) / 10,
      bridgeClosed: bridge.closed,
      bridgeFrames: bridge.frames,
      coreLog: Object.fromEntries(logged),
      emulator: pbxStats,
    });
    process.stdout.write(`${verdict}\n`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    await cleanup();
  }
}

try {
  process.exitCode = await run();
} catch (e) {
  process.stderr.write(`client load run failed: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 2;
}
// Nothing may keep the process (a socket, a timer) once the figures are out.
process.exit();
