/**
 * Which language the client speaks: one rule for the UI (its strings, dates and numbers) and
 * for the apps (`lang` in their URL, `SetLang`), so an app never starts in another language than
 * the client around it. The UI and the core both call `resolveLanguage` with the setting and the
 * OS's preferred languages (which only the UI can see; it reports them with
 * `setSystemPreferences`). Pure, no Node module: it loads in the browser too.
 */

/** The languages the UI has string tables for (`renderer/src/locales/`), English first (the source). */
export const uiLanguages = ['en', 'de', 'fr', 'it', 'nl', 'es'] as const;
export type UiLanguage = (typeof uiLanguages)[number];

export interface ResolvedLanguage {
  /** BCP 47 tag for dates, numbers and sorting: the user's own, also where the UI has no table for it. */
  locale: string;
  /** The language of the UI strings (for `<html lang>`): the locale's if we have a table, else English. */
  ui: UiLanguage;
  /** What apps get (`lang`, `SetLang`): the locale's language, the same as the UI's wherever we have a table. */
  app: string;
}

const isUiLanguage = (code: string): code is UiLanguage => (uiLanguages as readonly string[]).includes(code);

/** The tag in canonical form ("de-CH"), or undefined for what is not a BCP 47 tag. */
function canonical(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

const languageOf = (tag: string): string => tag.split('-')[0]!.toLowerCase();

/**
 * @param setting the effective `language` setting: "auto" (follow the OS) or a language code
 *   chosen by the user or IT.
 * @param preferred the OS's languages, most preferred first (`navigator.languages`; in Electron
 *   the OS list on Windows and macOS, the app locale on Linux).
 *
 * "auto" takes the first preferred language the UI has a table for, so a user who prefers
 * Polish, then German, gets German; without any, the first preferred language (UI strings in
 * English, dates and numbers and apps in that language). A chosen language keeps the user's
 * region where the OS list has one for it (German chosen, OS "de-CH": Swiss dates and numbers).
 */
export function resolveLanguage(setting: string, preferred: readonly string[]): ResolvedLanguage {
  const tags = preferred.map(canonical).filter((t): t is string => t !== undefined);
  let locale: string;
  if (setting === 'auto') {
    locale = tags.find((t) => isUiLanguage(languageOf(t))) ?? tags[0] ?? 'en';
  } else {
    const chosen = canonical(setting) ?? 'en';
    locale = tags.find((t) => languageOf(t) === languageOf(chosen)) ?? chosen;
  }
  const language = languageOf(locale);
  return { locale, ui: isUiLanguage(language) ? language : 'en', app: language };
}
