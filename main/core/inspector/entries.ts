/**
 * What the developer-mode inspector shows (README, "For app developers"): one entry per message
 * between an app and the client, per Client API message between apps, and per line an app wrote
 * to its console. Entries are made by the core (messages it relays or answers), by the shells
 * (copies of the direct API data path, reported by the app-frame pages while the inspector is
 * open) and by console capture. Every entry is already redacted when it is made: nothing later
 * (the panel, a copy, the JSON-lines export, the per-app log file) may see a secret.
 *
 * Pure: loaded by the core and the UI.
 */

/** Which way a message went. `app→app`: a Client API message between two apps (through the core or on the direct path). */
export type InspectorDirection = 'app→client' | 'client→app' | 'app→app';

/** The app instance an entry belongs to: the view id the core gave it, and its App Object name. */
export interface InspectorApp {
  viewId: string;
  name: string;
}

export interface InspectorMessage {
  kind: 'message';
  /** Increasing per core run; the ring buffer and the UI order by it. */
  seq: number;
  /** ms since the epoch, when the core (or the page, for the direct path) saw it. */
  time: number;
  direction: InspectorDirection;
  /** The app that sent it (`app→client`, `app→app`) or receives it (`client→app`). */
  app: InspectorApp;
  /** For `app→app`: the other app. */
  peer?: InspectorApp;
  /** `direct`: carried on a direct API channel between two app-frame pages, not through the core. */
  path: 'core' | 'direct';
  mt: string;
  api?: string;
  src?: string;
  /** Length of the message text as it was posted (before redaction), in UTF-16 code units. */
  size: number;
  /** The message, parsed and redacted (`common/log.ts` `redact`); the text when it was not JSON. */
  body: unknown;
}

export type ConsoleLevel = 'debug' | 'log' | 'info' | 'warn' | 'error';

export interface InspectorConsoleLine {
  kind: 'console';
  seq: number;
  time: number;
  app: InspectorApp;
  level: ConsoleLevel;
  /** The line as the app's console printed it, cut at MAX_CONSOLE_LINE characters. */
  text: string;
  /** Where it was written (script URL and line), when the shell knows it. */
  source?: string;
}

export type InspectorEntry = InspectorMessage | InspectorConsoleLine;

/** A console line longer than this is cut (with an ellipsis): one line must not fill the buffer. */
export const MAX_CONSOLE_LINE = 4000;
