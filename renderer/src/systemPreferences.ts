/**
 * What the OS prefers — language and dark mode — which only the UI can see. The core uses it
 * where the settings say "auto" / "follow system" (the language and scheme apps are started
 * with, and SetLang / SetScheme when they change).
 */
import type { CommandOf } from '../../main/core/bridge/commands.js';

const darkQuery = '(prefers-color-scheme: dark)';

export function systemPreferences(): CommandOf<'setSystemPreferences'> {
  return { type: 'setSystemPreferences', language: (navigator.language || 'en').slice(0, 35), dark: window.matchMedia(darkQuery).matches };
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
