/** Next free master-data code of a prefix (OP-009, ST-021, W-051), widening past 999. */
import type { Db } from '../db/database.js';
import { sql } from 'kysely';

export async function nextMasterCode(trx: Db, table: 'operations' | 'stations' | 'workers', prefix: string): Promise<string> {
  const result = await sql<{ code: string }>`
    select ${prefix} || '-' || case when n < 1000 then lpad(n::text, 3, '0') else n::text end as code
      from (select coalesce(max(substring(id from ${`^${prefix}-([0-9]+)$`})::int), 0) + 1 as n
              from ${sql.table(`mes.${table}`)}) x`.execute(trx);
  return result.rows[0]!.code;
}
