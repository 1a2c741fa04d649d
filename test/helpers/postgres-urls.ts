/** URLs derived from TEST_DATABASE_URL: the server's maintenance database, and per-file databases. */
export function databaseUrlFor(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function adminUrl(url: string): string {
  return databaseUrlFor(url, 'postgres');
}
