/** CREATE [OR REPLACE] VIEW and DROP VIEW: Iceberg views in the catalog, no data written. */
import { AlreadyExists, InvalidInput, NotFound } from '../../errors.js';
import { applyViewUpdates, buildSchema, versionUpdates, type ViewRepresentation } from '../../table/index.js';
import { duckdbToIceberg } from '../core/index.js';
import { describeQuery } from './describe-query.js';
import type { Statement } from './sql-statement.js';
import type { StatementContext, StatementOutcome } from './statement-types.js';
import type { ViewResolver } from './table-resolver.js';
import { prepareSelect, SILT_DIALECT, withPortableDialects } from './view-sql.js';

type ViewStatement = Extract<Statement, { kind: 'create-view' | 'drop-view' }>;

export async function runViewStatement(ctx: StatementContext, s: ViewStatement): Promise<StatementOutcome> {
  const views = viewsOf(ctx);
  const label = `${s.view.namespace}.${s.view.name}`;
  if (s.kind === 'drop-view') {
    if (!(await views.exists(s.view.namespace, s.view.name))) {
      if (s.ifExists) return { rowCount: 0, message: `view ${label} does not exist` };
      if (await ctx.resolver.tableExists(s.view.namespace, s.view.name)) throw new InvalidInput(`query: ${label} is a table, not a view; use DROP TABLE ${label}`);
      throw new NotFound(`query: no view ${label}`, { code: 'view_not_found', details: { table: label } });
    }
    await views.drop(s.view.namespace, s.view.name);
    return { rowCount: 0, message: `dropped view ${label}` };
  }
  const exists = await views.exists(s.view.namespace, s.view.name);
  if (exists && s.ifNotExists) return { rowCount: 0, message: `view ${label} already exists` };
  if (exists && !s.orReplace) throw new AlreadyExists(`query: view ${label} already exists; use CREATE OR REPLACE VIEW to change it`, { code: 'view_exists', details: { table: label } });
  if (await ctx.resolver.tableExists(s.view.namespace, s.view.name)) {
    throw new AlreadyExists(`query: ${label} already exists as a table; a view and a table cannot share a name`, { code: 'table_exists', details: { table: label } });
  }
  // The SQL must bind now, as the creator may read it; its columns become the view's schema.
  const prepared = prepareSelect(s.query, `the SQL of view ${label}`);
  const child = ctx.binder.forView(prepared.refs, `${s.view.namespace}.${s.view.name}`.toLowerCase());
  const columns = await describeQuery(ctx.engine, (await child.bind(prepared.sql)).sql);
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name.toLowerCase())) throw new InvalidInput(`query: view ${label}: column ${c.name} appears twice; give it an alias`);
    seen.add(c.name.toLowerCase());
  }
  const { schema } = buildSchema(columns.map((c) => ({ name: c.name, type: duckdbToIceberg(c.type, c.name) })));
  const representations = await withPortableDialects(ctx.engine, [{ type: 'sql', sql: s.query, dialect: SILT_DIALECT }]);
  const updates = versionUpdates(schema, {
    'timestamp-ms': Date.now(),
    summary: { 'engine-name': 'silt' },
    representations,
    'default-namespace': [s.view.namespace],
  });
  if (exists) {
    await views.commit(s.view.namespace, s.view.name, (base) => applyViewUpdates(base, [], updates));
    return { rowCount: 0, message: `replaced view ${label}` };
  }
  await views.create(s.view.namespace, s.view.name, updates);
  return { rowCount: 0, message: `created view ${label}` };
}

function viewsOf(ctx: StatementContext): ViewResolver {
  if (!ctx.resolver.views) throw new InvalidInput('query: this catalog keeps no views');
  return ctx.resolver.views;
}
