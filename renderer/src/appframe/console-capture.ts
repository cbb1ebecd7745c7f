/**
 * Console capture in the app-frame page (main/core/bridge/console-lines.ts says why it takes
 * this shape). The page runs it for the app's own iframe only — page.ts checks `event.source`
 * before a string gets here.
 *
 * - `relay` (browser shell): our `ConsoleLog` extension becomes a `console` frame for the core,
 *   at most `consoleLinesPerSecond` a second (burst `consoleLinesBurst`), each cut at
 *   `maxConsoleLineChars`; malformed ones and those over the rate are dropped and counted
 *   (`window.__appFrameConsoleDropped`).
 * - `drop` (desktop build): the shell hears the app's console itself (`console-message`), so a
 *   `ConsoleLog` is dropped here — relayed as an app message it would reach the core twice.
 */
import type { FromAppFrame } from '../../../main/core/bridge/app-frame.js';
import { type ConsoleLevel, consoleLinesBurst, consoleLinesPerSecond, consoleLogPrefix, cutConsoleLine, parseConsoleLog } from '../../../main/core/bridge/console-lines.js';

declare global {
  interface Window {
    /** App-frame page: `ConsoleLog` lines dropped (malformed or over the rate), for tests and diagnostics. */
    __appFrameConsoleDropped?: number;
  }
}

export interface ConsoleCapture {
  /** True when `data` (a string of the app's iframe) was a console line and is handled here. */
  fromApp(data: string): boolean;
  /** A line written to the borrowed console (`offerConsoleHook`): the same rate and cut as a `ConsoleLog`. */
  line(level: ConsoleLevel, text: string): void;
}

export function createConsoleCapture(send: (frame: FromAppFrame) => void, mode: 'relay' | 'drop', now: () => number = () => performance.now()): ConsoleCapture {
  let tokens = consoleLinesBurst;
  let last = now();
  const take = (): boolean => {
    const t = now();
    tokens = Math.min(consoleLinesBurst, tokens + ((t - last) / 1000) * consoleLinesPerSecond);
    last = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
  const dropped = (): true => {
    window.__appFrameConsoleDropped = (window.__appFrameConsoleDropped ?? 0) + 1;
    return true;
  };
  window.__appFrameConsoleDropped = 0;
  return {
    fromApp(data) {
      if (!data.startsWith(consoleLogPrefix)) return false;
      if (mode === 'drop') return true;
      const line = parseConsoleLog(data);
      if (!line || !take()) return dropped();
      send({ kind: 'console', level: line.level, text: line.text });
      return true;
    },
    line(level, text) {
      if (mode === 'drop') return;
      if (!take()) dropped();
      else send({ kind: 'console', level, text: cutConsoleLine(text) });
    },
  };
}

const hookLevels: readonly ConsoleLevel[] = ['debug', 'log', 'info', 'warn', 'error'];

/**
 * lib1's own way (`start()`): inside a client whose user agent names myApps it takes
 * `window.parent.console` when that is marked `custom`. Offered here in the browser shell: a
 * console that prints as before and also sends each line to the core. An app is never of our
 * origin (page.ts refuses that), so the browser keeps it from reaching this one — the hook is
 * harmless, and ready should an app ever be allowed to use it.
 */
export function offerConsoleHook(line: ConsoleCapture['line'], target: { console: Console } = window as unknown as { console: Console }): void {
  const original = target.console;
  const hook = Object.create(original) as Console & { custom: true };
  hook.custom = true;
  for (const level of hookLevels) {
    const print = original[level].bind(original);
    hook[level] = (...args: unknown[]) => {
      print(...args);
      line(level, args.map(formatArg).join(' '));
    };
  }
  target.console = hook;
}

/** A console argument as text: strings as they are, the rest as JSON where it can be. */
export function formatArg(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // Cycles, BigInt: fall through.
  }
  return String(value);
}
