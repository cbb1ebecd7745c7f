/**
 * The PBX emulator in a process of its own, for the load runs: its memory and CPU are not
 * counted with what is measured, and its own figures can be asked for. Started by
 * pbx-process.ts (`fork`, with `--expose-gc`); takes commands over the IPC channel:
 *
 *   start {config}            → {url}: PbxEmulator.start on a free port
 *   badge {app, n}            setBadge (no answer; a failing hook is reported as `hookError`)
 *   presence {sip, activity, note?}  setPresence (no answer, same); a note `sent <ms>` (latency.ts)
 *                             gets ` pbx <ms>` appended: when the emulator ran the hook
 *   stats {gc?}               → PbxStats (after a full GC when asked)
 *   stop                      → stops the emulator and exits
 *
 * The worker exits when its parent goes away (IPC channel closed).
 */
import { PbxEmulator } from '../pbx/index.js';
import { clockMs, LatencyHistogram, noteTimes, stampedNote } from './latency.js';
import type { PbxStats, WorkerCommand, WorkerMessage } from './pbx-process.js';

let pbx: PbxEmulator | undefined;
let hooks = 0;
let hookErrors = 0;
const queueLag = new LatencyHistogram();

function send(msg: WorkerMessage): void {
  process.send?.(msg);
}

async function fullGc(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

async function stats(gc: boolean): Promise<PbxStats> {
  if (gc) await fullGc();
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  const conns = pbx?.connections() ?? [];
  return {
    heapUsed: m.heapUsed,
    rss: m.rss,
    external: m.external,
    peakRss: process.resourceUsage().maxRSS * 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
    connections: conns.length,
    loggedIn: conns.filter((c) => c.loggedIn).length,
    framesReceived: pbx?.received.length ?? 0,
    subscribePresence: pbx?.framesOf('SubscribePresence').length ?? 0,
    hooks,
    hookErrors,
    queueLag: queueLag.summary(),
  };
}

function hook(run: (p: PbxEmulator) => void): void {
  hooks++;
  try {
    if (!pbx) throw new Error('emulator not started');
    run(pbx);
  } catch (e) {
    // Reported once in a while, not per update: the parent counts them from `stats`.
    if (hookErrors++ < 5) send({ kind: 'hookError', error: String(e) });
  }
}

async function handle(cmd: WorkerCommand): Promise<void> {
  switch (cmd.kind) {
    case 'badge':
      return hook((p) => p.setBadge(cmd.app, cmd.n));
    case 'presence': {
      let note = cmd.note;
      const times = note === undefined ? undefined : noteTimes(note);
      if (note !== undefined && times) {
        // How long the update waited for the emulator (IPC and its queue), and when it went out.
        const now = clockMs();
        queueLag.add(now - times.sent);
        note = stampedNote(note, now);
      }
      return hook((p) => p.setPresence(cmd.sip, note === undefined ? { activity: cmd.activity } : { activity: cmd.activity, note }));
    }
    case 'start':
      pbx = await PbxEmulator.start({ config: cmd.config, port: 0 });
      return send({ kind: 'reply', id: cmd.id, ok: true, value: { url: pbx.url } });
    case 'stats':
      return send({ kind: 'reply', id: cmd.id, ok: true, value: await stats(cmd.gc === true) });
    case 'stop':
      await pbx?.stop();
      pbx = undefined;
      send({ kind: 'reply', id: cmd.id, ok: true, value: undefined });
      process.disconnect?.();
      return;
  }
}

process.on('message', (raw) => {
  const cmd = raw as WorkerCommand;
  handle(cmd).catch((e: unknown) => {
    if ('id' in cmd) send({ kind: 'reply', id: cmd.id, ok: false, error: String(e) });
    else send({ kind: 'hookError', error: String(e) });
  });
});

process.on('disconnect', () => {
  void (pbx?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
