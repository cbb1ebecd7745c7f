/**
 * One app's console log file in developer mode (app-console.ts): appended in the background,
 * rotated and size-capped, readable by the user only.
 *
 * - `append` only queues the line: the core never waits for the disk per line. What is queued
 *   is written after the current task, in one write; lines queued meanwhile go in the next.
 * - A file never grows past `maxBytes`: before a write would pass it, `<name>.log` becomes
 *   `<name>.log.1` (`.1` → `.2` …) and the oldest beyond `generations` files is deleted — at
 *   most `generations` files per app, whatever is logged.
 * - At most `maxQueuedBytes` wait for the disk (a slow or failing disk); more are dropped, counted
 *   in a line of their own once writing works again.
 * - Files are created with mode 0600 and their folder 0700: an app's console may print what it
 *   got from its server.
 */
import { chmod, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../common/log.js';

export interface ConsoleFileLimits {
  /** Largest size of one file, in bytes. */
  maxBytes: number;
  /** Files kept per app: the current one and `generations - 1` older ones. */
  generations: number;
  /** Bytes that may wait for the disk. */
  maxQueuedBytes: number;
}

export const defaultConsoleFileLimits: ConsoleFileLimits = { maxBytes: 1024 * 1024, generations: 3, maxQueuedBytes: 1024 * 1024 };

export class RotatingLogFile {
  private queue: string[] = [];
  private queuedBytes = 0;
  private dropped = 0;
  /** Size of the current file as written so far; read from the disk on the first write. */
  private size: number | undefined;
  private writing: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    readonly path: string,
    private readonly limits: ConsoleFileLimits,
    private readonly log: Logger,
  ) {}

  /** Queue one line (a trailing newline is added); written soon, never here. */
  append(line: string): void {
    const bytes = Buffer.byteLength(line) + 1;
    if (this.queuedBytes + bytes > this.limits.maxQueuedBytes) {
      this.dropped++;
      return;
    }
    if (this.dropped > 0) this.push(`[${this.dropped} console line(s) dropped: the log file could not keep up]`);
    this.dropped = 0;
    this.push(line);
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  /** Resolves when everything queued before the call is on the disk (or failed and was logged). */
  async flush(): Promise<void> {
    while (this.writing || this.queue.length > 0) await (this.writing ?? this.drain());
  }

  private push(line: string): void {
    const text = `${line}\n`;
    this.queue.push(text);
    this.queuedBytes += Buffer.byteLength(text);
  }

  private drain(): Promise<void> {
    if (this.writing) return this.writing;
    this.writing = (async () => {
      while (this.queue.length > 0) {
        const lines = this.queue;
        this.queue = [];
        this.queuedBytes = 0;
        try {
          await this.write(lines);
        } catch (e) {
          // The disk said no (full, read-only, gone): those lines are lost, the core goes on.
          this.size = undefined;
          this.log('warn', 'app console log file could not be written', { file: this.path, error: String(e) });
        }
      }
    })().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  /** Write `lines` in order, rotating whenever the next piece would pass `maxBytes`. */
  private async write(lines: string[]): Promise<void> {
    if (this.size === undefined) {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      this.size = await stat(this.path).then(
        (s) => s.size,
        () => 0,
      );
      // A file left from before (or copied in) is made private too.
      if (this.size > 0) await chmod(this.path, 0o600);
    }
    let piece = '';
    let pieceBytes = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (this.size + pieceBytes + bytes > this.limits.maxBytes && this.size + pieceBytes > 0) {
        await this.appendPiece(piece);
        piece = '';
        pieceBytes = 0;
        await this.rotate();
      }
      piece += line;
      pieceBytes += bytes;
    }
    await this.appendPiece(piece);
  }

  private async appendPiece(piece: string): Promise<void> {
    if (piece === '') return;
    const handle = await open(this.path, 'a', 0o600);
    try {
      await handle.write(piece);
    } finally {
      await handle.close();
    }
    this.size = (this.size ?? 0) + Buffer.byteLength(piece);
  }

  /** `<file>` → `<file>.1` → … ; the oldest past `generations` goes. */
  private async rotate(): Promise<void> {
    const { generations } = this.limits;
    if (generations <= 1) await rm(this.path, { force: true });
    else {
      await rm(`${this.path}.${generations - 1}`, { force: true });
      for (let n = generations - 2; n >= 1; n--) await rename(`${this.path}.${n}`, `${this.path}.${n + 1}`).catch(ignoreMissing);
      await rename(this.path, `${this.path}.1`).catch(ignoreMissing);
    }
    this.size = 0;
  }
}

function ignoreMissing(e: unknown): void {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
}

