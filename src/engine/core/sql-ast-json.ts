import { InvalidInput } from '../../errors.js';
import type { Engine } from './duckdb.js';
import { runSql } from './sql-errors.js';
import { quoteLiteral } from './sql-text.js';

/**
 * DuckDB's parse tree of `sql` as JSON text (`json_serialize_sql`), for the parsers of Silt that
 * read it. A numeric literal past a double's range (`1e400`, a 400-digit integer) comes back as a
 * bare `Infinity`, which is not JSON and which DuckDB would run as infinity: it is an input error
 * naming the statement's place (`where`) instead.
 */
export async function serializeSql(engine: Engine, sql: string, where: string): Promise<string> {
  const rows = await runSql<{ j: string }>(engine, `SELECT json_serialize_sql(${quoteLiteral(sql)}) AS j`, where);
  return assertFiniteNumbers(rows[0]!.j, where);
}

/** The JSON text, or InvalidInput when a value in it (outside strings) is Infinity or NaN. */
export function assertFiniteNumbers(json: string, where: string): string {
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === 'I' || ch === 'N') {
      throw new InvalidInput(
        `${where}: a number in the statement is past the range of a double (about 1.8e308); ` +
          'write it as a string, or as a DECIMAL of at most 38 digits',
      );
    }
  }
  return json;
}
