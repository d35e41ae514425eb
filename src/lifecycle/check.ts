import type { Catalog, TableIdent } from '../catalog/index.js';
import { NotFound } from '../errors.js';
import { checkTableFiles, repairAdvice, type TableCheckResult } from '../table/index.js';

export interface CheckOptions {
  tables?: TableIdent[];
  allSnapshots?: boolean;
  /** Running totals over every table checked so far. */
  onProgress?: (done: { files: number; bytes: number }) => void;
}

export interface TableCheck extends TableCheckResult {
  table: string;
  /** One line per problem: what is wrong with which file, and what to do. */
  messages: string[];
}

export interface CheckResult {
  tables: TableCheck[];
  damaged: boolean;
}

/**
 * Scrubs tables: their metadata and manifests must parse, and every data file they reference
 * must be present at its recorded size with its recorded checksum. Reports, never repairs.
 */
export async function checkTables(catalog: Catalog, opts: CheckOptions = {}): Promise<CheckResult> {
  const idents = opts.tables ?? (await catalog.listTables());
  const tables: TableCheck[] = [];
  const total = { files: 0, bytes: 0 };
  for (const ident of idents) {
    const name = `${ident.namespace}.${ident.name}`;
    let found: TableCheckResult;
    try {
      const table = await catalog.loadTable(ident.namespace, ident.name);
      const before = { ...total };
      found = await checkTableFiles(catalog.store, `${ident.namespace}.${ident.name}`, table.metadata, {
        allSnapshots: opts.allSnapshots,
        onProgress: (d) => {
          total.files = before.files + d.files;
          total.bytes = before.bytes + d.bytes;
          opts.onProgress?.(total);
        },
      });
    } catch (e) {
      // A table the user named that does not exist is their mistake, not damage.
      if (e instanceof NotFound && opts.tables && !(await catalog.tableExists(ident.namespace, ident.name))) throw e;
      const message = `${name}: its metadata cannot be read: ${e instanceof Error ? e.message : String(e)}; restore the metadata file from a backup`;
      tables.push({ table: name, snapshots: 0, manifests: 0, files: 0, bytes: 0, checksumsMatched: 0, checksumsUnrecorded: 0, problems: [], messages: [message] });
      continue;
    }
    const messages = found.problems.map((p) => `${name}: ${p.message}; ${repairAdvice(name)}`);
    tables.push({ ...found, table: name, messages });
  }
  return { tables, damaged: tables.some((t) => t.messages.length > 0) };
}
