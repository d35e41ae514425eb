import { quoteLiteral } from '../engine/index.js';
import type { IcebergType, NewField, Schema } from '../table/index.js';
import type { BronzeFileRead, NewLandingFile } from './bronze-read.js';
import { landingPrefix, type SourceConfig } from './source-config.js';

/** Hive's name for a NULL partition value. */
const HIVE_NULL = '__HIVE_DEFAULT_PARTITION__';
const KEY = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const INTEGER = /^-?\d{1,18}$/;

/** One `key=value` folder of a landing path under its source's folder. */
interface FolderValue {
  key: string;
  /** Decoded (`%20` is a space); null for Hive's NULL folder. */
  value: string | null;
  folder: string;
}

/** The `key=value` folders of a landing file's path under the source's folder, outermost first. */
export function folderValues(name: string, source: SourceConfig, key: string): FolderValue[] {
  const folders = key.slice(landingPrefix(name, source).length).split('/').slice(0, -1);
  return folders.flatMap((folder) => {
    const m = KEY.exec(folder);
    if (!m) return [];
    let value: string | null = m[2]!;
    try {
      value = decodeURIComponent(value);
    } catch {
      // A lone % is kept as written.
    }
    return [{ key: m[1]!, value: value === HIVE_NULL ? null : value, folder }];
  });
}

/**
 * The type each folder key of a batch's files takes in bronze: the table's, when it has the
 * column; else `long` when every value in the batch is an integer (`month=01` is 1), else `string`.
 * Keys are matched without regard to case, as bronze matches column names.
 */
export function folderTypes(name: string, source: SourceConfig, files: readonly NewLandingFile[], table: Schema | undefined): Map<string, 'long' | 'string'> {
  const values = new Map<string, (string | null)[]>();
  for (const f of files) {
    for (const v of folderValues(name, source, f.key)) {
      const k = v.key.toLowerCase();
      const seen = values.get(k);
      if (seen) seen.push(v.value);
      else values.set(k, [v.value]);
    }
  }
  const out = new Map<string, 'long' | 'string'>();
  for (const [k, vs] of values) {
    const has = table?.fields.find((f) => f.name.toLowerCase() === k)?.type;
    if (has !== undefined) out.set(k, isInteger(has) ? 'long' : 'string');
    else out.set(k, vs.every((v) => v === null || INTEGER.test(v)) ? 'long' : 'string');
  }
  return out;
}

function isInteger(t: IcebergType): boolean {
  return t === 'long' || t === 'int';
}

/**
 * Adds the file's folder values to its read as constant columns. A folder key the file also has as
 * a column, or a key twice in the path, sets the file aside (its rows go to rejects with the
 * reason): which value bronze should keep is the user's call, so neither is taken silently.
 */
export function addFolderColumns(read: BronzeFileRead, name: string, source: SourceConfig, types: ReadonlyMap<string, 'long' | 'string'>): void {
  if (source.hive_columns === false || read.unloadable !== undefined || !read.relation) return;
  const folders = folderValues(name, source, read.file.key);
  const seen = new Map<string, FolderValue>();
  for (const f of folders) {
    const k = f.key.toLowerCase();
    const twice = seen.get(k);
    if (twice) {
      read.unloadable = `folders ${twice.folder} and ${f.folder} of its path both give ${f.key}; keep one of them, or set hive_columns: false on sources.${name}`;
      return;
    }
    seen.set(k, f);
    const own = read.columns.find((c) => c.name.toLowerCase() === k);
    if (own) {
      read.unloadable = `the file has a column ${own.source} and its folder ${f.folder} gives a column ${f.key} too; rename the column or the folder, or set hive_columns: false on sources.${name} to keep the file's column only`;
      return;
    }
  }
  const added: NewField[] = [];
  for (const f of folders) {
    const type = types.get(f.key.toLowerCase()) ?? 'string';
    const sql = f.value === null ? `CAST(NULL AS ${type === 'long' ? 'BIGINT' : 'VARCHAR'})` : type === 'long' && INTEGER.test(f.value) ? `CAST(${quoteLiteral(f.value)} AS BIGINT)` : quoteLiteral(f.value);
    read.columns.push({ source: f.key, name: f.key, sql });
    // A text value under a key bronze holds as integers is a type conflict, as any file's would be.
    added.push({ name: f.key, type: f.value !== null && !INTEGER.test(f.value) ? 'string' : type });
  }
  read.fields.push(...added);
}
