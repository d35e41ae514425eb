import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { InvalidInput } from '../errors.js';
import { parseTypeText, primitiveToDuckdb, quoteLiteral, type Engine, type ReadOptions } from '../engine/index.js';

/** What a user may say about a CSV/TSV file's columns: by flags or in a schema file. */
export interface ColumnHints {
  /** Type text by column name: Iceberg (`timestamp`, `decimal(12,2)`) or DuckDB (`BIGINT`) names. */
  types?: Record<string, string>;
  timestampFormat?: string;
  dateFormat?: string;
  nulls?: string[];
}

const TYPE_ADVICE = 'use a type such as string, int, long, double, decimal(12,2), boolean, date, timestamp or timestamptz';

/** `--types col=TYPE,col2=decimal(12,2)`: commas inside a type's parentheses belong to it. */
export function parseTypesFlag(text: string): Record<string, string> {
  const types: Record<string, string> = {};
  for (const part of splitOutsideParens(text)) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? '' : part.slice(0, eq).trim();
    const type = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!name || !type) throw new InvalidInput(`load: --types ${JSON.stringify(part.trim())} is not column=TYPE; write e.g. --types shipped_at=timestamp,amount=decimal(12,2)`);
    types[name] = type;
  }
  return types;
}

/** `--nulls 'NA,TBD,-'`: the tokens read as NULL. */
export function parseNullsFlag(text: string): string[] {
  return text.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

/**
 * A schema file, YAML or JSON:
 *   columns: { shipped_at: timestamp, amount: "decimal(12,2)" }
 *   timestamp_format: "%d/%m/%Y %H:%M"
 *   date_format: "%d/%m/%Y"
 *   nulls: [NA, TBD, "-"]
 */
export async function readSchemaFile(path: string): Promise<ColumnHints> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InvalidInput(`load: --schema ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new InvalidInput(`load: --schema ${path}: not YAML or JSON: ${((e as Error).message.split('\n')[0] ?? '').trim()}`);
  }
  const where = `load: --schema ${path}`;
  if (!isObject(doc)) throw new InvalidInput(`${where}: expected a mapping with columns, timestamp_format, date_format and nulls`);
  const known = ['columns', 'timestamp_format', 'date_format', 'nulls'];
  for (const key of Object.keys(doc)) {
    if (!known.includes(key)) throw new InvalidInput(`${where}: unknown key ${JSON.stringify(key)}; expected ${known.join(', ')}`);
  }
  const hints: ColumnHints = {};
  if (doc.columns !== undefined) {
    if (!isObject(doc.columns)) throw new InvalidInput(`${where}: columns must map each column name to its type, e.g. columns: { amount: "decimal(12,2)" }`);
    hints.types = {};
    for (const [name, type] of Object.entries(doc.columns)) {
      if (typeof type !== 'string') throw new InvalidInput(`${where}: column ${name}: the type must be text, e.g. timestamp`);
      hints.types[name] = type;
    }
  }
  for (const [key, field] of [['timestamp_format', 'timestampFormat'], ['date_format', 'dateFormat']] as const) {
    const v = doc[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new InvalidInput(`${where}: ${key} must be text, e.g. "%d/%m/%Y"`);
    hints[field] = v;
  }
  if (doc.nulls !== undefined) {
    const list = Array.isArray(doc.nulls) ? doc.nulls : null;
    if (!list || list.some((n) => typeof n !== 'string' && typeof n !== 'number')) {
      throw new InvalidInput(`${where}: nulls must be a list of values, e.g. nulls: [NA, TBD, "-"]`);
    }
    hints.nulls = list.map(String);
  }
  return hints;
}

/** The hints given by `silt load`'s flags and schema file; undefined when none is. */
export async function loadColumnHints(flags: { types?: string; timestampFormat?: string; dateFormat?: string; nulls?: string; schema?: string }): Promise<ColumnHints | undefined> {
  const given: ColumnHints = {
    ...(flags.types !== undefined ? { types: parseTypesFlag(flags.types) } : {}),
    ...(flags.nulls !== undefined ? { nulls: parseNullsFlag(flags.nulls) } : {}),
    ...(flags.timestampFormat !== undefined ? { timestampFormat: flags.timestampFormat } : {}),
    ...(flags.dateFormat !== undefined ? { dateFormat: flags.dateFormat } : {}),
  };
  const hints = flags.schema !== undefined ? mergeHints(await readSchemaFile(flags.schema), given) : given;
  return Object.keys(hints).length ? hints : undefined;
}

/** Flags over the schema file: a flag's type wins for its column; null tokens add up. */
export function mergeHints(file: ColumnHints, flags: ColumnHints): ColumnHints {
  const types = { ...file.types, ...flags.types };
  const nulls = [...new Set([...(file.nulls ?? []), ...(flags.nulls ?? [])])];
  return {
    ...(Object.keys(types).length ? { types } : {}),
    ...(nulls.length ? { nulls } : {}),
    ...((flags.timestampFormat ?? file.timestampFormat) !== undefined ? { timestampFormat: flags.timestampFormat ?? file.timestampFormat } : {}),
    ...((flags.dateFormat ?? file.dateFormat) !== undefined ? { dateFormat: flags.dateFormat ?? file.dateFormat } : {}),
  };
}

/** The hints as reader options: each type checked and spelled for DuckDB, each format checked. */
export async function readOptionsOf(engine: Engine, hints: ColumnHints): Promise<Pick<ReadOptions, 'types' | 'timestampFormat' | 'dateFormat' | 'nulls'>> {
  const types: Record<string, string> = {};
  for (const [name, text] of Object.entries(hints.types ?? {})) {
    let type;
    try {
      type = await parseTypeText(engine, text, name);
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      throw new InvalidInput(`load: --types ${name}=${text}: ${JSON.stringify(text)} is not a type; ${TYPE_ADVICE}`);
    }
    if (typeof type !== 'string') throw new InvalidInput(`load: --types ${name}=${text}: a CSV value cannot be a ${type.type}; ${TYPE_ADVICE}`);
    types[name] = primitiveToDuckdb(type);
  }
  for (const [flag, format] of [['--timestamp-format', hints.timestampFormat], ['--date-format', hints.dateFormat]] as const) {
    if (format !== undefined) await checkFormat(engine, flag, format);
  }
  return {
    ...(Object.keys(types).length ? { types } : {}),
    ...(hints.timestampFormat !== undefined ? { timestampFormat: hints.timestampFormat } : {}),
    ...(hints.dateFormat !== undefined ? { dateFormat: hints.dateFormat } : {}),
    ...(hints.nulls?.length ? { nulls: hints.nulls } : {}),
  };
}

async function checkFormat(engine: Engine, flag: string, format: string): Promise<void> {
  if (!format.includes('%')) {
    throw new InvalidInput(`load: ${flag} ${JSON.stringify(format)} has no %-directive; write it as strptime does, e.g. "%d/%m/%Y %H:%M"`);
  }
  try {
    await engine.all(`SELECT try_strptime('', ${quoteLiteral(format)})`);
  } catch (e) {
    const reason = ((e as Error).message.split('\n')[0] ?? '').replace(/^[A-Za-z ]+Error: /, '').trim();
    throw new InvalidInput(`load: ${flag} ${JSON.stringify(format)} is not a strptime format (${reason}); e.g. "%d/%m/%Y %H:%M"`);
  }
}

function splitOutsideParens(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth += 1;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
