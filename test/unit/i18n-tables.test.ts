/**
 * The UI's string tables (renderer/src/locales/): every language has every English key and no
 * other, every message is valid ICU MessageFormat, and a translation uses the arguments the
 * English message has (same names; a date stays a date, a number a number), so the UI never
 * shows a raw key, a brace, or a sentence missing its value. Also the language rule shared by
 * the UI and the core (bridge/language.ts) and how the UI formats with it.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { resolveLanguage, uiLanguages } from '../../main/core/bridge/language.js';
import { languageChoices, makeI18n, messageFormats, tables } from '../../renderer/src/i18n.js';
import { de } from '../../renderer/src/locales/de.js';
import { en } from '../../renderer/src/locales/en.js';
import { es } from '../../renderer/src/locales/es.js';
import { fr } from '../../renderer/src/locales/fr.js';
import { it as italian } from '../../renderer/src/locales/it.js';
import { nl } from '../../renderer/src/locales/nl.js';

const translations: Record<string, Record<string, string>> = { de, fr, it: italian, nl, es };

/** The ICU elements of the parser's AST we look at (see @formatjs/icu-messageformat-parser TYPE). */
interface Element {
  type: number;
  value?: string;
  /** number/date/time: a named style ("session") or a parsed skeleton. */
  style?: unknown;
  options?: Record<string, { value: Element[] }>;
}
const ARGUMENT = 1;
const NUMBER = 2;
const DATE = 3;
const TIME = 4;
const SELECT = 5;
const PLURAL = 6;
const kindName: Record<number, string> = { [ARGUMENT]: 'plain', [NUMBER]: 'number', [DATE]: 'date', [TIME]: 'time', [SELECT]: 'select', [PLURAL]: 'plural' };

/** Parses like the UI does (tags are text); throws on a syntax error. */
function parse(message: string, lang: string): Element[] {
  return new IntlMessageFormat(message, lang, messageFormats, { ignoreTag: true }).getAst() as unknown as Element[];
}

/** A style as written: a name, "::" and the skeleton's tokens, or "default". */
function styleText(style: unknown): string {
  if (typeof style === 'string') return style;
  const skeleton = style as { tokens?: { stem: string; options: string[] }[]; pattern?: string } | undefined;
  if (skeleton?.tokens) return `::${skeleton.tokens.map((t) => [t.stem, ...t.options].join('/')).join(' ')}`;
  return skeleton?.pattern !== undefined ? `::${skeleton.pattern}` : 'default';
}

/**
 * Each argument the message uses, with its kind (plain, select, plural; number, date and time with
 * their style: an unknown style name is no error in FormatJS, it falls back to the default format).
 */
function argumentsOf(ast: Element[], into = new Map<string, Set<string>>()): Map<string, Set<string>> {
  for (const el of ast) {
    const styled = el.type === NUMBER || el.type === DATE || el.type === TIME;
    const kind = styled ? `${kindName[el.type]} ${styleText(el.style)}` : kindName[el.type];
    if (kind && el.value !== undefined) {
      if (!into.has(el.value)) into.set(el.value, new Set());
      into.get(el.value)!.add(kind);
    }
    for (const option of Object.values(el.options ?? {})) argumentsOf(option.value, into);
  }
  return into;
}

/** A value of the right type for every argument, so formatting runs every branch the message has. */
function sampleValues(args: Map<string, Set<string>>, n: number): Record<string, string | number | Date> {
  const values: Record<string, string | number | Date> = {};
  const has = (kinds: Set<string>, kind: string) => [...kinds].some((k) => k.split(' ')[0] === kind);
  for (const [name, kinds] of args) values[name] = has(kinds, 'date') || has(kinds, 'time') ? new Date(Date.UTC(2025, 0, 5, 15, 4)) : has(kinds, 'plural') || has(kinds, 'number') ? n : 'x';
  return values;
}

/**
 * What a translation may do with an argument English has: the same; a number, date or time in
 * English's own style (the locale formats it); or plural/select on a plain one (French "nouveaux").
 */
