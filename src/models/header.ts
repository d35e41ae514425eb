/**
 * Reads a model file: `-- silt: key = value, expect rule(args), …` lines before the SQL configure
 * the model; the rest is its SELECT.
 */
import { didYouMean } from '../config/index.js';
import { InvalidInput } from '../errors.js';
import { parseExpectation } from './expectation-parse.js';
import { columnList, splitTopLevel, unquote } from './header-text.js';
import type { Expectation, ModelConfig } from './model.js';

const KEYS = ['materialized', 'partition_by', 'unique_key', 'incremental_by', 'engine', 'dialect'] as const;
type Key = (typeof KEYS)[number];
const HEADER = /^\s*--\s*silt\s*:(.*)$/i;

export interface ModelFile {
  config: ModelConfig;
  sql: string;
}

/** `file` is the path used in messages (`models/daily_sales.sql`). */
export function parseModelFile(file: string, text: string): ModelFile {
  // A NUL or an invalid UTF-8 sequence (read as U+FFFD) means a binary file; DuckDB's parser would stop at the NUL.
  if (/[\u0000\ufffd]/.test(text)) {
    throw new InvalidInput(`models: ${file}: the file is not UTF-8 text (it holds binary bytes); save the model as a UTF-8 .sql file`);
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const values = new Map<Key, { value: string; where: string }>();
  const expectations: Expectation[] = [];
  const body: string[] = [];
  let inHeader = true;
  lines.forEach((line, i) => {
    const where = `models: ${file} line ${i + 1}`;
    const header = HEADER.exec(line);
    if (!header) {
      if (inHeader && line.trim() !== '' && !line.trim().startsWith('--')) inHeader = false;
      body.push(line);
      return;
    }
    if (!inHeader) throw new InvalidInput(`${where}: -- silt: lines belong at the top of the file, before the SQL`);
    const items = splitTopLevel(header[1]!);
    if (!items) throw new InvalidInput(`${where}: unbalanced quotes or parentheses in "${header[1]!.trim()}"`);
    for (const item of items.filter((x) => x.length > 0)) {
      const expect = /^expect\s+([\s\S]*)$/i.exec(item);
      if (expect) {
        expectations.push(parseExpectation(expect[1]!, where));
        continue;
      }
      const kv = /^(\w+)\s*=\s*([\s\S]+)$/.exec(item);
      if (!kv) throw new InvalidInput(`${where}: cannot read "${item}": write key = value or expect rule(args)`);
      const key = kv[1]!.toLowerCase();
      const known = KEYS.find((k) => k === key);
      if (!known) {
        const hint = didYouMean(key, [...KEYS, 'expect']);
        throw new InvalidInput(`${where}: unknown key ${key}${hint ? ` (did you mean ${hint}?)` : ''}; keys: ${KEYS.join(', ')}, expect`);
      }
      if (values.has(known)) throw new InvalidInput(`${where}: ${known} is set twice (first at ${values.get(known)!.where.replace(/^.* line /, 'line ')})`);
      values.set(known, { value: kv[2]!.trim(), where });
    }
  });
  let sql = body.join('\n').trim();
  if (sql.endsWith(';')) sql = sql.slice(0, -1).trimEnd();
  if (sql.split('\n').every((line) => /^\s*(--.*)?$/.test(line))) throw new InvalidInput(`models: ${file}: the file has no SELECT`);
  return { config: buildConfig(values, expectations, file), sql };
}

function buildConfig(values: Map<Key, { value: string; where: string }>, expectations: Expectation[], file: string): ModelConfig {
  const config: ModelConfig = { materialized: 'table', expectations };
  const materialized = values.get('materialized');
  if (materialized) {
    const m = unquote(materialized.value).text.toLowerCase();
    if (m !== 'table' && m !== 'incremental') {
      throw new InvalidInput(`${materialized.where}: materialized = ${m}: use table or incremental`);
    }
    config.materialized = m;
  }
  for (const key of ['engine', 'dialect'] as const) {
    const v = values.get(key);
    if (!v) continue;
    const e = unquote(v.value).text.toLowerCase();
    if (e !== 'duckdb' && e !== 'trino') throw new InvalidInput(`${v.where}: ${key} = ${e}: use duckdb or trino`);
    config[key] = e;
  }
  const partition = values.get('partition_by');
  if (partition) config.partitionBy = unquote(partition.value).text;
  for (const key of ['unique_key', 'incremental_by'] as const) {
    const v = values.get(key);
    if (!v) continue;
    const columns = columnList(v.value);
    if (!columns || columns.some((c) => !c)) {
      throw new InvalidInput(`${v.where}: ${key} = ${v.value}: write a column, or columns as (a, b)`);
    }
    if (key === 'unique_key') config.uniqueKey = columns;
    else config.incrementalBy = columns;
  }
  const incrementalBy = values.get('incremental_by');
  if (incrementalBy && config.materialized !== 'incremental') {
    throw new InvalidInput(`${incrementalBy.where}: incremental_by needs materialized = incremental`);
  }
  if (config.materialized === 'incremental' && !config.uniqueKey && !config.incrementalBy) {
    throw new InvalidInput(`models: ${file}: materialized = incremental needs incremental_by or unique_key: the columns whose touched values a run recomputes`);
  }
  return config;
}
