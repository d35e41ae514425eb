/** `silt pii scan TABLE`: the PII scan silver contracts use, over a sample of any table's rows. */
import { parseTableName } from '../catalog/index.js';
import { OWNER, quoteIdent, quoteQualified, SqlSession } from '../engine/index.js';
import type { Project } from '../project/index.js';
import { PII_MIN_RATIO, profilePii, type PiiColumnProfile, type PiiKind } from '../transform/index.js';

export interface PiiScan {
  table: string;
  /** Rows in the sample (at most the size asked for). */
  sampleRows: number;
  /** Each text or whole-number column, with `detected` when it holds PII. */
  columns: (PiiColumnProfile & { detected?: PiiKind })[];
}

const RELATION = '__silt_pii_sample';

export async function scanTablePii(project: Project, text: string, sample: number): Promise<PiiScan> {
  const { namespace, name } = parseTableName(text);
  await project.catalog.loadTable(namespace, name);
  const engine = await project.openEngine();
  try {
    const session = new SqlSession(engine, project.catalog, { policy: project.accessPolicy, principal: OWNER });
    const { stats } = await session.materialize(`SELECT * FROM ${quoteQualified(namespace, name)} USING SAMPLE reservoir(${sample} ROWS) REPEATABLE (42)`, RELATION);
    return {
      table: `${namespace}.${name}`,
      sampleRows: stats.rows,
      columns: (await profilePii(engine, quoteIdent(RELATION), sample)).map((c) => ({
        ...c,
        ...(c.kind !== undefined && c.matchRatio >= PII_MIN_RATIO ? { detected: c.kind } : {}),
      })),
    };
  } finally {
    engine.close();
  }
}
