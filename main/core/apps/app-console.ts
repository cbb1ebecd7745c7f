/**
 * App console capture, the core's half (README, "For app developers"; how lines get here:
 * bridge/console-lines.ts). Each line a shell reports for an app view is checked, bounded,
 * given to the inspector (`record`, which keeps it only while a panel is open) and — in
 * developer mode only — appended to the app's own log file:
 * `<logs dir>/apps/<App Object name, made filename-safe>.log`, rotated and size-capped
 * (app-console-file.ts). Developer mode off: no file is opened or written.
 *
 * Lines are the app's words, never ours: they are not parsed, only cut (`MAX_CONSOLE_LINE`).
 * The app is the one the core bound to the view id — nothing in the line names it.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { consoleLinesBurst, consoleLinesPerSecond, cutConsoleLine, isConsoleLevel, type maxConsoleLineChars, maxConsoleSourceChars } from '../bridge/console-lines.js';
import type { Logger } from '../common/log.js';
import { LimitLog, RateLimiter } from '../common/rate-limit.js';
import { MAX_CONSOLE_LINE, type InspectorApp, type InspectorConsoleLine } from '../inspector/entries.js';
import { defaultConsoleFileLimits, RotatingLogFile, type ConsoleFileLimits } from './app-console-file.js';

// The bridge's limit and the inspector's are one number: this fails to compile when they part.
const sameLimit: typeof maxConsoleLineChars = MAX_CONSOLE_LINE;
void sameLimit;

/** A line as a shell reports it (fields unchecked). */
export interface ConsoleLineInput {
  viewId: string;
  level: unknown;
  text: unknown;
  source?: unknown;
}

/** The line as the inspector takes it: it numbers it. */
export type ConsoleRecord = Omit<InspectorConsoleLine, 'seq'>;

export interface AppConsoleDeps {
  /** The app instance a view id speaks for now (the core's binding), or undefined. */
  app(viewId: string): InspectorApp | undefined;
  /** Into the inspector (Inspector.record); it keeps the line only while a panel is open. */
  record(line: ConsoleRecord): void;
  developerMode(): boolean;
  /** Where the client's log files are (config/paths.ts `userLogsDir`, or the shell's). */
  logsDir: string;
  log: Logger;
  now?(): number;
  fileLimits?: Partial<ConsoleFileLimits>;
  /** Lines per second per app view, sustained and at once. */
  rate?: { perSecond: number; burst: number };
}

export type ConsoleLineResult = { ok: true } | { ok: false; error: string; limited?: true };

/** Longest file name stem kept from an App Object name (before its hash). */
const MAX_STEM = 64;
/** Names Windows reserves whatever the extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * The log file name for an App Object name (`<name>.log`). Names come from the PBX: anything
 * outside `[A-Za-z0-9._-]` becomes `_`, leading dots go (no `..`, no hidden files), long names
 * are cut, Windows' device names are escaped — and whenever the name had to change, a short
 * hash of the original follows, so two names never share a file.
 */
export function consoleLogFileName(name: string): string {
  let stem = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  if (stem.length > MAX_STEM) stem = stem.slice(0, MAX_STEM);
  if (WINDOWS_RESERVED.test(stem)) stem = `_${stem}`;
  if (stem !== name || stem === '') stem = `${stem}-${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 12)}`;
  return `${stem}.log`;
}

/** One line of an app's log file: time, level, the text (its own line breaks indented), where. */
export function consoleFileLine(line: ConsoleRecord): string {
  const text = line.text.replace(/\r\n?|\n/g, '\n    ');
  return `${new Date(line.time).toISOString()} ${line.level.padEnd(5)} ${text}${line.source ? `  (${line.source})` : ''}`;
}

export class AppConsole {
  /** Rate per view id (minted by the core); forgotten when the view closes. */
  private readonly limiters = new Map<string, { limiter: RateLimiter; limitLog: LimitLog }>();
  /** Open log files by App Object name (a name from outside: a Map). */
  private readonly files = new Map<string, RotatingLogFile>();
  private readonly limits: ConsoleFileLimits;

  constructor(private readonly deps: AppConsoleDeps) {
    this.limits = { ...defaultConsoleFileLimits, ...deps.fileLimits };
  }

  /** The folder of the apps' log files. */
  get folder(): string {
    return join(this.deps.logsDir, 'apps');
  }

  /** Where an app's log file is (whether or not it exists). */
  fileOf(name: string): string {
    return join(this.folder, consoleLogFileName(name));
  }

  /** A line from a shell. A bad one is refused with why (the shell logs it); nothing is thrown. */
  line(input: ConsoleLineInput): ConsoleLineResult {
    const { viewId, level, text, source } = input;
    if (!isConsoleLevel(level)) return { ok: false, error: 'console line without a valid level' };
    if (typeof text !== 'string') return { ok: false, error: 'console line has no text' };
    if (source !== undefined && typeof source !== 'string') return { ok: false, error: 'console line source is not a string' };
    const app = this.deps.app(viewId);
    if (!app) return { ok: false, error: 'console line for a view that is not running' };
    if (!this.take(viewId)) return { ok: false, error: 'console line over the app\'s rate limit', limited: true };
    const line: ConsoleRecord = {
      kind: 'console',
      time: this.deps.now?.() ?? Date.now(),
      app: { viewId: app.viewId, name: app.name },
      level,
      text: cutConsoleLine(text, MAX_CONSOLE_LINE),
      ...(source !== undefined && source !== '' && { source: cutConsoleLine(source, maxConsoleSourceChars) }),
    };
    try {
      this.deps.record(line);
    } catch (e) {
      this.deps.log('error', 'inspector refused a console line', { error: String(e) });
    }
    if (this.deps.developerMode()) this.fileFor(app.name).append(consoleFileLine(line));
    return { ok: true };
  }

  /** The view is gone: its rate is forgotten (its file stays, for the next run of the app). */
  forget(viewId: string): void {
    this.limiters.delete(viewId);
  }

  /** Everything appended so far is on the disk. */
  async flush(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => f.flush()));
  }

  /** Take one of the view's tokens; false (logged, at most once a second) when it has none left. */
  private take(viewId: string): boolean {
    let entry = this.limiters.get(viewId);
    if (!entry) {
      const rate = this.deps.rate ?? { perSecond: consoleLinesPerSecond, burst: consoleLinesBurst };
      entry = { limiter: new RateLimiter(rate.perSecond, rate.burst, this.deps.now), limitLog: new LimitLog(this.deps.log, 'app over its console line limit', { view: viewId }) };
      this.limiters.set(viewId, entry);
    }
    if (entry.limiter.take()) return true;
    entry.limitLog.limited();
    return false;
  }

  private fileFor(name: string): RotatingLogFile {
    let file = this.files.get(name);
    if (!file) this.files.set(name, (file = new RotatingLogFile(this.fileOf(name), this.limits, this.deps.log)));
    return file;
  }
}
