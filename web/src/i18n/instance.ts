/**
 * The i18next instance and its catalogs, without the browser: plain modules
 * (web/src/pages/master/shiftCalendar.ts, format.ts) and the unit tests that
 * import them use this; index.ts adds React, the detected language and the
 * device's choice. Starts in English; index.ts switches it before the first render.
 */
import i18next from 'i18next';
import en from './en.json' with { type: 'json' };
import tr from './tr.json' with { type: 'json' };
import { type Locale, intlTag, locales, resolveLocale } from './locale.js';

export const i18n = i18next.createInstance();
void i18n.init({
  resources: { en: { translation: en }, tr: { translation: tr } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...locales],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false,
});

// `{{what, capitalize}}`: a word that opens a sentence in one language and not in the other
// ("Create shift calendar" / "Vardiya takvimi oluştur"), upper-cased by that language's rules (i → İ)
i18n.services.formatter?.add('capitalize', (value: unknown, lng: string | undefined) => {
  const s = String(value);
  return s.charAt(0).toLocaleUpperCase(lng === 'tr' ? 'tr-TR' : 'en') + s.slice(1);
});

export const t = i18n.t.bind(i18n);

/** The browser's languages, in order of preference (none outside a browser). */
export function browserLanguages(): readonly string[] {
  const nav = (globalThis as { navigator?: { languages?: readonly string[]; language?: string } }).navigator;
  if (nav?.languages?.length) return nav.languages;
  return nav?.language ? [nav.language] : [];
}

/** The UI's language now. */
export function currentLocale(): Locale {
  return resolveLocale(i18n.language) ?? 'en';
}

/** The tag Intl formats dates and numbers with for the current language. */
export function currentIntlTag(): string {
  return intlTag(currentLocale(), browserLanguages());
}
