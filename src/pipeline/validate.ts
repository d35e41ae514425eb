/**
 * `silt validate TABLE`: a table's declared expectations (its silver contract's, or its gold
 * model's header) run over the rows it holds now, without a run and without writing anything.
 */
import { parseTableName } from '../catalog/index.js';
import { OWNER, quoteIdent, quoteQualified, SqlSession, type Engine } from '../engine/index.js';
import { RunFailed } from '../errors.js';
import { checkModel, discoverModels, expectationSql, tableOf, type Bound, type Expectation as ModelRule } from '../models/index.js';
import type { Project } from '../project/index.js';
import { childTable, type SilverContract } from '../transform/index.js';
import { pipelineConfig } from './config.js';

export interface RuleOutcome {
  label: string;
  rule: string;
  column?: string;
  policy: 'warn' | 'drop' | 'fail';
  result: 'pass' | 'fail' | 'skipped';
  failing_rows: number;
  sample: string[];
  /** Why a rule was not checked. */
  note?: string;
}

export interface Validation {
  table: string;
  /** Where the rules are declared: `silt.yaml silver.orders`, `models/daily_sales.sql`. */
  declaredIn: string | undefined;
  snapshotId: string | undefined;
  rows: number;
  rules: RuleOutcome[];
}

const RELATION = '__silt_validate';

export async function validateTable(project: Project, text: string): Promise<Validation> {
  const { namespace, name } = parseTableName(text);
  const table = await project.catalog.loadTable(namespace, name);
  const id = `${namespace}.${name}`;
  const snapshotId = table.metadata['current-snapshot-id']?.toString();
  const engine = await project.openEngine();
  try {
    const session = new SqlSession(engine, project.catalog, { policy: project.accessPolicy, principal: OWNER });
    const { stats } = await session.materialize(`SELECT * FROM ${quoteQualified(namespace, name)}`, RELATION);
    const base = { table: id, snapshotId, rows: stats.rows };
    const config = pipelineConfig(project.config);
    const role = project.config.layers.roleOf(namespace);
    if (role === 'gold') {
      const model = (await discoverModels(engine, config.modelsDir, namespace)).find((m) => tableOf(m) === id);
      if (!model) return { ...base, declaredIn: undefined, rules: [] };
      const results = await checkModel(engine, model, quoteIdent(RELATION));
      return { ...base, declaredIn: model.file, rules: results.map((r) => ({ ...r, result: r.failing_rows > 0 ? 'fail' : 'pass' })) };
    }
    if (role !== 'silver') return { ...base, declaredIn: undefined, rules: [] };
    const contract = config.silver[name];
    if (contract) return { ...base, declaredIn: `silt.yaml silver.${name}`, rules: await checkContractRules(engine, session, contract) };
    const child = childTable(config.silver, name);
    if (!child) return { ...base, declaredIn: undefined, rules: [] };
    return { ...base, declaredIn: `silt.yaml silver.${child.parent} explode ${child.spec.into}`, rules: await checkContractRules(engine, session, child.contract) };
  } finally {
    await engine.run(`DROP TABLE IF EXISTS ${quoteIdent(RELATION)}`).catch(() => undefined);
    engine.close();
  }
}

/** A RunFailed naming each `fail` rule the rows broke, or undefined. */
export function validationFailure(v: Validation): RunFailed | undefined {
  const failed = v.rules.filter((r) => r.policy === 'fail' && r.result === 'fail');
  if (failed.length === 0) return undefined;
  const said = failed.map((r) => `${r.label} failed on ${r.failing_rows} row${r.failing_rows === 1 ? '' : 's'}`);
  return new RunFailed(`validate: ${v.table}: ${said.join('; ')} (policy fail); fix the rows or the rule in ${v.declaredIn ?? 'its declaration'}`, {
    details: { table: v.table },
  });
}

/**
 * A contract's rules over the stored (typed, masked) rows. A rule on a masked column other than
 * not_null is skipped: the stored value is the mask, and the rule was checked on the value itself
 * when the row was written.
 */
async function checkContractRules(engine: Engine, session: SqlSession, contract: SilverContract): Promise<RuleOutcome[]> {
  const out: RuleOutcome[] = [];
  for (const [i, x] of contract.expectations.entries()) {
    const column = x.rule === 'sql' ? undefined : x.column;
    const label = x.rule === 'sql' ? x.name : (x.name ?? `${x.rule}(${x.column})`);
    const head = { label, rule: x.rule, ...(column === undefined ? {} : { column }), policy: x.policy };
    const mask = column === undefined ? undefined : contract.columns[column]?.mask;
    if (mask !== undefined && x.rule !== 'not_null') {
      out.push({ ...head, result: 'skipped', failing_rows: 0, sample: [], note: `${column} is stored masked (${mask}); the rule held for the values written` });
      continue;
    }
    let rule: ModelRule;
    const policy = 'fail' as const;
    switch (x.rule) {
      case 'range':
        rule = { rule: 'range', column: x.column, min: x.min ?? null, max: x.max ?? null, policy, label };
        break;
      case 'allowed_values':
        rule = { rule: 'allowed_values', column: x.column, values: x.values.map((v): Bound => (typeof v === 'boolean' ? String(v) : v)), policy, label };
        break;
      case 'length': {
        const c = `length(${quoteIdent(x.column)})`;
        const parts = [x.min === undefined ? '' : `${c} >= ${x.min}`, x.max === undefined ? '' : `${c} <= ${x.max}`].filter(Boolean);
        rule = { rule: 'sql', predicate: parts.join(' AND ') || 'TRUE', policy, label };
        break;
      }
      case 'references': {
        const ref = `__silt_validate_ref${i}`;
        const [ns, t] = x.table.split('.') as [string, string];
        await session.materialize(`SELECT DISTINCT ${quoteIdent(x.to)} AS v FROM ${quoteQualified(ns, t)}`, ref);
        rule = { rule: 'sql', predicate: `${quoteIdent(x.column)} IS NULL OR ${quoteIdent(x.column)} IN (SELECT v FROM ${quoteIdent(ref)})`, policy, label };
        break;
      }
      default:
        rule = { ...x, policy, label } as ModelRule;
    }
    const [row] = await engine.allJson<{ n: number | string; samples: string[] | null }>(expectationSql(rule, quoteIdent(RELATION)));
    const failing = Number(row?.n ?? 0);
    out.push({ ...head, result: failing > 0 ? 'fail' : 'pass', failing_rows: failing, sample: row?.samples ?? [] });
  }
  return out;
}