function compatible(english: Set<string>, translated: Set<string>): boolean {
  const styled = [...english].filter((k) => k.includes(' '));
  if (styled.length > 0) return styled.every((k) => translated.has(k)) && [...translated].every((k) => english.has(k) || k === 'plural' || k === 'select');
  return [...translated].every((k) => k === 'plain' || k === 'plural' || k === 'select');
}

/** Every problem of one table against English, as readable lines (empty: none). */
function problemsOf(lang: string, table: Record<string, string>): string[] {
  const problems: string[] = [];
  const english = en as Record<string, string>;
  for (const key of Object.keys(english)) if (!Object.hasOwn(table, key)) problems.push(`${lang}: missing ${key} (en: ${JSON.stringify(english[key])})`);
  for (const key of Object.keys(table)) if (!Object.hasOwn(english, key)) problems.push(`${lang}: extra key ${key}`);
  for (const [key, message] of Object.entries(table)) {
    if (!Object.hasOwn(english, key)) continue;
    // In ICU an ASCII apostrophe before { } # quotes it: "l'{app}" would print "l{app}". Tables use ’.
    if (message.includes("'")) problems.push(`${lang}: ${key} has an ASCII apostrophe (write ’)`);
    let ast: Element[];
    try {
      ast = parse(message, lang);
    } catch (e) {
      problems.push(`${lang}: ${key} does not parse as ICU: ${String(e)}`);
      continue;
    }
    const ours = argumentsOf(ast);
    const theirs = argumentsOf(parse(english[key]!, 'en'));
    const names = (m: Map<string, Set<string>>) => [...m.keys()].sort().join(', ');
    if (names(ours) !== names(theirs)) {
      problems.push(`${lang}: ${key} has arguments {${names(ours)}}, English {${names(theirs)}}`);
      continue;
    }
    for (const [name, kinds] of theirs) {
      if (!compatible(kinds, ours.get(name)!)) problems.push(`${lang}: ${key} uses {${name}} as ${[...ours.get(name)!].join('/')}, English as ${[...kinds].join('/')}`);
    }
    for (const n of [0, 1, 2, 5, 1234.5]) {
      try {
        new IntlMessageFormat(message, lang, messageFormats, { ignoreTag: true }).format(sampleValues(ours, n));
      } catch (e) {
        problems.push(`${lang}: ${key} does not format with ${n}: ${String(e)}`);
        break;
      }
    }
  }
  return problems;
}

describe('UI string tables', () => {
  it('English parses, and is the source of every table the UI has', () => {
    expect(problemsOf('en', en)).toEqual([]);
    expect(Object.keys(tables).sort()).toEqual([...uiLanguages].sort());
    expect(Object.keys(translations).sort()).toEqual(uiLanguages.filter((l) => l !== 'en').sort());
    expect(languageChoices.map(([code]) => code).sort()).toEqual([...uiLanguages].sort());
  });

  for (const lang of Object.keys(translations)) {
    it(`${lang}: every key, no other, valid ICU, the arguments of the English message`, () => {
      expect(problemsOf(lang, translations[lang]!)).toEqual([]);
    });
  }

  it('the check itself finds a missing key, an extra key, a broken brace, a renamed or added placeholder, a date made plain, a number style changed and an ASCII apostrophe', () => {
    const broken: Record<string, string> = { ...de, 'zz.extra': 'Extra' };
    delete broken['home.heading'];
    broken['home.noMatch'] = 'Keine App passt zu „{query“.';
    broken['apps.close'] = '{titel} schließen';
    broken['security.time'] = '{time}';
    broken['home.all'] = "Alle App's";
    broken['settings.memoryTotal'] = 'Gesamt {size}';
    broken['settings.memoryMegabytes'] = '{size, number} MB';
    expect(problemsOf('de', broken)).toEqual([
      'de: missing home.heading (en: "Home")',
      'de: extra key zz.extra',
      'de: home.all has an ASCII apostrophe (write ’)',
      expect.stringMatching(/^de: home\.noMatch does not parse as ICU/),
      'de: apps.close has arguments {titel}, English {title}',
      'de: security.time uses {time} as plain, English as date session',
      'de: settings.memoryTotal has arguments {size}, English {}',
      'de: settings.memoryMegabytes uses {size} as number default, English as number ::unit/megabyte unit-width-short .#',
    ]);
  });
});

