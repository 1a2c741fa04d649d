/**
 * The server's i18next instance (no React): renders a message in a person's
 * language. Locales are English (the default) and Turkish; anything else
 * falls back to English without an error.
 */
import i18next from 'i18next';
import en from './en.json' with { type: 'json' };
import tr from './tr.json' with { type: 'json' };
import { type Message, english, wordParams } from './messages.js';

export * from './messages.js';

export const locales = ['en', 'tr'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';

const i18n = i18next.createInstance();
void i18n.init({
  resources: { en: { translation: en }, tr: { translation: tr } },
  lng: defaultLocale,
  fallbackLng: defaultLocale,
  supportedLngs: [...locales],
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

/** The supported locale a tag names (`tr-TR` → tr), or undefined. */
export function localeOf(tag: string | null | undefined): Locale | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return (locales as readonly string[]).includes(primary ?? '') ? (primary as Locale) : undefined;
}

/** The best supported locale of an Accept-Language header (by q-value, then order), else English. */
export function localeOfAcceptLanguage(header: string | undefined): Locale {
  if (!header) return defaultLocale;
  const ranges = header
    .split(',')
    .map((part, order) => {
      const [tag, ...attrs] = part.trim().split(';');
      const q = attrs.map((a) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(a)).find(Boolean);
      return { locale: localeOf(tag), q: q ? Number(q[1]) : 1, order };
    })
    .filter((r) => r.locale && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return ranges[0]?.locale ?? defaultLocale;
}

/** A message worded in `locale` (English when the locale or the key is unknown). */
/** The language to answer in: the person's stored choice, else the request's Accept-Language, else English. */
export function localeFor(stored: string | null | undefined, acceptLanguage: string | undefined): Locale {
  return localeOf(stored) ?? localeOfAcceptLanguage(acceptLanguage);
}

export function translate(message: Message, locale: string | undefined): string {
  const lng = localeOf(locale) ?? defaultLocale;
  if (lng === 'en') return english(message);
  const params = wordParams(message.params, (inner) => translate(inner, lng));
  return i18n.t(message.key, { lng, replace: params, defaultValue: english(message) });
}
