/**
 * App console capture (README, "For app developers"): the lines an app writes to its console,
 * as they travel from a shell to the core (`main/core/apps/app-console.ts`).
 *
 * - Desktop build: the main process hears the app view's `console-message` events and keeps
 *   those of the app's frames (main/electron/app-frame-relay.ts). Every lib1 app is captured.
 * - Browser shell: a page cannot read another origin's console. innovaphone's lib1 borrows its
 *   parent's console when that is marked `custom` — which only a same-origin parent could offer,
 *   and an app is never of ours. So the app-frame page takes, from its own app iframe only, a
 *   `ConsoleLog` message — OUR extension, not innovaphone's (nothing in their SDK names one):
 *   `{"mt":"ConsoleLog","level":"warn","text":"…"}`, posted by our sample app library. Real
 *   lib1 apps are captured in the desktop build only.
 *
 * Pure: loaded by the core, both shells and the app-frame page.
 */
import type { ConsoleLevel } from '../inspector/entries.js';

export type { ConsoleLevel };

export const consoleLevels: readonly ConsoleLevel[] = ['debug', 'log', 'info', 'warn', 'error'];

export function isConsoleLevel(value: unknown): value is ConsoleLevel {
  return typeof value === 'string' && (consoleLevels as readonly string[]).includes(value);
}

/**
 * Longest line kept, in UTF-16 code units: the inspector's `MAX_CONSOLE_LINE` (app-console.ts
 * checks at compile time that the two agree; the bridge may not import the inspector's values).
 */
export const maxConsoleLineChars = 4000;
/** Longest `source` (script URL and line) kept. */
export const maxConsoleSourceChars = 512;
/** Lines per second one app may send (sustained / at once); more are dropped and counted. */
export const consoleLinesPerSecond = 100;
export const consoleLinesBurst = 500;

/** `text` cut to at most `max` code units, the cut marked with an ellipsis and never inside a surrogate pair. */
export function cutConsoleLine(text: string, max: number = maxConsoleLineChars): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** Our extension's message type (see above). */
export const consoleLogMt = 'ConsoleLog';
/**
 * How every `ConsoleLog` our library posts starts (`JSON.stringify` keeps the key order): the
 * page checks this prefix before parsing, so the app's other messages cost one comparison.
 */
export const consoleLogPrefix = '{"mt":"ConsoleLog",';

/** A `ConsoleLog` message posted by an app, or undefined when the string is not a well-formed one. */
export function parseConsoleLog(data: string): { level: ConsoleLevel; text: string } | undefined {
  if (!data.startsWith(consoleLogPrefix)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { level, text } = value as Record<string, unknown>;
  if (!isConsoleLevel(level) || typeof text !== 'string') return undefined;
  return { level, text: cutConsoleLine(text) };
}

/** Electron's `console-message` levels: `log` and `info` are both Chromium's `info`. */
export function consoleLevelOfChromium(level: string): ConsoleLevel | undefined {
  switch (level) {
    case 'debug':
      return 'debug';
    case 'info':
      return 'info';
    case 'warning':
      return 'warn';
    case 'error':
      return 'error';
    default:
      return undefined;
  }
}
