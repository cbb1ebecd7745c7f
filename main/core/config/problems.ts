/**
 * A problem found while reading configuration. Every bad input becomes one of these, shown to
 * the user in plain words and logged, instead of being dropped silently or crashing the start.
 */
export interface ConfigProblem {
  /** Where the input came from: a file path, or `command line`. */
  source: string;
  /** The path of the offending value, e.g. `enforced.autostart` or `accounts[1].username`. */
  field?: string;
  reason: string;
  /** `error`: something the user or IT asked for was not applied. `warning`: ignored or repaired. */
  severity: 'warning' | 'error';
}

export const COMMAND_LINE_SOURCE = 'command line';
