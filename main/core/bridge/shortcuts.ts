/**
 * The client's keyboard shortcuts that must work wherever the focus is, one rule each, shared by
 * the UI (its own keydown), the app-frame page (a key in the page around an app) and the
 * Electron shell (a key in an app view, before the app sees it). Pure: loads in a browser.
 */

/** `search`: Ctrl+K (Cmd+K on macOS): the home screen's search, for apps and contacts. */
export type Shortcut = 'search';

/** The modifier and key state of one key press, as a DOM `KeyboardEvent` or Electron's `Input` gives it. */
export interface KeyPress {
  key: string;
  ctrl: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
}

/** The shortcut this key press is, if any. Ctrl or Cmd with K, no Alt, no Shift (either case: Caps Lock). */
export function shortcutOf(press: KeyPress): Shortcut | undefined {
  if (!(press.ctrl || press.meta) || press.alt || press.shift) return undefined;
  return press.key.toLowerCase() === 'k' ? 'search' : undefined;
}
