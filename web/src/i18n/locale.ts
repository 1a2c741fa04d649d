/**
 * Which language the UI speaks. Pure (no i18next, no DOM access of its own) so the
 * server's tests and the browser share one rule: the user's stored choice, else the
 * choice made on this device before signing in, else the browser's languages in
 * order, else English. Anything unknown ('de', 'xx-YY', '', null) is skipped silently.
 */
export const locales = ['en', 'tr'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';

/** 'tr', 'tr-TR', 'TR_tr' → 'tr'; anything else → null. */
export function resolveLocale(candidate: string | null | undefined): Locale | null {
  if (typeof candidate !== 'string') return null;
  const base = candidate.trim().toLowerCase().split(/[-_]/)[0];
  return (locales as readonly string[]).includes(base ?? '') ? (base as Locale) : null;
}

export function detectLocale(sources: { stored?: string | null; device?: string | null; browser?: readonly string[] | null }): Locale {
  for (const candidate of [sources.stored, sources.device, ...(sources.browser ?? [])]) {
    const locale = resolveLocale(candidate);
    if (locale) return locale;
  }
  return defaultLocale;
}

/** The BCP 47 tag Intl formats with: Turkish as in Turkey; English as the browser writes it (en-GB, en-US), else en-GB. */
export function intlTag(locale: Locale, browser: readonly string[] = []): string {
  if (locale === 'tr') return 'tr-TR';
  return browser.find((l) => /^en-[A-Za-z]{2}$/.test(l)) ?? 'en-GB';
}
