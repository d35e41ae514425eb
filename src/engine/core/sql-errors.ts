/** DuckDB errors as Silt errors: the user's mistakes become one-line InvalidInput messages. */
import { EnvironmentFault, InvalidInput } from '../../errors.js';
import { machineAdvice } from '../../storage/index.js';
import type { Engine, Row } from './duckdb.js';

const USER_ERROR =
  /^(Parser|Binder|Conversion|Invalid Input|Catalog|Constraint|Out of Range|Not implemented|Syntax|Type mismatch|Dependency|Invalid type|Sequence) Error: /;

/** Converts a DuckDB error into InvalidInput (`<domain>: <DuckDB's first line>`) or an internal Error. */
export function translateError(e: unknown, domain: string): Error {
  if (!(e instanceof Error)) return new Error(`${domain}: ${String(e)}`);
  if (e.name !== 'Error' && !e.message.includes(' Error: ')) return e; // already ours (InvalidInput, NotFound, …)
  const first = e.message.split('\n')[0]!.trim();
  const advice = machineAdvice(first);
  if (advice) return new EnvironmentFault(`${domain}: ${first}; ${advice.replace(/^[^;]*; /, '')}`, { cause: e });
  const ours = /^Invalid Input Error: ((?:write|query|partition|insert|update): .*)$/.exec(first);
  if (ours) return new InvalidInput(ours[1]!); // raised by our own error() calls in generated SQL
  if (USER_ERROR.test(first)) return new InvalidInput(`${domain}: ${first}`, { code: 'bad_sql', details: statementPosition(e.message) });
  return new Error(`${domain}: ${first}`, { cause: e });
}

/** The line (and column, where DuckDB's caret shows it) of the statement DuckDB's message points at. */
function statementPosition(message: string): { line?: number; column?: number } {
  const at = /\nLINE (\d+): (.*)\n( *)\^/.exec(message) ?? /\nLINE (\d+):/.exec(message);
  if (!at) return {};
  const line = Number(at[1]);
  // The caret is under the statement text, which follows "LINE n: ".
  return at[3] === undefined ? { line } : { line, column: at[3].length - `LINE ${at[1]}: `.length + 1 };
}

/** Runs SQL and returns JSON-safe rows, translating DuckDB errors. */
export async function runSql<T extends Row = Row>(engine: Engine, sql: string, domain: string): Promise<T[]> {
  try {
    return await engine.allJson<T>(sql);
  } catch (e) {
    throw translateError(e, domain);
  }
}

/** Runs a statement without results, translating DuckDB errors. */
export async function execSql(engine: Engine, sql: string, domain: string): Promise<void> {
  try {
    await engine.run(sql);
  } catch (e) {
    throw translateError(e, domain);
  }
}
