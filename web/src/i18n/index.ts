/**
 * The UI's translations: i18next with react-i18next (see README, "Languages").
 *
 * One namespace, keys nested by page or component (`plans.title`, `portal.pause.reason`);
 * `en.json` and `tr.json` hold the same keys (scripts/check-i18n.mjs fails the lint otherwise).
 * Components call `const { t } = useTranslation()`; code outside React calls `t` from here.
 * Keys are literal strings: a key built at run time (`status.${s}`) is not seen by the check;
 * map enums to keys with a literal `Record<Enum, string>` instead (see labels.ts).
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import tr from './tr.json';
import { type Locale, detectLocale, intlTag, locales, resolveLocale } from './locale';

export { type Locale, detectLocale, locales, resolveLocale } from './locale';

/** Where the language chosen on the sign-in screen waits until someone signs in. */
const deviceKey = 'burkol.locale';

function readDevice(): string | null {
  try {
    return localStorage.getItem(deviceKey);
  } catch {
    return null;
  }
}

function browserLanguages(): readonly string[] {
  return typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language];
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, tr: { translation: tr } },
  lng: detectLocale({ device: readDevice(), browser: browserLanguages() }),
  fallbackLng: 'en',
  supportedLngs: [...locales],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false,
});

export const t = i18n.t.bind(i18n);

/** The UI's language now. */
export function currentLocale(): Locale {
  return resolveLocale(i18n.language) ?? 'en';
}

/** The tag Intl formats dates and numbers with for the current language. */
export function currentIntlTag(): string {
  return intlTag(currentLocale(), browserLanguages());
}

/**
 * Switch the UI's language. `remember` keeps it on this device (the sign-in screen's
 * choice, sent to the server at sign-in); an unknown value switches to English.
 */
export function applyLocale(candidate: string | null | undefined, { remember = false } = {}): Locale {
  const locale = resolveLocale(candidate) ?? 'en';
  if (remember) {
    try {
      localStorage.setItem(deviceKey, locale);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }
  if (i18n.language !== locale) void i18n.changeLanguage(locale);
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  return locale;
}

/** The language picked on this device before signing in, if any. */
export function deviceLocale(): Locale | null {
  return resolveLocale(readDevice());
}

if (typeof document !== 'undefined') document.documentElement.lang = currentLocale();
