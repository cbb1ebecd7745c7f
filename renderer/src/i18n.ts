/**
 * UI strings. Every text the renderer shows itself comes from the tables in `locales/` (English
 * the source, one complete table per language), written in ICU MessageFormat and formatted by
 * FormatJS `intl-messageformat`: plurals, numbers and dates by the `Intl` rules of the locale.
 * Which language: `resolveLanguage` of the bridge contract, the same rule the core uses for the
 * `lang` apps get. Text from the PBX and from apps is never translated.
 */
import { IntlMessageFormat, type Formatters } from 'intl-messageformat';
import { Fragment, createContext, createElement, useContext, useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { resolveLanguage, type UiLanguage } from '../../main/core/bridge/language.js';
import { de } from './locales/de.js';
import { en, type MessageKey, type Messages } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';
import { it } from './locales/it.js';
import { nl } from './locales/nl.js';
import { onLanguagesChange, systemLanguages } from './systemPreferences.js';

export type { MessageKey, Messages };
export type Params = Record<string, string | number | Date>;

/** The string tables by language; `uiLanguages` in the bridge contract names the same ones. */
export const tables: Readonly<Record<UiLanguage, Messages>> = { en, de, fr, it, nl, es };

/** Languages offered in Settings, by their own names. */
export const languageChoices: readonly (readonly [code: UiLanguage, name: string])[] = [
  ['en', 'English'],
  ['de', 'Deutsch'],
  ['fr', 'Français'],
  ['it', 'Italiano'],
  ['es', 'Español'],
  ['nl', 'Nederlands'],
];

export interface I18n {
  /** The language the UI strings are in (for `<html lang>`). */
  lang: UiLanguage;
  /** The locale for dates, numbers and sorting: the user's, also where the UI has no strings for it. */
  locale: string;
  t(key: MessageKey, params?: Params): string;
  /** Like `t`, with elements for placeholders (e.g. a code shown large), still one translatable sentence. */
  nodes(key: MessageKey, params: Record<string, ReactNode>): ReactNode;
  /** "a, b and c", in the language of the UI strings. */
  list(items: readonly string[]): string;
}

/**
 * `Intl` formatters shared by every message of one language: a message compiled on its own
 * would make its own `NumberFormat`/`PluralRules`. Plural rules are the strings' language's
 * (English strings for a Polish user need English "one"/"other"), numbers and dates the locale's.
 */
function sharedFormatters(pluralLanguage: string): Formatters {
  const made = new Map<string, unknown>();
  const once = <T,>(key: string, make: () => T): T => {
    let f = made.get(key) as T | undefined;
    if (f === undefined) made.set(key, (f = make()));
    return f;
  };
  return {
    getNumberFormat: (locales, opts) => once(`n${JSON.stringify([locales, opts])}`, () => new Intl.NumberFormat(locales, opts as Intl.NumberFormatOptions)),
    getDateTimeFormat: (locales, opts) => once(`d${JSON.stringify([locales, opts])}`, () => new Intl.DateTimeFormat(locales, opts)),
    getPluralRules: (_locales, opts) => once(`p${JSON.stringify(opts)}`, () => new Intl.PluralRules(pluralLanguage, opts)),
  };
}

/**
 * Named formats the messages may use besides ICU's own (`{time, date, session}`): `Intl`'s date and
 * time styles, which ICU skeletons cannot express (German "30.11.2026, 03:14", English "Nov 30, 2026, 3:14 AM").
 */
export const messageFormats = { date: { session: { dateStyle: 'medium', timeStyle: 'short' } } } as const;

/** One I18n per setting and OS languages, so its compiled messages live as long as the page. */
const made = new Map<string, I18n>();

/**
 * @param setting the effective `language` setting ("auto" or a code).
 * @param preferred the OS's languages, most preferred first (see `systemLanguages()`).
 */
export function makeI18n(setting: string, preferred: readonly string[]): I18n {
  const id = `${setting}|${preferred.join(',')}`;
  let i18n = made.get(id);
  if (!i18n) made.set(id, (i18n = createI18n(setting, preferred)));
  return i18n;
}

function createI18n(setting: string, preferred: readonly string[]): I18n {
  const { locale, ui } = resolveLanguage(setting, preferred);
  const table = tables[ui];
  const formatters = sharedFormatters(ui);
  // Compiled on first use, once per key: a search keystroke re-renders dozens of strings.
  const compiled = new Map<MessageKey, IntlMessageFormat>();
  const compile = (key: MessageKey): IntlMessageFormat => {
    let message = compiled.get(key);
    if (!message) {
      // ignoreTag: a "<" in a translation is text; elements go in through `nodes` placeholders.
      message = new IntlMessageFormat(table[key] ?? en[key], locale, messageFormats, { ignoreTag: true, formatters });
      compiled.set(key, message);
    }
    return message;
  };
  const format = <T,>(key: MessageKey, params: Record<string, T | string | number | Date> | undefined): string | T | (string | T)[] => {
    const text = table[key] ?? en[key];
    // Most messages are plain text: no compile, no format (ASCII apostrophes are not in the tables).
    if (!text.includes('{')) return text;
    try {
      return compile(key).format<T>(params);
    } catch (e) {
      // A value missing or of the wrong type: a bug of the caller. The user still gets the words.
      console.error(`i18n: cannot format ${key} (${ui}):`, e);
      return text;
    }
  };
  const lists = new Intl.ListFormat(ui, { type: 'conjunction' });
  return {
    lang: ui,
    locale,
    t: (key, params) => {
      const out = format<never>(key, params);
      return typeof out === 'string' ? out : (out as string[]).join('');
    },
    nodes(key, params) {
      const out = format<ReactNode>(key, params as Record<string, ReactNode | string | number>);
      return Array.isArray(out) ? createElement(Fragment, null, ...out) : out;
    },
    list: (items) => lists.format(items),
  };
}

export const I18nContext = createContext<I18n>(makeI18n('en', ['en']));

export function useI18n(): I18n {
  return useContext(I18nContext);
}

/**
 * The I18n of a page of ours (the main window, an app's own window) for the language setting,
 * following the OS languages live as the core does for apps; `<html lang>` follows it.
 */
export function usePageI18n(setting: string): I18n {
  const osLanguages = useSyncExternalStore(onLanguagesChange, systemLanguages);
  const i18n = makeI18n(setting, osLanguages);
  useEffect(() => {
    document.documentElement.lang = i18n.lang;
  }, [i18n]);
  return i18n;
}
