import { BATCH_ID, INGESTED_AT, landingPrefix, SOURCE_FILE, SOURCE_LINE, type SourceConfig } from '../ingest/index.js';
import type { ColumnLineage, TableLineage } from './lineage-types.js';

/** A column as a table's current schema has it. */
export interface KnownColumn {
  name: string;
  type: string;
}

/** What ingest adds to every bronze row, and from what. */
const METADATA: Record<string, { type: string; how: string }> = {
  [INGESTED_AT]: { type: 'timestamptz', how: 'ingestion metadata: when the file was ingested' },
  [SOURCE_FILE]: { type: 'string', how: "ingestion metadata: the landed file's key" },
  [SOURCE_LINE]: { type: 'long', how: 'ingestion metadata: the line (record) in the file' },
  [BATCH_ID]: { type: 'string', how: 'ingestion metadata: the run that ingested it' },
};

export function isIngestMetadata(column: string): boolean {
  return column.toLowerCase() in METADATA;
}

/**
 * A source's landing prefix and its bronze table. Bronze columns are the landed files' columns as
 * they were, plus ingestion metadata. Known from the bronze table's schema once it exists; before
 * the first ingest, from the columns its silver contracts read (`wanted`), with a warning.
 */
export function bronzeLineage(name: string, source: SourceConfig, table: string, known: KnownColumn[] | undefined, wanted: readonly string[]): TableLineage[] {
  const landing = landingPrefix(name, source);
  const fileColumns = known
    ? known.filter((c) => !isIngestMetadata(c.name))
    : [...new Set(wanted.map((w) => w.split('.')[0]!))].filter((c) => !isIngestMetadata(c)).map((c) => ({ name: c, type: undefined }));
  const warnings = known ? [] : [`${table} has not been ingested yet: its columns are those its silver contracts read`];
  const columns: ColumnLineage[] = [
    ...fileColumns.map((c): ColumnLineage => ({ name: c.name, ...(c.type ? { type: c.type } : {}), inputs: [{ table: landing, column: c.name }], kind: 'direct' })),
    ...Object.entries(METADATA).map(([column, m]): ColumnLineage => ({ name: column, type: m.type, inputs: [], kind: 'transformation', how: [m.how] })),
  ];
  return [
    { table: landing, layer: 'landing', inputs: [], columns: fileColumns.map((c) => ({ name: c.name, inputs: [], kind: 'direct' })), rowInputs: [], warnings: [] },
    { table, layer: 'bronze', step: `ingest.${name}`, inputs: [landing], columns, rowInputs: [], warnings },
  ];
}
