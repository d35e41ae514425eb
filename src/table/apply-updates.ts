import { CommitConflict, InvalidInput } from '../errors.js';
import { indexById, sameFields } from './schema.js';
import { transformResultType } from './transforms.js';
import type { PartitionSpec, SnapshotLogEntry, SnapshotRef, SortOrder, TableMetadata } from './types.js';
import { LAST_ADDED, type TableRequirement, type TableUpdate } from './updates.js';

const OPERATIONS = new Set(['append', 'replace', 'overwrite', 'delete']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const URI = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Checks a commit's requirements against the base it would replace (undefined: the table does not
 * exist). A requirement that does not hold means someone else changed the table since the change
 * was built: a CommitConflict naming the requirement (a REST face answers 409).
 */
export function checkRequirements(base: TableMetadata | undefined, requirements: readonly TableRequirement[], table: string): void {
  for (const r of requirements) {
    const failed = (found: string): never => {
      throw new CommitConflict(`commit: ${table}: requirement ${describeRequirement(r)} failed: ${found}; reload the table and retry`);
    };
    if (r.type === 'assert-create') {
      if (base) failed('the table already exists');
      continue;
    }
    if (!base) failed('the table does not exist');
    const m = base!;
    switch (r.type) {
      case 'assert-table-uuid':
        if (String(r.uuid).toLowerCase() !== m['table-uuid'].toLowerCase()) failed(`its uuid is ${m['table-uuid']}`);
        break;
      case 'assert-ref-snapshot-id': {
        const ref = m.refs[r.ref];
        const want = r['snapshot-id'] === null || r['snapshot-id'] === undefined ? null : BigInt(r['snapshot-id']);
        if (want === null && ref) failed(`${r.ref} exists at snapshot ${ref['snapshot-id']}`);
        if (want !== null && !ref) failed(`${r.ref} does not exist`);
        if (want !== null && ref && ref['snapshot-id'] !== want) failed(`${r.ref} is at snapshot ${ref['snapshot-id']}`);
        break;
      }
      case 'assert-last-assigned-field-id':
        if (m['last-column-id'] !== r['last-assigned-field-id']) failed(`the last assigned field id is ${m['last-column-id']}`);
        break;
      case 'assert-current-schema-id':
        if (m['current-schema-id'] !== r['current-schema-id']) failed(`the current schema id is ${m['current-schema-id']}`);
        break;
      case 'assert-last-assigned-partition-id':
        if (m['last-partition-id'] !== r['last-assigned-partition-id']) failed(`the last assigned partition id is ${m['last-partition-id']}`);
        break;
      case 'assert-default-spec-id':
        if (m['default-spec-id'] !== r['default-spec-id']) failed(`the default spec id is ${m['default-spec-id']}`);
        break;
      case 'assert-default-sort-order-id':
        if (m['default-sort-order-id'] !== r['default-sort-order-id']) failed(`the default sort order id is ${m['default-sort-order-id']}`);
        break;
      default:
        throw new InvalidInput(`commit: ${table}: unknown requirement ${JSON.stringify((r as { type?: unknown }).type)}`);
    }
  }
}

