import { parseTableName, type Catalog } from '../catalog/index.js';
import { InvalidInput } from '../errors.js';
import { inferFields, quoteIdent, readFiles, writeDataFiles, type Engine, type FileFormat, type Reject } from '../engine/index.js';
import { buildSchema, currentSchema, mergeFields, parsePartitionSpec, type NewField, type Table } from '../table/index.js';

export interface LoadOptions {
  /** `namespace.table`. */
  into: string;
  /** Partition spec for a new table, e.g. "day(ts), bucket(16, id)". */
  partitionBy?: string;
  format?: FileFormat;
  delimiter?: string;
  /** How many bad lines may be set aside while the good rows load (default 0: any bad line fails the load). */
  maxRejects?: number;
  onProgress?: (p: { files: number; rows: number; bytes: number }) => void;
}

export interface LoadResult {
  table: string;
  created: boolean;
  rowsRead: number;
  rowsWritten: number;
  bytesRead: number;
  dataFiles: number;
  bytesWritten: number;
  addedColumns: string[];
  rejects: Reject[];
  warnings: string[];
  snapshotId?: bigint;
}

const SOURCE_COLUMNS = ['_source_file', '_source_line'];

/**
 * Loads files into a table in one commit: creates it with the inferred schema (and partitioning),
 * or appends, adding new columns by schema evolution. Bad lines fail the load with file, line and
 * reason, unless `maxRejects` allows setting them aside; either way every input row is counted.
 */
export async function loadFiles(catalog: Catalog, engine: Engine, paths: string[], opts: LoadOptions): Promise<LoadResult> {
  const { namespace, name } = parseTableName(opts.into);
  if (paths.length === 0) throw new InvalidInput('load: no input files given');
  const read = await readFiles(engine, paths, { format: opts.format, delimiter: opts.delimiter, onProgress: opts.onProgress });
  try {
    const allowed = opts.maxRejects ?? 0;
    if (read.rejects.length > allowed) throw tooManyRejects(read.rejects, allowed);
    const select = `SELECT * EXCLUDE (${SOURCE_COLUMNS.map(quoteIdent).join(', ')}) FROM ${quoteIdent(read.relation)}`;
    const incoming = await inferFields(engine, select);
    if (incoming.length === 0) throw new InvalidInput(`load: ${paths.join(', ')}: no columns found (empty input?)`);

    return await catalog.guardWrite(namespace, name, async () => {
      const existed = await catalog.tableExists(namespace, name);
      if (existed && opts.partitionBy) {
        throw new InvalidInput(`load: ${opts.into} exists already; --partition-by applies only when a load creates the table`);
      }
      const table = existed ? await catalog.loadTable(namespace, name) : await create(catalog, namespace, name, incoming, opts.partitionBy);
      try {
      const changes = mergeFields(opts.into, currentSchema(table.metadata), incoming);
      if (changes.length > 0) await table.evolveSchema(changes);
      const metadata = table.metadata;
      const spec = metadata['partition-specs'].find((s) => s['spec-id'] === metadata['default-spec-id'])!;
      const files = await writeDataFiles(engine, {
        selectSql: select,
        schema: currentSchema(metadata),
        spec,
        store: catalog.store,
        tableLocation: metadata.location,
      });
      const snapshot = files.length > 0 ? await table.append(files) : undefined;
      return {
        table: opts.into,
        created: !existed,
        rowsRead: read.rowsRead,
        rowsWritten: files.reduce((n, f) => n + f.recordCount, 0),
        bytesRead: read.bytesRead,
        dataFiles: files.length,
        bytesWritten: files.reduce((n, f) => n + f.fileSizeInBytes, 0),
        addedColumns: changes.filter((c) => c.kind === 'add').map((c) => (c.kind === 'add' ? c.name : '')),
        rejects: read.rejects,
        warnings: read.warnings,
        snapshotId: snapshot?.['snapshot-id'],
      };
      } catch (e) {
        // A load that created its table and then failed leaves no empty table behind.
        if (!existed && (await table.refresh())['current-snapshot-id'] === undefined) {
          await catalog.dropTable(namespace, name).catch(() => undefined);
        }
        throw e;
      }
    });
  } finally {
    await engine.run(`DROP TABLE IF EXISTS ${quoteIdent(read.relation)}`);
  }
}

async function create(catalog: Catalog, namespace: string, name: string, fields: NewField[], partitionBy?: string): Promise<Table> {
  const { schema, lastColumnId } = buildSchema(fields);
  const partitionFields = partitionBy ? parsePartitionSpec(partitionBy, schema) : [];
  return catalog.createTable(namespace, name, { schema, lastColumnId, partitionFields }, { ifNotExists: true });
}

function tooManyRejects(rejects: Reject[], allowed: number): InvalidInput {
  const first = rejects[0]!;
  const where = `${first.file}${first.line !== null ? ` line ${first.line}` : ''}${first.column ? ` column ${first.column}` : ''}`;
  const more = rejects.length > 1 ? ` (and ${rejects.length - 1} more bad line${rejects.length > 2 ? 's' : ''})` : '';
  const hint = allowed === 0 ? '; fix the input, or pass --max-rejects N to load the good rows and list the bad ones' : `; at most ${allowed} allowed`;
  return new InvalidInput(`load: ${where}: ${first.error}${more}; nothing was loaded${hint}`);
}
