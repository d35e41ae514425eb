/** CREATE TABLE (columns), ALTER TABLE and DROP TABLE: catalog and schema changes, no data written. */
import { AlreadyExists, InvalidInput } from '../../errors.js';
import { buildSchema, currentSchema, parsePartitionSpec, type PrimitiveType, type SchemaChange } from '../../table/index.js';
import type { StatementContext, StatementOutcome } from './statement-types.js';
import type { AlterAction, Statement } from './sql-statement.js';
import { parseTypeText } from '../core/index.js';
import { ENCRYPTION_PROPERTY } from '../../keys/index.js';

type Ddl = Extract<Statement, { kind: 'create' | 'alter' | 'drop' }>;

export async function runDdl(ctx: StatementContext, s: Ddl): Promise<StatementOutcome> {
  const label = `${s.table.namespace}.${s.table.name}`;
  switch (s.kind) {
    case 'create': {
      if (await ctx.resolver.tableExists(s.table.namespace, s.table.name)) {
        if (s.ifNotExists) return { rowCount: 0, message: `table ${label} already exists` };
        throw new AlreadyExists(`query: table ${label} already exists`);
      }
      const fields = [];
      for (const c of s.columns) {
        fields.push({ name: c.name, type: await parseTypeText(ctx.engine, c.typeText, c.name), required: c.required });
      }
      const { schema, lastColumnId } = buildSchema(fields);
      const partitionFields = s.partitionBy ? parsePartitionSpec(s.partitionBy, schema) : [];
      await ctx.resolver.createTable(s.table.namespace, s.table.name, { schema, lastColumnId, partitionFields });
      return { rowCount: 0, message: `created table ${label}` };
    }
    case 'drop': {
      if (await ctx.resolver.views?.exists(s.table.namespace, s.table.name)) throw new InvalidInput(`query: ${label} is a view, not a table; use DROP VIEW ${label}`);
      const crawled = await externalNamed(ctx, s.table.namespace, s.table.name);
      if (crawled) {
        await crawled.drop(s.table.namespace.toLowerCase(), s.table.name.toLowerCase());
        return { rowCount: 0, message: `dropped external table ${label} (its files stay where they are)` };
      }
      if (s.ifExists && !(await ctx.resolver.tableExists(s.table.namespace, s.table.name))) {
        return { rowCount: 0, message: `table ${label} does not exist` };
      }
      await ctx.binder.table(s.table.namespace, s.table.name); // NotFound in the query's words
      await ctx.resolver.dropTable(s.table.namespace, s.table.name);
      return { rowCount: 0, message: `dropped table ${label}` };
    }
    case 'alter': {
      const table = await ctx.binder.table(s.table.namespace, s.table.name);
      await table.refresh();
      const exists = (name: string): boolean =>
        currentSchema(table.metadata).fields.some((f) => f.name.toLowerCase() === name.toLowerCase());
      if (s.action.kind === 'add' && s.action.ifNotExists && exists(s.action.name)) {
        return { rowCount: 0, message: `column ${s.action.name} already exists in ${label}` };
      }
      if (s.action.kind === 'add' && exists(s.action.name)) throw new AlreadyExists(`query: ${label}: column ${s.action.name} already exists`);
      if (s.action.kind === 'drop' && s.action.ifExists && !exists(s.action.name)) {
        return { rowCount: 0, message: `column ${s.action.name} does not exist in ${label}` };
      }
      if (s.action.kind === 'properties') {
        const key = [...Object.keys(s.action.set), ...s.action.remove].find((k) => k.toLowerCase().startsWith(ENCRYPTION_PROPERTY));
        if (key !== undefined) {
          throw new InvalidInput(
            `query: ${label}: ${key} cannot be changed by ALTER TABLE: a table is encrypted from its creation (the encryption section of silt.yaml), and its key is re-wrapped by \`silt key rotate --master\``,
            { code: 'encryption_property', details: { table: label, property: key } },
          );
        }
        await table.setProperties(s.action.set, s.action.remove);
        return { rowCount: 0, message: `altered table ${label}: ${describe(s.action)}` };
      }
      await table.evolveSchema([await schemaChange(ctx, s.action)]);
      return { rowCount: 0, message: `altered table ${label}: ${describe(s.action)}` };
    }
  }
}

/** The crawled tables' registry when `ns.name` is a crawled table and no Iceberg table has that name. */
async function externalNamed(ctx: StatementContext, namespace: string, name: string) {
  const tables = ctx.resolver.externalTables;
  if (!tables || (await ctx.resolver.tableExists(namespace, name))) return undefined;
  return (await tables.find(namespace.toLowerCase(), name.toLowerCase())) ? tables : undefined;
}

async function schemaChange(ctx: StatementContext, a: Exclude<AlterAction, { kind: 'properties' }>): Promise<SchemaChange> {
  switch (a.kind) {
    case 'add':
      return { kind: 'add', name: a.name, type: await parseTypeText(ctx.engine, a.typeText, a.name) };
    case 'rename':
      return { kind: 'rename', from: a.from, to: a.to };
    case 'drop':
      return { kind: 'drop', name: a.name };
    case 'widen': {
      const type = await parseTypeText(ctx.engine, a.typeText, a.name);
      if (typeof type !== 'string') throw new InvalidInput(`query: column ${a.name}: only primitive types can be widened`);
      return { kind: 'widen', name: a.name, type: type as PrimitiveType };
    }
  }
}

function describe(a: AlterAction): string {
  switch (a.kind) {
    case 'add':
      return `added column ${a.name}`;
    case 'rename':
      return `renamed column ${a.from} to ${a.to}`;
    case 'drop':
      return `dropped column ${a.name}`;
    case 'widen':
      return `changed column ${a.name} to ${a.typeText}`;
    case 'properties':
      return [...Object.entries(a.set).map(([k, v]) => `set ${k} = ${v}`), ...a.remove.map((k) => `unset ${k}`)].join(', ');
  }
}
