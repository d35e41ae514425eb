/**
 * How a table's data files are compressed: Iceberg's write properties, read in the one place every
 * writer (load, INSERT, the pipeline, compaction) goes through (parquet-writer.ts).
 */
import { InvalidInput } from '../../errors.js';

export const COMPRESSION_CODEC_PROPERTY = 'write.parquet.compression-codec';
export const COMPRESSION_LEVEL_PROPERTY = 'write.parquet.compression-level';

/** Iceberg's codec names, as DuckDB's COPY calls them. */
const CODECS: Readonly<Record<string, string>> = {
  zstd: 'zstd',
  snappy: 'snappy',
  gzip: 'gzip',
  lz4: 'lz4_raw',
  brotli: 'brotli',
  uncompressed: 'uncompressed',
};

/**
 * zstd at level 1, unless the table says otherwise. Measured on TPC-H SF 0.1 (bench/CONTEXT.md,
 * `peer/tpch_codecs.py`): its files are 26% smaller than snappy's for 6% more write time, and a
 * full scan of them takes the same time; level 3 saves 2% more bytes for 29% more write time;
 * row groups of 1M rows instead of DuckDB's 122,880 were slower to write and to read.
 */
export const DEFAULT_CODEC = 'zstd';
export const DEFAULT_ZSTD_LEVEL = 1;

/** The COPY options that compress a table's files as its properties say; an unknown codec or level is refused naming the property. */
export function compressionOptions(properties: Readonly<Record<string, string>>, table: string): string[] {
  const named = (properties[COMPRESSION_CODEC_PROPERTY] ?? DEFAULT_CODEC).trim().toLowerCase();
  const codec = CODECS[named];
  if (codec === undefined) {
    throw new InvalidInput(
      `write ${table}: table property ${COMPRESSION_CODEC_PROPERTY} is ${JSON.stringify(properties[COMPRESSION_CODEC_PROPERTY])}; ` +
        `set it to one of ${Object.keys(CODECS).join(', ')}`,
    );
  }
  const levelText = properties[COMPRESSION_LEVEL_PROPERTY];
  // DuckDB takes a level for zstd only; Iceberg ignores it for codecs without levels too.
  if (codec !== 'zstd') return [`COMPRESSION ${codec}`];
  if (levelText === undefined) return [`COMPRESSION zstd`, `COMPRESSION_LEVEL ${DEFAULT_ZSTD_LEVEL}`];
  const level = Number(levelText);
  if (!/^-?\d+$/.test(levelText.trim()) || level < 1 || level > 22) {
    throw new InvalidInput(`write ${table}: table property ${COMPRESSION_LEVEL_PROPERTY} is ${JSON.stringify(levelText)}; zstd takes a whole level from 1 (fastest) to 22 (smallest)`);
  }
  return [`COMPRESSION zstd`, `COMPRESSION_LEVEL ${level}`];
}
