import type { Catalog } from '../catalog/index.js';
import { encryptionArg, quoteIdent, quoteList, quoteLiteral, writeDataFiles, type Engine, type Reject } from '../engine/index.js';
import { buildSchema, currentSchema, type DataFile, type NewField, type Snapshot, type Table, type TableMetadata } from '../table/index.js';
import { rowsAsJsonSql, type BronzeFileRead } from './bronze-read.js';

/** The rejects table of a source: every record that did not make it into bronze, and why. */
export const REJECT_FIELDS: readonly NewField[] = [
  { name: 'file', type: 'string' },
  { name: 'line', type: 'long' },
  { name: 'raw', type: 'string' },
  { name: 'error', type: 'string' },
  { name: 'fingerprint', type: 'string' },
  { name: 'batch_id', type: 'string' },
  { name: 'rejected_at', type: 'timestamptz' },
];

/** Rows of a file whose values do not fit bronze: `where` and `error` are SQL over its relation. */
export interface RowMisfits {
  where: string;
  error: string;
  count: number;
}

const COLUMNS = REJECT_FIELDS.map((f) => quoteIdent(f.name)).join(', ');
const INSERT_BATCH = 10_000;
let stages = 0;

export async function openRejectsTable(catalog: Catalog, namespace: string, name: string): Promise<Table> {
  const { schema, lastColumnId } = buildSchema([...REJECT_FIELDS]);
  return catalog.createTable(namespace, name, { schema, lastColumnId }, { ifNotExists: true });
}

/** A batch's rejects gathered in a DuckDB temp table before they are committed. */
export class RejectStage {
  readonly relation = `silt_bronze_rejects_${process.pid}_${++stages}`;
  count = 0;

  private constructor(
    private readonly engine: Engine,
    private readonly constants: string,
  ) {}

  static async open(engine: Engine, batchId: string, rejectedAtIso: string): Promise<RejectStage> {
    const constants = `${quoteLiteral(batchId)}, TIMESTAMPTZ ${quoteLiteral(rejectedAtIso)}`;
    const stage = new RejectStage(engine, constants);
    await engine.run(
      `CREATE TEMP TABLE ${quoteIdent(stage.relation)} (file VARCHAR, line BIGINT, raw VARCHAR, error VARCHAR, ` +
        `fingerprint VARCHAR, batch_id VARCHAR, rejected_at TIMESTAMPTZ)`,
    );
    return stage;
  }

  /** Records the reader set aside, passed as one JSON parameter per batch (binding each value costs more). */
  async addRejects(rejects: readonly Reject[], fingerprint: string): Promise<void> {
    const shape = quoteLiteral(JSON.stringify([{ file: 'VARCHAR', line: 'BIGINT', raw: 'VARCHAR', error: 'VARCHAR' }]));
    for (let i = 0; i < rejects.length; i += INSERT_BATCH) {
      const batch = rejects.slice(i, i + INSERT_BATCH).map((r) => ({ file: r.file, line: r.line, raw: r.raw, error: r.error }));
      await this.engine.run(
        `INSERT INTO ${quoteIdent(this.relation)} (${COLUMNS}) SELECT r.file, r.line, r.raw, r.error, ${quoteLiteral(fingerprint)}, ${this.constants}
         FROM (SELECT unnest(from_json(?::VARCHAR, ${shape})) AS r)`,
        [JSON.stringify(batch)],
      );
    }
    this.count += rejects.length;
  }

