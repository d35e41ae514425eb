import type { Command } from 'commander';
import { parseTableName, type StoredView } from '../../catalog/index.js';
import { InvalidInput } from '../../errors.js';
import { currentSchema, currentViewVersion, typeText, viewSchema, type Table } from '../../table/index.js';
import { action, inProject, out } from '../context.js';
import { render, textTable, type OutputFormat } from '../render.js';
import { describeExternal } from './table-external.js';
import { listFormat, renderListing, tableListing, withFormat } from '../listings.js';

export function register(program: Command): void {
  const table = program.command('table').description('tables of the catalog');

  withFormat(table.command('list').argument('[namespace]'), true)
    .action(
      action(async function (this: Command, ns: string | undefined, opts: { format?: string }) {
        // Without --format: one name a line, as scripts have long read it.
        if (opts.format !== undefined) {
          const format = listFormat('table list', opts.format);
          return out(renderListing(await inProject(this, (p) => tableListing(p, ns)), format));
        }
        const tables = await inProject(this, async (p) => [
          ...(await p.catalog.listTables(ns)).map((t) => `${t.namespace}.${t.name}`),
          ...(await p.catalog.externalTables.list(ns)).map((t) => `${t.namespace}.${t.name}  (external)`),
          ...(await p.catalog.views.list(ns)).map((t) => `${t.namespace}.${t.name}  (view)`),
        ]);
        if (tables.length) out(tables.sort().join('\n'));
      }),
    );

  table
    .command('describe')
    .argument('<table>', 'namespace.table')
    .action(
      action(async function (this: Command, name: string) {
        const { namespace, name: table } = parseTableName(name);
        out(
          await inProject(this, async (p) => {
            if (await p.catalog.tableExists(namespace, table)) return describe(await p.catalog.loadTable(namespace, table));
            const view = await p.catalog.views.find(namespace, table);
            if (view) return describeView(view);
            const ext = await p.catalog.externalTables.get(namespace, table);
            return ext ? describeExternal(p.catalog, ext) : describe(await p.catalog.loadTable(namespace, table));
          }),
        );
      }),
    );

  table
    .command('snapshots')
    .argument('<table>', 'namespace.table')
    .option('--format <format>', 'table, csv or json (csv and json: one snapshot a line, oldest first)', 'table')
    .action(
      action(async function (this: Command, name: string, opts: { format: string }) {
        if (!['table', 'csv', 'json'].includes(opts.format)) {
          throw new InvalidInput(`table snapshots: unknown --format ${JSON.stringify(opts.format)}; expected one of table, csv, json`);
        }
        out(await withTable(this, name, async (t) => snapshots(t, opts.format as OutputFormat)));
      }),
    );

  table
    .command('register')
    .description('register an existing Iceberg metadata file as a table (the namespace must exist)')
    .argument('<table>', 'namespace.table')
    .argument('<metadata-location>', 'the table\'s metadata.json: a path or file:// URI inside the project\'s storage')
    .action(
      action(async function (this: Command, name: string, location: string) {
        const { namespace, name: table } = parseTableName(name);
        const t = await inProject(this, (p) => p.catalog.registerTable(namespace, table, location));
        out(`registered ${name} at ${t.metadataLocation} (snapshot ${t.metadata['current-snapshot-id'] ?? 'none'})`);
      }),
    );

  table
    .command('rollback')
    .argument('<table>', 'namespace.table')
    .argument('<snapshot-id>')
    .action(
      action(async function (this: Command, name: string, id: string) {
        if (!/^\d+$/.test(id)) throw new InvalidInput(`table rollback: snapshot id must be a number, found ${JSON.stringify(id)}`);
        await withTable(this, name, (t) => t.rollback(BigInt(id)));
        out(`${name} now at snapshot ${id}`);
      }),
    );
}

function withTable<T>(cmd: Command, text: string, fn: (t: Table) => Promise<T>): Promise<T> {
  const { namespace, name } = parseTableName(text);
  return inProject(cmd, async (p) => fn(await p.catalog.loadTable(namespace, name)));
}

function describe(t: Table): string {
  const m = t.metadata;
  const schema = currentSchema(m);
  const spec = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id']);
  const byId = new Map(schema.fields.map((f) => [f.id, f.name]));
  const lines = [
    `table      ${t.name}`,
    `location   ${m.location}`,
    `metadata   ${t.metadataLocation}`,
    `snapshot   ${m['current-snapshot-id'] ?? '(none)'}`,
    `partition  ${spec && spec.fields.length ? spec.fields.map((f) => `${f.transform}(${byId.get(f['source-id']) ?? f['source-id']}) as ${f.name}`).join(', ') : '(unpartitioned)'}`,
    '',
    textTable(
      ['id', 'column', 'type', 'required'],
      schema.fields.map((f) => [String(f.id), f.name, typeText(f.type), f.required ? 'yes' : 'no']),
    ),
  ];
  const props = Object.entries(m.properties);
  if (props.length) lines.push('properties', ...props.map(([k, v]) => `  ${k} = ${v}`));
  return lines.join('\n');
}

function describeView(v: StoredView): string {
  const version = currentViewVersion(v.metadata);
  return [
    `view       ${v.namespace}.${v.name}`,
    `metadata   ${v.metadataLocation}`,
    `version    ${version['version-id']} of ${v.metadata.versions.length}`,
    ...version.representations.map((r) => `sql (${r.dialect})  ${r.sql}`),
    '',
    textTable(['id', 'column', 'type'], viewSchema(v.metadata).fields.map((f) => [String(f.id), f.name, typeText(f.type)])),
  ].join('\n');
}

function snapshots(t: Table, format: OutputFormat): string {
  const m = t.metadata;
  const rows = m.snapshots.map((s) => [
    s['snapshot-id'].toString(),
    s['parent-snapshot-id']?.toString() ?? null,
    new Date(s['timestamp-ms']).toISOString(),
    s.summary.operation,
    s.summary['added-records'] ?? null,
    s.summary['deleted-records'] ?? null,
    s.summary['total-records'] ?? null,
  ]);
  const names = ['snapshot_id', 'parent_id', 'committed_at', 'operation', 'added', 'deleted', 'total'];
  const current = m.snapshots.map((s) => s['snapshot-id'] === m['current-snapshot-id']);
  if (format === 'table') return textTable(['', ...names], rows.map((r, i) => [current[i] ? '*' : '', ...r.map((c) => c ?? '')]));
  const types = ['BIGINT', 'BIGINT', 'VARCHAR', 'VARCHAR', 'BIGINT', 'BIGINT', 'BIGINT', 'BOOLEAN'];
  const columns = [...names, 'current'].map((name, i) => ({ name, type: types[i]! }));
  return render(columns, rows.map((r, i) => [...r, current[i]]), format);
}
