import { parseTableName } from '../catalog/index.js';
import { InvalidInput, NotFound } from '../errors.js';
import { ALLOW_ALL, currentScan, PIPELINE, quoteIdent, quoteLiteral, scanSql, SqlSession, type ReadAccess } from '../engine/index.js';
import type { Project } from '../project/index.js';
import { childTable } from '../transform/index.js';
import { currentSchema } from '../table/index.js';
import { applyContract } from './apply-contract.js';
import { pipelineConfig } from './config.js';
import { rulePredicate } from './quarantine-tables.js';
import type { StepOutcome } from './context.js';
import { BATCH_COLUMN } from './silver-step.js';
import { newRunId } from './run-id.js';

/**
 * Runs quarantined rows through the (fixed) contract again. The rows are read back from the
 * source table by `_source_file` and `_source_line` (the quarantine holds PII masked, the source
 * the raw values); rows that now pass are merged into silver, the rest replace their old
 * quarantine entries. Recorded as a run of its own.
 */
export async function replayQuarantine(project: Project, name: string, opts: { rule?: string } = {}): Promise<StepOutcome & { runId: string }> {
  const config = pipelineConfig(project.config);
  const contract = config.silver[name];
  const child = contract ? undefined : childTable(config.silver, name);
  if (child) {
    const t = (n: string) => project.config.layers.table('silver', n);
    throw new InvalidInput(
      `quarantine: ${t(child.spec.into)} holds list elements exploded by ${t(child.parent)}, which are read again only with their parent row; fix silt.yaml and run \`silt run --full-refresh ${t(child.parent)}\``,
    );
  }
  if (!contract) throw new NotFound(`quarantine: no silver contract ${name} in silt.yaml (contracts: ${Object.keys(config.silver).join(', ') || 'none'})`);
  const { catalog, store } = project;
  const silver = project.config.layers.silver;
  const id = `${silver}.${name}`;
  if (!(await catalog.tableExists(silver, `${name}_quarantine`))) throw new NotFound(`quarantine: ${id} has no quarantine yet`);
  const src = parseTableName(contract.source);
  const source = await catalog.loadTable(src.namespace, src.name);
  const sourceCols = currentSchema(source.metadata).fields.map((f) => f.name);
  if (!sourceCols.includes('_source_file') || !sourceCols.includes('_source_line')) {
    throw new InvalidInput(`quarantine: ${contract.source} has no _source_file/_source_line columns, so its quarantined rows cannot be found again`);
  }
  const runId = newRunId();
  const engine = await project.openEngine();
  try {
    const access: ReadAccess = { principal: PIPELINE, policy: ALLOW_ALL };
    const session = new SqlSession(engine, catalog, { principal: access.principal, policy: access.policy });
    const held = '__replay_held';
    const ruleFilter = opts.rule ? ` WHERE ${rulePredicate(opts.rule)}` : '';
    await session.materialize(`SELECT DISTINCT _source_file, _source_line FROM ${quoteIdent(silver)}.${quoteIdent(`${name}_quarantine`)}${ruleFilter}`, held);
    if (opts.rule && (await engine.allJson<{ n: number }>(`SELECT 1 AS n FROM ${held} LIMIT 1`)).length === 0) {
      const rules = await session.execute(`SELECT DISTINCT rule || coalesce('(' || "column" || ')', '') FROM ${quoteIdent(silver)}.${quoteIdent(`${name}_quarantine`)} ORDER BY 1`);
      throw new NotFound(`quarantine: ${id} holds no rows for rule ${opts.rule}; rules held: ${rules.rows.map((r) => String(r[0])).join(', ') || 'none'}`);
    }
    const view = '__replay_src';
    const all = await scanSql(currentScan(source.metadata, source.name, (await source.planFiles()).files), store, { access });
    await engine.run(
      `CREATE OR REPLACE TEMP VIEW ${view} AS SELECT s.* FROM (${all}) s SEMI JOIN ${held} h ON s._source_file = h._source_file AND s._source_line IS NOT DISTINCT FROM h._source_line`,
    );
    await catalog.runLog.start({ runId, trigger: 'manual', selector: `quarantine replay ${name}` });
    try {
      const outcome = await applyContract(
        { catalog, store, engine, session, access, runId, layers: project.config.layers, trigger: 'manual', secret: project.secret(), progress: () => undefined },
        name,
        contract,
        {
          source: view,
          replacesQuarantine: `(t._source_file, t._source_line) IN (SELECT (_source_file, _source_line) FROM ${held})${opts.rule ? ` AND ${rulePredicate(opts.rule, 't')}` : ''}`,
          quarantineExtra: { [BATCH_COLUMN]: quoteLiteral(`replay@${runId}`) },
          summary: { 'silt.replay': 'true' },
        },
      );
      await catalog.runLog.recordStep({
        runId, step: id, kind: 'silver', status: 'succeeded', startedMs: null, finishedMs: Date.now(),
        rowsIn: outcome.rowsIn, rowsWritten: outcome.rowsWritten, rowsQuarantined: outcome.rowsQuarantined,
        rowsDeduplicated: outcome.rowsDeduplicated, bytesWritten: outcome.bytesWritten, snapshotId: outcome.snapshotId ?? null,
        details: JSON.stringify(outcome.details), error: null,
      });
      await catalog.runLog.finish(runId, 'succeeded');
      return { ...outcome, runId };
    } catch (e) {
      await catalog.runLog.finish(runId, 'failed', e instanceof Error ? e.message : String(e));
      throw e;
    }
  } finally {
    await engine.run(`DROP VIEW IF EXISTS __replay_src`).catch(() => undefined);
    engine.close();
  }
}
