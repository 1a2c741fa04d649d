/** English or Türkçe: a small select for the header and the sign-in screen. Each language is named in itself. */
import { useTranslation } from 'react-i18next';
import { type Locale, locales, resolveLocale } from '../i18n';

const names: Record<Locale, string> = { en: 'language.en', tr: 'language.tr' };

export function LanguageSwitch({ onChange, tone = 'light' }: { onChange: (locale: Locale) => void; tone?: 'light' | 'dark' }) {
  const { t, i18n } = useTranslation();
  const current = resolveLocale(i18n.language) ?? 'en';
  return (
    <select
      className={`select language-switch language-switch--${tone}`}
      aria-label={t('language.label')}
      value={current}
      onChange={(e) => {
        const locale = resolveLocale(e.target.value);
        if (locale) onChange(locale);
      }}
    >
      {locales.map((l) => (
        <option key={l} value={l} lang={l}>
          {t(names[l])}
        </option>
      ))}
    </select>
  );
}
