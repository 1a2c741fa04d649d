/** The inspection report as CSV (RFC 4180): pure, so it is tested and reused without a database. */

/** One field: quoted when it holds a comma, quote, CR or LF (quotes doubled); text that a spreadsheet would run as a formula is prefixed with '. */
export function csvField(value: string | number | boolean | null | undefined, text = false): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows joined with CRLF, every line (the last too) ending in CRLF. */
export function csvOf(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header.map((h) => csvField(h, true)).join(','), ...rows.map((r) => r.join(','))].map((line) => `${line}\r\n`).join('');
}

export const reportHeader = [
  'Plan',
  'Plan name',
  'Work order',
  'Step',
  'Step name',
  'Assignment',
  'Step status',
  'Operation',
  'Operation name',
  'Item',
  'Check',
  'Kind',
  'Required at',
  'Nominal',
  'Lower tolerance',
  'Upper tolerance',
  'Lower limit',
  'Upper limit',
  'Unit',
  'Sample',
  'Value',
  'Result',
  'Recorded by',
  'Recorded at',
] as const;