  /**
   * Good rows of a file, as JSON text, that cannot go to bronze: all of them with the reason
   * `reason`, or (given misfits) those where `where` holds, each with the reason `error` (SQL) gives.
   */
  async addRows(read: BronzeFileRead, reason: string | RowMisfits): Promise<void> {
    if (!read.relation || read.rows === 0) return;
    const only = typeof reason === 'string' ? undefined : reason;
    const rows = only ? `SELECT * FROM ${quoteIdent(read.relation)} WHERE ${only.where}` : undefined;
    await this.engine.run(
      `INSERT INTO ${quoteIdent(this.relation)} (${COLUMNS}) SELECT ${quoteLiteral(read.file.key)}, line, raw, ` +
        `${only ? 'error' : quoteLiteral(reason as string)}, ${quoteLiteral(read.file.fingerprint)}, ${this.constants} ` +
        `FROM (${rowsAsJsonSql(read, rows, only?.error)}) ORDER BY line`,
    );
    this.count += only ? only.count : read.rows;
  }

  /** The stage's rows, in the rejects table's columns. */
  selectSql(): string {
    return `SELECT ${COLUMNS} FROM ${quoteIdent(this.relation)}`;
  }

  async drop(): Promise<void> {
    await this.engine.run(`DROP TABLE IF EXISTS ${quoteIdent(this.relation)}`);
  }
}

/**
 * Commits a batch's rejects, replacing any rejects already recorded for the same fingerprints
 * (left by an earlier attempt whose bronze commit never happened), so a rerun never doubles them.
 * The new rejects are a stage to write (`relation`) or files already written (`files`, an ingest
 * task's). Nothing is committed when there is nothing to add or replace.
 */
export async function replaceRejects(
  catalog: Catalog,
  engine: Engine,
  table: Table,
  fingerprints: readonly string[],
  summary: Record<string, string>,
  fresh: { relation: string; count: number } | { files: DataFile[] },
): Promise<{ snapshot?: Snapshot; bytesWritten: number }> {
  const store = catalog.store;
  const isOurs = `list_contains(${quoteList(fingerprints)}, fingerprint)`;
  let bytesWritten = 0;
  const snapshot = await table.rewrite(
    'overwrite',
    async (base, live) => {
      const located = await store.engineFiles(live.map((e) => store.keyOf(e.dataFile.filePath)));
      const paths = new Map(live.map((e, i) => [located[i]!, e.dataFile.filePath]));
      let affected: string[] = [];
      const encryption = await encryptionArg(base.properties, table.name);
      if (paths.size > 0 && fingerprints.length > 0) {
        const hits = await engine.all<{ filename: string }>(
          `SELECT DISTINCT filename FROM read_parquet(${quoteList([...paths.keys()])}, filename = true${encryption}) WHERE ${isOurs}`,
        );
        affected = hits.map((h) => h.filename);
      }
      const staged = 'files' in fresh ? fresh.files : [];
      if (affected.length === 0 && ('files' in fresh ? staged.length === 0 : fresh.count === 0)) return { remove: [], add: [] };
      const selects = [
        ...(affected.length > 0 ? [`SELECT ${COLUMNS} FROM read_parquet(${quoteList(affected)}${encryption}) WHERE NOT ${isOurs}`] : []),
        ...('relation' in fresh ? [`SELECT ${COLUMNS} FROM ${quoteIdent(fresh.relation)}`] : []),
      ];
      const written = selects.length > 0 ? await writeRejectFiles(catalog, engine, base, selects.join(' UNION ALL ')) : [];
      bytesWritten = written.reduce((n, f) => n + f.fileSizeInBytes, 0);
      return { remove: affected.map((p) => paths.get(p) ?? p), add: [...written, ...staged] };
    },
    { summary },
  );
  return { snapshot, bytesWritten };
}

/** Writes rejects rows (SQL with the rejects table's columns) as data files of the table, not committed. */
export function writeRejectFiles(catalog: Catalog, engine: Engine, base: TableMetadata, selectSql: string): Promise<DataFile[]> {
  return writeDataFiles(engine, {
    selectSql,
    schema: currentSchema(base),
    spec: base['partition-specs'].find((s) => s['spec-id'] === base['default-spec-id'])!,
    store: catalog.store,
    tableLocation: base.location,
    tableProperties: base.properties,
  });
}
