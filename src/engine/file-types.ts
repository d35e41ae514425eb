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
