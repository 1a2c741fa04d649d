/**
 * The UI's translations: i18next with react-i18next (see README, "Languages").
 *
 * One namespace, keys nested by page or component (`plans.title`, `portal.start`);
 * `en.json` and `tr.json` hold the same keys (scripts/check-i18n.mjs fails the lint otherwise).
 * Components call `const { t } = useTranslation()`; code outside React calls `t` from here.
 * Keys are literal strings: a key built at run time (`status.${s}`) is not seen by the check;
 * map enums to keys with a literal `Record<Enum, string>` instead (see labels.ts).
 */
import { initReactI18next } from 'react-i18next';
import { browserLanguages, currentLocale, i18n } from './instance';
import { type Locale, detectLocale, resolveLocale } from './locale';

export { browserLanguages, currentIntlTag, currentLocale, i18n, t } from './instance';
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

// react-i18next's hooks follow this instance (it was initialised in instance.ts, without React)
initReactI18next.init(i18n);
void i18n.changeLanguage(detectLocale({ device: readDevice(), browser: browserLanguages() }));

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

let pickedBeforeSignIn: Locale | null = null;

/** The sign-in screen's switch: show it now, keep it on this device, and save it to the user who signs in next. */
export function pickLocaleBeforeSignIn(candidate: string): Locale {
  pickedBeforeSignIn = applyLocale(candidate, { remember: true });
  return pickedBeforeSignIn;
}

/** The language picked on the sign-in screen since it was shown, once (the sign-in saves it). */
export function takeSignInPick(): Locale | null {
  const picked = pickedBeforeSignIn;
  pickedBeforeSignIn = null;
  return picked;
}

if (typeof document !== 'undefined') document.documentElement.lang = currentLocale();
