export type { FileFormat } from './file-format.js';

export interface ReadOptions {
  /** Format of every input; by default each file's is detected (see detectFormat). */
  format?: import('./file-format.js').FileFormat;
  /** CSV field delimiter; by default `,` `;` `|` or tab, whichever splits the first lines consistently. */
  delimiter?: string;
  /** Whether CSV/TSV files start with a header line (default true). */
  header?: boolean;
  /** Rows DuckDB samples to infer CSV column types (DuckDB's default when unset; -1 = whole file). */
  sampleSize?: number;
  /** Read every CSV/TSV column as text (VARCHAR), with no type sniffing: the raw values, as bronze keeps them. */
  allVarchar?: boolean;
  /** JSON only: a JSON path (`$.data`) whose array holds the records of each document, e.g. an API page `{"data": [...]}`. */
  records?: string;
  /** CSV/TSV column types the user gave (DuckDB type names), by column name (any case); the rest are sniffed. */
  types?: Record<string, string>;
  /** strptime formats of CSV/TSV timestamp and date values (else DuckDB's sniffer guesses). */
  timestampFormat?: string;
  dateFormat?: string;
  /** CSV/TSV values read as NULL in every column (besides the empty value). */
  nulls?: string[];
}

/** An input record that did not load, and why. */
export interface Reject {
  file: string;
  /** Physical line where the record starts (record number in a JSON array); null when unknown. */
  line: number | null;
  column: string | null;
  /** The record's text as found in the file (may be cut for very long records). */
  raw: string | null;
  error: string;
}

export interface Column {
  name: string;
  duckdbType: string;
}

/** What one format reader hands back for one file. */
export interface FileRead {
  /** SQL yielding the good rows: the data columns plus `_source_line`; null when the file has no columns. */
  query: string | null;
  columns: Column[];
  rows: number;
  rejects: Reject[];
  warnings: string[];
  /** Temp tables backing `query`, dropped once its rows are copied. */
  tables: string[];
}

/**
 * One file read as a stream (no line numbers): its rows are read while a consumer (a COPY) runs
 * `query()`; what was set aside on the way is known only afterwards.
 */
export interface FileStream {
  columns: Column[];
  /** Grows while reading: a lenient re-read, or line numbers that could not be matched. */
  warnings: string[];
  /** SQL yielding the file's good rows (data columns only); null when the file has no columns. */
  query(): string | null;
  /**
   * After a consumer failed with `error`: true when the error was DuckDB's strict CSV parser giving
   * up on this file, which is then read leniently by the next `query()`.
   */
  readLeniently(error: unknown): Promise<boolean>;
  /** After `query()` was consumed once: the records set aside, with their physical lines. */
  rejects(): Promise<Reject[]>;
  close(): Promise<void>;
}
