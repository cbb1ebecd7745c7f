/**
 * The parent's handle on the PBX emulator running in a child process (pbx-worker.ts): start it
 * with a config, drive its presence/badge hooks, ask for its memory, stop it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EmulatorConfig } from '../pbx/index.js';
import type { LatencySummary } from './latency.js';

export type WorkerCommand =
  | { kind: 'start'; id: number; config: EmulatorConfig }
  | { kind: 'badge'; app: string; n: number }
  | { kind: 'presence'; sip: string; activity: string; note?: string }
  | { kind: 'stats'; id: number; gc?: boolean }
  | { kind: 'stop'; id: number };

export type WorkerMessage = { kind: 'reply'; id: number; ok: true; value: unknown } | { kind: 'reply'; id: number; ok: false; error: string } | { kind: 'hookError'; error: string };

/** The emulator process's own figures (bytes, ms, counts). */
export interface PbxStats {
  heapUsed: number;
  rss: number;
  external: number;
  /** Peak resident set size of the emulator process so far. */
  peakRss: number;
  /** CPU time (user + system) of the emulator process so far. */
  cpuMs: number;
  connections: number;
  loggedIn: number;
  /** Frames clients sent (the emulator keeps every one: `received`). */
  framesReceived: number;
  subscribePresence: number;
  /** badge/presence hooks run, and how many of them threw. */
  hooks: number;
  hookErrors: number;
  /** Presence updates: the driver's send → the emulator running the hook (IPC and the emulator's queue). */
  queueLag: LatencySummary;
}

/** A command as the caller gives it; `request` numbers it. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

const workerPath = fileURLToPath(new URL('./pbx-worker.ts', import.meta.url));

export class PbxProcess {
  /** The first few hook failures the worker reported (it counts all of them in `stats`). */
  readonly hookErrors: string[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;
  private urlValue = '';

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const msg = raw as WorkerMessage;
      if (msg.kind === 'hookError') {
        this.hookErrors.push(msg.error);
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new Error(`PBX worker: ${msg.error}`));
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`PBX worker exited (${signal ?? code})`));
      this.pending.clear();
    });
  }

  /** Fork the worker (the parent's loader flags, plus `--expose-gc`) and start the emulator in it. */
  static async start(config: EmulatorConfig): Promise<PbxProcess> {
    const execArgv = [...process.execArgv.filter((a) => a !== '--expose-gc'), '--expose-gc'];
    const child = fork(workerPath, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const p = new PbxProcess(child);
    const { url } = (await p.request({ kind: 'start', config })) as { url: string };
    p.urlValue = url;
    return p;
  }

  /** The emulator's WebSocket URL. */
  get url(): string {
    return this.urlValue;
  }

  get alive(): boolean {
    return !this.exited;
  }

  setBadge(app: string, n: number): void {
    this.post({ kind: 'badge', app, n });
  }

  setPresence(sip: string, p: { activity: string; note?: string }): void {
    this.post({ kind: 'presence', sip, activity: p.activity, ...(p.note !== undefined && { note: p.note }) });
  }

  /** The emulator's figures; with `gc`, heap after a full GC in the emulator process. */
  stats(gc = false): Promise<PbxStats> {
    return this.request({ kind: 'stats', gc }) as Promise<PbxStats>;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.request({ kind: 'stop' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill(), 5000);
    await gone;
    clearTimeout(timer);
  }

  private post(cmd: WorkerCommand): void {
    if (this.exited) throw new Error('PBX worker has exited');
    this.child.send(cmd);
  }

  private request(cmd: WithoutId<Extract<WorkerCommand, { id: number }>>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ ...cmd, id } as WorkerCommand);
    });
  }
}
