/**
 * The peer: the same work done by hand in DuckDB, run as its own process so that it pays the same
 * start-up as `silt`. Usage:
 *   node duckdb-peer.js copy  --threads N --memory 4GB <in.csv> <out.parquet>
 *   node duckdb-peer.js query --threads N --memory 4GB <sql>
 *   node duckdb-peer.js query-file --threads N --memory 4GB <file.sql>
 * `query` prints its rows as JSON lines, like `silt query --format json`. `query-file` is for SQL
 * naming hundreds of files, past Linux's 128 KiB limit on one argument.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { threads: { type: 'string' }, memory: { type: 'string' } },
});
const [mode, ...rest] = positionals;
const config: Record<string, string> = {};
if (values.threads) config['threads'] = values.threads;
if (values.memory) config['memory_limit'] = values.memory;

const instance = await DuckDBInstance.create(':memory:', config);
const connection = await instance.connect();
try {
  if (mode === 'copy' && rest.length === 2) {
    const [csv, parquet] = rest.map((p) => `'${p!.replaceAll("'", "''")}'`);
    const reader = await connection.runAndReadAll(`COPY (SELECT * FROM read_csv(${csv})) TO ${parquet} (FORMAT parquet)`);
    process.stdout.write(`${String(reader.getRows()[0]?.[0] ?? 0)}\n`);
  } else if ((mode === 'query' || mode === 'query-file') && rest.length === 1) {
    const sql = mode === 'query' ? rest[0]! : readFileSync(rest[0]!, 'utf8');
    const reader = await connection.runAndReadAll(sql);
    process.stdout.write(reader.getRowObjectsJson().map((r) => JSON.stringify(r) + '\n').join(''));
  } else {
    const expected = '"copy <in.csv> <out.parquet>", "query <sql>" or "query-file <file.sql>"';
    throw new Error(`duckdb-peer: expected ${expected}, found ${JSON.stringify(positionals)}`);
  }
} finally {
  connection.closeSync();
  instance.closeSync();
}
