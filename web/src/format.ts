/**
 * Dates, times, durations, numbers and units as people on the floor read them: in the
 * UI's language (tr-TR: "Per 3 Ara 14:05", "03.12.2026 14:05", "1.234,5"; English as the
 * browser writes it) and the browser's time zone. Each call reads the current language,
 * so a switch shows at the next render; the Intl formatters are kept per language.
 */
import { currentIntlTag, t } from './i18n';

const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const tag = currentIntlTag();
  const key = `d|${tag}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(tag, options)));
  return f as Intl.DateTimeFormat;
}

function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const tag = currentIntlTag();
  const key = `n|${tag}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(tag, options)));
  return f as Intl.NumberFormat;
}

const dateTimeOptions: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
const timeOptions: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
const dayMonthOptions: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' };
const numericDateOptions: Intl.DateTimeFormatOptions = { day: '2-digit', month: '2-digit', year: 'numeric' };

/** "Thu 3 Dec, 14:05" / "Per 3 Ara 14:05". */
export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateFormat(dateTimeOptions).format(new Date(iso)) : '—';
}

/** A calendar date with the year: "03/12/2026" / "03.12.2026". */
export function formatDate(iso: string | Date | null | undefined): string {
  return iso ? dateFormat(numericDateOptions).format(typeof iso === 'string' ? new Date(iso) : iso) : '—';
}

export function formatTime(iso: string | null | undefined): string {
  return iso ? dateFormat(timeOptions).format(new Date(iso)) : '—';
}

/** A moment of today as its time, of another day with the day too ("since 06:40" / "since Fri 27 Nov, 14:10"). */
export function formatWhen(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  return new Date(iso).toDateString() === new Date(now).toDateString() ? formatTime(iso) : formatDateTime(iso);
}

export function formatDay(date: Date): string {
  return dateFormat(dayMonthOptions).format(date);
}

/** 95 → "1 h 35 min" / "1 sa 35 dk". */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || Number.isNaN(minutes)) return '—';
  const m = Math.round(minutes);
  if (m < 60) return t('format.minutes', { m: formatNumber(m) });
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest === 0 ? t('format.hours', { h: formatNumber(h) }) : t('format.hoursMinutes', { h: formatNumber(h), m: formatNumber(rest) });
}

/** Milliseconds as a running clock: 3725000 → "1:02:05". */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** A number in the UI's language, up to `maximumFractionDigits` decimals: 1234.5 → "1,234.5" / "1.234,5". */
export function formatNumber(n: number | null | undefined, maximumFractionDigits = 3): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return numberFormat({ maximumFractionDigits }).format(n);
}

/** The decimal separator of the UI's language ("." / ","), for keypads. */
export function decimalSeparator(): string {
  return (
    numberFormat({ minimumFractionDigits: 1 })
      .formatToParts(1.5)
      .find((p) => p.type === 'decimal')?.value ?? '.'
  );
}

/** A quantity of stock or parts: up to three decimals, no trailing zeros. */
export function formatQuantity(n: number | null | undefined): string {
  return formatNumber(n, 3);
}

/** A quantity with its unit of measure ("12.5 kg" / "12,5 kg"); units are codes from master data, shown as written. */
export function formatAmount(n: number | null | undefined, unit: string | null | undefined): string {
  const q = formatQuantity(n);
  return unit && q !== '—' ? `${q} ${unit}` : q;
}

/** A share as a percentage: 0.42 → "42%" / "%42". */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return '—';
  return numberFormat({ style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

const monthOptions: Intl.DateTimeFormatOptions = { month: 'short', year: 'numeric' };

/** A month: "Dec 2026" / "Ara 2026". */
export function formatMonth(date: Date): string {
  return dateFormat(monthOptions).format(date);
}