/** `assert-ref-snapshot-id (main at 123)`: a requirement as messages name it. */
export function describeRequirement(r: TableRequirement): string {
  const value = (() => {
    switch (r.type) {
      case 'assert-create': return '';
      case 'assert-table-uuid': return r.uuid;
      case 'assert-ref-snapshot-id': return `${r.ref} at ${r['snapshot-id'] ?? 'no snapshot'}`;
      case 'assert-last-assigned-field-id': return String(r['last-assigned-field-id']);
      case 'assert-current-schema-id': return String(r['current-schema-id']);
      case 'assert-last-assigned-partition-id': return String(r['last-assigned-partition-id']);
      case 'assert-default-spec-id': return String(r['default-spec-id']);
      case 'assert-default-sort-order-id': return String(r['default-sort-order-id']);
      default: return '';
    }
  })();
  return value ? `${r.type} (${value})` : r.type;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Applies updates to the base, in order, as Iceberg's metadata builder does, and returns the next
 * metadata (the base is not changed). An update that cannot apply is InvalidInput naming it.
 * `now` stamps a ref move that adds no snapshot (e.g. a rollback).
 */
export function applyUpdates(base: TableMetadata, updates: readonly TableUpdate[], table: string, now = Date.now()): TableMetadata {
  const m = { ...base } as Mutable<TableMetadata>;
  const added: { schema?: number; spec?: number; order?: number } = {};
  let stamped: number | undefined;
  updates.forEach((u, i) => {
    const refuse = (why: string): never => {
      throw new InvalidInput(`commit: ${table}: update ${i + 1} (${String((u as { action?: unknown }).action)}) is refused: ${why}`);
    };
    const lastAdded = (id: number, kind: 'schema' | 'spec' | 'order', noun: string): number => {
      if (id !== LAST_ADDED) return id;
      const found = added[kind];
      return found ?? refuse(`-1 means the ${noun} added by this commit, and it adds none`);
    };
    switch (u.action) {
      case 'assign-uuid':
        if (typeof u.uuid !== 'string' || !UUID.test(u.uuid)) refuse(`${JSON.stringify(u.uuid)} is not a UUID`);
        if (u.uuid.toLowerCase() !== m['table-uuid'].toLowerCase()) refuse(`the table's uuid is ${m['table-uuid']} and cannot be reassigned`);
        break;
      case 'upgrade-format-version':
        if (u['format-version'] < m['format-version']) refuse(`cannot downgrade format version ${m['format-version']} to ${u['format-version']}`);
        if (u['format-version'] > 2) refuse(`format version ${u['format-version']} is not supported (Silt writes v2)`);
        break;
      case 'add-schema': {
        const schema = u.schema;
        if (!schema || schema.type !== 'struct' || !Array.isArray(schema.fields)) refuse('schema must be a struct with fields');
        let ids: number[];
        try {
          ids = [...indexById(schema).keys()];
        } catch (e) {
          return refuse((e as Error).message);
        }
        const given = u['last-column-id'];
        if (given !== undefined && given < m['last-column-id']) refuse(`last-column-id ${given} is below the table's ${m['last-column-id']}`);
        const same = m.schemas.find((s) => sameFields(s, schema));
        if (same) {
          added.schema = same['schema-id'];
        } else {
          const taken = m.schemas.some((s) => s['schema-id'] === schema['schema-id']);
          const id = taken || !Number.isInteger(schema['schema-id']) || schema['schema-id'] < 0
            ? Math.max(-1, ...m.schemas.map((s) => s['schema-id'])) + 1
            : schema['schema-id'];
          m.schemas = [...m.schemas, { ...schema, 'schema-id': id }];
          added.schema = id;
        }
        m['last-column-id'] = Math.max(m['last-column-id'], given ?? 0, ...ids);
        break;
      }
      case 'set-current-schema': {
        const id = lastAdded(u['schema-id'], 'schema', 'schema');
        if (!m.schemas.some((s) => s['schema-id'] === id)) refuse(`the table has no schema ${id}`);
        m['current-schema-id'] = id;
        break;
      }
      case 'add-spec': {
        const spec = u.spec;
        if (!spec || !Array.isArray(spec.fields)) refuse('spec must have fields');
        const schema = m.schemas.find((s) => s['schema-id'] === m['current-schema-id'])!;
        const columns = indexById(schema);
        for (const f of spec.fields) {
          const source = columns.get(f['source-id']);
          if (!source || typeof source.type !== 'string') refuse(`partition field ${f.name} refers to no primitive column (id ${f['source-id']})`);
          try {
            transformResultType(f.transform, source!.type as Parameters<typeof transformResultType>[1]);
          } catch (e) {
            refuse(`partition field ${f.name}: ${(e as Error).message}`);
          }
        }
        const id = addVersioned(m['partition-specs'], 'spec-id', spec, (a, b) => JSON.stringify(a.fields) === JSON.stringify(b.fields));
        if (!m['partition-specs'].some((s) => s['spec-id'] === id)) m['partition-specs'] = [...m['partition-specs'], { ...spec, 'spec-id': id }];
        m['last-partition-id'] = Math.max(m['last-partition-id'], ...spec.fields.map((f) => f['field-id']));
        added.spec = id;
        break;
      }
      case 'set-default-spec': {
        const id = lastAdded(u['spec-id'], 'spec', 'partition spec');
        if (!m['partition-specs'].some((s) => s['spec-id'] === id)) refuse(`the table has no partition spec ${id}`);
        m['default-spec-id'] = id;
        break;
      }
      case 'add-sort-order': {
        const order = u['sort-order'];
        if (!order || !Array.isArray(order.fields)) refuse('sort order must have fields');
        const columns = indexById(m.schemas.find((s) => s['schema-id'] === m['current-schema-id'])!);
        for (const f of order.fields) {
          if (!columns.has(f['source-id'])) refuse(`sort field refers to no column (id ${f['source-id']})`);
          if (f.direction !== 'asc' && f.direction !== 'desc') refuse(`sort direction ${JSON.stringify(f.direction)} is not asc or desc`);
          if (f['null-order'] !== 'nulls-first' && f['null-order'] !== 'nulls-last') refuse(`null order ${JSON.stringify(f['null-order'])} is not nulls-first or nulls-last`);
        }
        // Order 0 is reserved for "unsorted".
        const id = order.fields.length === 0 ? 0 : addVersioned(m['sort-orders'], 'order-id', order, (a, b) => JSON.stringify(a.fields) === JSON.stringify(b.fields), 1);
        if (!m['sort-orders'].some((s) => s['order-id'] === id)) m['sort-orders'] = [...m['sort-orders'], { ...order, 'order-id': id }];
        added.order = id;
        break;
      }
      case 'set-default-sort-order': {
        const id = lastAdded(u['sort-order-id'], 'order', 'sort order');
        if (!m['sort-orders'].some((s) => s['order-id'] === id)) refuse(`the table has no sort order ${id}`);
        m['default-sort-order-id'] = id;
        break;
      }
      case 'add-snapshot': {
        const s = u.snapshot;
        if (!s || typeof s['snapshot-id'] !== 'bigint' || s['snapshot-id'] <= 0n) refuse('snapshot-id must be a positive 64-bit integer');
        const id = s['snapshot-id'];
        if (m.snapshots.some((x) => x['snapshot-id'] === id)) refuse(`snapshot ${id} already exists`);
        const parent = s['parent-snapshot-id'];
        if (parent !== undefined && parent !== null && !m.snapshots.some((x) => x['snapshot-id'] === parent)) refuse(`its parent snapshot ${parent} does not exist`);
        if (!Number.isInteger(s['sequence-number'])) refuse('sequence-number must be an integer');
        if (parent !== undefined && parent !== null && s['sequence-number'] <= m['last-sequence-number']) {
          refuse(`sequence number ${s['sequence-number']} is not above the table's last ${m['last-sequence-number']}`);
        }
        if (typeof s['manifest-list'] !== 'string' || !s['manifest-list']) refuse('manifest-list must be a location');
        if (!s.summary || !OPERATIONS.has(s.summary.operation)) refuse(`summary operation ${JSON.stringify(s.summary?.operation)} is not append, replace, overwrite or delete`);
        for (const [k, v] of Object.entries(s.summary)) if (typeof v !== 'string') refuse(`summary ${k} must be a string`);
        if (s['schema-id'] !== undefined && !m.schemas.some((x) => x['schema-id'] === s['schema-id'])) refuse(`the table has no schema ${s['schema-id']}`);
        m.snapshots = [...m.snapshots, s];
        m['last-sequence-number'] = Math.max(m['last-sequence-number'], s['sequence-number']);
        m['last-updated-ms'] = s['timestamp-ms'];
        stamped = s['timestamp-ms'];
        break;
      }
      case 'set-snapshot-ref': {
        const name = u['ref-name'];
        if (typeof name !== 'string' || !name) refuse('ref-name must be a name');
        const id = u['snapshot-id'];
        if (typeof id !== 'bigint' || !m.snapshots.some((x) => x['snapshot-id'] === id)) refuse(`the table has no snapshot ${String(id)}`);
        if (u.type !== 'branch' && u.type !== 'tag') refuse(`ref type ${JSON.stringify(u.type)} is not branch or tag`);
        if (name === 'main' && u.type !== 'branch') refuse('main must be a branch');
        const ref: SnapshotRef = {
          'snapshot-id': id, type: u.type,
          ...(u['max-ref-age-ms'] === undefined ? {} : { 'max-ref-age-ms': u['max-ref-age-ms'] }),
          ...(u['max-snapshot-age-ms'] === undefined ? {} : { 'max-snapshot-age-ms': u['max-snapshot-age-ms'] }),
          ...(u['min-snapshots-to-keep'] === undefined ? {} : { 'min-snapshots-to-keep': u['min-snapshots-to-keep'] }),
        };
        const existing = m.refs[name];
        if (existing && JSON.stringify(existing, bigintText) === JSON.stringify(ref, bigintText)) break;
        m.refs = { ...m.refs, [name]: ref };
        if (name === 'main') {
          m['current-snapshot-id'] = id;
          m['snapshot-log'] = [...m['snapshot-log'], { 'timestamp-ms': stamped ?? now, 'snapshot-id': id }];
        }
        break;
      }
      case 'remove-snapshots': {
        const ids = new Set(u['snapshot-ids']);
        for (const id of ids) if (!m.snapshots.some((x) => x['snapshot-id'] === id)) refuse(`the table has no snapshot ${String(id)}`);
        m.snapshots = m.snapshots.filter((x) => !ids.has(x['snapshot-id']));
        for (const [name, ref] of Object.entries(m.refs)) if (ids.has(ref['snapshot-id'])) removeRef(m, name);
        if (m.statistics) m.statistics = m.statistics.filter((x) => !ids.has(x['snapshot-id']));
        if (m['partition-statistics']) m['partition-statistics'] = m['partition-statistics'].filter((x) => !ids.has(x['snapshot-id']));
        m['snapshot-log'] = logWithout(m['snapshot-log'], ids);
        break;
      }
      case 'remove-snapshot-ref':
        removeRef(m, u['ref-name']);
        break;
      case 'set-location':
        if (typeof u.location !== 'string' || !URI.test(u.location)) refuse(`location ${JSON.stringify(u.location)} must be a URI with a scheme`);
        m.location = u.location.replace(/\/+$/, '');
        break;
      case 'set-properties':
        if (!u.updates || typeof u.updates !== 'object') refuse('updates must be an object of strings');
        for (const [k, v] of Object.entries(u.updates)) if (!k || typeof v !== 'string') refuse(`property ${JSON.stringify(k)} must have a string value`);
        m.properties = { ...m.properties, ...u.updates };
        break;
      case 'remove-properties': {
        if (!Array.isArray(u.removals) || u.removals.some((k) => typeof k !== 'string')) refuse('removals must be a list of property names');
        const properties = { ...m.properties };
        for (const k of u.removals) delete properties[k];
        m.properties = properties;
        break;
      }
      case 'set-statistics': {
        const s = u.statistics;
        if (!s || typeof s['statistics-path'] !== 'string') refuse('statistics must name a statistics-path');
        if (u['snapshot-id'] !== undefined && u['snapshot-id'] !== s['snapshot-id']) refuse(`snapshot-id ${u['snapshot-id']} differs from the statistics file's ${s['snapshot-id']}`);
        if (!m.snapshots.some((x) => x['snapshot-id'] === s['snapshot-id'])) refuse(`the table has no snapshot ${String(s['snapshot-id'])}`);
        m.statistics = [...(m.statistics ?? []).filter((x) => x['snapshot-id'] !== s['snapshot-id']), s];
        break;
      }
      case 'remove-statistics':
        m.statistics = (m.statistics ?? []).filter((x) => x['snapshot-id'] !== u['snapshot-id']);
        break;
      case 'set-partition-statistics': {
        const s = u['partition-statistics'];
        if (!s || typeof s['statistics-path'] !== 'string') refuse('partition-statistics must name a statistics-path');
        if (!m.snapshots.some((x) => x['snapshot-id'] === s['snapshot-id'])) refuse(`the table has no snapshot ${String(s['snapshot-id'])}`);
        m['partition-statistics'] = [...(m['partition-statistics'] ?? []).filter((x) => x['snapshot-id'] !== s['snapshot-id']), s];
        break;
      }
      case 'remove-partition-statistics':
        m['partition-statistics'] = (m['partition-statistics'] ?? []).filter((x) => x['snapshot-id'] !== u['snapshot-id']);
        break;
      case 'remove-partition-specs': {
        const ids = new Set(u['spec-ids']);
        if (ids.has(m['default-spec-id'])) refuse(`spec ${m['default-spec-id']} is the default partition spec`);
        m['partition-specs'] = m['partition-specs'].filter((s) => !ids.has(s['spec-id']));
        break;
      }
      case 'remove-schemas': {
        const ids = new Set(u['schema-ids']);
        if (ids.has(m['current-schema-id'])) refuse(`schema ${m['current-schema-id']} is the current schema`);
        m.schemas = m.schemas.filter((s) => !ids.has(s['schema-id']));
        break;
      }
      default:
        refuse('unknown action');
    }
  });
  return m;
}

/**
 * The id an added spec or sort order gets: an identical existing one's, else the one given when it
 * is free, else the highest plus one (as Iceberg's metadata builder reuses and assigns them).
 */
function addVersioned<K extends 'spec-id' | 'order-id', T extends PartitionSpec | SortOrder>(
  existing: readonly T[],
  key: K,
  candidate: T,
  same: (a: T, b: T) => boolean,
  min = 0,
): number {
  const get = (x: T): number => (x as unknown as Record<K, number>)[key];
  const twin = existing.find((x) => same(x, candidate));
  if (twin) return get(twin);
  const wanted = get(candidate);
  if (Number.isInteger(wanted) && wanted >= min && !existing.some((x) => get(x) === wanted)) return wanted;
  return Math.max(min - 1, ...existing.map(get)) + 1;
}

function removeRef(m: Mutable<TableMetadata>, name: string): void {
  if (!(name in m.refs)) return;
  const refs = { ...m.refs };
  delete refs[name];
  m.refs = refs;
  if (name === 'main') delete m['current-snapshot-id'];
}

/**
 * The snapshot log without removed snapshots. History before a removed entry goes too, as in
 * Iceberg: a gap would make time travel answer with a snapshot that was not current then.
 */
function logWithout(log: readonly SnapshotLogEntry[], removed: ReadonlySet<bigint>): SnapshotLogEntry[] {
  const out: SnapshotLogEntry[] = [];
  for (const e of log) {
    if (removed.has(e['snapshot-id'])) out.length = 0;
    else out.push(e);
  }
  return out;
}

function bigintText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
