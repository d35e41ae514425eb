import { withEngine, quoteLiteral } from '../engine/index.js';

export interface ParquetDiff {
  columnsA: string[];
  columnsB: string[];
  typesA: string[];
  typesB: string[];
  rowsA: number;
  rowsB: number;
  /** Rows of A missing from B, and of B missing from A (multiset difference). */
  onlyInA: number;
  onlyInB: number;
  /** A few differing rows, for the failure message. */
  sample: string[];
}

/** Compares two Parquet files row for row in DuckDB (EXCEPT ALL both ways, so duplicates count). */
export async function diffParquet(a: string, b: string): Promise<ParquetDiff> {
  return withEngine({ threads: 1 }, async (engine) => {
    const ra = `read_parquet(${quoteLiteral(a)})`;
    const rb = `read_parquet(${quoteLiteral(b)})`;
    const describe = async (src: string) => {
      const rows = await engine.allJson<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${src}`);
      return { names: rows.map((r) => r.column_name), types: rows.map((r) => r.column_type) };
    };
    const count = async (sql: string) => Number((await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM (${sql})`))[0]!.n);
    const da = await describe(ra);
    const db = await describe(rb);
    const diff: ParquetDiff = {
      columnsA: da.names,
      columnsB: db.names,
      typesA: da.types,
      typesB: db.types,
      rowsA: await count(`SELECT * FROM ${ra}`),
      rowsB: await count(`SELECT * FROM ${rb}`),
      onlyInA: 0,
      onlyInB: 0,
      sample: [],
    };
    if (da.names.join('\u0000') !== db.names.join('\u0000')) return diff;
    const aMinusB = `SELECT * FROM ${ra} EXCEPT ALL SELECT * FROM ${rb}`;
    const bMinusA = `SELECT * FROM ${rb} EXCEPT ALL SELECT * FROM ${ra}`;
    diff.onlyInA = await count(aMinusB);
    diff.onlyInB = await count(bMinusA);
    if (diff.onlyInA + diff.onlyInB > 0) {
      const show = async (label: string, sql: string) =>
        (await engine.allJson(`${sql} LIMIT 3`)).map((r) => `${label} ${JSON.stringify(r)}`);
      diff.sample = [...(await show('only in A:', aMinusB)), ...(await show('only in B:', bMinusA))];
    }
    return diff;
  });
}