describe('the language rule (bridge/language.ts) and the UI’s formatting with it', () => {
  it('"auto" takes the first OS language with a UI table; without one the OS language for dates and apps, English strings', () => {
    expect(resolveLanguage('auto', ['de-CH', 'en-US'])).toEqual({ locale: 'de-CH', ui: 'de', app: 'de' });
    expect(resolveLanguage('auto', ['pl-PL', 'nl-BE'])).toEqual({ locale: 'nl-BE', ui: 'nl', app: 'nl' });
    expect(resolveLanguage('auto', ['pl-PL'])).toEqual({ locale: 'pl-PL', ui: 'en', app: 'pl' });
    expect(resolveLanguage('auto', [])).toEqual({ locale: 'en', ui: 'en', app: 'en' });
    expect(resolveLanguage('auto', ['not a tag', 'FR-ca'])).toEqual({ locale: 'fr-CA', ui: 'fr', app: 'fr' });
  });

  it('a chosen language wins over the OS, keeping the OS region where it matches', () => {
    expect(resolveLanguage('de', ['fr-FR', 'de-AT'])).toEqual({ locale: 'de-AT', ui: 'de', app: 'de' });
    expect(resolveLanguage('it', ['en-US'])).toEqual({ locale: 'it', ui: 'it', app: 'it' });
    // IT may set a language the UI has no table for: apps get it, the UI falls back to English.
    expect(resolveLanguage('pl', ['de-DE'])).toEqual({ locale: 'pl', ui: 'en', app: 'pl' });
  });

  it('formats plurals by the strings’ language, numbers and dates by the locale', () => {
    const german = makeI18n('de', ['de-DE']);
    expect(german.lang).toBe('de');
    expect(german.t('home.matches', { count: 1 })).toBe('1 passende App');
    expect(german.t('home.matches', { count: 1234 })).toBe('1.234 passende Apps');
    expect(german.t('settings.memoryMegabytes', { size: 5.25 })).toBe('5,3 MB');
    expect(german.t('security.time', { time: Date.UTC(2025, 0, 5, 15, 4) })).toMatch(/^05\.01\.2025, \d\d:04$/);
    expect(makeI18n('fr', ['fr-FR']).t('settings.memoryGigabytes', { size: 1.25 })).toMatch(/^1,3\s?Go$/);
    // Polish OS: English strings with English plural rules, Polish numbers.
    const polish = makeI18n('auto', ['pl-PL']);
    expect(polish.lang).toBe('en');
    expect(polish.locale).toBe('pl-PL');
    expect(polish.t('home.matches', { count: 2 })).toBe('2 apps match');
    expect(polish.t('home.matches', { count: 1234 })).toBe('1234 apps match');
    expect(polish.t('settings.memoryMegabytes', { size: 5.25 })).toBe('5,3 MB');
    // Latvian rules put 21 in "one": English words need English rules ("21 apps", not "21 app").
    expect(makeI18n('auto', ['lv-LV']).t('home.matches', { count: 21 })).toBe('21 apps match');
  });

  it('a placeholder keeps elements (nodes), and one I18n serves a setting for the page’s life (its compiled messages with it)', () => {
    const i18n = makeI18n('de', ['de-DE']);
    expect(makeI18n('de', ['de-DE'])).toBe(i18n);
    const code = createElement('strong', null, '42');
    const node = i18n.nodes('login.2fa', { code }) as { props: { children: unknown[] } };
    expect(node.props.children).toEqual(['Bestätigen Sie diese Anmeldung auf einem anderen Gerät: Code ', code]);
    expect(node.props.children[1]).toBe(code);
  });
});
