/** `silt table describe` for an external (crawled) table. */
import type { Catalog, ExternalTableInfo } from '../../catalog/index.js';
import { formatBytes } from '../progress.js';
import { textTable } from '../render.js';

const PARTITIONS_SHOWN = 10;

export async function describeExternal(catalog: Catalog, t: ExternalTableInfo): Promise<string> {
  const files = await catalog.externalTables.files(t.namespace, t.name);
  const versions = await catalog.externalTables.schemaVersions(t.namespace, t.name);
  const partitions = [...new Set(files.map((f) => f.partition).filter((p) => p !== ''))].sort();
  const options = Object.entries(t.options).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const lines = [
    `table      ${t.namespace}.${t.name} (external, crawled; read-only)`,
    `location   ${t.location}`,
    `format     ${t.format}${options.length ? ` (${options.join(', ')})` : ''}`,
    `files      ${files.length} (${formatBytes(files.reduce((n, f) => n + f.size, 0))})`,
    `partitions ${partitions.length}${partitions.length ? `: ${partitions.slice(0, PARTITIONS_SHOWN).join(', ')}${partitions.length > PARTITIONS_SHOWN ? ', …' : ''}` : ''}`,
    `crawled    ${new Date(t.updatedMs).toISOString()}`,
    `schema     v${t.schemaVersion}`,
    '',
    textTable(
      ['column', 'type', 'partition'],
      t.columns.map((c) => [c.name, c.type, c.partition ? 'yes' : '']),
    ).trimEnd(),
    '',
    'schema versions',
    ...versions.map((v) => {
      const what = v.changes.length
        ? v.changes.map((c) => (c.kind === 'added' ? `added ${c.column} ${c.to}` : `widened ${c.column} ${c.from} -> ${c.to}`)).join('; ')
        : `${v.columns.length} columns`;
      return `  v${v.version}  ${new Date(v.createdMs).toISOString()}  ${what}`;
    }),
  ];
  return lines.join('\n');
}
