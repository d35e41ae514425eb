import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { InvalidInput } from '../errors.js';
import { type Cell, type Engine, quoteIdent, quoteLiteral, type ResultColumn } from '../engine/index.js';

export type DownloadFormat = 'csv' | 'parquet' | 'json';

export const DOWNLOAD_TYPES: Readonly<Record<DownloadFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  json: 'application/x-ndjson',
};

/**
 * Types DuckDB cannot read back from their JSON form (an interval or a map is an object there, a
 * blob escaped text): they are written as that JSON text.
 */
const AS_TEXT = /\b(INTERVAL|MAP|BLOB|BIT|UNION|VARINT)\b/;

/**
 * Writes a kept result to a file in `format` with DuckDB, as `silt query --output` would: the rows'
 * JSON is read back with the result's own column types, so the file holds the same values (numbers,
 * dates, timestamps, decimals, lists and structs keep their types). Returns the file; the caller
 * removes it.
 */
export async function writeDownload(engine: Engine, dir: string, columns: readonly ResultColumn[], rows: AsyncIterable<Cell[][]>, format: DownloadFormat): Promise<string> {
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, `download-${randomUUID()}`);
  const input = `${base}-rows.ndjson`;
  const output = `${base}.${format === 'json' ? 'ndjson' : format}`;
  try {
    const sink = createWriteStream(input);
    for await (const batch of rows) {
      const text = batch.map((r) => JSON.stringify(Object.fromEntries(r.map((v, i) => [`c${i}`, v])))).join('\n');
      if (text && !sink.write(text + '\n')) await new Promise((r) => sink.once('drain', r));
    }
    sink.end();
    await finished(sink);
    const types = columns.map((c, i) => `${quoteLiteral(`c${i}`)}: ${quoteLiteral(AS_TEXT.test(c.type) ? 'JSON' : c.type)}`);
    const select = columns.map((c, i) => `${AS_TEXT.test(c.type) ? `CAST(c${i} AS VARCHAR)` : `c${i}`} AS ${quoteIdent(c.name)}`);
    const options = format === 'csv' ? 'FORMAT csv, HEADER true' : format === 'json' ? 'FORMAT json' : 'FORMAT parquet, COMPRESSION zstd';
    const read = columns.length
      ? `SELECT ${select.join(', ')} FROM read_json(${quoteLiteral(input)}, format = 'newline_delimited', columns = {${types.join(', ')}})`
      : 'SELECT 1 WHERE false';
    await engine.run(`COPY (${read}) TO ${quoteLiteral(output)} (${options})`).catch((e: unknown) => {
      // e.g. two columns of one name, which a JSON object cannot hold
      throw new InvalidInput(`query: the result cannot be written as ${format}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { code: 'download_failed' });
    });
    return output;
  } catch (e) {
    await rm(output, { force: true });
    throw e;
  } finally {
    await rm(input, { force: true });
  }
}
