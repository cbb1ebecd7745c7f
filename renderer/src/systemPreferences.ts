/**
 * What the OS prefers — language and dark mode — which only the UI can see. The core uses it
 * where the settings say "auto" / "follow system" (the language and scheme apps are started
 * with, and SetLang / SetScheme when they change).
 */
import type { CommandOf } from '../../main/core/bridge/commands.js';

const darkQuery = '(prefers-color-scheme: dark)';

/**
 * The OS's languages, most preferred first, as the page sees them: the browser's list in the
 * browser shell; in Electron the OS list on Windows and macOS and the app locale (LANG) on Linux.
 * The same array while the list is the same, so it can be a React dependency.
 */
export function systemLanguages(): readonly string[] {
  const list = navigator.languages.length > 0 ? navigator.languages : [navigator.language || 'en'];
  const key = list.join(',');
  if (key !== lastLanguages.key) lastLanguages = { key, list: list.slice(0, 16).map((l) => l.slice(0, 35)) };
  return lastLanguages.list;
}
let lastLanguages: { key: string; list: readonly string[] } = { key: '', list: [] };

export function systemPreferences(): CommandOf<'setSystemPreferences'> {
  return { type: 'setSystemPreferences', languages: [...systemLanguages()], dark: window.matchMedia(darkQuery).matches };
}

/** Calls `report` whenever the OS languages change; returns the unsubscribe (for `useSyncExternalStore`). */
export function onLanguagesChange(report: () => void): () => void {
  window.addEventListener('languagechange', report);
  return () => window.removeEventListener('languagechange', report);
}

/** Calls `report` whenever the OS language or scheme changes; returns the unsubscribe. */
export function onSystemPreferencesChange(report: () => void): () => void {
  const media = window.matchMedia(darkQuery);
  media.addEventListener('change', report);
  window.addEventListener('languagechange', report);
  return () => {
    media.removeEventListener('change', report);
    window.removeEventListener('languagechange', report);
  };
}
