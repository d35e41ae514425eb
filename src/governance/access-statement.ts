import type { Principal, QueryResult } from '../engine/index.js';
import { parseAccessStatement } from './grant-sql.js';
import type { Grants } from './grants.js';

/** Runs a GRANT or REVOKE from `silt query` or the query API as `principal`: a result with only its message, as DDL has. */
export async function runAccessStatement(grants: Grants, principal: Principal, sql: string): Promise<QueryResult> {
  const started = performance.now();
  const message = await grants.change(principal, parseAccessStatement(sql));
  return {
    columns: [],
    rows: [],
    truncated: false,
    totalRows: 0,
    stats: { files_total: 0, files_scanned: 0, bytes_total: 0, bytes_scanned: 0, rows: 0, elapsed_ms: Math.round(performance.now() - started) },
    message,
  };
}
